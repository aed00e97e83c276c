"""Resolution: the mentions of one document folded into canonical entities.

A name and its aliases (explicit ones, 简称 in brackets, and derived ones:
the name without its place, a contraction the text uses) become one entity
record; teams named after one leader and units named with and without their
parent merge; every known form found again in the text unrecognised becomes
a mention of source ``alias``.

Example
-------
>>> mentions = [{"start": 0, "end": 4, "text": "星河大学", "name": "星河大学",
...              "type": "University", "source": "suffix"}]
>>> resolved, entities = resolve_mentions("星河大学签约。", [(0, "星河大学签约。", mentions)])
>>> [(e["name"], e["type"]) for e in entities]
[('星河大学', 'University')]
"""

from __future__ import annotations

import re

from kg.extraction.aliases import contracted_aliases, derived_aliases, explicit_aliases, strip_place
from kg.extraction.lexicon import load
from kg.extraction.place_levels import load as place_levels

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
