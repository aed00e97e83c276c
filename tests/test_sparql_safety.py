"""No query makes the tool open a connection unless the user asked for
federation; the dataset a query names is the dataset it gets; a prefix or an
ontology term nobody defined is named, not answered with silence.

Every case runs through the real command or a real server, and a listener of
the test's own on 127.0.0.1 proves that no request arrives."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import build_store

ARTICLE = "星河大学与蓝海科技有限公司签约。青松大学与白鹭科技有限公司签约。\n"


class Listener:
    """A TCP listener on a free loopback port that counts the connections it gets."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def small_store(tmp_path_factory, kg_command, subprocess_env):
    return build_store(kg_command, subprocess_env, tmp_path_factory.mktemp("fed"), {"a.txt": ARTICLE})


def sparql(kg_command, env, store, query, *extra):
    return subprocess.run([*kg_command, "sparql", query, "--store", str(store), "--format", "json",
                           *extra], capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.parametrize("form", ["SERVICE", "SERVICE SILENT"])
def test_kg_sparql_refuses_service_and_no_request_leaves(kg_command, subprocess_env, small_store,
                                                         listener, form):
    query = f"SELECT * WHERE {{ {form} <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    out = sparql(kg_command, subprocess_env, small_store, query)
    assert out.returncode == 2
    assert out.stderr.startswith("kg: E311 SERVICE at line 1 would make the tool fetch")
    assert "--allow-federation" in out.stderr
    assert listener.connections == 0


def test_allow_federation_lets_service_through(kg_command, subprocess_env, small_store, listener):
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    sparql(kg_command, subprocess_env, small_store, query, "--allow-federation")
    assert listener.connections >= 1        # the check above is what stopped it


def test_load_in_an_update_is_refused_even_with_update_allowed(kg_command, subprocess_env,
                                                              small_store, listener):
    out = sparql(kg_command, subprocess_env, small_store,
                 f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>", "--update")
    assert out.returncode == 2
    assert "E311 LOAD" in out.stderr
    assert listener.connections == 0


def test_a_service_keyword_inside_a_string_is_no_service(kg_command, subprocess_env, small_store):
    out = sparql(kg_command, subprocess_env, small_store,
                 'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:1/>" AS ?x) }')
    assert out.returncode == 0, out.stderr


def count(result_json: str) -> int:
    return int(json.loads(result_json)["results"]["bindings"][0]["n"]["value"])


def test_from_names_the_default_graph(kg_command, subprocess_env, small_store):
    everything = sparql(kg_command, subprocess_env, small_store,
                        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count(everything.stdout) > 0
    nothing = sparql(kg_command, subprocess_env, small_store,
                     "SELECT (COUNT(*) AS ?n) FROM <http://nonexistent.example/g> WHERE { ?s ?p ?o }")
    assert nothing.returncode == 0, nothing.stderr
    assert count(nothing.stdout) == 0
    entities = sparql(kg_command, subprocess_env, small_store,
                      "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/uic-kg/kg/entities> "
                      "WHERE { ?s a uic:University }")
    assert count(entities.stdout) == 2
    named = sparql(kg_command, subprocess_env, small_store,
                   "SELECT (COUNT(DISTINCT ?g) AS ?n) FROM NAMED <https://w3id.org/uic-kg/kg/entities> "
                   "WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert count(named.stdout) == 1


def test_an_unknown_prefix_is_named_with_the_known_ones(kg_command, subprocess_env, small_store):
    out = sparql(kg_command, subprocess_env, small_store, "SELECT * WHERE { ?s foaf:name ?n }")
    assert out.returncode == 2
    line = out.stderr.strip()
    assert line.startswith("kg: E312 unknown prefix foaf: declare it (PREFIX foaf: <…>)")
    assert "uic: " in line and "skos:" in line
    assert "expected one of" not in line


def test_a_term_the_ontology_does_not_define_is_warned_about(kg_command, subprocess_env, small_store):
    out = sparql(kg_command, subprocess_env, small_store,
                 "SELECT ?u WHERE { ?u a uic:Universty }")
    assert out.returncode == 0
    assert out.stderr.strip().startswith("kg: W301 the ontology defines no uic:Universty")
    good = sparql(kg_command, subprocess_env, small_store, "SELECT ?u WHERE { ?u a uic:University }")
    assert good.stderr == ""


# --- the same through the served endpoint --------------------------------------------------

def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.headers, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")


def endpoint(base, query):
    return f"{base}/sparql?" + urllib.parse.urlencode({"query": query})


def test_the_endpoint_refuses_service_and_no_request_leaves(kg_server, listener):
    for form in ("SERVICE", "SERVICE SILENT"):
        status, _, body = get(endpoint(
            kg_server, f"SELECT * WHERE {{ {form} <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"))
        assert status == 403
        assert "E311" in body
    assert listener.connections == 0


def test_a_cross_origin_image_cannot_make_the_server_fetch(kg_server, listener, browser, tmp_path):
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
    page = browser.new_page()
    page.set_content(f'<img src="{endpoint(kg_server, query)}">')   # an about:blank origin
    page.wait_for_timeout(1500)
    page.close()
    assert listener.connections == 0


def test_the_endpoint_honours_from_and_warns_of_undefined_terms(kg_server):
    status, _, body = get(endpoint(
        kg_server, "SELECT (COUNT(*) AS ?n) FROM <http://nonexistent.example/g> WHERE { ?s ?p ?o }"))
    assert status == 200
    assert count(body) == 0
    status, headers, _ = get(endpoint(kg_server, "SELECT ?u WHERE { ?u a uic:Universty }"))
    assert status == 200
    assert headers["X-KG-Warning"] == "W301 the ontology defines no uic:Universty"


def test_table_cells_are_whole_unless_a_width_is_asked_for(kg_command, subprocess_env, small_store):
    long = "长" * 80
    query = f'SELECT ?x WHERE {{ BIND("{long}" AS ?x) }}'
    whole = subprocess.run([*kg_command, "sparql", query, "--store", str(small_store)],
                           capture_output=True, text=True, env=subprocess_env, timeout=600)
    assert whole.returncode == 0, whole.stderr
    assert long in whole.stdout                       # not a terminal: nothing cut
    cut = subprocess.run([*kg_command, "sparql", query, "--store", str(small_store), "--width", "20"],
                         capture_output=True, text=True, env=subprocess_env, timeout=600)
    row = cut.stdout.splitlines()[2]
    assert long not in cut.stdout and row.startswith("长" * 9) and row.rstrip().endswith("…")
