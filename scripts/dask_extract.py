"""Extract a corpus with Dask, for `kg build --extracted` (the README recipe).

Extraction is a pure function of one document, so any engine can spread it
over cores or machines. Here a Dask bag holds chunks of file paths (in the
order `kg build` reads them); each task runs kg.ingest.extracted.extract_files
on its chunk (kg.extraction.extract_document per file), which writes an
extraction directory, out/part-00000, out/part-00001, … — the files `kg extract`
writes. Loading the parts in order gives the store `kg build` gives:

    python scripts/dask_extract.py corpus/ out/                   # local cores
    python scripts/dask_extract.py corpus/ out/ --scheduler tcp://host:8786
    kg build --extracted out/part-* --store kg-store
"""

from __future__ import annotations

import argparse
from pathlib import Path


def corpus_files(folder: str) -> list[str]:
    """The files `kg build FOLDER` reads, in its order."""
    from kg.extraction.reading import SUFFIXES

    return [str(p) for p in sorted(Path(folder).rglob("*"))
            if p.is_file() and p.suffix.lower() in SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(folder).parts)]


def dask_extract(folder: str, out: str, *, chunk: int = 200, scheduler=None) -> list[str]:
    """Extract every file under ``folder`` into ``out/part-*`` with Dask.

    ``scheduler`` is any Dask scheduler: ``"processes"`` (local cores,
    the default), ``"synchronous"``, or a ``distributed.Client``.
    """
    import dask.bag as db

    from kg.ingest.extracted import extract_files

    files = corpus_files(folder)
    chunks = [files[start:start + chunk] for start in range(0, len(files), chunk)]
    parts = [str(Path(out) / f"part-{i:05d}") for i in range(len(chunks))]
    bag = db.from_sequence(list(zip(chunks, parts)), npartitions=max(1, len(chunks)))
    return bag.starmap(extract_files).compute(scheduler=scheduler or "processes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("out")
    parser.add_argument("--chunk", type=int, default=200, help="documents per task")
    parser.add_argument("--scheduler", default=None,
                        help="a Dask scheduler address (default: local processes)")
    args = parser.parse_args()
    scheduler = None
    if args.scheduler and "://" in args.scheduler:
        from dask.distributed import Client
        scheduler = Client(args.scheduler)
    parts = dask_extract(args.folder, args.out, chunk=args.chunk, scheduler=scheduler)
    print(f"{len(parts)} parts → {args.out}/part-*; load them with "
          f"`kg build --extracted {args.out}/part-*`")


if __name__ == "__main__":
    main()
