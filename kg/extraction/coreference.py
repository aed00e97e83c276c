"""Coreference within a document: the article's own institution.

University and college news calls its own institution 学校, 我校, 本校,
学院 (学院党委书记某某, 学院与某区政府签约). Read as names, these become
generic entities (学院党委) that say nothing and, across documents, merge
institutions that have nothing in common. The annotation guide settles it:
they mean the institution the article names elsewhere, and where the article
never names it there is no entity.

:func:`own_institution` picks that institution (a University the headline
names, else the one named most often); :func:`self_references` turns each
self-reference word into a mention of it, replacing a generic mention the
word begins (学院党委 → 学院 + the title 党委书记 that follows).

Example
-------
>>> sents = [(0, "星河职业学院举行签约仪式", [{"start": 0, "end": 6, "text": "星河职业学院",
...           "name": "星河职业学院", "type": "University", "source": "suffix"}]),
...          (13, "学院党委书记李明出席。", [{"start": 0, "end": 4, "text": "学院党委",
...           "name": "学院党委", "type": "Government", "source": "suffix"}])]
>>> own = own_institution(sents)
>>> own["name"]
'星河职业学院'
>>> [(m["text"], m["name"]) for m in self_references(sents[1][1], sents[1][2], own)]
[('学院', '星河职业学院')]
"""

from __future__ import annotations

import collections
import re
from functools import lru_cache

from kg.extraction.lexicon import _lines
from kg.extraction.place_levels import load as place_levels

#: What may follow a self-reference word inside a generic mention it begins
#: (学院党委, 学校团委): the institution's own bodies, folded into it.
OWN_BODIES = ("党委", "团委", "纪委", "党政", "领导")


@lru_cache(maxsize=1)
def self_words() -> dict[str, tuple[str, ...]]:
    """``{word: name endings}`` from ``kg/data/self_references.tsv``."""
    out = {}
    for line in _lines("self_references.tsv"):
        word, _, endings = line.partition("\t")
        out[word.strip()] = tuple(endings.split())
    return out


def own_institution(per_sentence) -> dict | None:
    """The institution a document is about: a University named in its first
    sentence (the headline), else the University named most often; None if
    it names none.

    ``per_sentence`` is a list of ``(base, sentence, mentions)``.
    """
    counts = collections.Counter()
    first = {}
    for i, (_, _, mentions) in enumerate(per_sentence):
        for m in mentions:
            if m["type"] == "University" and m.get("source") != "self" and not is_school(m["name"]):
                counts[m["name"]] += 1
                first.setdefault(m["name"], (i, m))
    if not counts:
        return None
    headline = [name for name, (i, _) in first.items() if i == 0]
    name = max(headline or counts, key=lambda n: (counts[n], -first[n][0]))
    return dict(first[name][1])


@lru_cache(maxsize=1)
def disciplines() -> frozenset[str]:
    """The stems of ``kg/data/disciplines.txt``."""
    return frozenset(w for line in _lines("disciplines.txt") for w in line.split())


def is_school(name: str) -> bool:
    """Whether ``name`` is a school of some university by its form alone: a
    …学院, …学部 or …系 whose stem is made only of discipline words.

    >>> is_school("交通与车辆工程学院"), is_school("星河理工学院"), is_school("化工学院")
    (True, False, True)
    """
    suffix = next((s for s in ("学院", "学部", "系") if name.endswith(s)), None)
    if suffix is None or "大学" in name:
        return False
    stem, words = name[: -len(suffix)], disciplines()
    # longest-first cover of the stem by discipline words
    reach = {0}
    for i in range(len(stem)):
        if i in reach:
            reach |= {i + len(w) for w in words if stem.startswith(w, i)}
    return bool(stem) and len(stem) in reach


def schools_of(own: dict | None, entities: list[dict]) -> set[str]:
    """Names typed University that are schools of a university: by their
    form (:func:`is_school`), or, in a 大学's own news, a …学院 without 大学
    or a place in its name (机械工程学院 of 星河大学 is a Department, not a
    college)."""
    schools = {e["name"] for e in entities if e["type"] == "University" and is_school(e["name"])}
    if own is None or not own["name"].endswith(("大学", "大")):
        return schools - {own["name"]} if own else schools
    return schools | {e["name"] for e in entities if e["type"] == "University"
                      and e["name"].endswith("学院") and "大学" not in e["name"]
                      and not _PLACE.match(e["name"]) and e["name"] != own["name"]}


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    words = sorted(self_words(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def self_references(sentence: str, mentions: list[dict], own: dict | None) -> list[dict]:
    """``mentions`` with each self-reference word of ``sentence`` made a
    mention of ``own``.

    A word inside a longer mention (星河学院, 学院路) is left alone, unless
    that mention is the word plus one of :data:`OWN_BODIES` (学院党委): the
    generic mention is dropped for the institution. A word whose institution
    does not fit (学院 when the article is about a 大学) is left alone.
    """
    if own is None:
        return mentions
    out = list(mentions)
    for match in _pattern().finditer(sentence):
        word = match.group()
        endings = self_words()[word]
        if endings != ("*",) and not own["name"].endswith(endings):
            continue
        s, e = match.span()
        covering = [m for m in out if m["start"] < e and s < m["end"]]
        if covering:
            generic = [m for m in covering if m["start"] == s
                       and sentence[e:m["end"]] in OWN_BODIES and m.get("source") != "self"]
            if len(generic) != len(covering):
                continue
            for m in generic:
                out.remove(m)
        out.append({"start": s, "end": e, "text": word, "name": own["name"], "type": own["type"],
                    "source": "self"})
    return sorted(out, key=lambda m: (m["start"], -(m["end"] - m["start"])))


#: A name that means a body of whatever place or institution the article is
#: about: a bare level (市科技局, 区政府, 省科技厅, 县委) or a self-reference
#: (我校党委, 校党委).
_GENERIC_PLACE = place_levels().generic_place
_GENERIC_SELF = re.compile(r"^(我校|本校|学校|全校|校|我院|本院)(.*)$")
#: The place of a level that starts a name (青山市科技局 → 青山市); levels
#: from :file:`kg/data/place_levels.tsv`.
_PLACE = place_levels().document_place
#: Entity types a generic name can have (events and projects are named by
#: the article itself, persons are no bodies).
GENERIC_TYPES = frozenset({"Government", "Department", "Organization", "University", "Platform",
                           "ResearchInstitute", "Company", "Park", "Role", "Team"})


def document_places(entities: list[dict]) -> dict[str, str]:
    """The place of each level a document is about (``{"市": "青山市"}``):
    the most frequent place that starts the names of its entities."""
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for ent in entities:
        for form in [ent["name"], *ent.get("aliases", ())]:
            if _GENERIC_PLACE.match(form) or _GENERIC_SELF.match(form):
                continue
            match = _PLACE.match(form)
            if match:
                place = match.group(1)
                level = "区" if place.endswith("自治区") and len(place) > 5 else place[-1]
                counts[level][place] += 1
    return {level: c.most_common(1)[0][0] for level, c in counts.items()}


def qualify_generic(result: dict) -> dict:
    """An extraction result whose generic names are qualified by the
    article's place or institution, for the store.

    A name such as 市科技局 is an identity only within its article: across
    documents, the 市科技局 of 青山 and that of 南湖 are different bodies.
    Before a document enters the store, such an entity is renamed after the
    place the article names at that level (青山市科技局) or, for
    我校党委, after the article's own institution; when the article does not
    say, it is marked ``local`` (one entity of this document only, see
    :mod:`kg.store.identity`), keeping its name for display. The generic form is
    dropped from the entity's aliases, so no later document can be resolved
    to it by that form. The names of the
    extraction records themselves are those the article uses (the
    annotation guide's contract); only the store sees the qualified ones.

    >>> result = {"document": {"doc": "a.txt"}, "relations": [
    ...     {"subject": "市科技局", "predicate": "supports", "object": "星河研究院"}],
    ...     "entities": [{"name": "市科技局", "type": "Government", "aliases": []},
    ...                  {"name": "青山市星河研究院", "type": "ResearchInstitute", "aliases": ["星河研究院"]}]}
    >>> out = qualify_generic(result)
    >>> out["entities"][0]["name"], out["relations"][0]["subject"]
    ('青山市科技局', '青山市科技局')
    """
    entities = result.get("entities", [])
    places = document_places(entities)
    own = next((e["name"] for e in entities if e.get("own")), None) or result.get("document", {}).get("own")
    renamed = {}
    new_entities = []
    for ent in entities:
        name = ent["name"]
        qualified = None
        if ent["type"] in GENERIC_TYPES:
            place = _GENERIC_PLACE.match(name)
            own_body = _GENERIC_SELF.match(name)
            if place:
                level, body = place.groups()
                known = places.get(level)
                qualified = known + body if known else None
            elif own_body:
                word, body = own_body.groups()
                if own and word == "校":       # 校长, 校党委: the whole name follows
                    qualified = own + name
                else:
                    qualified = (own + body) if own and body else None
            if (place or own_body) and qualified is None:   # of this document only (kg.store.identity)
                ent = dict(ent, local=True, qualified="local to its document")
        if qualified and qualified != name:
            renamed[name] = qualified
            ent = dict(ent, name=qualified, qualified=f"place or institution of the article",
                       aliases=[a for a in ent.get("aliases", ())
                                         if not (_GENERIC_PLACE.match(a) or _GENERIC_SELF.match(a))])
        new_entities.append(ent)
    if not renamed:
        return dict(result, entities=new_entities)
    relations = [dict(r, subject=renamed.get(r["subject"], r["subject"]),
                      object=renamed.get(r["object"], r["object"])) for r in result.get("relations", [])]
    return dict(result, entities=new_entities, relations=relations)
