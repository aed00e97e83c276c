"""Latency of ``kg connect`` on generated graphs of 10 k, 100 k and 1 M edges.

For each size a Barabási–Albert graph (preferential attachment: a few
hubs, a long tail of small actors, as in the news graph) is generated with
typed nodes and Chinese names, turned into entity and relation records,
projected with :func:`kg.analysis.projection.project` and saved with
:func:`kg.analysis.projection.save_graph`. Then:

- *warm, in-process*: :func:`kg.analysis.paths.build_index` once, then the median
  over ``--queries`` random pairs of :func:`kg.analysis.paths.connect` (default
  ``--max-hops 5 --paths 3``), with the index reused;
- *cold, in-process*: ``build_index`` + one ``connect`` on the loaded graph;
- *whole command*: ``kg connect --graph FILE X Y --json`` in a subprocess
  (interpreter start, imports, unpickling the projection, index, query),
  median of ``--runs`` runs.

Usage::

    .venv/bin/python bench/connect.py            # 10k, 100k, 1M edges
    .venv/bin/python bench/connect.py --sizes 10000 100000 --queries 20

Runs in about 3–5 minutes on 2 cores for the default sizes.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.analysis.paths import build_index, connect
from kg.analysis.projection import load_graph, project, save_graph

#: Entity types and how common they are among generated nodes.
TYPE_WEIGHTS = {
    "Company": 30, "Person": 25, "Department": 8, "University": 3,
    "Government": 5, "Park": 2, "Platform": 6, "ResearchInstitute": 4,
    "Organization": 3, "Team": 5, "Project": 5, "Event": 3, "Role": 1,
}
SUFFIX = {
    "Company": "科技有限公司", "Person": "", "Department": "学院",
    "University": "大学", "Government": "管委会", "Park": "高新区",
    "Platform": "创新中心", "ResearchInstitute": "研究院",
    "Organization": "协会", "Team": "教授团队", "Project": "产业化项目",
    "Event": "对接会", "Role": "大使",
}
PREDICATE = {
    "Person": "affiliatedWith", "Team": "partOf", "Department": "partOf",
    "Project": "hasProject", "Event": "participatesIn", "Role": "appointedAs",
    "Park": "locatedIn", "Platform": "builds",
}
CHARS = "华清远交通新材科创智能电子信息生物医药光能源海天成德正安宏达"


def generate(edges: int, seed: int = 1) -> tuple[list[dict], list[dict]]:
    """Entity and relation records of a typed Barabási–Albert graph with
    about ``edges`` edges (m = 5 edges per new node)."""
    m = 5
    n = max(m + 1, edges // m)
    G = nx.barabasi_albert_graph(n, m, seed=seed)
    rng = random.Random(seed)
    types = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()), k=n)
    names = []
    for i, t in enumerate(types):
        stem = "".join(rng.choice(CHARS) for _ in range(2)) + str(i)
        names.append(stem + SUFFIX[t])
    entities = [{"name": names[i], "type": types[i], "aliases": [], "docs": [f"d{i % 997}.txt"]}
                for i in range(n)]
    relations = []
    for k, (u, v) in enumerate(G.edges()):
        pred = PREDICATE.get(types[u], "cooperatesWith")
        s, o = names[u], names[v]
        relations.append({
            "doc": f"d{k % 997}.txt", "doc_id": f"{k % 997:016x}", "subject": s,
            "predicate": pred, "object": o, "subject_type": types[u],
            "object_type": types[v], "evidence": f"{s}与{o}合作。", "start": 0,
            "end": len(s) + len(o) + 4, "trigger": "合作", "confidence": 0.8,
            "title": None})
    return entities, relations


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def bench(edges: int, queries: int, runs: int, workdir: Path, kg_cmd: list[str]) -> dict:
    t0 = time.perf_counter()
    entities, relations = generate(edges)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    G = project(entities, relations)
    t_proj = time.perf_counter() - t0
    path = workdir / f"graph-{edges}.pickle"
    save_graph(G, path)
    del entities, relations
    t0 = time.perf_counter()
    G = load_graph(path)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = build_index(G)
    t_index = time.perf_counter() - t0
    rng = random.Random(7)
    nodes = list(G)
    pairs = [tuple(rng.sample(nodes, 2)) for _ in range(queries)]
    # cold: a fresh index and one query
    t0 = time.perf_counter()
    connect(G, *pairs[0])
    t_cold = time.perf_counter() - t0
    times, found = [], 0
    for x, y in pairs:
        t0 = time.perf_counter()
        out = connect(G, x, y, index=index)
        times.append(time.perf_counter() - t0)
        found += bool(out["paths"])
    command = []
    for x, y in pairs[:runs]:
        t0 = time.perf_counter()
        subprocess.run(kg_cmd + ["connect", "--graph", str(path), "--json", x, y],
                       check=True, stdout=subprocess.DEVNULL)
        command.append(time.perf_counter() - t0)
    return {
        "edges": G.number_of_edges(), "nodes": G.number_of_nodes(),
        "hubs": len(index.hubs), "hub_degree": index.hub_degree,
        "generate": t_gen, "project": t_proj, "load": t_load, "index": t_index,
        "warm_median": statistics.median(times), "warm_max": max(times),
        "answered": f"{found}/{len(pairs)}", "cold": t_cold,
        "command_median": statistics.median(command),
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=15, help="warm queries per size")
    ap.add_argument("--runs", type=int, default=3, help="whole-command runs per size")
    args = ap.parse_args(argv)
    kg = Path(sys.executable).with_name("kg")
    kg_cmd = [str(kg)] if kg.exists() else [sys.executable, "-m", "kg.cli"]
    print(f"kg connect latency (max_hops 5, paths 3); python {sys.version.split()[0]}, "
          f"networkx {nx.__version__}, {os.cpu_count()} cores")
    header = (f"{'edges':>9} {'nodes':>8} {'hubs':>5} {'project':>9} {'load':>9} "
              f"{'index':>9} {'warm med':>10} {'warm max':>10} {'answered':>9} "
              f"{'cold':>9} {'command':>9}")
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            runs = args.runs if size < 1_000_000 else max(1, args.runs - 1)
            r = bench(size, args.queries, runs, Path(tmp), kg_cmd)
            print(f"{r['edges']:>9,} {r['nodes']:>8,} {r['hubs']:>5} {_ms(r['project']):>9} "
                  f"{_ms(r['load']):>9} {_ms(r['index']):>9} {_ms(r['warm_median']):>10} "
                  f"{_ms(r['warm_max']):>10} {r['answered']:>9} {_ms(r['cold']):>9} "
                  f"{_ms(r['command_median']):>9}", flush=True)


if __name__ == "__main__":
    main()
