"""Qualify a document's generic names before they become identities.

A unit named without its parent (理学院, 科技处, 产业教授) or a body named
only by its level (市委, handled by :func:`kg.extraction.coreference.qualify_generic`)
is one thing only inside its article: across articles, the 理学院 of two
universities are two.  :func:`qualify_document` renames such an entity
after the parent the article gives it (``partOf``, ``roleOf``, the builder
of a generic park) or the article's own institution, keeping the form the
article used as an alias; where the article gives no parent it is marked
``local`` (one entity of this document only, displayed under its own name).

It also marks the document's region: a Traditional-character article whose
places are those of Taiwan, Hong Kong or Macau (:file:`kg/data/regions.tsv`)
has institutions of its own under mainland names (a university, a ministry), so
those of its institutions whose name does not start with a place are named
with the region (``星华大学（台湾）``, the article's form kept as alias).

Every renamed entity records why in ``qualified`` (shown by ``kg show``
through :mod:`kg.store.identity`).

Example
-------
>>> result = {"document": {"doc": "a.txt", "text": "星河大学理学院与某公司签约。"},
...           "entities": [{"name": "星河大学", "type": "University", "aliases": []},
...                        {"name": "理学院", "type": "Department", "aliases": []}],
...           "relations": [{"subject": "理学院", "predicate": "partOf", "object": "星河大学"}]}
>>> out = qualify_document(result)
>>> out["entities"][1]["name"], out["entities"][1]["aliases"], out["relations"][0]["subject"]
('星河大学理学院', ['理学院'], '星河大学理学院')
"""

from __future__ import annotations

import collections
from functools import lru_cache

from kg.extraction.coreference import document_places, is_school
from kg.extraction.place_levels import load as place_levels
from kg.extraction.short_forms import abbreviates, regional_types, regions

#: Relations whose object is the parent of their subject.
PARENT_OF_SUBJECT = ("partOf", "roleOf")
#: Types of units that are qualified by their parent when named without it.
UNIT_TYPES = frozenset({"Department", "Role", "Team"})
#: Types whose generic names (:func:`generic_units`) are qualified too.
GENERIC_NAMED = frozenset({"Park", "Platform", "Government", "Organization", "ResearchInstitute"})
#: Name starts of national bodies of the mainland, never qualified by a region.
NATIONAL = ("中国", "中华", "中共", "中央", "全国", "党中央")
#: Levels of document place tried, in order, for a zone named bare (高新区).
ZONE_PLACES = ("市", "县", "区", "州", "省")
#: Share of characters a Traditional original differs from its Simplified text by.
TRADITIONAL_SHARE = 0.03


@lru_cache(maxsize=1)
def generic_units() -> frozenset[str]:
    """The names of :file:`kg/data/generic_units.txt`."""
    from kg.extraction.lexicon import _words

    return frozenset(_words("generic_units.txt"))


#: Level words a generic unit's name may start with (国家重点实验室).
LEVEL_WORDS = ("国家级", "国家", "省级", "市级", "区级", "县级", "省", "市", "区", "县")


@lru_cache(maxsize=1)
def zones() -> frozenset[str]:
    """The zone levels of :file:`kg/data/place_levels.tsv` (高新区, 开发区):
    a park named by one alone is the zone of the article's place."""
    return frozenset(level for level, _, roles in place_levels().levels if "zone" in roles)


def is_generic(name: str, type_: str) -> bool:
    """Whether ``name`` names a unit any institution may have: a school named
    by its discipline, or a name of :file:`kg/data/generic_units.txt`, after
    an optional level word.

    >>> is_generic("理学院", "Department"), is_generic("国家重点实验室", "Platform")
    (True, True)
    >>> is_generic("星河大学理学院", "Department")
    False
    """
    if type_ in ("Department", "University") and is_school(name):
        return True
    units = generic_units()
    if name in units:
        return True
    return any(name.startswith(w) and name[len(w):] in units for w in LEVEL_WORDS)


def is_traditional(document: dict) -> bool:
    """Whether the document was written in Traditional characters: its
    ``original`` differs from its (Simplified) ``text`` in more than
    :data:`TRADITIONAL_SHARE` of its characters.

    >>> is_traditional({"original": "星華大學", "text": "星华大学"})
    True
    """
    original, text = document.get("original") or "", document.get("text") or ""
    if not original or len(original) != len(text):
        return False
    changed = sum(a != b for a, b in zip(original, text))
    return changed > TRADITIONAL_SHARE * len(text)


def document_region(document: dict) -> str | None:
    """The region of :file:`kg/data/regions.tsv` a Traditional-character
    document is from: the one whose places it names most, if it names them
    more often than the mainland's places (:file:`kg/data/places.txt`); None
    for a Simplified document.

    >>> document_region({"original": "新竹星華大學", "text": "新竹星华大学"})
    '台湾'
    >>> document_region({"original": "新竹星华大学", "text": "新竹星华大学"}) is None
    True
    """
    if not is_traditional(document):
        return None
    from kg.extraction.lexicon import load

    text = document.get("text") or ""
    counts = {region: sum(text.count(w) for w in words) for region, words in regions().items()}
    best = max(counts, key=lambda r: counts[r])
    ours = {w for words in regions().values() for w in words} | set(regions())
    mainland = sum(text.count(p) for p in load().places if p not in ours and len(p) >= 2)
    return best if counts[best] > mainland else None


def _starts_with_place(name: str) -> bool:
    from kg.extraction.lexicon import load

    if place_levels().document_place.match(name):
        return True
    words = [w for ws in regions().values() for w in ws]
    return name.startswith(tuple(words)) or name.startswith(load().places)


def _parents(result: dict) -> dict[str, str]:
    """``{unit name: parent name}`` from the document's relations."""
    out: dict[str, str] = {}
    builders: dict[str, set] = collections.defaultdict(set)
    for rel in result.get("relations", ()):
        if rel["predicate"] in PARENT_OF_SUBJECT:
            out.setdefault(rel["subject"], rel["object"])
        elif rel["predicate"] == "builds":
            builders[rel["object"]].add(rel["subject"])
    for built, subjects in builders.items():
        if len(subjects) == 1:
            out.setdefault(built, next(iter(subjects)))
    return out


def qualify_document(result: dict) -> dict:
    """``result`` with its generic units named after their parent, its
    parentless generic units marked ``local``, and, in a document of a region
    of :func:`document_region`, its institutions named with the region.

    Each renamed entity keeps its former name as an alias and says why in
    ``qualified`` (``"parent 星河大学"``, ``"region 台湾"``); a local one
    has ``local: True`` and keeps its name.  The relations follow the
    renaming.  Place-level names (市委) are left to
    :func:`kg.extraction.coreference.qualify_generic`.

    >>> result = {"document": {"doc": "a.txt", "text": ""}, "relations": [],
    ...           "entities": [{"name": "科技处", "type": "Department", "aliases": []}]}
    >>> ent = qualify_document(result)["entities"][0]
    >>> ent["name"], ent["local"]
    ('科技处', True)
    """
    document = result.get("document", {})
    entities = result.get("entities", [])
    own = next((e["name"] for e in entities if e.get("own")), None) or document.get("own")
    canonical = {a: e["name"] for e in entities for a in e.get("aliases", ()) or ()}
    for e in entities:          # a parent named by its short form (星大 for 星河大学)
        fuller = [f["name"] for f in entities if f["type"] == e["type"]
                  and abbreviates(e["name"], f["name"])]
        if len(fuller) == 1:
            canonical.setdefault(e["name"], fuller[0])
    parents = {unit: canonical.get(parent, parent) for unit, parent in _parents(result).items()}
    names = {e["name"] for e in entities}
    places = document_places(entities)
    region = document_region(document)
    regional = {e["name"]: f"{e['name']}（{region}）" for e in entities
                if region and e["type"] in regional_types(region) and not is_generic(e["name"], e["type"])
                and not _starts_with_place(e["name"]) and not e["name"].startswith(NATIONAL)}
    renamed: dict[str, str] = {}
    out = []
    for ent in entities:
        name, type_ = ent["name"], ent["type"]
        new, why, local = name, None, False
        specific = _starts_with_place(name) or any(n != name and name.startswith(n) for n in names)
        parent = parents.get(name)
        if type_ == "Park" and name in zones():
            place = next((places[lv] for lv in ZONE_PLACES if lv in places), None)
            if place:
                short = place[:-1] if place.endswith("市") and len(place) > 2 else place
                new, why = short + name, f"place {place}"
            else:
                local, why = True, "local to its document"
            parent = None
        elif is_generic(name, type_) and type_ in UNIT_TYPES | GENERIC_NAMED:
            if parent is None and type_ in UNIT_TYPES and own != name:
                parent = own
            if parent is None:
                local, why = True, "local to its document"
        elif type_ in UNIT_TYPES and not specific:
            if parent is None and type_ == "Role":
                local, why = True, "local to its document"
        else:
            parent = None
        if why:
            pass
        elif parent:
            parent = regional.get(parent, parent)
            if not name.startswith(parent):
                new, why = parent + name, f"parent {parent}"
        elif name in regional:
            new, why = regional[name], f"region {region}"
        if why is None:
            out.append(ent)
            continue
        ent = dict(ent, name=new, qualified=why)
        if local:
            ent["local"] = True
        else:
            ent["aliases"] = sorted({name, *ent.get("aliases", ())} - {new})
            renamed[name] = new
        out.append(ent)
    if region:
        document = dict(document, region=region)
    relations = [dict(r, subject=renamed.get(r["subject"], r["subject"]),
                      object=renamed.get(r["object"], r["object"]))
                 for r in result.get("relations", ())]
    return dict(result, document=document, entities=out, relations=relations)
