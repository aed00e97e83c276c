"""Extract typed relations from one sentence and its resolved mentions.

Each predicate of the annotation guide has one rule function here. A rule
reads the sentence, its mentions (already resolved to canonical entities)
and a small document context (the last organisation of each type, the
current event) and returns relation dicts::

    {"subject": "周明远", "predicate": "appointedAs",
     "object": "清远高新区招才引智大使", "trigger": "获聘",
     "confidence": 0.85, "title": None}

The Chinese cue words come from ``kg/data/triggers.tsv`` (locatedIn's from
``located_cues.tsv``, the appointment verbs from ``appoint_cues.tsv``). Rules work on the
clause (text between ``，；``) or the sentence, as the construction needs:
the n-ary ``由A、B、C三方共建Y`` gives one ``builds`` per party, a list of
appointees before ``获聘`` one ``appointedAs`` each.

Example
-------
>>> from kg.extraction.name_rules import recognize
>>> text = "星河大学与蓝海科技有限公司签约。"
>>> [(r["subject"], r["predicate"], r["object"]) for r in relate(text, recognize(text))]
[('星河大学', 'signsWith', '蓝海科技有限公司')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import jieba

from kg.extraction.aliases import strip_place
from kg.extraction.lexicon import _lines, _words, appoint_cues, load, segmenter_tags
from kg.extraction.name_rules import ZONES, outermost
from kg.extraction.place_levels import load as place_levels
from kg.records import SYMMETRIC

ORG_TYPES = frozenset({"University", "Department", "ResearchInstitute", "Platform", "Company",
                       "Government", "Park", "Organization"})
PARTY_TYPES = ORG_TYPES | {"Team", "Person"}
BUILT_TYPES = frozenset({"Platform", "ResearchInstitute", "Park", "Department", "Organization"})
CLAUSE_END = re.compile(r"[，；。！？;,]")
SENTENCE_PART = re.compile(r"[。；;]")
LIST_SEP = re.compile(r"^(、|和|及|以及|与|，|“|”|\s|[（(][^）)，。]{1,24}[）)])*$")
#: Pronoun-like mentions that refer back to the last organisation of a type
#: (kg/data/anaphora.tsv: ``{word: types}``, in the file's order).
ANAPHORA = {word: tuple(kinds.split()) for word, _, kinds in
            (line.partition("\t") for line in _lines("anaphora.tsv"))}


#: A clause whose subject is a project (项目预计总投资…，将建设…).
PROJECT_SUBJECT = re.compile(r"(?:^|[，。；])(?:该|此|这个)?项目")
#: Sentences after an agreement in which 双方 still means its two parties.
PAIR_SPAN = 12
#: Predicates whose object is made, not an actor.
MADE_BY = frozenset({"builds", "investsIn"})


def zones_of(mentions: list[dict]) -> dict[str, dict]:
    """The last park named for each zone word, nested ones included
    (高新区 → 南湖高新区 of 南湖高新区政务办), so that a later 高新区某局
    finds its zone."""
    out = {}
    for m in mentions:
        if m["type"] == "Park":
            bare = re.sub(r"[（(][^）)]*[）)]$", "", m["name"])
            zone = next((z for z in ZONES if bare.endswith(z) and bare != z), None)
            if zone:
                out[zone] = m
    return out


@dataclass
class Context:
    """What a document has said so far, for anaphora and the current event."""

    last: dict[str, dict] = field(default_factory=dict)
    event: dict | None = None
    recent: list[dict] = field(default_factory=list)
    previous: list[dict] = field(default_factory=list)
    hosts: dict[str, dict] = field(default_factory=dict)
    made: set[str] = field(default_factory=set)
    zones: dict[str, dict] = field(default_factory=dict)   # 高新区 → the last 某某高新区 named
    own: dict | None = None    # the article's own institution (kg.extraction.coreference)
    names: dict = field(default_factory=dict)   # every entity of the document: name → type
    pair: tuple[dict, dict] | None = None
    pair_sentence: int = -99
    sentence: int = 0
    event_sentence: int = -99

    def update(self, mentions: list[dict], made: frozenset = frozenset()) -> None:
        """Record a sentence's mentions; ``made`` names what it says was
        built or invested in (objects, not parties of a later 双方)."""
        self.sentence += 1
        self.made |= made
        self.previous = list(mentions)
        for m in mentions:
            self.last[m["type"]] = m
            if m["type"] == "Event":
                self.event = m
                self.event_sentence = self.sentence
            if m["type"] in ORG_TYPES:
                self.recent = [r for r in self.recent if r["name"] != m["name"]][-5:] + [m]


    def note_zones(self, mentions: list[dict]) -> None:
        """Remember the last park named for each zone word (see :func:`zones_of`)."""
        self.zones.update(zones_of(mentions))

    def recent_event(self, within: int) -> dict | None:
        """The current event if it was named in the last ``within`` sentences."""
        return self.event if self.sentence - self.event_sentence < within else None

    def signing_host(self) -> dict | None:
        """Who holds the signing ceremony the article is about, if any."""
        event = self.recent_event(8)
        if event is None or "签约" not in event["name"]:
            return None
        return self.hosts.get(event["name"])

    def parties(self, count: int) -> list[dict]:
        """The last ``count`` organisations named (双方 = two, 三方 = three)
        that were not named as something built (双方将建设某产业园)."""
        if count == 2 and self.pair and self.sentence - self.pair_sentence < PAIR_SPAN:
            return list(self.pair)
        actors = [m for m in self.recent if m["name"] not in self.made]
        return actors[-count:] if len(actors) >= count else []


def _rel(s: dict, p: str, o: dict, trigger: str, confidence: float, title=None) -> dict:
    return {"subject": s["name"], "predicate": p, "object": o["name"],
            "subject_type": s["type"], "object_type": o["type"],
            "trigger": trigger, "confidence": confidence, "title": title}


def top_level(mentions: list[dict]) -> list[dict]:
    """Mentions not inside a longer mention, sorted by start."""
    return sorted(outermost(mentions), key=lambda m: m["start"])


def _clause(text: str, pos: int) -> tuple[int, int]:
    start = max((m.end() for m in CLAUSE_END.finditer(text, 0, pos)), default=0)
    end_match = CLAUSE_END.search(text, pos)
    return start, end_match.start() if end_match else len(text)


@lru_cache(maxsize=None)
def _trigger_re(predicate: str) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in load().triggers[predicate]))


def _triggers(text: str, predicate: str, ms: list[dict] = ()):
    """Cue words of ``predicate`` in ``text`` that are not part of a name
    (对接 inside 对接会, 孵化 inside 孵化器)."""
    return [m for m in _trigger_re(predicate).finditer(text)
            if not any(x["start"] <= m.start() < x["end"] for x in ms)]


def _list_after(ms: list[dict], text: str, pos: int, types, stop: int) -> list[dict]:
    """Mentions of ``types`` forming a list that starts after ``pos``."""
    out = []
    cursor = pos
    for m in ms:
        if m["start"] < pos or m["start"] >= stop:
            continue
        if m["type"] not in types:
            continue
        gap = text[cursor:m["start"]]
        if out and m["start"] < _bracket_after(text, cursor):
            continue    # A(another name of A)、B: what the bracket names is A again
        if out and not LIST_SEP.match(gap):
            break
        out.append(m)
        cursor = m["end"]
    return out


def _bracket_after(text: str, pos: int) -> int:
    """End of a short bracket opening at ``pos`` (``(别名)``), else ``pos``."""
    if text[pos:pos + 1] in ("（", "("):
        close = re.match(r"[（(][^）)，。；]{1,24}[）)]", text[pos:])
        if close:
            return pos + close.end()
    return pos


def _bracket_before(text: str, pos: int) -> int:
    """Start of a short bracket that ends, before list separators, at
    ``pos`` (``(别名)、`` before B), else ``pos``."""
    head = text[:pos].rstrip("、，和及与 ")
    if head.endswith(("）", ")")):
        open_ = re.search(r"[（(][^（()）)，。；]{1,24}[）)]$", head)
        if open_:
            return open_.start()
    return pos


def _renames(m: dict, ms: list[dict], text: str) -> bool:
    """Whether ``m`` stands in a bracket right after another mention
    (``A(another name of A)``): it names no further party."""
    return any(_bracket_after(text, o["end"]) > m["start"] >= o["end"] for o in ms if o is not m)


def _list_before(ms: list[dict], text: str, pos: int, types, start: int = 0) -> list[dict]:
    """Mentions of ``types`` forming a list that ends just before ``pos``."""
    out = []
    cursor = pos
    for m in reversed(ms):
        if m["end"] > pos or m["start"] < start:
            continue
        if out and m["start"] > _bracket_before(text, cursor):
            continue    # A(another name of A)、B: what the bracket names is A again
        if m["type"] not in types:
            if out:
                break
            continue
        gap = text[m["end"]:cursor]
        if out and not LIST_SEP.match(gap):
            break
        out.insert(0, m)
        cursor = m["start"]
    return out


def _subject(ms, text, pos, types, ctx, start=0) -> dict | None:
    """The nearest mention of ``types`` before ``pos`` in the sentence, or an
    anaphor (该公司) resolved through the context."""
    candidates = [m for m in ms if m["end"] <= pos and m["start"] >= start and m["type"] in types]
    if candidates:
        return candidates[-1]
    window = text[start:pos]
    # earlier in this sentence first (A是…，该集团…), then earlier sentences
    before = [m for m in reversed(ms) if m["end"] <= start and m["type"] in types]
    that = re.search(r"该([\u4e00-\u9fff]{1,3})$", window) or re.search(r"该([\u4e00-\u9fff]{1,3})", window)
    if that:
        noun = that.group(1)
        pool = before + [m for m in reversed(ctx.recent) if m["type"] in types]
        for k in range(len(noun), 0, -1):   # 该集团亚太总部: the noun is 集团
            named = next((m for m in pool if m["name"].endswith(noun[:k])), None)
            if named is not None:
                return named
    for word, kinds in ANAPHORA.items():
        if word in window:
            for kind in kinds:
                same = next((m for m in before if m["type"] == kind), None)
                if same is not None:
                    return same
                if kind in ctx.last and kind in types:
                    return ctx.last[kind]
    return None


# --- rules, one per predicate ------------------------------------------------

#: Which organisation types a unit of each type may belong to by its name.
UNIT_PARENTS = {
    "Department": ORG_TYPES,
    "Platform": ORG_TYPES - {"Park"},
    "ResearchInstitute": ORG_TYPES - {"Park", "Government"},
    "Company": {"University", "Company", "ResearchInstitute", "Platform"},
    "Government": {"Park", "Government"},
    "Park": {"Park"},
    "University": set(),
    "Organization": ORG_TYPES,
}
#: A company's legal form (kg/data/legal_forms.txt): 某集团有限公司 is 某集团 itself.
LEGAL_FORMS = frozenset(_words("legal_forms.txt"))


def _named_founder(built: dict, ms: list[dict]) -> dict | None:
    """The university of the sentence whose short name opens ``built``'s name
    after its place (浙江大学 for 湖州浙大协同创新研究院), or None."""
    rest = strip_place(built["name"])
    if rest == built["name"]:
        return None
    shorts = load().universities
    return next((m for m in ms if m["type"] == "University" and m is not built
                 and any(rest.startswith(s) for s in shorts.get(m["name"], ()))), None)


def rule_part_of(text, mentions, ms, ctx):
    """A unit named after its parent (西安交通大学化学学院 → 西安交通大学),
    a team after its school; the parent is the longest organisation that
    starts the name."""
    out = []
    for m in mentions:
        if m["type"] not in ORG_TYPES | {"Team"}:
            continue
        if m["type"] == "Team" and m.get("org"):
            parent = next((p for p in mentions if p["start"] == m["org"]["start"]
                           and p["end"] == m["org"]["end"]), m["org"])
            out.append(_rel(m, "partOf", parent, "团队", 0.8))
            continue
        if m.get("suffix") in ("管委会", "党工委", "管理委员会"):
            continue
        if m.get("parent"):  # a unit named without its parent in a chain of posts
            out.append(_rel(m, "partOf", m["parent"], m["parent"]["text"], 0.7))
            continue
        if m["text"] != m["name"]:
            continue  # named by an alias: its words say nothing about its parent
        parents = [p for p in mentions if p is not m and p["start"] == m["start"]
                   and p["end"] < m["end"] and p["type"] in ORG_TYPES]
        zone = next((z for z in ZONES if m["name"].startswith(z)), None)
        if not parents and zone and m["type"] == "Government":
            earlier = sorted((p for p in mentions if p["end"] <= m["start"]), key=lambda p: p["start"])
            host = zones_of(earlier).get(zone) or ctx.zones.get(zone)
            if host is not None:
                out.append(_rel(m, "partOf", host, zone, 0.6))  # 高新区某局: the zone's
                continue
        if not parents:
            continue
        parent = max(parents, key=lambda p: p["end"])
        if parent["name"] == m["name"]:
            continue
        remainder = m["text"][parent["end"] - m["start"]:]
        if remainder[:1] in "—–-·":
            continue  # a joint name (甲大学—乙区人才驿站) is not a unit of either
        if parent["type"] not in UNIT_PARENTS.get(m["type"], ()):
            continue  # 广州开发区投资集团 is a firm named after its owner, not a unit
        if m["type"] == "Park" and not parent["name"].endswith(ZONES):
            continue  # 天安智谷科技产业园 is 天安智谷 itself, not a part of it
        if remainder in LEGAL_FORMS or re.match(r"[\d一二两三四五六七八九十]+[个家所项批]|第.批", remainder):
            continue  # X集团有限公司 is X集团 itself; 某大学三所研究院 counts, it does not name
        lex = load()
        if m["type"] in ("Platform", "ResearchInstitute") and parent["type"] == "University" and (
                remainder.startswith(lex.places) or remainder[:1] in "（(") and \
                not re.search(r"分(中心|院|部|公司)$", m["name"]):
            continue  # 某大学（某地）研究院: co-built in another place, not a unit
        out.append(_rel(m, "partOf", parent, parent["text"], 0.75))
    return out


#: A place that starts a name (青山县卫健局, 某经济技术开发区管委会);
#: levels and zones from :file:`kg/data/place_levels.tsv`.
PLACE_PREFIX = place_levels().place_prefix


def rule_part_of_document(text, mentions, ms, ctx):
    """A unit whose parent the document names elsewhere, not inside the
    unit's own mention:

    * its name starts with another entity of the document (某农科院作物研究
      中心 → 某农科院; 某银行高新支行 → 某银行), of a type that can own it
      and not a place or a government (whose bodies the gold files of
      different articles attach differently);
    * a department named without any parent (科研处, 机械学院) in a
      university's own news belongs to that university.
    """
    out = []
    for m in ms:
        if m["type"] not in ORG_TYPES or m["text"] != m["name"] or m.get("source") == "self":
            continue
        if any(p is not m and p["start"] == m["start"] and p["end"] < m["end"] and p["type"] in ORG_TYPES
               for p in mentions):
            continue   # rule_part_of reads the parent inside the name
        name = m["name"]
        parent = None
        place = PLACE_PREFIX.match(name)
        prefixes = [n for n, t in ctx.names.items() if n != name and len(n) >= 4 and name.startswith(n)
                    and t in UNIT_PARENTS.get(m["type"], ()) and t != "Government"
                    and not PLACE_PREFIX.fullmatch(n)]
        if prefixes:
            best = max(prefixes, key=len)
            rest = name[len(best):]
            if len(rest) >= 2 and rest not in LEGAL_FORMS and rest[:1] not in "—–-·（(" \
                    and not rest.startswith(ZONES) and not rest.endswith(("(筹)", "（筹）")):
                parent = {"name": best, "type": ctx.names[best]}
        if parent is None and m["type"] == "Department" and ctx.own is not None and not place \
                and not prefixes and ctx.own["name"] != name:
            parent = ctx.own
        if parent is not None and parent["name"] != name:
            out.append(_rel(m, "partOf", parent, "", 0.6))
    return out


def rule_subsidiary(text, mentions, ms, ctx):
    """``A是B的(全资/控股)子公司/分公司/下属企业``, ``B旗下的A``, and
    ``作为B的主园区/核心区，A…`` for parks."""
    out = []
    for match in re.finditer(r"作为([^，。]{2,30}?)的(主园区|核心区|分园|园区之一|组成部分)，", text):
        whole = next((m for m in ms if m["start"] == match.start(1) and m["end"] == match.end(1)), None)
        part = next((m for m in ms if m["start"] == match.end() and m["type"] in ORG_TYPES), None)
        if whole and part:
            out.append(_rel(part, "partOf", whole, match.group(2), 0.7))
    for match in re.finditer(r"(的)?(全资|控股)?(子公司|分公司|下属企业|下属单位|二级单位)", text):
        parent = next((m for m in reversed(ms) if m["end"] == match.start() and m["type"] in ORG_TYPES), None)
        if parent is None:
            continue
        child = next((m for m in reversed(ms) if m["end"] <= parent["start"] and m["type"] in ORG_TYPES
                      and re.fullmatch(r"(是|为|系)", text[m["end"]:parent["start"]])), None)
        if child:
            out.append(_rel(child, "partOf", parent, match.group().lstrip("的"), 0.8))
    for match in re.finditer(r"旗下(的)?", text):
        parent = next((m for m in reversed(ms) if m["end"] == match.start() and m["type"] in ORG_TYPES), None)
        child = next((m for m in ms if m["start"] == match.end() and m["type"] in ORG_TYPES), None)
        if parent and child:
            out.append(_rel(child, "partOf", parent, "旗下", 0.75))
    return out


def rule_affiliated(text, mentions, ms, ctx):
    """Organisation–title–person apposition: ``陕西理工大学党委常委、副校长王磊``,
    including chains ``A公司总经理、B中心主任殷晓练`` and team leaders."""
    lex = load()
    out = []
    orgs = [m for m in mentions if m["type"] in ORG_TYPES]
    carried = None   # the organisation of the last person of a list of posts
    for person in sorted((m for m in mentions if m["type"] == "Person"), key=lambda m: m["start"]):
        before = len(out)
        titles_seen = _titles_before(text, person["start"], lex)
        if person.get("source") == "team":
            team = next((t for t in mentions if t["type"] == "Team"
                         and t.get("leader_start") == person["start"]), None)
            if team and team.get("org"):
                org = team["org"]
                org = next((o for o in orgs if o["start"] == org["start"] and o["end"] == org["end"]), org)
                out.append(_rel(person, "affiliatedWith", org, team.get("title") or "团队", 0.8,
                                team.get("title") or None))
            continue
        pos = person["start"]
        titles: list[str] = []
        while pos > 0:
            title = next((t for t in lex.titles if text.startswith(t, pos - len(t))), None)
            if title:
                # 某科学城党工委书记: the committee named by the title's head is
                # the organisation, 书记 the title
                inner = max((o for o in orgs if o["type"] == "Government"
                             and o["start"] < pos - len(title) < o["end"] < pos
                             and text[o["end"]:pos] in lex.titles),
                            key=lambda o: o["end"] - o["start"], default=None)
                if inner is not None:
                    title = text[inner["end"]:pos]
                titles.insert(0, title)
                pos -= len(title)
                org = max((o for o in orgs if o["end"] == pos), key=lambda o: o["end"] - o["start"],
                          default=None)
                if org is not None:
                    government = _government_of_committee(org, titles, ctx)
                    if government is not None:   # 市委副书记、市长: two posts, two bodies
                        heads = [t for t in titles if HEAD_TITLE.match(t)]
                        titles = [t for t in titles if not HEAD_TITLE.match(t)]
                        out.append(_rel(person, "affiliatedWith", government, heads[-1], 0.8,
                                        "、".join(heads)))
                    if titles:
                        out.append(_rel(person, "affiliatedWith", org, titles[-1], 0.85, "、".join(titles)))
                    titles = []
                    pos = org["start"]
                    if pos > 0 and text[pos - 1] == "、":
                        pos -= 1
                        continue
                    break
                if not titles[1:]:
                    org = _org_before_title_modifier(text, pos, orgs)
                    if org is not None:
                        title = text[org["end"]:pos] + titles[0]
                        out.append(_rel(person, "affiliatedWith", org, title, 0.75, title))
                        break
                bare = next((s for s in ("管委会", "党工委", "公司", "集团") if text.startswith(s, pos - len(s))), None)
                if bare and bare in ("公司", "集团") and text.startswith("该", pos - len(bare) - 1):
                    target = ctx.last.get("Company")
                    if target:
                        out.append(_rel(person, "affiliatedWith", target, titles[-1], 0.7, "、".join(titles)))
                    break
                if bare in ("公司", "集团") and (pos == len(bare) or text[pos - len(bare) - 1] in "，。；、,;:： "):
                    firms = [n for n, t in ctx.names.items() if t == "Company" and n.endswith(bare) and n != bare]
                    if len(firms) == 1:   # 集团党委书记某某 in an article about one 某某集团
                        out.append(_rel(person, "affiliatedWith", {"name": firms[0], "type": "Company"},
                                        titles[-1], 0.65, "、".join(titles)))
                        break
                if bare:
                    titles[0] = bare + titles[0]
                    pos -= len(bare)
                if pos > 0 and text[pos - 1] == "、":
                    pos -= 1
                    titles.insert(0, "、")
                    titles = [t for t in titles if t != "、"]
                    continue
                break
            break
        if len(out) > before:
            carried = (out[-1], person["end"])
            continue
        out.extend(_affiliation_fallback(text, person, orgs, titles_seen, carried, ctx, lex))
        if len(out) > before:
            carried = (out[-1], person["end"])
    out.extend(_second_identity(text, mentions, orgs, lex))
    # 某公司创始人王某: the founder's post says who founded the firm
    out.extend(dict(r, predicate="founded", title=None) for r in list(out)
               if re.search(r"创始人|创办人", r.get("title") or "")
               and r["object_type"] in ("Company", "Organization", "ResearchInstitute", "Platform"))
    return out


#: The head of a government (市长, 常务副县长), as against a post in its
#: party committee; the titles from :file:`kg/data/place_levels.tsv`.
HEAD_TITLE = place_levels().head_title
#: A party committee named after its place (青山市委, 某县委).
COMMITTEE = place_levels().committee


def _government_of_committee(org: dict, titles: list[str], ctx) -> dict | None:
    """The government of a party committee's place when a chain of titles
    after the committee holds a head-of-government post as well
    (``青山市委副书记、市长``): the post is in the government the document
    names (青山市, 青山市人民政府), not in the committee."""
    if org["type"] != "Government" or not any(HEAD_TITLE.match(t) for t in titles):
        return None
    match = COMMITTEE.search(org["name"])
    if match is None:
        return None
    place = org["name"][:match.start()]
    for name in (place, *(place + body for body in place_levels().governments)):
        if ctx.names.get(name) == "Government":
            return {"name": name, "type": "Government"}
    return None


#: A bare level body before a chain of titles (市委副书记, 县政府副县长).
BARE_BODY = place_levels().bare_body


def _body_of_level(level: str, committee: bool, ctx) -> dict | None:
    """The one committee (``某县委``) or government (``某县人民政府``,
    ``某县政府``, ``某县``) of a level the document names; ``None`` when it
    names none or several. A place's own name has two characters at least
    before its level; a bare place ending like a level but naming none
    (某某新区: ``@not_a_place`` in kg/data/place_levels.tsv) is no body."""
    places = place_levels()
    for tail in places.bare_committees if committee else (*places.governments, ""):
        found = [n for n, t in ctx.names.items() if t == "Government"
                 and len(n) >= 2 + len(level) + len(tail)
                 and n.endswith(level + tail) and not BARE_BODY.fullmatch(n)
                 and (tail or not n.endswith(places.not_places))]
        if len(found) == 1:
            return {"name": found[0], "type": "Government"}
        if found:
            return None
    return None


def _bodies_of_bare_posts(text, person, titles, ctx) -> list[dict]:
    """Posts named by level only (``市委副书记、市长甲``, ``县委书记乙``,
    ``副市长丙``): each goes to the body of that level the document names —
    the committee for party posts, the government for 市长/县长 — when the
    document names exactly one."""
    if not titles:
        return []
    start = person["start"] - len("".join(titles))
    start -= text.count("、", start, person["start"])
    bare = BARE_BODY.search(text, max(0, start - 4), start)
    out = []
    heads = [t for t in titles if HEAD_TITLE.match(t)]
    party = [t for t in titles if not HEAD_TITLE.match(t)]
    if bare is not None and bare.end() == start:
        committee = bare.group("body") in place_levels().bare_committees
        level = bare.group("level")
        if committee and party:
            body = _body_of_level(level, True, ctx)
            if body:
                out.append(_rel(person, "affiliatedWith", body, party[-1], 0.6, "、".join(party)))
        elif not committee:
            heads, party = titles, []
        if heads:
            body = _body_of_level(level, False, ctx)
            if body:
                out.append(_rel(person, "affiliatedWith", body, heads[-1], 0.6, "、".join(heads)))
        return out
    if heads and not party:
        level = place_levels().head_level[HEAD_TITLE.match(heads[0]).group("head")]
        body = _body_of_level(level, False, ctx)
        if body:
            out.append(_rel(person, "affiliatedWith", body, heads[-1], 0.55, "、".join(heads)))
    return out


def _titles_before(text: str, pos: int, lex) -> list[str]:
    """The chain of titles ending at ``pos`` (党委副书记、院长), nearest last."""
    titles = []
    while pos > 0:
        title = next((t for t in lex.titles if text.startswith(t, pos - len(t))), None)
        if title is None:
            break
        titles.insert(0, title)
        pos -= len(title)
        if pos > 0 and text[pos - 1] == "、":
            pos -= 1
    return titles


@lru_cache(maxsize=1)
def _own_titles() -> frozenset[str]:
    return frozenset(_words("own_titles.txt"))


#: Titles of a government post, which a list of company posts does not carry
#: (levels with the role ``post`` in :file:`kg/data/place_levels.tsv`).
PLACE_TITLE = place_levels().place_title


#: What may stand between two names that share the post before the first
#: (副校长甲、乙).
SHARED_POST = frozenset({"、", "和", "及"})


def _affiliation_fallback(text, person, orgs, titles, carried, ctx, lex) -> list[dict]:
    """A person's organisation when no organisation stands before their
    titles:

    * ``某研究院张三院士`` — the organisation right before the name and a
      title right after it;
    * ``A公司党委书记甲，总裁乙，董事丙`` — a list of posts carries the
      organisation of its first person to the next ones (not to a
      government post, and not past a clause with its own verb);
    * ``党委副书记、院长乙`` in a university's own news — the article's own
      institution, for the posts of :file:`kg/data/own_titles.txt`.
    """
    after = next((t for t in lex.titles if text.startswith(t, person["end"])), None)
    org = max((o for o in orgs if o["end"] == person["start"]), key=lambda o: o["end"] - o["start"],
              default=None)
    if org is not None and after and not titles:
        out = [_rel(person, "affiliatedWith", org, after, 0.7, after)]
        pos = org["start"]
        if text[pos - 1:pos] == "、":   # 甲大学副校长、乙院某某院士: the first post too
            first = _titles_before(text, pos - 1, lex)
            start = pos - 1 - len("".join(first)) - (len(first) - 1)
            other = max((o for o in orgs if o["end"] == start), key=lambda o: o["end"] - o["start"],
                        default=None)
            if first and other is not None:
                out.append(_rel(person, "affiliatedWith", other, first[-1], 0.65, "、".join(first)))
        return out
    if not titles:
        # 副校长甲、乙: a name listed right after a titled one shares the post
        if carried is not None and text[carried[1]:person["start"]] in SHARED_POST \
                and not any(text.startswith(t, person["end"]) for t in lex.titles):
            prev = carried[0]
            target = {"name": prev["object"], "type": prev["object_type"]}
            return [_rel(person, "affiliatedWith", target, prev["trigger"], 0.6, prev.get("title"))]
        return []
    title = "、".join(titles)
    gap = text[carried[1]:person["start"] - len("".join(titles))] if carried else ""
    if carried is not None and re.fullmatch(r"[，、,\s]*", gap) and not PLACE_TITLE.match(titles[0]):
        prev = carried[0]
        target = {"name": prev["object"], "type": prev["object_type"]}
        return [_rel(person, "affiliatedWith", target, titles[-1], 0.65, title)]
    bodies = _bodies_of_bare_posts(text, person, titles, ctx)
    if bodies:
        return bodies
    if ctx.own is not None and any(t in _own_titles() for t in titles) and \
            not any(o["end"] <= person["start"] for o in orgs if not CLAUSE_END.search(text, o["end"], person["start"])):
        return [_rel(person, "affiliatedWith", ctx.own, titles[-1], 0.6, title)]
    return []


#: A person's other post named after them: 王某还有另外一个身份——某公司总经理.
IDENTITY = re.compile(r"(身份|职务)(是|为|——|—|：|:)")


def _second_identity(text, mentions, orgs, lex):
    """``P…身份——A总经理``: the organisation and title after 身份 are P's."""
    out = []
    for match in IDENTITY.finditer(text):
        org = next((o for o in orgs if o["start"] == match.end()), None)
        person = max((m for m in mentions if m["type"] == "Person" and m["end"] <= match.start()),
                     key=lambda m: m["end"], default=None)
        if org is None or person is None or CLAUSE_END.search(text, person["end"], match.start()):
            continue
        title = next((t for t in lex.titles if text.startswith(t, org["end"])), None)
        if title:
            out.append(_rel(person, "affiliatedWith", org, match.group(1), 0.7, title))
    return out


@lru_cache(maxsize=1)
def _title_modifier_words() -> frozenset[str]:
    return frozenset(_words("title_modifiers.txt"))


#: Dictionary tags of words that may qualify a title (nouns, verbal nouns,
#: adjectives, abbreviations).
MODIFIER_TAGS = frozenset({"n", "nz", "vn", "an", "a", "j", "b", "nt"})


def _org_before_title_modifier(text: str, pos: int, orgs: list) -> dict | None:
    """The organisation just before a title's qualifier (``东岭研究院`` in
    ``东岭研究院产业发展研究总监``, ``pos`` at 总监), or None.

    The qualifier is 2–12 Chinese characters whose words are all nouns or
    field words (:data:`MODIFIER_TAGS`, ``kg/data/title_modifiers.txt``),
    so ``东岭大学邀请的项目总监`` does not count.
    """
    org = max((o for o in orgs if 2 <= pos - o["end"] <= 12), key=lambda o: o["end"], default=None)
    if org is None or any(org["end"] < o["start"] < pos for o in orgs):
        return None
    modifier = text[org["end"]:pos]
    if not all("\u4e00" <= c <= "\u9fff" for c in modifier):
        return None
    tags, fields = _segmenter_tags(), _title_modifier_words()
    for word in jieba.lcut(modifier):
        if word not in fields and tags.get(word) not in MODIFIER_TAGS:
            return None
    return org


@lru_cache(maxsize=1)
def _segmenter_tags() -> dict:
    return segmenter_tags()


def rule_leads(text, mentions, ms, ctx):
    """The person a team is named after leads it (``孙杨教授团队``), and
    ``P(院士/教授)领衔/带领的T`` or ``P带领T``."""
    out = []
    for cue in re.finditer(r"(领衔|带领|率领|牵头)(的)?", text):
        team = next((m for m in ms if m["type"] in ("Team", "Organization") and 0 <= m["start"] - cue.end() <= 8
                     and not CLAUSE_END.search(text[cue.end():m["start"]])), None)
        person = next((m for m in reversed(ms) if m["type"] == "Person" and m["end"] <= cue.start()
                       and cue.start() - m["end"] <= 3), None)
        if team and person:
            out.append(_rel(person, "leads", team, cue.group(1), 0.75))
    for team in (m for m in mentions if m["type"] == "Team"):
        leader = next((p for p in mentions if p["type"] == "Person"
                       and p["start"] == team.get("leader_start")), None)
        if leader:
            out.append(_rel(leader, "leads", team, team.get("title") or "团队", 0.85))
    return out


def _built_after(ms, text, pos, stop) -> list[dict]:
    """Platforms, institutes or parks listed right after a build verb
    (``共建Y``, ``共建的Y``, ``打造了Y、Z``)."""
    built = _list_after(ms, text, pos, BUILT_TYPES, stop)
    if not built:
        return []
    gap = text[pos:built[0]["start"]]
    if CLAUSE_END.search(gap) or len(gap) > 6 and not SIZED.match(gap) or gap.startswith("是"):
        return []
    return built


#: A size between a build verb and what is built (设立了总规模10亿元的Y).
SIZED = re.compile(r"了?(?:一[个只家座])?(?:总?(?:规模|投资|面积|占地)(?:达|为|约|超)?)?[\d.]+\s*[万亿]?"
                   r"(?:元|美元|平方米|平方公里|亩)的$")


#: ``加快/推进/强化 A、B等…建设``: the subject builds A and B.
PROMOTE_BUILD = re.compile(r"(加快|推进|推动|强化|加强|支持|完成)([^，。；]{2,60}?)(等[^，。；]{0,12})?(建设|的建设)")


def rule_builds(text, mentions, ms, ctx):
    """``(Y)由A、B、C三方合作共建(Y)``, ``A(与B)共建/成立/打造…Y``, ``A与B共建的Y``.

    A place introduced by 在 is where Y is built, not a builder
    (``A在P设立Y`` gives ``Y locatedIn P``).
    """
    out = []
    for trig in _triggers(text, "builds", ms):
        if text.startswith(("为", "成为"), trig.end()):
            continue    # 创建为某级高新区: a designation won, nothing built
        cstart, cend = _clause(text, trig.start())
        by = text.rfind("由", cstart, trig.start())
        builders: list[dict] = []
        built = _built_after(ms, text, trig.end(), cend)
        if by >= 0:
            builders = _list_after(ms, text, by + 1, ORG_TYPES, trig.start())
            if not built:
                before = [m for m in ms if m["end"] <= by and m["type"] in BUILT_TYPES]
                if not before and "Platform" in ctx.last and re.search(
                        r"该(平台|中心|研究院|院|基地|实验室)", text[cstart:by]):
                    before = [ctx.last["Platform"]]     # 该中心由B建设
                built = before[-1:]
        elif built:
            heads = [m for m in ms if cstart <= m["start"] and m["end"] <= trig.start()
                     and m["type"] in ORG_TYPES]
            places = [m for m in heads if text[m["start"] - 1:m["start"]] == "在"]
            heads = [m for m in heads if m not in places]
            for place in places:
                for y in built:
                    out.append(_rel(y, "locatedIn", place, "在", 0.6))
            if heads:
                builders = _list_before(ms, text, heads[-1]["end"], ORG_TYPES) or heads[-1:]
                partner = re.search(r"(与|和|同|联合|携手|会同)$", text[:builders[0]["start"]])
                if partner:
                    builders = _list_before(ms, text, partner.start(), ORG_TYPES) + builders
            else:
                first = [m for m in ms if m["end"] <= trig.start() and m["type"] in ORG_TYPES]
                subject = first[0] if first else ctx.last.get("Park")
                project = [p for p in PROJECT_SUBJECT.finditer(text, 0, trig.start())
                           if not first or p.start() >= first[0]["end"]]
                if project or subject is not None and subject["name"] in {y["name"] for y in built}:
                    subject = None  # 项目…将建设B: the project's owner builds; a park never builds itself
                builders = [subject] if subject else []
            parties = re.search(r"([双两三])方", text[cstart:trig.start()])
            if parties:
                count = 3 if parties.group(1) == "三" else 2
                named = [m for m in ms if m["end"] <= trig.start() and m["type"] in ORG_TYPES
                         and not _renames(m, ms, text)]
                builders = named[-count:] if len(named) >= count else ctx.parties(count)
        for b in builders:
            for y in built:
                if b["name"] != y["name"]:
                    out.append(_rel(b, "builds", y, trig.group(), 0.75))
        for y in built:
            founder = next((m for m in mentions if m["start"] == y["start"] and m["end"] < y["end"]
                            and m["type"] == "University"), None) or _named_founder(y, ms)
            if founder:
                out.append(_rel(founder, "builds", y, trig.group(), 0.6))
    for match in PROMOTE_BUILD.finditer(text):
        built = [m for m in ms if match.start(2) <= m["start"] and m["end"] <= match.end(2)
                 and m["type"] in BUILT_TYPES]
        heads = [m for m in ms if m["end"] <= match.start() and m["type"] in ORG_TYPES]
        builder = heads[0] if heads else ctx.last.get("Park")
        for y in built:
            if builder and builder["name"] != y["name"]:
                out.append(_rel(builder, "builds", y, match.group(1), 0.6))
    return out


#: An agreement to build what it names: 签署共建X(合作)协议, 签署X建设协议.
AGREEMENT = re.compile(r"(合作)?(框架)?(协议|合同)")
BUILD_AGREEMENT = re.compile(r"(建设|共建)(合作)?(框架)?(协议|合同)")
BUILD_BEFORE = re.compile(r"(共建|共同建设|合作建设|建设)$")


def rule_signs(text, mentions, ms, ctx):
    """``A(、B)与C(正式)签约/签署/签订`` gives each left party signsWith C; the
    quoted projects of the sentence are the parties' projects, and what an
    agreement to build names (签署共建X协议) is built by both."""
    out = []
    for trig in _triggers(text, "signsWith", ms):
        head = text[:trig.start()]
        conj = max(head.rfind("与"), head.rfind("和"))
        host = ctx.signing_host()
        if conj < 0 and host is not None and not any(m["type"] == "Event" for m in ms):
            # 签约的项目包括A、B…: each signs with the ceremony's host
            for party in (m for m in ms if m["type"] in ("Company", "University", "ResearchInstitute")):
                if party["name"] != host["name"]:
                    out.append(_rel(party, "signsWith", host, trig.group(), 0.55))
            for project in (m for m in ms if m["type"] == "Project" and m.get("source") != "list"):
                out.append(_rel(host, "hasProject", project, trig.group(), 0.55))
            continue
        if conj < 0:
            continue
        right = _list_after(ms, text, conj + 1, PARTY_TYPES - {"Person"}, trig.start())
        if not right:
            continue
        other = right[0]
        cstart = max((m.end() for m in SENTENCE_PART.finditer(text, 0, conj)), default=0)
        left = [m for m in ms if m["end"] <= conj and m["start"] >= cstart
                and m["type"] in PARTY_TYPES - {"Person"}]
        left = [m for m in left if not any(o is not m and o["type"] == "Team" and o["start"] <= m["start"]
                                           and m["end"] <= o["end"] for o in left)]
        if left and any(m["type"] == "Team" for m in left):
            left = [m for m in left if m["type"] == "Team"]
        elif left:
            left = left[-1:]
        for party in left:
            for counterpart in right:
                if party["name"] != counterpart["name"]:
                    out.append(_rel(party, "signsWith", counterpart, trig.group(), 0.8))
        part_end = next((m.start() for m in SENTENCE_PART.finditer(text, trig.end())), len(text))
        for built in (m for m in mentions if m["type"] in BUILT_TYPES and trig.end() <= m["start"] < part_end):
            before = text[max(0, built["start"] - 6):built["start"]].rstrip("“《")
            after = text[built["end"]:built["end"] + 12].lstrip("”》")
            if BUILD_AGREEMENT.match(after) or BUILD_BEFORE.search(before) and AGREEMENT.match(after):
                for party in left + right:   # A与B签署共建X协议 / 签署X建设协议
                    out.append(_rel(party, "builds", built, trig.group(), 0.6))
        for project in (m for m in ms if m["type"] == "Project" and cstart <= m["start"] < part_end
                        and not JOINT.search(text[max(0, m["start"] - 4):m["start"]])):
            out.append(_rel(other, "hasProject", project, trig.group(), 0.6))
            if project["start"] > other["end"]:  # A与B签约“P”项目: both parties'
                for party in left:
                    out.append(_rel(party, "hasProject", project, trig.group(), 0.6))
    return out


#: What may stand between a party and its project: ``X项目“P”``, ``X的P``,
#: ``X带来的“P”项目``, ``X自主研发的产品“P”``.
OWNER_GAP = re.compile(r"(的|项目|(?:自主)?研发的?|带来了?的?|推出了?的?|发布了?的?|承担的?|"
                       r"[^，。；“”]{0,8}产品|(?:项目)?“[^”]*”[、和及]?)*")


JOINT = re.compile(r"(共建|合作|联合开发|共同研发|联合研发|合作开发)$")


def rule_joint_project(text, mentions, ms, ctx):
    """``A与B共建/合作“Q”``: A and B agree on Q (signsWith), and Q is a
    project of both (or a platform they build)."""
    out = []
    for quoted in (m for m in ms if m.get("source") == "quote" and m["type"] in ("Project", "Platform")):
        verb = JOINT.search(text[max(0, quoted["start"] - 4):quoted["start"]])
        if not verb:
            continue
        pivot = quoted["start"] - len(verb.group())
        b = next((m for m in reversed(ms) if m["end"] == pivot and m["type"] in ORG_TYPES), None)
        if b is None or text[b["start"] - 1:b["start"]] not in "与和同":
            continue
        a = next((m for m in reversed(ms) if m["end"] == b["start"] - 1 and m["type"] in ORG_TYPES), None)
        if a is None:
            continue
        out.append(_rel(a, "signsWith", b, verb.group(), 0.6))
        predicate = "hasProject" if quoted["type"] == "Project" else "builds"
        for party in (a, b):
            out.append(_rel(party, predicate, quoted, verb.group(), 0.6))
    return out


def rule_has_project(text, mentions, ms, ctx):
    """``团队项目“P”``, ``X的P项目``, and a project named after its company."""
    out = []
    projects = [m for m in ms if m["type"] == "Project"]
    for project in projects:
        owner = None
        for m in reversed(ms):
            if m["end"] > project["start"] or m["type"] not in PARTY_TYPES - {"Person"}:
                continue
            gap = text[m["end"]:project["start"]]
            located = text[max(0, m["start"] - 2):m["start"]].endswith(("位于", "在"))
            if OWNER_GAP.fullmatch(gap) and not located:
                owner = m
            break
        if owner is not None:
            out.append(_rel(owner, "hasProject", project, "项目", 0.7))
    for match in re.finditer(r"由([^，。；]{2,40}?)(?:自主)?(研发|研制|开发|承担|实施)", text):
        maker = next((m for m in reversed(ms) if match.start(1) <= m["start"] and m["end"] <= match.end(1)
                      and m["type"] in PARTY_TYPES - {"Person"}), None)
        made = next((m for m in reversed(ms) if m["end"] <= match.start() and m["type"] == "Project"), None)
        if made is None and re.search(r"该(项目|产品|技术)", text[:match.start()]) and "Project" in ctx.last:
            made = ctx.last["Project"]
        if maker and made:
            out.append(_rel(maker, "hasProject", made, match.group(2), 0.65))
    for project in (m for m in ms if m["type"] == "Project"):
        verb = re.search(r"(实施|启动|推出|发起|开展|承担)(了)?$", text[:project["start"]])
        nearest = _subject(ms, text, verb.start(), ORG_TYPES, ctx, 0) if verb else None
        if nearest is not None:
            for subject in _list_before(ms, text, nearest["end"], ORG_TYPES) or [nearest]:
                out.append(_rel(subject, "hasProject", project, verb.group(1), 0.6))
    for project in (m for m in mentions if m["type"] == "Project"):
        company = next((m for m in mentions if m["start"] == project["start"] and m["end"] < project["end"]
                        and m["type"] in ORG_TYPES), None)
        if company:
            out.append(_rel(company, "hasProject", project, "项目", 0.7))
    return out


SPEAKER = re.compile(r"(表示|说|认为|介绍|指出|强调)")


#: What stands between the last appointee and the post (被聘为, 正式受聘担任,
#: 为 of 聘任X为); the verbs are those of kg/data/appoint_cues.tsv.
APPOINT_TAIL = re.compile(rf"[^，。；]{{0,8}}?({appoint_cues('appointee')})|为")


def rule_appointed(text, mentions, ms, ctx):
    """Every person listed before ``获聘/聘任/担任`` holds the role after it;
    the organisation that starts the role's name owns the post."""
    out = []
    for role in (m for m in mentions if m["type"] == "Role"):
        persons = [m for m in ms if m["type"] == "Person" and m["end"] <= role["start"]
                   and not SPEAKER.match(text, m["end"])
                   and (text[m["end"]:m["end"] + 1] in "，、,和及与"
                        or APPOINT_TAIL.fullmatch(text, m["end"], role["start"]))]
        for person in persons:
            out.append(_rel(person, "appointedAs", role, role.get("trigger", "获聘"), 0.8))
        owner = role.get("owner")
        if owner:
            out.append(_rel(role, "roleOf", owner, role.get("trigger", "获聘"), 0.75))
    return out


#: A落户B (kg/data/located_cues.tsv, the ``verb`` cues).
LOCATED_VERB = re.compile(r"(正式|成功|顺利|已|将)?(" + "|".join(load().located["verb"]) + ")")
LOCATED_AT = re.compile(r"^在(?P<place>)")
#: A在B开工 (kg/data/located_cues.tsv, the ``event`` cues).
LOCATED_EVENT = re.compile(r"(正式)?(" + "|".join(load().located["event"]) + ")")
HOSTS = re.compile(r"(拥有|已汇聚|汇聚了?|集聚了?|聚集了?|建有|配套了?)")
PLACE_TYPES = frozenset({"Park", "Government"})
#: What is sited somewhere (a park inside a district too).
SITED_TYPES = (ORG_TYPES | {"Project", "Park"}) - {"Government"}


def rule_located(text, mentions, ms, ctx):
    """``A落户/入驻/位于B``, ``A在B挂牌成立/开工/奠基``, ``位于B的A``, ``在B挂牌成立的A``, and
    ``B(企业)A`` for a company named right after its park."""
    out = []
    for verb in LOCATED_VERB.finditer(text):
        place = next((m for m in ms if m["start"] >= verb.end() and m["start"] - verb.end() <= 2
                      and m["type"] in PLACE_TYPES), None)
        if place is None and verb.group(2) == "签约落户" and \
                (verb.end() == len(text) or text[verb.end()] in "，。；、"):
            place = ctx.last.get("Park")  # 某项目签约落户。: in the park the article is about
        if place is None:
            continue
        after = text[place["end"]:place["end"] + 1]
        if after == "的":
            thing = next((m for m in ms if m["start"] == place["end"] + 1
                          and m["type"] in ORG_TYPES | {"Project"} - PLACE_TYPES), None)
            if thing:
                out.append(_rel(thing, "locatedIn", place, verb.group(2), 0.75))
            continue
        cstart, _ = _clause(text, verb.start())
        things = _list_before(ms, text, verb.start(), ORG_TYPES | {"Project"}, cstart)
        if not things:
            subject = _subject(ms, text, verb.start(), ORG_TYPES | {"Project"}, ctx, cstart)
            things = [subject] if subject else []
        for thing in things:
            if thing["name"] != place["name"]:
                out.append(_rel(thing, "locatedIn", place, verb.group(2), 0.75))
    for match in re.finditer(r"在", text):
        place = next((m for m in ms if m["start"] == match.end() and m["type"] in PLACE_TYPES), None)
        if place is None:
            continue
        tail = LOCATED_EVENT.match(text, place["end"])
        if not tail:
            continue
        if text.startswith("的", tail.end()):   # 在B挂牌成立的A
            thing = next((m for m in ms if m["start"] == tail.end() + 1 and m["type"] in SITED_TYPES), None)
            if thing is not None and thing["name"] != place["name"]:
                out.append(_rel(thing, "locatedIn", place, tail.group(), 0.7))
            continue
        subject = _subject(ms, text, match.start(), ORG_TYPES | {"Project"}, ctx,
                           _clause(text, match.start())[0])
        if subject and subject["name"] != place["name"]:
            out.append(_rel(subject, "locatedIn", place, tail.group(), 0.7))
    for match in re.finditer(r"在", text):
        place = next((m for m in ms if m["start"] == match.end() and m["type"] in PLACE_TYPES), None)
        event = next((m for m in ms if m["end"] == match.start() and m["type"] == "Event"), None)
        if place is None or event is None or not re.match(r"(举行|举办|召开|开幕)", text[place["end"]:]):
            continue
        host = max((m for m in mentions if m["start"] == _after_year(event) and m["end"] < event["end"]
                    and m["type"] == "Park"), key=lambda m: m["end"], default=None)
        if host and host["name"] != place["name"]:
            out.append(_rel(host, "locatedIn", place, "举行", 0.6))
    for verb in HOSTS.finditer(text):
        cstart, cend = _clause(text, verb.start())
        host = _subject(ms, text, verb.start(), {"Park"}, ctx, 0)
        if host is None:
            continue
        end = len(text)
        for thing in (m for m in ms if m["start"] >= verb.end() and m["start"] < end):
            if thing["type"] in ("Company", "Platform", "ResearchInstitute", "Park", "Department") \
                    and thing["name"] != host["name"]:
                out.append(_rel(thing, "locatedIn", host, verb.group(), 0.6))
    generic = re.search(r"等(本|该)?(园区|合作区|高新区|开发区|科教城|产业园)(内)?(的)?", text)
    if generic and not any(m["start"] <= generic.start(2) < m["end"] for m in mentions) and "Park" in ctx.last:
        host = ctx.last["Park"]
        for thing in _list_before(ms, text, generic.start(), ORG_TYPES - {"Government"}):
            if thing["name"] != host["name"]:
                out.append(_rel(thing, "locatedIn", host, generic.group(2), 0.55))
    lead = re.match(r"在([^，。]{2,20})，", text)
    if lead:
        host = next((m for m in ms if m["start"] == 1 and m["type"] == "Park"), None)
        if host:
            for thing in ms:
                if thing["start"] > lead.end() and thing["type"] in ("Company", "Platform", "ResearchInstitute"):
                    out.append(_rel(thing, "locatedIn", host, "在", 0.6))
    out.extend(_park_of_place(text, ms))
    out.extend(_zone_firms(text, ms, ctx))
    for like in LIKE_THESE.finditer(text):  # 随着像A这样的企业发展壮大，P的产业…
        host = next((m for m in ms if m["type"] == "Park" and not like.start(1) <= m["start"] < like.end(1)), None)
        for thing in (m for m in ms if like.start(1) <= m["start"] and m["end"] <= like.end(1)
                      and m["type"] in ("Company", "Platform", "ResearchInstitute")):
            if host is not None:
                out.append(_rel(thing, "locatedIn", host, "像…这样的" + like.group(2), 0.55))
    for i, m in enumerate(ms[:-1]):
        nxt = ms[i + 1]
        if m["type"] == "Park" and nxt["type"] in ("Company", "Park", "Platform", "ResearchInstitute") \
                and text[m["end"]:nxt["start"]] in ("", "企业", "的", "内的"):
            out.append(_rel(nxt, "locatedIn", m, text[m["end"]:nxt["start"]] or "名", 0.65))
    return out


#: 像A、B这样的企业: examples of the firms of the park the sentence is about.
LIKE_THESE = re.compile(r"像([^，。；]{2,40}?)这样的?(企业|公司|平台|机构)")
#: 此次获奖的4家高新区企业: the firms just named belong to the zone.
ZONE_FIRMS = re.compile(r"[\d一二两三四五六七八九十]+\s*家(?P<zone>高新区|开发区|经开区|园区)(?:内)?企业")


def _zone_firms(text, ms, ctx):
    """``N家高新区企业`` after a sentence naming N firms: they are the zone's
    (``A、B…获奖。此次获奖的2家高新区企业均由…孵化``)."""
    match = ZONE_FIRMS.search(text)
    if match is None or any(m["type"] == "Company" and m["end"] <= match.start() for m in ms):
        return []
    zone = match.group("zone")
    host = ctx.last.get("Park") if zone == "园区" else ctx.zones.get(zone)
    firms = [m for m in ctx.previous if m["type"] == "Company"]
    if host is None or not firms:
        return []
    return [_rel(firm, "locatedIn", host, match.group(), 0.55) for firm in firms]


def _park_of_place(text, ms):
    """A park introduced as a part of a city: ``作为C的…主战场，P…`` and
    ``C是…城市，P则是其中…`` give ``P locatedIn C``."""
    out = []
    places = [m for m in ms if m["type"] == "Government" and m.get("source") == "place"]
    for place in places:
        park = None
        if text[place["start"] - 2:place["start"]] == "作为":
            comma = CLAUSE_END.search(text, place["end"])
            if comma and comma.group() in "，,":
                park = next((m for m in ms if m["start"] == comma.end() and m["type"] == "Park"), None)
        else:
            park = next((m for m in ms if m["start"] > place["end"] and m["type"] == "Park"
                         and re.match(r"(则|就)?是其中", text[m["end"]:])), None)
        if park is not None:
            out.append(_rel(park, "locatedIn", place, "作为" if text[place["start"] - 2:place["start"]] == "作为"
                            else "其中", 0.6))
    return out


#: Cooperation verbs whose object is the partner (联姻A、B, 携手A, 联合A开展…).
PARTNER_VERBS = frozenset({"联姻", "携手", "牵手", "联合", "对接"})


def rule_cooperates(text, mentions, ms, ctx):
    """``A与B、C等…合作``, ``A赴B洽谈合作``, ``依托B，A…``, ``A委托B``."""
    out = []
    for trig in _triggers(text, "cooperatesWith", ms):
        word = trig.group()
        cstart, cend = _clause(text, trig.start())
        if word in ("依托",):
            partner = _list_after(ms, text, trig.end(), ORG_TYPES, cend)
            subject = next((m for m in ms if m["start"] > cend and m["start"] <= cend + 2
                            and m["type"] in ORG_TYPES), None)
            if partner and subject:
                out.append(_rel(subject, "cooperatesWith", partner[0], word, 0.55))
            continue
        if word == "委托":
            a = _subject(ms, text, trig.start(), ORG_TYPES, ctx, cstart)
            b = _list_after(ms, text, trig.end(), ORG_TYPES, cend)
            if a and b:
                out.append(_rel(a, "cooperatesWith", b[0], word, 0.55))
            continue
        if word in PARTNER_VERBS:
            if word == "联合" and re.search(r"(举办|主办|承办|召开|举行)", text[trig.end():]):
                continue  # A联合B举办E: co-organisers, see rule_organizes
            a = _subject(ms, text, trig.start(), ORG_TYPES, ctx, cstart) or _subject(
                ms, text, trig.start(), ORG_TYPES, ctx, 0)
            if a is None and not text[:trig.start()].strip("，, "):
                a = ctx.last.get("Park")  # 联合某银行开展…: the article's park acts
            partners = _list_after(ms, text, trig.end(), ORG_TYPES, cend)
            if a and partners and partners[0]["start"] - trig.end() <= 2:
                for b in partners:
                    if a["name"] != b["name"]:
                        out.append(_rel(a, "cooperatesWith", b, word, 0.6))
                continue
        head = text[cstart:trig.start()]
        conj = re.search(r"(与|和|同|赴|携手)", head)
        if not conj or re.search(r"签约|签署|签订", text[cstart:cend]):
            continue  # a signing says more than cooperation (rule_signs)
        if word in ("合作", "共建") and text[trig.end():trig.end() + 1] == "“":
            continue  # A与B合作“Q”: see rule_joint_project
        pivot = cstart + conj.start()
        a = _subject(ms, text, pivot, ORG_TYPES, ctx, cstart)
        if a is None:
            a = _subject(ms, text, pivot, ORG_TYPES, ctx, 0)
        partners = _list_after(ms, text, pivot + len(conj.group()), ORG_TYPES, trig.start())
        if a is None or not partners:
            continue
        for b in partners:
            if a["name"] != b["name"]:
                out.append(_rel(a, "cooperatesWith", b, word, 0.6))
    return out


def _after_year(event: dict) -> int:
    """Where an event's name starts after a leading year (2021年, 2024)."""
    head = re.match(r"\d{4}\s*年?度?", event["text"])
    return event["start"] + (head.end() if head else 0)


#: ``由A主办，以“…”为主题的E``: the theme between organiser and event.
THEME_GAP = re.compile(r"^[，,]?\s*(以|围绕|聚焦)[^。；]{0,40}?(为)?(主题|主线)的?$")


def _province(name: str) -> bool:
    """A province (江苏省, 广东, 新疆维吾尔自治区): an event named after one
    (江苏省某某大会) is held in it, seldom by its government."""
    return name.endswith(place_levels().province_endings) or name in load().provinces


def rule_organizes(text, mentions, ms, ctx):
    """``A(联合B)举办/主办/承办/举行E``, ``由A主办的E``, and an event named
    after the government or park that holds it (``2021年某某区…签约仪式``)
    when no organiser is stated and the name is not a province's."""
    out = []
    for event in (m for m in ms if m["type"] == "Event" and m.get("source") == "event"):
        host = max((m for m in mentions if m["start"] == _after_year(event) and m["end"] < event["end"]
                    and (m["type"] == "Government" or m["name"].endswith(ZONES + ("园", "城")))
                    and not text.startswith(("二期", "三期", "一期", "项目"), m["end"])),
                   key=lambda m: m["end"], default=None)
        stated = re.search(r"(主办|承办|联合举办|举办)", text)
        if host and not stated and not _province(host["name"]):
            out.append(_rel(host, "organizes", event, "名", 0.55))
    for trig in _triggers(text, "organizes", ms):
        events = [m for m in ms if m["type"] == "Event" and 0 <= m["start"] - trig.end() <= 4]
        by = re.search(r"由([^，。]*)$", text[:trig.start()])
        if by and not events:
            events = [m for m in ms if m["type"] == "Event" and 0 <= m["start"] - trig.end() <= 3
                      or (m["type"] == "Event" and text[trig.end():m["start"]] == "的")
                      or (m["type"] == "Event" and m["start"] > trig.end()
                          and THEME_GAP.match(text[trig.end():m["start"]]))]
        if by and not events:  # 某峰会…，由A、B主办
            events = [m for m in ms if m["type"] == "Event" and m["end"] <= by.start()][-1:] or \
                ([ctx.recent_event(2)] if ctx.recent_event(2) else [])
            organisers = [m for m in ms if m["type"] in ORG_TYPES and by.start() < m["start"]
                          and m["end"] <= trig.start() and text[m["start"] - 1:m["start"]] != "在"]
            for org in organisers:
                for event in events:
                    out.append(_rel(org, "organizes", event, trig.group(), 0.7))
            continue
        if not events:
            continue
        cstart, _ = _clause(text, trig.start())
        organisers = [m for m in ms if m["type"] in ORG_TYPES and cstart <= m["start"] and m["end"] <= trig.start()
                      and text[m["start"] - 1:m["start"]] != "在"]
        if not organisers:  # A联合B，在P举办E
            organisers = [m for m in ms if m["type"] in ORG_TYPES and m["end"] <= trig.start()
                          and text[m["start"] - 1:m["start"]] != "在"][-3:]
        if not organisers and ctx.last.get("Park"):
            organisers = [ctx.last["Park"]]
        for org in organisers:
            for event in events:
                out.append(_rel(org, "organizes", event, trig.group(), 0.75))
    return out


#: Sentences after an event is named in which 此次活动/现场/…环节 still refer
#: to it: a report walks through the parts of one event (揭牌, 签约, 推介环节,
#: 路演环节) over a dozen sentences.
EVENT_SPAN = 12
#: Cues that say attendance by themselves, so that an event named in the
#: last sentences is the one attended.
STRONG_CUES = frozenset(_words("attendance_cues.txt"))
PARTICIPATE = re.compile(r"出席|莅临|参加|参与|见证|参会|亮相|带来|路演|聘任仪式上|启动仪式上|仪式上|活动现场|现场接受|"
                         r"^(峰会|会议|大会|论坛|洽谈会|对接会|推介会|发布会|博览会)(现场|期间|上)|^会上|"
                         r"斩获|荣获|获得?[^，。]{0,12}奖|邀请|发表了?感言|签约|颁发|致辞|作为(?=[^，。]{0,12}代表)|"
                         r"作了?[^，。]{0,30}(报告|演讲)|发表[^，。]{0,12}演讲")


def rule_participates(text, mentions, ms, ctx):
    """Persons and organisations that attend, witness or present at the
    event named in the sentence (or the current event of the document when
    the sentence says 此次活动/现场/仪式上)."""
    out = []
    cue = PARTICIPATE.search(text)
    if not cue:
        return out
    events = [m for m in ms if m["type"] == "Event"]
    event = events[0] if events else None
    if event is None and re.search(r"此次|本次|这次|活动|现场|仪式|峰会|会上|期间|环节|"
                                   r"(论坛|大会|会议|洽谈会|对接会|推介会|发布会|博览会)上", text):
        event = ctx.recent_event(EVENT_SPAN)
    if event is None and cue.group() in STRONG_CUES:
        event = ctx.recent_event(3)
    if event is None:
        return out
    organisers = {r["subject"] for r in rule_organizes(text, mentions, ms, ctx)}
    organisers |= {r["object"] for r in rule_affiliated(text, mentions, ms, ctx)}
    for m in ms:
        if m["type"] in ("Person", "Team", "University", "Company", "ResearchInstitute",
                         "Government", "Organization", "Platform") and m["name"] not in organisers:
            if m["type"] in ("Government", "Platform") and not re.search(r"见证|出席|参加|莅临", text):
                continue
            out.append(_rel(m, "participatesIn", event, cue.group(), 0.55))
    return out


def rule_supports(text, mentions, ms, ctx):
    """``在A(、B)(等部门)的支持/帮助下，…X``, ``得益于A的支持，X…`` and
    ``A(…资金)扶持/资助/支持B``."""
    out = []
    for verb in re.finditer(r"(扶持|资助|支持|帮扶)", text):
        if text.startswith(("下", "的"), verb.end()) or text[verb.start() - 1:verb.start()] == "的":
            continue
        backed = next((m for m in ms if m["start"] == verb.end() and m["type"] in ORG_TYPES), None)
        cstart = _clause(text, verb.start())[0]
        backer = next((m for m in ms if cstart <= m["start"] and m["end"] <= verb.start()
                       and m["type"] in ORG_TYPES), None)
        if backed and backer and backer["name"] != backed["name"]:
            out.append(_rel(backer, "supports", backed, verb.group(), 0.65))
    for match in re.finditer(r"(在|得益于)([^，。]{2,60}?)(等部门)?的(支持|帮助|扶持|资助)(下)?", text):
        supporters = [m for m in ms if m["start"] >= match.start(2) and m["end"] <= match.end(2)
                      and m["type"] in ORG_TYPES]
        if not supporters:
            continue
        supported = None
        before = [m for m in ms if m["end"] <= match.start() and m["type"] in ORG_TYPES]
        if before and re.search(r"(是|已|于)?$", text[before[-1]["end"]:match.start()]) and \
                len(text[before[-1]["end"]:match.start()]) <= 3:
            supported = before[-1]
        if supported is None:
            after = [m for m in ms if m["start"] >= match.end() and m["type"] in ORG_TYPES - {"Government"}]
            tail = text[match.end():match.end() + 8]
            if re.match(r"[，,]?(该?公司|企业)", tail) and "Company" in ctx.last:
                supported = ctx.last["Company"]
            elif after:
                supported = after[0]
            elif "Company" in ctx.last:
                supported = ctx.last["Company"]
        if supported is None:
            continue
        for s in supporters:
            if s["name"] != supported["name"]:
                out.append(_rel(s, "supports", supported, match.group(4), 0.65))
    out.extend(_support_thanked(text, ms, ctx))
    out.extend(_support_promised(text, ms, ctx))
    return out


#: ``对X(…)的(关心、)支持``: the backing someone is thanked for.
THANKED = re.compile(r"对([^，,。；]{1,30}?)的[^，,。；]{0,10}?(支持|帮助|扶持|资助)")
THANKS = re.compile(r"(感谢|感激|谢谢|致谢)")


#: The article's own kind of institution named by its kind alone after 对
#: (对学校发展的支持, 对研究院建设的支持).
OWN_KIND = re.compile(r"^(我校|本校|学校|校|我院|本院|学院|研究院|中心|公司)")


def _support_thanked(text, ms, ctx=None):
    """``(感谢)A、B对X(建设)的关心和支持``: each organisation before 对
    (after the thanks when there are some) supports the one after it; X
    named by its kind alone (对学校发展) is the article's own institution."""
    out = []
    for match in THANKED.finditer(text):
        supported = next((m for m in ms if m["start"] >= match.start(1) and m["end"] <= match.end(1)
                          and m["type"] in ORG_TYPES), None)
        if supported is None and ctx is not None and ctx.own is not None \
                and OWN_KIND.match(match.group(1)):
            supported = ctx.own
        if supported is None:
            continue
        thanks = [t.end() for t in THANKS.finditer(text, 0, match.start())]
        cstart = thanks[-1] if thanks else _clause(text, match.start())[0]
        for m in ms:
            if cstart <= m["start"] and m["end"] <= match.start() and m["type"] in ORG_TYPES \
                    and m["name"] != supported["name"]:
                out.append(_rel(m, "supports", supported, match.group(2), 0.6))
    return out


#: A government promising support to "the firms": 将与企业…，提供…支持 / 为企业给予…支持.
PROMISE = re.compile(r"(?:提供|给予)[^。；]{0,16}?(?:支持|扶持|保障)")


def _support_promised(text, ms, ctx):
    """``通过此次签约，G将与企业…提供/给予…支持``: the support goes to the
    companies named in the sentence before, when this one names none."""
    promise = PROMISE.search(text)
    if promise is None or "企业" not in text[:promise.start()] or \
            any(m["type"] == "Company" for m in ms):
        return []
    giver = next((m for m in ms if m["end"] <= promise.start() and m["type"] in ("Government", "Park")), None)
    firms = [m for m in ctx.previous if m["type"] == "Company"]
    return [_rel(giver, "supports", firm, promise.group(), 0.55) for firm in firms] if giver else []


def rule_incubates(text, mentions, ms, ctx):
    """``A孵化/培育了B、C和D`` for companies B, C, D, and ``B由A孵化``."""
    out = []
    for trig in _triggers(text, "incubates", ms):
        cstart = _clause(text, trig.start())[0]
        by = text.rfind("由", cstart, trig.start())
        if by < 0:
            continue
        incubator = next((m for m in ms if m["start"] > by and m["end"] <= trig.start()
                          and m["type"] in ORG_TYPES - {"Company"}), None)
        companies = [m for m in ms if m["end"] <= by and m["type"] == "Company"][-1:]
        if not companies and text[by - 1:by] in "均都皆":
            companies = [m for m in ctx.previous if m["type"] == "Company"]
        for company in companies if incubator else ():
            out.append(_rel(incubator, "incubates", company, trig.group(), 0.7))
    for trig in _triggers(text, "incubates", ms):
        companies = _list_after(ms, text, trig.end(), {"Company"}, len(text))
        if not companies or companies[0]["start"] - trig.end() > 3:
            continue
        subject = _subject(ms, text, trig.start(), ORG_TYPES - {"Company"}, ctx, 0)
        if subject is None:
            subject = ctx.last.get("Park")
        if subject is None:
            continue
        for company in companies:
            out.append(_rel(subject, "incubates", company, trig.group(), 0.65))
    out += _entered_incubator(text, ms)
    out += _incubated_among(text, ms, ctx)
    return out


#: 累计孵化企业120余家，其中A、B等…: the firms named after 其中 are among those incubated.
INCUBATED_AMONG = re.compile(r"孵化(?:了)?(?:科技型|高新技术|初创)?(?:企业|公司)[^，。；]{0,12}[，,]其中")


def _incubated_among(text, ms, ctx):
    """``该孵化器…孵化企业120余家，其中A、B等8家…``: the incubator (named or
    an anaphor) incubated the firms listed after 其中."""
    out = []
    for match in INCUBATED_AMONG.finditer(text):
        firms = _list_after(ms, text, match.end(), {"Company"}, len(text))
        if not firms or firms[0]["start"] - match.end() > 2:
            continue
        incubator = _subject(ms, text, match.start(), ORG_TYPES - {"Company"}, ctx, 0)
        for firm in firms if incubator else ():
            out.append(_rel(incubator, "incubates", firm, "孵化", 0.6))
    return out


@lru_cache(maxsize=1)
def _incubator_endings() -> tuple[str, ...]:
    return tuple(_words("incubators.txt"))


#: Between a list of companies and the verb of entering an incubator.
LIST_TAIL = re.compile(r"(等([\d一二两三四五六七八九十百几多]+)?[家个批]?(企业|公司|团队|项目)?)?"
                       r"(相继|先后|已|已经|均|都|成功|正式|顺利)*$")


def _entered_incubator(text: str, ms: list[dict]) -> list[dict]:
    """``B、C等5家企业进入/入驻/入孵A加速器``: the incubator A incubates B and C."""
    out = []
    for trig in re.finditer(r"(进入|入驻|进驻|入孵|入选|加入)(了)?", text):
        incubator = next((m for m in ms if m["start"] == trig.end()
                          and m["type"] in ORG_TYPES - {"Company", "University"}
                          and m["name"].endswith(_incubator_endings())), None)
        if incubator is None:
            continue
        cstart = _clause(text, trig.start())[0]
        last = next((m for m in reversed(ms) if cstart <= m["start"] and m["end"] <= trig.start()
                     and m["type"] == "Company"), None)
        if last is None or not LIST_TAIL.match(text[last["end"]:trig.start()]):
            continue
        for company in _list_before(ms, text, last["end"], {"Company"}, cstart):
            out.append(_rel(incubator, "incubates", company, trig.group(1), 0.65))
    return out


def rule_recruits(text, mentions, ms, ctx):
    """``A(顺利)引进/引入/招引B`` and ``该项目是A重点引进的…``."""
    out = []
    for trig in _triggers(text, "recruits", ms):
        cstart, cend = _clause(text, trig.start())
        targets = _list_after(ms, text, trig.end(), {"Team", "Company", "Project", "Person"}, cend)
        if targets and targets[0]["start"] - trig.end() > 3:
            targets = []
        subject = _subject(ms, text, trig.start(), ORG_TYPES, ctx, cstart)
        if re.search(r"该项目(是|为)", text[:trig.start()]) and "Project" in ctx.last:
            targets = [ctx.last["Project"]]
        if subject is None or not targets:
            continue
        for target in targets:
            out.append(_rel(subject, "recruits", target, trig.group(), 0.65))
    return out


INVEST = re.compile(r"(投资建设|投资兴建|投资)(\s*[约近超逾]?\s*[\d.]+\s*[万亿]?元)?"
                    r"(建设|兴建|打造|建立|搭建)?(了)?")


def rule_invests(text, mentions, ms, ctx):
    """``由A投资(建设)的B``, ``A投资(N元)(建设)B``, ``A向B投资`` and
    ``双方(计划)投资…建设B`` for the two parties just named."""
    out = []
    for trig in INVEST.finditer(text):
        if any(x["start"] <= trig.start() < x["end"] for x in ms):
            continue
        cstart = _clause(text, trig.start())[0]
        subject_end = trig.start()
        if text.startswith("的", trig.end()):
            target = next((m for m in ms if m["start"] == trig.end() + 1), None)
        else:
            target = next((m for m in ms if 0 <= m["start"] - trig.end() <= 2
                           and m["type"] in {"Project", "Company", "Park", "Platform"}), None)
        to = text.rfind("向", cstart, trig.start())
        if target is None and to >= 0:
            target = next((m for m in ms if m["start"] == to + 1 and m["end"] <= trig.start()), None)
            subject_end = to
        subject = _subject(ms, text, subject_end, ORG_TYPES, ctx, cstart)
        by = text.rfind("由", cstart, trig.start())
        if target is None and by >= 0:  # (该项目)由B投资建设
            subject = next((m for m in ms if by < m["start"] and m["end"] <= trig.start()
                            and m["type"] in ORG_TYPES), None)
            target = next((m for m in reversed(ms) if m["end"] <= by and m["type"] in
                           {"Project", "Park", "Platform", "Company"}), None)
            if target is None and re.search(r"该(项目|产业园|园区)", text[cstart:by]):
                target = ctx.last.get("Project") or ctx.last.get("Park")
        subjects = [subject] if subject else []
        parties = re.search(r"([双两三])方", text[cstart:trig.start()])
        if target and parties and not any(m["end"] <= trig.start() and m["start"] >= cstart
                                          and m["type"] in ORG_TYPES for m in ms):
            subjects = ctx.parties(3 if parties.group(1) == "三" else 2)  # 双方计划投资…建设B
        for subject in subjects:
            if target and subject["name"] != target["name"]:
                out.append(_rel(subject, "investsIn", target, trig.group(1), 0.7))
    return out


def rule_founded(text, mentions, ms, ctx):
    """``P(于…)创立/创办(了)A``, ``A(是)由(…)P(于…)创立(的)``, and a founder
    who is the sentence's subject (``P博士毕业后…，创办了A``)."""
    out = []
    founders_types = ("Person", "Team")
    for match in re.finditer(r"(创立|创办|创建)(了)?", text):
        founded = next((m for m in ms if 0 <= m["start"] - match.end() <= 1 and m["type"] in ORG_TYPES), None)
        before = [m for m in ms if m["end"] <= match.start() and m["type"] in founders_types]
        if not before:
            # 由某研究院第二批项目团队创办: the organisation whose team it was
            before = [m for m in ms if m["type"] in ORG_TYPES and m["end"] < match.start()
                      and re.fullmatch(r"[^，。；、]{0,12}团队", text[m["end"]:match.start()])]
        if founded is None:
            cstart = _clause(text, match.start())[0]
            by = max(text.rfind("由", cstart, match.start()), text.rfind("是", cstart, match.start()))
            if by < 0:
                continue
            founded = next((m for m in reversed(ms) if m["end"] <= by and m["type"] in ORG_TYPES), None)
            if founded is None and "Company" in ctx.last and re.search(r"(该公司|公司)", text[:by]):
                founded = ctx.last["Company"]
            before = [m for m in before if m["start"] > by]
        if founded and before:
            out.append(_rel(before[-1], "founded", founded, match.group(1), 0.7))
    return out


def rule_educated(text, mentions, ms, ctx):
    """``毕业于U``, ``作为U…硕士/博士，P``, ``U校友P``."""
    out = []
    persons = [m for m in ms if m["type"] == "Person"]
    for uni in (m for m in ms if m["type"] == "University"):
        tail = text[uni["end"]:uni["end"] + 20]
        head = text[max(0, uni["start"] - 4):uni["start"]]
        if re.search(r"毕业于$", head) or re.match(r"[^，。]{0,16}(硕士|博士|本科)(?!生导师|后)", tail) \
                or re.match(r"校友[，、]?$|校友[^关会总]", tail):
            person = next((p for p in persons if p["start"] >= uni["end"]), None)
            if person is None:
                person = next((p for p in reversed(persons) if p["end"] <= uni["start"]), None)
            if person is None and re.search(r"[他她]", text[:uni["start"]]):
                person = ctx.last.get("Person")
            if person:
                out.append(_rel(person, "educatedAt", uni, "毕业", 0.6))
    return out


RULES = (rule_joint_project, rule_part_of, rule_part_of_document, rule_subsidiary, rule_affiliated, rule_leads, rule_builds, rule_signs, rule_has_project,
         rule_appointed, rule_located, rule_cooperates, rule_organizes, rule_participates,
         rule_supports, rule_incubates, rule_recruits, rule_invests, rule_founded, rule_educated)


#: The place a zone's or district's name starts with (青山市高新区, 某市某区).
NAME_PLACE = place_levels().name_place


def located_by_name(sentences) -> list[dict]:
    """``locatedIn`` from the place a zone's name starts with, when the
    article names that place on its own: 青山市高新区 is in 青山市, 青山市
    东湖区 in 青山市. Document-level: ``sentences`` is a list of
    ``(base, text, mentions)``; the evidence is the zone's sentence.

    >>> ms = [{"start": 0, "end": 6, "name": "青山市高新区", "type": "Park", "text": "青山市高新区"}]
    >>> ps = [{"start": 0, "end": 3, "name": "青山市", "type": "Government", "text": "青山市"}]
    >>> [(r["subject"], r["object"]) for r in located_by_name([(0, "青山市高新区揭牌。", ms),
    ...                                                        (9, "青山市将加大投入。", ps)])]
    [('青山市高新区', '青山市')]
    """
    places = {}
    for _, _, mentions in sentences:
        for m in mentions:
            if m["type"] == "Government" and m["name"] == m.get("text", m["name"]):
                places.setdefault(m["name"], m)
    out, seen = [], set()
    for base, text, mentions in sentences:
        for m in mentions:
            match = NAME_PLACE.match(m["name"])
            if match is None:
                continue
            district = m["type"] == "Government" and m["name"].endswith(("区", "县")) \
                and len(m["name"]) - match.end() <= 4
            if m["type"] != "Park" and not district:
                continue
            place = places.get(match.group(1)) or places.get(match.group(1)[:-1])
            if place is None or place["name"] == m["name"] or (m["name"], place["name"]) in seen:
                continue
            seen.add((m["name"], place["name"]))
            rel = _rel(m, "locatedIn", place, "name", 0.6)
            rel.update(evidence=text, start=base, end=base + len(text))
            out.append(rel)
    return out


#: Types named after the body they belong to (星河大学科技处, 蓝海集团研究院).
PART_TYPES = frozenset({"Department", "Platform", "ResearchInstitute", "Company", "Team",
                        "Organization", "Government"})
PARENT_TYPES = frozenset({"University", "Company", "ResearchInstitute", "Government",
                          "Organization", "Platform"})
#: A bare place is where a body is, not what it is part of (德州市政府).
PLACE_ENDINGS = place_levels().place_endings


def part_of_by_name(sentences, entities) -> list[dict]:
    """``partOf`` from a name that starts with the name (or an alias) of
    another entity of the article: 星河大学科技处 is part of 星河大学, even in
    a sentence that does not name the university apart. The longest such
    parent wins; a government body's parent must be a government, and a
    bare place (青山市) is no parent.
    Document-level: ``sentences`` is a list of ``(base, text, mentions)``,
    ``entities`` the article's entity records (with ``aliases``).

    >>> ents = [{"name": "星河大学", "type": "University", "aliases": ["星大"]},
    ...         {"name": "星河大学科技处", "type": "Department", "aliases": []}]
    >>> m = {"start": 0, "end": 7, "name": "星河大学科技处", "type": "Department", "text": "星河大学科技处"}
    >>> [(r["subject"], r["object"]) for r in part_of_by_name([(0, "星河大学科技处处长发言。", [m])], ents)]
    [('星河大学科技处', '星河大学')]
    """
    forms = []
    for e in entities:
        if e["type"] in PARENT_TYPES and not e["name"].endswith(PLACE_ENDINGS):
            for form in {e["name"], *e.get("aliases", ())}:
                if len(form) >= 3:
                    forms.append((form, e))
    forms.sort(key=lambda fe: -len(fe[0]))
    out, seen = [], set()
    for base, text, mentions in sentences:
        for m in mentions:
            if m["type"] not in PART_TYPES or m["name"] in seen:
                continue
            parent = next((e for form, e in forms if m["name"].startswith(form)
                           and len(m["name"]) - len(form) >= 2 and e["name"] != m["name"]
                           and (m["type"] != "Government" or e["type"] == "Government")), None)
            if parent is None:
                continue
            seen.add(m["name"])
            rel = _rel(m, "partOf", parent, "name", 0.6)
            rel.update(evidence=text, start=base, end=base + len(text))
            out.append(rel)
    return out


def relate(text: str, mentions: list[dict], context: Context | None = None) -> list[dict]:
    """All relations stated in one sentence.

    Parameters
    ----------
    text : str
        The sentence.
    mentions : list of dict
        Its resolved mentions (see :mod:`kg.extraction.name_rules`), nested ones included.
    context : Context, optional
        Document context for anaphora; updated with this sentence's mentions.

    Returns
    -------
    list of dict
        Relation dicts, without duplicates.
    """
    ctx = context if context is not None else Context()
    ms = top_level(mentions)
    out, seen = [], set()
    for rule in RULES:
        for rel in rule(text, mentions, ms, ctx):
            key = (rel["subject"], rel["predicate"], rel["object"])
            if key not in seen and rel["subject"] != rel["object"]:
                seen.add(key)
                out.append(rel)
    by_name = {m["name"]: m for m in mentions}
    for rel in out:
        if rel["predicate"] == "organizes" and rel["subject"] in by_name:
            ctx.hosts[rel["object"]] = by_name[rel["subject"]]
    ctx.update(ms, frozenset(r["object"] for r in out if r["predicate"] in MADE_BY))
    ctx.note_zones(sorted(mentions, key=lambda m: m["start"]))
    agreed = [r for r in out if r["predicate"] in SYMMETRIC
              and r["subject"] in by_name and r["object"] in by_name
              and r["subject_type"] in ORG_TYPES and r["object_type"] in ORG_TYPES]
    if len(agreed) == 1 or len({r["predicate"] for r in agreed}) == 2 and \
            sum(r["predicate"] == "signsWith" for r in agreed) == 1:
        rel = next(r for r in agreed if len(agreed) == 1 or r["predicate"] == "signsWith")
        ctx.pair = (by_name[rel["subject"]], by_name[rel["object"]])   # who 双方 are from now on
        ctx.pair_sentence = ctx.sentence
    return out
