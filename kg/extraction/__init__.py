"""Extraction: from a document's file to entity and relation records.

The rest of ``kg`` calls one function, :func:`extract_document` (and
:func:`extract_paths` for files and folders); this package holds the flow,
one module per stage:

* :mod:`~kg.extraction.reading` — files and folders to document records
  (encodings, HTML, one-line errors);
* :mod:`~kg.extraction.cleaning` — PDF artefacts repaired, Traditional →
  Simplified with offsets kept, sentences;
* :mod:`~kg.extraction.pipeline` — the spaCy pipeline (``spacy.blank("zh")``
  with jieba); its components are the classes of
  :mod:`~kg.extraction.components`, registered in :mod:`~kg.extraction.factories`
  (the learned ones read their models from :mod:`~kg.extraction.shipped`'s folder);
* :mod:`~kg.extraction.lexical` — Baidu's LAC: words, parts
  of speech and PER/ORG/LOC/TIME names;
* :mod:`~kg.extraction.name_rules` — names found by rule (suffixes, titles,
  quotes, lists), with the word lists of :mod:`~kg.extraction.lexicon`;
* :mod:`~kg.extraction.names` — the learned name tagger (a CRF over
  characters, LAC and the rules as features);
* :mod:`~kg.extraction.aliases`, :mod:`~kg.extraction.resolution` and
  :mod:`~kg.extraction.coreference` — one entity per name and its short
  forms; the article's own institution;
  generic names qualified before the store;
* :mod:`~kg.extraction.relation_rules` — one rule per predicate;
* :mod:`~kg.extraction.candidates` — candidate pairs and their features;
* :mod:`~kg.extraction.relations` — the learned relation model;
* :mod:`~kg.extraction.gold`, :mod:`~kg.extraction.training`,
  :mod:`~kg.extraction.evaluation` — gold files aligned to the text,
  training and cross-validation, scoring;
* :mod:`~kg.extraction.document` — one document through the pipeline to
  records with provenance.
"""

__all__ = ["extract_document", "extract_paths", "build_pipeline"]


def __getattr__(name):
    # Lazy, so that light stages (reading, cleaning) import without spaCy.
    if name in ("extract_document", "extract_paths"):
        from kg.extraction import document

        return getattr(document, name)
    if name == "build_pipeline":
        from kg.extraction.pipeline import build_pipeline

        return build_pipeline
    raise AttributeError(name)
