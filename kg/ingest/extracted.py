"""Extraction output on disk: written once, loaded into a store anywhere.

``kg extract`` writes three JSONL files into a directory
(``documents.jsonl``, ``entities.jsonl``, ``relations.jsonl``, see
:mod:`kg.records`), documents in reading order and each document's entities
and relations in that same order.  Extraction is a pure function of one
document (:func:`kg.extraction.extract_document`), so a corpus too big for one
machine can be extracted by any distributed engine — Dask, Spark, a batch
queue — each worker writing such a directory for its share with
:func:`write_results`; ``kg build --extracted DIR…`` then loads the
directories in order (:func:`read_results`) into the store, with the same
entity resolution as ``kg build``, so the store is the one ``kg build``
gives on the same files.

Examples
--------
>>> import tempfile
>>> out = tempfile.mkdtemp()
>>> result = {"document": {"doc": "a.txt", "doc_id": "0" * 16, "text": "甲大学与乙公司签约。"},
...           "entities": [{"name": "甲大学", "type": "University", "aliases": []}],
...           "relations": []}
>>> write_results([result], out)
1
>>> [r["entities"][0]["name"] for r in read_results([out])]
['甲大学']
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from kg.messages import DetailError
from kg.records import read_jsonl, write_jsonl

__all__ = ["FILES", "extract_files", "write_results", "read_results", "ExtractedError"]

#: The three files of an extraction directory.
FILES = ("documents.jsonl", "entities.jsonl", "relations.jsonl")


class ExtractedError(DetailError, ValueError):
    """An extraction directory that cannot be loaded (E205, one line)."""

    code = "E205"


def write_results(results: Iterable[dict], out_dir: str | Path) -> int:
    """Write per-document extraction results as ``kg extract`` does.

    Parameters
    ----------
    results : iterable of dict
        ``{"document", "entities", "relations"}`` from
        :func:`kg.extraction.extract_document`, in reading order.
    out_dir : str or Path
        Created if needed; receives the three files of :data:`FILES`.

    Returns
    -------
    int
        Number of documents written.

    Notes
    -----
    Entities get ``docs`` and ``canonical`` as in ``kg extract`` (canonical
    names are resolved among the documents written together; the store
    resolves across everything it holds anyway).
    """
    from kg.extraction.document import canonicalise

    results = list(results)
    entity_lists = [[dict(e, docs=[r["document"]["doc"]]) for e in r["entities"]]
                    for r in results]
    entities, _ = canonicalise(entity_lists, [])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl([r["document"] for r in results], out / "documents.jsonl")
    write_jsonl(entities, out / "entities.jsonl")
    write_jsonl([rel for r in results for rel in r["relations"]], out / "relations.jsonl")
    return len(results)


def extract_files(paths: Iterable[str | Path], out_dir: str | Path) -> str:
    """Read, extract and write files ``paths`` (in that order) to ``out_dir``.

    The unit of work of a distributed extraction (``scripts/dask_extract.py``
    runs one per task): a pure function of its files, importable by any
    worker.  Unreadable files are reported on standard output and left out,
    as ``kg extract`` does.  Returns ``out_dir``.
    """
    from kg.extraction import extract_document
    from kg.extraction.reading import iter_documents

    write_results((extract_document(doc) for doc in
                   iter_documents([str(p) for p in paths], on_error=print)), out_dir)
    return str(out_dir)


def read_results(dirs: Iterable[str | Path]) -> Iterator[dict]:
    """The per-document results stored in extraction directories, in order.

    Each directory's three files are read side by side, one document at a
    time (nothing is held beyond the current document): a document's
    entities are the next records whose ``docs`` is that document, its
    relations the next records whose ``doc`` and ``doc_id`` are its own.

    Raises
    ------
    ExtractedError
        A directory without the three files, or records that do not follow
        the order of ``documents.jsonl``.
    """
    dirs = [Path(folder) for folder in dirs]
    check_dirs(dirs)
    for folder in dirs:
        entities = _Peek(read_jsonl(folder / "entities.jsonl"))
        relations = _Peek(read_jsonl(folder / "relations.jsonl"))
        for document in read_jsonl(folder / "documents.jsonl"):
            name = document["doc"]
            ents = list(entities.take_while(lambda e: (e.get("docs") or [name])[0] == name))
            rels = list(relations.take_while(
                lambda r: r.get("doc") == name and r.get("doc_id") in (None, document["doc_id"])))
            yield {"document": document, "entities": ents, "relations": rels}
        for left, what in ((entities, "entities"), (relations, "relations")):
            extra = left.peek()
            if extra is not None:
                raise ExtractedError(
                    f"{folder}/{what}.jsonl: a record of {extra.get('doc') or extra.get('docs')} "
                    "does not follow the order of documents.jsonl")


def check_dirs(dirs: Iterable[str | Path]) -> int:
    """Check that ``dirs`` are extraction directories; return how many
    documents they hold.  Raises :class:`ExtractedError` otherwise."""
    total = 0
    for folder in map(Path, dirs):
        missing = [name for name in FILES if not (folder / name).is_file()]
        if missing:
            raise ExtractedError(f"{folder}: not an extraction directory (no "
                                 f"{', '.join(missing)}; write one with `kg extract`)")
        with open(folder / "documents.jsonl", "rb") as fh:
            total += sum(1 for line in fh if line.strip())
    return total


class _Peek:
    """An iterator with one record of look-ahead."""

    _END = object()

    def __init__(self, it: Iterator[dict]):
        self.it = it
        self.head = next(it, self._END)

    def peek(self):
        return None if self.head is self._END else self.head

    def take_while(self, keep) -> Iterator[dict]:
        while self.head is not self._END and keep(self.head):
            yield self.head
            self.head = next(self.it, self._END)
