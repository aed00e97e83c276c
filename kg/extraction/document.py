"""From documents to entity and relation records.

:func:`extract_document` runs the pipeline on one document record (from
:mod:`kg.extraction.reading`) and returns plain records with provenance;
:func:`extract_paths` does it for files and folders and merges entities
across documents. These records are what ``kg extract`` writes and what the
store loads.

Example
-------
>>> doc = {"doc": "a.txt", "doc_id": "0" * 16, "raw": "星河大学与蓝海科技有限公司签约。"}
>>> out = extract_document(doc)
>>> [(r["subject"], r["predicate"], r["object"], r["evidence"]) for r in out["relations"]]
[('星河大学', 'signsWith', '蓝海科技有限公司', '星河大学与蓝海科技有限公司签约。')]
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
from functools import lru_cache
from pathlib import Path
import threading
from typing import Callable, Iterable

import jieba

from kg import __version__
from kg.extraction.aliases import merge_entities
from kg.extraction.cleaning import normalise
from kg.extraction.dates import date_relations, document_date
from kg.extraction.pipeline import build_pipeline
from kg.extraction.reading import iter_blocks, iter_documents
from kg import messages
from kg.records import statement_key, write_jsonl

EXTRACTOR = f"kg-rules/{__version__}"
#: Mentions found only by these rules become entities only when a relation
#: uses them: a city named in passing is not an actor of the story.
WEAK_SOURCES = frozenset({"place"})
#: Projects and events count as entities on their own only when the text
#: lists or quotes them as such; otherwise only when a relation uses them.
LISTED_SOURCES = {"Project": ("list",), "Event": ("quote", "event")}
#: Seconds a document may take to extract before it is skipped (``kg
#: build`` and ``kg extract``, option ``--timeout``; 0 means no limit), per
#: :data:`TIMEOUT_CHARS` characters of text.  Extraction runs at about 8 000
#: characters a second with the trained tagger (60 000 with rules only), so
#: a news article takes about a second; one that takes a minute has met a
#: bug (a rule that loops) and must not stall a corpus, while a book-length
#: file gets time in proportion (25 times what it needs).
DEFAULT_TIMEOUT = 60.0
TIMEOUT_CHARS = 20_000
#: The limit grows with the text up to this many times ``--timeout``
#: (ten minutes by default, what a 200 000-character text gets): a 50 MB
#: one-line file would otherwise get almost a day.  ``--timeout`` raises
#: both.
TIMEOUT_CAP = 10


def document_limit(record: dict, seconds: float | None) -> float | None:
    """The time limit of one document: ``seconds`` per
    :data:`TIMEOUT_CHARS` characters, at least ``seconds`` and at most
    :data:`TIMEOUT_CAP` times ``seconds`` (a streamed file without ``raw``
    is measured by its size on disk).

    >>> document_limit({"raw": "x" * 1000}, 60), document_limit({"raw": "x" * 50_000}, 60)
    (60, 150.0)
    >>> document_limit({"raw": "x" * 50_000_000}, 60)
    600
    """
    if not seconds:
        return seconds
    if "raw" in record or "text" in record:
        chars = len(record.get("raw") or record.get("text") or "")
    else:
        try:
            chars = os.path.getsize(record["path"]) // 2
        except (OSError, KeyError, TypeError):
            chars = 0
    return min(max(seconds, seconds * chars / TIMEOUT_CHARS), seconds * TIMEOUT_CAP)


class ExtractionTimeout(BaseException):
    """A document took longer than the time limit to extract.

    ``str(err)`` is one line naming the document and the limit; ``code`` is
    its warning code in :mod:`kg.messages`.  A ``BaseException``, as
    ``KeyboardInterrupt``: an ``except Exception`` inside the extraction
    must not swallow it and carry on looping.

    >>> str(ExtractionTimeout("news/a.txt", 60))
    'news/a.txt: extraction took longer than 60 s (the per-document limit; raise it with --timeout)'
    """

    code = "W204"

    def __init__(self, doc: str, limit: float):
        self.doc, self.limit = doc, limit
        super().__init__(f"{doc}: " + messages.text("W204", limit=limit))

    def __reduce__(self):
        return (type(self), (self.doc, self.limit))


@contextlib.contextmanager
def time_limit(seconds: float | None, doc: str = "document"):
    """Raise :class:`ExtractionTimeout` in the block after ``seconds``.

    The message names ``seconds``.  Uses a real-time interval timer (``SIGALRM``), so it needs the main
    thread of a Unix process (a build's worker processes run their tasks in
    their main thread); elsewhere, or with ``seconds`` 0 or None, the block
    runs without a limit.  Python code is interrupted between bytecodes; a
    single call into C (one regular expression) is only interrupted when it
    returns.

    >>> import time
    >>> try:
    ...     with time_limit(0.05, "slow.txt"):
    ...         time.sleep(1)
    ... except ExtractionTimeout as exc:
    ...     print(exc.doc)
    slow.txt
    """
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expired(signum, frame):
        raise ExtractionTimeout(doc, seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@lru_cache(maxsize=1)
def default_pipeline():
    """The default pipeline, built once per process."""
    jieba.setLogLevel(60)
    nlp = build_pipeline()
    nlp("大学与企业签约。")   # jieba loads its dictionary at the first text: now, not in a document's time limit
    return nlp


def _dedupe(relations: list[dict]) -> list[dict]:
    """Keep one relation per (subject, predicate, object) of a document, the
    one with the highest confidence; symmetric predicates in one direction."""
    best: dict[tuple, dict] = {}
    for rel in relations:
        key = statement_key(rel["subject"], rel["predicate"], rel["object"])
        if key not in best or rel["confidence"] > best[key]["confidence"]:
            best[key] = rel
    return list(best.values())


def extract_document(record: dict, nlp=None) -> dict:
    """Extract entities and relations from one document record.

    A record with ``raw`` is processed whole; a record without it (a huge
    plain-text file described by :func:`kg.extraction.reading.describe_document`) is
    streamed block by block (:func:`kg.extraction.reading.iter_blocks`, paragraph
    boundaries), so memory stays bounded: its offsets still point into the
    whole cleaned text, but the document record then carries no ``text``.

    Parameters
    ----------
    record : dict
        A document record with ``doc``, ``doc_id`` and ``raw`` (or ``path``
        and ``encoding``) (see :mod:`kg.records`).
    nlp : spacy.Language, optional
        The pipeline (:func:`kg.extraction.pipeline.build_pipeline`); the default one
        if omitted.

    Returns
    -------
    dict
        ``{"document": record + text/original, "entities": [...],
        "relations": [...]}`` where every relation carries ``doc``,
        ``doc_id``, ``evidence`` (the sentence), ``start``/``end`` (its
        offsets in ``text``), ``trigger``, ``confidence`` and ``extractor``.
    """
    nlp = nlp or default_pipeline()
    if "raw" not in record and "text" not in record:
        return _extract_streamed(record, nlp)
    text, original = normalise(record.get("raw", record.get("text", "")))
    document = dict(record, text=text, original=original, chars=len(text))
    document.pop("raw", None)
    when = _dated_document(document, text)
    relations, entities, own = _extract_text(text, record, nlp, offset=0, doc_date=when)
    if own:
        document["own"] = own
    return {"document": document, "entities": entities, "relations": relations}


def _dated_document(document: dict, text: str | None) -> str | None:
    """Set the document's date keys (:func:`kg.extraction.dates.document_date`)
    and return its date (``None``: undated, ``date_missing`` says why)."""
    found = document_date(text, meta=document.pop("published", None),
                          filename=document.get("doc"))
    document.update(date=found["date"], date_precision=found["precision"],
                    date_source=found["source"], date_evidence=found["evidence"],
                    date_missing=found["missing"])
    return found["date"]


def _extract_text(text: str, record: dict, nlp, offset: int,
                  doc_date: str | None = None) -> tuple[list, list]:
    """Relations and entity records of one cleaned text (a whole document
    or one block of it, starting at ``offset``), each relation dated
    (:func:`kg.extraction.dates.date_relations`)."""
    doc = nlp(text)
    relations = []
    for rel in _dedupe(doc._.relations or []):
        rel = dict(rel, doc=record["doc"], doc_id=record["doc_id"], extractor=EXTRACTOR,
                   start=rel["start"] + offset, end=rel["end"] + offset)
        relations.append(rel)
    relations = date_relations(relations, text, doc_date, offset=offset)
    used = {r["subject"] for r in relations} | {r["object"] for r in relations}
    entities = []
    for ent in doc._.entities or []:
        if ent["name"] in used or (ent["type"] not in ("Project", "Event", "Role")
                                   and ent.get("source") not in WEAK_SOURCES) \
                or ent.get("source") in LISTED_SOURCES.get(ent["type"], ()):
            entities.append({"name": ent["name"], "type": ent["type"],
                             "aliases": sorted(ent["aliases"]), "docs": [record["doc"]]})
    return relations, entities, doc._.own


def _extract_streamed(record: dict, nlp) -> dict:
    """Extract a huge plain-text document block by block (bounded memory)."""
    relations, entity_lists, offset = [], [], 0
    document = dict(record, text=None, original=None)
    when, first = None, True
    for block in iter_blocks(record["path"], record["encoding"]):
        text, _ = normalise(block)
        if first:       # the head of the file holds its date line
            when, first = _dated_document(document, text), False
        block_relations, block_entities, _ = _extract_text(text, record, nlp, offset, when)
        relations.extend(block_relations)
        entity_lists.append(block_entities)
        offset += len(text) + 1  # blocks are joined by a line break
    entities = [dict(e, docs=[record["doc"]]) for e in merge_entities(entity_lists)]
    document["chars"] = max(offset - 1, 0)
    return {"document": document, "entities": entities, "relations": _dedupe(relations)}


def extract_paths(paths: Iterable, on_error: Callable | None = None, nlp=None, *,
                  timeout: float | None = DEFAULT_TIMEOUT,
                  on_skip: Callable | None = None, extract: Callable | None = None) -> dict:
    """Read, clean and extract every document under ``paths``.

    Parameters
    ----------
    paths : iterable of str or Path
        Files and folders (``.txt``, ``.html``, ``.htm``, ``.md``).
    on_error : callable, optional
        Called with each :class:`kg.extraction.reading.IngestError`, and
        with the :class:`ExtractionTimeout` of a document that took longer
        than ``timeout``; processing goes on.  Without it, the first error
        is raised.
    timeout : float, optional
        Seconds a document may take (:data:`DEFAULT_TIMEOUT`; 0 or None: no limit).
    on_skip : callable, optional
        Called with the path of each file of an unsupported type found in a
        folder (see :func:`kg.extraction.reading.iter_documents`).
    extract : callable, optional
        ``record -> result``, default :func:`extract_document` (a test can
        inject a slow one).

    Returns
    -------
    dict
        ``{"documents", "entities", "relations"}``; entities are merged
        across documents (:func:`kg.extraction.aliases.merge_entities`).  A
        text read under several paths is one document whose ``paths`` lists
        them all.
    """
    if extract is None:
        nlp = nlp or default_pipeline()     # loaded before any document's time limit runs
        extract = lambda record: extract_document(record, nlp=nlp)  # noqa: E731
    documents, entity_lists, relations = [], [], []
    by_id: dict[str, dict] = {}
    for record in iter_documents(paths, on_error=on_error, on_skip=on_skip):
        first = by_id.get(record["doc_id"])
        if first is not None:     # the same text again, under another path
            first.setdefault("paths", [first.get("path")]).append(record.get("path"))
            continue
        try:
            with time_limit(document_limit(record, timeout), record.get("path") or record["doc"]):
                result = extract(record)
        except ExtractionTimeout as exc:
            if on_error is None:
                raise
            on_error(exc)
            continue
        by_id[record["doc_id"]] = result["document"]
        documents.append(result["document"])
        entity_lists.append(result["entities"])
        relations.extend(result["relations"])
    entities, relations = canonicalise(entity_lists, relations)
    return {"documents": documents, "entities": entities, "relations": relations}


def canonicalise(entity_lists: list[list[dict]], relations: list[dict]) -> tuple[list, list]:
    """Resolve entities across documents while each document keeps its own
    names.

    Every per-document entity record gains ``canonical``: the corpus-wide
    name of the entity (the longest name among the documents that share a
    name or alias with it). ``name`` and ``aliases`` stay what the document
    itself uses, as the annotation guide asks; the store merges entities
    through ``canonical``.

    >>> a = [{"name": "西安交通大学", "type": "University", "aliases": ["西安交大"], "docs": ["a"]}]
    >>> b = [{"name": "西安交大", "type": "University", "aliases": [], "docs": ["b"]}]
    >>> ents, _ = canonicalise([a, b], [])
    >>> [(e["name"], e["canonical"]) for e in ents]
    [('西安交通大学', '西安交通大学'), ('西安交大', '西安交通大学')]
    """
    canonical = {}
    for group in merge_entities(entity_lists):
        for form in [group["name"], *group["aliases"]]:
            canonical[(group["type"], form)] = group["name"]
    entities = [dict(ent, canonical=canonical.get((ent["type"], ent["name"]), ent["name"]))
                for per_doc in entity_lists for ent in per_doc]
    return entities, relations


def write_extraction(paths, out_dir, on_error=None, nlp=None, **options) -> str:
    """Extract from ``paths`` and write ``relations.jsonl``, ``entities.jsonl``
    and ``documents.jsonl`` into ``out_dir``; return a one-paragraph summary.

    ``options`` go to :func:`extract_paths` (``timeout``, ``on_skip``, ``extract``).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = extract_paths(paths, on_error=on_error, nlp=nlp, **options)
    write_jsonl(result["relations"], out / "relations.jsonl")
    write_jsonl(result["entities"], out / "entities.jsonl")
    write_jsonl(result["documents"], out / "documents.jsonl")
    types = collections.Counter(e["type"] for e in
                                {(e["type"], e.get("canonical", e["name"])): e
                                 for e in result["entities"]}.values())
    preds = collections.Counter(r["predicate"] for r in result["relations"])
    distinct = {(e["type"], e.get("canonical", e["name"])) for e in result["entities"]}
    lines = [f"{messages.plural(len(result['documents']), 'document')}, "
             f"{messages.plural(len(distinct), 'entity', 'entities')}, "
             f"{messages.plural(len(result['relations']), 'relation')} → {out}/"]
    lines.append("entities:  " + ", ".join(f"{k} {v}" for k, v in types.most_common()))
    lines.append("relations: " + ", ".join(f"{k} {v}" for k, v in preds.most_common()))
    return Extracted("\n".join(lines), len(result["documents"]))


class Extracted(str):
    """The summary of :func:`write_extraction`, with ``documents``: how
    many documents were read (0: nothing to read)."""

    def __new__(cls, summary: str, documents: int):
        obj = super().__new__(cls, summary)
        obj.documents = documents
        return obj
