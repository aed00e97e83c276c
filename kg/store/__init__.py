"""The RDF store: the mapping of records to RDF (:mod:`kg.store.rdf`) and the
stores that hold it, on disk or behind a SPARQL 1.1 server
(:mod:`kg.store.backends`)."""
