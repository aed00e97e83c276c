"""Identity across documents: when two documents' entities are one node.

The store's resolver (:meth:`kg.store.backends.KGStore.resolver`, :class:`kg.store.backends.LabelIndex`)
finds stored entities that share a type and a name or alias with a new
document's entity. :func:`resolver` wraps it with what decides identity:

* an entity that :mod:`kg.extraction.qualify` marked ``local`` (a generic
  name whose parent or place the article does not give) is one entity of its
  document only: its IRI carries the document (:func:`local_iri`), its label
  is its name;
* a name qualified by a region (``星华大学（台湾）``) is never taken for an
  entity of another region or of the mainland, whatever alias they share;
* two persons of one name are one only when an organisation ties them (the
  same organisation is a neighbour of both);
* failing a same-name match, a short form meets a full form of another
  document (:func:`abbreviates`, :func:`place_variants`, the lexicon of
  :file:`kg/data/short_forms.tsv`) when exactly one stored entity of the same
  type fits.

Every decision is recorded (:func:`reason_quads`, ``uic:identityReason`` in
the document's graph) so that ``kg show`` can say why an entity is one.

Example
-------
>>> abbreviates("星科院", "星河科学院"), abbreviates("南湖大学", "南湖理工大学")
(True, False)
"""

from __future__ import annotations

import collections
import csv
import glob
import json
import os
from functools import lru_cache
from typing import Callable

from kg.store.rdf import ENTITIES_GRAPH, KG, UIC, decode_segment, document_iri, entity_iri, iri_segment
from kg.extraction.place_levels import load as place_levels
from kg.extraction.short_forms import (_core, abbreviates, place_variants, region_of,
                                       short_form_groups, strip_bracket)

#: ``(type, name, aliases) -> (iri, canonical) | None``, as :data:`kg.store.rdf.Resolver`.
Resolve = Callable[[str, str, list], "tuple[str, str] | None"]
#: Marks a local entity's IRI: ``…/entity/Department/科技处~<doc_id>``.
LOCAL_MARK = "~"
#: Types whose short and full forms meet across documents.
ABBREVIATING = frozenset({"University", "ResearchInstitute", "Government", "Organization",
                          "Park", "Platform", "Company", "Department"})
#: Types whose names nest (a body, its district's body): only listed short forms.
NESTED = frozenset({"Government", "Park", "Department"})
IDENTITY_REASON = UIC + "identityReason"


def general(type_: str) -> bool:
    """Whether the general abbreviation rule applies to names of ``type_``."""
    return type_ not in NESTED


def local_iri(name: str, type_: str, doc_id: str) -> str:
    """The IRI of an entity that exists in document ``doc_id`` only.

    >>> local_iri("科技处", "Department", "0" * 16).endswith("科技处~0000000000000000")
    True
    """
    return entity_iri(name, type_) + LOCAL_MARK + iri_segment(doc_id)


def is_local(iri: str) -> bool:
    """Whether ``iri`` is a :func:`local_iri`."""
    return LOCAL_MARK in iri.rsplit("/", 1)[-1]


class _Context:
    """What :func:`resolver` needs of the store: candidates of other documents."""

    def __init__(self, store, doc_id: str, names=()):
        self.store = store
        self.own = document_iri(doc_id)
        self.firsts = sorted({n[0] for n in names if n})
        self._by_first: dict[tuple[str, str], list] | None = None
        self._of_type: dict[str, list] = {}

    def _rows(self, where: str, others: bool = True) -> list[dict]:
        """Stored entities matching ``where``; with ``others``, only those
        other documents mention (without, a scan is cheaper; an entity of the
        document's own former version is then a candidate too, which keeps
        its IRI)."""
        if self.store is None:
            return []
        mentioned = (f"FILTER EXISTS {{ GRAPH ?g {{ ?g uic:mentions ?e }} FILTER(?g != <{self.own}>) }}"
                     if others else "")
        return self.store.select(f"""SELECT DISTINCT ?e ?type ?pref WHERE {{
              GRAPH <{ENTITIES_GRAPH}> {{ {where} }} {mentioned} }}""")

    def starting_with(self, type_: str, first: str) -> list[tuple[str, str]]:
        if self._by_first is None:      # one query per document, for all its names' starts
            self._by_first = collections.defaultdict(list)
            if self.firsts:
                starts = ", ".join(json.dumps(c) for c in self.firsts)
                for r in self._rows(f"?e a ?type ; skos:prefLabel ?pref "
                                    f"FILTER(SUBSTR(STR(?pref), 1, 1) IN ({starts}))", False):
                    if r["type"].startswith(UIC):
                        self._by_first[(r["type"][len(UIC):], r["pref"][0])].append((r["e"], r["pref"]))
        return sorted(self._by_first.get((type_, first), ()))

    def ending_with(self, type_: str, last: str) -> list[tuple[str, str]]:
        if type_ not in self._of_type:
            self._of_type[type_] = sorted(
                (r["e"], r["pref"]) for r in self._rows(f"?e a uic:{type_} ; skos:prefLabel ?pref",
                                                        False))
        return [(e, p) for e, p in self._of_type[type_] if p.endswith(last) and p != last]

    def named(self, type_: str, name: str) -> list[tuple[str, str]]:
        rows = self._rows(f"?e a uic:{type_} ; skos:prefLabel {json.dumps(name)}@zh , ?pref")
        return sorted((r["e"], r["pref"]) for r in rows)

    def neighbours(self, iri: str) -> set[str]:
        if self.store is None:
            return set()
        rows = self.store.select(f"""SELECT DISTINCT ?o WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{
              {{ <{iri}> ?p ?o }} UNION {{ ?o ?p <{iri}> }}
              UNION {{ ?m org:member <{iri}> ; org:organization ?o }} }}
              FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{KG}entity/")) }}""")
        return {r["o"] for r in rows}


def resolver(result: dict, base: Callable[[dict], Resolve | None] | None,
             store=None) -> tuple[Resolve, dict[str, list[str]]]:
    """The resolver of :func:`kg.store.rdf.document_quads` for ``result``, and the
    reasons it records (``{iri: [reason]}``, filled as it resolves).

    Parameters
    ----------
    result : dict
        A document's extraction, qualified (:func:`kg.extraction.qualify.qualify_document`).
    base : callable, optional
        ``result -> resolve`` of the store (:meth:`kg.store.backends.LabelIndex.resolver`
        or :meth:`kg.store.backends.KGStore.resolver`): same type and name or alias.
    store : kg.store.backends.KGStore, optional
        For the candidates of the abbreviation rules and persons' ties.

    Examples
    --------
    >>> result = {"document": {"doc": "a.txt", "doc_id": "0" * 16}, "relations": [],
    ...           "entities": [{"name": "科技处", "type": "Department", "aliases": [],
    ...                         "local": True, "qualified": "local to its document"}]}
    >>> resolve, reasons = resolver(result, None)
    >>> iri, label = resolve("Department", "科技处", [])
    >>> is_local(iri), label, reasons[iri]
    (True, '科技处', ['local to its document'])
    """
    doc = result["document"]
    entities = {(e["name"], e["type"]): e for e in result.get("entities", ())}
    same = base(result) if base else None
    context = _Context(store, doc["doc_id"], [_core(n) for n, _ in entities])
    reasons: dict[str, list[str]] = {}
    seen: dict[tuple[str, str], tuple[str, str] | None] = {}

    def lookup(type_: str, name: str):
        """The stored entity ``name`` names (a name this document does not use)."""
        found = base({"document": doc, "entities": [{"name": name, "type": type_, "aliases": []}]}) \
            if base else None
        return found(type_, name, []) if found else None

    def fits(found, name: str) -> bool:
        return found is not None and not is_local(found[0]) \
            and region_of(found[1]) == region_of(name)

    def tied(type_: str, name: str, candidates: list[tuple[str, str]]):
        partners = set()
        for rel in result.get("relations", ()):
            for end, other, other_type in (("subject", "object", "object_type"),
                                           ("object", "subject", "subject_type")):
                if rel[end] == name and rel.get(f"{end}_type", type_) in (None, type_):
                    t = rel.get(other_type) or next(
                        (t for (n, t) in entities if n == rel[other]), None)
                    if t and t != "Person":
                        found = resolve(t, rel[other], [])
                        partners.add(found[0] if found else entity_iri(rel[other], t))
        for iri, pref in candidates:
            common = {b for a in partners for b in context.neighbours(iri) if same_body(a, b)}
            if common:
                return (iri, pref), min(common)
        return None, None

    def decide(type_: str, name: str, aliases: list):
        ent = entities.get((name, type_), {})
        qualified = ent.get("qualified")
        if ent.get("local"):
            iri = local_iri(name, type_, doc["doc_id"])
            return (iri, name), qualified or "local to its document"
        if type_ == "Person":
            candidates = context.named(type_, name)
            if not candidates:
                return None, None
            found, tie = tied(type_, name, [c for c in candidates if not is_local(c[0])]
                              + [c for c in candidates if is_local(c[0])])
            if found:
                return found, f"same person: both tied to <{tie}>"
            return (local_iri(name, type_, doc["doc_id"]),
                    name), "a namesake of another document's person (no organisation ties them)"
        if type_ in ABBREVIATING:
            fuller = [n for (n, t) in entities if t == type_ and n != name
                      and len(n) > len(name) and not entities[(n, t)].get("local")
                      and (abbreviates(name, n, general(t)) or name in place_variants(n, t)
                           or strip_bracket(n) == name)]
            if len(fuller) == 1 and region_of(fuller[0]) == region_of(name):
                found = resolve(type_, fuller[0], entities[(fuller[0], type_)].get("aliases", []))
                return found or (entity_iri(fuller[0], type_), fuller[0]), \
                    f"{name} is a short form of {fuller[0]} in the same document"
        found = same(type_, name, aliases) if same else None
        if fits(found, name):
            why = "same name" if found[1] == name else f"{name}: a name or alias of {found[1]} elsewhere"
            return found, f"{qualified}; {why}" if qualified else why
        parent = (qualified or "")[len("parent "):] if (qualified or "").startswith("parent ") else None
        parent_type = next((t for (n, t) in entities if n == parent), None)
        if parent and parent_type and name.startswith(parent):
            known = resolve(parent_type, parent, [])
            if known and known[1] != parent:        # the parent goes by another name elsewhere
                variant = known[1] + name[len(parent):]
                found = lookup(type_, variant)
                if fits(found, variant):
                    return found, f"{qualified}, known as {known[1]}"
                if found is None:       # named after the parent's stored name
                    return (entity_iri(variant, type_), variant), f"{qualified}, known as {known[1]}"
        if type_ not in ABBREVIATING:
            return None, qualified
        for variant in place_variants(name, type_):
            found = lookup(type_, variant)
            if fits(found, name):
                return found, f"place name rule: {name} ~ {found[1]}"
        groups = short_form_groups().get(name, frozenset()) | {
            g for a in aliases for g in short_form_groups().get(a, ())}
        matches = {c for form in groups - {name} for c in context.named(type_, form)
                   if fits(c, name)}
        if len(matches) == 1:
            found = matches.pop()
            return found, f"short form lexicon: {name} ~ {found[1]}"
        core = _core(name)
        matches = {(i, p) for i, p in context.starting_with(type_, core[0]) if fits((i, p), name)
                   and (abbreviates(core, _core(p), general(type_))
                        or abbreviates(_core(p), core, general(type_))
                        or strip_bracket(p) == name or strip_bracket(name) == p)}
        if len(matches) == 1:
            found = matches.pop()
            return found, f"abbreviation rule: {name} ~ {found[1]}"
        if type_ in ("Government", "Park"):
            place = place_levels().document_place.match(name)
            matches = set()
            if place and place_levels().document_place.match(name[place.end():]):
                matches = {c for c in context.named(type_, name[place.end():]) if fits(c, name)}
            elif place:
                matches = {(i, p) for i, p in context.ending_with(type_, name)
                           if fits((i, p), name) and place_levels().document_place.fullmatch(
                               p[: -len(name)])}
            if len(matches) == 1:
                found = matches.pop()
                return found, f"place rule: {name} ~ {found[1]} (the same body with its province or city)"
        return None, qualified

    def resolve(type_: str, name: str, aliases: list):
        key = (type_, name)
        if key not in seen:
            seen[key] = None            # (a person's partners never resolve the person)
            found, why = decide(type_, name, list(aliases or ()))
            seen[key] = found
            iri = found[0] if found else entity_iri(name, type_)
            if why and why not in reasons.setdefault(iri, []):
                reasons[iri].append(why)
        return seen[key]

    return resolve, reasons


def _label(iri: str) -> str:
    return decode_segment(iri.rsplit("/", 1)[-1].split(LOCAL_MARK)[0])


def same_body(a: str, b: str) -> bool:
    """Whether entity IRIs ``a`` and ``b`` tie two persons to one body: the
    same entity, or a place and its government (青山市 ~ 青山市人民政府), neither local.

    >>> same_body(entity_iri("青山市", "Government"), entity_iri("青山市人民政府", "Government"))
    True
    >>> same_body(entity_iri("青山市", "Government"), entity_iri("青山市星河大学", "University"))
    False
    """
    if a == b:
        return not is_local(a)
    if is_local(a) or is_local(b) or "/Government/" not in a or "/Government/" not in b:
        return False
    short, full = sorted((_label(a), _label(b)), key=len)
    return (full.startswith(short) and full[len(short):] in place_levels().words["government"]
            and bool(place_levels().document_place.fullmatch(short)))


def reason_quads(doc_id: str, reasons: dict[str, list[str]]) -> list:
    """``<entity> uic:identityReason "…"`` in the graph of document ``doc_id``.

    >>> [q.object.value for q in reason_quads("0" * 16, {KG + "entity/University/某大学": ["same name"]})]
    ['same name']
    """
    import pyoxigraph as ox

    graph = ox.NamedNode(document_iri(doc_id))
    return [ox.Quad(ox.NamedNode(iri), ox.NamedNode(IDENTITY_REASON), ox.Literal(why), graph)
            for iri, whys in sorted(reasons.items()) for why in whys]


def entity_reasons(store, name: str, type_: str) -> list[tuple[str, str]]:
    """``[(file name, reason)]`` that documents recorded for the entities
    named ``name`` of type ``type_`` (:func:`reason_quads`), by file name:
    why ``kg show`` takes their mentions as one entity.

    >>> import os, tempfile
    >>> from kg.store.backends import open_store
    >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
    >>> entity_reasons(store, "某大学", "University")
    []
    """
    rows = store.select(f"""SELECT ?file ?why WHERE {{
        GRAPH <{ENTITIES_GRAPH}> {{ ?e a uic:{type_} ; skos:prefLabel {json.dumps(name)}@zh }}
        GRAPH ?g {{ ?e uic:identityReason ?why . ?g uic:fileName ?file }} }} ORDER BY ?file ?why""")
    return [(r["file"], r["why"]) for r in rows]


class IdentityGoldError(ValueError):
    """An identity gold file or gold folder that cannot be read; the message
    names the file and the problem."""


def read_identities(path: str) -> dict[tuple[str, str], str]:
    """``{(doc, name): identity}`` from an identity gold file (TSV with the
    columns ``set``, ``doc``, ``name``, ``identity``, read without quoting:
    names may hold ASCII quotes)."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    except (OSError, UnicodeDecodeError) as exc:
        raise IdentityGoldError(f"{path}: cannot read ({exc})") from None
    if not rows or not {"doc", "name", "identity"} <= set(rows[0]):
        raise IdentityGoldError(f"{path}: not an identity file (columns doc, name, identity)")
    return {(r["doc"], r["name"]): r["identity"] for r in rows}


def _gold_forms(gold_dirs) -> dict[tuple[str, str], list[str]]:
    out = {}
    for gold_dir in gold_dirs:
        for path in sorted(glob.glob(os.path.join(gold_dir, "*.json"))):
            try:
                with open(path, encoding="utf-8") as f:
                    gold = json.load(f)
                for ent in gold["entities"]:
                    out[(gold["doc"], ent["name"])] = [ent["name"], *ent.get("aliases", ())]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise IdentityGoldError(f"{path}: not a gold file ({exc!r})") from None
    return out


def identity_score(store, identities: str, gold_dirs, brokers: list[dict] | None = None) -> dict:
    """Score the cross-document identity of ``store`` against an identity gold.

    Each gold entity of a document is matched to the store entity that
    document mentions under its name (else an alias), Traditional folded to
    Simplified; then, over pairs of matched gold entities of different
    documents: same-thing links (precision, recall, F1), store entities
    merging several identities (false merges) and identities split over
    several store entities (false splits).  With ``brokers`` (the rows of
    ``kg brokers --json``, best first): which merge identities, and which
    identities appear twice among them (``brokers.defects``).

    Parameters
    ----------
    store : kg.store.backends.KGStore
    identities : str
        Identity gold (:func:`read_identities`).
    gold_dirs : iterable of str
        Per-document gold folders (for the aliases of each gold entity).
    brokers : list of dict, optional

    Returns
    -------
    dict
        ``pairs`` (precision, recall, f1, tp, fp, fn), ``false_merges``,
        ``false_splits``, ``merged``, ``split``, ``matched``, ``gold_entities``,
        ``identities_across_documents`` and, with ``brokers``, ``brokers``.
    """
    from kg.extraction.cleaning import to_simplified

    def norm(text: str) -> str:
        return to_simplified("".join(text.split()))

    ident = read_identities(identities)
    forms_of = _gold_forms(gold_dirs)
    mentions = collections.defaultdict(set)
    for r in store.select("SELECT ?file ?e WHERE { GRAPH ?g { ?g uic:fileName ?file ; uic:mentions ?e } }"):
        mentions[os.path.basename(r["file"])].add(r["e"])
    labels = collections.defaultdict(set)
    for r in store.select(f"SELECT ?e ?l WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ "
                          "?e skos:prefLabel|skos:altLabel|skos:hiddenLabel ?l } }"):
        labels[r["e"]].add(norm(r["l"]))
    used = collections.defaultdict(set)
    for r in store.select("SELECT ?file ?e ?f WHERE { GRAPH ?g { ?g uic:fileName ?file . "
                          "?e uic:mentionedAs ?f } }"):
        used[(os.path.basename(r["file"]), r["e"])].add(norm(r["f"]))
    match = {}
    for (doc, name), names in forms_of.items():
        if (doc, name) not in ident or doc not in mentions:
            continue
        wanted = [norm(n) for n in names]
        best = None
        for iri in sorted(mentions[doc]):
            have = labels[iri] | used[(doc, iri)]
            if wanted[0] in have:
                best = iri
                break
            if best is None and any(w in have for w in wanted[1:]):
                best = iri
        if best:
            match[(doc, name)] = best
    rows = [k for k in ident if k in forms_of]
    matched = [k for k in rows if k in match]
    by_iri, by_id = collections.defaultdict(set), collections.defaultdict(set)
    for k in matched:
        by_iri[match[k]].add(k)
        by_id[ident[k]].add(k)
    tp = fp = fn = 0
    for i, a in enumerate(matched):
        for b in matched[i + 1:]:
            if a[0] != b[0]:
                gold, ours = ident[a] == ident[b], match[a] == match[b]
                tp, fp, fn = tp + (gold and ours), fp + (ours and not gold), fn + (gold and not ours)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    merged = {iri: sorted({ident[k] for k in ks}) for iri, ks in by_iri.items()
              if len({ident[k] for k in ks}) > 1}
    split = {i: sorted({match[k] for k in ks}) for i, ks in by_id.items()
             if len({match[k] for k in ks}) > 1 and len({k[0] for k in ks}) > 1}
    result = {"gold_entities": len(rows), "matched": len(matched),
              "identities_across_documents": sum(1 for ks in by_id.values()
                                                 if len({k[0] for k in ks}) > 1),
              "pairs": {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                        "tp": tp, "fp": fp, "fn": fn},
              "false_merges": len(merged), "false_splits": len(split),
              "merged": merged, "split": split}
    if brokers is not None:
        idents_of = {iri: {ident[k] for k in ks} for iri, ks in by_iri.items()}
        seen, defects = collections.defaultdict(list), []
        for rank, b in enumerate(brokers, start=1):
            iri = b.get("iri") or entity_iri(b["name"], b["type"])
            ids = sorted(idents_of.get(iri, ()))
            if len(ids) > 1:
                defects.append(f"#{rank} {b['name']} merges {' | '.join(ids)}")
            for i in ids:
                seen[i].append(f"#{rank} {b['name']}")
        defects += [f"{i} appears as {', '.join(v)}" for i, v in seen.items() if len(v) > 1]
        result["brokers"] = {"top": len(brokers), "defects": defects}
    return result


def format_identity_score(result: dict, show: int = 10) -> str:
    """The lines ``kg eval --identities`` prints for :func:`identity_score`."""
    lines = [f"broker  {d}" for d in result.get("brokers", {}).get("defects", [])]
    lines += [f"merged  {iri.rsplit('/', 1)[-1]}: {' | '.join(ids)}"
              for iri, ids in list(result["merged"].items())[:show]]
    lines += [f"split   {i}: {' | '.join(x.rsplit('/', 1)[-1] for x in iris)}"
              for i, iris in list(result["split"].items())[:show]]
    p = result["pairs"]
    lines.append(f"identity: gold entities {result['gold_entities']}, matched "
                 f"{result['matched']}, in more than one document "
                 f"{result['identities_across_documents']}; same-thing links P {p['precision']:.3f} "
                 f"R {p['recall']:.3f} F1 {p['f1']:.3f}; false merges {result['false_merges']}, "
                 f"identities split {result['false_splits']}")
    return "\n".join(lines)
