"""Short and full names of one institution: the rules by which a short form
(星科院, 星交大, 青山) and a full form (星河科学院, 星海交通大学, 青山市)
name one thing, as pure functions of the names.

Used inside a document (:mod:`kg.extraction.qualify`: a unit's parent named
by its short form) and across documents (:mod:`kg.store.identity`). The
established forms the general rule does not reach are data:
:file:`kg/data/short_forms.tsv` and the short names of
:file:`kg/data/universities.tsv`.

>>> abbreviates("星科院", "星河科学院"), abbreviates("南湖大学", "南湖理工大学")
(True, False)
"""

from __future__ import annotations

from functools import lru_cache

from kg.extraction.place_levels import load as place_levels

@lru_cache(maxsize=1)
def regions() -> dict[str, tuple[str, ...]]:
    """``{region: place words}`` from :file:`kg/data/regions.tsv`: the
    regions whose bodies share names with the mainland's."""
    return {region: words for region, (_, words) in _regions().items()}


def regional_types(region: str) -> frozenset[str]:
    """The entity types :file:`kg/data/regions.tsv` qualifies by ``region``.

    >>> "Government" in regional_types("台湾"), "Government" in regional_types("香港")
    (True, False)
    """
    return _regions()[region][0]


@lru_cache(maxsize=1)
def _regions() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    from kg.extraction.lexicon import _lines

    out = {}
    for line in _lines("regions.tsv"):
        fields = line.split("\t")
        if len(fields) != 3:
            raise ValueError(f"kg/data/regions.tsv: {line!r} is not region<TAB>types<TAB>places")
        out[fields[0].strip()] = (frozenset(fields[1].split(",")), tuple(fields[2].split()))
    return out


#: Endings that make a name a full one (a short form does not end so).
FULL_ENDINGS = ("大学", "学院", "科学院", "研究院", "研究所", "公司", "集团", "中心",
                "实验室", "委员会")


def region_of(name: str) -> str | None:
    """The region a name was qualified with (``星华大学（台湾）`` → 台湾).

    >>> region_of("星华大学（台湾）"), region_of("星华大学")
    ('台湾', None)
    """
    for region in regions():
        if name.endswith(f"（{region}）"):
            return region
    return None


def _subsequence(short: str, full: str) -> bool:
    it = iter(full)
    return all(ch in it for ch in short)


@lru_cache(maxsize=1)
def short_form_groups() -> dict[str, frozenset[str]]:
    """``{form: all forms of that institution}`` from
    :file:`kg/data/short_forms.tsv` and the universities' short names of
    :file:`kg/data/universities.tsv` (three characters or more, or listed in
    :file:`kg/data/university_short_names.txt`)."""
    from kg.extraction.lexicon import _lines, _words, load

    groups = [frozenset(line.split()) for line in _lines("short_forms.tsv")]
    unambiguous = set(_words("university_short_names.txt"))
    for name, shorts in load().universities.items():
        forms = {s for s in shorts if len(s) >= 3 or s in unambiguous}
        if forms:
            groups.append(frozenset({name, *forms}))
    out: dict[str, frozenset[str]] = {}
    for group in groups:
        for form in group:
            out[form] = out.get(form, frozenset()) | group
    return out


def abbreviates(short: str, full: str, general: bool = True) -> bool:
    """Whether ``short`` is a Chinese institutional abbreviation of ``full``:
    a listed short form (:func:`short_form_groups`), or, by the general
    rule, at least three characters that start as ``full`` does, follow its
    characters in order, end on a character of its last four (its head:
    大学 → 大, 科学院 → 院, 理工大学 → 工), are at least half its length, are
    not its start (安徽省 is the parent of 安徽省科技厅, not its short form)
    and do not themselves end like a full name (南湖大学 is no short form of
    南湖理工大学). A listed short form abbreviates only what it is listed for;
    with ``general=False`` only listed forms count (the names of government
    bodies nest: 星河市政府 is no short form of 星河市星湖区人民政府).

    >>> abbreviates("星交大", "星海交通大学"), abbreviates("星理工", "星河理工大学")
    (True, True)
    >>> abbreviates("星大", "星河大学")      # two characters: only if listed
    False
    """
    if short == full or len(short) >= len(full):
        return False
    listed = short_form_groups().get(short)
    if listed is not None or not general:
        return full in (listed or ())
    return (3 <= len(short) and len(full) <= 2 * len(short) and short[0] == full[0]
            and short[-1] in full[-4:] and not full.startswith(short)
            and not short.endswith(FULL_ENDINGS) and _subsequence(short, full))


def place_variants(name: str, type_: str) -> list[str]:
    """Other names of the same government body or place: with or without its
    level (天津 ~ 天津市), 人民政府 ~ 政府, the party committee with or without
    中共, a 国家 before a zone or ministry (青山国家高新区 ~ 青山高新区).

    >>> place_variants("青山市人民政府", "Government")
    ['青山市政府']
    >>> place_variants("青山", "Government")
    ['青山市', '青山省', '青山县', '青山区']
    """
    out = []
    if type_ not in ("Government", "Park", "Organization"):
        return out
    if "人民政府" in name:
        out.append(name.replace("人民政府", "政府"))
    elif name.endswith("政府") and len(name) > 4:
        out.append(name[:-2] + "人民政府")
    if name.startswith("中共") and name.endswith("委"):
        out.append(name[2:])
    elif name.endswith("委") and place_levels().document_place.match(name):
        out.append("中共" + name)
    if "国家" in name and (name.endswith(("高新区", "开发区")) or name.startswith("国家")):
        out.append(name.replace("国家", "", 1))
    for zone in ("高新区", "开发区"):
        if name.endswith(zone) and "国家" not in name and len(name) > len(zone) + 1:
            out.append(name[: -len(zone)] + "国家" + zone)
    if type_ == "Government" and 2 <= len(name) <= 3 and not name.endswith(("市", "省", "县", "区")):
        out += [name + level for level in ("市", "省", "县", "区")]
    elif type_ == "Government" and len(name) >= 3 and name.endswith(("市", "省")):
        out.append(name[:-1])
    return [v for v in dict.fromkeys(out) if v != name]


def strip_bracket(name: str) -> str:
    """``name`` without a trailing parenthesis that is no region mark
    (星河工业大学（青山科学院） → 星河工业大学).

    >>> strip_bracket("星河工业大学(青山科学院)"), strip_bracket("星河大学（台湾）")
    ('星河工业大学', '星河大学（台湾）')
    """
    if region_of(name):
        return name
    for open_, close in (("(", ")"), ("（", "）")):
        if name.endswith(close) and open_ in name[1:]:
            return name[: name.rindex(open_)]
    return name


def _core(name: str) -> str:
    region = region_of(name)
    return name[: -len(f"（{region}）")] if region else name
