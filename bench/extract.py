"""Throughput of extraction compared with bare jieba segmentation.

The text is the seed articles (``seeds/*.txt``) repeated until it reaches
``--mb`` megabytes of UTF-8 (default 2 MB, about 700 000 characters), as
article-sized documents; each copy starts with its own line so that no two
documents are identical (and no cache can make repeats free). Three timings,
each in characters per second:

- *jieba*: bare ``jieba.lcut`` over every document (dictionary loaded first);
- *extract_document*: :func:`kg.extraction.document.extract_document` on every document
  with the shipped pipeline warm (built and run once before timing):
  cleaning, Traditional→Simplified, jieba, LAC, rule recognition, the
  learned name tagger, coreference, aliases, relations;
- *extract_document, rules only*: the same with ``build_pipeline(tagger=False)``
  (no LAC, no learned tagger) — what the trained components cost;
- *kg extract*: the whole command in a subprocess on a folder of those
  documents (interpreter start, imports, jieba dictionary, reading and
  decoding files, extraction, writing JSON Lines).

and the ratio of extraction time to jieba time (how many times slower than
segmentation alone the whole extraction is).

Usage::

    .venv/bin/python bench/extract.py             # 2 MB, about 2 minutes on 2 cores
    .venv/bin/python bench/extract.py --mb 0.5 --json

Generated files go to ``bench/_work/extract/`` (git-ignored) and are reused
when the size is unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_documents(mb: float) -> list[tuple[str, str]]:
    """``(file name, text)`` pairs: the seeds repeated to ``mb`` MB of UTF-8."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    if not seeds:
        sys.exit("bench/extract.py: no seeds/*.txt to repeat")
    target = int(mb * 1_000_000)
    docs, size, k = [], 0, 0
    while size < target:
        seed = seeds[k % len(seeds)]
        text = f"（第{k + 1}篇）\n{seed}"
        docs.append((f"{k:05d}.txt", text))
        size += len(text.encode("utf-8"))
        k += 1
    return docs


def write_folder(docs: list[tuple[str, str]], folder: Path) -> None:
    """Write the documents into ``folder`` unless an identical set is there."""
    stamp = folder / ".stamp"
    key = f"{len(docs)} {sum(len(t) for _, t in docs)}"
    if stamp.exists() and stamp.read_text() == key:
        return
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, text in docs:
        (folder / name).write_text(text, encoding="utf-8")
    stamp.write_text(key)


def time_jieba(docs) -> float:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    jieba.lcut(docs[0][1])  # warm
    start = time.perf_counter()
    for _, text in docs:
        jieba.lcut(text)
    return time.perf_counter() - start


def time_extract(docs, tagger: bool = True) -> tuple[float, int]:
    from kg.extraction.document import extract_document
    from kg.extraction.pipeline import build_pipeline

    nlp = build_pipeline(tagger=tagger)
    extract_document({"doc": "warm.txt", "doc_id": "0" * 16, "raw": docs[0][1]}, nlp=nlp)
    relations = 0
    start = time.perf_counter()
    for name, text in docs:
        out = extract_document({"doc": name, "doc_id": "0" * 16, "raw": text}, nlp=nlp)
        relations += len(out["relations"])
    return time.perf_counter() - start, relations


def time_command(folder: Path, out: Path) -> float:
    exe = Path(sys.executable).with_name("kg")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "kg.cli"]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    start = time.perf_counter()
    proc = subprocess.run([*cmd, "extract", str(folder), "--out", str(out)],
                          capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"kg extract failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return elapsed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=2.0, help="MB of UTF-8 text (default 2)")
    ap.add_argument("--work", default=str(ROOT / "bench" / "_work" / "extract"),
                    help="folder for the generated documents and the command's output")
    ap.add_argument("--no-command", action="store_true", help="skip the kg extract subprocess")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)

    docs = make_documents(args.mb)
    chars = sum(len(t) for _, t in docs)
    size = sum(len(t.encode("utf-8")) for _, t in docs)
    work = Path(args.work)

    t_jieba = time_jieba(docs)
    t_extract, relations = time_extract(docs)
    t_rules, rule_relations = time_extract(docs, tagger=False)
    t_command = None
    if not args.no_command:
        write_folder(docs, work / "docs")
        t_command = time_command(work / "docs", work / "out")

    result = {
        "documents": len(docs), "characters": chars, "bytes": size,
        "jieba": {"seconds": t_jieba, "chars_per_second": chars / t_jieba},
        "extract_document": {"seconds": t_extract, "chars_per_second": chars / t_extract,
                             "relations": relations},
        "ratio_extract_to_jieba": t_extract / t_jieba,
        "extract_rules_only": {"seconds": t_rules, "chars_per_second": chars / t_rules,
                               "relations": rule_relations},
        "ratio_rules_only_to_jieba": t_rules / t_jieba,
        "ratio_tagger_to_rules_only": t_extract / t_rules,
    }
    if t_command is not None:
        result["kg_extract_command"] = {"seconds": t_command, "chars_per_second": chars / t_command,
                                        "ratio_to_jieba": t_command / t_jieba}
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"text: {len(docs)} documents, {chars:,} characters, {size / 1e6:.2f} MB UTF-8 "
          f"(seeds repeated)")
    print(f"{'stage':28} {'seconds':>9} {'chars/s':>12}")
    print(f"{'jieba.lcut':28} {t_jieba:9.2f} {chars / t_jieba:12,.0f}")
    print(f"{'extract_document (warm)':28} {t_extract:9.2f} {chars / t_extract:12,.0f}"
          f"   ({relations:,} relations)")
    print(f"{'extract_document, rules only':28} {t_rules:9.2f} {chars / t_rules:12,.0f}"
          f"   ({rule_relations:,} relations)")
    if t_command is not None:
        print(f"{'kg extract (subprocess)':28} {t_command:9.2f} {chars / t_command:12,.0f}")
    print(f"ratio rules only/jieba: {t_rules / t_jieba:.1f}×; with the trained tagger/rules only: "
          f"{t_extract / t_rules:.1f}×")
    print(f"ratio extraction/jieba: {t_extract / t_jieba:.1f}× the time of segmentation alone"
          + (f" (whole command {t_command / t_jieba:.1f}×)" if t_command is not None else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
