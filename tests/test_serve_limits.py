"""A served store under load and abuse: a query past its limit stops using
the machine, queries beyond the workers wait instead of being refused,
updates have a limit too, answers are limited in bytes, SIGTERM stops the
server at once, scores are recomputed in the background after a write, and
other commands use the store while it is served.  Real servers on loopback
ports, real commands."""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import build_store, start_server, stop_server

ARTICLE = ("星河大学与蓝海科技有限公司签约。青松大学与白鹭科技有限公司签约。"
           "南湖高新区管委会主任王立新出席签约仪式。\n")
#: Oxigraph must sort the whole cross product before its first row.
RUNAWAY = ("SELECT * WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } "
           "GRAPH ?g3 { ?h ?i ?j } GRAPH ?g4 { ?k ?l ?m } } ORDER BY ?c ?f ?j ?m")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def store(tmp_path_factory, kg_command, subprocess_env):
    return build_store(kg_command, subprocess_env, tmp_path_factory.mktemp("limits"),
                       {f"{i}.txt": ARTICLE.replace("星河", f"第{i}星河") for i in range(12)})


def ask(url, query, method="GET", timeout=60, headers=None):
    data = None
    target = url + "/sparql"
    if method == "GET":
        target += "?" + urllib.parse.urlencode({"query": query})
    else:
        data = urllib.parse.urlencode({"update": query}).encode()
    req = urllib.request.Request(target, data=data, headers={
        "Accept": "application/sparql-results+json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by ``pid`` and its children (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    family = {pid}
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    changed = True
    while changed:
        changed = False
        for p, (ppid, _) in stats.items():
            if ppid in family and p not in family:
                family.add(p)
                changed = True
    for p in family:
        if p in stats:
            total += stats[p][1] / ticks
    return total


def test_a_runaway_query_is_stopped_and_the_others_still_answer(kg_command, subprocess_env, store):
    proc, url = start_server(kg_command, subprocess_env, store, "--query-timeout", "2")
    try:
        began = time.monotonic()
        status, _, body = ask(url, RUNAWAY)
        assert status == 503 and b"E306" in body
        assert time.monotonic() - began < 2 + 5
        time.sleep(1.0)                      # the worker is ended, a new one starts
        before = tree_cpu_seconds(proc.pid)
        time.sleep(3.0)
        assert tree_cpu_seconds(proc.pid) - before < 1.5     # nothing runs on at a full core
        status, _, body = ask(url, COUNT)
        assert status == 200
    finally:
        stop_server(proc)


def test_queries_beyond_the_workers_wait_instead_of_being_refused(kg_command, subprocess_env, store):
    proc, url = start_server(kg_command, subprocess_env, store, "--query-timeout", "20")
    try:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: ask(url, COUNT)[0], range(8)))
        assert statuses == [200] * 8
    finally:
        stop_server(proc)


def test_an_update_past_the_limit_is_stopped_and_changes_nothing(kg_command, subprocess_env, store):
    proc, url = start_server(kg_command, subprocess_env, store, "--query-timeout", "2", "--allow-update")
    try:
        token = next(line for line in iter(proc.stderr.readline, b"")
                     if b"X-KG-Token" in line).split(b"X-KG-Token: ")[1].split()[0].decode()
        _, _, body = ask(url, COUNT)
        quads = json.loads(body)["results"]["bindings"][0]["n"]["value"]
        began = time.monotonic()
        status, _, body = ask(url, "INSERT { GRAPH <urn:g> { ?a <urn:p> ?d } } WHERE { "
                                   "GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } "
                                   "GRAPH ?g3 { ?h ?i ?j } GRAPH ?g4 { ?k ?l ?m } }",
                              method="POST", headers={"X-KG-Token": token})
        assert status == 503 and b"E306" in body
        assert time.monotonic() - began < 2 + 5 + 5
        _, _, body = ask(url, COUNT)
        assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == quads
    finally:
        stop_server(proc)


def test_sigterm_stops_the_server_within_five_seconds_during_a_runaway_query(
        kg_command, subprocess_env, store):
    proc, url = start_server(kg_command, subprocess_env, store, "--query-timeout", "60")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(ask, url, RUNAWAY, "GET", 120)
        time.sleep(1.5)
        began = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        assert time.monotonic() - began < 5
    assert not (store / "kg-serve.json").exists()
    stats = subprocess.run([*kg_command, "stats", "--store", str(store), "--json"],
                           capture_output=True, text=True, env=subprocess_env, timeout=120)
    assert stats.returncode == 0, stats.stderr          # the store is whole


def test_an_answer_is_limited_in_bytes_and_says_so(kg_command, subprocess_env, store):
    proc, url = start_server(kg_command, subprocess_env, store, "--max-bytes", "20000")
    try:
        inflate = ("SELECT ?x WHERE { GRAPH ?g { ?s ?p ?o } "
                   "BIND(CONCAT(STR(?s), STR(?s), STR(?s), STR(?s), STR(?s), STR(?s)) AS ?x) }")
        status, headers, body = ask(url, inflate)
        assert status == 200
        assert len(body) <= 20000
        assert "bytes" in headers["X-KG-Truncated"]
        assert json.loads(body)["results"]["bindings"]            # still a valid answer
    finally:
        stop_server(proc)


def test_other_commands_read_the_store_while_it_is_served(kg_command, subprocess_env, store, tmp_path):
    proc, url = start_server(kg_command, subprocess_env, store)
    try:
        stats = subprocess.run([*kg_command, "stats", "--store", str(store), "--json"],
                               capture_output=True, text=True, env=subprocess_env, timeout=120)
        assert stats.returncode == 0, stats.stderr
        docs = json.loads(stats.stdout)["documents"]
        assert docs == 12
        remote = subprocess.run([*kg_command, "sparql", COUNT, "--store", url + "/sparql",
                                 "--format", "json"],
                                capture_output=True, text=True, env=subprocess_env, timeout=120)
        assert remote.returncode == 0, remote.stderr
        (tmp_path / "new.txt").write_text("青松大学与蓝海科技有限公司签约。\n", encoding="utf-8")
        build = subprocess.run([*kg_command, "build", str(tmp_path / "new.txt"), "--store", str(store)],
                               capture_output=True, text=True, env=subprocess_env, timeout=120)
        assert build.returncode == 2
        assert f"PID {proc.pid}" in build.stderr and url in build.stderr
        assert build.stderr.startswith("kg: E113")
    finally:
        stop_server(proc)


def test_scores_are_recomputed_in_the_background_after_an_update(tmp_path, monkeypatch):
    from kg.analysis import cache
    from kg.store.backends import open_store
    from kg.web.app import Explorer

    store = open_store(tmp_path / "s", create=True)
    explorer = Explorer(store)
    before = explorer.load()
    real = cache.analysis

    def slow(*args, **kwargs):
        time.sleep(2)
        return real(*args, **kwargs)
    monkeypatch.setattr(cache, "analysis", slow)
    store.query("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }", allow_update=True)
    began = time.monotonic()
    explorer.changed()
    assert explorer.load() is before and explorer.stale      # the previous scores, at once
    assert time.monotonic() - began < 1
    explorer.settle(30)
    assert not explorer.stale and explorer.load() is not before
    store.close()
