"""Display columns of text in a terminal, for the CLI's aligned tables.

East Asian wide and full-width characters take two columns, every other
character one (Unicode's East Asian Width, as terminals draw it).  A table
of ten thousand rows measures some thirty thousand cells, so the common wide
characters (CJK ideographs, kana, hangul, CJK and full-width punctuation)
are counted by one regular expression and only the rest one by one.

>>> display_width("湖湾大学 lab")
12
>>> clip("湖湾大学智能制造研究院", 9)
'湖湾大学…'
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: Ranges in which every character is East Asian wide (W) or full-width
#: (F); ``tests/test_columns.py`` checks each against :mod:`unicodedata`.
_COMMON_WIDE = re.compile(
    "[\u3000-\u303e\u3041-\u3096\u3099-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7a3\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal.

    Parameters
    ----------
    text : str

    Returns
    -------
    int
        Its length, plus one for each East Asian wide or full-width character.

    Examples
    --------
    >>> display_width("清华大学（深圳）")
    16
    >>> display_width("“AI”")
    4
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
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


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
