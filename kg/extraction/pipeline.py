"""The spaCy pipeline: ``spacy.blank("zh")`` with jieba and three components.

Components are registered with ``@Language.factory`` and configured like
any spaCy component, so they can be mixed with a trained model:

* ``uic_sentences`` sets sentence starts from :func:`kg.extraction.cleaning.split_sentences`;
* ``uic_entities`` recognises mentions of the 13 types per sentence
  (:mod:`kg.extraction.name_rules`), and folds in ``doc.ents`` of a preceding trained
  ``ner`` component when one is there (``ORG``/``PERSON``/``GPE`` … mapped
  by the ``label_map`` setting);
* ``uic_aliases`` resolves mentions to entities with canonical names and
  aliases (:mod:`kg.extraction.aliases`);
* ``uic_relations`` extracts typed relations per sentence (:mod:`kg.extraction.relation_rules`).

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

A trained model's entities join ours::

    nlp = spacy.load("my_zh_model")            # has a "ner" component
    nlp = build_pipeline(nlp=nlp)               # our components after it
"""

from __future__ import annotations

import re

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.extraction.cleaning import split_sentences
from kg.extraction.lexicon import load
from kg.extraction.name_rules import recognize
from kg.extraction.place_levels import load as place_levels
from kg.extraction.relation_rules import Context, located_by_name, part_of_by_name, relate
from kg.extraction.aliases import contracted_aliases, derived_aliases, explicit_aliases, strip_place

for _name, _default in (("mentions", None), ("entities", None), ("relations", None),
                         ("rule_mentions", None), ("own", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)

#: How a trained model's labels map to our types (OntoNotes-style labels).
DEFAULT_LABEL_MAP = {"ORG": "Organization", "PERSON": "Person", "FAC": "Park",
                     "EVENT": "Event", "PRODUCT": "Project"}


@Language.factory("uic_sentences")
def make_sentences(nlp: Language, name: str):
    """Sentence boundaries from :func:`kg.extraction.cleaning.split_sentences`."""

    def set_sentences(doc: Doc) -> Doc:
        starts = {start for start, _ in split_sentences(doc.text)}
        flags = numpy.array([1 if t.i == 0 or t.idx in starts else -1 for t in doc],
                            dtype="int64").view("uint64").reshape(len(doc), 1)
        if len(doc):
            doc.from_array([SENT_START], flags)
        return doc

    return set_sentences


@Language.factory("uic_entities", default_config={"label_map": DEFAULT_LABEL_MAP})
def make_entities(nlp: Language, name: str, label_map: dict):
    """Rule-based mentions per sentence, plus a trained model's entities."""

    def find(doc: Doc) -> Doc:
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
                        and ent.label_ in label_map:
                    s, e = ent.start_char - base, ent.end_char - base
                    if not any(m["start"] < e and s < m["end"] for m in mentions):
                        mentions.append({"start": s, "end": e, "text": ent.text, "name": ent.text,
                                         "type": label_map[ent.label_], "source": "model"})
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

    return find


@Language.factory("uic_aliases")
def make_aliases(nlp: Language, name: str):
    """Canonical entities and aliases for the document's mentions."""

    def resolve(doc: Doc) -> Doc:
        from kg.extraction.coreference import own_institution, schools_of, self_references

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

    return resolve


@Language.factory("uic_relations")
def make_relations(nlp: Language, name: str):
    """Typed relations per sentence, with the sentence as evidence."""

    def extract(doc: Doc) -> Doc:
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

    return extract


@Language.factory("uic_names", default_config={"model": None})
def make_names(nlp: Language, name: str, model: str | None):
    """The learned name tagger (:mod:`kg.extraction.names`): decides the
    mentions of each sentence from the rules' mentions, LAC's tags
    (``doc._.lac``, from ``uic_lac``) and the characters. ``model`` is a
    folder holding ``names.onnx`` (the fine-tuned encoder,
    :mod:`kg.extraction.neural_names`, used first) or ``names.crfsuite``
    (the CRF); the shipped one by default. Without a model file the rules'
    mentions pass through unchanged."""
    from kg.extraction.lexical import has_chinese
    from kg.extraction.names import NameTagger, tagged_mentions, MODEL_FILE, char_features, spans_of
    from pathlib import Path

    from kg.extraction.neural_names import ONNX_FILE, NeuralTagger

    folder = Path(model) if model else default_model_dir()
    tagger = NameTagger.from_disk(folder) if (folder / MODEL_FILE).exists() else None
    neural = NeuralTagger.from_disk(folder) if (folder / ONNX_FILE).exists() else None

    def tag(doc: Doc) -> Doc:
        if tagger is None and neural is None or doc._.rule_mentions is None:
            return doc
        lac = doc._.lac or []
        chinese = [has_chinese(text) for _, text, _, _ in doc._.rule_mentions]
        inputs = []
        for (base, text, rules, tokens), han in zip(doc._.rule_mentions, chinese):
            if han:
                end = base + len(text)
                words = [(s - base, e - base, t) for s, e, t in lac if s >= base and e <= end]
                inputs.append((text, words, rules) if neural else char_features(text, words, rules, tokens))
        labels = iter(neural.predict_sentences(inputs) if neural else tagger.predict(inputs))
        doc._.mentions = [(base, text, tagged_mentions(text, spans_of(next(labels)), rules) if han
                           else [dict(m) for m in rules])
                          for (base, text, rules, _), han in zip(doc._.rule_mentions, chinese)]
        return doc

    return tag


def default_model_dir():
    """The folder of the models shipped with the package (``kg/models``)."""
    from pathlib import Path

    return Path(__file__).parent.parent / "models"


TYPE_PRIORITY = ("Team", "Role", "Event", "Project", "Person", "University", "Department",
                 "Platform", "ResearchInstitute", "Company", "Government", "Park", "Organization")


def resolve_mentions(text: str, per_sentence: list) -> tuple[list, list[dict]]:
    """Resolve the mentions of a document to canonical entities.

    Returns the per-sentence mention lists with ``name`` set to the
    canonical name (and mentions added where a known name or alias occurs
    unrecognised), and the entity records ``{"name", "type", "aliases"}``.
    """
    entities: dict[str, dict] = {}
    alias_of: dict[str, str] = {}
    for base, sentence, mentions in per_sentence:
        for m in mentions:
            ent = entities.setdefault(m["name"], {"name": m["name"], "type": m["type"], "aliases": [],
                                                  "source": m.get("source")})
            if m["type"] != ent["type"] and TYPE_PRIORITY.index(m["type"]) < TYPE_PRIORITY.index(ent["type"]):
                ent["type"] = m["type"]
            if m.get("source") == "elided" and m["text"] != m["name"] \
                    and m["text"] not in load().suffix_type:
                alias_of.setdefault(m["text"], m["name"])
        for short, full in explicit_aliases(sentence, mentions).items():
            alias_of[short] = full
    _merge_teams(entities, alias_of)
    _merge_units(entities, alias_of)
    derived = {ent["name"]: derived_aliases(ent) + contracted_aliases(ent, text)
               for ent in entities.values()}
    forms = set(entities) | {a for aliases in derived.values() for a in aliases}
    for ent in list(entities.values()):
        for alias in derived[ent["name"]]:
            if alias not in entities:
                if _used_alone(alias, text, forms):
                    alias_of.setdefault(alias, ent["name"])
            elif entities[alias]["type"] == ent["type"] and alias != ent["name"]:
                if ent["name"].startswith(load().provinces) and alias == strip_place(ent["name"]):
                    alias_of.setdefault(ent["name"], alias)  # 广东清远高新区 → 清远高新区
                else:
                    alias_of.setdefault(alias, ent["name"])  # 华湾材料研究院 → 清远华湾材料研究院
    for short, full in list(alias_of.items()):
        full = _alias_root(short, alias_of)
        alias_of[short] = full
        if full in entities:
            if short != full and short not in entities[full]["aliases"]:
                entities[full]["aliases"].append(short)
            entities.pop(short, None) if short != full else None
    leveled = _bare_places(entities)
    forms = sorted((f for f in set(entities) | set(alias_of) if len(f) >= 2), key=len, reverse=True)
    known = re.compile("|".join(map(re.escape, forms))) if forms else None
    resolved = []
    for base, sentence, mentions in per_sentence:
        found = list(mentions)
        for match in (known.finditer(sentence) if known else ()):
            form = match.group()
            s, e = match.span()
            if any(m["start"] < e and s < m["end"] for m in found):
                continue
            canonical = alias_of.get(form, form)
            if canonical in entities:
                found.append({"start": s, "end": e, "text": form, "name": canonical,
                              "type": entities[canonical]["type"], "source": "alias"})
        for m in found:
            canonical = leveled.get(m["name"]) or alias_of.get(m["name"], m["name"])
            if canonical in entities:
                m["name"] = canonical
                m["type"] = entities[canonical]["type"] if m["type"] != "Person" else m["type"]
        found.sort(key=lambda m: (m["start"], -(m["end"] - m["start"])))
        resolved.append((base, sentence, found))
    return resolved, list(entities.values())


def _alias_root(form: str, alias_of: dict) -> str:
    """The name an alias chain ends at: ``A → B → C`` gives ``C``.

    A chain that comes back on itself (``A → B → A``: each form was found as
    the other's short name) ends at the longest form of the loop, the
    fullest name the document uses, so every member agrees on one name.

    >>> _alias_root("甲", {"甲": "甲乙", "甲乙": "甲乙丙"})
    '甲乙丙'
    >>> _alias_root("甲乙", {"甲乙": "乙甲乙", "乙甲乙": "甲乙"})
    '乙甲乙'
    """
    seen = [form]
    while form in alias_of and alias_of[form] != form:
        form = alias_of[form]
        if form in seen:
            loop = seen[seen.index(form):]
            return max(loop, key=lambda f: (len(f), f))
        seen.append(form)
    return form


def _bare_places(entities: dict) -> dict[str, str]:
    """Places the document also names with their level (湖州 and 湖州市):
    ``{bare: with level}``, the bare entity folded into the other.

    Only mentions recognised as the bare place are renamed; the bare form is
    not searched for as an alias, since it starts many names (湖州某某公司).
    """
    out = {}
    for name, ent in list(entities.items()):
        if ent["type"] != "Government" or ent.get("source") != "place":
            continue
        full = next((name + level for level in place_levels().known_place_levels
                     if name + level in entities), None)
        if full is not None:
            out[name] = full
            entities[full]["aliases"].append(name)
            del entities[name]
    return out


def _used_alone(alias: str, text: str, forms) -> bool:
    """Whether ``alias`` occurs in ``text`` other than inside a longer name
    or alias (交大 inside 西安交大, 浙大 inside 湖州浙大协同创新研究院)."""
    longer = sorted((n for n in forms if alias in n and n != alias), key=len, reverse=True)
    for name in longer:
        text = text.replace(name, "\n")
    return alias in text


def _merge_units(entities: dict, alias_of: dict) -> None:
    """A unit named once with its parent and once without (新疆交建集团科学
    技术中心科技管理部 and 科学技术中心科技管理部) is one unit: the short
    name becomes an alias when what it lacks is a known organisation."""
    known = set(entities) | set(alias_of)
    for short in [e for e in entities.values() if len(e["name"]) >= 4]:
        for full in entities.values():
            if full is short or full["type"] != short["type"] or not full["name"].endswith(short["name"]):
                continue
            head = full["name"][: -len(short["name"])]
            if head in known and entities.get(alias_of.get(head, head), {}).get("type") in \
                    ("University", "Company", "Park", "Government"):
                alias_of.setdefault(short["name"], full["name"])


def _merge_teams(entities: dict, alias_of: dict) -> None:
    """Two teams named after the same leader are one team (the longer name)."""
    teams = [e for e in entities.values() if e["type"] == "Team"]
    for a in teams:
        for b in teams:
            if a is b or len(a["name"]) <= len(b["name"]):
                continue
            tail = re.search(r"([\u4e00-\u9fff]{2,3})(教授|院士|博士|研究员)?团队$", b["name"])
            if tail and tail.group() in a["name"] and b["name"][:2] == a["name"][:2]:
                alias_of[b["name"]] = a["name"]


def build_pipeline(nlp: Language | None = None, tagger: bool = True,
                   model: str | None = None, relation_model: bool = True) -> Language:
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
        With ``tagger``, also the relation model (training the model turns
        it off to read the rules' own candidates).
    model : str or Path, optional
        A model folder written by ``kg train`` (default: the shipped one).
    """
    if nlp is None:
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.max_length = max(nlp.max_length, 20_000_000)
    components = ["uic_sentences", "uic_entities", "uic_aliases", "uic_relations"]
    if tagger:
        from kg.extraction import lexical, relations  # noqa: F401 - register uic_lac, uic_relation_model

        components[1:1] = ["uic_lac"]
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
