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


def start_server(kg: list[str], store: Path, port: int) -> tuple[subprocess.Popen, float]:
    """``kg serve`` on ``port``; returns the process and seconds to first answer."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([*kg, "serve", "--store", str(store), "--port", str(port)],
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1000, help="articles in the generated corpus")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--store", type=Path, help="serve this store instead")
    ap.add_argument("--json", action="store_true", help="one JSON object on the last line")
    args = ap.parse_args(argv)
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
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
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


if __name__ == "__main__":
    sys.exit(main())
