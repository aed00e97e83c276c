"""Display columns of text in a terminal, for the CLI's aligned tables.

East Asian wide and full-width characters take two columns, combining and
zero-width characters none, every other character one: :mod:`wcwidth`'s
count, as terminals draw it.  A table of ten thousand rows measures some
thirty thousand cells, so the common wide characters (CJK ideographs, kana,
hangul, CJK and full-width punctuation) are counted by one regular
expression and only the rest one by one.

>>> display_width("湖湾大学 lab")
12
>>> clip("湖湾大学智能制造研究院", 9)
'湖湾大学…'
"""

from __future__ import annotations

import functools
import re

from wcwidth import wcwidth

#: Ranges in which every character takes two columns (the combining marks
#: among them, U+302A–302F and U+3099–309A, left out); ``tests/test_columns.py``
#: checks each against :func:`wcwidth.wcwidth`.
_COMMON_WIDE = re.compile(
    "[\u3000-\u3029\u3030-\u303e\u3041-\u3096\u309b-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal.

    Parameters
    ----------
    text : str

    Returns
    -------
    int
        Its length, plus one for each wide or full-width character, minus
        one for each combining or zero-width one.

    Examples
    --------
    >>> display_width("清华大学（深圳）")
    16
    >>> display_width("“AI”"), display_width("e\u0301")
    (4, 1)
    """
    if text.isascii():
        return len(text)
    rest = _COMMON_WIDE.sub("", text)
    width = 2 * len(text) - len(rest)
    if not rest.isascii():
        width += sum(_char_width(char) - 1 for char in _NON_ASCII.findall(rest))
    return width


@functools.lru_cache(maxsize=None)
def _char_width(char: str) -> int:
    return max(wcwidth(char), 0)       # a control character (-1) draws nothing


def clip(text: str, width: int = 60) -> str:
    """``text`` cut to at most ``width`` columns, ending in an ellipsis if cut.

    Parameters
    ----------
    text : str
    width : int
        Columns allowed, the ellipsis included.

    Returns
    -------
    str

    Examples
    --------
    >>> clip("short")
    'short'
    >>> clip("中国科学院", 6)
    '中国…'
    """
    return clipped(text, width)[0]


def clipped(text: str, width: int = 60) -> tuple[str, int]:
    """:func:`clip` of ``text`` and the columns it takes, measured once.

    >>> clipped("中国科学院", 6)
    ('中国…', 5)
    """
    columns = display_width(text)
    if columns <= width:
        return text, columns
    # the longest prefix within width - 1 columns, and the ellipsis
    used = 0
    for i, char in enumerate(text):
        step = 1 if char.isascii() else _char_width(char)
        if used + step > width - 1:
            return text[:i] + "…", used + 1
        used += step
    return text, columns
