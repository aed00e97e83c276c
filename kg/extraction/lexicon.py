"""Load the extraction lexicons shipped as data files under ``kg/data/``.

Every word list the extractor uses (organisation suffixes, titles,
surnames, trigger verbs, university names and their abbreviations, …)
lives in a plain-text file, so a user can extend it for a new region or
domain without touching code. Lines starting with ``#`` are comments.

Example
-------
>>> lex = load()
>>> lex.suffix_type["有限公司"]
'Company'
>>> "主任" in lex.titles
True
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import jieba


def _lines(name: str) -> list[str]:
    text = resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _words(name: str) -> list[str]:
    return [word for line in _lines(name) for word in line.split()]


def appoint_cues(rule: str) -> str:
    """The appointment cues of ``kg/data/appoint_cues.tsv`` that ``rule``
    (``post`` or ``appointee``) reads, as one regular-expression alternation
    in the file's order.

    >>> appoint_cues("appointee").split("|")[-2:]
    ['被聘任为', '当选为?']
    """
    out = []
    for line in _lines("appoint_cues.tsv"):
        pattern, _, rules = line.partition("\t")
        if not rules.strip():
            raise ValueError(f"kg/data/appoint_cues.tsv: line {line!r} names no rule (column 2)")
        if rule in rules.split():
            out.append(pattern.strip())
    return "|".join(out)


def _longest_first(words) -> list[str]:
    return sorted(set(words), key=lambda w: (-len(w), w))


def _alternation(words) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in _longest_first(words)))


@dataclass(frozen=True)
class Lexicon:
    """All word lists of the extractor, loaded once."""

    suffix_type: dict[str, str]
    unit_suffixes: frozenset[str]
    titles: tuple[str, ...]
    surnames: frozenset[str]
    compound_surnames: frozenset[str]
    after_name: tuple[str, ...]
    boundaries: frozenset[str]
    triggers: dict[str, tuple[str, ...]]
    #: The cues of locatedIn by how they are read: ``trigger``, ``verb``, ``event``.
    located: dict[str, tuple[str, ...]]
    universities: dict[str, tuple[str, ...]]
    places: tuple[str, ...]
    provinces: tuple[str, ...]
    event_suffixes: tuple[str, ...]
    role_suffixes: tuple[str, ...]
    suffix_re: re.Pattern = field(repr=False)
    title_re: re.Pattern = field(repr=False)
    event_suffix_re: re.Pattern = field(repr=False)
    role_suffix_re: re.Pattern = field(repr=False)


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """Read every lexicon file once and return them as a :class:`Lexicon`."""
    suffix_type = {}
    for line in _lines("org_suffixes.tsv"):
        suffix, kind = line.split("\t")[:2]
        suffix_type[suffix.strip()] = kind.strip()
    surnames = _words("surnames.txt")
    triggers = {}
    for line in _lines("triggers.tsv"):
        predicate, words = line.split("\t", 1)
        triggers[predicate.strip()] = tuple(_longest_first(words.split()))
    located = {"trigger": [], "verb": [], "event": []}
    for line in _lines("located_cues.tsv"):
        word, _, uses = line.partition("\t")
        if not uses.strip() or not set(uses.split()) <= set(located):
            raise ValueError(f"kg/data/located_cues.tsv: line {line!r} needs column 2 of "
                             f"trigger, verb or event")
        for use in uses.split():
            located[use].append(word.strip())
    located = {use: tuple(_longest_first(words)) for use, words in located.items()}
    triggers["locatedIn"] = located["trigger"]
    universities = {}
    for line in _lines("universities.tsv"):
        name, _, aliases = line.partition("\t")
        universities[name.strip()] = tuple(a for a in aliases.strip().split(",") if a)
    unit_suffixes = _words("unit_suffixes.txt")
    event_suffixes = _words("event_suffixes.txt")
    role_suffixes = _words("role_suffixes.txt")
    titles = _longest_first(_lines("titles.txt"))
    return Lexicon(
        suffix_type=suffix_type,
        unit_suffixes=frozenset(unit_suffixes),
        titles=tuple(titles),
        surnames=frozenset(s for s in surnames if len(s) == 1),
        compound_surnames=frozenset(s for s in surnames if len(s) == 2),
        after_name=tuple(_longest_first(_words("after_name.txt"))),
        boundaries=frozenset(_words("boundaries.txt")),
        triggers=triggers,
        located=located,
        universities=universities,
        places=tuple(_longest_first(_words("places.txt"))),
        provinces=tuple(_longest_first(_lines("places.txt")[0].split())),
        event_suffixes=tuple(_longest_first(event_suffixes)),
        role_suffixes=tuple(_longest_first(role_suffixes)),
        suffix_re=_alternation(list(suffix_type) + unit_suffixes),
        title_re=_alternation(titles),
        event_suffix_re=_alternation(event_suffixes),
        role_suffix_re=_alternation(role_suffixes),
    )


@lru_cache(maxsize=1)
def segmenter_tags() -> dict[str, str]:
    """Part-of-speech tag of every word in the segmenter's (jieba's)
    dictionary, read once: which words are verbs (``v``), place names
    (``ns``) or idioms (``i``) is what tells a name from the words around it.

    >>> segmenter_tags()["合作"] in ("v", "vn")
    True
    """
    tags = {}
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags
