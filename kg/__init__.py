"""kg: a knowledge graph of university–industry–government collaboration
built from Chinese news text.

Data flows one way: text → entities and relations → RDF store → graph
analysis → answers (SPARQL, HTML viewer, CLI).
"""

__version__ = "0.1.0"
