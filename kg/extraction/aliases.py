"""Resolve mentions to entities: one canonical name plus its aliases.

Inside a document three kinds of evidence make two surface forms one entity:

* an explicit definition, ``青山南湖高新技术产业开发区(以下简称“南湖高新区”)``;
* a lexicon abbreviation of a university (``西安交大`` → ``西安交通大学``);
* a short form derived from a full name that the document also uses: the
  name without its place prefix (``星河材料研究院``), a company's brand with
  or without ``公司`` (``天衡公司``, ``蓝海化学``), a team named without the
  school (``星河大学陈晓明教授团队``).

The canonical name is the fullest form the document uses. Across documents
entities merge when they share a type and a name or alias
(:func:`merge_entities`).

Example
-------
>>> ents = [{"name": "清远华湾材料研究院", "type": "ResearchInstitute"}]
>>> derived_aliases(ents[0])
['华湾材料研究院']
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extraction.lexicon import _words, load, segmenter_tags
from kg.extraction.name_rules import _place_forms

COMPANY_FORMS = ("集团股份有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "有限公司")
DEFINITION = re.compile(r"^[（(]\s*(?:以下)?简称[“\"]?([^”\"）)]{2,16})[”\"]?[）)]")


def strip_place(name: str) -> str:
    """``name`` without a leading place (province, city), if one is there
    and what remains is a name, not a bare suffix (北京大学 stays whole).

    >>> strip_place("清远华湾材料研究院"), strip_place("北京大学化学学院")
    ('华湾材料研究院', '北京大学化学学院')
    """
    lex = load()
    forms, longest = _place_forms()
    for size in range(min(longest, len(name) - 3), 1, -1):
        rest = name[size:]
        if name[:size] in forms and not lex.suffix_re.match(rest):
            return rest
    return name


def company_core(name: str) -> str:
    """A company's name without its place, legal form and a trailing
    parenthesis: the form other articles name it by.

    >>> company_core("广东星河新材料股份有限公司"), company_core("蓝海科技（青山）有限公司")
    ('星河新材料', '蓝海科技')
    """
    core = strip_place(name)
    for form in COMPANY_FORMS:
        if core.endswith(form):
            core = core[: -len(form)]
            break
    return re.sub(r"[（(][^）)]*[）)]$", "", core)


def corpus_short_forms(entity: dict) -> list[str]:
    """Short forms under which *other* documents may name ``entity``.

    Only a company's core name and core + 公司 (聚石化学, 聚石化学公司):
    specific enough to identify a firm across articles, unlike a bare brand
    (星河) that many firms share. Stored as ``skos:hiddenLabel`` and used by
    the store's resolver only when exactly one entity has the form.

    >>> corpus_short_forms({"name": "广东星河新材料股份有限公司", "type": "Company"})
    ['星河新材料', '星河新材料公司']
    """
    if entity["type"] != "Company":
        return []
    core = company_core(entity["name"])
    if len(core) < 3 or core == entity["name"]:
        return []
    return [core, core + "公司"]


def _segmenter_tag(word: str) -> str | None:
    return segmenter_tags().get(word)


@lru_cache(maxsize=1)
def _industry_re() -> re.Pattern:
    words = sorted(set(_words("industry_words.txt")), key=len, reverse=True)
    return re.compile("(" + "|".join(map(re.escape, words)) + ")")


def derived_aliases(entity: dict) -> list[str]:
    """Short forms a document may use for ``entity`` (to be confirmed in the text).

    >>> derived_aliases({"name": "湖州市天衡量子科技有限公司", "type": "Company"})
    ['天衡量子科技', '天衡量子科技公司', '天衡公司', '天衡集团', '天衡', '天衡量子']
    """
    lex = load()
    name, kind = entity["name"], entity["type"]
    out: list[str] = []
    bare = strip_place(name)
    if kind == "University":
        out.extend(lex.universities.get(name, ()))
    if kind == "Company":
        core = company_core(name)
        if len(core) >= 2 and core != name:
            out.append(core)
            out.append(core + "公司")
        parts = _industry_re().split(core)
        brand = parts[0]
        if 2 <= len(brand) < len(core):
            out.extend([brand + "公司", brand + "集团"])
            if _segmenter_tag(brand) not in ("ns", "nt"):
                out.append(brand)   # not 中科 (中科院), 华南: names of their own
            if len(parts) > 3 and brand + parts[1] != core:
                out.append(brand + parts[1])    # 星宇电子科技 → 星宇电子
    elif bare != name and kind not in ("Person", "Project", "Event", "Role"):
        out.append(bare)
    seen, result = set(), []
    for alias in out:
        if alias and alias != name and alias not in seen and len(alias) >= 2:
            seen.add(alias)
            result.append(alias)
    return result


def contracted_aliases(entity: dict, text: str) -> list[str]:
    """Four-character contractions of a company's core name that ``text``
    uses at least twice outside the full name (星河特种型材 → 星河特材):
    the same first two and last characters, the others in order from the
    core, and not simply a part of it (a brand prefix is
    :func:`derived_aliases`' business).

    >>> contracted_aliases({"name": "广东星河特种型材有限公司", "type": "Company"},
    ...                    "广东星河特种型材有限公司投产。星河特材产能第一，星河特材已上市。")
    ['星河特材']
    """
    if entity["type"] != "Company":
        return []
    core = company_core(entity["name"])
    if len(core) < 5:
        return []
    rest = text.replace(entity["name"], "\n")
    found = []
    for match in re.finditer(re.escape(core[:2]), rest):
        short = rest[match.start():match.start() + 4]
        if len(short) < 4 or short in found or short in core or short[-1] != core[-1] \
                or not all("\u4e00" <= c <= "\u9fff" for c in short):
            continue
        chars = iter(core[2:])
        if all(c in chars for c in short[2:]) and rest.count(short) >= 2:
            found.append(short)
    return found


def explicit_aliases(text: str, mentions: list[dict], offset: int = 0) -> dict[str, str]:
    """Aliases defined in the text: ``X（以下简称“Y”）`` gives ``{Y: X}``."""
    found = {}
    for m in mentions:
        if m["type"] in ("Person",):
            continue
        match = DEFINITION.match(text[m["end"] - offset:])
        if match:
            found[match.group(1)] = m["name"]
    return found


def merge_entities(entity_lists) -> list[dict]:
    """Merge per-document entity records into corpus entities.

    Two records are the same entity when they have the same type and share
    a name or alias, or when one is a company named by the core of the
    other's full name and no other company has that core (see
    :func:`corpus_short_forms`); the canonical name is the longest name
    among them. ``docs`` and ``aliases`` are unions.

    >>> a = {"name": "西安交通大学", "type": "University", "aliases": ["西安交大"], "docs": ["a"]}
    >>> b = {"name": "西安交大", "type": "University", "aliases": [], "docs": ["b"]}
    >>> merged = merge_entities([[a], [b]])
    >>> merged[0]["name"], merged[0]["docs"]
    ('西安交通大学', ['a', 'b'])
    """
    groups: list[dict] = []
    index: dict[tuple[str, str], dict] = {}
    for entities in entity_lists:
        for ent in entities:
            forms = [ent["name"], *ent.get("aliases", [])]
            group = next((index[(ent["type"], f)] for f in forms if (ent["type"], f) in index), None)
            if group is None:
                group = {"name": ent["name"], "type": ent["type"], "aliases": [], "docs": []}
                groups.append(group)
            for form in forms:
                if form not in group["aliases"] and form != group["name"]:
                    group["aliases"].append(form)
                index[(ent["type"], form)] = group
            for doc in ent.get("docs", []):
                if doc not in group["docs"]:
                    group["docs"].append(doc)
            if len(ent["name"]) > len(group["name"]):
                group["aliases"].append(group["name"])
                group["name"] = ent["name"]
    groups = _merge_short_companies(groups)
    for group in groups:
        group["aliases"] = sorted({a for a in group["aliases"] if a != group["name"]})
    return groups


def _merge_short_companies(groups: list[dict]) -> list[dict]:
    """Merge a company named only by its core (聚石化学) into the one group
    whose full name has that core (广东聚石化学股份有限公司), as the store's
    resolver does; with two such groups the short one stays apart."""
    owners: dict[str, list[dict]] = {}
    for group in groups:
        for form in corpus_short_forms(group):
            owners.setdefault(form, []).append(group)
    gone = set()
    for group in groups:
        if group["type"] != "Company" or corpus_short_forms(group):
            continue        # not a company, or a full name itself
        targets = {id(g): g for g in owners.get(group["name"], ()) if g is not group}
        if len(targets) != 1:
            continue
        (target,) = targets.values()
        target["aliases"].extend([group["name"], *group["aliases"]])
        target["docs"].extend(d for d in group["docs"] if d not in target["docs"])
        gone.add(id(group))
    return [g for g in groups if id(g) not in gone]
