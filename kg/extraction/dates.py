"""When: the date of a document and the date of each statement in it.

Pure functions of a text (and of what the page and file name say); the
shapes of dates are data, in ``kg/data/date_patterns.tsv`` (a new shape is
a new line there, not code).

* :func:`document_date` — the publication date of a document: from the
  page's HTML metadata (``article:published_time``, ``<time datetime>``,
  ``pubdate``: :func:`kg.extraction.reading.html_date` reads them), a date
  line of the text (``2026年1月23日``, ``发布时间:2024-01-15``,
  ``29.05.2018  12:43``, ``2014-09-01 来源：…``), a date in the file name, or
  a news dateline (``【记者…/台北3月21日报导】``, ``…6月29日电``) whose year
  the page gives elsewhere.  Never the file's modification time: otherwise
  the document is undated, and the result says why.
* :func:`find_dates` — every date expression of a text, with its offsets.
* :func:`statement_date` — the date of one statement (a relation) from its
  sentence, else from the date that opens its paragraph, else its
  document's; years stated about the past (``从1991年成立…到2015年升级``)
  date their own events.
* :func:`date_relations` — dates every relation record of a document.

A date is a string of its precision: ``"2024-09-03"`` (day), ``"2024-09"``
(month) or ``"2024"`` (year), so that dates of different precision sort
and compare as strings (``"2024" < "2024-09" < "2024-09-03" < "2025"``).

Examples
--------
>>> document_date("某某大学新闻\\n发布时间：2024-01-15\\n星河大学与蓝海公司签约。")["date"]
'2024-01-15'
>>> d = document_date("9月3日，星河大学与蓝海公司签约。", filename="news.txt")
>>> d["date"], d["missing"]
(None, 'no publication date in the page, its text or its file name (days are named without a year: 9月3日)')
>>> [e.date for e in find_dates("2019年，甲成立了乙；今年3月又与丙签约。", year=2024)]
['2019', '2024-03']
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["DateExpression", "PRECISIONS", "find_dates", "document_date", "statement_date",
           "date_relations", "apply_document_date", "parse_date", "precision_of",
           "date_range", "xsd_datatype"]

#: Precisions of a date, finest first.
PRECISIONS = ("day", "month", "year")

#: Lines at the top and the bottom of a text where an unlabelled date line
#: is taken for the publication date (elsewhere a date opens a story).
HEAD_LINES, TAIL_LINES = 10, 6

#: A month and day without a year is read in the document's year, unless
#: that puts it more than this many days after the document (an article of
#: January about 12月30日 means the previous December).
AHEAD_DAYS = 60

#: A date opens its paragraph when it starts within this many characters
#: of it (after quotes and spaces only) and is followed by a comma.
OPENING_CHARS = 40

_FULLWIDTH = str.maketrans("０１２３４５６７８９：－／．", "0123456789:-/.")


# --- patterns (data) --------------------------------------------------------------

@dataclass(frozen=True)
class _Pattern:
    kind: str
    name: str
    precision: str
    regex: re.Pattern


@lru_cache(maxsize=1)
def _patterns() -> tuple[_Pattern, ...]:
    text = resources.files("kg").joinpath("data", "date_patterns.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, name, precision, *rest = line.split("\t")
        pattern = rest[0] if rest else ""
        out.append(_Pattern(kind, name, precision,
                            re.compile(pattern, re.IGNORECASE) if pattern else None))
    return tuple(out)


def _of(kind: str) -> list[_Pattern]:
    return [p for p in _patterns() if p.kind == kind]


@lru_cache(maxsize=1)
def _relative() -> dict[str, int]:
    return {p.name: int(p.precision) for p in _of("relative")}


# --- dates as strings -------------------------------------------------------------

def _valid(y: int, m: int | None = None, d: int | None = None) -> bool:
    try:
        _dt.date(y, m or 1, d or 1)
    except ValueError:
        return False
    return 1900 <= y <= 2099


def _format(y: int, m: int | None = None, d: int | None = None) -> str:
    if d is not None:
        return f"{y:04d}-{m:02d}-{d:02d}"
    if m is not None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}"


def precision_of(date: str) -> str:
    """``"day"``, ``"month"`` or ``"year"`` for a date string.

    >>> precision_of("2024"), precision_of("2024-09"), precision_of("2024-09-03")
    ('year', 'month', 'day')
    """
    return PRECISIONS[2 - date.count("-")] if date and date.count("-") <= 2 else "day"


def parse_date(value: str) -> str:
    """A date given by a user or a page — ``2024``, ``2024-09``, ``2024-09-03``
    (also ``2024/9/3``, ``2024.09``, or an ISO timestamp) — as a date string.

    Raises ``ValueError`` (one line) for anything else.

    >>> parse_date("2024-9-3"), parse_date("2024.09"), parse_date("2018-05-29T12:43:00+08:00")
    ('2024-09-03', '2024-09', '2018-05-29')
    >>> parse_date("yesterday")
    Traceback (most recent call last):
    ...
    ValueError: 'yesterday' is not a date: give YYYY, YYYY-MM or YYYY-MM-DD
    """
    text = str(value).strip().translate(_FULLWIDTH)
    found = re.fullmatch(r"((?:19|20)\d{2})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?"
                         r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
                         text)
    if found:
        y = int(found.group(1))
        m = int(found.group(2)) if found.group(2) else None
        d = int(found.group(3)) if found.group(3) else None
        if _valid(y, m, d):
            return _format(y, m, d)
    raise ValueError(f"{value!r} is not a date: give YYYY, YYYY-MM or YYYY-MM-DD")


def date_range(date: str) -> tuple[_dt.date, _dt.date]:
    """The first and last day a date of any precision covers.

    >>> date_range("2024-02")
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    """
    parts = [int(p) for p in date.split("-")]
    y = parts[0]
    if len(parts) == 1:
        return _dt.date(y, 1, 1), _dt.date(y, 12, 31)
    if len(parts) == 2:
        m = parts[1]
        nxt = _dt.date(y + (m == 12), m % 12 + 1, 1)
        return _dt.date(y, m, 1), nxt - _dt.timedelta(days=1)
    day = _dt.date(*parts)
    return day, day


def xsd_datatype(date: str) -> str:
    """The XML Schema datatype of a date string (its precision).

    >>> xsd_datatype("2024"), xsd_datatype("2024-09"), xsd_datatype("2024-09-03")
    ('gYear', 'gYearMonth', 'date')
    """
    return {"year": "gYear", "month": "gYearMonth", "day": "date"}[precision_of(date)]


# --- date expressions in a text ---------------------------------------------------

@dataclass(frozen=True)
class DateExpression:
    """A date written in a text.

    ``start``/``end`` are its offsets, ``text`` what is written, ``pattern``
    the name of the pattern that read it; ``date`` the date it means (a date
    string), or ``None`` when it needs a year the text does not give (a
    month and day, or 今年 in an undated document), in which case ``expr``
    says what is missing: ``"--09-03"`` (month and day, as ``xsd:gMonthDay``),
    ``"Y-1"`` (last year), ``"Y+0-03"`` (March this year).
    """

    start: int
    end: int
    text: str
    pattern: str
    date: str | None
    expr: str


def _expression(match: re.Match, pattern: _Pattern, year: int | None,
                ref: _dt.date | None) -> DateExpression | None:
    groups = match.groupdict()
    m = int(groups["m"]) if groups.get("m") else None
    d = int(groups["d"]) if groups.get("d") else None
    rel = groups.get("rel")
    if groups.get("y"):
        y = int(groups["y"])
        if not _valid(y, m, d):
            return None
        date = _format(y, m, d)
        expr = date
    else:
        if m is not None and not _valid(2000, m, d):      # a leap day is a valid day
            return None
        offset = _relative().get(rel) if rel else None
        if rel:
            expr = f"Y{offset:+d}" + (f"-{m:02d}" if m else "")
        else:
            expr = f"--{m:02d}-{d:02d}"
        date = resolve_expr(expr, year, ref)
    return DateExpression(match.start(), match.end(), match.group(0), pattern.name, date, expr)


def resolve_expr(expr: str, year: int | None, ref: _dt.date | None = None) -> str | None:
    """The date an expression means in a document of ``year`` (and, when
    known to the day, of date ``ref``): ``None`` without a year.

    >>> resolve_expr("--09-03", 2024), resolve_expr("Y-1", 2024), resolve_expr("Y+0-03", 2024)
    ('2024-09-03', '2023', '2024-03')
    >>> resolve_expr("--12-30", 2024, ref=_dt.date(2024, 1, 5))   # last December
    '2023-12-30'
    >>> resolve_expr("--09-03", None) is None
    True
    """
    if expr.startswith("--"):
        if year is None:
            return None
        m, d = int(expr[2:4]), int(expr[5:7])
        y = year
        if ref is not None and _valid(y, m, d) \
                and (_dt.date(y, m, d) - ref).days > AHEAD_DAYS:
            y -= 1
        return _format(y, m, d) if _valid(y, m, d) else None
    if expr.startswith("Y"):
        if year is None:
            return None
        found = re.fullmatch(r"Y([+-]\d+)(?:-(\d{2}))?", expr)
        y = year + int(found.group(1))
        m = int(found.group(2)) if found.group(2) else None
        return _format(y, m) if _valid(y, m) else None
    return expr



def find_dates(text: str, year: int | None = None,
               ref: _dt.date | None = None) -> list[DateExpression]:
    """Every date expression of ``text`` (patterns of kind ``date``), in
    order, the longest where two overlap (``2024年9月3日`` is one day, not a
    year and a month-day).

    Parameters
    ----------
    text : str
    year : int, optional
        The document's year, for the expressions without one (``9月3日``,
        ``今年``); without it their ``date`` is ``None``.
    ref : datetime.date, optional
        The document's day, when known (see :data:`AHEAD_DAYS`).

    >>> [(e.text, e.date) for e in find_dates("2024年9月3日，甲与乙签约；2015年升级。")]
    [('2024年9月3日', '2024-09-03'), ('2015年', '2015')]
    """
    text = text.translate(_FULLWIDTH)
    found: list[tuple[int, int, int, re.Match, _Pattern]] = []
    for order, pattern in enumerate(_of("date")):
        for match in pattern.regex.finditer(text):
            found.append((match.start(), -(match.end() - match.start()), order, match, pattern))
    found.sort(key=lambda f: f[:3])
    out: list[DateExpression] = []
    end = -1
    for start, _, _, match, pattern in found:
        if start < end:
            continue
        expression = _expression(match, pattern, year, ref)
        if expression is not None:
            out.append(expression)
            end = match.end()
    return out


# --- the date of a document ---------------------------------------------------------

def _day_patterns() -> list[_Pattern]:
    return [p for p in _of("date") if p.precision == "day"]


def _after(name: str) -> re.Pattern:
    return next(p.regex for p in _of("after") if p.name == name)


def _date_at(line: str, pos: int, patterns: list[_Pattern],
             story: re.Pattern | None = None) -> tuple[str, str, int] | None:
    """A full date starting at ``pos`` of ``line`` and not followed by what
    ``story`` matches (the rest of a sentence): ``(date, text, end)``."""
    for pattern in patterns:
        match = pattern.regex.match(line, pos)
        if not match:
            continue
        g = match.groupdict()
        y = int(g["y"]) if g.get("y") else 2000 + int(g["yy"]) if g.get("yy") else None
        m, d = int(g["m"]), int(g["d"])
        if y is None or not _valid(y, m, d):
            continue
        if story is not None and story.match(line, match.end()):
            continue
        return _format(y, m, d), match.group(0), match.end()
    return None


def _labelled(lines: list[str]) -> tuple[str, str] | None:
    """A date after a label (``发布时间：``)."""
    patterns = _day_patterns() + _of("line")
    for line in lines:
        for label in _of("label"):
            for match in label.regex.finditer(line):
                if label.precision == "start" and match.start() \
                        and not re.match(r"[\s|｜]", line[match.start() - 1]):
                    continue
                found = _date_at(line, match.end(), patterns)
                if found:
                    return found[0], line[match.start():found[2]].strip()
    return None


def _date_line(lines: list[str]) -> tuple[str, str] | None:
    """A line (of the head or the tail) that starts with a full date not
    followed by a story, or holds a date with a time of day."""
    patterns = _day_patterns()
    story, clock = _after("story"), _after("time")
    for line in lines:
        stripped = line.lstrip(" \t\u3000▶◎●")
        found = _date_at(stripped, 0, patterns, story)
        if found:
            return found[0], stripped[:found[2]].strip()
        for expression in find_dates(stripped):
            if expression.pattern in {p.name for p in patterns} \
                    and clock.match(stripped, expression.end):
                return expression.date, expression.text
    return None


def _from_filename(filename: str | None) -> tuple[str, str] | None:
    if not filename:
        return None
    name = filename.rsplit("/", 1)[-1].translate(_FULLWIDTH)
    for pattern in _of("file"):
        match = pattern.regex.search(name)
        if not match:
            continue
        g = match.groupdict()
        y, m = int(g["y"]), int(g["m"]) if g.get("m") else None
        d = int(g["d"]) if g.get("d") else None
        if _valid(y, m, d):
            return _format(y, m, d), match.group(0)
    return None


def _page_year(lines: list[str], meta: str | None, filename: str | None) -> tuple[int, str] | None:
    """A year the page states outside the story: metadata, file name, a
    copyright line, a line that is a year or a month alone."""
    if meta:
        try:
            return int(parse_date(meta)[:4]), f"page metadata {meta}"
        except ValueError:
            pass
    named = _from_filename(filename)
    if named:
        return int(named[0][:4]), f"file name {named[1]}"
    for line in lines:
        for pattern in _of("copyright"):
            match = pattern.regex.search(line)
            if match:
                return int(match.group("y")), match.group(0)
        for pattern in _of("date"):
            if pattern.precision in ("month", "year") and "y" in pattern.regex.groupindex:
                match = pattern.regex.match(line.strip())
                if match and match.end() == len(line.strip()):
                    return int(match.group("y")), match.group(0)
    return None


def document_date(text: str | None, *, meta: str | None = None, filename: str | None = None,
                  ) -> dict:
    """The publication date of a document.

    Parameters
    ----------
    text : str or None
        The document's text (cleaned: Simplified characters; the head is
        enough for a huge file).
    meta : str, optional
        The date of the page's HTML metadata
        (:func:`kg.extraction.reading.html_date`).
    filename : str, optional
        The file's name (a date in it, ``2024-01-15_news.txt``, counts).

    Returns
    -------
    dict
        ``{"date", "precision", "source", "evidence", "missing"}``: the
        date string, its precision, where it came from (``metadata``,
        ``date line``, ``file name``, ``dateline``), the text it was read
        from; or, for an undated document, ``date`` ``None`` and
        ``missing`` saying why.

    Examples
    --------
    >>> document_date("标题\\n29.05.2018  12:43\\n5月28日上午，甲与乙签约。")["date"]
    '2018-05-29'
    >>> document_date("【记者王明/台北3月21日报导】甲与乙签约。\\n© 2019 某某日报")["date"]
    '2019-03-21'
    >>> document_date("甲与乙签约。", filename="2023-06-01-news.txt")["source"]
    'file name'
    """
    def found(date, source, evidence):
        return {"date": date, "precision": precision_of(date), "source": source,
                "evidence": evidence, "missing": None}

    if meta:
        try:
            return found(parse_date(meta), "metadata", meta)
        except ValueError:
            pass
    lines = [line for line in (text or "").translate(_FULLWIDTH).splitlines() if line.strip()]
    head, tail = lines[:HEAD_LINES], lines[-TAIL_LINES:] if len(lines) > HEAD_LINES else []
    labelled = _labelled(head + tail)
    if labelled:
        return found(labelled[0], "date line", labelled[1])
    line = _date_line(head + tail)
    if line:
        return found(line[0], "date line", line[1])
    named = _from_filename(filename)
    if named:
        return found(named[0], "file name", named[1])
    for line in lines[:HEAD_LINES + 5]:
        for pattern in _of("dateline"):
            match = pattern.regex.search(line)
            if not match:
                continue
            m, d = int(match.group("m")), int(match.group("d"))
            year = _page_year(head + tail, meta, filename)
            if year and _valid(year[0], m, d):
                return found(_format(year[0], m, d), "dateline",
                             f"{match.group(0)} ({year[0]}: {year[1]})")
            return {"date": None, "precision": None, "source": None, "evidence": None,
                    "missing": f"a dateline ({match.group(0)}) gives the day but the page "
                               "gives no year"}
    why = "no publication date in the page, its text or its file name"
    days = [e.text for e in find_dates("\n".join(lines)) if e.expr.startswith("--")]
    if days:
        day = re.sub(r"\s+", "", days[0])
        why += f" (days are named without a year: {day})"
    return {"date": None, "precision": None, "source": None, "evidence": None, "missing": why}


# --- the date of a statement --------------------------------------------------------

_CLAUSE_END = re.compile(r"[，,；;。！？!?]")
#: A date that opens a paragraph and so dates its sentences: at its start
#: (after quotes or spaces), followed by a comma or a space.
_OPENING = re.compile(r"[\s“\"「『（(]*$")


def _year_ref(doc_date: str | None) -> tuple[int | None, _dt.date | None]:
    if not doc_date:
        return None, None
    return int(doc_date[:4]), date_range(doc_date)[0] if precision_of(doc_date) == "day" else None


def statement_date(text: str, start: int, end: int, *, trigger: str | None = None,
                   names: tuple[str, ...] = (), doc_date: str | None = None) -> dict:
    """The date of the statement made by the sentence ``text[start:end]``.

    Parameters
    ----------
    text : str
        The document's text.
    start, end : int
        The sentence's offsets.
    trigger : str, optional
        The word that states the relation (签约); with several dates in the
        sentence, the one before it (and nearest) dates the statement.
    names : tuple of str
        The relation's subject and object, used when there is no trigger.
    doc_date : str, optional
        The document's date: the year of ``9月3日`` and 今年, and the date of
        a statement whose sentence and paragraph state none.

    Returns
    -------
    dict
        ``{"date", "precision", "source", "expr"}``: ``source`` is
        ``sentence``, ``paragraph`` or ``document``; all ``None`` when
        nothing dates it.  ``expr`` keeps, for a sentence date that needed
        a year the document did not give, what the sentence said (see
        :class:`DateExpression`), so that a date given later (``kg build
        --date``) can complete it.

    Examples
    --------
    >>> s = "从2003年成立，到2016年与蓝海公司签约。"
    >>> statement_date(s, 0, len(s), trigger="签约", doc_date="2024-05-01")["date"]
    '2016'
    >>> t = "9月3日，甲与乙签约。双方还将共建实验室。"
    >>> statement_date(t, 10, len(t), trigger="共建", doc_date="2024-10-01")["source"]
    'paragraph'
    """
    year, ref = _year_ref(doc_date)
    sentence = text[start:end]
    dates = find_dates(sentence, year, ref)
    if dates:
        anchor = -1
        for word in (trigger, *names):
            if word and word in sentence:
                anchor = sentence.find(word)
                break
        chosen = None
        if anchor >= 0:
            before = [e for e in dates if e.start < anchor]
            if before:
                chosen = before[-1]
            else:
                after = [e for e in dates if not _CLAUSE_END.search(sentence, anchor, e.start)]
                chosen = after[0] if after else None
        else:
            chosen = dates[0]
        if chosen is not None:
            return _dated(chosen, "sentence")
    line_start = text.rfind("\n", 0, start) + 1
    # only the head of the paragraph can open it (a long paragraph is not rescanned)
    opening = find_dates(text[line_start:min(start, line_start + OPENING_CHARS)], year, ref)
    if opening and _OPENING.match(text[line_start:line_start + opening[0].start]) \
            and re.match(r"\s*[，,、\s]", text[line_start + opening[0].end:start] or " "):
        return _dated(opening[0], "paragraph")
    if doc_date:
        return {"date": doc_date, "precision": precision_of(doc_date), "source": "document",
                "expr": None}
    return {"date": None, "precision": None, "source": None, "expr": None}


def _dated(expression: DateExpression, source: str) -> dict:
    if expression.date is None:
        return {"date": None, "precision": None, "source": None, "expr": expression.expr}
    return {"date": expression.date, "precision": precision_of(expression.date),
            "source": source, "expr": None}


def date_relations(relations: list[dict], text: str, doc_date: str | None,
                   offset: int = 0) -> list[dict]:
    """Relation records with their dates (keys ``date``, ``date_precision``,
    ``date_source``, and ``date_expr`` when a sentence's date lacks a year).

    ``text`` is the document's text (or the block of it that starts at
    ``offset``: a relation's ``start``/``end`` are offsets in the whole
    text).  The relations themselves are not changed otherwise: dating
    never changes which relations are found.
    """
    out = []
    for rel in relations:
        rel = {k: v for k, v in rel.items() if not k.startswith("date")}
        start, end = rel.get("start"), rel.get("end")
        if start is None or end is None:
            when = statement_date("", 0, 0, doc_date=doc_date)
        else:
            when = statement_date(text, start - offset, end - offset, trigger=rel.get("trigger"),
                                  names=(rel.get("subject") or "", rel.get("object") or ""),
                                  doc_date=doc_date)
        if when["date"]:
            rel.update(date=when["date"], date_precision=when["precision"],
                       date_source=when["source"])
        elif when["expr"]:
            rel["date_expr"] = when["expr"]
        out.append(rel)
    return out


def apply_document_date(result: dict, date: str, source: str = "given") -> dict:
    """Give an undated document (an extraction result) the date ``date``
    (``kg build --date``): the document takes it, with ``source``; its
    statements whose sentence named a day or a relative year without a year
    are completed with it, and those without a date of their own take it.

    A document that has a date keeps it, and so do its statements.

    >>> r = {"document": {"doc": "a.txt", "date": None},
    ...      "relations": [{"date_expr": "--09-03"}, {}]}
    >>> [x.get("date") for x in apply_document_date(r, "2024")["relations"]]
    ['2024-09-03', '2024']
    """
    doc = result["document"]
    if doc.get("date"):
        return result
    date = parse_date(date)
    doc.update(date=date, date_precision=precision_of(date), date_source=source,
               date_evidence=None, date_missing=None)
    year, ref = _year_ref(date)
    relations = []
    for rel in result.get("relations", ()):
        rel = dict(rel)
        if not rel.get("date"):
            resolved = resolve_expr(rel["date_expr"], year, ref) if rel.get("date_expr") else None
            if resolved:
                rel.update(date=resolved, date_source="sentence")
            else:
                rel.update(date=date, date_source="document")
            rel["date_precision"] = precision_of(rel["date"])
            rel.pop("date_expr", None)
        relations.append(rel)
    result["relations"] = relations
    return result
