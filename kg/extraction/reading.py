"""Reading documents: bytes on disk → one plain document record each.

This is the first stage of the pipeline. It finds out how a file is encoded
(UTF-8 with or without BOM, GB18030/GBK, Big5), reduces HTML pages to their
article text and Markdown to plain text, takes the text layer of PDF files
and the paragraphs of Word ``.docx`` files (:mod:`kg.extraction.pdf_docx`),
and gives every document a stable id. It does *not* normalise the text
(Traditional→Simplified, PDF artefacts): ``raw`` stays faithful to the file
so that ``kg/extraction/cleaning.py`` can keep offsets into the original.

Document record::

    {"doc": "a.txt", "doc_id": "6e1f…", "path": "news/a.txt",
     "encoding": "gb18030", "format": "txt", "raw": "西安交通大学与…"}

An HTML page whose metadata gives its publication date also has
``"published"`` (that date as written; see :func:`html_date`).

``doc_id`` is the first 16 hex digits of the SHA-256 of ``raw`` encoded as
UTF-8. It is computed over the *decoded* text, so the same article saved in
GBK and in UTF-8 gets the same id, and it does not change when a file is
renamed or moved. For plain text files ``raw`` is exactly the decoded file
(line endings included, BOM removed).

Bad input raises :class:`IngestError`, a ``ValueError`` whose message is one
line naming the file and the problem, e.g. ``bad.txt: empty file``.

Huge files
----------
A plain text file larger than :data:`HUGE_FILE_BYTES` is never held as bytes
and text at once: its encoding is sniffed from its first bytes
(:func:`sniff_encoding`) and the text is decoded block by block
(:func:`iter_blocks`). :func:`read_document` still returns the whole ``raw``
for such a file; to stay in bounded memory use the streaming path::

    record = describe_document(path)        # doc_id hashed over the blocks
    for block in iter_blocks(path, record["encoding"]):
        ...                                 # each block ≤ 200 000 chars

HTML and Markdown files are always parsed whole (a parser needs the whole
page); their ``doc_id`` is over the reduced text, which :func:`iter_blocks`
does not produce.

Example
-------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_bytes("清华大学与某公司签约。".encode("gbk"))
>>> record = read_document(folder / "a.txt")
>>> record["encoding"], record["raw"]
('gb18030', '清华大学与某公司签约。')
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

from bs4 import BeautifulSoup, NavigableString, Tag

from kg.records import path_text

__all__ = [
    "IngestError", "SUFFIXES", "HUGE_FILE_BYTES", "BLOCK_CHARS",
    "read_document", "describe_document", "iter_documents", "iter_blocks",
    "sniff_encoding", "decode_bytes", "plausibility", "make_doc_id",
    "html_to_text", "html_date", "markdown_to_text",
]

#: File suffix → ``format`` of the record. Only these are read from folders.
SUFFIXES = {".txt": "txt", ".html": "html", ".htm": "html", ".md": "md",
            ".pdf": "pdf", ".docx": "docx"}

#: Plain text files larger than this are decoded as a stream of blocks.
HUGE_FILE_BYTES = 8 * 1024 * 1024

#: Default size (in characters) of the blocks :func:`iter_blocks` yields.
BLOCK_CHARS = 200_000

#: Bytes read from disk at a time when streaming, and sniffed for encoding.
READ_BYTES = 1024 * 1024

#: A GB18030/Big5 decoding whose non-ASCII characters are less often common
#: Chinese characters or punctuation than this is taken for a wrong guess.
MIN_PLAUSIBILITY = 0.5

#: Share of control bytes (other than tab, newlines, form feed, escape) above
#: which a file is taken for binary.
MAX_CONTROL_SHARE = 0.05

#: Byte order marks, checked first; the codec removes the mark.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Trial decodings after strict UTF-8, by family; within a family the first
#: codec that decodes is kept (cp950 and big5hkscs extend big5). On a tie in
#: plausibility the earlier family wins (mainland news is the common case).
_CANDIDATES = (("gb18030",), ("big5", "cp950", "big5hkscs"))

_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b") + b"\x7f"

_UNDECODABLE = "cannot decode text (not UTF-8, GB18030 or Big5)"


class IngestError(ValueError):
    """A file that cannot be read as a document.

    ``str(err)`` is one line, ``"<path>: <problem>"``; the two parts are also
    kept as ``err.path`` and ``err.problem``.

    Example
    -------
    >>> str(IngestError("bad.txt", "empty file"))
    'bad.txt: empty file'
    """

    def __init__(self, path: str | os.PathLike, problem: str) -> None:
        self.path = _cut(_one_line(path_text(path)))
        self.problem = _one_line(problem)
        super().__init__(f"{self.path}: {self.problem}")

    def __reduce__(self):  # keep it picklable despite the two-argument init
        return (type(self), (self.path, self.problem))


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).replace("\r", " ")


#: A path or name longer than this is cut in messages (a 10 000-character
#: name repeated whole helps nobody).
SHOWN_CHARS = 160


def _cut(text: str) -> str:
    """``text`` whole, or its first and last characters around ``…``.

    >>> _cut("x" * 1000) == "x" * 100 + "…" + "x" * 59
    True
    """
    if len(text) <= SHOWN_CHARS:
        return text
    return text[:100] + "…" + text[-(SHOWN_CHARS - 101):]


# --- data files ---------------------------------------------------------------

def _data_text(name: str) -> str:
    return resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")


def _load_sections(name: str) -> dict[str, frozenset[str]]:
    """Read a ``[section]``-per-rule word list from ``kg/data``."""
    sections: dict[str, set[str]] = {}
    current = None
    for line in _data_text(name).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], set())
        elif current is not None:
            current.update(line.split())
    return {key: frozenset(items) for key, items in sections.items()}


def _load_chars(name: str) -> frozenset[str]:
    """Read a character list (comment lines start with ``#``)."""
    return frozenset(
        ch for line in _data_text(name).splitlines()
        if not line.startswith("#") for ch in line.strip())


_COMMON_HANZI = _load_chars("common_hanzi.txt")
_BOILERPLATE = _load_sections("html_boilerplate.txt")


# --- decoding -----------------------------------------------------------------

def _decode(data: bytes, encoding: str, final: bool) -> str:
    return codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, final)


def _check_binary(sample: bytes, name: str) -> None:
    if b"\x00" in sample:
        raise IngestError(name, "binary file (NUL bytes), not text")
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > MAX_CONTROL_SHARE * len(sample):
        raise IngestError(name, "binary file (control characters), not text")


def _is_plausible_char(ch: str) -> bool:
    code = ord(ch)
    return (ch in _COMMON_HANZI
            or 0x3000 <= code <= 0x303F      # CJK symbols and punctuation
            or 0xFF00 <= code <= 0xFFEF      # full-width forms
            or 0x2000 <= code <= 0x206F      # general punctuation “”‘’…—
            or code in (0x00A0, 0x00B7))     # no-break space, middle dot


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def plausibility(text: str, sample: int = 20_000) -> float:
    """Share of the non-ASCII characters of ``text`` that are common Chinese.

    Real Chinese text is made almost only of the few thousand common
    characters (``kg/data/common_hanzi.txt``, both scripts) and full-width
    punctuation; GBK bytes wrongly read as Big5, or the reverse, give mostly
    rare characters. Only the first ``sample`` non-ASCII characters count.

    Parameters
    ----------
    text : str
        Decoded text.
    sample : int
        How many non-ASCII characters to look at, at most.

    Returns
    -------
    float
        Between 0 and 1; 1.0 when there is no non-ASCII character.

    Example
    -------
    >>> plausibility("大学与企业签约。")
    1.0
    >>> plausibility("大学与企业签约。".encode("gbk").decode("big5")) < 0.5
    True
    """
    total = good = 0
    for match in islice(_NON_ASCII.finditer(text), sample):
        total += 1
        good += _is_plausible_char(match.group())
    return good / total if total else 1.0


#: Share of the characters of a text decoded after a byte order mark that
#: must be prose characters (:func:`prose_share`).  Any even number of bytes
#: decodes as UTF-16, mostly into rare CJK ideographs: 12 junk bytes after
#: FF FE read as "最牡慢敧膀".
MIN_PROSE = 0.8


def prose_share(text: str, sample: int = 20_000) -> float:
    """Share of the characters of ``text`` (white space aside) that occur in
    Chinese or Latin prose: common Chinese characters, CJK and general
    punctuation, full-width forms, printable ASCII, Latin letters with
    accents, kana.

    >>> prose_share("大学与企业签约。Tsinghua University")
    1.0
    >>> prose_share("最牡慢敧膀")
    0.6
    """
    total = good = 0
    for ch in islice((c for c in text if not c.isspace()), sample):
        total += 1
        code = ord(ch)
        good += (0x20 < code < 0x7F or _is_plausible_char(ch)
                 or (0xC0 <= code <= 0x24F and ch.isalpha())
                 or 0x3040 <= code <= 0x30FF)
    return good / total if total else 1.0


def decode_bytes(data: bytes, name: str = "<bytes>", final: bool = True) -> tuple[str, str]:
    """Decode the bytes of a text file, finding out their encoding.

    Order: a byte order mark (UTF-8 or UTF-16) decides; otherwise NUL bytes
    or many control bytes mean binary; strict UTF-8 is taken if it decodes;
    otherwise GB18030 and Big5 are both tried and the decoding with more
    common Chinese characters wins (see :func:`plausibility`). GBK and Big5
    share most of their byte ranges, so "decodes without error" alone cannot
    tell them apart.

    Parameters
    ----------
    data : bytes
        The file's bytes (or its beginning, with ``final=False``).
    name : str
        Used in error messages.
    final : bool
        False when ``data`` may end in the middle of a character.

    Returns
    -------
    tuple of (str, str)
        The text and the codec name (``"utf-8"``, ``"utf-8-sig"``,
        ``"utf-16"``, ``"gb18030"``, ``"big5"``, ``"cp950"`` or
        ``"big5hkscs"``), usable with :func:`iter_blocks`.

    Raises
    ------
    IngestError
        Empty, binary or undecodable input.

    Example
    -------
    >>> decode_bytes("國立臺灣大學".encode("big5"))
    ('國立臺灣大學', 'big5')
    """
    if not data:
        raise IngestError(name, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = _decode(data, encoding, final)
            except UnicodeDecodeError:
                raise IngestError(name, f"cannot decode text as {encoding} "
                                        "despite its byte order mark") from None
            if prose_share(text) < MIN_PROSE:
                raise IngestError(name, f"binary file (decoded as {encoding} after its "
                                        "byte order mark, it is not Chinese or Latin "
                                        "text), not text")
            return text, encoding
    _check_binary(data, name)
    try:
        return _decode(data, "utf-8", final), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[float, str, str] | None = None
    for family in _CANDIDATES:
        for encoding in family:
            try:
                text = _decode(data, encoding, final)
            except UnicodeDecodeError:
                continue
            score = plausibility(text)
            if best is None or score > best[0]:
                best = (score, text, encoding)
            break
    if best is None or best[0] < MIN_PLAUSIBILITY:
        raise IngestError(name, _UNDECODABLE)
    return best[1], best[2]


def sniff_encoding(path: str | os.PathLike) -> str:
    """Find a file's encoding from its first bytes, without reading it all.

    Reads :data:`READ_BYTES` at a time until it has a piece with non-ASCII
    bytes (an all-ASCII file is ``"utf-8"``), then decides as
    :func:`decode_bytes` does. The rest of the file is checked only when it
    is decoded (:func:`iter_blocks` raises then).

    Parameters
    ----------
    path : str or PathLike
        A text file.

    Returns
    -------
    str
        A codec name for :func:`iter_blocks`.

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes("校企合作".encode("big5"))
    >>> sniff_encoding(p)
    'big5'
    """
    name = str(path)
    with _open_binary(path) as handle:
        sample = handle.read(READ_BYTES)
        if not sample:
            raise IngestError(name, "empty file")
        if any(sample.startswith(bom) for bom, _ in _BOMS):
            return decode_bytes(sample, name, final=False)[1]
        _check_binary(sample, name)
        while sample.isascii():
            # Everything before the next piece was ASCII, so the piece starts
            # on a character boundary and can be decoded on its own.
            sample = handle.read(READ_BYTES)
            if not sample:
                return "utf-8"
            _check_binary(sample, name)
    return decode_bytes(sample, name, final=False)[1]


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where to end a block of ``text[start:]`` of at most ``limit`` chars.

    Prefers a blank line in the second half of the window, then the last
    newline, and cuts a single line longer than ``limit`` hard.
    """
    end = start + limit
    paragraph = text.rfind("\n\n", start, end)
    if paragraph >= start + limit // 2:
        return paragraph + 2
    line = text.rfind("\n", start, end)
    return line + 1 if line >= 0 else end


def iter_blocks(path: str | os.PathLike, encoding: str,
                max_chars: int = BLOCK_CHARS) -> Iterator[str]:
    """Stream the decoded text of a file in blocks cut at paragraph ends.

    Memory stays bounded by about ``max_chars`` plus :data:`READ_BYTES`
    whatever the file size, so a 50 MB file can be processed block by block.
    ``"".join(iter_blocks(path, enc))`` equals the whole decoded file.

    Parameters
    ----------
    path : str or PathLike
        The file.
    encoding : str
        Its codec, e.g. from :func:`sniff_encoding` or a document record.
    max_chars : int
        Largest block. Blocks end after a blank line or a newline; only a
        single line longer than ``max_chars`` is cut inside the line.

    Yields
    ------
    str
        Non-empty blocks of at most ``max_chars`` characters.

    Raises
    ------
    IngestError
        The bytes do not decode with ``encoding``, or hold NUL characters.

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_text("第一段。\\n\\n第二段。\\n", encoding="utf-8")
    >>> list(iter_blocks(p, "utf-8", max_chars=6))
    ['第一段。\\n\\n', '第二段。\\n']
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, not {max_chars}")
    name = str(path)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    pending = ""
    offset = 0
    with _open_binary(path) as handle:
        while True:
            chunk = handle.read(READ_BYTES)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                raise IngestError(name, f"cannot decode text as {encoding} "
                                        f"(bytes {offset}–{offset + len(chunk)})") from None
            offset += len(chunk)
            if "\x00" in text:
                raise IngestError(name, "binary file (NUL bytes), not text")
            pending += text
            start = 0
            while len(pending) - start > max_chars:
                cut = _cut_point(pending, start, max_chars)
                yield pending[start:cut]
                start = cut
            pending = pending[start:]
            if not chunk:
                break
    if pending:
        yield pending


def make_doc_id(text: str | Iterable[str]) -> str:
    """The stable id of a document: SHA-256 of its text, first 16 hex digits.

    Parameters
    ----------
    text : str or iterable of str
        The decoded text, or its blocks in order (same id as the joined text,
        so a huge file can be hashed while streaming).

    Returns
    -------
    str
        16 lower-case hex digits.

    Example
    -------
    >>> make_doc_id("校企合作") == make_doc_id(["校企", "合作"])
    True
    """
    digest = hashlib.sha256()
    for block in [text] if isinstance(text, str) else text:
        digest.update(block.encode("utf-8"))
    return digest.hexdigest()[:16]


# --- HTML ---------------------------------------------------------------------

#: Tags whose content starts a new line.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details div dl dt "
    "figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p "
    "pre section summary table tbody td tfoot th thead tr ul".split())

#: Tags that may hold the article; text scores go to the nearest two.
_CONTAINER_TAGS = frozenset("article body center div main section td".split())

#: Tags checked for being link lists (menus, "related news").
_LINK_LIST_TAGS = ["ul", "ol", "dl", "div", "p", "table", "section", "span"]

_WS = re.compile(r"\s+")
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) +(?=[{_CJK}])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_NAME_SPLIT = re.compile(r"[^a-z0-9]+")


def _cjk_count(text: str) -> int:
    return len(_CJK_CHAR.findall(text))


def _visible_len(text: str) -> int:
    return len(_WS.sub("", text))


def _looks_boilerplate(tag: Tag) -> bool:
    if str(tag.get("role", "")).lower() in _BOILERPLATE["roles"]:
        return True
    if tag.has_attr("hidden") or _HIDDEN_STYLE.search(str(tag.get("style", ""))):
        return True
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    names = f"{tag.get('id', '')} {' '.join(classes)}".lower()
    for token in _NAME_SPLIT.split(names):
        if not token:
            continue
        if token in _BOILERPLATE["names"] or any(
                token.startswith(a) or token.endswith(a) for a in _BOILERPLATE["affixes"]):
            return True
    return False


def _drop_boilerplate(root: Tag) -> None:
    """Remove page furniture in place: scripts, menus, headers, footers…"""
    for tag in root.find_all(list(_BOILERPLATE["tags"])):
        if not tag.decomposed:
            tag.decompose()
    for tag in root.find_all(list(_BOILERPLATE["page_tags"])):
        if not tag.decomposed and tag.find_parent(["article", "main"]) is None:
            tag.decompose()
    total = _cjk_count(root.get_text())
    for tag in root.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "article", "main"):
            continue
        if not _looks_boilerplate(tag) or tag.find(["article", "main"]) is not None:
            continue
        # A misnamed wrapper ("content-with-sidebar") holding most of the
        # page's text is the page, not furniture.
        if total and _cjk_count(tag.get_text()) > total / 2:
            continue
        tag.decompose()


def _is_link_text(string: NavigableString) -> bool:
    return string.find_parent("a") is not None


def _main_element(root: Tag) -> Tag:
    """The element holding the article: ``<article>``/``<main>`` if it holds
    a good share of the text, else the container with most text within its
    two nearest container levels (links not counted)."""
    total = _cjk_count(root.get_text())
    measure = _cjk_count if total else _visible_len
    total = total or _visible_len(root.get_text())
    for name in ("article", "main"):
        candidates = root.find_all(name)
        if candidates:
            best = max(candidates, key=lambda t: measure(t.get_text()))
            if measure(best.get_text()) >= 0.4 * total:
                return best
    scores: dict[int, int] = {}
    tags: dict[int, Tag] = {}
    for string in root.find_all(string=True):
        if type(string) is not NavigableString or _is_link_text(string):
            continue
        weight = measure(string)
        if not weight:
            continue
        level = 0
        for parent in string.parents:
            if parent.name in _CONTAINER_TAGS:
                scores[id(parent)] = scores.get(id(parent), 0) + weight
                tags[id(parent)] = parent
                level += 1
                if level == 2 or parent is root:
                    break
    if not scores:
        return root
    return tags[max(scores, key=scores.__getitem__)]


def _drop_link_lists(main: Tag) -> None:
    """Remove blocks of ``main`` that are mostly links (menus, related news)."""
    for tag in main.find_all(_LINK_LIST_TAGS):
        if tag.decomposed:
            continue
        links = tag.find_all("a")
        if len(links) < 2:
            continue
        text_len = _visible_len(tag.get_text())
        link_len = sum(_visible_len(a.get_text()) for a in links)
        if text_len and link_len >= 0.6 * text_len:
            tag.decompose()


def _tidy_line(line: str) -> str:
    return _CJK_GAP.sub("", line.strip())


def _text_lines(element: Tag) -> list[str]:
    """Render an element as a browser would lay out its text, one line per
    paragraph: blocks and ``<br>`` break lines, other white space collapses."""
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = _tidy_line("".join(buffer))
        buffer.clear()
        if line:
            lines.append(line)

    def walk(node: Tag, pre: bool) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                if child.name == "br":
                    flush()
                elif child.name in _BLOCK_TAGS:
                    flush()
                    walk(child, pre or child.name == "pre")
                    flush()
                else:
                    walk(child, pre)
            elif type(child) is NavigableString:   # not comments, doctype…
                if pre:
                    first, *rest = str(child).split("\n")
                    buffer.append(first)
                    for part in rest:
                        flush()
                        buffer.append(part)
                else:
                    buffer.append(_WS.sub(" ", str(child)))

    walk(element, element.name == "pre")
    flush()
    return lines


def _headline(root: Tag, main: Tag) -> str | None:
    """The page's ``<h1>`` when it lies outside the chosen article element."""
    heading = root.find("h1")
    if heading is None or heading is main or any(p is main for p in heading.parents):
        return None
    text = " ".join(_text_lines(heading))
    links = " ".join(a.get_text() for a in heading.find_all("a"))
    if not text or _visible_len(links) >= _visible_len(text):   # a logo link
        return None
    return text


def _is_chrome_line(line: str) -> bool:
    if len(line) > 80:
        return False
    lowered = line.lower()
    return any(lowered.startswith(p) for p in _BOILERPLATE["line_prefixes"])


def html_to_text(html: "str | BeautifulSoup") -> str:
    """Reduce an HTML page to the text of its article.

    Drops scripts, styles, forms, navigation, page headers and footers,
    asides and blocks whose id/class/role mark them as menus, share bars,
    comments… (``kg/data/html_boilerplate.txt``); keeps ``<article>`` (or
    ``<main>``) when it holds the text, otherwise the container with most
    Chinese text; removes link lists inside it; renders one line per
    paragraph, joined with ``"\\n"``. A page ``<h1>`` outside the article is
    kept as its first line (the headline).

    Parameters
    ----------
    html : str or BeautifulSoup
        The decoded page (or its parse, which is then consumed).

    Returns
    -------
    str
        The article text, possibly empty.

    Example
    -------
    >>> html_to_text("<nav><a href=/>首页</a><a href=/n>新闻</a></nav>"
    ...              "<article><p>大学与企业签约。</p><p>双方共建实验室。</p></article>")
    '大学与企业签约。\\n双方共建实验室。'
    """
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "lxml")
    root = soup.body or soup
    _drop_boilerplate(root)
    main = _main_element(root)
    headline = _headline(root, main)
    _drop_link_lists(main)
    lines = [line for line in _text_lines(main) if not _is_chrome_line(line)]
    if headline and headline not in lines[:1]:
        lines.insert(0, headline)
    return "\n".join(lines)


#: HTML metadata that gives a page's publication date, in order of trust:
#: ``<meta property|name|itemprop=…>`` values, then ``<time datetime>``.
_DATE_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
              "publishdate", "publish_date", "dc.date.issued", "dc.date", "dcterms.issued",
              "dcterms.date", "date")


def html_date(html: "str | BeautifulSoup") -> str | None:
    """The publication date an HTML page's metadata gives, as written
    (``article:published_time``, ``pubdate``, ``itemprop="datePublished"``,
    Dublin Core, ``<time datetime>`` or ``<time pubdate>``), or ``None``.

    >>> html_date('<meta property="article:published_time" content="2024-01-15T08:00:00+08:00">')
    '2024-01-15T08:00:00+08:00'
    >>> html_date('<p>发布于 <time datetime="2019-03-21">3月21日</time></p>')
    '2019-03-21'
    >>> html_date("<p>无日期</p>") is None
    True
    """
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "lxml")
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        value = (tag.get("content") or "").strip()
        if key in _DATE_META and value and key not in found:
            found[key] = value
    for key in _DATE_META:
        if key in found:
            return found[key]
    for tag in soup.find_all(attrs={"itemprop": re.compile("^datePublished$", re.I)}):
        value = (tag.get("datetime") or tag.get("content") or tag.get_text()).strip()
        if value:
            return value
    for tag in soup.find_all("time"):
        value = (tag.get("datetime") or "").strip()
        if value:
            return value
    return None


# --- Markdown -----------------------------------------------------------------

_MD_FENCE = re.compile(r"^\s*(```|~~~)")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_MD_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_MD_REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_PREFIX = re.compile(
    r"^\s{0,3}(?:>\s?)*"                       # block quotes
    r"(?:#{1,6}\s+|(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)?")  # heading, list, task
_MD_HEADING_TAIL = re.compile(r"\s+#+\s*$")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
_MD_INLINE = (
    (re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])"), ""),     # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),                # [t](u)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),               # [t][ref]
    (re.compile(r"<((?:https?|ftp)://[^>\s]+|[^>\s@]+@[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),                       # inline HTML
    (re.compile(r"`([^`]*)`"), r"\1"),                            # code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),        # strong
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),               # strike
    (re.compile(r"(?<![*\\])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)"), r"\1"),  # *em*
    (re.compile(r"(?<![A-Za-z0-9_])_(?=\S)(.+?)(?<=\S)_(?![A-Za-z0-9_])"), r"\1"),
)
_PLACEHOLDER = 0xE000   # escaped characters are hidden in the Private Use Area


def _md_inline(line: str) -> str:
    line = _MD_ESCAPE.sub(lambda m: chr(_PLACEHOLDER + ord(m.group(1))), line)
    for pattern, replacement in _MD_INLINE:
        line = pattern.sub(replacement, line)
    return re.sub("[\ue000-\ue07f]", lambda m: chr(ord(m.group()) - _PLACEHOLDER), line)


def _md_front_matter_end(lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, min(len(lines), 200)):
        if lines[index].strip() in ("---", "..."):
            return index + 1
    return 0


def markdown_to_text(markdown: str) -> str:
    """Strip Markdown markup, keeping the words and the line structure.

    Removes front matter, heading marks, emphasis, code marks, list and
    quote markers, rules, table rules, reference definitions and images;
    ``[text](url)`` becomes ``text``. Code blocks keep their content.

    Parameters
    ----------
    markdown : str
        The decoded Markdown source.

    Returns
    -------
    str
        Plain text, lines joined with ``"\\n"``, runs of blank lines
        reduced to one.

    Example
    -------
    >>> markdown_to_text("# 校企合作\\n\\n**浙江大学**与[某公司](http://x.cn)签约。")
    '校企合作\\n\\n浙江大学与某公司签约。'
    """
    lines = markdown.splitlines()
    out: list[str] = []
    in_fence = False
    for line in lines[_md_front_matter_end(lines):]:
        if _MD_FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(line.rstrip())
            continue
        if _MD_RULE.match(line) or _MD_REFDEF.match(line) or _MD_TABLE_RULE.match(line):
            out.append("")
            continue
        if _MD_SETEXT.match(line) and out and out[-1].strip():
            continue
        line = _MD_PREFIX.sub("", line, count=1)
        line = _MD_HEADING_TAIL.sub("", line)
        if line.lstrip().startswith("|"):
            line = " ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        out.append(_md_inline(line).rstrip())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out))
    return text.strip("\n")


# --- files --------------------------------------------------------------------

def _open_binary(path: str | os.PathLike):
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise IngestError(path, "no such file or directory") from None
    except IsADirectoryError:
        raise IngestError(path, "is a directory, not a file") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read file ({exc.strerror})") from None


def _is_dir(path: Path) -> bool:
    """Whether ``path`` is a folder; a path the system cannot even look up
    (a name too long) is not, and is then named by :func:`_format_of`."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _format_of(path: Path, name: str) -> str:
    try:
        exists = path.exists()
    except OSError as exc:
        raise IngestError(name, (exc.strerror or str(exc)).lower()) from None
    if not exists:
        if path.is_symlink():
            try:
                path.resolve(strict=True)
            except RuntimeError:
                raise IngestError(name, "symbolic link loop (the link leads back to itself)") from None
            except OSError:
                pass
            raise IngestError(name, "broken symbolic link (its target does not exist)")
        raise IngestError(name, "no such file or directory")
    if path.is_dir():
        raise IngestError(name, "is a directory, not a file (use iter_documents)")
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        shown = f"'{path.suffix}'" if path.suffix else "(no extension)"
        raise IngestError(name, f"unsupported file type {shown}, "
                                "expected .txt, .html, .htm, .md, .pdf or .docx")
    return fmt


def _record(path: Path, doc_id: str, encoding: str | None, fmt: str) -> dict:
    return {"doc": path_text(path.name), "doc_id": doc_id, "path": path_text(path),
            "encoding": encoding, "format": fmt}


def _stream_text(path: Path, keep: bool) -> tuple[str, str, str | None]:
    """Decode a huge plain text file block by block: (doc_id, encoding, raw)."""
    name = str(path)
    encoding = sniff_encoding(path)
    digest = hashlib.sha256()
    blocks: list[str] = []
    blank = True
    for block in iter_blocks(path, encoding):
        digest.update(block.encode("utf-8"))
        blank = blank and block.isspace()
        if keep:
            blocks.append(block)
    if blank:
        raise IngestError(name, "empty file (only white space)")
    raw = "".join(blocks) if keep else None
    return digest.hexdigest()[:16], encoding, raw


def _reduce(text: str, fmt: str, name: str) -> str:
    if fmt == "html":
        raw = html_to_text(text)
        if not raw:
            raise IngestError(name, "no article text found in HTML page")
        return raw
    raw = markdown_to_text(text) if fmt == "md" else text
    if not raw or raw.isspace():
        raise IngestError(name, "empty file (only white space)")
    return raw


def _pdf_or_docx(path: Path, name: str, fmt: str) -> dict:
    """The record of a PDF (its text layer) or Word file
    (:mod:`kg.extraction.pdf_docx`).  ``encoding`` is ``utf-8`` for a Word
    file (its XML's) and ``None`` for a PDF, whose text comes from its fonts'
    Unicode maps, not from a character encoding.  A PDF's pages without
    text are listed as ``pages_without_text``."""
    from kg.extraction.pdf_docx import UnreadableFile, docx_text, pdf_text

    _open_binary(path).close()              # missing, unreadable: as for text files
    try:
        text, empty = pdf_text(path) if fmt == "pdf" else (docx_text(path), [])
    except UnreadableFile as exc:
        raise IngestError(name, str(exc)) from None
    if not text or text.isspace():
        raise IngestError(name, "empty file (only white space)")
    encoding = "utf-8" if fmt == "docx" else None
    record = {**_record(path, make_doc_id(text), encoding, fmt), "raw": text}
    if empty:
        record["pages_without_text"] = empty
    return record


def read_document(path: str | os.PathLike) -> dict:
    """Read one file into a document record.

    Parameters
    ----------
    path : str or PathLike
        A ``.txt``, ``.html``/``.htm``, ``.md``, ``.pdf`` or ``.docx`` file.

    Returns
    -------
    dict
        ``{"doc", "doc_id", "path", "encoding", "format", "raw"}`` — see the
        module docstring. ``raw`` is the decoded text (HTML reduced to the
        article, Markdown to plain text, a PDF's text layer, a Word file's
        paragraphs: :mod:`kg.extraction.pdf_docx`); plain text files larger than
        :data:`HUGE_FILE_BYTES` are decoded as a stream and joined.

    Raises
    ------
    IngestError
        Missing path, folder, unsupported extension, empty or white-space
        only, binary, or undecodable file; a PDF without a text layer
        (it needs OCR) or a PDF or Word file that cannot be opened.

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.md"
    >>> _ = p.write_text("## 签约\\n\\n*北京大学*与某企业合作。", encoding="utf-8")
    >>> r = read_document(p)
    >>> r["format"], r["raw"]
    ('md', '签约\\n\\n北京大学与某企业合作。')
    """
    path_obj = Path(path)
    name = str(path)
    fmt = _format_of(path_obj, name)
    if fmt in ("pdf", "docx"):
        return _pdf_or_docx(path_obj, name, fmt)
    with _open_binary(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read() if size <= HUGE_FILE_BYTES or fmt != "txt" else None
    if data is None:
        doc_id, encoding, raw = _stream_text(path_obj, keep=True)
        return {**_record(path_obj, doc_id, encoding, fmt), "raw": raw}
    text, encoding = decode_bytes(data, name)
    del data
    published = None
    if fmt == "html":           # parsed once: its date, then its article
        text = BeautifulSoup(text, "lxml")
        published = html_date(text)
    raw = _reduce(text, fmt, name)
    record = {**_record(path_obj, make_doc_id(raw), encoding, fmt), "raw": raw}
    if published:
        record["published"] = published    # the page's own date (not in doc_id)
    return record


def describe_document(path: str | os.PathLike) -> dict:
    """A document record without ``raw``, in bounded memory for huge files.

    For a plain text file larger than :data:`HUGE_FILE_BYTES` the encoding
    is sniffed and ``doc_id`` is hashed over :func:`iter_blocks`, giving the
    same id as :func:`read_document`; read the text with
    ``iter_blocks(path, record["encoding"])``. Other files are read whole.

    Parameters
    ----------
    path : str or PathLike
        A file :func:`read_document` reads.

    Returns
    -------
    dict
        ``{"doc", "doc_id", "path", "encoding", "format"}``.

    Raises
    ------
    IngestError
        As :func:`read_document`.

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_text("产学研合作。", encoding="utf-8")
    >>> describe_document(p)["doc_id"] == read_document(p)["doc_id"]
    True
    """
    path_obj = Path(path)
    fmt = _format_of(path_obj, str(path))
    if fmt == "txt" and path_obj.stat().st_size > HUGE_FILE_BYTES:
        doc_id, encoding, _ = _stream_text(path_obj, keep=False)
        return _record(path_obj, doc_id, encoding, fmt)
    record = read_document(path)
    del record["raw"]
    return record


def _folder_files(folder: Path, on_skip: Callable[[Path], object] | None = None,
                  ) -> Iterator[Path | IngestError]:
    """Readable files under ``folder``, sorted by path, hidden ones skipped;
    ``on_skip`` is called with each file of another type, in sorted order."""
    found: list[Path] = []
    problems: list[IngestError] = []

    def report(exc: OSError) -> None:
        problems.append(IngestError(exc.filename or folder,
                                    f"cannot list folder ({exc.strerror})"))

    others: list[Path] = []
    for directory, subdirs, files in os.walk(folder, onerror=report):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        for f in files:
            if not f.startswith("."):
                (found if Path(f).suffix.lower() in SUFFIXES else others).append(
                    Path(directory, f))
    if on_skip is not None:
        for path in sorted(others):
            on_skip(path)
    yield from problems
    yield from sorted(found)


def _huge_or_whole(path: str | os.PathLike) -> dict:
    """:func:`describe_document` for a huge plain-text file, else
    :func:`read_document`."""
    path_obj = Path(path)
    try:
        huge = path_obj.suffix.lower() == ".txt" and path_obj.is_file() \
            and path_obj.stat().st_size > HUGE_FILE_BYTES
    except OSError:
        huge = False                 # read_document names the problem
    return describe_document(path) if huge else read_document(path)


def iter_documents(paths: str | os.PathLike | Iterable[str | os.PathLike],
                   on_error: Callable[[IngestError], object] | None = None,
                   on_skip: Callable[[Path], object] | None = None,
                   ) -> Iterator[dict]:
    """Read many documents from files and folders, one record at a time.

    Folders are searched recursively for ``.txt .html .htm .md .pdf .docx`` files
    (hidden files and folders skipped), in sorted path order; files named
    explicitly are read whatever their place, in the order given, and an
    unsupported extension is then an error. A file met twice is read once.

    Parameters
    ----------
    paths : path or iterable of paths
        Files and folders.
    on_error : callable, optional
        Called with the :class:`IngestError` of each bad file, after which
        reading goes on. If None, the first error is raised.
    on_skip : callable, optional
        Called with the path of each file found in a folder whose type is
        not read (``.doc``, ``.xlsx`` …; hidden files are not counted), so
        a caller can say what was left out.

    Yields
    ------
    dict
        Document records as from :func:`read_document`; for a plain text
        file above :data:`HUGE_FILE_BYTES`, the record of
        :func:`describe_document` (no ``raw``: read it with
        :func:`iter_blocks`), so a huge file is never held whole.

    Example
    -------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("校企签约。", encoding="utf-8")
    >>> _ = (folder / "b.txt").write_bytes(b"")
    >>> errors = []
    >>> [r["doc"] for r in iter_documents(folder, on_error=errors.append)]
    ['a.txt']
    >>> [e.problem for e in errors]
    ['empty file']
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    seen: set[str] = set()
    for given in paths:
        given_path = Path(given)
        items = _folder_files(given_path, on_skip) if _is_dir(given_path) else [given]
        for item in items:
            try:
                if isinstance(item, IngestError):
                    raise item
                key = os.path.realpath(item)
                if key in seen:
                    continue
                seen.add(key)
                record = _huge_or_whole(item)
            except IngestError as err:
                if on_error is None:
                    raise
                on_error(err)
                continue
            yield record
