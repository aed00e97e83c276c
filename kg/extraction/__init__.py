"""Extraction: from a document's text to entity and relation records.

The flow, one module per stage:

* :mod:`kg.extraction.lexical` — a trained lexical analyser (Baidu's LAC)
  as a spaCy component: words, parts of speech and PER/ORG/LOC/TIME names;
* :mod:`kg.extraction.names` — the learned name tagger: a linear-chain CRF
  over characters whose features are the characters, LAC's tags and the
  rule recogniser's mentions (:mod:`kg.recognize`), trained on gold files;
* :mod:`kg.extraction.gold` — gold files aligned to the cleaned text
  (training examples);
* :mod:`kg.extraction.candidates` — candidate entity pairs and their
  features;
* :mod:`kg.extraction.relations` — the learned relation model over the
  candidates, with the rules' votes as features;
* :mod:`kg.extraction.training` — training, saving and k-fold
  cross-validation by document.
"""
