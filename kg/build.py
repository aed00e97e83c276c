"""Incremental ingest: documents → extraction → one named graph each.

``build`` reads documents (files or folders), skips those already stored
with the same content (same ``doc_id``), extracts the others and writes each
one's graph in a single transaction, together with its ``doc_id``.  So:

* building twice adds nothing;
* a changed document replaces its graph (the old version or the new one is
  there, never a mix);
* a build killed half way leaves every finished document in the store, and
  running it again completes the rest.

With ``jobs=N`` the extraction (the slow part) runs in ``N`` worker
processes while this process keeps writing the store, in document order and
one transaction per document as with one job — so the result is the same
as with ``jobs=1``, only sooner.

Examples
--------
>>> import tempfile, os
>>> from kg.store import open_store
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
>>> def extract(doc):   # a stand-in for kg.extraction.document.extract_document
...     return {"document": doc, "entities": [
...         {"name": "某某大学", "type": "University", "aliases": []}], "relations": []}
>>> doc = {"doc": "a.txt", "doc_id": "00ff00ff00ff00ff", "raw": "某某大学。"}
>>> ingest_document(store, doc, extract)
'added'
>>> ingest_document(store, doc, extract)
'skipped'
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

from kg.extraction.coreference import qualify_generic
from kg.rdf import document_quads
from kg.store import KGStore, LabelIndex

Extractor = Callable[[dict], dict]


@dataclass
class BuildReport:
    """What a build did: documents added, replaced, skipped, failed."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line, e.g. ``added 3, replaced 0, skipped 2, failed 0``."""
        return (f"added {len(self.added)}, replaced {len(self.replaced)}, "
                f"skipped {len(self.skipped)}, failed {len(self.failed)}")


def default_extractor() -> Extractor:
    """:func:`kg.extraction.document.extract_document` (its pipeline is built once)."""
    from kg.extraction import extract_document

    return extract_document


def ingest_document(store: KGStore, doc: dict, extract: Extractor,
                    known: dict[str, str] | None = None,
                    labels: "LabelIndex | None" = None) -> str:
    """Store one document unless it is already there with the same content.

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
        ``{file name: doc_id}`` of the store, kept up to date; looked up from
        the store when omitted.
    labels : LabelIndex, optional
        Resolves entities against the store (same answers as
        :meth:`KGStore.resolver`) without a query per document; kept up to
        date.  :func:`build` uses one for the whole build.

    Returns
    -------
    str
        ``"added"``, ``"replaced"`` or ``"skipped"``.
    """
    if known is None:
        known = store.doc_hashes()
    name, doc_id = doc["doc"], doc["doc_id"]
    if known.get(name) == doc_id:
        return "skipped"
    result = qualify_generic(extract(doc))
    result["document"].setdefault("doc", name)
    result["document"].setdefault("doc_id", doc_id)
    if labels is None:
        store.replace_document(name, document_quads(result, store.resolver(result)))
    else:
        quads = document_quads(result, labels.resolver(result))
        store.replace_document(name, quads)
        labels.written(name, quads)
    status = "replaced" if name in known else "added"
    known[name] = doc_id
    return status


def build(paths: Iterable[str | Path], store: KGStore, *,
          extract: Extractor | None = None, progress: bool = True,
          jobs: int = 1) -> BuildReport:
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

    Returns
    -------
    BuildReport
        Unreadable files and extraction errors are listed in ``failed``
        (one line each); the other documents are still ingested.

    Example
    -------
    >>> import tempfile, os
    >>> from kg.store import open_store
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
    paths = [str(p) for p in paths]
    known = store.doc_hashes()
    labels = LabelIndex(store)
    jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    total = _count_files(paths)
    bar = tqdm(total=total, unit="doc", file=sys.stderr, desc="kg build",
               disable=not progress or total <= 3)
    # Documents are read one at a time as the build goes (never all held in
    # memory); those already stored unchanged are counted as skipped on the
    # way, the others go, in order, to extraction and then to the store.
    queued: deque = deque()

    def todo() -> Iterator[dict]:
        for doc in iter_documents(paths,
                                  on_error=lambda exc: report.failed.append(str(exc))):
            if known.get(doc["doc"]) == doc["doc_id"]:
                report.skipped.append(doc["doc"])
                bar.update()
                continue
            queued.append(doc)
            yield doc

    extracted = parallel_extract(todo(), extract, jobs) if jobs > 1 else None
    extractor = extract
    written = False
    try:
        for result in (extracted if extracted is not None else todo()):
            doc = queued.popleft()
            if extracted is None and extractor is None and known.get(doc["doc"]) != doc["doc_id"]:
                extractor = default_extractor()     # built only if a document needs it
            try:
                status = _store_one(store, doc, result, extracted is not None, extractor,
                                    known, labels, report)
            finally:
                bar.update()       # counted once written (or given up)
            if status in ("added", "replaced"):
                written = True
    finally:
        bar.close()
        if extracted is not None:
            extracted.close()   # stops the workers (also on an error or Ctrl-C)
        if written:
            store.compact()     # no write-ahead log left behind
    return report


def _store_one(store, doc, result, parallel, extractor, known, labels, report) -> str:
    """Store one document of :func:`build`; return its status."""
    # a second file of the same name and content, written meanwhile
    if known.get(doc["doc"]) == doc["doc_id"]:
        report.skipped.append(doc["doc"])
        return "skipped"
    if parallel:
        done, result = result
        if not done:
            report.failed.append(f"{doc['doc']}: {result}")
            return "failed"
        extractor = _Ready(result)
    try:
        status = ingest_document(store, doc, extractor, known, labels)
    except Exception as exc:  # one bad document must not stop the build
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        if type(exc).__name__ == "StoreError":
            raise
        report.failed.append(f"{doc['doc']}: {type(exc).__name__}: {exc}")
        return "failed"
    getattr(report, status).append(doc["doc"])
    return status


def build_extracted(dirs: Iterable[str | Path], store: KGStore, *,
                    progress: bool = True) -> BuildReport:
    """Load what ``kg extract`` (or :func:`kg.extracted.write_results`, run
    anywhere) wrote into ``store``, incrementally.

    Parameters
    ----------
    dirs : iterable of str or Path
        Extraction directories (``documents.jsonl``, ``entities.jsonl``,
        ``relations.jsonl``), loaded in the order given.
    store : KGStore
    progress : bool
        Show a progress bar (on standard error).

    Returns
    -------
    BuildReport
        As :func:`build`: documents already stored with the same content
        are skipped, a changed one replaces its graph.  The store is the one
        :func:`build` gives on the files that were extracted (same quads).

    Raises
    ------
    kg.extracted.ExtractedError
        A directory that is not an extraction, or out of order.
    """
    from tqdm import tqdm

    from kg.extracted import check_dirs, read_results

    dirs = [str(d) for d in dirs]
    total = check_dirs(dirs)
    report = BuildReport()
    known = store.doc_hashes()
    labels = LabelIndex(store)
    written = False
    bar = tqdm(total=total, unit="doc", file=sys.stderr, desc="kg build",
               disable=not progress or total <= 3)
    try:
        for result in read_results(dirs):
            doc = result["document"]
            bar.update()
            status = ingest_document(store, doc, _Ready(result), known, labels)
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


# --- extraction in worker processes -----------------------------------------------------------

_worker_extract: Extractor | None = None


def _init_worker(extract: Extractor | None, parent: int) -> None:
    """Runs once in each worker: load the pipeline, and exit if the parent
    dies (a build killed with SIGKILL must not leave workers behind)."""
    global _worker_extract
    _worker_extract = extract or default_extractor()
    if extract is None:
        from kg.extraction.document import default_pipeline
        default_pipeline()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _extract_in_worker(doc: dict) -> tuple[bool, dict | str]:
    """``(True, result)`` or ``(False, "Error: message")``."""
    try:
        return True, _worker_extract(doc)
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


def parallel_extract(docs: Iterable[dict], extract: Extractor | None = None,
                     jobs: int = 2) -> Iterator[tuple[bool, dict | str]]:
    """Extract ``docs`` in ``jobs`` worker processes; yield, in the order of
    ``docs``, ``(True, result)`` or ``(False, "Error: message")``.

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

    import kg.build as here   # workers find the functions by this name, however we were imported

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=here._init_worker, initargs=(extract, os.getpid()))
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


def remove(store: KGStore, doc: str) -> bool:
    """Remove document ``doc`` (file name or path) and everything it stated.

    Returns whether the document was in the store.
    """
    return store.remove_document(Path(doc).name)
