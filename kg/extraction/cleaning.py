"""Repair PDF-extraction artefacts and split Chinese text into sentences.

News articles arrive as text extracted from PDF pages or web pages. The PDF
route leaves three kinds of damage that break entity names in half:

* hard line breaks inside sentences (``西安交通大学就创中心副主任沈人\\n\\n杰``),
* spaces between CJK characters (``持 续 深 化``),
* doubled headline runs from overprinted text (``双向奔赴双向奔赴``, ``：：``).

:func:`repair` undoes them; :func:`normalise` also converts Traditional
characters to Simplified for processing while keeping the surface form;
:func:`split_sentences` returns sentence offsets into the cleaned text, so
every extracted claim can point back at the sentence that states it.

Example
-------
>>> repair("持 续 深 化")
'持续深化'
>>> split_sentences("甲。乙！")
[(0, 2), (2, 4)]
"""

from __future__ import annotations

import bisect
import re
import statistics
import unicodedata
from functools import lru_cache

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Characters that may end a paragraph line without the paragraph going on.
LINE_FINAL = "。！？!?；;：:…”’」』）)】"
#: Characters that end a sentence.
SENTENCE_FINAL = "。！？!?"
#: Closing marks that belong to the sentence before them.
CLOSERS = "”’」』）)】"

_SPACE_IN_CJK = re.compile(
    rf"(?<=[{CJK}，。、；：！？“”‘’（）《》\d])[ \t\u3000\u00a0]+(?=[{CJK}，。、；：！？“”‘’（）《》])"
    rf"|(?<=[{CJK}，。、；：！？“”‘’（）《》])[ \t\u3000\u00a0]+(?=\d)"
)
_DOUBLED_PUNCT = re.compile(r"([：:，,。！？；、])\1+")
_DOUBLED_RUN = re.compile(rf"([{CJK}A-Za-z0-9]{{3,12}}?)\1")
_HEADING = re.compile(r"^\s*(#{1,6}\s|[◎▶●■◆★]|[一二三四五六七八九十]+、)")


def remove_cjk_spaces(text: str) -> str:
    """Remove spaces between CJK characters (and between CJK and digits).

    >>> remove_cjk_spaces("持 续 深 化 合作，2021 年")
    '持续深化合作，2021年'
    """
    return _SPACE_IN_CJK.sub("", text)


def collapse_doubled_runs(line: str) -> str:
    """Collapse runs of three or more characters printed twice in a row,
    and doubled punctuation, as left by overprinted PDF headlines.

    Runs shorter than three characters are kept: Chinese reduplication
    (``天天``, ``研究研究``) is ordinary language.

    >>> collapse_doubled_runs("西安交大走进清远西安交大走进清远：：一场校地一场校地双向奔赴双向奔赴")
    '西安交大走进清远：一场校地双向奔赴'
    """
    line = _DOUBLED_PUNCT.sub(r"\1", line)
    previous = None
    while previous != line:
        previous = line
        line = _DOUBLED_RUN.sub(r"\1", line)
    return line


def _display_width(line: str) -> float:
    """Width of a line in CJK cells: ASCII characters count half."""
    return sum(0.5 if ord(char) < 128 else 1.0 for char in line)


#: A text counts as wrapped in columns when at least this many lines, and
#: this share of all lines, end without final punctuation and are no wider
#: than MAX_COLUMN cells.
MIN_WRAPPED_LINES = 8
MIN_WRAPPED_SHARE = 0.25
MAX_COLUMN = 40


#: Wrapped lines on each side of a line that give its local column width.
COLUMN_NEIGHBOURS = 12


def _is_wrapped(line: str) -> bool:
    """A line that ends without final punctuation within a column's width."""
    return line[-1] not in LINE_FINAL and _display_width(line) <= MAX_COLUMN


def _wrap_width(lines: list[str]) -> float:
    """Typical width of a wrapped line, or infinity for unwrapped text.

    PDF columns wrap at a fixed width, so most lines inside a paragraph end
    without final punctuation and are about equally wide: their median is
    the column width. A clearly shorter unpunctuated line ends a heading.
    Text with few such lines (web pages, already cleaned text) is not
    wrapped, and no line of it is joined.
    """
    present = [line for line in lines if line]
    widths = [_display_width(line) for line in present if _is_wrapped(line)]
    if len(widths) < MIN_WRAPPED_LINES or len(widths) < MIN_WRAPPED_SHARE * len(present):
        return float("inf")
    return statistics.median(widths)


def _column_widths(lines: list[str], width: float) -> list[float]:
    """The column width around each line: the median width of the
    ``COLUMN_NEIGHBOURS`` wrapped lines on each side of it.

    Why: a page set in columns of different widths (a 14-cell column beside
    a 17-cell one) has no single wrap width; a broken line of the narrow
    column would pass for a heading against the page's median. Near too few
    wrapped lines, the page's ``width`` stands.
    """
    if width == float("inf"):
        return [width] * len(lines)
    wrapped = [(i, _display_width(line)) for i, line in enumerate(lines)
               if line and _is_wrapped(line)]
    positions = [i for i, _ in wrapped]
    out = []
    for index in range(len(lines)):
        at = bisect.bisect_left(positions, index)
        near = [w for _, w in wrapped[max(0, at - COLUMN_NEIGHBOURS):at + COLUMN_NEIGHBOURS + 1]]
        out.append(statistics.median(near) if len(near) >= MIN_WRAPPED_LINES else width)
    return out


def join_broken_lines(text: str) -> str:
    """Join lines that a PDF column broke in the middle of a sentence.

    A line is continued by the next non-blank line when it does not end with
    final punctuation, is not a heading or byline, was not overprinted (a
    doubled run marks a headline), and is at least 70 % of the typical wrap
    width of the lines around it (shorter lines end headings and titles).

    >>> column = "某某大学与某某公司在某\\n地签约。\\n" * 8
    >>> join_broken_lines(column + "标题\\n正文。").splitlines()[-3:]
    ['某某大学与某某公司在某地签约。', '标题', '正文。']
    """
    raw_lines = [line.strip(" \t\u3000\u00a0\r") for line in text.split("\n")]
    lines = [collapse_doubled_runs(line) for line in raw_lines]
    overprinted = {i for i, (a, b) in enumerate(zip(raw_lines, lines)) if a != b}
    widths = _column_widths(lines, _wrap_width(lines))
    out: list[str] = []
    joinable = False
    for index, line in enumerate(lines):
        if not line:
            continue
        if out and joinable and not _HEADING.match(line):
            out[-1] += line
        else:
            out.append(line)
        last = out[-1]
        joinable = (
            last[-1] not in LINE_FINAL
            and not _HEADING.match(last)
            and index not in overprinted
            and _display_width(line) >= 0.7 * widths[index]
        )
    return "\n".join(out)


def repair(raw: str) -> str:
    """Repair PDF-extraction artefacts; return the cleaned text.

    Steps: unify newlines and drop replacement characters, remove spaces
    between CJK characters, collapse doubled headline runs, join lines
    broken inside sentences. The steps are repeated until nothing changes,
    so the result is a fixed point: ``repair(repair(x)) == repair(x)``
    (each round that changes the text makes it shorter, so this ends).

    >>> repair("持 续 深 化：：")
    '持续深化：'
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = text.replace("\ufffd", "").replace("\x00", "")
    while True:
        cleaned = remove_cjk_spaces(join_broken_lines(remove_cjk_spaces(text)))
        if cleaned == text:
            return text
        text = cleaned


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # deferred: loading OpenCC's dictionaries costs time reading needs only for Chinese text

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert Traditional characters to Simplified, keeping the length.

    OpenCC converts phrase by phrase; where a phrase conversion changes the
    length, fall back to character-by-character conversion so that offsets
    into the simplified text are offsets into the original too.

    >>> to_simplified("國家技術轉移中心")
    '国家技术转移中心'
    """
    converter = _t2s()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    chars = []
    for char in text:
        one = converter.convert(char)
        chars.append(one if len(one) == 1 else char)
    return "".join(chars)


def norm(name: str | None) -> str:
    """Normalise a name as the reference scorer does: NFKC, no white space,
    Simplified characters (gold alignment, scoring and training compare names so).

    >>> norm("西安 交通大學")
    '西安交通大学'
    """
    text = unicodedata.normalize("NFKC", name or "")
    return to_simplified("".join(text.split()))


def normalise(raw: str) -> tuple[str, str]:
    """Clean ``raw`` and return ``(text, original)``.

    ``text`` is the cleaned text in Simplified characters, used for
    processing; ``original`` is the cleaned text in the script the document
    was written in. Both have the same length, so offsets apply to both.

    >>> normalise("西安交通大學 簽約")
    ('西安交通大学签约', '西安交通大學簽約')
    """
    original = repair(raw)
    return to_simplified(original), original


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return ``(start, end)`` offsets.

    A sentence ends at 。！？!? (with any closing quotes or brackets that
    follow) or at a line break. Leading and trailing white space is excluded
    from each span; empty spans are dropped.

    >>> text = "他说：“好。”然后离开！\\n标题"
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['他说：“好。”', '然后离开！', '标题']
    """
    spans = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        end = None
        if char == "\n":
            end, nxt = i, i + 1
        elif char in SENTENCE_FINAL:
            j = i + 1
            while j < n and (text[j] in SENTENCE_FINAL or text[j] in CLOSERS):
                j += 1
            end, nxt = j, j
        if end is not None:
            _add_span(text, start, end, spans)
            start = i = nxt
            continue
        i += 1
    _add_span(text, start, n, spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
