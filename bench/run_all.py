"""``make bench``: run every benchmark, print one table, write bench/RESULTS.md.

What
----
Runs, each in its own process (so one bench's memory does not weigh on the
next), with sizes chosen to finish in under 15 minutes on a 2-core machine:

====================  =====================================================
``bench/extract.py``  extraction vs bare ``jieba.lcut``, seeds repeated to 2 MB
``bench/build.py``    ``kg build`` of 1 000 generated articles with 1 and 2
                      jobs, and of 10 000 with 2 jobs: wall time, peak RSS
``bench/store.py``    load triples/s and a 3-way join, pyoxigraph vs rdflib's
                      in-memory Graph, 100 k and 1 M triples
``bench/connect.py``  ``kg connect`` at 10 k, 100 k and 1 M edges: warm,
                      cold and whole-command latency
``bench/view.py``     time to interactive of a 2 000-entity viewer page
``bench/serve.py``    ``kg serve`` on the 1 000-article store: 8 clients for
                      30 s asking search, entity and connect; requests/s,
                      p50/p99 latency, server memory before/after
``bench/query.py``    every analysis command and example query, cold, at
                      1 000 and 10 000 articles (the stores ``build`` kept):
                      latency, peak RSS, store bytes per quad
====================  =====================================================

then prints one summary table and writes it, with the date, the machine
(cores, memory, CPU model), the commit and every bench's own output, to
``bench/RESULTS.md``.

Why
---
One command that anyone can run to see whether the tool is fast enough for
their corpus on their machine, and a record to compare against.

Example
-------
::

    make bench                                  # the whole run, ≈ 10–12 minutes
    .venv/bin/python bench/run_all.py --quick   # tiny sizes, a smoke test (≈ 1 minute)
    .venv/bin/python bench/run_all.py --only build store
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 15 * 60


@dataclass
class Part:
    """One benchmark: its command line and how to read its output into rows
    ``(what, setting, result)`` of the summary table."""

    name: str
    args: list[str]
    quick: list[str]
    rows: Callable[[str], list[tuple[str, str, str]]]
    output: str = ""
    seconds: float = 0.0
    table: list[tuple[str, str, str]] = field(default_factory=list)


def _k(x: float) -> str:
    return f"{x / 1000:,.1f} k" if x < 1e6 else f"{x / 1e6:,.2f} M"


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def extract_rows(text: str) -> list[tuple[str, str, str]]:
    (r,) = _json_lines(text)
    return [("extraction vs bare `jieba.lcut`",
             f"seeds repeated, {r['characters']:,} chars, warm pipeline, 1 core",
             f"{_k(r['extract_document']['chars_per_second'])} vs "
             f"{_k(r['jieba']['chars_per_second'])} chars/s "
             f"({r['ratio_extract_to_jieba']:.1f}× slower than segmentation alone)"),
            ("extraction, rules only (no LAC, no learned tagger)",
             f"same text, `build_pipeline(tagger=False)`",
             f"{_k(r['extract_rules_only']['chars_per_second'])} chars/s "
             f"({r['ratio_rules_only_to_jieba']:.1f}× jieba; the trained tagger costs "
             f"{r['ratio_tagger_to_rules_only']:.1f}× the rules alone)")]


def build_rows(text: str) -> list[tuple[str, str, str]]:
    rows = []
    for r in _json_lines(text):
        rows.append((f"`kg build` {r['articles']:,} articles, `--jobs {r['jobs']}`",
                     f"{r['characters']:,} chars → {r['entities']:,} entities, "
                     f"{r['relations']:,} relations",
                     f"{r['wall_s']:,.1f} s ({r['articles'] / r['wall_s']:,.0f} docs/s, "
                     f"{_k(r['characters'] / r['wall_s'])} chars/s); peak RSS "
                     f"{r['max_rss_mb']:,.0f} MB largest process, "
                     f"{r['tree_rss_mb']:,.0f} MB all processes; store "
                     f"{r['store_mb'] / 1000:,.2f} GB on disk"
                     + (f", {r['bytes_per_quad']:,.0f} B/quad ({r['quads'] / 1e6:,.2f} M quads)"
                        if r.get("bytes_per_quad") else "")))
    return rows


def store_rows(text: str) -> list[tuple[str, str, str]]:
    rows, ox = [], None
    for line in text.splitlines():
        m = re.match(r"\s*([\d,]+)\s+(pyoxigraph \(disk\)|rdflib Graph \(RAM\))\s+(\S+)\s+(.+?)\s*$",
                     line)
        if not m:
            continue
        if m[2].startswith("pyoxigraph"):
            ox = m
            continue
        rows.append((f"store load, {m[1]} triples", "pyoxigraph on disk vs rdflib in-memory Graph",
                     f"{ox[3]} vs {m[3]} triples/s; 3-way join {ox[4]} vs {m[4]}"))
    return rows


def connect_rows(text: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in text.splitlines():
        m = re.match(r"\s*([\d,]+)\s+([\d,]+)\s+(\d+)\s", line)
        if not m:
            continue
        times = re.findall(r"([\d,.]+ m?s)", line)
        answered = re.search(r"(\d+/\d+)", line)
        if len(times) < 7:
            continue
        project, load, index, warm, warm_max, cold, command = times[:7]
        rows.append((f"`kg connect`, {m[1]} edges", f"{m[2]} nodes, Barabási–Albert; "
                     f"{answered[1] if answered else '?'} random pairs have a path of ≤ 5 hops",
                     f"warm median {warm} (max {warm_max}); cold {cold}; "
                     f"whole command {command}"))
    return rows


def view_rows(text: str) -> list[tuple[str, str, str]]:
    m = re.search(r"time to interactive: median ([\d.]+ s), max ([\d.]+ s)", text)
    g = re.search(r"graph: (\d+) entities, (\d+) relations", text)
    if not m:
        return []
    return [("viewer page interactive in Chromium",
             f"{g[1]} entities, {g[2]} relations" if g else "",
             f"median {m[1]}, max {m[2]}")]


def query_rows(text: str) -> list[tuple[str, str, str]]:
    rows = []
    by_size: dict[int, list[dict]] = {}
    for r in _json_lines(text):
        by_size.setdefault(r["size"], []).append(r)
    for size, rs in by_size.items():
        store = next((r for r in rs if r["command"] == "store"), None)
        if store:
            rows.append((f"store after `kg build`, {size:,} articles",
                         f"{store['quads']:,} quads, {store['entities']:,} entities",
                         f"{store['bytes_per_quad']:,.0f} B/quad on disk"))
        for r in rs:
            if r["command"] == "store":
                continue
            target = r.get("target_s")
            verdict = "" if not target else (" ✓" if r["median_s"] <= target
                                             else f" (target {target:g} s)")
            extra = f", {r['rows']:,} rows" if r.get("rows") is not None else ""
            rows.append((f"`kg {r['command']}`", f"{size:,} articles, cold",
                         f"{r['median_s']:,.2f} s{verdict}; peak {r['peak_mb']:,.0f} MB{extra}"))
    return rows


def serve_rows(text: str) -> list[tuple[str, str, str]]:
    (r,) = _json_lines(text)[-1:]
    return [(f"`kg serve`, {r['articles']:,} articles",
             f"{r['clients']} clients on loopback for {r['seconds']:.0f} s: search, entity, "
             "connect in turn",
             f"{r['rps']:,.0f} requests/s, p50 {r['p50_ms']:,.0f} ms, p99 {r['p99_ms']:,.0f} ms, "
             f"{r['errors']} errors; server RSS {r['rss_before_mb']:,.0f} MB before, "
             f"{r['rss_after_mb']:,.0f} MB after (peak {r['rss_peak_mb']:,.0f} MB)")]


def parts(python: str) -> list[Part]:
    b = str(ROOT / "bench")
    return [
        Part("extract", [python, f"{b}/extract.py", "--mb", "2", "--no-command", "--json"],
             [python, f"{b}/extract.py", "--mb", "0.1", "--no-command", "--json"], extract_rows),
        Part("build", [python, f"{b}/build.py", "--sizes", "1000", "--jobs", "1", "2", "--json",
                       "--keep"],
             [python, f"{b}/build.py", "--sizes", "100", "--jobs", "1", "2", "--json", "--keep"],
             build_rows),
        Part("build-10k", [python, f"{b}/build.py", "--sizes", "10000", "--jobs", "2", "--json",
                           "--keep"],
             [python, f"{b}/build.py", "--sizes", "300", "--jobs", "2", "--json", "--keep"],
             build_rows),
        Part("query", [python, f"{b}/query.py", "--sizes", "1000", "10000", "--json"],
             [python, f"{b}/query.py", "--sizes", "100", "300", "--runs", "1", "--json"],
             query_rows),
        Part("store", [python, f"{b}/store.py", "--sizes", "100000,1000000"],
             [python, f"{b}/store.py", "--sizes", "10000"], store_rows),
        Part("connect", [python, f"{b}/connect.py", "--sizes", "10000", "100000", "1000000",
                         "--runs", "1"],
             [python, f"{b}/connect.py", "--sizes", "10000", "--runs", "1", "--queries", "5"],
             connect_rows),
        Part("view", [python, f"{b}/view.py", "--runs", "3"],
             [python, f"{b}/view.py", "--nodes", "300", "--runs", "1"], view_rows),
        Part("serve", [python, f"{b}/serve.py", "--size", "1000", "--clients", "8",
                       "--seconds", "30", "--json"],
             [python, f"{b}/serve.py", "--size", "100", "--clients", "4", "--seconds", "5",
                       "--json"], serve_rows),
    ]


def machine() -> dict:
    """Cores, memory, CPU model, OS and Python of this machine."""
    info = {"cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else os.cpu_count(), "memory": "?", "cpu": platform.processor() or "?",
            "os": platform.platform(), "python": platform.python_version()}
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
        info["memory"] = f"{kib / 2**20:.1f} GiB"
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        if cpu:
            info["cpu"] = cpu[1].strip()
    except (OSError, TypeError):
        pass
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                        capture_output=True, text=True).stdout.strip()
    except OSError:
        info["commit"] = "?"
    return info


def run(part: Part, quick: bool) -> None:
    """Run one bench, echoing its output, and fill in its table rows."""
    argv = part.quick if quick else part.args
    print(f"\n== {part.name}: {' '.join(Path(a).name if a.endswith('.py') else a for a in argv[1:])}",
          flush=True)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    lines = []
    for line in proc.stdout:
        print("   " + line, end="", flush=True)
        lines.append(line)
    code = proc.wait()
    part.seconds = time.perf_counter() - start
    part.output = "".join(lines)
    if code != 0:
        part.table = [(part.name, "", f"FAILED (exit {code})")]
        return
    try:
        part.table = part.rows(part.output) or [(part.name, "", "no result read (see output)")]
    except Exception as exc:   # a changed output format must not lose the other results
        part.table = [(part.name, "", f"could not read the output ({type(exc).__name__})")]
    print(f"   ({part.seconds:,.0f} s)", flush=True)


def table(done: list[Part]) -> str:
    lines = ["| what | setting | result |", "|---|---|---|"]
    for part in done:
        lines += [f"| {a} | {b} | {c} |" for a, b, c in part.table]
    return "\n".join(lines)


def write_results(path: Path, done: list[Part], info: dict, total: float, quick: bool) -> None:
    today = datetime.datetime.now().astimezone()
    parts_times = ", ".join(f"{p.name} {p.seconds:,.0f} s" for p in done)
    text = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`bench/run_all.py{' --quick' if quick else ''}`) on "
        f"{today:%Y-%m-%d %H:%M %Z}.",
        "",
        f"Machine: {info['cores']} cores (`nproc`), {info['memory']} memory, "
        f"{info['cpu']}; {info['os']}; Python {info['python']}; commit {info['commit']}.",
        "",
        f"Total time {total / 60:,.1f} min ({parts_times}); the budget is 15 min.",
        "",
        table(done),
        "",
        "Notes: extraction is timed in one process on the seed articles; `kg build` runs",
        "the whole command on articles written by `bench/corpus.py` (seed 0) into a fresh",
        "store, the peak RSS of the largest process from `getrusage(RUSAGE_CHILDREN)` and",
        "of all its processes (parent and extraction workers) sampled from `/proc`;",
        "its wall time includes start-up and the final statistics. `--jobs 2` extracts in",
        "two worker processes while the parent writes the store; once extraction is faster",
        "than the parent's writes (resolving entities, building the quads, one SPARQL",
        "update per document) the parent sets the pace and the speed-up is below 2×.",
        "Store and connect use synthetic graphs (see each script's docstring).",
        "The machine is shared, so timings vary by some 10–20 % between runs.",
        "",
        "## Output of each bench",
    ]
    for part in done:
        text += ["", f"### {part.name} ({part.seconds:,.0f} s)", "",
                 "`" + " ".join(("bench/" + Path(a).name) if a.endswith(".py") else a
                                for a in (part.quick if quick else part.args)[1:]) + "`",
                 "", "```", part.output.rstrip(), "```"]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    ap.add_argument("--only", nargs="+", metavar="PART",
                    help="run only these parts (extract build build-10k query store connect view "
                         "serve)")
    ap.add_argument("--out", help="write the results here (default: bench/RESULTS.md, "
                                  "for a full run only)")
    args = ap.parse_args(argv)
    todo = [p for p in parts(sys.executable) if not args.only or p.name in args.only]
    info = machine()
    print(f"make bench: {info['cores']} cores, {info['memory']}, {info['cpu']}")
    start = time.perf_counter()
    for part in todo:
        run(part, args.quick)
    total = time.perf_counter() - start
    print("\n" + table(todo))
    print(f"\ntotal {total / 60:,.1f} min "
          f"({'within' if total <= BUDGET_S else 'OVER'} the 15-minute budget)")
    out = args.out or (None if args.quick or args.only else ROOT / "bench" / "RESULTS.md")
    if out:
        write_results(Path(out), todo, info, total, args.quick)
        print(f"written {out}")
    else:
        print("(a partial or quick run: bench/RESULTS.md left as it is; --out FILE to keep it)")
    return 1 if any("FAILED" in row[2] for p in todo for row in p.table) else 0


if __name__ == "__main__":
    sys.exit(main())
