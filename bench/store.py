"""Benchmark: the default store (pyoxigraph on disk) against rdflib's in-memory Graph.

For 100 k and 1 M synthetic triples shaped like the knowledge graph
(universities build platforms located in parks, companies sign with
companies, every entity typed and labelled), measures

* bulk load, in triples per second;
* a 3-way join with COUNT::

      SELECT (COUNT(*) AS ?n) WHERE {
        ?u a uic:University . ?u uic:builds ?p . ?p uic:locatedIn ?park }

rdflib runs in a subprocess with a time limit, so a join that does not
finish is reported as ``> N s`` instead of hanging the run.  The ratios are
the numbers that matter.

Usage::

    .venv/bin/python bench/store.py [--sizes 100000,1000000] [--timeout 60]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

UIC = "https://w3id.org/uic-kg/ontology#"
E = "https://w3id.org/uic-kg/kg/entity/x/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
JOIN = f"""SELECT (COUNT(*) AS ?n) WHERE {{
  ?u a <{UIC}University> . ?u <{UIC}builds> ?p . ?p <{UIC}locatedIn> ?park }}"""
PER_BLOCK = 31  # triples per block of 10 entities


def triples(n: int):
    """About ``n`` synthetic triples as (s, p, o, is_literal) string tuples."""
    types = ["University", "Platform", "Platform", "Platform", "Park",
             "Company", "Company", "Company", "Company", "Company"]
    for block in range(n // PER_BLOCK):
        base = block * 10
        ent = [f"{E}{base + k}" for k in range(10)]
        for k in range(10):
            yield ent[k], RDF_TYPE, UIC + types[k], False
            yield ent[k], LABEL, f"实体{base + k}", True
        for k in (1, 2, 3):
            yield ent[0], UIC + "builds", ent[k], False
            yield ent[k], UIC + "locatedIn", ent[4], False
        for k in range(5, 10):
            yield ent[k], UIC + "signsWith", ent[5 + (k - 4) % 5], False


def expected_join(n: int) -> int:
    return 3 * (n // PER_BLOCK)


def bench_oxigraph(n: int) -> dict:
    import pyoxigraph as ox

    folder = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        store = ox.Store(str(folder / "store"))
        graph = ox.NamedNode("https://w3id.org/uic-kg/kg/document/bench")
        quads = (ox.Quad(ox.NamedNode(s), ox.NamedNode(p),
                         ox.Literal(o, language="zh") if lit else ox.NamedNode(o), graph)
                 for s, p, o, lit in triples(n))
        start = time.perf_counter()
        store.bulk_extend(quads)
        store.flush()
        load = time.perf_counter() - start
        count = sum(1 for _ in store.quads_for_pattern(None, None, None, None))
        start = time.perf_counter()
        (row,) = store.query(JOIN, use_default_graph_as_union=True)
        join = time.perf_counter() - start
        assert int(row[0].value) == expected_join(n), row
        del store
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"triples": count, "load_s": load, "join_s": join}


def _rdflib_child(n: int) -> None:
    """Runs in the subprocess: load into rdflib's Graph, then the join."""
    import rdflib

    graph = rdflib.Graph()
    start = time.perf_counter()
    graph.addN((rdflib.URIRef(s), rdflib.URIRef(p),
                rdflib.Literal(o, lang="zh") if lit else rdflib.URIRef(o), graph)
               for s, p, o, lit in triples(n))
    load = time.perf_counter() - start
    print(json.dumps({"triples": len(graph), "load_s": load}), flush=True)
    start = time.perf_counter()
    (row,) = list(graph.query(JOIN))
    join = time.perf_counter() - start
    assert int(row[0]) == expected_join(n), row
    print(json.dumps({"join_s": join}), flush=True)


def bench_rdflib(n: int, timeout: float) -> dict:
    proc = subprocess.Popen([sys.executable, __file__, "--rdflib-child", str(n)],
                            stdout=subprocess.PIPE, text=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        timed_out = True
    result = {"load_s": None, "join_s": None, "triples": None, "timeout": timed_out}
    for line in out.splitlines():
        result.update(json.loads(line))
    return result


def fmt_rate(triples, seconds) -> str:
    if not seconds or triples is None:
        return "—"
    return f"{triples / seconds:,.0f}"


def fmt_time(seconds, limit=None, timed_out=False) -> str:
    if seconds is None:
        return f"> {limit:.0f} s" if timed_out else "—"
    return f"{seconds:.3f} s"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--timeout", type=float, default=90.0,
                        help="time limit of each rdflib run (load + join), seconds")
    parser.add_argument("--rdflib-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rdflib_child:
        _rdflib_child(args.rdflib_child)
        return

    header = (f"{'triples':>10}  {'store':<18}{'load triples/s':>16}{'3-way join':>14}")
    print(header)
    print("-" * len(header))
    for n in (int(s) for s in args.sizes.split(",")):
        ox_r = bench_oxigraph(n)
        rd = bench_rdflib(n, args.timeout)
        print(f"{ox_r['triples']:>10,}  {'pyoxigraph (disk)':<18}"
              f"{fmt_rate(ox_r['triples'], ox_r['load_s']):>16}{fmt_time(ox_r['join_s']):>14}")
        join_limit = args.timeout - (rd["load_s"] or 0)
        print(f"{ox_r['triples']:>10,}  {'rdflib Graph (RAM)':<18}"
              f"{fmt_rate(rd['triples'] or ox_r['triples'], rd['load_s']):>16}"
              f"{fmt_time(rd['join_s'], join_limit, rd['timeout']):>14}")
        load_ratio = (rd["load_s"] / ox_r["load_s"]) if rd["load_s"] else None
        if rd["join_s"]:
            join_ratio = f"{rd['join_s'] / ox_r['join_s']:,.0f}×"
        else:
            join_ratio = f"> {join_limit / ox_r['join_s']:,.0f}×"
        print(f"{'':>10}  {'ratio rdflib/oxigraph':<22} load "
              f"{'—' if load_ratio is None else f'{load_ratio:.1f}×'}, join {join_ratio}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
