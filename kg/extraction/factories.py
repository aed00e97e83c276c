"""The one place where the pipeline's components are registered with spaCy.

Every factory builds a class of :mod:`kg.extraction.components` from its
config, so the components can be added by name (``nlp.add_pipe("uic_entities")``)
and a pipeline saved with ``nlp.to_disk`` reloads with ``spacy.load`` once
this module is imported (:mod:`kg.extraction.pipeline` imports it).

========================  ============================================  =========================
component                 class                                         config
========================  ============================================  =========================
``uic_sentences``         :class:`~.components.SentenceSetter`
``uic_lac``               :class:`~.components.LacTagger`
``uic_entities``          :class:`~.components.EntityRecognizer`        ``label_map``
``uic_names``             :class:`~.components.NameTaggerComponent`     ``model``, ``enabled``
``uic_aliases``           :class:`~.components.AliasResolver`
``uic_relations``         :class:`~.components.RelationExtractor`
``uic_relation_model``    :class:`~.components.RelationModelComponent`  ``model``, ``enabled``,
                                                                        ``add``, ``drop``,
                                                                        ``min_examples``
========================  ============================================  =========================

Example
-------
>>> import spacy
>>> nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
>>> component = nlp.add_pipe("uic_names", config={"enabled": False})
>>> component.model is None
True
"""

from __future__ import annotations

from spacy.language import Language

from kg.extraction.components import (DEFAULT_LABEL_MAP, AliasResolver, EntityRecognizer, LacTagger,
                                      NameTaggerComponent, RelationExtractor, RelationModelComponent,
                                      SentenceSetter)


@Language.factory("uic_sentences")
def make_sentences(nlp: Language, name: str) -> SentenceSetter:
    """Sentence boundaries from :func:`kg.extraction.cleaning.split_sentences`."""
    return SentenceSetter()


@Language.factory("uic_lac")
def make_lac(nlp: Language, name: str) -> LacTagger:
    """LAC's words on ``doc._.lac``."""
    return LacTagger()


@Language.factory("uic_entities", default_config={"label_map": DEFAULT_LABEL_MAP})
def make_entities(nlp: Language, name: str, label_map: dict) -> EntityRecognizer:
    """Rule-based mentions per sentence, plus a trained model's entities."""
    return EntityRecognizer(label_map)


@Language.factory("uic_names", default_config={"model": None, "enabled": True})
def make_names(nlp: Language, name: str, model: str | None, enabled: bool) -> NameTaggerComponent:
    """The learned name tagger; ``model`` is a folder holding ``names.crfsuite``
    (the shipped one by default), ``enabled=False`` builds it without one."""
    return NameTaggerComponent(name, model, enabled)


@Language.factory("uic_aliases")
def make_aliases(nlp: Language, name: str) -> AliasResolver:
    """Canonical entities and aliases for the document's mentions."""
    return AliasResolver()


@Language.factory("uic_relations")
def make_relations(nlp: Language, name: str) -> RelationExtractor:
    """Typed relations per sentence, with the sentence as evidence."""
    return RelationExtractor()


@Language.factory("uic_relation_model", default_config={"model": None, "enabled": True, "add": 0.5,
                                                       "drop": 0.02, "min_examples": 20})
def make_relation_model(nlp: Language, name: str, model: str | None, enabled: bool, add: float,
                        drop: float, min_examples: int) -> RelationModelComponent:
    """The learned relation model; ``model`` is a folder holding
    ``relations.json.gz`` (the shipped one by default)."""
    return RelationModelComponent(name, model, enabled, add, drop, min_examples)
