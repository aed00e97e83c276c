"""Incremental ingest: documents → extraction → one named graph each.

``build`` reads documents (files or folders), skips those already stored
with the same content (same ``doc_id``), extracts the others and writes each
one's graph in a single transaction, together with its ``doc_id``.  So:

* building twice adds nothing;
* a changed document replaces its graph (the old version or the new one is
  there, never a mix);
* a build killed half way leaves every finished document in the store, and
  running it again completes the rest.

Examples
--------
>>> import tempfile, os
>>> from kg.store import open_store
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
>>> def extract(doc):   # a stand-in for kg.extract.extract_document
...     return {"document": doc, "entities": [
...         {"name": "某某大学", "type": "University", "aliases": []}], "relations": []}
>>> doc = {"doc": "a.txt", "doc_id": "00ff00ff00ff00ff", "raw": "某某大学。"}
>>> ingest_document(store, doc, extract)
'added'
>>> ingest_document(store, doc, extract)
'skipped'
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from kg.rdf import document_quads
from kg.store import KGStore

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
    """:func:`kg.extract.extract_document` (its pipeline is built once)."""
    from kg.extract import extract_document

    return extract_document


def ingest_document(store: KGStore, doc: dict, extract: Extractor,
                    known: dict[str, str] | None = None) -> str:
    """Store one document unless it is already there with the same content.

    Parameters
    ----------
    store : KGStore
    doc : dict
        Document record (``doc``, ``doc_id``, ``raw`` …) from
        :func:`kg.ingest.read_document`.
    extract : callable
        ``doc -> {"document", "entities", "relations"}``; only called when the
        document has to be (re)written.
    known : dict, optional
        ``{file name: doc_id}`` of the store, kept up to date; looked up from
        the store when omitted.

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
    result = extract(doc)
    result["document"].setdefault("doc", name)
    result["document"].setdefault("doc_id", doc_id)
    store.replace_document(name, document_quads(result, store.resolver(result)))
    status = "replaced" if name in known else "added"
    known[name] = doc_id
    return status


def build(paths: Iterable[str | Path], store: KGStore, *,
          extract: Extractor | None = None, progress: bool = True) -> BuildReport:
    """Ingest the documents under ``paths`` into ``store``, incrementally.

    Parameters
    ----------
    paths : iterable of str or Path
        Files and folders (read with :func:`kg.ingest.iter_documents`).
    store : KGStore
    extract : callable, optional
        Default :func:`default_extractor` (built only if a document needs it).
    progress : bool
        Show a progress bar (on standard error) for more than a few documents.

    Returns
    -------
    BuildReport
        Unreadable files and extraction errors are listed in ``failed``
        (one line each); the other documents are still ingested.
    """
    from tqdm import tqdm

    from kg.ingest import iter_documents

    report = BuildReport()
    docs = list(iter_documents([str(p) for p in paths],
                               on_error=lambda exc: report.failed.append(str(exc))))
    known = store.doc_hashes()
    extractor = extract
    bar = tqdm(docs, unit="doc", file=sys.stderr, desc="kg build",
               disable=not progress or len(docs) <= 3)
    for doc in bar:
        if known.get(doc["doc"]) == doc["doc_id"]:
            report.skipped.append(doc["doc"])
            continue
        if extractor is None:
            extractor = default_extractor()
        try:
            status = ingest_document(store, doc, extractor, known)
        except Exception as exc:  # one bad document must not stop the build
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            if type(exc).__name__ == "StoreError":
                raise
            report.failed.append(f"{doc['doc']}: {type(exc).__name__}: {exc}")
            continue
        getattr(report, status).append(doc["doc"])
    bar.close()
    return report


def remove(store: KGStore, doc: str) -> bool:
    """Remove document ``doc`` (file name or path) and everything it stated.

    Returns whether the document was in the store.
    """
    return store.remove_document(Path(doc).name)
