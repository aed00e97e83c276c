"""Wall time and peak memory of ``kg build`` on generated corpora.

What
----
For each ``--sizes`` N, writes N articles with :mod:`bench/corpus.py`
(``bench/_work/corpus-N``, reused when already there) and runs the whole
command ``kg build CORPUS --store FRESH_DIR --quiet --jobs J`` in a
subprocess for each ``--jobs`` J, measuring

- *wall time*, documents/s and characters/s (interpreter start, imports,
  worker start-up, reading, extraction, store writes and the final
  statistics — everything a user waits for);
- *peak RSS*: the largest single process of the build, from
  ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a small wrapper process that
  runs only that build (worker processes are children of the build and
  counted), and the peak *total* RSS of the build's process tree, sampled
  from ``/proc`` every 0.1 s (what the machine must have free);
- the size of the resulting graph (documents, entities, relations) and of
  the store on disk.

Why
---
Extraction is the slow part; ``--jobs`` spreads it over processes while the
parent writes the store.  This measures what that buys on this machine and
whether memory stays flat as the corpus grows.

Example
-------
::

    .venv/bin/python bench/build.py --sizes 1000 --jobs 1 2
    .venv/bin/python bench/build.py --sizes 10000 --jobs 2 --json
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "_work"

#: Runs ARGV, then prints the peak RSS (KiB) of its largest descendant.
_WRAPPER = ("import resource, subprocess, sys\n"
            "code = subprocess.call(sys.argv[1:], stdout=sys.stderr)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
            "sys.exit(code)\n")


def corpus(n: int, seed: int = 0) -> tuple[Path, int]:
    """The folder of the ``n``-article corpus (written if missing) and its characters."""
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_corpus", module)
    spec.loader.exec_module(module)
    folder = WORK / f"corpus-{n}-seed{seed}"
    stamp = folder / ".stamp"
    if not (stamp.exists() and stamp.read_text() == f"{n} {seed}"):
        module.write_corpus(n, folder, seed)
        stamp.write_text(f"{n} {seed}")
    chars = sum(len(p.read_text(encoding="utf-8")) for p in folder.glob("*.txt"))
    return folder, chars


def _tree_rss(root: int) -> int:
    """Total resident memory (bytes) of ``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)   # field 4: ppid
        rss[pid] = int(fields[21]) * page                      # field 24: rss pages
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def run_build(folder: Path, jobs: int, kg: list[str], keep: Path | None = None) -> dict:
    """Run one ``kg build`` into a fresh store; time, memory and what it built.

    With ``keep``, the store is moved there afterwards (for ``bench/query.py``)."""
    store = Path(tempfile.mkdtemp(prefix="kg-bench-build-")) / "store"
    cmd = [sys.executable, "-c", _WRAPPER, *kg, "build", str(folder), "--store", str(store),
           "--quiet", "--jobs", str(jobs)]
    peak = {"tree": 0}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        while proc.poll() is None:
            peak["tree"] = max(peak["tree"], _tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    try:
        if proc.returncode != 0:
            sys.exit(f"kg build failed ({proc.returncode}): {err.strip()[-800:]}")
        summary = err.strip().splitlines()[-1] if err.strip() else ""
        counts = re.search(r"(\d+) documents, (\d+) entities, (\d+) relations", err)
        disk = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
        quads = json.loads(subprocess.run([*kg, "stats", "--json", "--store", str(store)],
                                          capture_output=True, text=True).stdout or "{}")
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.move(str(store), str(keep))
    finally:
        shutil.rmtree(store.parent, ignore_errors=True)
    return {"jobs": jobs, "wall_s": wall, "max_rss_mb": int(out.strip()) / 1024,
            "tree_rss_mb": peak["tree"] / 2**20, "summary": summary,
            "documents": int(counts[1]) if counts else None,
            "entities": int(counts[2]) if counts else None,
            "relations": int(counts[3]) if counts else None, "store_mb": disk / 1e6,
            "quads": quads.get("quads"),
            "bytes_per_quad": disk / quads["quads"] if quads.get("quads") else None}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--jobs", type=int, nargs="+", default=[2],
                    help="kg build --jobs values to compare (default 2)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--keep", action="store_true",
                    help="keep the store of each size's last run as bench/_work/store-N-seedS "
                         "(bench/query.py uses it)")
    args = ap.parse_args(argv)
    exe = Path(sys.executable).with_name("kg")
    kg = [str(exe)] if exe.exists() else [sys.executable, "-m", "kg.cli"]
    if not args.json:
        print(f"kg build on generated corpora (bench/corpus.py, seed {args.seed}); "
              f"{os.cpu_count()} cores")
        print(f"{'articles':>8} {'chars':>10} {'jobs':>4} {'wall':>9} {'docs/s':>7} "
              f"{'chars/s':>8} {'max RSS':>8} {'tree RSS':>9} {'entities':>9} {'relations':>9}")
    for n in args.sizes:
        folder, chars = corpus(n, args.seed)
        for jobs in args.jobs:
            keep = WORK / f"store-{n}-seed{args.seed}" if args.keep and jobs == args.jobs[-1] \
                else None
            r = run_build(folder, jobs, kg, keep)
            r.update(articles=n, characters=chars)
            if args.json:
                print(json.dumps(r), flush=True)
                continue
            print(f"{n:>8,} {chars:>10,} {jobs:>4} {r['wall_s']:>8.1f}s {n / r['wall_s']:>7.1f} "
                  f"{chars / r['wall_s']:>8,.0f} {r['max_rss_mb']:>6,.0f}MB "
                  f"{r['tree_rss_mb']:>7,.0f}MB {r['entities']:>9,} {r['relations']:>9,}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
