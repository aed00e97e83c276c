"""The same build and queries against a real Oxigraph SPARQL server.

The fixture starts ``oxigraph serve`` (PyPI ``oxigraph``) on a free port of
127.0.0.1, waits until it answers, and stops it afterwards.  The server runs
with its default settings (no union default graph): the store passes the
document graphs with the standard ``default-graph-uri`` parameter.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.ingest.build import remove
from kg.cli import main
from kg.store.backends import RemoteStore, StoreError, open_store

from seedgold import gold_results
from test_queries import QUERIES, check_all, load

ROOT = Path(__file__).resolve().parents[1]
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(location: Path):
    assert OXIGRAPH, "the oxigraph binary (PyPI oxigraph, test extra) is not installed"
    port = free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location),
                             "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    probe = url + "/query?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.time() + 30
    while True:
        try:
            with urllib.request.urlopen(probe, timeout=2) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"oxigraph exited: {proc.stderr.read().decode()}")
            if time.time() > deadline:
                proc.kill()
                raise RuntimeError("oxigraph did not answer within 30 s")
            time.sleep(0.1)


@pytest.fixture
def server(tmp_path):
    proc, url = start_server(tmp_path / "oxigraph")
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def records(store):
    return store.documents(), store.entities(), store.relations()


def test_open_store_selects_server_by_url(server):
    store = open_store(server)
    assert isinstance(store, RemoteStore)
    assert store.query_url == server + "/query" and store.update_url == server + "/update"
    assert open_store(server + "/query").update_url == server + "/update"
    assert store.stats()["documents"] == 0


def test_example_queries_on_gold_seeds_on_server(server):
    gold = gold_results()
    store = open_store(server)
    load(store, gold)
    check_all(store, gold)
    assert store.stats()["documents"] == 5


def test_kg_build_on_server_matches_local_store(server, tmp_path):
    runner = CliRunner()
    local = str(tmp_path / "local")
    for target in (local, server):
        result = runner.invoke(main, ["build", str(ROOT / "seeds"), "--store", target, "--quiet"])
        assert result.exit_code == 0, result.output
        assert "added 5" in result.output
    again = runner.invoke(main, ["build", str(ROOT / "seeds"), "--store", server, "--quiet"])
    assert "added 0, replaced 0, skipped 5" in again.output

    remote = open_store(server)
    with open_store(local) as disk:
        assert records(remote) == records(disk)
        assert remote.stats() == disk.stats()
        for query in sorted(QUERIES.glob("*.rq")):
            text = query.read_text(encoding="utf-8")
            assert _unordered(remote.query(text).values()) == \
                _unordered(disk.query(text).values()), query.name
        assert remote.query((QUERIES / "ambassadors.rq").read_text()).values()
        # GRAPH ?d reaches each document's graph on a server too (the union
        # is sent as default-graph-uri, the graphs stay named)
        in_graphs = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?d { ?d a uic:Document } }"
        assert remote.query(in_graphs).values() == disk.query(in_graphs).values()
        assert [int(n) for n, in remote.query(in_graphs).values()] == [5]

    # the CLI prints the same table from either store
    q = str(QUERIES / "universities_platforms.rq")
    out_remote = runner.invoke(main, ["sparql", q, "--store", server]).output
    out_local = runner.invoke(main, ["sparql", q, "--store", local]).output
    assert out_remote == out_local and "(0 rows)" not in out_remote

    # removal on the server takes exactly the document's statements
    doc = "003_60a6e2bfbe783274.txt"
    assert runner.invoke(main, ["remove", doc, "--store", server]).exit_code == 0
    with open_store(local) as disk:
        remove(disk, doc)          # by file name, as `kg remove` takes it
        assert records(remote) == records(disk)
        assert {str(q) for q in remote.quads()} == {str(q) for q in disk.quads()}


def test_updates_on_server_need_the_flag(server):
    store = open_store(server)
    load(store, gold_results()[:1])
    runner = CliRunner()
    refused = runner.invoke(main, ["sparql", "CLEAR ALL", "--store", server])
    assert refused.exit_code != 0 and "--update" in refused.output
    assert store.stats()["documents"] == 1
    done = runner.invoke(main, ["sparql", "--update", "CLEAR ALL", "--store", server])
    assert done.exit_code == 0, done.output
    assert store.stats()["documents"] == 0


def test_server_errors_are_one_line(server):
    store = open_store(server)
    with pytest.raises(StoreError) as info:
        store.query("SELECT ?x WHERE { ?x")
    assert "HTTP 400" in str(info.value) and "\n" not in str(info.value)
    port = free_port()
    result = CliRunner().invoke(main, ["stats", "--store", f"http://127.0.0.1:{port}"])
    assert result.exit_code == 2
    assert "cannot reach SPARQL server" in result.output
    assert len(result.output.strip().splitlines()) == 1


def _unordered(rows):
    """Rows with every GROUP_CONCAT list sorted: the order in which a store
    concatenates is unspecified (SPARQL 1.1, 18.5.1.7)."""
    return [tuple("、".join(sorted(v.split("、"))) if isinstance(v, str) else v for v in row)
            for row in rows]
