"""Recognise the 13 entity types in a Chinese sentence by rule.

Chinese organisation names are compositional: a place, a name and a suffix
(``清远`` + ``华湾材料`` + ``研究院``), often chained (``西安交通大学`` +
``国家技术转移中心`` + ``清远分中心``). The recogniser finds every suffix
from the lexicon that ends a token, extends the name leftwards token by token
until a boundary word (a verb, preposition or conjunction from
``kg/data/boundaries.txt``) or punctuation, and types the name by its suffix
and by the organisation it is built on. Persons are found after a title
(``副主任周明远``) or before one (``孙杨教授团队``); teams as ``…教授团队``;
projects and events mostly in quotes; roles after an appointment verb.

All functions take a sentence and the token spans of the segmenter (jieba
through spaCy) and return plain mention dicts::

    {"start": 0, "end": 6, "text": "西安交通大学", "name": "西安交通大学",
     "type": "University", "source": "suffix"}

Example
-------
>>> [(m["name"], m["type"]) for m in recognize("清远市鑫辉化工有限公司与华南理工大学签约。")]
[('清远市鑫辉化工有限公司', 'Company'), ('华南理工大学', 'University')]
"""

from __future__ import annotations

import re
from functools import lru_cache

import jieba

from kg.extraction.coreference import is_school, self_words
from kg.extraction.lexicon import (_alternation, _lines, _longest_first, _words, appoint_cues, load,
                                   segmenter_tags)
from kg.extraction.place_levels import load as place_levels

#: Longest organisation or event name, in characters.
MAX_NAME = 34
#: Suffixes that need at least two characters of name before them.
GENERIC = frozenset("中心 平台 基地 公司 集团 园区 学院 大学 局 办 委 厅 部 研究院 研究所 联盟 之家 驿站 工作站 科学院 政府 协会 学会 组团 实验室".split())
PUNCT = set("，。、；：！？“”‘’《》〈〉【】…,.;:!?\"'\n\t /|+＋")
OPEN_QUOTE, CLOSE_QUOTE = "“", "”"
INTERNAL_JOINERS = set("—–-·•")
_NAME_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
_DATE_TOKEN = re.compile(r"^\d+[年月日号]?$|^[年月日]$")


def tokenize(text: str) -> list[tuple[int, int]]:
    """Token spans of ``text`` by jieba (used when no spaCy doc is given)."""
    spans, pos = [], 0
    for word in jieba.cut(text):
        spans.append((pos, pos + len(word)))
        pos += len(word)
    return spans


#: Function characters the segmenter sometimes glues to a name (与星河大学).
GLUE = frozenset("与和在由是的及经借为对向从将把被于")
END_GLUE = frozenset("与和在由是的及为对向从于")


def _dictionary_word(word: str) -> bool:
    """A word of the segmenter's dictionary (和平, 经济), as opposed to one
    it made up by gluing a function character to a name (与星, 博为)."""
    if not jieba.dt.initialized:
        jieba.dt.initialize()
    return bool(jieba.dt.FREQ.get(word))


class _Tokens:
    """Token boundaries of a sentence, for left extension word by word."""

    def __init__(self, text: str, spans: list[tuple[int, int]]):
        self.text = text
        self.start_of = {end: start for start, end in spans}
        self.end_of = {start: end for start, end in spans}
        self.ends = {end for _, end in spans}
        self.starts = {start for start, _ in spans}

    def word_after(self, pos: int) -> str:
        end = self.end_of.get(pos, pos + 1)
        return self.text[pos:end]

    def word_before(self, pos: int) -> tuple[int, str]:
        start = self.start_of.get(pos, pos - 1)
        return start, self.text[start:pos]


def _is_boundary(word: str, lex) -> bool:
    if not word:
        return True
    if word in lex.boundaries or word in lex.titles:
        return True
    if any(ch in PUNCT for ch in word):
        return True
    if _DATE_TOKEN.match(word) or word[0] in "年月日号":
        return True
    return False


@lru_cache(maxsize=1)
def _internal_words() -> frozenset[str]:
    """Verbs common inside names (kg/data/name_internal.txt)."""
    return frozenset(_words("name_internal.txt"))


@lru_cache(maxsize=1)
def _firm_descriptors() -> frozenset[str]:
    """Words that describe a firm before 企业 (kg/data/firm_descriptors.txt)."""
    return frozenset(_words("firm_descriptors.txt"))


@lru_cache(maxsize=1)
def _soft_boundaries() -> frozenset[str]:
    """Multi-character verbs, adverbs, pronouns and conjunctions of the
    segmenter's dictionary, less the words common inside names."""
    internal = _internal_words()
    words = {w for w, tag in segmenter_tags().items() if len(w) > 1 and tag in SOFT_TAGS}
    lex = load()
    for predicate, cues in lex.triggers.items():
        words.update(c for c in cues if len(c) > 1 and predicate not in ("hasProject", "educatedAt"))
    # 学校|创新创业学院: a word by which an institution names itself starts no name

    words.update(w for w in self_words() if w not in lex.suffix_type)
    return frozenset(words - internal)


SOFT_TAGS = frozenset("v vd vi d p c r u ad".split())


#: Name types whose suffix may follow a descriptor (投资集团, 咨询有限公司, 孵化基地).
DESCRIBED = frozenset({"Company", "Organization", "Platform", "ResearchInstitute", "Park", "Department"})


def _window_left(text: str, start: int, toks: _Tokens, lex, boundaries=None, kind=None,
                 known: list[dict] = ()) -> int:
    """Leftmost start allowed by hard boundaries (punctuation, boundary
    words, dates) for a name whose suffix starts at ``start``; a name
    already recognised there is taken whole."""
    limit = max(0, start - MAX_NAME)
    pos = start
    while pos > limit:
        whole = next((m for m in known if m["end"] == pos and m["start"] >= limit), None)
        if whole is not None:
            pos = whole["start"]
            continue
        wstart, word = toks.word_before(pos)
        if word in ("）", ")"):
            opener = "（" if word == "）" else "("
            j = text.rfind(opener, limit, pos)
            inner = text[j + 1:pos - 1] if j >= 0 else ""
            if j > 0 and 0 < len(inner) <= 8 and all(_NAME_CHAR.match(c) for c in inner) \
                    and _NAME_CHAR.match(text[j - 1]) and not inner.startswith("第") \
                    and text[j - 1] not in "年月日":
                pos = j
                continue
            break
        if word == "企业" and toks.word_before(wstart)[1] in _firm_descriptors():
            break  # 领军企业蓝海微电子科技有限公司: the name starts after the description
        if word in INTERNAL_JOINERS:
            if pos - 1 > limit and _NAME_CHAR.match(text[pos - 2]):
                pos -= 1
                continue
            break
        # a boundary word glued to name characters by the segmenter
        if len(word) > 1 and word[-1] in END_GLUE and not _dictionary_word(word):
            break
        if len(word) > 1 and word[0] in GLUE and not _dictionary_word(word):
            pos = wstart + 1
            break
        if word.isdigit() and pos < len(text) and "\u4e00" <= text[pos] <= "\u9fff" \
                and text[pos] not in _MEASURE + "年月日号万亿元倍届期批名人" \
                and not re.fullmatch(r"(19|20)\d\d", word):
            pos = wstart  # 华南863科技创新园 (but not a year: 2024南湖…)
            continue
        if kind in DESCRIBED and word in _internal_words() and start - pos <= (2 if kind == "Company" else 0):
            pos = wstart  # 投资集团, 建设集团股份, 科技服务有限公司: part of the name
            continue
        if _is_boundary(word, lex) if boundaries is None else (
                word in boundaries or any(ch in PUNCT for ch in word)):
            if word in ("与", "和") and _internal_conjunction(text, pos, start):
                pos = wstart
                continue
            break
        pos = wstart
    while pos < start and not _NAME_CHAR.match(text[pos]) and text[pos] not in "（(":
        pos += 1
    return pos


def _extend_left(text: str, start: int, toks: _Tokens, lex, boundaries=None,
                 known: list[dict] = (), kind: str | None = None) -> int:
    """Leftmost start of a name whose suffix starts at ``start``.

    Within the window left by hard boundaries, the name starts after the
    nearest dictionary verb or adverb (``跻身国家高新区`` → ``国家高新区``)
    unless that would leave fewer than two characters before the suffix;
    organisations already recognised inside the window are kept whole.
    """
    window = _window_left(text, start, toks, lex, boundaries, kind, known)
    if boundaries is not None:
        return window
    soft = _soft_boundaries()
    pos = start
    while pos > window:
        wstart, word = toks.word_before(pos)
        wstart = max(wstart, window)
        inside = next((m for m in known if m["start"] < pos <= m["end"] and m["start"] >= window), None)
        if inside is not None:
            pos = inside["start"]
            continue
        if word in soft and (start - pos >= 2 or start == pos) and not _crosses(text, pos, start) \
                and not (kind == "Department" and _school(word + text[start:start + 2])):
            if kind == "Company" and _starts_with_place(text, window, pos):
                return window  # 北京华航唯实机器人科技股份有限公司: a firm named from its city on
            return pos
        pos = wstart
    return window


def _crosses(text: str, pos: int, stop: int) -> bool:
    """Whether the word ending at ``pos`` shares its last character with a
    dictionary word that goes on after it (衡量|子 where 量子 is a word:
    天衡量子科技), so the segmenter's split there is a guess, not a
    boundary."""
    return any(_dictionary_word(text[pos - 1:pos + n]) for n in (1, 2) if pos + n <= stop)


@lru_cache(maxsize=1)
def _place_forms() -> tuple[frozenset[str], int]:
    """Every place with and without 市/省 (the levels of ``@known_place_levels``
    in kg/data/place_levels.tsv), and the longest form's length."""
    levels = place_levels().known_place_levels
    forms = {f for place in load().places for f in (place, *(place + level for level in levels))}
    return frozenset(forms), max(map(len, forms))


def _starts_with_place(text: str, start: int, stop: int) -> bool:
    """Whether ``text[start:stop]`` begins with a place name (北京, 广东省)."""
    forms, longest = _place_forms()
    return any(text[start:start + size] in forms for size in range(2, min(longest, stop - start) + 1))


def _with_place(text: str, start: int, toks: _Tokens, lex) -> int:
    """Extend a name start over a place name glued before it (包头 + 稀土高新区),
    when the place itself starts after a boundary."""
    forms, longest = _place_forms()
    for size in range(min(longest, start), 1, -1):
        begin = start - size
        if text[begin:start] in forms and (
                begin == 0 or not _NAME_CHAR.match(text[begin - 1])
                or toks.word_before(begin)[1] in lex.boundaries or begin in toks.ends):
            return begin
    return start


def _internal_conjunction(text: str, pos: int, suffix_start: int) -> bool:
    """与/和 inside a unit name (化学工程与技术学院): a short field word on
    each side, and an organisation suffix ending two to four characters
    before the conjunction (the unit's parent)."""
    lex = load()
    after = text[pos:suffix_start]
    if not (1 <= len(after) <= 4):
        return False
    before = text[:pos - 1]
    if any(before.endswith(s) for s in lex.suffix_type if len(s) >= 2):
        return False  # 甲公司与乙大学: two names, not one
    stops = lex.boundaries | _soft_boundaries()
    for gap in (2, 3, 4):
        head = before[:len(before) - gap]
        chunk = before[len(before) - gap:]
        if any(head.endswith(s) for s in lex.suffix_type if len(s) >= 2):
            return all(_NAME_CHAR.match(c) for c in chunk) and not any(
                chunk[i:j] in stops for i in range(len(chunk)) for j in range(i + 2, len(chunk) + 1))
    return False


def _org_type(suffix: str, name: str, inner: list[dict], lex) -> str:
    kind = lex.suffix_type.get(suffix)
    prefix = max((m for m in inner if m["start"] == 0), key=lambda m: m["end"], default=None)
    ptype = prefix["type"] if prefix else None
    if ptype == "University":
        if kind in ("ResearchInstitute", "Platform") and suffix != "中心":
            return "Platform"
        if kind in (None, "Department", "Government") or suffix in ("中心", "就创中心"):
            return "Department"
        if suffix == "学院":
            return "Department"
    if ptype == "Company" and (kind in (None, "Department", "Government") or suffix == "中心"):
        return "Department"
    if ptype in ("Park", "Government") and (kind in (None, "Platform")
                                           and suffix in lex.unit_suffixes):
        return "Government"     # a bureau of a zone; a section (市场服务科) stays a Department
    if ptype == "Platform" and kind is None:
        return "Department"
    if suffix == "学院" and ptype is None:
        return "University"
    if kind is None:
        return "Department"  # a unit word after any organisation (…中心科技管理部)
    return kind


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[re.Pattern | None, dict[str, str]]:
    """University short names that name the university on their own: those
    of three or more characters (北理工, 西安交大) and the two-character ones
    listed in ``kg/data/university_short_names.txt`` (浙大, 复旦)."""
    standalone = set(_words("university_short_names.txt"))
    full_of = {alias: name for name, aliases in load().universities.items()
               for alias in aliases if len(alias) >= 3 or alias in standalone}
    if not full_of:
        return None, {}
    return re.compile("|".join(map(re.escape, sorted(full_of, key=len, reverse=True)))), full_of


def find_abbreviations(text: str, toks: _Tokens) -> list[dict]:
    """Universities named by a customary short name (浙大嘉兴研究院 → 浙大)."""
    pattern, _ = _abbreviations()
    found = []
    for match in (pattern.finditer(text) if pattern else ()):
        start, end = match.span()
        if start > 0 and _NAME_CHAR.match(text[start - 1]) and start not in toks.starts:
            continue
        name = match.group()
        found.append({"start": start, "end": end, "text": name, "name": name,
                      "type": "University", "source": "abbreviation"})
    return found


def _glued_after(text: str, end: int, toks: _Tokens) -> bool:
    """Whether the token across ``end`` is a guess of the segmenter that
    glued a function character to the name's last one (职教城|是 read as
    城是), so ``end`` is a word boundary after all."""
    if text[end] not in GLUE:
        return False
    start = max((s for s in toks.starts if s < end), default=0)
    return not _dictionary_word(text[start:toks.end_of.get(start, end + 1)])


def find_organisations(text: str, toks: _Tokens) -> list[dict]:
    """Organisation, park and government names ending with a lexicon suffix,
    and universities named by a customary short name."""
    lex = load()
    found: list[dict] = find_abbreviations(text, toks)
    for match in lex.suffix_re.finditer(text):
        s0, e0 = match.span()
        suffix = match.group()
        if e0 not in toks.ends and e0 < len(text) and _NAME_CHAR.match(text[e0]) \
                and not _ends_before_title(text, e0, lex) and not _glued_after(text, e0, toks) \
                and not (suffix.endswith("大学") and text[e0] not in NOT_AFTER_UNIVERSITY):
            continue
        if len(suffix) == 1 and _dictionary_word(text[s0 - 1:e0]) and not _ends_before_title(text, e0, lex):
            continue  # 格局, 布局, 开局: words, not bureaus
        if len(suffix) == 1 and s0 not in toks.starts and not _ends_before_title(text, e0, lex):
            token_start = max((s for s in toks.starts if s < s0), default=0)
            if e0 - token_start < 3:
                continue
        unit_only = suffix not in lex.suffix_type
        whole = toks.start_of.get(e0)
        if whole is None or not (whole < s0 and segmenter_tags().get(text[whole:e0]) == "nt"):
            whole = s0      # else 中国农业银行, 北京大学: the dictionary knows the whole name
        start = _extend_left(text, whole, toks, lex, known=found, kind=lex.suffix_type.get(suffix))
        start = _with_place(text, start, toks, lex)
        stem = text[start:s0]
        if len(stem) < 2 and start >= 2:  # 西安交通大学|就|创中心: a unit's short word
            head = next((m for m in found if m["end"] == start - 1 and m["type"] in ROOT_TYPES), None)
            between = text[start - 1]
            if head is not None and stem and s0 - head["end"] <= 3 and between not in PUNCT \
                    and between not in GLUE and between not in "或及的":
                start = head["start"]
                stem = text[start:s0]
        if unit_only or suffix in GENERIC:
            if len(stem) < 2:
                continue
        elif not stem and suffix not in ("国务院",):
            continue
        inner = [m for m in found if m["start"] >= start and m["end"] <= s0]
        blocked = CANNOT_CONTAIN.get(lex.suffix_type.get(suffix), ())
        outer_park = lex.suffix_type.get(suffix) == "Park"
        cut = max((m["end"] for m in inner if (
                      m["type"] in blocked
                      or outer_park and m["type"] == "Park" and not m["name"].endswith(ZONES))
                   and not (m["source"] == "abbreviation" and m["start"] == start)), default=None)
        if cut is not None and lex.suffix_type.get(suffix) == "Company" and not (
                text.startswith(lex.places, cut) or text.startswith("企业", cut)):
            cut = None
        if cut is not None:
            start = cut
            while start < s0 and not _NAME_CHAR.match(text[start]):
                start += 1
            stem = text[start:s0]
            if len(stem) < (2 if suffix in GENERIC else 1):
                continue
            inner = [m for m in inner if m["start"] >= start]
        for lead in LEADING_GENERIC:
            if text.startswith(lead, start) and s0 - start - len(lead) >= 2:
                start += len(lead)
                stem = text[start:s0]
        if (_generic_stem(stem) and whole == s0 and not _school(text[start:e0])) or _counted(text, start):
            continue    # (a generic stem inside a dictionary name, 招商|银行, is still a name)
        if unit_only and not any(m["end"] >= s0 - 6 for m in inner):
            continue
        if lex.suffix_type.get(suffix) == "Team" and not any(
                m["start"] == start and m["type"] in ("University", "Company", "ResearchInstitute",
                                                      "Department", "Platform") for m in inner):
            continue  # 陕西人才团队: a description, not a named team
        if lex.suffix_type.get(suffix) == "Team" and _BATCH.search(stem):
            continue  # 某研究院第二批项目团队: a batch of teams, not one named team
        tail = TRAILING_PLACE.match(text, e0)
        if tail and lex.suffix_type.get(suffix) in ("Park", "Government"):
            e0 = tail.end()
        name = text[start:e0]
        if name.count("(") != name.count(")") or name.count("（") != name.count("）"):
            continue
        if re.search(r"[—–]", name) and all(
                not part or part in lex.suffix_type or _generic_stem(part) for part in re.split(r"[—–]", name)):
            continue  # 苗圃—孵化器—加速器: a chain of categories
        rel_inner = [dict(m, start=m["start"] - start) for m in inner]
        kind = _org_type(suffix, name, rel_inner, lex)
        found.append({"start": start, "end": e0, "text": name, "name": name,
                      "type": kind, "source": "suffix", "suffix": suffix})
    return [m for m in found if m["source"] != "abbreviation" or not any(
        o["type"] == "University" and o["start"] == m["start"] and o["end"] > m["end"] for o in found)]


_BATCH = re.compile(r"第[\d一二两三四五六七八九十]+(批|期|届)")
#: Characters after 大学 that make a common word, not a university name.
NOT_AFTER_UNIVERSITY = "生城路站里"
_MEASURE = "个家所项批座位处只支条种"
_NUMERAL = re.compile(r"[\d一二两三四五六七八九十百千几多]$")


def _ends_before_title(text: str, end: int, lex) -> bool:
    """A unit name followed by its head's title (科技局局长, 科技处处长)."""
    return bool(lex.title_re.match(text, end))


def _counted(text: str, start: int) -> bool:
    """A name preceded by a numeral and a measure word (3个…平台) is a count
    of a category, not a name."""
    if start >= 1 and text[start - 1] in _MEASURE and _NUMERAL.search(text[:start - 1]):
        return True
    return bool(start >= 1 and text[start] in _MEASURE and _NUMERAL.search(text[:start]))


#: Formal zones: they contain parks, and parks are named inside their names
#: (某高新区电子信息产业园); kg/data/zones.txt.
ZONES = tuple(_words("zones.txt"))

#: A bracketed district after a park name: 青山高新区(东湖区); its levels
#: are the role ``bracketed`` of kg/data/place_levels.tsv.
TRAILING_PLACE = place_levels().bracketed_place

#: Generic words that may precede a name without being part of it.
LEADING_GENERIC = ("企业", "公司", "高校", "单位", "机构")

#: Inner organisation types an outer name cannot be built on: a park is not
#: named after a university, a company not after a park it sits in.
CANNOT_CONTAIN = {
    "Park": ("University", "Company", "Platform", "ResearchInstitute", "Department"),
    "Company": ("Park", "Government", "Platform"),
    "University": ("University", "Park", "Company", "Government"),
    "Government": ("University", "Company", "Platform"),
}


@lru_cache(maxsize=1)
def _school(name: str) -> bool:
    """A school named by its disciplines (材料学院, 创新创业学院): a name
    though its stem alone describes (:func:`kg.extraction.coreference.is_school`)."""
    return is_school(name)


def _generic_stems() -> frozenset[str]:
    return frozenset(_words("generic_stems.txt"))


def _generic_stem(stem: str) -> bool:
    """A stem made only of describing words (国家, 科技创新, 一批优质科创载体)
    makes a category (国家高新区, 科技创新平台), not a name."""
    generic = _generic_stems()
    if stem in generic or re.fullmatch(r"[\d一二两三四五六七八九十百几多]+[个家所项批座]?", stem):
        return True
    if re.match(r"([一两几多各每该本这那]|[\d一二两三四五六七八九十百]+)[个批家所些类项座]", stem) \
            or re.search(r"(第一|首)[个家所批座]", stem):
        return True

    words = [w for w in jieba.lcut(stem) if w.strip()]
    return bool(words) and all(w in generic for w in words)


@lru_cache(maxsize=1)
def _ceremony_acts() -> frozenset[str]:
    return frozenset(_words("ceremony_acts.txt"))


#: A body named by its level alone (市政府, 县委): what an article calls its
#: own place's government, not part of a name.
DEICTIC_BODY = place_levels().deictic_body


def unnamed_event(name: str) -> bool:
    """Whether an event name says only what kind of ceremony it is
    (签约仪式, 签约活动, 科技成果路演): its event endings taken off, what is
    left is empty or only describing words and ceremony acts
    (:file:`kg/data/ceremony_acts.txt`); or whether it names its parties by
    the words an article uses for its own institution or place (我校与某某…,
    市政府与某某…签约仪式), which makes it a description, not a name.

    >>> unnamed_event("签约活动"), unnamed_event("星河大学校地合作签约仪式")
    (True, False)
    """
    if name.startswith(tuple(self_words())) or DEICTIC_BODY.match(name):
        return True     # 我校与某某签约仪式, 市政府与某某签约仪式: named by who speaks, not a name
    lex = load()
    stem, changed = name, True
    while changed and stem:
        changed = False
        for suffix in (*lex.event_suffixes, "活动"):
            if stem.endswith(suffix):
                stem, changed = stem[:-len(suffix)], True
                break
    if not stem:
        return True

    words = [w for w in jieba.lcut(stem) if w.strip()]
    known = _generic_stems() | _ceremony_acts()
    return all(w in known for w in words)


def _name_after(text: str, pos: int, lex) -> int:
    """Length of a person's name starting at ``pos`` (0 if none)."""
    if pos >= len(text):
        return 0
    if text[pos:pos + 2] in lex.compound_surnames:
        head = 2
    elif text[pos] in lex.surnames:
        head = 1
    else:
        return 0
    if head == 1 and text[pos] in lex.boundaries and _starts_boundary(text, pos + 1, lex):
        return 0    # 于近日表示: a surname that is also a function word, then a time word
    three = pos + head + 2
    if three < len(text) and text[three - 1] in "和与及" and text[three] in PUNCT \
            and all("\u4e00" <= c <= "\u9fff" for c in text[pos:three]):
        return head + 2     # 校长魏宏和，: a name ending in a connector's character
    for given in (1, 2):
        end = pos + head + given
        if end > len(text) or not all("\u4e00" <= c <= "\u9fff" for c in text[pos:end]):
            return 0
        rest = text[end:]
        if not rest or rest[0] in PUNCT or rest.startswith(lex.after_name):
            return head + given
    return 0


def _starts_boundary(text: str, pos: int, lex) -> bool:
    """Whether a boundary word of two or more characters starts at ``pos``."""
    return any(text[pos:pos + n] in lex.boundaries for n in (2, 3))


def _name_before(text: str, end: int, lex) -> int:
    """Start of a person's name ending at ``end`` (before 教授/团队), or -1."""
    for size in (4, 3):
        if end - size >= 0 and text[end - size:end - size + 2] in lex.compound_surnames:
            return end - size
    for size in (3, 2):
        start = end - size
        if start < 0:
            continue
        chunk = text[start:end]
        if all("\u4e00" <= c <= "\u9fff" for c in chunk) and chunk[0] in lex.surnames:
            return start
    return -1


def find_persons(text: str, orgs: list[dict]) -> list[dict]:
    """Persons named after a title (``副主任周明远``), possibly after a chain
    of titles (``党委常委、副校长王磊``)."""
    lex = load()
    persons = []
    for match in lex.title_re.finditer(text):
        end = match.end()
        size = _name_after(text, end, lex)
        if not size:
            continue
        name = text[end:end + size]
        if any(m["start"] <= end < m["end"] for m in orgs):
            continue
        persons.append({"start": end, "end": end + size, "text": name, "name": name,
                        "type": "Person", "source": "title", "title_start": match.start()})
    return persons


#: Characters that end organisation words, never a person's given name.
NOT_IN_NAMES = frozenset("区市省县局院校会司厂园城部处所室组团队心台站业馆")
_BEFORE_NAME = re.compile(r"(^|[，、。；：“（(\s]|校友|由|和|与|及|以及|是|即|其中|包括|年)$")


@lru_cache(maxsize=1)
def _person_cues() -> re.Pattern:
    words = sorted(set(_words("person_cues.txt")), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)) + r"|于(?=\d|[一二]〇)")


def _bare_name(text: str, end: int, lex, taken) -> int:
    """Start of a person's name ending at ``end`` that stands after a
    boundary (punctuation, 校友, 由 …), or -1."""
    options = []
    for size in (4, 3):
        if end - size >= 0 and text[end - size:end - size + 2] in lex.compound_surnames:
            options.append(end - size)
    options += [end - 3, end - 2]
    for start in options:
        if start < 0:
            continue
        chunk = text[start:end]
        if not all("\u4e00" <= c <= "\u9fff" for c in chunk):
            continue
        if chunk[0] not in lex.surnames and chunk[:2] not in lex.compound_surnames:
            continue
        if any(c in NOT_IN_NAMES for c in chunk[1:]) or chunk in lex.boundaries:
            continue
        if not segmenter_tags().get(chunk, "nr").startswith("nr"):
            continue    # a common word (计划于2021年): the dictionary knows it as no name
        if any(a < end and start < b for a, b in taken):
            continue
        if _BEFORE_NAME.search(text[max(0, start - 4):start]):
            return start
    return -1


def find_bare_persons(text: str, known: list[dict]) -> list[dict]:
    """Persons named without a title before them but with a cue after them
    (``刘富强毕业于``, ``李秀英获聘``, ``欧阳明华教授``), and the names listed
    just before such a person (``王立新、陈晓明、李秀英获聘``).

    >>> [m["name"] for m in find_bare_persons("会上，王立新、陈晓明获聘顾问。", [])]
    ['陈晓明', '王立新']
    """
    lex = load()
    taken = [(m["start"], m["end"]) for m in known]
    found = []

    def add(start: int, end: int, source: str) -> None:
        found.append({"start": start, "end": end, "text": text[start:end],
                      "name": text[start:end], "type": "Person", "source": source})
        taken.append((start, end))

    for cue in _person_cues().finditer(text):
        start = _bare_name(text, cue.start(), lex, taken)
        if start < 0:
            continue
        add(start, cue.start(), "cue")
        while start > 0 and text[start - 1] in "、，":
            previous = _bare_name(text, start - 1, lex, taken)
            if previous < 0:
                break
            add(previous, start - 1, "list")
            start = previous
    return found


def find_teams(text: str, orgs: list[dict]) -> list[dict]:
    """Research teams named ``[organisation][person](教授)团队``."""
    lex = load()
    teams = []
    for match in re.finditer(r"(教授|院士|博士|研究员)?团队", text):
        title_start = match.start()
        pstart = _name_before(text, title_start, lex)
        if pstart < 0:
            continue
        org = max((m for m in orgs if m["end"] == pstart), key=lambda m: m["end"] - m["start"],
                  default=None)
        start = org["start"] if org else pstart
        name = text[start:match.end()]
        teams.append({"start": start, "end": match.end(), "text": name, "name": name,
                      "type": "Team", "source": "team",
                      "leader": text[pstart:title_start], "leader_start": pstart,
                      "title": match.group(1) or "", "org": org})
    return teams


_QUOTED = re.compile(r"“([^“”\n]{2,40})”")
EVENT_AFTER = re.compile(r"^(系列活动|主题活动|活动|启动仪式|仪式|大赛|比赛|论坛|峰会|大会|会议|专场|科技行|行动|"
                         r"对接会|洽谈会|推介会|交流会|座谈会|研讨会|发布会|博览会|路演|沙龙)")
PROJECT_BEFORE = re.compile(r"(项目|产品|技术|计划|课题|合作|共建|联合开发|共同研发|合作开发|启动|实施)(名为|：|:)?$")
PROJECT_AFTER = re.compile(r"^(项目|计划|工程|产品)")
POLICY_AFTER = re.compile(r"^(战略|政策|理念|模式|机制|行动|改革|目标|精神|要求|原则)")


def find_quoted(text: str) -> list[dict]:
    """Projects and events named in quotes, typed by the words around them."""
    found = []
    quotes = list(_QUOTED.finditer(text))
    previous_kind = None
    previous_end = -1
    for match in quotes:
        inner = match.group(1)
        before = text[max(0, match.start() - 6):match.start()]
        after = text[match.end():match.end() + 6]
        kind = None
        name = inner
        if EVENT_AFTER.match(after):
            kind = "Event"
        elif (PROJECT_BEFORE.search(before) or PROJECT_AFTER.match(after)) and not POLICY_AFTER.match(after):
            kind = "Project"
        elif previous_kind == "Project" and text[previous_end:match.start()] in ("", "和", "、", "及", "与"):
            kind = "Project"
        if kind != "Event" and re.match(r"^[\u4e00-\u9fff]{2,8}(培养计划|计划|工程)",
                                        text[match.end():match.end() + 12]):
            kind = "Project"
            extra = re.match(r"^[\u4e00-\u9fff]{0,8}(培养计划|计划|工程)", text[match.end():]).group()
            name = inner + extra
            found.append({"start": match.start(), "end": match.end() + len(extra),
                          "text": text[match.start():match.end() + len(extra)],
                          "name": name, "type": kind, "source": "quote"})
            previous_kind, previous_end = kind, match.end() + len(extra)
            continue
        previous_kind, previous_end = kind, match.end()
        if kind is None:
            continue
        if kind == "Project":  # “某某产业金融中心” names an organisation, not a project
            ending = max((x for x in load().suffix_type if inner.endswith(x)), key=len, default=None)
            if ending and len(inner) > len(ending) + 1 and load().suffix_type[ending] in ORG_KINDS:
                kind = load().suffix_type[ending]
        found.append({"start": match.start(), "end": match.end(), "text": match.group(),
                      "name": name, "type": kind, "source": "quote"})
    return found


ORG_KINDS = frozenset({"Platform", "ResearchInstitute", "Company", "Park", "Organization"})


#: Words that may follow an event name (…仪式上, …大会期间, …论坛在…举行).
EVENT_FOLLOWERS = frozenset("上 中 后 前 期间 现场 开幕 闭幕 启动 举行 举办 召开 落幕 结束 在 于 由 暨 和 与 及 "
                            "的 上午 下午 当天 活动 正式 顺利 成功 隆重 吸引 共有 期间 "
                            "获奖 获奖者 颁奖 决赛 总决赛 半决赛 复赛 初赛 组委会 评审".split())
EVENT_BOUNDARIES = frozenset(
    "举行 举办 主办 承办 召开 在 于 的 了 和 与 参加 出席 莅临 由 是 为 此次 本次 这次 该 近日 日前 "
    "当天 上午 下午 期间 现场 活动 随后 通过 以 对 将 并 挂牌 揭牌 成立 获 荣获 斩获 获得 摘得".split())


#: The two halves of an R&D phrase joined by 与/和/及 inside a project name
#: (研发与产业化, 研究与应用, 设计及制造).
RD_BEFORE = re.compile(r"(研发|研究|技术|设计|生产|开发|制造)$")
RD_AFTER = re.compile(r"(产业化|应用|开发|转化|示范|推广|制造|生产|集成|服务)")


def _event_start(text: str, end: int, toks: _Tokens, boundaries=None) -> int:
    """Start of an event (or project) name ending at ``end``: back over
    words that are not boundaries, over quoted or bracketed parts
    (推进“两区”建设, (第十六届)), and a leading year (2021年)."""
    boundaries = EVENT_BOUNDARIES if boundaries is None else boundaries
    limit = max(0, end - 2 * MAX_NAME)
    pos = end
    while pos > limit:
        closer = text[pos - 1]
        if closer in "”）)":
            opener = {"”": "“", "）": "（", ")": "("}[closer]
            j = text.rfind(opener, limit, pos - 1)
            if j < 0 or any(c in "，。；" for c in text[j:pos]) or pos - j > 16 and not (
                    closer == "”" and _quoted_organisation(text, j, pos)):
                break
            pos = j
            continue
        wstart, word = toks.word_before(pos)
        date = _DATE_TOKEN.match(word) and not (word.isdigit() and text[pos:pos + 1] not in "年月日号")
        if word in ("与", "和", "及") and RD_BEFORE.search(text, limit, wstart) and RD_AFTER.match(text, pos):
            pos = wstart    # 研发与产业化基地项目: a fixed phrase inside the name
            continue
        if word in boundaries or any(ch in PUNCT for ch in word) or date:
            break
        pos = wstart
    year = re.search(r"\d{4}\s*年度?$", text[:pos])
    return year.start() if year else pos


#: Verbs that hold an event (某区隆重举行某仪式): its name starts after them.
EVENT_OPENERS = ("举行", "举办", "召开")
#: A verb of holding or attending right before an event word: the ceremony
#: held or attended (举行仪式, 出席仪式) has no name.
HELD = re.compile("(" + "|".join(EVENT_OPENERS + ("出席", "参加", "莅临", "见证", "主持")) + ")了?$")


def _quoted_organisation(text: str, start: int, end: int) -> bool:
    """Whether the quotes opening an event name hold an organisation's name
    (“某某联合研究院”揭牌仪式): the ceremony, quotes and all, is the event."""
    close = text.find("”", start, end)
    return close > start and text[start + 1:close].endswith(tuple(load().suffix_type))


def find_events(text: str, toks: _Tokens) -> list[dict]:
    """Unquoted events ending with an event word (洽谈会, 签约仪式, 大赛)."""
    lex = load()
    found = []
    for match in lex.event_suffix_re.finditer(text):
        s0, e0 = match.span()
        if e0 < len(text) and _NAME_CHAR.match(text[e0]) and (
                e0 not in toks.ends or toks.word_after(e0) not in EVENT_FOLLOWERS):
            continue  # 路演厅 is a room, not an event
        start = _event_start(text, s0, toks, EVENT_NAME_BOUNDARIES)
        if text.startswith("“", start) and not _quoted_organisation(text, start, s0):
            continue  # “某某”活动启动仪式 is the quoted event itself
        # 暨 joins two ceremonies into one name, unless the first is unnamed
        name = text[start:e0]
        if "暨" in name:
            first, _, rest = name.partition("暨")
            head = lex.event_suffix_re.search(first)
            if head and len(first) - len(head.group()) < 4:
                start += len(first) + 1
                name = rest
        if len(name) - len(match.group()) < 4 or name.count("“") != name.count("”") or "等" in name \
                or unnamed_event(name) or HELD.search(text, start, s0):
            continue    # (某校区举行仪式: the ceremony held is unnamed)
        found.append({"start": start, "end": e0, "text": name, "name": name,
                      "type": "Event", "source": "event"})
    return outermost(found)


#: Inside an event name, two parties joined by 与/和 and the kind of
#: ceremony (揭牌, 成立) belong to the name: 甲大学与乙公司合作签约仪式,
#: 某某联盟成立大会 are named after what they mark.
EVENT_NAME_BOUNDARIES = EVENT_BOUNDARIES - frozenset("与 和 及 揭牌 成立 挂牌".split())


@lru_cache(maxsize=1)
def _project_boundaries() -> frozenset[str]:
    stops = EVENT_BOUNDARIES | load().boundaries | frozenset("包括 包含 有 既有 也有 还有".split())
    return stops - _internal_words() - {"新建", "扩建", "建设", "改造", "升级", "及"}


#: Verbs that may open a project's own name (新建厂房项目, 年产5万吨…项目).
PROJECT_VERBS = frozenset("新建 扩建 改建 建设 年产 研发 开发 建造 智能 数字".split())


def _has_content(words: str) -> bool:
    """Whether ``words`` hold a word that is neither describing, a place nor
    a verb: what a project makes or studies (浮标, 平台, 厂房)."""
    skip = _content_skip()
    return any(w.strip() and w not in skip and not w.isdigit() for w in jieba.lcut(words))


@lru_cache(maxsize=1)
def _content_skip() -> frozenset[str]:
    return _generic_stems() | frozenset(load().places) | _soft_boundaries() | _idioms()


def _starts_with_action(words: str) -> bool:
    """Whether ``words`` open with a verb phrase (承接…转移, 推进…) rather than
    a thing: such a 项目 is a policy, not a named project."""
    first = next((w for w in jieba.lcut(words) if w.strip()), "")
    return first not in PROJECT_VERBS and (first in _soft_boundaries() or len(first) == 4 and
                                           first in _idioms())


def _ends_with_verb(words: str) -> bool:
    """Whether ``words`` end with a one-character verb that takes 项目 as its
    object (多措并举推|项目, 全力抓|项目): a slogan, not a project's name."""
    last = jieba.lcut(words)[-1]
    return len(last) == 1 and segmenter_tags().get(last) == "v"


@lru_cache(maxsize=1)
def _designation_re() -> re.Pattern:
    """A listing verb (列入, 入选) and names or 、 up to the end of the text
    searched: what follows it is the list a project was put on."""
    return re.compile(f"(?:{_alternation(_words('designations.txt')).pattern})[^，。；！？,;]*$")


@lru_cache(maxsize=1)
def _idioms() -> frozenset[str]:
    """Four-character idioms of the segmenter's dictionary (tag ``i``)."""
    return frozenset(w for w, tag in segmenter_tags().items() if tag == "i")


def find_projects(text: str, toks: _Tokens, known: list[dict]) -> list[dict]:
    """Unquoted projects named by what they build or develop and ending in
    项目 (超高速精密静压电主轴研发及应用项目, 某公司新建厂房工程项目)."""
    found = []
    for match in re.finditer(r"项目", text):
        s0, e0 = match.span()
        if any(m["start"] <= s0 < m["end"] for m in known) or text[s0 - 1:s0] in "”\"'" \
                or load().title_re.match(text, s0):
            continue  # inside a name, “某某”项目 (the quoted project), 项目主管 (a post)
        start = _event_start(text, s0, toks, _project_boundaries())
        if "“" in text[start:s0] or _designation_re().search(text, max(0, start - MAX_NAME), start):
            continue    # a quoted project, or a list of them (列入省重大外资项目)
        stem = text[start:s0]
        owner = max((m for m in known if m["start"] == start and m["end"] <= s0),
                    key=lambda m: m["end"], default=None)
        own = text[owner["end"]:s0] if owner else stem
        if len(stem) < 4 or _counted(text, start) or _generic_stem(stem) or _BATCH.search(stem) or \
                (own and (_generic_stem(own) or _starts_with_action(own) or _ends_with_verb(own)
                          or not _has_content(own))) or \
                any(m["start"] < start < m["end"] for m in known):
            continue
        name = text[start:e0]
        found.append({"start": start, "end": e0, "text": name, "name": name,
                      "type": "Project", "source": "project"})
    return found


#: The verb that appoints a person to the post after it (kg/data/appoint_cues.tsv).
APPOINT = re.compile(f"({appoint_cues('post')})")


def find_roles(text: str, orgs: list[dict]) -> list[dict]:
    """Posts a person is appointed to (``获聘清远高新区招才引智大使``)."""
    lex = load()
    found = []
    for match in APPOINT.finditer(text):
        start = match.end()
        window = text[start:start + MAX_NAME]
        suffix = None
        for candidate in lex.role_suffix_re.finditer(window):
            suffix = candidate
            break
        if not suffix:
            continue
        name = window[:suffix.end()]
        if any(ch in PUNCT for ch in name) or len(name) < 3:
            continue
        owner = max((m for m in orgs if m["start"] == start and m["end"] < start + len(name)),
                    key=lambda m: m["end"], default=None)
        found.append({"start": start, "end": start + len(name), "text": name, "name": name,
                      "type": "Role", "source": "appoint", "trigger": match.group(),
                      "owner": owner})
    return found


@lru_cache(maxsize=1)
def _categories() -> list[tuple[str, str]]:
    rows = [line.split("\t") for line in _lines("list_categories.tsv")]
    return sorted(((r[0].strip(), r[1].strip()) for r in rows), key=lambda r: -len(r[0]))


_LIST_END = re.compile(r"等(?:[\d一二两三四五六七八九十百几多]+\s*[家个所项批]|一批)?[\u4e00-\u9fff]{0,8}?")


def _after_last_stop(chunk: str, soft: bool = True) -> str:
    """What follows the last verb or function word of ``chunk``: the first
    item of a list the sentence introduces (培育了豪美新材 → 豪美新材).
    Project names contain verbs (巡检系统), so for them only the hard
    boundary words count (``soft=False``)."""
    stops = load().boundaries | (_soft_boundaries() if soft else frozenset())
    stops = stops if soft else stops - _internal_words() - {"研制", "研发", "开发", "生产"}
    words = jieba.lcut(chunk)
    for i in range(len(words) - 1, -1, -1):
        if words[i] in stops or words[i] in ("了", "有", "如"):
            return "".join(words[i + 1:])
    return chunk


@lru_cache(maxsize=1)
def _described_firm_re() -> re.Pattern:
    descs = "|".join(map(re.escape, sorted(_firm_descriptors(), key=len, reverse=True)))
    industry = "|".join(map(re.escape, sorted(set(_words("industry_words.txt")), key=len, reverse=True)))
    return re.compile(rf"(?:{descs})企业([\u4e00-\u9fff]{{1,6}}?(?:{industry}))(?![\u4e00-\u9fff]*(?:公司|集团))")


def _first_word(text: str) -> str:
    """The first word of ``text`` as the segmenter cuts it."""
    return next(iter(jieba.cut(text)), "")


def find_described_firms(text: str, known: list[dict]) -> list[dict]:
    """A firm named by its brand right after a description of it
    (``领军企业远帆生物投资兴建`` → 远帆生物): the brand must end with an
    industry word (kg/data/industry_words.txt) and not run on into a
    company suffix (then the full name is found by its suffix)."""
    found = []
    for match in _described_firm_re().finditer(text):
        start, end = match.span(1)
        if any(m["start"] < end and start < m["end"] for m in known):
            continue
        first = _first_word(match.group(1))
        if _generic_stem(match.group(1)) or first in load().boundaries or first in _soft_boundaries() \
                or match.group(1)[0] in GLUE:
            continue    # 企业的科技…, 企业对接技术…, 企业是创新…: not a brand
        found.append({"start": start, "end": end, "text": match.group(1), "name": match.group(1),
                      "type": "Company", "source": "described"})
    return found


#: Words that make a list one of fields, not of names (A、B等领域的企业).
FIELD_WORDS = re.compile(r"领域|行业|产业|方面|方向|专业|学科|赛道")


def find_list_items(text: str, known: list[dict]) -> list[dict]:
    """Names in a list closed by a category noun: ``A、B和C等知名企业`` makes
    A, B and C companies even without a suffix (豪美新材, 先导稀材)."""
    found = []
    for end in re.finditer(r"等|(?<![\d一二两三四五六七八九十])(?=[\d一二两三四五六七八九十]+\s*家)", text):
        tail = text[end.end():end.end() + 16]
        kind = None
        for noun, noun_type in _categories():
            at = tail.find(noun)
            if 0 <= at <= 10 and not any(c in PUNCT for c in tail[:at]) \
                    and not FIELD_WORDS.search(tail[:at]):   # 信息技术等领域的企业: fields
                kind = noun_type
                break
        if kind is None:
            continue
        items = []
        pos = end.start()
        while pos > 0:
            seps = "、" if kind == "Project" else "、和及"  # 研制及产业化 is one project
            sep = max(text.rfind(c, 0, pos) for c in seps)
            stop = max(text.rfind(c, 0, pos) for c in "，。；：,;:“”")
            begin = max(sep, stop) + 1
            item = text[begin:pos]
            if sep < stop or sep < 0:
                begin = pos - len(_after_last_stop(item, soft=kind != "Project"))  # 培育了豪美新材 → 豪美新材
                item = text[begin:pos]
            if not (2 <= len(item) <= (24 if kind == "Project" else 12)) or \
                    not all(_NAME_CHAR.match(c) or c in "/·" for c in item):
                break
            items.insert(0, (begin, pos))
            if sep < stop or sep < 0 or begin > max(sep, stop) + 1:
                break
            pos = sep
        if len(items) < 2 or any(text[b:e] in _place_forms()[0] for b, e in items):
            continue    # (上海、南京和西安等高校集聚地区: a list of places)
        for begin, stop in items:
            if any(m["start"] <= begin and stop <= m["end"] for m in known):
                continue
            if any(begin <= m["start"] < stop for m in known):
                continue
            name = text[begin:stop]
            stops = load().boundaries | _soft_boundaries() if kind != "Project" else {"与", "和", "等"}
            if name in load().suffix_type or _generic_stem(name) or _generic_stem(_without_suffix(name)) or any(
                    name[i:j] in stops for i in range(len(name)) for j in range(i + 1, len(name) + 1)):
                continue    # 众创空间 alone, 国家级企业技术中心: categories, no names
            found.append({"start": begin, "end": stop, "text": name, "name": name,
                          "type": kind, "source": "list"})
    return found


def _without_suffix(name: str) -> str:
    """``name`` without the longest organisation suffix it ends with."""
    suffix = max((sfx for sfx in load().suffix_type if name.endswith(sfx) and sfx != name),
                 key=len, default="")
    return name[:len(name) - len(suffix)]


#: A district named after its city (青山市|南湖区): the role ``subdivision``
#: of kg/data/place_levels.tsv.
_DISTRICT = place_levels().subdivision


@lru_cache(maxsize=1)
def _admin_places() -> frozenset[str]:
    """Place names that take 市/省: the lexicon's places and the segmenter
    dictionary's place names (tag ``ns``) of two to four characters."""
    return frozenset(load().places) | frozenset(
        w for w, tag in segmenter_tags().items() if tag == "ns" and 2 <= len(w) <= 4)


def find_places(text: str, known: list[dict], toks: "_Tokens | None" = None) -> list[dict]:
    """Cities and districts named with their level (清远市, 北京市海淀区,
    广东省): the government of a place, typed Government, when they stand
    on their own rather than inside an organisation's name.

    >>> [m["name"] for m in find_places("青山市南湖区举行签约仪式", [])]
    ['青山市南湖区']
    """
    lex = load()
    places = _admin_places()
    levels = place_levels().known_place_levels
    found = []
    for match in place_levels().known_place_level.finditer(text):
        level, end = match.start(), match.end()
        start = next((level - n for n in (4, 3, 2) if text[level - n:level] in places
                      and not text.endswith(levels, 0, level)), None)
        if start is None or start < 0:
            continue
        if start > 0 and _NAME_CHAR.match(text[start - 1]) and toks is not None \
                and start not in toks.starts:
            continue  # 超大城市, 珠三角城市: not a city's name
        district = _DISTRICT.match(text, end)
        if district and not lex.suffix_re.match(text, district.start()):
            end = district.end()
        if any(m["start"] <= start and end <= m["end"] for m in known + found):
            continue
        if end < len(text) and lex.suffix_re.match(text, end):
            continue  # 清远市科技局: part of a longer name
        name = text[start:end]
        found.append({"start": start, "end": end, "text": name, "name": name,
                      "type": "Government", "source": "place"})
    for match in _BARE_PLACE.finditer(text):
        start, end = match.span("place")
        if text[start:end] in places and not any(m["start"] < end and start < m["end"]
                                                 for m in known + found):
            found.append({"start": start, "end": end, "text": match.group("place"),
                          "name": match.group("place"), "type": "Government", "source": "place"})
    return found


#: A place named without its level where the words around can only mean a
#: place: 位于清远的…, 落户湖州，.
_BARE_PLACE = re.compile(r"(?:位于|地处|坐落于|坐落在|落户|扎根)(?P<place>[\u4e00-\u9fff]{2,4}?)(?=的|[，。；、])")


ROOT_TYPES = ("University", "Company", "Park", "Government")


def expand_elided_units(text: str, mentions: list[dict]) -> list[dict]:
    """Units named without their parent in a chain of posts:
    ``陕西某大学科技公司总经理、科技成果转移转化中心主任王某`` names the
    centre of the same university, ``某高新区党工委副书记、管委会主任张某``
    the zone's committee. The unit gets its full name (parent + unit);
    the short form stays its surface text.

    >>> ms = recognize("星河大学科技处处长、研究生院院长王立新表示")
    >>> [m["name"] for m in ms if m["text"] == "研究生院"]
    ['星河大学研究生院']
    """
    lex = load()
    out = []
    for comma in re.finditer("、", text):
        head = max((m for m in mentions if m["type"] in ORG_TYPES_ALL and m["end"] <= comma.start()
                    and lex.title_re.fullmatch(text, m["end"], comma.start())),
                   key=lambda m: m["end"] - m["start"], default=None)
        if head is None:
            continue
        root = max((m for m in mentions if m["start"] == head["start"] and m["end"] < head["end"]
                    and m["type"] in ROOT_TYPES), key=lambda m: m["end"], default=None)
        title = next((t for t in lex.title_re.finditer(text, comma.end(), comma.end() + 20)), None)
        if root is None or title is None:
            continue
        unit_text = text[comma.end():title.start()]
        if not unit_text or not lex.suffix_re.search(unit_text) or \
                not any(unit_text.endswith(x) for x in lex.suffix_type) or \
                any(c in PUNCT for c in unit_text) or unit_text.startswith(root["text"]):
            continue
        existing = next((m for m in mentions if m["start"] == comma.end() and m["end"] == title.start()), None)
        if existing is not None and any(m["start"] == existing["start"] and m["end"] < existing["end"]
                                        and m["type"] in ROOT_TYPES for m in mentions):
            continue  # already has its own parent (某大学…、某公司总经理)
        suffix = max((x for x in lex.suffix_type if unit_text.endswith(x)), key=len)
        stem = unit_text[:-len(suffix)]
        if stem and not _generic_stem(stem):
            continue  # 天衡公司 has a name of its own
        kind = existing["type"] if existing else lex.suffix_type[suffix]
        if root["type"] == "University" and kind in ("Department", "Government"):
            kind = "Department"
        full = root["text"] + unit_text
        if existing is not None:
            existing.update(name=full, type=kind, parent=root)
        else:
            out.append({"start": comma.end(), "end": title.start(), "text": unit_text,
                        "name": full, "type": kind, "source": "elided", "parent": root,
                        "suffix": suffix})
    return out


ORG_TYPES_ALL = ("University", "Department", "ResearchInstitute", "Platform", "Company",
                 "Government", "Park", "Organization")


def outermost(mentions: list[dict]) -> list[dict]:
    """Drop mentions strictly inside another mention of the same list."""
    keep = []
    for m in mentions:
        if not any(o is not m and o["start"] <= m["start"] and m["end"] <= o["end"]
                   and (o["end"] - o["start"]) > (m["end"] - m["start"]) for o in mentions):
            keep.append(m)
    return keep


@lru_cache(maxsize=1)
def _unit_re() -> re.Pattern:
    lex = load()
    endings = _longest_first(_words("admin_units.txt"))
    titles = "|".join(map(re.escape, lex.titles))
    return re.compile(rf"(?:{'|'.join(map(re.escape, endings))})"
                      rf"(?=(?:[\u4e00-\u9fff]{{2,3}})?(?:{titles}|负责人))")


#: What may stand just before a unit named on its own.
UNIT_BEFORE = re.compile(r"(^|[，,、。；;：:“（(\s]|我校|学校|本校|校|我院|院|由|和|及|与|以及)$")
#: Words of the article's own institution that stand before its units (校科研处).
SELF_PREFIXES = ("我校", "学校", "本校", "校", "我院", "院")
#: Characters a unit's own name never holds (verbs, particles).
NOT_IN_UNITS = frozenset("的了在是由为对向从将把被于等各位名")


def find_units(text: str, known: list[dict]) -> list[dict]:
    """Administrative units named on their own before a post (科研处处长,
    教育培训部某某部长): Departments whose parent the article makes clear.

    >>> [m["text"] for m in find_units("校科研部副部长、产学研与服务处处长某某出席", [])]
    ['科研部', '产学研与服务处']
    """
    out = []
    for match in _unit_re().finditer(text):
        end = match.end()
        if any(m["start"] < end and match.start() < m["end"] for m in known):
            continue
        best = None
        for start in range(max(0, match.start() - 9), match.start() - 1):
            stem = text[start:match.start()]
            if not re.fullmatch(r"[\u4e00-\u9fff]+", stem) or set(stem) & NOT_IN_UNITS:
                continue
            if stem[0] in "与和及" or stem[-1] in "与和及" or stem.startswith(SELF_PREFIXES):
                continue
            if UNIT_BEFORE.search(text[:start]):
                best = start
                break
        if best is not None:
            out.append({"start": best, "end": end, "text": text[best:end], "name": text[best:end],
                        "type": "Department", "source": "unit"})
    return out


def recognize(text: str, token_spans: list[tuple[int, int]] | None = None) -> list[dict]:
    """All entity mentions of ``text``, sorted by start (nested ones included).

    Parameters
    ----------
    text : str
        One sentence of cleaned, Simplified text.
    token_spans : list of (start, end), optional
        Token boundaries from the segmenter; jieba is run if omitted.

    Returns
    -------
    list of dict
        Mention records (``start``, ``end``, ``text``, ``name``, ``type``,
        ``source``); mentions may nest (a university inside its department).
    """
    toks = _Tokens(text, token_spans if token_spans is not None else tokenize(text))
    orgs = find_organisations(text, toks)
    quoted = find_quoted(text)
    orgs = [m for m in orgs if not any(q["start"] < m["end"] and m["start"] < q["end"] for q in quoted)]
    events = [e for e in find_events(text, toks)
              if not any(q["start"] <= e["start"] < q["end"] for q in quoted)]
    orgs = [m for m in orgs if not any(e["start"] <= m["start"] and m["end"] <= e["end"]
                                       and m["end"] != e["end"] for e in events)
            or m["type"] in ("Park", "University", "Government", "Company")]
    quoted = quoted + find_projects(text, toks, orgs + quoted + events)
    orgs = [m for m in orgs if not any(q["type"] == "Project" and q["start"] == m["start"]
                                       and q["end"] == m["end"] + 2 for q in quoted)]
    orgs = orgs + find_list_items(text, orgs + quoted + events)
    orgs = orgs + find_described_firms(text, orgs + quoted + events)
    orgs = orgs + find_places(text, orgs + quoted, toks)
    orgs = orgs + expand_elided_units(text, orgs)
    orgs = orgs + find_units(text, orgs + quoted + events)
    persons = find_persons(text, orgs)
    persons += find_bare_persons(text, orgs + quoted + events + persons)
    teams = find_teams(text, orgs)
    roles = find_roles(text, orgs)
    orgs = [m for m in orgs if not any(r["start"] <= m["start"] and m["end"] == r["end"] for r in roles)]
    leaders = [{"start": t["leader_start"], "end": t["leader_start"] + len(t["leader"]),
                "text": t["leader"], "name": t["leader"], "type": "Person", "source": "team"}
               for t in teams]
    mentions = orgs + quoted + events + persons + teams + roles + leaders
    unique = {}
    for m in mentions:
        unique.setdefault((m["start"], m["end"], m["type"]), m)
    return sorted(unique.values(), key=lambda m: (m["start"], -(m["end"] - m["start"])))

