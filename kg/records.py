"""The plain records passed between stages, and their JSON Lines I/O.

Every stage exchanges lists of plain ``dict`` records with the keys below,
so each stage can be tested, cached and replaced on its own.

Document record (``documents.jsonl``)::

    {"doc": "000_x.txt", "doc_id": "3f2a…", "path": "seeds/000_x.txt",
     "chars": 10873, "encoding": "utf-8", "text": "…cleaned text…",
     "date": "2024-07-15", "date_precision": "day", "date_source": "date line",
     "date_evidence": "2024-07-15", "date_missing": null}

``date`` is the publication date (``"2024"``, ``"2024-07"`` or
``"2024-07-15"`` by its precision; see :mod:`kg.extraction.dates`), or
``null`` with ``date_missing`` saying why.

Entity record (``entities.jsonl``; the format ``score.py`` reads)::

    {"name": "西安交通大学", "type": "University", "aliases": ["西安交大"],
     "docs": ["000_x.txt"]}

Relation record (``relations.jsonl``; the format ``score.py`` reads, plus
provenance)::

    {"doc": "000_x.txt", "doc_id": "3f2a…",
     "subject": "周明远", "predicate": "appointedAs",
     "object": "清远高新区招才引智大使",
     "subject_type": "Person", "object_type": "Role",
     "evidence": "…the sentence…", "start": 1234, "end": 1301,
     "trigger": "获聘", "confidence": 0.9, "title": null,
     "date": "2021-05", "date_precision": "month", "date_source": "sentence"}

``start``/``end`` are character offsets of ``evidence`` in the document's
cleaned text (``text[start:end] == evidence``).  ``date`` is the date of
what the relation states (``date_source``: its ``sentence``, the date that
opens its ``paragraph``, or its ``document``); an undated relation has no
``date`` (and ``date_expr`` when its sentence names a day without a year).

Example
-------
>>> import io
>>> buf = io.StringIO()
>>> write_jsonl([{"name": "星河大学"}], buf)
1
>>> buf.getvalue()
'{"name": "星河大学"}\\n'
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import IO, Iterable, Iterator

ENTITY_TYPES = (
    "University", "Department", "ResearchInstitute", "Platform", "Company",
    "Government", "Park", "Organization", "Person", "Team", "Project",
    "Event", "Role",
)

PREDICATES = (
    "builds", "signsWith", "hasProject", "appointedAs", "roleOf",
    "affiliatedWith", "leads", "partOf", "incubates", "recruits",
    "cooperatesWith", "locatedIn", "founded", "organizes", "participatesIn",
    "investsIn", "educatedAt", "supports",
)

SYMMETRIC = frozenset({"signsWith", "cooperatesWith"})


def statement_key(subject, predicate: str, obj) -> tuple:
    """The key under which a statement is one statement: a symmetric
    predicate (:data:`SYMMETRIC`) states the same thing either way round, so
    its ends are put in order; any other keeps its direction.

    >>> statement_key("乙", "signsWith", "甲") == statement_key("甲", "signsWith", "乙")
    True
    >>> statement_key("乙", "builds", "甲")
    ('乙', 'builds', '甲')
    """
    if predicate in SYMMETRIC and obj < subject:
        return (obj, predicate, subject)
    return (subject, predicate, obj)

#: Triple-helix sector of each entity type.
SECTOR = {
    "University": "university", "Department": "university",
    "Company": "industry",
    "Government": "government", "Park": "government",
    "Platform": "intermediary", "ResearchInstitute": "intermediary",
    "Organization": "intermediary",
    "Person": "person", "Team": "team", "Project": "project",
    "Event": "event", "Role": "role",
}


def write_jsonl(records: Iterable[dict], target: IO[str] | str | Path) -> int:
    """Write ``records`` one JSON object a line; return how many."""
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8") as handle:
            return write_jsonl(records, handle)
    count = 0
    for record in records:
        target.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def read_jsonl(source: str | Path) -> Iterator[dict]:
    """Yield the JSON objects of a JSON Lines file, skipping blank lines.

    Raises ``ValueError`` naming the file and line of a malformed line.
    """
    with open(source, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line:
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{source}:{number}: not JSON: {exc}") from None


def path_text(path) -> str:
    """A file path as text that can be written anywhere (JSON, RDF, a
    terminal): a name that is not valid UTF-8 comes from the file system
    with its undecodable bytes as lone surrogates, which no UTF-8 writer
    accepts; they are shown as ``\\xNN`` instead.  The same name always gives
    the same text, so a path typed later finds what was stored.

    >>> path_text("news/a.txt")
    'news/a.txt'
    >>> path_text(b"bad\\xff.txt".decode("utf-8", "surrogateescape"))
    'bad\\\\xff.txt'
    """
    text = str(path)
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")

def _clean(value):
    """JSON-safe: NaN and infinities become null, sets and tuples lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_clean(v) for v in value]
    if hasattr(value, "__len__") and hasattr(value, "__getitem__") and not isinstance(value, str):
        return [_clean(v) for v in value]     # lazy evidence lists and other sequences
    return value


def to_json(data, *, indent: int | None = None) -> str:
    """``data`` as JSON, the one encoder of every interface: compact for the
    web, indented for ``kg … --json``; sets and other sequences become lists
    and every non-finite number ``null`` (JSON has no NaN).

    >>> to_json({"a": [1, float("nan")], "b": {"甲"}})
    '{"a":[1,null],"b":["甲"]}'
    >>> print(to_json({"a": (1, 2)}, indent=1))
    {
     "a": [
      1,
      2
     ]
    }
    """
    separators = (",", ":") if indent is None else None
    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False, indent=indent,
                          separators=separators)
    except (TypeError, ValueError):
        return json.dumps(_clean(data), ensure_ascii=False, allow_nan=False, indent=indent,
                          separators=separators)
