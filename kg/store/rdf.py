"""Map extraction records to RDF quads: IRIs, labels, evidence, provenance.

The store holds two kinds of named graph (see ``ontology/uic.ttl``):

* **one graph per document**, named by the document's IRI, holding what
  that document states and nothing else, so a document can be removed or
  re-ingested without touching the others:

  - the document itself (file name, content hash = ``doc_id``, path, text,
    and its publication date: ``dcterms:issued`` typed by its precision,
    with ``uic:datePrecision``, ``uic:dateSource`` and ``uic:dateEvidence``;
    or ``uic:undatedBecause`` saying why it has none) and the extraction
    activity that read it;
  - ``<document> uic:mentions <entity>`` for every entity it mentions, and
    ``<entity> uic:mentionedAs "name"@zh`` for every name it used other
    than the canonical one;
  - every relation as an evidence node (``uic:Evidence``, an
    ``rdf:Statement`` and ``prov:Entity``) naming the statement with
    ``rdf:subject/predicate/object``, with the sentence, offsets, trigger,
    confidence and extractor version, and the date of what it states
    (``dcterms:date``, ``uic:datePrecision``, ``uic:dateSource``: sentence,
    paragraph or document);
  - ``<membership> prov:wasDerivedFrom <document>`` for every title it
    states.

* **the entity graph** :data:`ENTITIES_GRAPH`, holding once what all
  documents together say about the entities, so that a query over the union
  of all graphs (``kg sparql``) finds each fact once however many articles
  repeat it:

  - every entity mentioned: class, ``skos:prefLabel`` (canonical name,
    @zh), ``skos:altLabel`` (aliases), ``skos:hiddenLabel`` (a company's
    core name, under which other articles may name it: 聚石化学 for
    广东聚石化学股份有限公司), ``rdfs:label`` in Chinese and in pinyin
    (``@zh-Latn-pinyin``);
  - every relation stated by at least one document as the plain triple
    ``<s> uic:builds <o>`` (so simple SPARQL works);
  - titles as W3C ORG memberships (``org:Membership`` with an ``org:Role``);
  - the extractors (``prov:SoftwareAgent``).

  The entity graph is the union of what each document contributes
  (:func:`document_quads` returns a document's graph together with its
  contribution); :meth:`kg.store.backends.KGStore.replace_document` keeps it so when a
  document is replaced or removed: a description, label or triple goes when
  the last document supporting it goes.

The vocabulary is ``ontology/uic.ttl``; IRIs are readable: an entity's IRI
is ``https://w3id.org/uic-kg/kg/entity/<Class>/<name>`` (characters that are
not allowed in an IRI are percent-encoded, Chinese stays as it is).

Terms are :mod:`pyoxigraph` terms, so the quads go into the store without
conversion and print as N-Triples.

Examples
--------
>>> entity_iri("西安交通大学", "University")
'https://w3id.org/uic-kg/kg/entity/University/西安交通大学'
>>> pinyin_label("清远高新区")
'qīng yuǎn gāo xīn qū'
"""

from __future__ import annotations

import hashlib
from typing import Callable, Iterable

from pyoxigraph import Literal, NamedNode, Quad

from kg import __version__
from kg.records import ENTITY_TYPES, PREDICATES, path_text

#: Namespace of the ontology (``ontology/uic.ttl``, prefix ``uic:``).
UIC = "https://w3id.org/uic-kg/ontology#"
#: Base of the data IRIs (entities, documents, evidence).
KG = "https://w3id.org/uic-kg/kg/"
#: The named graph holding entity descriptions and plain relation triples,
#: each once (see the module docstring).
ENTITIES_GRAPH = KG + "entities"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
DCTERMS = "http://purl.org/dc/terms/"

#: Prefixes for SPARQL queries and compact display.
PREFIXES = {
    "uic": UIC, "kg": KG, "entity": KG + "entity/", "doc": KG + "document/",
    "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "skos": SKOS, "prov": PROV,
    "org": ORG, "dcterms": DCTERMS,
}

#: Language tags of the labels.
ZH = "zh"
PINYIN = "zh-Latn-pinyin"

#: Predicates whose ``title`` becomes an ``org:Membership``.
MEMBERSHIP_PREDICATES = frozenset({"affiliatedWith", "leads"})


def sparql_prefixes() -> str:
    """The ``PREFIX`` lines for :data:`PREFIXES`, to put before a query."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


# --- IRIs ---------------------------------------------------------------------

# ASCII characters an IRI path segment may hold as they are (RFC 3987
# iunreserved / sub-delims, plus ':' and '@'); every other ASCII character,
# '/' included, is percent-encoded.  Non-ASCII characters stay readable
# where RFC 3987 lets a path hold them (its ``ucschar`` ranges); any other
# (private use, tag characters, non-characters, surrogates) is
# percent-encoded too, so every name yields a valid IRI.
_SAFE_ASCII = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "-._~!$&'()*+,;=:@")
_UCSCHAR = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF),
            *((plane, plane + 0xFFFD) for plane in range(0x10000, 0xE0000, 0x10000)),
            (0xE1000, 0xEFFFD))


def _readable(code: int) -> bool:
    return any(low <= code <= high for low, high in _UCSCHAR)


def iri_segment(text: str) -> str:
    """Encode ``text`` as one readable IRI path segment.

    Examples
    --------
    >>> iri_segment("A/B 大学")
    'A%2FB%20大学'
    >>> iri_segment("星\ue000河\U000e0041")
    '星%EE%80%80河%F3%A0%81%81'
    """
    out = []
    for char in text:
        if char in _SAFE_ASCII or (ord(char) > 0xA0 and _readable(ord(char))):
            out.append(char)
        else:
            out.extend(f"%{b:02X}" for b in char.encode("utf-8", "surrogatepass"))
    return "".join(out)


def decode_segment(segment: str) -> str:
    """Inverse of :func:`iri_segment`."""
    from urllib.parse import unquote
    return unquote(segment, errors="surrogatepass")


def entity_iri(name: str, type_: str) -> str:
    """The IRI of the entity named ``name`` of type ``type_``.

    Parameters
    ----------
    name : str
        Canonical (fullest) Chinese name.
    type_ : str
        One of :data:`kg.records.ENTITY_TYPES`.

    Examples
    --------
    >>> entity_iri("清远高新区", "Park")
    'https://w3id.org/uic-kg/kg/entity/Park/清远高新区'
    """
    if type_ not in ENTITY_TYPES:
        raise ValueError(f"unknown entity type {type_!r}")
    return f"{KG}entity/{type_}/{iri_segment(name)}"


def document_iri(doc_id: str) -> str:
    """The IRI of the document whose content hash is ``doc_id``, also its
    graph's name.

    A document is its content: the same text under two file names is one
    document (both paths are recorded with ``uic:path``), two texts under
    one file name in two folders are two.

    >>> document_iri("42554c0628e267aa")
    'https://w3id.org/uic-kg/kg/document/42554c0628e267aa'
    """
    return f"{KG}document/{iri_segment(doc_id)}"


def doc_from_iri(iri: str) -> str:
    """The content hash that :func:`document_iri` encoded."""
    return decode_segment(iri.rsplit("/", 1)[1])


def predicate_iri(predicate: str) -> str:
    """The ontology property of ``predicate`` (one of ``PREDICATES``)."""
    if predicate not in PREDICATES:
        raise ValueError(f"unknown predicate {predicate!r}")
    return UIC + predicate


def _digest(*parts: object) -> str:
    data = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]


# --- labels -------------------------------------------------------------------

def pinyin_label(name: str) -> str:
    """Hanyu pinyin of ``name`` with tone marks, one syllable a word.

    Characters that are not Chinese (Latin letters, digits, brackets) are
    kept as they are.

    Examples
    --------
    >>> pinyin_label("Z计划")
    'Z jì huà'
    """
    from pypinyin import Style, pinyin

    syllables = pinyin(name, style=Style.TONE, errors=lambda s: [s])
    return " ".join(s[0] for s in syllables if s[0].strip()).strip()


# --- quads --------------------------------------------------------------------

def _n(iri: str) -> NamedNode:
    return NamedNode(iri)


def _lit(value: object, lang: str | None = None) -> Literal:
    if lang:
        return Literal(str(value), language=lang)
    if isinstance(value, bool):
        return Literal(str(value).lower(), datatype=_n(XSD + "boolean"))
    if isinstance(value, int):
        return Literal(str(value), datatype=_n(XSD + "integer"))
    if isinstance(value, float):
        return Literal(repr(value), datatype=_n(XSD + "double"))
    return Literal(str(value))


def date_literal(date: str) -> Literal:
    """A date string (:mod:`kg.extraction.dates`) as a typed literal of its
    precision: ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``.

    >>> str(date_literal("2024-09"))
    '"2024-09"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>'
    """
    from kg.extraction.dates import xsd_datatype

    return Literal(date, datatype=_n(XSD + xsd_datatype(date)))


def _date_details(g: "_Graph", node: str, record: dict) -> None:
    """``uic:datePrecision`` and ``uic:dateSource`` of a dated document or
    statement (``date_precision``, ``date_source`` of its record)."""
    from kg.extraction.dates import precision_of

    g.add(node, UIC + "datePrecision", _lit(record.get("date_precision")
                                             or precision_of(record["date"])))
    if record.get("date_source"):
        g.add(node, UIC + "dateSource", _lit(record["date_source"]))


#: ``resolve(type_, name, aliases) -> (iri, canonical name) | None`` looks an
#: entity up among those already stored (see :meth:`kg.store.backends.KGStore.resolver`).
Resolver = Callable[[str, str, list], "tuple[str, str] | None"]


class _Graph:
    """Collects the quads of one document: its own graph and its
    contribution to the entity graph, without duplicates."""

    def __init__(self, graph: str):
        self.graph = _n(graph)
        self.shared = _n(ENTITIES_GRAPH)
        self.quads: dict[Quad, None] = {}

    def add(self, s: str, p: str, o) -> None:
        """A quad of the document's own graph."""
        obj = o if isinstance(o, (NamedNode, Literal)) else _n(o)
        self.quads[Quad(_n(s), _n(p), obj, self.graph)] = None

    def share(self, s: str, p: str, o) -> None:
        """A quad of the entity graph (what this document contributes to it)."""
        obj = o if isinstance(o, (NamedNode, Literal)) else _n(o)
        self.quads[Quad(_n(s), _n(p), obj, self.shared)] = None


#: Predicates of an entity's description in the entity graph.
DESCRIPTION_PREDICATES = (RDF + "type", SKOS + "prefLabel", SKOS + "altLabel",
                          SKOS + "hiddenLabel", RDFS + "label")


def entity_description(iri: str, type_: str, canonical: str,
                       names: Iterable[str]) -> list[tuple[str, str, Literal | str]]:
    """What one document contributes to the description of an entity.

    Parameters
    ----------
    iri, type_, canonical : str
        The entity, its type and canonical name (``skos:prefLabel``).
    names : iterable of str
        Every name the document used for it (the canonical name is added).

    Returns
    -------
    list of (subject, predicate, object)
        Class, ``skos:prefLabel``, ``rdfs:label`` (@zh and pinyin),
        ``skos:altLabel`` for the other names, ``skos:hiddenLabel`` for the
        company core names (:func:`kg.extraction.aliases.corpus_short_forms`) of the
        names that are not names themselves.  The entity graph holds the
        union of these over the documents that mention the entity, so the
        description depends only on which documents are stored.

    Examples
    --------
    >>> iri = entity_iri("广东星河新材料股份有限公司", "Company")
    >>> sorted(str(o) for _, p, o in entity_description(iri, "Company",
    ...        "广东星河新材料股份有限公司", ["星河公司"]) if p.endswith("hiddenLabel"))
    ['"星河新材料"@zh', '"星河新材料公司"@zh']
    """
    from kg.extraction.aliases import corpus_short_forms

    names = {canonical, *(n for n in names if n)}
    out = [(iri, RDF + "type", UIC + type_),
           (iri, SKOS + "prefLabel", _lit(canonical, ZH)),
           (iri, RDFS + "label", _lit(canonical, ZH)),
           (iri, RDFS + "label", _lit(pinyin_label(canonical), PINYIN))]
    out += [(iri, SKOS + "altLabel", _lit(n, ZH)) for n in sorted(names - {canonical})]
    hidden = {f for n in names for f in corpus_short_forms({"name": n, "type": type_})}
    out += [(iri, SKOS + "hiddenLabel", _lit(h, ZH)) for h in sorted(hidden - names)]
    return out


def document_quads(result: dict, resolve: Resolver | None = None,
                   extractor_version: str | None = None) -> list[Quad]:
    """The quads of one extracted document: its graph and its share of the
    entity graph.

    Parameters
    ----------
    result : dict
        ``{"document", "entities", "relations"}`` as
        :func:`kg.extraction.document.extract_document` returns it.
    resolve : callable, optional
        Looks up an entity already stored under another name (see
        :data:`Resolver`); its IRI is then reused so that documents share
        entities across spellings.
    extractor_version : str, optional
        Recorded on every evidence; default the ``kg`` version.

    Returns
    -------
    list of pyoxigraph.Quad
        In the graph named :func:`document_iri` of the document (what it
        states: document, mentions, evidence) and in :data:`ENTITIES_GRAPH`
        (the descriptions of the entities it mentions, the plain triples it
        states, memberships, extractors).

    Examples
    --------
    >>> result = {"document": {"doc": "a.txt", "doc_id": "0" * 16,
    ...                        "text": "某某大学建设某某研究院。"},
    ...           "entities": [{"name": "某某大学", "type": "University", "aliases": []},
    ...                        {"name": "某某研究院", "type": "Platform", "aliases": []}],
    ...           "relations": [{"subject": "某某大学", "predicate": "builds",
    ...                          "object": "某某研究院", "subject_type": "University",
    ...                          "object_type": "Platform", "evidence": "某某大学建设某某研究院。",
    ...                          "start": 0, "end": 12, "trigger": "建设",
    ...                          "confidence": 0.9}]}
    >>> quads = document_quads(result)
    >>> sorted({q.graph_name.value for q in quads if q.predicate.value == UIC + "builds"})
    ['https://w3id.org/uic-kg/kg/entities']
    """
    doc = result["document"]
    rels = result.get("relations", ())
    version = (extractor_version or doc.get("extractor")
               or next((r["extractor"] for r in rels if r.get("extractor")), None)
               or f"kg/{__version__}")
    doc_iri = document_iri(doc["doc_id"])
    g = _Graph(doc_iri)

    # The document.
    g.add(doc_iri, RDF + "type", UIC + "Document")
    g.add(doc_iri, UIC + "fileName", _lit(doc["doc"]))
    g.add(doc_iri, UIC + "contentHash", _lit(doc["doc_id"]))
    text = doc.get("text")
    if text is None:
        text = doc.get("raw")
    for path in document_paths(doc):
        g.add(doc_iri, UIC + "path", _lit(path))
    for key in ("encoding", "format"):
        if doc.get(key) is not None:
            g.add(doc_iri, UIC + key, _lit(doc[key]))
    if text is not None:
        g.add(doc_iri, UIC + "text", _lit(text))
        g.add(doc_iri, UIC + "chars", _lit(len(text)))
    elif doc.get("chars") is not None:
        g.add(doc_iri, UIC + "chars", _lit(int(doc["chars"])))
    if doc.get("date"):
        g.add(doc_iri, DCTERMS + "issued", date_literal(doc["date"]))
        _date_details(g, doc_iri, doc)
        if doc.get("date_evidence"):
            g.add(doc_iri, UIC + "dateEvidence", _lit(doc["date_evidence"]))
    elif doc.get("date_missing"):
        g.add(doc_iri, UIC + "undatedBecause", _lit(doc["date_missing"]))

    # The extraction that produced the evidence, by which extractor.
    activity = doc_iri + "#extraction"
    g.add(activity, RDF + "type", UIC + "Extraction")
    g.add(activity, PROV + "used", doc_iri)

    def extractor(name: str) -> str:
        agent = f"{KG}agent/{iri_segment(name)}"
        g.add(activity, PROV + "wasAssociatedWith", agent)
        g.share(agent, RDF + "type", PROV + "SoftwareAgent")
        g.share(agent, RDFS + "label", _lit(name))
        g.share(agent, UIC + "extractorVersion", _lit(name))
        return name

    extractor(version)

    # Entities: (name or alias, type) -> IRI; IRI -> (type, canonical, names used).
    index: dict[tuple[str, str], str] = {}
    by_name: dict[str, str] = {}
    mentioned: dict[str, tuple[str, str, set]] = {}

    def describe(name: str, type_: str, aliases: Iterable[str]) -> str:
        aliases = [a for a in aliases or () if a and a != name]
        found = resolve(type_, name, aliases) if resolve else None
        iri, canonical = found if found else (entity_iri(name, type_), name)
        mentioned.setdefault(iri, (type_, canonical, set()))[2].update([name, *aliases])
        for label in [name, *aliases]:
            index.setdefault((label, type_), iri)
            by_name.setdefault(label, iri)
        return iri

    for entity in result.get("entities", ()):
        describe(entity["name"], entity["type"], entity.get("aliases", ()))

    def end(name: str, type_: str | None) -> str:
        if type_ and (name, type_) in index:
            return index[(name, type_)]
        if not type_ and name in by_name:
            return by_name[name]
        if not type_:
            raise ValueError(f"{doc['doc']}: relation end {name!r} has no type "
                             "and is not among the document's entities")
        return describe(name, type_, ())

    # Relations: evidence here, plain triple (+ membership for titles) shared.
    for rel in result.get("relations", ()):
        pred = predicate_iri(rel["predicate"])
        s = end(rel["subject"], rel.get("subject_type"))
        o = end(rel["object"], rel.get("object_type"))
        g.share(s, pred, o)
        ev = f"{KG}evidence/{_digest(doc['doc_id'], s, pred, o, rel.get('start'), rel.get('end'), rel.get('trigger'), rel.get('evidence'))}"
        g.add(ev, RDF + "type", UIC + "Evidence")
        g.add(ev, RDF + "subject", s)
        g.add(ev, RDF + "predicate", pred)
        g.add(ev, RDF + "object", o)
        g.add(ev, PROV + "wasDerivedFrom", doc_iri)
        g.add(ev, PROV + "wasGeneratedBy", activity)
        g.add(ev, UIC + "extractorVersion", _lit(extractor(rel.get("extractor") or version)))
        if rel.get("evidence"):
            g.add(ev, UIC + "sentence", _lit(rel["evidence"], ZH))
        for key in ("start", "end"):
            if rel.get(key) is not None:
                g.add(ev, UIC + key, _lit(int(rel[key])))
        if rel.get("trigger"):
            g.add(ev, UIC + "trigger", _lit(rel["trigger"]))
        if rel.get("confidence") is not None:
            g.add(ev, UIC + "confidence", _lit(float(rel["confidence"])))
        if rel.get("date"):
            g.add(ev, DCTERMS + "date", date_literal(rel["date"]))
            _date_details(g, ev, rel)
        title = rel.get("title")
        if title:
            g.add(ev, UIC + "title", _lit(title, ZH))
            if rel["predicate"] in MEMBERSHIP_PREDICATES:
                membership = f"{KG}membership/{_digest(s, o, title)}"
                role = f"{KG}title/{iri_segment(title)}"
                g.add(ev, UIC + "membership", membership)
                g.add(membership, PROV + "wasDerivedFrom", doc_iri)
                g.share(membership, RDF + "type", ORG + "Membership")
                g.share(membership, ORG + "member", s)
                g.share(membership, ORG + "organization", o)
                g.share(membership, ORG + "role", role)
                g.share(role, RDF + "type", ORG + "Role")
                g.share(role, SKOS + "prefLabel", _lit(title, ZH))

    # Mentions here, descriptions shared.
    for iri, (type_, canonical, names) in mentioned.items():
        g.add(doc_iri, UIC + "mentions", iri)
        for name in sorted(names - {canonical}):
            g.add(iri, UIC + "mentionedAs", _lit(name, ZH))
        for s, p, o in entity_description(iri, type_, canonical, names):
            g.share(s, p, o)
    return list(g.quads)


def store_path(path: str) -> str:
    """The form a document path is recorded in: normalised, and relative to
    the working directory when it lies below it, so ``./a/x.txt``,
    ``a/x.txt`` and the absolute path of either are one path.

    >>> store_path("./news/../news/a.txt")
    'news/a.txt'
    """
    import os

    norm = os.path.normpath(path_text(path))
    if os.path.isabs(norm):
        rel = os.path.relpath(norm)
        if not rel.startswith(".."):
            return rel
    return norm


def document_paths(doc: dict) -> list[str]:
    """Every path a document record was read from (``paths``, else ``path``),
    in :func:`store_path` form.

    >>> document_paths({"path": "a/x.txt", "paths": ["a/x.txt", "b/y.txt"]})
    ['a/x.txt', 'b/y.txt']
    """
    paths = doc.get("paths") or ([doc["path"]] if doc.get("path") else [])
    return list(dict.fromkeys(store_path(p) for p in paths))


def insert_data(quads: Iterable[Quad]) -> str:
    """A SPARQL ``INSERT DATA`` update adding ``quads`` (each in its graph).

    >>> q = Quad(NamedNode("http://e/a"), NamedNode("http://e/p"), Literal("甲", language="zh"),
    ...          NamedNode("http://e/g"))
    >>> print(insert_data([q]))
    INSERT DATA {
    GRAPH <http://e/g> {
    <http://e/a> <http://e/p> "甲"@zh .
    }
    }
    """
    graphs: dict[str, list[str]] = {}
    for q in quads:
        graphs.setdefault(str(q.graph_name), []).append(
            f"{q.subject} {q.predicate} {q.object} .")
    body = "".join(f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}\n"
                   for g, lines in graphs.items())
    return "INSERT DATA {\n" + body + "}"
