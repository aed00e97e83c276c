"""Bounded load test of ``kg serve`` on loopback: requests/s, latency, memory.

What
----
Takes the store of the ``--size``-article generated corpus (``bench/corpus.py``,
the store ``bench/build.py --keep`` leaves in ``bench/_work``, or built
here), starts ``kg serve`` on a free port of 127.0.0.1 in its own process,
waits until it answers (the first start after a build computes and saves
the scores), warms it up, then runs ``--clients`` concurrent clients for
``--seconds`` seconds.  Each client keeps one HTTP/1.1 connection and sends,
in turn, the three questions the page asks most:

- ``/api/search?q=…``: the first two or three characters of an entity's
  name, or its pinyin initials;
- ``/api/entity/{name}``: an entity's card, with every statement and its
  evidence;
- ``/api/connect?x=…&y=…``: who connects two entities;

the entities drawn at random (seeded) among the 300 with the highest
broker scores and 300 others.  Reported: requests/s, p50/p99 latency per
question and overall, answers other than 200, and the server's resident
memory (``/proc/PID/status`` VmRSS) before the load, at its peak, and after
it, so a leak shows as growth.

Why
---
``kg serve`` is meant for a few analysts at once on one store; this says how
many questions a second it answers, how long one waits, and that it keeps
answering without its memory growing.

Example
-------
::

    .venv/bin/python bench/serve.py                          # 1 000 articles, 8 clients, 30 s
    .venv/bin/python bench/serve.py --clients 4 --seconds 10 --json
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(kg: list[str], store: Path, port: int,
                 *options: str) -> tuple[subprocess.Popen, float]:
    """``kg serve`` on ``port``; returns the process and seconds to first answer."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([*kg, "serve", "--store", str(store), "--port", str(port), *options],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    start = time.perf_counter()
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/stats")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, time.perf_counter() - start
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("kg serve exited: " + proc.stderr.read().decode()[-800:])
            if time.perf_counter() - start > 1800:
                proc.kill()
                raise RuntimeError("kg serve did not answer within 30 minutes")
            time.sleep(0.5)


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 15 s."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def entity_names(port: int, rng: random.Random) -> list[str]:
    """The 300 top brokers and 300 others of the next 700 (the API lists 1 000)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/api/brokers?all_types=1&top=1000")
    rows = json.loads(conn.getresponse().read())
    conn.close()
    names = [r["name"] for r in rows]
    top, rest = names[:300], names[300:]
    return top + rng.sample(rest, min(300, len(rest)))


def paths_for(names: list[str], rng: random.Random, pinyin: dict) -> list[tuple[str, str]]:
    """An endless supply of ``(kind, path)`` requests, in turn."""
    kinds = ("search", "entity", "connect")
    i = 0
    while True:
        kind = kinds[i % 3]
        i += 1
        if kind == "search":
            name = rng.choice(names)
            q = pinyin.get(name) if rng.random() < 0.3 and pinyin.get(name) else \
                name[:rng.choice((2, 3))]
            yield kind, "/api/search?" + urllib.parse.urlencode({"q": q})
        elif kind == "entity":
            yield kind, "/api/entity/" + urllib.parse.quote(rng.choice(names), safe="")
        else:
            x, y = rng.sample(names, 2)
            yield kind, "/api/connect?" + urllib.parse.urlencode({"x": x, "y": y})


def client(port: int, names, pinyin, seed: int, stop: float, out: list, lock) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    mine = []
    for kind, path in paths_for(names, rng, pinyin):
        if time.perf_counter() >= stop:
            break
        t0 = time.perf_counter()
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine.append((kind, time.perf_counter() - t0, status))
    conn.close()
    with lock:
        out.extend(mine)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def load(port: int, pid: int, names, pinyin, clients: int, seconds: float, seed: int) -> dict:
    results: list = []
    lock = threading.Lock()
    samples = []
    stop = time.perf_counter() + seconds
    threads = [threading.Thread(target=client, args=(port, names, pinyin, seed + i, stop,
                                                     results, lock))
               for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        samples.append((time.perf_counter() - start, rss_mb(pid)))
        time.sleep(0.5)
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    by_kind = {}
    for kind in ("search", "entity", "connect"):
        lat = [r[1] for r in results if r[0] == kind]
        by_kind[kind] = {"requests": len(lat), "p50_ms": pct(lat, 0.5) * 1000,
                         "p99_ms": pct(lat, 0.99) * 1000}
    lat = [r[1] for r in results]
    half = [m for t, m in samples if t >= wall / 2] or [0.0]
    first = [m for t, m in samples if t < wall / 2] or [0.0]
    return {"requests": len(results), "seconds": wall, "rps": len(results) / wall,
            "p50_ms": pct(lat, 0.5) * 1000, "p99_ms": pct(lat, 0.99) * 1000,
            "errors": sum(1 for r in results if r[2] != 200),
            "statuses": sorted({r[2] for r in results}), "by_kind": by_kind,
            "rss_peak_mb": max(m for _, m in samples) if samples else 0.0,
            "rss_first_half_mb": statistics.median(first),
            "rss_second_half_mb": statistics.median(half)}


#: A query Oxigraph must sort whole before its first row: it never ends in time.
RUNAWAY = ("SELECT * WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } "
           "GRAPH ?g3 { ?h ?i ?j } } ORDER BY ?c ?f ?j")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a ?t } }"


def probe(port: int, pid: int, names, clients: int, seconds: float, seed: int,
          timeout: float) -> dict:
    """The robustness probe's mix: ``clients - 1`` clients alternate a search
    and a SPARQL query, one sends a query that never ends, again and again.
    Reported: the searches' p99, how many SPARQL queries were refused (503
    E307) although a worker or the queue had room, and how long past its
    limit the runaway query took to be stopped (its 503)."""
    lock = threading.Lock()
    searches, sparql, runaway = [], [], []
    stop = time.perf_counter() + seconds

    def mixed(i: int) -> None:
        rng = random.Random(seed + i)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine_s, mine_q = [], []
        turn = 0
        while time.perf_counter() < stop:
            if turn % 2 == 0:
                name = rng.choice(names)
                path = "/api/search?" + urllib.parse.urlencode({"q": name[:2]})
            else:
                path = "/sparql?" + urllib.parse.urlencode({"query": COUNT})
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                body = resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                status, body = 0, b""
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            (mine_s if turn % 2 == 0 else mine_q).append(
                (time.perf_counter() - t0, status, b"E307" in body))
            turn += 1
        conn.close()
        with lock:
            searches.extend(mine_s)
            sparql.extend(mine_q)

    def endless() -> None:
        while time.perf_counter() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout + 60)
            t0 = time.perf_counter()
            try:
                conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}))
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                status = 0
            conn.close()
            with lock:
                runaway.append((time.perf_counter() - t0, status))

    threads = [threading.Thread(target=mixed, args=(i,)) for i in range(clients - 1)]
    threads.append(threading.Thread(target=endless))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"searches": len(searches),
            "search_p99_ms": pct([s[0] for s in searches], 0.99) * 1000,
            "sparql": len(sparql), "sparql_ok": sum(1 for q in sparql if q[1] == 200),
            "sparql_refused": sum(1 for q in sparql if q[2]),
            "runaway": len(runaway), "runaway_statuses": sorted({r[1] for r in runaway}),
            "runaway_past_limit_s": max((r[0] - timeout for r in runaway), default=float("nan"))}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1000, help="articles in the generated corpus")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--store", type=Path, help="serve this store instead")
    ap.add_argument("--json", action="store_true", help="one JSON object on the last line")
    ap.add_argument("--probe", action="store_true",
                    help="the robustness probe: searches and SPARQL alternating, one client "
                         "with a query that never ends (--query-timeout of the server)")
    ap.add_argument("--query-timeout", type=float, default=5.0,
                    help="with --probe: the server's query time limit")
    args = ap.parse_args(argv)
    if args.probe:
        return run_probe(args)
    query = _bench("query")
    kg = query.kg_command()
    store, info = query.store_for(args.size, args.seed, kg, args.store)
    port = free_port()
    proc, ready = start_server(kg, store, port)
    try:
        rng = random.Random(args.seed)
        names = entity_names(port, rng)
        from kg.analysis.projection import initials_of

        pinyin = {n: initials_of(n) for n in names}
        # warm-up: every kind of question once per client, not measured
        load(port, proc.pid, names, pinyin, args.clients, 2.0, args.seed + 1000)
        before = rss_mb(proc.pid)
        result = load(port, proc.pid, names, pinyin, args.clients, args.seconds, args.seed)
        time.sleep(1.0)
        after = rss_mb(proc.pid)
        alive = proc.poll() is None
    finally:
        stop_server(proc)
    result.update({"articles": args.size, "clients": args.clients, "entities": info["entities"],
                   "relations": info["relations"], "ready_s": ready, "rss_before_mb": before,
                   "rss_after_mb": after, "alive": alive})
    r = result
    print(f"kg serve, {r['articles']:,} articles ({r['entities']:,} entities, "
          f"{r['relations']:,} relations), ready in {r['ready_s']:.1f} s")
    print(f"{r['clients']} clients for {r['seconds']:.0f} s: {r['requests']:,} requests, "
          f"{r['rps']:.1f} requests/s, p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, "
          f"{r['errors']} answers other than 200")
    for kind, k in r["by_kind"].items():
        print(f"  {kind:8} {k['requests']:6,} requests  p50 {k['p50_ms']:7.1f} ms  "
              f"p99 {k['p99_ms']:7.1f} ms")
    print(f"server memory: {r['rss_before_mb']:.0f} MB before, peak {r['rss_peak_mb']:.0f} MB, "
          f"{r['rss_after_mb']:.0f} MB after (median {r['rss_first_half_mb']:.0f} MB in the "
          f"first half, {r['rss_second_half_mb']:.0f} MB in the second); "
          f"{'still answering' if alive else 'SERVER DIED'}")
    if args.json:
        print(json.dumps(r, ensure_ascii=False))
    return 0 if alive and not r["errors"] else 1


def run_probe(args) -> int:
    """``--probe``: the mix of the robustness probe, its figures and verdicts."""
    query = _bench("query")
    kg = query.kg_command()
    store, info = query.store_for(args.size, args.seed, kg, args.store)
    port = free_port()
    proc, ready = start_server(kg, store, port, "--query-timeout", str(args.query_timeout))
    try:
        names = entity_names(port, random.Random(args.seed))
        probe(port, proc.pid, names, 2, 2.0, args.seed + 1000, args.query_timeout)   # warm-up
        before = rss_mb(proc.pid)
        r = probe(port, proc.pid, names, args.clients, args.seconds, args.seed, args.query_timeout)
        time.sleep(args.query_timeout + 2)
        after = rss_mb(proc.pid)
        alive = proc.poll() is None
    finally:
        stop_server(proc)
    r.update({"entities": info["entities"], "rss_before_mb": before, "rss_after_mb": after,
              "alive": alive, "clients": args.clients, "seconds": args.seconds})
    print(f"kg serve probe: {args.clients} clients for {args.seconds:.0f} s on {info['entities']:,} "
          f"entities (query limit {args.query_timeout:g} s)")
    print(f"  searches {r['searches']:,}, p99 {r['search_p99_ms']:.0f} ms (target ≤ 100)")
    print(f"  SPARQL {r['sparql']:,}: {r['sparql_ok']:,} answered, {r['sparql_refused']} refused "
          "(target 0)")
    print(f"  runaway query sent {r['runaway']} times, answers {r['runaway_statuses']}, stopped at "
          f"most {r['runaway_past_limit_s']:.1f} s past its limit (target ≤ 5)")
    print(f"  server memory {before:.0f} MB before, {after:.0f} MB after (target within 20 %); "
          f"{'still answering' if alive else 'SERVER DIED'}")
    if args.json:
        print(json.dumps(r, ensure_ascii=False))
    ok = (alive and r["search_p99_ms"] <= 100 and not r["sparql_refused"]
          and r["runaway_past_limit_s"] <= 5 and after <= before * 1.2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
