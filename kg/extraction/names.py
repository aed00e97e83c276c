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

from pathlib import Path

from kg.extraction.lexicon import load

#: The model's file name inside a model folder.
MODEL_FILE = "names.crfsuite"


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

    def __init__(self, c1: float = 0.05, c2: float = 0.05, max_iterations: int = 120):
        self.params = {"c1": c1, "c2": c2, "max_iterations": max_iterations,
                       "feature.possible_transitions": True}
        self._tagger = None
        self._path = None

    def fit(self, sequences, labels, path: str | Path | None = None) -> "NameTagger":
        """Train on feature sequences and their label sequences; the model
        is written to ``path`` (a temporary file if omitted)."""
        import tempfile

        import pycrfsuite

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
        import pycrfsuite

        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self._path = Path(path)
        return self

    def predict(self, sequences) -> list[list[str]]:
        """The most likely label sequence of each feature sequence."""
        return [self._tagger.tag(xseq) if xseq else [] for xseq in sequences]

    def to_disk(self, folder: str | Path) -> Path:
        """Copy the model file into ``folder``; returns its path."""
        import shutil

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
    them back, type by type, lowered cross-validated entity F1).

    >>> rules = [{"start": 0, "end": 4, "text": "星河大学", "name": "星河大学", "type": "University",
    ...           "source": "suffix"}, {"start": 9, "end": 11, "text": "签约", "name": "签约",
    ...           "type": "Event", "source": "event"}]
    >>> [(m["text"], m["source"]) for m in tagged_mentions("星河大学与蓝海公司签约", [(0, 4, "University"),
    ...                                                    (5, 9, "Company")], rules)]
    [('星河大学', 'suffix'), ('蓝海公司', 'tagger')]
    """
    out = []
    by_span = {(m["start"], m["end"]): m for m in rules}
    for s, e, etype in spans:
        surface = text[s:e]
        if len(surface.strip()) < 2:
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
        free = m.get("source") == "model" and not any(s < m["end"] and m["start"] < e for s, e in kept)
        if nested or free:
            out.append(dict(m))
    return sorted(out, key=lambda m: (m["start"], -(m["end"] - m["start"])))
