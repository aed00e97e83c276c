"""How Chinese place names are built: their administrative levels (省, 市,
县 …), the bodies of a place (its party committee and government) and the
titles of their heads, read from :file:`kg/data/place_levels.tsv`.

Every pattern the extraction rules use about places is built here, from
that file, so that a new level (旗, 盟) is one more line of data. The rules
import the patterns from :func:`load`; :func:`build` makes them from any
lines of the same format (for a region's own levels, or a test).

Example
-------
>>> places = load()
>>> bool(places.head_title.match("常务副市长")), places.head_level["县长"]
(True, '县')
>>> places.place_prefix.match("青山县科技局").group(1)
'青山县'
>>> extra = build(_lines("place_levels.tsv") + ["旗\\t旗长\\tgovernment bare post prefix encloses"])
>>> extra.committee.search("青山旗委").start(), bool(extra.head_title.match("副旗长"))
(3, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extraction.lexicon import _lines, _longest_first

#: The roles a level can play (see the file's header).
ROLES = frozenset({"government", "bare", "post", "prefix", "zone", "encloses", "province",
                   "subdivision", "bracketed"})
#: The keyed lines (``@key<TAB>words``).
KEYS = frozenset({"deputy", "committee", "bare_committee", "government", "not_a_body",
                  "known_place_levels", "not_a_place"})


def _either(words) -> str:
    """An alternation of ``words``, longest first (so that none hides a
    longer one it starts)."""
    return "|".join(re.escape(w) for w in _longest_first(words))


def _one_of(words) -> str:
    """Any one of ``words``: a character class when they are single
    characters, else a group of alternatives, longest first."""
    words = _longest_first(words)
    if words and all(len(w) == 1 for w in words):
        return "[" + "".join(re.escape(w) for w in words) + "]"
    return f"(?:{_either(words) or '(?!)'})"


def _after_one_of(words) -> str:
    """A lookbehind for any of ``words``: a character class when they are
    single characters, else one fixed-width lookbehind per word."""
    words = _longest_first(words)
    if all(len(w) == 1 for w in words):
        return "(?<=[" + "".join(re.escape(w) for w in words) + "])"
    return "(?:" + "|".join(f"(?<={re.escape(w)})" for w in words) + ")"


@dataclass(frozen=True)
class PlaceLevels:
    """The levels of place names and the patterns built from them."""

    #: Levels (in the file's order) with their head's title (or ``None``) and roles.
    levels: tuple[tuple[str, str | None, frozenset[str]], ...]
    #: The keyed word lists (the :data:`KEYS`: deputy, committee, government …).
    words: dict[str, tuple[str, ...]] = field(repr=False)
    #: Head's title → its level (市长 → 市).
    head_level: dict[str, str] = field(repr=False)
    #: Ends of a place name that is not a parent body (青山市, 某县): the
    #: levels with a government.
    place_endings: tuple[str, ...] = field(repr=False)
    #: Ends of a province's name (省, 自治区).
    province_endings: tuple[str, ...] = field(repr=False)
    #: Levels a known bare place name is also named with, in the order tried (市, 省).
    known_place_levels: tuple[str, ...] = field(repr=False)
    #: One of :attr:`known_place_levels` in a text (清远|市).
    known_place_level: re.Pattern = field(repr=False)
    #: Words that end with a level but name no place of it (新区, 园区, 社区, 校区).
    not_places: tuple[str, ...] = field(repr=False)
    #: Governments after a place name, in the order looked for (人民政府, 政府).
    governments: tuple[str, ...] = field(repr=False)
    #: Committees after a bare level (委).
    bare_committees: tuple[str, ...] = field(repr=False)
    #: A district after a known place with its level (青山市|南湖区): two characters and a level.
    subdivision: re.Pattern = field(repr=False)
    #: A place in brackets after a park's name: 某某高新区(南湖区).
    bracketed_place: re.Pattern = field(repr=False)
    #: A place (or zone) that starts a name (青山县卫健局, 某经济技术开发区管委会).
    place_prefix: re.Pattern = field(repr=False)
    #: A place of a level that starts a name of the article (青山市科技局 → 青山市).
    document_place: re.Pattern = field(repr=False)
    #: The head of a government (市长, 常务副县长); group ``head`` is the title.
    head_title: re.Pattern = field(repr=False)
    #: A party committee at the end of its place's name (青山市委, 某县党委).
    committee: re.Pattern = field(repr=False)
    #: A bare level body at the end of a text (市委, 县政府): groups ``level``, ``body``.
    bare_body: re.Pattern = field(repr=False)
    #: A body named by its level alone at the start of a name (市政府与…).
    deictic_body: re.Pattern = field(repr=False)
    #: A title that is a government post (区长, 副州长, 市委…).
    place_title: re.Pattern = field(repr=False)
    #: The place a zone's or district's name starts with (青山市高新区).
    name_place: re.Pattern = field(repr=False)
    #: A name meaning a body of the article's place (市科技局): groups level, body.
    generic_place: re.Pattern = field(repr=False)


def build(lines) -> PlaceLevels:
    """The patterns of :class:`PlaceLevels` from the non-comment lines of a
    file in the format of :file:`kg/data/place_levels.tsv`.

    Parameters
    ----------
    lines : iterable of str
        Level lines (``level<TAB>head<TAB>roles``) and keyed lines
        (``@key<TAB>words``); comments and blank lines already removed.

    Returns
    -------
    PlaceLevels
    """
    levels, words = [], {key: () for key in KEYS}
    for line in lines:
        first, _, rest = line.partition("\t")
        if first.startswith("@"):
            key = first[1:].strip()
            if key not in KEYS:
                raise ValueError(f"place_levels: unknown key @{key} (known: {', '.join(sorted(KEYS))})")
            words[key] = tuple(rest.split())
            continue
        head, _, roles = rest.partition("\t")
        roles = frozenset(roles.split())
        if roles - ROLES:
            raise ValueError(f"place_levels: unknown role {', '.join(sorted(roles - ROLES))} "
                             f"of {first.strip()} (known: {', '.join(sorted(ROLES))})")
        head = head.strip()
        levels.append((first.strip(), None if head in ("", "-") else head, roles))

    unknown = [w for w in words["known_place_levels"] if w not in {level for level, _, _ in levels}]
    if unknown:
        raise ValueError(f"place_levels: @known_place_levels names {', '.join(unknown)}, "
                         "which is no level of the file")

    def having(role):
        return [level for level, _, roles in levels if role in roles]

    han = "\u4e00-\u9fff"
    deputy = f"({_either(words['deputy'])})?"
    head_level = {head: level for level, head, _ in levels if head}
    governments = words["government"]
    bare_bodies = _either(words["bare_committee"] + governments)
    not_a_body = f"(?!{_either(words['not_a_body'])})" if words["not_a_body"] else ""
    return PlaceLevels(
        levels=tuple(levels),
        words=words,
        head_level=head_level,
        place_endings=tuple(having("government")),
        province_endings=tuple(having("province")),
        known_place_levels=words["known_place_levels"],
        known_place_level=re.compile(_either(words["known_place_levels"]) or "(?!)"),
        not_places=words["not_a_place"],
        governments=governments,
        bare_committees=words["bare_committee"],
        subdivision=re.compile(rf"[{han}]{{2}}{_one_of(having('subdivision'))}"),
        bracketed_place=re.compile(rf"[（(][{han}]{{1,6}}{_one_of(having('bracketed'))}[）)]"),
        place_prefix=re.compile(rf"^([{han}]{{2,12}}?(?:{_either(having('prefix') + having('zone'))}))"),
        document_place=re.compile(rf"^([{han}]{{2,8}}?(?:{_either(having('prefix'))}))"),
        head_title=re.compile(rf"^{deputy}(?P<head>{_either(head_level)})$"),
        committee=re.compile(rf"{_after_one_of(having('government'))}({_either(words['committee'])})$"),
        bare_body=re.compile(rf"(?P<level>{_either(having('bare'))})(?P<body>{bare_bodies})$"),
        deictic_body=re.compile(rf"^({_either(having('bare'))})({bare_bodies})"),
        place_title=re.compile(rf"^{deputy}({_either(having('post'))})"),
        name_place=re.compile(rf"^([{han}]{{2,6}}?(?:{_either(having('encloses'))}))(?=[{han}]{{2}})"),
        generic_place=re.compile(rf"^({_either(having('government'))}){not_a_body}(.+)$"),
    )


@lru_cache(maxsize=1)
def load() -> PlaceLevels:
    """The patterns built from :file:`kg/data/place_levels.tsv`, read once."""
    return build(_lines("place_levels.tsv"))
