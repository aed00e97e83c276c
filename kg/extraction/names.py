"""The learned name tagger: a linear-chain CRF over characters.

Names in this news are compositional and the rules (:mod:`kg.extraction.name_rules`)
find most of them, but they miss what no suffix or title announces and a
trained lexical analyser (:mod:`kg.extraction.lexical`) finds another share
with its own errors. Rather than merging the two by hand, a CRF decides
per character, with both as features beside the characters themselves:

* the character, its neighbours and bigrams;
* LAC's tag of the word it is in, and its place in that word (``ORG-B``);
* the rules' mention it is in (outermost and innermost: ``Company-I``),
  and the rule that found it;
* the jieba token it is in (start or inside, the word when short);
* whether it is a common surname.

Labels are ``B-<type>``/``I-<type>``/``O`` over the 13 entity types, learned
from gold files (:mod:`kg.extraction.gold`) with ``python-crfsuite``.

Example
-------
>>> feats = char_features("星河大学签约", lac=[(0, 4, "ORG"), (4, 6, "v")],
...                       rules=[{"start": 0, "end": 4, "type": "University", "source": "suffix"}],
...                       tokens=[(0, 4), (4, 6)])
>>> feats[0]["lac"], feats[0]["rule"], feats[4]["rule"]
('ORG-B', 'University-B', 'O')
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pycrfsuite

from kg.extraction.lexicon import load
from kg.extraction.name_rules import EVENT_OPENERS, unnamed_event

#: The model's file name inside a model folder.
MODEL_FILE = "names.crfsuite"
#: Rule mentions kept where the tagger found nothing overlapping them: an
#: event the rules read from its ending (某某签约仪式) is mostly right even
#: when the tagger, trained on few events, misses it (out-of-fold, seeds +
#: development set: relation F1 0.506 → 0.520, entity F1 0.803 → 0.801;
#: keeping platforms or government bodies as well lowered both).
KEPT_RULE_TYPES = frozenset({"Event"})


def _position(i: int, start: int, end: int) -> str:
    if end - start == 1:
        return "S"
    return "B" if i == start else ("E" if i == end - 1 else "I")


def char_features(text: str, lac, rules, tokens) -> list[dict]:
    """Features of each character of one sentence.

    Parameters
    ----------
    text : str
        The sentence.
    lac : list of (start, end, tag)
        LAC's words, offsets in ``text``.
    rules : list of dict
        The rules' mentions (``start``, ``end``, ``type``, ``source``).
    tokens : list of (start, end)
        The segmenter's tokens.

    Returns
    -------
    list of dict
        One feature dict per character (``crfsuite`` attribute names to
        string values or weights).
    """
    n = len(text)
    lex = load()
    lac_tag = ["w"] * n
    lac_pos = ["S"] * n
    lac_word = [""] * n
    for s, e, tag in lac:
        for i in range(max(s, 0), min(e, n)):
            lac_tag[i], lac_pos[i] = tag, _position(i, s, e)
            lac_word[i] = text[s:e] if e - s <= 4 else text[e - 2:e]
    outer = ["O"] * n
    inner = ["O"] * n
    source = [""] * n
    for m in sorted(rules, key=lambda m: m["end"] - m["start"], reverse=True):
        for i in range(max(m["start"], 0), min(m["end"], n)):
            label = f"{m['type']}-{'B' if i == m['start'] else 'I'}"
            if outer[i] == "O":
                outer[i] = label
                source[i] = m.get("source", "")
            inner[i] = label
    tok_pos = ["S"] * n
    tok_word = [""] * n
    for s, e in tokens:
        for i in range(max(s, 0), min(e, n)):
            tok_pos[i] = _position(i, s, e)
            tok_word[i] = text[s:e] if e - s <= 3 else ""
    out = []
    for i, ch in enumerate(text):
        prev1 = text[i - 1] if i >= 1 else "^"
        prev2 = text[i - 2] if i >= 2 else "^"
        next1 = text[i + 1] if i + 1 < n else "$"
        next2 = text[i + 2] if i + 2 < n else "$"
        f = {
            "c": ch, "c-1": prev1, "c+1": next1, "c-2": prev2, "c+2": next2,
            "b-1": prev1 + ch, "b+1": ch + next1, "t-1": prev2 + prev1 + ch,
            "lac": f"{lac_tag[i]}-{lac_pos[i]}", "lact": lac_tag[i],
            "lac-1": lac_tag[i - 1] if i else "^", "lac+1": lac_tag[i + 1] if i + 1 < n else "$",
            "rule": outer[i], "rulein": inner[i], "src": source[i],
            "rule-1": outer[i - 1] if i else "^", "rule+1": outer[i + 1] if i + 1 < n else "$",
            "tok": tok_pos[i],
        }
        if lac_word[i]:
            f["lacw"] = lac_word[i]
        if tok_word[i]:
            f["tokw"] = tok_word[i]
        if ch in lex.surnames:
            f["surname"] = 1.0
        if ch.isdigit():
            f["digit"] = 1.0
        out.append(f)
    return out


def bio_labels(n: int, spans) -> list[str]:
    """``B-<type>``/``I-<type>``/``O`` labels of ``n`` characters from
    ``(start, end, type, …)`` spans."""
    labels = ["O"] * n
    for s, e, etype, *_ in spans:
        if 0 <= s < e <= n:
            labels[s] = f"B-{etype}"
            for i in range(s + 1, e):
                labels[i] = f"I-{etype}"
    return labels


def spans_of(labels: list[str]) -> list[tuple[int, int, str]]:
    """The ``(start, end, type)`` spans of a BIO label sequence (an ``I``
    without its ``B`` starts a span)."""
    spans, start, etype = [], None, None
    for i, label in enumerate([*labels, "O"]):
        if label == "O" or label.startswith("B-") or (label[2:] != etype):
            if start is not None:
                spans.append((start, i, etype))
            start, etype = (i, label[2:]) if label != "O" else (None, None)
    return spans


class NameTagger:
    """A trained CRF name tagger: ``fit`` / ``predict`` / ``to_disk`` /
    ``from_disk``, as a spaCy trainable component separates them.

    >>> tagger = NameTagger()
    >>> X = [char_features("甲大学签约", [(0, 3, "ORG"), (3, 5, "v")], [], [(0, 3), (3, 5)])] * 3
    >>> y = [bio_labels(5, [(0, 3, "University")])] * 3
    >>> tagger.fit(X, y).predict(X[:1])
    [['B-University', 'I-University', 'I-University', 'O', 'O']]
    """

    #: The file the model is written to in a folder.
    MODEL_FILE = MODEL_FILE

    def __init__(self, c1: float = 0.05, c2: float = 0.05, max_iterations: int = 120):
        self.params = {"c1": c1, "c2": c2, "max_iterations": max_iterations,
                       "feature.possible_transitions": True}
        self._tagger = None
        self._path = None

    def fit(self, sequences, labels, path: str | Path | None = None) -> "NameTagger":
        """Train on feature sequences and their label sequences; the model
        is written to ``path`` (a temporary file if omitted)."""
        trainer = pycrfsuite.Trainer(verbose=False)
        for xseq, yseq in zip(sequences, labels):
            trainer.append(xseq, yseq)
        trainer.set_params(self.params)
        if path is None:
            handle = tempfile.NamedTemporaryFile(suffix=".crfsuite", delete=False)
            handle.close()
            path = handle.name
        trainer.train(str(path))
        return self._open(path)

    def _open(self, path) -> "NameTagger":
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self._path = Path(path)
        return self

    def predict(self, sequences) -> list[list[str]]:
        """The most likely label sequence of each feature sequence."""
        return [self._tagger.tag(xseq) if xseq else [] for xseq in sequences]

    def to_disk(self, folder: str | Path) -> Path:
        """Copy the model file into ``folder``; returns its path."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / MODEL_FILE
        if self._path.resolve() != target.resolve():
            shutil.copyfile(self._path, target)
        return target

    @classmethod
    def from_disk(cls, folder: str | Path) -> "NameTagger":
        """Load the model written by :meth:`to_disk`."""
        return cls()._open(Path(folder) / MODEL_FILE)


#: Paired marks a name holds whole or not at all.
PAIRS = (("“", "”"), ("《", "》"), ("(", ")"), ("（", "）"), ("「", "」"), ("‘", "’"))
#: How far outside a span its missing partner mark is looked for.
PAIR_REACH = 12
#: Characters that join names, never start or end one (LAC glues them on).
JOINERS = frozenset("与和及、，,")
#: Words after a quoted name that only say what kind of thing it is: the
#: name is what the quotes hold (“某某走进某地”活动 → 某某走进某地).
QUOTED_TAILS = {"Event": ("活动", "系列活动", "主题活动")}
#: A news agency's dateline (中央社某县23日电) is no name.
DATELINE = re.compile(r"\d\s*日\s*(电|讯|报道|报导)")


def _unmatched(name: str, opening: str, closing: str) -> tuple[int | None, int | None]:
    """Index of the first closing mark without its opening one, and of the
    last opening mark left open."""
    stack, first_close = [], None
    for i, ch in enumerate(name):
        if ch == opening:
            stack.append(i)
        elif ch == closing:
            if stack:
                stack.pop()
            elif first_close is None:
                first_close = i
    return first_close, (stack[-1] if stack else None)


def repair_span(text: str, start: int, end: int, etype: str) -> tuple[int, int]:
    """A tagger span with its paired marks made whole and its glue removed.

    A closing quote or bracket without its opening one takes the opening
    mark in from just before the span (``杯”某大赛`` → ``“某某杯”某大赛``) or
    is cut off; an opening mark left open is closed from just after the
    span when the name starts with it, else the name ends before it
    (``某高新区(某区`` → ``某高新区``); a name wholly in quotes loses them;
    joining characters at either end go; an event's name starts after the
    verb that opens its clause (``某区隆重举行某仪式`` → ``某仪式``).

    >>> t = "在“星河杯”创新大赛上"
    >>> s, e = repair_span(t, 5, 10, "Event"); t[s:e]
    '“星河杯”创新大赛'
    >>> t = "蓝海高新区(东区)的企业"
    >>> s, e = repair_span(t, 0, 8, "Park"); t[s:e]
    '蓝海高新区'
    >>> t = "据悉，“星河科技对接活动”旨在"
    >>> s, e = repair_span(t, 3, 12, "Event"); t[s:e]
    '星河科技对接活动'
    >>> t = "举办“星河科技走进东区”活动"
    >>> s, e = repair_span(t, 3, 14, "Event"); t[s:e]
    '星河科技走进东区'
    >>> t = "东区隆重举行星河大学科技园揭牌仪式"
    >>> s, e = repair_span(t, 0, 17, "Event"); t[s:e]
    '星河大学科技园揭牌仪式'
    """
    for opening, closing in PAIRS:
        close_at, open_at = _unmatched(text[start:end], opening, closing)
        if close_at is not None:
            left = text[max(0, start - PAIR_REACH):start]
            j = left.rfind(opening)
            if j >= 0 and closing not in left[j:] and opening not in "(（":
                start = start - len(left) + j
            else:
                start = start + close_at + 1
        close_at, open_at = _unmatched(text[start:end], opening, closing)
        if open_at is not None:
            right = text[end:end + PAIR_REACH]
            k = right.find(closing)
            if open_at == 0 and k >= 0 and opening not in right[:k]:
                end = end + k + 1
            elif open_at == 0:
                start += 1
            else:
                end = start + open_at
        name = text[start:end]
        if name[:1] == opening and closing in name and \
                name[name.index(closing) + 1:] in QUOTED_TAILS.get(etype, ()):
            end = start + name.index(closing)
            start += 1
            name = text[start:end]
        if len(name) > 2 and name[0] == opening and name[-1] == closing \
                and _unmatched(name[1:-1], opening, closing) == (None, None):
            start, end = start + 1, end - 1
    while end - start > 1 and text[start] in JOINERS:
        start += 1
    while end - start > 1 and text[end - 1] in JOINERS:
        end -= 1
    if etype == "Event":
        name = text[start:end]
        cut = max((name.rfind(v) + len(v) for v in EVENT_OPENERS if v in name[1:]), default=0)
        if cut and len(name) - cut >= 4:
            start += cut
    return start, end


def tagged_mentions(text: str, spans, rules: list[dict]) -> list[dict]:
    """Mention dicts of one sentence from the tagger's ``(start, end, type)``
    spans.

    A span the rules found too keeps the rules' record (its canonical name,
    the rule that found it); a new span becomes a mention of source
    ``tagger``. Rule mentions nested inside a kept span (the university of a
    department, the leader of a team) stay, so relations between a name and
    its parts can still be read; so do the names of a user's own trained
    model (source ``model``, see :func:`kg.extraction.pipeline.build_pipeline`) where
    the tagger found nothing. The other rule mentions are dropped: the
    tagger, which saw them as features, decided they are no names (adding
    them back, type by type, lowered cross-validated entity F1) — except
    events (:data:`KEPT_RULE_TYPES`) that no tagger span overlaps.

    >>> rules = [{"start": 0, "end": 4, "text": "星河大学", "name": "星河大学", "type": "University",
    ...           "source": "suffix"}, {"start": 9, "end": 11, "text": "签约", "name": "签约",
    ...           "type": "Event", "source": "event"}]
    >>> [(m["text"], m["source"]) for m in tagged_mentions("星河大学与蓝海公司签约", [(0, 4, "University"),
    ...                                                    (5, 9, "Company")], rules)]
    [('星河大学', 'suffix'), ('蓝海公司', 'tagger'), ('签约', 'event')]

    (签约 stays: an event no tagger span overlaps.)
    """
    out = []
    by_span = {(m["start"], m["end"]): m for m in rules}
    for s, e, etype in spans:
        s, e = repair_span(text, s, e, etype)
        surface = text[s:e]
        if len(surface.strip()) < 2 or etype == "Event" and unnamed_event(surface) \
                or DATELINE.search(surface):
            continue
        rule = by_span.get((s, e))
        if rule is not None:
            out.append(dict(rule))
        else:
            out.append({"start": s, "end": e, "text": surface, "name": surface, "type": etype,
                        "source": "tagger"})
    kept = [(m["start"], m["end"]) for m in out]
    for m in rules:
        if (m["start"], m["end"]) in kept:
            continue
        nested = any(s <= m["start"] and m["end"] <= e for s, e in kept)
        # a user's own trained model (source "model") is trusted where the tagger found nothing
        free = (m.get("source") == "model" or m["type"] in KEPT_RULE_TYPES) \
            and not any(s < m["end"] and m["start"] < e for s, e in kept)
        if nested or free:
            out.append(dict(m))
    return sorted(out, key=lambda m: (m["start"], -(m["end"] - m["start"])))
