"""Cold latency and peak memory of every analysis command and example query.

What
----
For each ``--sizes`` N, takes the store of the N-article generated corpus
(``bench/_work/store-N-seed0``: the one ``bench/build.py --keep`` leaves, or
built here with ``kg build --jobs 2``) and measures, each command a fresh
process (interpreter start, imports, opening the store: what a user waits
for; kg's modules compiled to bytecode first, as an installed package has
them), median of ``--runs`` runs, with the peak RSS of the command:

- the store on disk right after the build, in bytes per quad;
- the *first* analysis after the build (``kg brokers --top 10`` with no
  saved scores: projection, broker and cluster scores computed and saved);
- then, with the scores saved: ``kg stats``, ``kg brokers --top 10``,
  ``kg clusters``, ``kg show`` (the top broker, the largest card),
  ``kg connect`` (the top university and the top company), ``kg view
  --around`` (the top university, one hop);
- ``kg sparql`` of every ``ontology/queries/*.rq`` (asking about the top
  university where an example names a seed entity) and of a naive query
  without DISTINCT (``SELECT ?u ?p WHERE { ?u a uic:University ; uic:builds
  ?p }``), with its row count.

Targets at 10 000 articles (issue 12): show, connect, stats and each
example query ≤ 1 s; brokers, clusters ≤ 2 s once the scores are saved;
peak memory of any query ≤ 1 GB.

Why
---
A tech-transfer office's folder is a few thousand articles; every question
should be answered in about a second.

Example
-------
::

    .venv/bin/python bench/query.py --sizes 1000 10000
    .venv/bin/python bench/query.py --sizes 300 --runs 1 --json
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "_work"
QUERIES = ROOT / "ontology" / "queries"
NAIVE = "SELECT ?u ?p WHERE { ?u a uic:University ; uic:builds ?p }"
TARGETS = {"stats": 1.0, "show": 1.0, "connect": 1.0, "sparql": 1.0,
           "brokers": 2.0, "clusters": 2.0}


def _bench_build():
    spec = importlib.util.spec_from_file_location("bench_build", ROOT / "bench" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def kg_command() -> list[str]:
    exe = Path(sys.executable).with_name("kg")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kg.cli"]


def timed(argv: list[str]) -> tuple[float, float, str]:
    """Run ``argv`` in a fresh process: (wall seconds, peak RSS MB, stdout)."""
    wrapper = _bench_build()._WRAPPER.replace("stdout=sys.stderr", "stdout=out")
    wrapper = "out = open(sys.argv.pop(1), 'w')\n" + wrapper
    with tempfile.NamedTemporaryFile("r", suffix=".out") as out:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", "import sys\n" + wrapper, out.name, *argv],
                              capture_output=True, text=True)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[1:3])} failed: {proc.stderr.strip()[-400:]}")
        return wall, int(proc.stdout.strip().splitlines()[-1]) / 1024, out.read()


def store_for(n: int, seed: int, kg: list[str], store: Path | None = None
              ) -> tuple[Path, dict]:
    """The store of the ``n``-article corpus (built if missing) and its stats."""
    store = store or WORK / f"store-{n}-seed{seed}"
    built = None
    if (store / "CURRENT").exists():
        stats = json.loads(subprocess.run([*kg, "stats", "--json", "--store", str(store)],
                                          capture_output=True, text=True).stdout or "{}")
        if stats.get("documents") != n:
            shutil.rmtree(store)
    if not (store / "CURRENT").exists():
        folder, _ = _bench_build().corpus(n, seed)
        start = time.perf_counter()
        subprocess.run([*kg, "build", str(folder), "--store", str(store), "--quiet",
                        "--jobs", "2"], check=True, capture_output=True)
        built = time.perf_counter() - start
    disk = sum(p.stat().st_size for p in store.rglob("*")
               if p.is_file() and "kg-analysis" not in p.parts)
    stats = json.loads(subprocess.run([*kg, "stats", "--json", "--store", str(store)],
                                      capture_output=True, text=True, check=True).stdout)
    return store, {"built_s": built, "disk_bytes": disk, "quads": stats["quads"],
                   "bytes_per_quad": disk / stats["quads"], "entities": stats["entities"],
                   "relations": stats["relations"]}


def _about(query: Path, name: str) -> str:
    """The text of ``query`` (a file name if it names no entity) asking
    about ``name``: an example query names a seed entity (``"…"@zh``), which
    a generated corpus does not have, and would time an empty answer."""
    text = query.read_text(encoding="utf-8")
    named = re.sub(r'"[^"]*"@zh', lambda _: json.dumps(name, ensure_ascii=False) + "@zh",
                   text, count=1)
    return str(query) if named == text else named


def measure(n: int, seed: int, runs: int, kg: list[str], store: Path | None = None,
            reuse_scores: bool = False) -> list[dict]:
    store, info = store_for(n, seed, kg, store)
    s = ["--store", str(store)]
    out = [dict(info, size=n, command="store")]
    saved = store / "kg-analysis" / "scores.pickle"
    if reuse_scores and saved.exists():
        import pickle
        with open(saved, "rb") as fh:
            seconds = pickle.load(fh)["seconds"]
        out.append({"size": n, "command": "first analysis (scores computed, as saved)",
                    "kind": "first", "median_s": seconds, "max_s": seconds, "peak_mb": 0})
    else:
        shutil.rmtree(store / "kg-analysis", ignore_errors=True)
        wall, rss, _ = timed([*kg, "brokers", "--top", "10", *s])
        out.append({"size": n, "command": "first analysis (brokers --top 10)", "kind": "first",
                    "median_s": wall, "max_s": wall, "peak_mb": rss})
    rows = json.loads(timed([*kg, "brokers", "--json", "--all-types", "--top", "100000", *s])[2])
    top = rows[0]["name"]
    uni = next(r["name"] for r in rows if r["sector"] == "university")
    firm = next(r["name"] for r in rows if r["sector"] == "industry")
    page = Path(tempfile.mkdtemp()) / "view.html"
    commands = [
        ("stats", [*kg, "stats", *s]),
        ("brokers", [*kg, "brokers", "--top", "10", *s]),
        ("clusters", [*kg, "clusters", *s]),
        ("show", [*kg, "show", top, *s]),
        ("connect", [*kg, "connect", uni, firm, *s]),
        ("view", [*kg, "view", "--around", uni, "--hops", "1", "--out", str(page), *s]),
    ]
    commands += [("sparql", [*kg, "sparql", _about(q, uni), *s], q.name)
                 for q in sorted(QUERIES.glob("*.rq"))]
    commands.append(("sparql", [*kg, "sparql", NAIVE, *s], "naive, no DISTINCT"))
    for kind, argv, *label in commands:
        walls, peaks, text = [], [], ""
        for _ in range(runs):
            wall, rss, text = timed(argv)
            walls.append(wall)
            peaks.append(rss)
        rows_out = re.search(r"\((\d+) rows?\)", text)
        shown = [a for a in argv[len(kg):] if a not in s]
        if "--out" in shown:                        # the page's temporary path
            shown = shown[:shown.index("--out")]
        name = f"{kind} {label[0]}" if label else " ".join(shown)
        out.append({"size": n, "command": name, "kind": kind,
                    "median_s": statistics.median(walls), "max_s": max(walls),
                    "peak_mb": max(peaks), "rows": int(rows_out[1]) if rows_out else None,
                    "target_s": TARGETS.get(kind)})
    shutil.rmtree(page.parent, ignore_errors=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--store", action="append", default=[], metavar="N=DIR",
                    help="use this store for size N instead of building one")
    ap.add_argument("--reuse-scores", action="store_true",
                    help="if the store has saved scores, report the time they took "
                         "instead of computing them again")
    args = ap.parse_args(argv)
    # kg's bytecode, as a regular install has it: an editable install leaves
    # it to the first run, and where PYTHONDONTWRITEBYTECODE is set (this
    # machine) every command would compile kg's modules again (some 0.03 s)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "kg")],
                   check=True, capture_output=True)
    kg = kg_command()
    given = {int(k): Path(v) for k, v in (item.split("=", 1) for item in args.store)}
    for n in args.sizes:
        for r in measure(n, args.seed, args.runs, kg, given.get(n), args.reuse_scores):
            if args.json:
                print(json.dumps(r, ensure_ascii=False), flush=True)
            elif r["command"] == "store":
                print(f"{n:,} articles: {r['quads']:,} quads, {r['bytes_per_quad']:.0f} B/quad "
                      f"on disk, {r['entities']:,} entities, {r['relations']:,} relations",
                      flush=True)
            else:
                target = r.get("target_s")
                verdict = "" if not target else (" OK" if r["median_s"] <= target
                                                 else f" OVER {target:g} s")
                print(f"{n:>7,}  {r['command']:<44} {r['median_s']:7.2f} s "
                      f"(max {r['max_s']:.2f})  {r['peak_mb']:6.0f} MB"
                      f"{'' if r.get('rows') is None else '  %d rows' % r['rows']}{verdict}",
                      flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
