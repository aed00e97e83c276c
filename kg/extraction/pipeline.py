"""The spaCy pipeline: ``spacy.blank("zh")`` with jieba and three components.

Components are classes (:mod:`kg.extraction.components`) registered in
:mod:`kg.extraction.factories` and configured like any spaCy component, so
they can be mixed with a trained model:

* ``uic_sentences`` sets sentence starts from :func:`kg.extraction.cleaning.split_sentences`;
* ``uic_entities`` recognises mentions of the 13 types per sentence
  (:mod:`kg.extraction.name_rules`), and folds in ``doc.ents`` of a preceding trained
  ``ner`` component when one is there (``ORG``/``PERSON``/``GPE`` … mapped
  by the ``label_map`` setting);
* ``uic_aliases`` resolves mentions to entities with canonical names and
  aliases (:mod:`kg.extraction.aliases`);
* ``uic_relations`` extracts typed relations per sentence (:mod:`kg.extraction.relation_rules`);
* the trained ones: ``uic_lac`` (LAC's words), ``uic_names`` (the learned
  name tagger, :mod:`kg.extraction.names`) and ``uic_relation_model``
  (:mod:`kg.extraction.relations`).

Results live on ``Doc`` extensions: ``doc._.mentions`` (per-sentence lists
of mention dicts), ``doc._.entities`` (canonical entity records) and
``doc._.relations`` (relation dicts with sentence offsets), and on the span
group ``doc.spans["uic"]`` (one ``Span`` per mention, label = type).

Example
-------
>>> nlp = build_pipeline()
>>> doc = nlp("星河大学与蓝海科技有限公司签约。")
>>> [(r["subject"], r["predicate"], r["object"]) for r in doc._.relations]
[('星河大学', 'signsWith', '蓝海科技有限公司')]

``nlp.to_disk(path)`` writes the trained models with the pipeline, and
``spacy.load(path)`` restores it (this module, or :mod:`kg.extraction.factories`,
imported first).

A trained model's entities join ours::

    nlp = spacy.load("my_zh_model")            # has a "ner" component
    nlp = build_pipeline(nlp=nlp)               # our components after it
"""

from __future__ import annotations

import spacy
from spacy.language import Language

import kg.extraction.factories  # noqa: F401 - registers the uic_* components


def build_pipeline(nlp: Language | None = None, tagger: bool = True,
                   model: str | None = None, relation_model: bool = True,
                   names: bool = True) -> Language:
    """The extraction pipeline; appended to ``nlp`` when a model is given.

    Parameters
    ----------
    nlp : spacy.Language, optional
        A (trained) Chinese pipeline to extend, e.g. one with an ``ner``
        component whose entities should join the rule-based ones. By
        default ``spacy.blank("zh")`` with the jieba segmenter.
    tagger : bool
        Add the trained components: LAC (``uic_lac``), the learned name
        tagger (``uic_names``) and the learned relation model
        (``uic_relation_model``). Without them the pipeline is rules only,
        about seven times faster and less accurate on new articles.
    relation_model : bool
        With ``tagger``, also the relation model (training the model leaves
        it out to read the candidates without it).
    names : bool
        With ``tagger``, also the name tagger (training leaves it out to read
        the rules' own mentions and LAC's words).
    model : str or Path, optional
        A model folder written by ``kg train`` (default: the shipped one).
    """
    if nlp is None:
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.max_length = max(nlp.max_length, 20_000_000)
    components = ["uic_sentences", "uic_entities", "uic_aliases", "uic_relations"]
    if tagger:
        components[1:1] = ["uic_lac"]
        if names:
            components[3:3] = ["uic_names"]
        if relation_model:
            components.append("uic_relation_model")
    for component in components:
        if component not in nlp.pipe_names:
            if component == "uic_sentences" and "parser" in nlp.pipe_names:
                nlp.add_pipe(component, before="parser")
            elif component in ("uic_names", "uic_relation_model"):
                nlp.add_pipe(component, config={"model": str(model) if model else None})
            else:
                nlp.add_pipe(component)
    return nlp
