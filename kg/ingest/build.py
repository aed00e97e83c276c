"""Incremental ingest: documents → extraction → one named graph each.

A document is its content: its identity is its ``doc_id`` (the hash of its
text), and the paths it was read from are provenance, all recorded.
``build`` reads documents (files or folders), skips a path already stored
with the same content, extracts new contents and writes each one's graph in
a single transaction.  So:

* building twice adds nothing;
* the same text under two paths (a copy, a renamed file) is one document
  with both paths; two texts named ``news.txt`` in two folders are two;
* a path whose text changed has its previous document replaced (the old
  version or the new one is there, never a mix; a previous text still read
  from another path stays, with that path only);
* a build killed half way leaves every finished document in the store, and
  running it again completes the rest;
* a document whose extraction takes longer than ``timeout`` seconds is
  skipped and named, and the others are stored.

Documents are read one at a time as the build goes (a corpus is never held
in memory), and the store's files are compacted at the end of a build that
wrote something.  With ``jobs=N`` the extraction (the slow part) runs in ``N`` worker
processes while this process keeps writing the store, in document order and
one transaction per document as with one job — so the result is the same
as with ``jobs=1``, only sooner.

Examples
--------
>>> import tempfile, os
>>> from kg.store.backends import open_store
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
>>> def extract(doc):   # a stand-in for kg.extraction.document.extract_document
...     return {"document": doc, "entities": [
...         {"name": "某某大学", "type": "University", "aliases": []}], "relations": []}
>>> doc = {"doc": "a.txt", "doc_id": "00ff00ff00ff00ff", "path": "news/a.txt", "raw": "某某大学。"}
>>> ingest_document(store, doc, extract)
'added'
>>> ingest_document(store, doc, extract)
'skipped'
>>> ingest_document(store, dict(doc, path="copy/a.txt"), extract)   # same text, one document
'linked'
>>> sorted(store.doc_paths())
['copy/a.txt', 'news/a.txt']
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kg.extraction.document import (DEFAULT_TIMEOUT, ExtractionTimeout, document_limit,
                                    time_limit)
from kg.store import identity
from kg.extraction.coreference import qualify_generic
from kg.extraction.qualify import qualify_document
from kg.extraction.dates import apply_document_date
from kg.messages import Skip
from kg.store.rdf import document_quads, store_path
from kg.store.backends import KGStore, LabelIndex, StoreError

Extractor = Callable[[dict], dict]


@dataclass
class BuildReport:
    """What a build did, by path: documents added, replaced, skipped
    (unchanged), linked (a text already stored under another path: the path
    was added to it), failed (``"<path>: <problem>"``, a
    :class:`kg.messages.Skip`), and files of unsupported types left out."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unsupported: list[Path] = field(default_factory=list)
    #: ``(path, page numbers)`` of PDF files read without their text-less pages
    pages_without_text: list[tuple[str, list[int]]] = field(default_factory=list)

    def summary(self) -> str:
        """One line, e.g. ``added 3, replaced 0, skipped 2, failed 0``
        (``, same text as a stored document 1`` when paths were linked)."""
        line = (f"added {len(self.added)}, replaced {len(self.replaced)}, "
                f"skipped {len(self.skipped)}, failed {len(self.failed)}")
        if self.linked:
            line += f", same text as a stored document {len(self.linked)}"
        return line

    @property
    def read(self) -> int:
        """How many documents were read (whatever became of them)."""
        return (len(self.added) + len(self.replaced) + len(self.skipped)
                + len(self.linked))


def default_extractor() -> Extractor:
    """:func:`kg.extraction.document.extract_document`, its pipeline built
    now (once per process), so that loading it does not count in a
    document's time limit."""
    from kg.extraction.document import default_pipeline, extract_document

    default_pipeline()
    return extract_document


def ingest_document(store: KGStore, doc: dict, extract: Extractor,
                    known: dict[str, str] | None = None,
                    labels: "LabelIndex | None" = None,
                    ids: set[str] | None = None, date: str | None = None) -> str:
    """Store one document unless its text is already stored.

    The document's path (``path``, in :func:`kg.store.rdf.store_path` form) is
    compared with the paths of the store: the same text at the same path is
    skipped; a text stored under another path gains this path; a new text is
    extracted and stored.  Either way, a different text stored before under
    this path loses it, and is removed when it has no path left.

    Parameters
    ----------
    store : KGStore
    doc : dict
        Document record (``doc``, ``doc_id``, ``raw`` …) from
        :func:`kg.extraction.reading.read_document`.
    extract : callable
        ``doc -> {"document", "entities", "relations"}``; only called when the
        document has to be (re)written.
    known : dict, optional
        ``{path: doc_id}`` of the store (:meth:`KGStore.doc_paths`), kept up
        to date; looked up from the store when omitted.
    labels : LabelIndex, optional
        Resolves entities against the store (same answers as
        :meth:`KGStore.resolver`) without a query per document; kept up to
        date.  :func:`build` uses one for the whole build.
    ids : set, optional
        The ``doc_id`` of every stored document, kept up to date; looked up
        from the store when omitted.
    date : str, optional
        The date of the document if its page gives none (``kg build
        --date``; :func:`kg.extraction.dates.apply_document_date`): it
        also dates its statements that have no date of their own.

    Returns
    -------
    str
        ``"added"``, ``"replaced"`` (this path held another text, now gone
        from the store), ``"linked"`` (the text was stored under another
        path) or ``"skipped"`` (unchanged).
    """
    if known is None:
        known = store.doc_paths()
    if ids is None:
        ids = store.doc_ids()
    doc_id = doc["doc_id"]
    path = store_path(doc.get("path") or doc["doc"])
    before = known.get(path)
    if before == doc_id:
        return "skipped"
    if doc_id in ids:
        store.add_path(doc_id, path)
        status = "linked"
    else:
        result = qualify_generic(qualify_document(extract(doc)))
        if date:
            result = apply_document_date(result, date)
        result["document"].setdefault("doc", doc["doc"])
        result["document"].setdefault("doc_id", doc_id)
        result["document"]["paths"] = [path]
        resolve, reasons = identity.resolver(result, (labels or store).resolver, store)
        quads = document_quads(result, resolve)
        quads += identity.reason_quads(doc_id, reasons)
        store.replace_document(doc_id, quads)
        if labels is not None:
            labels.written(doc_id, quads)
        ids.add(doc_id)
        status = "added"
    known[path] = doc_id
    if before is not None and store.drop_path(before, path):
        ids.discard(before)
        if labels is not None:
            labels.written(before, [])
        status = "replaced"
    return status


def build(paths: Iterable[str | Path], store: KGStore, *,
          extract: Extractor | None = None, progress: bool = True,
          jobs: int = 1, timeout: float | None = DEFAULT_TIMEOUT,
          date: str | None = None) -> BuildReport:
    """Ingest the documents under ``paths`` into ``store``, incrementally.

    Parameters
    ----------
    paths : iterable of str or Path
        Files and folders (read with :func:`kg.extraction.reading.iter_documents`).
    store : KGStore
    extract : callable, optional
        Default :func:`default_extractor` (built only if a document needs it).
        With ``jobs > 1`` it runs in worker processes, so it must be picklable
        (a module-level function).
    progress : bool
        Show a progress bar (on standard error) for more than a few documents.
    jobs : int
        Worker processes for extraction (``0``: one per CPU).  The store is
        always written by this process, in document order, one transaction
        per document; the result does not depend on ``jobs``.
    timeout : float, optional
        Seconds one document may take to extract, per 20 000 characters
        (default :data:`kg.extraction.document.DEFAULT_TIMEOUT`; 0 or None: no limit;
        see :func:`kg.extraction.document.document_limit`); a slower one is listed in
        ``failed`` and the build goes on.
    date : str, optional
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: the date of the documents
        whose page, text and file name give none (their statements without
        a date of their own take it too).  Documents already stored keep
        theirs.

    Returns
    -------
    BuildReport
        Unreadable files, extraction errors and documents over the time
        limit are listed in ``failed`` (one line each); the other documents
        are still ingested.  Files of unsupported types found in folders
        are listed in ``unsupported``.

    Raises
    ------
    kg.store.backends.StoreError
        E108 for a store written by an earlier version (rebuild it).

    Example
    -------
    >>> import tempfile, os
    >>> from kg.store.backends import open_store
    >>> folder = tempfile.mkdtemp()
    >>> for i in range(3):
    ...     with open(os.path.join(folder, f"{i}.txt"), "w", encoding="utf-8") as f:
    ...         _ = f.write(f"星河{i}大学与蓝海{i}科技有限公司签约。")
    >>> with open_store(os.path.join(folder, "store"), create=True) as store:
    ...     build([folder], store, progress=False, jobs=2).summary()
    'added 3, replaced 0, skipped 0, failed 0'
    """
    from tqdm import tqdm

    from kg.extraction.reading import iter_documents

    report = BuildReport()
    store.check_writable()
    paths = [str(p) for p in paths]
    known = store.doc_paths()
    ids = store.doc_ids()
    labels = LabelIndex(store)
    jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    total = _count_files(paths)
    bar = tqdm(total=total, unit="doc", file=sys.stderr, desc="kg build",
               disable=not progress or total <= 3)
    # Documents are read one at a time as the build goes (never all held in
    # memory): a path already stored with the same text is counted as
    # skipped on the way; the others are queued, in order, for the store,
    # and a new text goes to extraction once, at its first path (the same
    # text at a later path is then linked to it, not extracted again).
    queued: deque = deque()      # (doc, whether it went to extraction)
    new: set[str] = set()

    def read() -> Iterator[dict]:
        for doc in iter_documents(paths,
                                  on_error=lambda exc: report.failed.append(Skip(str(exc))),
                                  on_skip=report.unsupported.append):
            if doc.get("pages_without_text"):
                report.pages_without_text.append((doc["path"], doc["pages_without_text"]))
            if known.get(store_path(doc.get("path") or doc["doc"])) == doc["doc_id"]:
                report.skipped.append(doc["doc"])
                bar.update()
                continue
            fresh = doc["doc_id"] not in ids and doc["doc_id"] not in new
            if fresh:
                new.add(doc["doc_id"])
            queued.append((doc, fresh))
            if fresh or extracted is None:
                yield doc

    extracted = (parallel_extract(read(), extract, jobs, timeout=timeout)
                 if jobs > 1 else None)
    extractor = extract
    written = False

    def store_one(doc: dict, result) -> None:
        nonlocal extractor, written
        name = doc.get("path") or doc["doc"]
        try:
            if result is not None:
                done, result = result
                if not done:
                    report.failed.append(result if isinstance(result, Skip)
                                         else Skip(f"{name}: {result}"))
                    return
                step = _Ready(result)
            else:
                if extractor is None and doc["doc_id"] not in ids:
                    extractor = default_extractor()   # built only if a document needs it
                step = _Limited(extractor, timeout, name)
            try:
                status = ingest_document(store, doc, step, known, labels, ids, date)
            except ExtractionTimeout as exc:
                report.failed.append(Skip(str(exc), exc.code))
                return
            except StoreError:     # the store failing stops the build
                raise
            except Exception as exc:  # one bad document must not stop the build
                report.failed.append(Skip(f"{name}: {type(exc).__name__}: {exc}"))
                return
            written = written or status != "skipped"
            getattr(report, status).append(doc["doc"])
        finally:
            bar.update()       # counted once written (or given up)

    try:
        if extracted is None:
            for doc in read():
                queued.popleft()
                store_one(doc, None)
        else:
            # the documents queued before an extracted one (paths of texts
            # already stored) are written first, in reading order
            for result in extracted:
                while True:
                    doc, fresh = queued.popleft()
                    if fresh:
                        break
                    store_one(doc, None)
                store_one(doc, result)
            while queued:
                store_one(queued.popleft()[0], None)
    finally:
        bar.close()
        if extracted is not None:
            extracted.close()   # stops the workers (also on an error or Ctrl-C)
        if written:
            store.compact()     # no write-ahead log left behind
    return report


def build_extracted(dirs: Iterable[str | Path], store: KGStore, *,
                    progress: bool = True, date: str | None = None) -> BuildReport:
    """Load what ``kg extract`` (or :func:`kg.ingest.extracted.write_results`, run
    anywhere) wrote into ``store``, incrementally.

    Parameters
    ----------
    dirs : iterable of str or Path
        Extraction directories (``documents.jsonl``, ``entities.jsonl``,
        ``relations.jsonl``), loaded in the order given.
    store : KGStore
    progress : bool
        Show a progress bar (on standard error).
    date : str, optional
        As for :func:`build`.

    Returns
    -------
    BuildReport
        As :func:`build`: a path already stored with the same content is
        skipped, a text stored under another path gains the path, a path
        whose text changed has its document replaced.  The store is the one
        :func:`build` gives on the files that were extracted (same quads).

    Raises
    ------
    kg.ingest.extracted.ExtractedError
        A directory that is not an extraction, or out of order.
    kg.store.backends.StoreError
        E108 for a store written by an earlier version (rebuild it).
    """
    from tqdm import tqdm

    from kg.ingest.extracted import check_dirs, read_results

    store.check_writable()
    dirs = [str(d) for d in dirs]
    total = check_dirs(dirs)
    report = BuildReport()
    known = store.doc_paths()
    ids = store.doc_ids()
    labels = LabelIndex(store)
    written = False
    bar = tqdm(total=total, unit="doc", file=sys.stderr, desc="kg build",
               disable=not progress or total <= 3)
    try:
        for result in read_results(dirs):
            doc = result["document"]
            bar.update()
            status = ingest_document(store, doc, _Ready(result), known, labels, ids, date)
            written = written or status != "skipped"
            getattr(report, status).append(doc["doc"])
    finally:
        bar.close()
        if written:
            store.compact()
    return report


def _count_files(paths) -> int:
    """How many files ``paths`` name (for the progress bar; nothing is read)."""
    from kg.extraction.reading import _folder_files

    return sum(sum(1 for f in _folder_files(Path(p)) if isinstance(f, Path))
               if Path(p).is_dir() else 1 for p in paths)


class _Ready:
    """An "extractor" that returns a result computed in a worker process."""

    def __init__(self, result: dict):
        self.result = result

    def __call__(self, doc: dict) -> dict:
        return self.result


class _Limited:
    """``extract`` under the per-document time limit."""

    def __init__(self, extract: Extractor | None, timeout: float | None, name: str):
        self.extract, self.timeout, self.name = extract, timeout, name

    def __call__(self, doc: dict) -> dict:
        with time_limit(document_limit(doc, self.timeout), self.name):
            return self.extract(doc)


# --- extraction in worker processes -----------------------------------------------------------

_worker_extract: Extractor | None = None
_worker_timeout: float | None = None


def _init_worker(extract: Extractor | None, parent: int,
                 timeout: float | None = None) -> None:
    """Runs once in each worker: load the pipeline, and exit if the parent
    dies (a build killed with SIGKILL must not leave workers behind)."""
    global _worker_extract, _worker_timeout
    from kg.extraction.document import default_pipeline

    _worker_extract = extract or default_extractor()
    _worker_timeout = timeout
    default_pipeline()     # here, not in the first document's time limit

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _extract_in_worker(doc: dict) -> tuple[bool, dict | str]:
    """``(True, result)`` or ``(False, "Error: message")`` (a
    :class:`kg.messages.Skip` naming the document for a timeout)."""
    try:
        with time_limit(document_limit(doc, _worker_timeout), doc.get("path") or doc["doc"]):
            return True, _worker_extract(doc)
    except ExtractionTimeout as exc:
        return False, Skip(str(exc), exc.code)
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


def parallel_extract(docs: Iterable[dict], extract: Extractor | None = None,
                     jobs: int = 2, timeout: float | None = None,
                     ) -> Iterator[tuple[bool, dict | str]]:
    """Extract ``docs`` in ``jobs`` worker processes; yield, in the order of
    ``docs``, ``(True, result)`` or ``(False, "Error: message")``.  Each
    document has ``timeout`` seconds (None: no limit).

    Workers are started with ``spawn`` (no inherited store handles or
    locks) and each builds its own pipeline once.  At most ``4 × jobs``
    documents are in flight, so memory stays flat however long the build
    is.  Closing the generator stops the workers.

    >>> from kg.extraction.document import extract_document
    >>> docs = [{"doc": f"{i}.txt", "doc_id": str(i) * 16, "raw": f"星河{i}大学与蓝海科技有限公司签约。"}
    ...         for i in range(3)]
    >>> [(ok, r["relations"][0]["subject"]) for ok, r in parallel_extract(docs, extract_document)]
    [(True, '星河0大学'), (True, '星河1大学'), (True, '星河2大学')]
    """
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    import kg.ingest.build as here   # workers find the functions by this name, however we were imported

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=here._init_worker,
                               initargs=(extract, os.getpid(), timeout))
    pending: deque = deque()
    queue = iter(docs)
    try:
        for doc in queue:
            pending.append(pool.submit(here._extract_in_worker, doc))
            if len(pending) >= 4 * jobs:
                break
        while pending:
            result = pending.popleft().result()
            doc = next(queue, None)
            if doc is not None:
                pending.append(pool.submit(here._extract_in_worker, doc))
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def find_document(store: KGStore, key: str) -> str:
    """The ``doc_id`` of the stored document that ``key`` names: its id, one
    of its paths, or its file name when only one document has that name.

    Raises :class:`kg.messages.KGError`: E201 when no document matches, E202
    (listing the candidates' paths) when a file name is ambiguous.
    """
    from kg.messages import KGError

    docs = store.documents()
    for wanted in (lambda d: d["doc_id"] == key,
                   lambda d: store_path(key) in d["paths"],
                   lambda d: Path(key).name in {d["doc"], *(Path(p).name for p in d["paths"])}):
        found = [d for d in docs if wanted(d)]
        if len(found) == 1:
            return found[0]["doc_id"]
        if found:
            shown = ", ".join(f"{d['path'] or d['doc']} (id {d['doc_id']})" for d in found)
            raise KGError("E202", doc=key, n=len(found), candidates=shown)
    raise KGError("E201", doc=key, store=store.location)


def remove(store: KGStore, doc: str) -> str:
    """Remove the document ``doc`` names (its path, an unambiguous file name,
    or its id; see :func:`find_document`) and everything it stated.

    Returns the removed document's ``doc_id``.
    """
    store.check_writable()
    doc_id = find_document(store, doc)
    store.remove_document(doc_id)
    return doc_id
