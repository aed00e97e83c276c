"""Candidate entity pairs and the features the relation model reads.

A relation is stated between two names of one sentence, or, for events,
between an event the article names and the people and bodies its other
sentences show taking part. Candidates are therefore

* every ordered pair of mentions of a sentence (nested ones included, so a
  department can be ``partOf`` the university its name starts with), and
* every (party, event) pair of a document whose two names never share a
  sentence.

Each candidate carries sparse features (a dict of name → weight): the two
types, the words between and around the pair, the distance, punctuation,
cue words of the sentence, and the rules' votes (:mod:`kg.extraction.relation_rules`) for the
pair. The model (:mod:`kg.extraction.relations`) learns which predicate, if
any, the features support.

Example
-------
>>> ms = [{"start": 0, "end": 4, "name": "星河大学", "type": "University", "text": "星河大学"},
...       {"start": 5, "end": 11, "name": "蓝海科技公司", "type": "Company", "text": "蓝海科技公司"}]
>>> pairs = sentence_candidates("星河大学与蓝海科技公司签约。", ms, [(0, 4), (4, 5), (5, 11), (11, 13), (13, 14)])
>>> [(c["subject"], c["object"]) for c in pairs]
[('星河大学', '蓝海科技公司'), ('蓝海科技公司', '星河大学')]
>>> pairs[0]["features"]["bw=与"]
1.0
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache

from kg.extraction.lexicon import _lines, load

#: Types that can take part in an event.
PARTY_TYPES = frozenset({"Person", "University", "Department", "ResearchInstitute", "Platform",
                         "Company", "Government", "Park", "Organization", "Team"})
#: Marks that join the members of a list of names.
LIST_MARKS = frozenset("、，,和及与;；")
#: The marks of those that only enumerate (``和``, ``与`` also join a
#: party to the one it acts with: ``甲、乙与丙签约``).
ENUMERATION_MARKS = frozenset("、，,;；")
#: Pairs further apart than this (characters between them) get no word features.
MAX_GAP_WORDS = 40
#: A sentence with more mentions than this is read as a long list: two
#: members of one list are paired only when they stand side by side (a list
#: of four hundred universities that sign with one firm makes four hundred
#: pairs with the firm, not 160 000 among themselves), so that the work
#: grows with the list instead of with its square or cube.  Shorter
#: sentences keep every pair.
LONG_LIST_MENTIONS = 40


@lru_cache(maxsize=1)
def cue_words() -> frozenset[str]:
    """Trigger words of every predicate and the cue words of
    ``kg/data/cue_words.txt``."""
    words = {w for ws in load().triggers.values() for w in ws}
    words |= {line.strip() for line in _lines("cue_words.txt")}
    return frozenset(words)


def _bucket(n: int, edges=(0, 1, 3, 6, 11, 21, 41)) -> str:
    for edge in reversed(edges):
        if n >= edge:
            return f"{edge}+"
    return "0+"


def _words(text: str, tokens, start: int, end: int) -> list[str]:
    if isinstance(tokens, _Tokens):
        return tokens.words(text, start, end)
    return [text[s:e] for s, e in tokens if s >= start and e <= end and text[s:e].strip()]


class _Tokens(list):
    """Token spans in text order, looked up by position in logarithmic time
    (a long list's sentence has thousands of tokens and pairs)."""

    def __init__(self, tokens):
        super().__init__(sorted(tokens))
        self.starts = [s for s, _ in self]

    def words(self, text: str, start: int, end: int) -> list[str]:
        out = []
        for s, e in self[bisect_left(self.starts, start):]:
            if s >= end:
                break
            if e <= end and text[s:e].strip():
                out.append(text[s:e])
        return out


class _Lists:
    """The lists of one sentence's mentions, walked once: for each mention
    (in order of start), the mention its list continues with, and where
    the list that runs on from it ends."""

    def __init__(self, text: str, mentions: list[dict]):
        order = sorted(range(len(mentions)), key=lambda i: mentions[i]["start"])
        self.mentions = mentions
        self.index = {id(m): i for i, m in enumerate(mentions)}
        self.starts = [mentions[i]["start"] for i in order]
        self.order = order
        self.next: dict[int, int] = {}
        for rank, i in enumerate(order):
            end = mentions[i]["end"]
            k = bisect_left(self.starts, end, lo=rank + 1)
            if k < len(order) and _links(text[end:self.starts[k]]):
                self.next[i] = order[k]
        self.end: dict[int, int] = {}
        for i in reversed(order):
            j = self.next.get(i)
            self.end[i] = self.end[j] if j is not None else mentions[i]["end"]
        # The enumerations: runs joined by a comma-like mark only.
        self.head: dict[int, int] = {}
        for i in order:
            if i not in self.head:
                j = i
                while j is not None and j not in self.head:
                    self.head[j] = i
                    k = self.next.get(j)
                    j = k if k is not None and text[mentions[j]["end"]] in ENUMERATION_MARKS else None

    def paired(self, i: int, j: int) -> bool:
        """Whether mentions ``i`` and ``j`` get a candidate: not two
        members of one enumeration unless side by side."""
        return (self.head[i] != self.head[j] or self.next.get(i) == j
                or self.next.get(j) == i)

    def skip(self, mention: dict, limit: int) -> int:
        """:func:`_skip_list` from ``mention``, up to ``limit``."""
        end, j = mention["end"], self.next.get(self.index[id(mention)])
        while j is not None and self.mentions[j]["end"] <= limit:
            end, j = self.mentions[j]["end"], self.next.get(j)
        return end

    def between(self, start: int, end: int) -> list[dict]:
        out = []
        for k in range(bisect_left(self.starts, start), len(self.order)):
            if self.starts[k] > end:
                break
            m = self.mentions[self.order[k]]
            if m["end"] <= end:
                out.append(m)
        return out


def _links(between: str) -> bool:
    """Whether the text between two names joins them as members of one list."""
    return bool(between) and len(between) <= 10 and between[0] in LIST_MARKS \
        and not any(w in between for w in cue_words())


def _sentence_cues(text: str) -> list[str]:
    return [w for w in cue_words() if w in text]


def pair_features(text: str, a: dict, b: dict, tokens, mentions, cues, votes,
                  lists: "_Lists | None" = None) -> dict:
    """Features of the ordered pair (``a`` subject, ``b`` object) in one
    sentence; ``votes`` maps ``(subject, object)`` names to the predicates
    the rules gave them in this sentence; ``lists``, for a long sentence,
    the index that finds lists and the mentions between two places without
    scanning every mention."""
    ta, tb = a["type"], b["type"]
    tt = f"{ta}>{tb}"
    f = {"ta=" + ta: 1.0, "tb=" + tb: 1.0, "tt=" + tt: 1.0}
    nested = a["start"] <= b["start"] and b["end"] <= a["end"] or \
        b["start"] <= a["start"] and a["end"] <= b["end"]
    if nested:
        inner_is_a = b["start"] <= a["start"] and a["end"] <= b["end"]
        f["nested=" + ("a_in_b" if inner_is_a else "b_in_a")] = 1.0
        f[f"nested|{tt}|{'a_in_b' if inner_is_a else 'b_in_a'}"] = 1.0
        first, second = (a, b) if a["start"] <= b["start"] else (b, a)
        gap_start = gap_end = first["end"]
    else:
        first, second = (a, b) if a["start"] < b["start"] else (b, a)
        gap_start, gap_end = first["end"], second["start"]
        f["order=" + ("ab" if first is a else "ba")] = 1.0
        f[f"order|{tt}|{'ab' if first is a else 'ba'}"] = 1.0
    gap = max(0, gap_end - gap_start)
    f["gap=" + _bucket(gap)] = 1.0
    f[f"gap|{tt}|{_bucket(gap)}"] = 1.0
    if lists is None:
        between = [m for m in mentions if m["start"] >= gap_start and m["end"] <= gap_end]
    else:
        between = lists.between(gap_start, gap_end)
    f["nmid=" + _bucket(len(between), (0, 1, 2, 4))] = 1.0
    for m in between:
        f["mid_t=" + m["type"]] = 1.0
    seg = text[gap_start:gap_end]
    for p in "、，；：（）“":
        if p in seg:
            f["punct=" + p] = 1.0
            f[f"punct|{tt}|{p}"] = 1.0
    if gap <= MAX_GAP_WORDS:
        for w in _words(text, tokens, gap_start, gap_end):
            f["bw=" + w] = 1.0
            f[f"bw|{tt}|{w}"] = 1.0
    if gap == 0 and not nested:
        f[f"adjacent|{tt}"] = 1.0
    if not nested:
        if lists is None:
            hop_start = _skip_list(text, first, mentions, second["start"])
            tail = _skip_list(text, second, mentions, len(text))
        else:
            hop_start = lists.skip(first, second["start"])
            tail = lists.skip(second, len(text))
        if hop_start > gap_start:
            f["listed"] = 1.0
            f[f"listed|{tt}"] = 1.0
            hop = max(0, gap_end - hop_start)
            f[f"cgap|{tt}|{_bucket(hop)}"] = 1.0
            if hop <= MAX_GAP_WORDS:
                for w in _words(text, tokens, hop_start, gap_end):
                    f["cbw=" + w] = 1.0
                    f[f"cbw|{tt}|{w}"] = 1.0
        if tail > second["end"]:
            f["second_listed"] = 1.0
        for w in _words(text, tokens, tail, tail + 8)[:2]:
            f["after_list=" + w] = 1.0
            f[f"after_list|{tt}|{w}"] = 1.0
    left = _words(text, tokens, max(0, first["start"] - 6), first["start"])[-2:]
    right = _words(text, tokens, second["end"], second["end"] + 6)[:2]
    for w in left:
        f["lw=" + w] = 1.0
        f[f"lw|{tt}|{w}"] = 1.0
    for w in right:
        f["rw=" + w] = 1.0
        f[f"rw|{tt}|{w}"] = 1.0
    after_a = text[a["end"]:a["end"] + 4]
    after_b = text[b["end"]:b["end"] + 4]
    f["a_next=" + after_a[:2]] = 1.0
    f["b_next=" + after_b[:2]] = 1.0
    f["a_prev=" + text[max(0, a["start"] - 2):a["start"]]] = 1.0
    f["b_prev=" + text[max(0, b["start"] - 2):b["start"]]] = 1.0
    for w in cues:
        f["cue=" + w] = 1.0
        f[f"cue|{tt}|{w}"] = 1.0
    for p in votes.get((a["name"], b["name"]), ()):
        f["rule=" + p] = 1.0
        f[f"rule|{tt}|{p}"] = 1.0
    for p in votes.get((b["name"], a["name"]), ()):
        f["rrule=" + p] = 1.0
    if a.get("source"):
        f["src_a=" + a["source"]] = 1.0
    if b.get("source"):
        f["src_b=" + b["source"]] = 1.0
    f["bias"] = 1.0
    return f


def _skip_list(text: str, first: dict, mentions, limit: int) -> int:
    """The end of the list ``first`` heads: from its end, hop over the
    mentions that follow it separated only by a list mark and at most a
    short title (``甲、乙和丙``, ``书记甲，副书记乙``), up to ``limit``."""
    end = first["end"]
    later = sorted((m for m in mentions if m["start"] >= end and m["end"] <= limit),
                   key=lambda m: m["start"])
    for m in later:
        if m["start"] < end:
            continue
        if not _links(text[end:m["start"]]):
            break
        end = m["end"]
    return end


def sentence_candidates(text: str, mentions: list[dict], tokens, votes=None) -> list[dict]:
    """Every ordered pair of differently named mentions of one sentence,
    with features; ``votes`` as in :func:`pair_features`."""
    votes = votes or {}
    cues = _sentence_cues(text)
    lists = None
    if len(mentions) > LONG_LIST_MENTIONS:
        lists, tokens = _Lists(text, mentions), _Tokens(tokens)
    out = []
    for i, a in enumerate(mentions):
        for j, b in enumerate(mentions):
            if a is b or a["name"] == b["name"] or (lists and not lists.paired(i, j)):
                continue
            out.append({"subject": a["name"], "object": b["name"],
                        "subject_type": a["type"], "object_type": b["type"],
                        "features": pair_features(text, a, b, tokens, mentions, cues, votes, lists)})
    return out


def _event_reference(event: str, texts: list[str]) -> list[str]:
    """Whether the party's sentences refer to the event by its kind (the
    name's ending, e.g. ``仪式`` for a 揭牌仪式) and say someone attends."""
    lex = load()
    kind = next((w for w in lex.event_suffixes if event.endswith(w)), event[-2:])
    attend = lex.triggers.get("participatesIn", ()) + lex.triggers.get("organizes", ())
    out = []
    for text in texts:
        ref = kind in text or kind[-2:] in text
        att = any(w in text for w in attend)
        if ref:
            out.append("xref")
        if att:
            out.append("xatt")
        if ref and att:
            out.append("xref_att")
    return sorted(set(out))


def event_candidates(sentences, votes=None) -> list[dict]:
    """(party, event) pairs of a document whose names never share a
    sentence, with features of the party's sentence and its distance to the
    event's mentions.

    ``sentences`` is a list of ``(text, mentions)``; ``votes`` maps
    ``(subject, object)`` to the predicates the rules gave anywhere in the
    document.
    """
    votes = votes or {}
    events = {}
    where: dict[str, list[int]] = {}
    types = {}
    for i, (_, mentions) in enumerate(sentences):
        for m in mentions:
            where.setdefault(m["name"], []).append(i)
            types[m["name"]] = m["type"]
            if m["type"] == "Event":
                events.setdefault(m["name"], i)
    out = []
    n_events = len(events)
    for event, first in events.items():
        ev_sents = set(where[event])
        for name, sents in where.items():
            if types[name] not in PARTY_TYPES or ev_sents & set(sents):
                continue
            t = types[name]
            dist = min(abs(i - j) for i in sents for j in ev_sents)
            f = {"x_t=" + t: 1.0, "ev": 1.0, "ev_dist=" + _bucket(dist, (1, 2, 3, 5, 9)): 1.0,
                 f"ev_dist|{t}|{_bucket(dist, (1, 2, 3, 5, 9))}": 1.0,
                 "n_events=" + _bucket(n_events, (1, 2, 3, 5)): 1.0,
                 "ev_first=" + ("title" if first == 0 else "body"): 1.0,
                 "x_count=" + _bucket(len(sents), (1, 2, 3, 5)): 1.0,
                 "x_before=" + ("yes" if min(sents) < first else "no"): 1.0,
                 "bias_ev": 1.0}
            for i in sents[:3]:
                for w in _sentence_cues(sentences[i][0]):
                    f["xcue=" + w] = 1.0
                    f[f"xcue|{t}|{w}"] = 1.0
            for name_ in _event_reference(event, [sentences[i][0] for i in sents]):
                f[name_] = 1.0
                f[f"{name_}|{t}"] = 1.0
            for p in votes.get((name, event), ()):
                f["rule=" + p] = 1.0
            out.append({"subject": name, "object": event, "subject_type": t,
                        "object_type": "Event", "features": f})
    return out
