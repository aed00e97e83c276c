"""``kg serve`` over HTTP: the JSON API, the SPARQL 1.1 Protocol endpoint, safety.

The server is the real one (``kg serve`` in a subprocess on a free loopback
port, conftest's ``kg_server``) over a store of the seeds' gold annotations
plus one document whose entity and sentence are markup.  The API answers
are compared with what the CLI prints with ``--json`` on the same graph.
"""

from __future__ import annotations

import csv
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner

from kg.cli import main

from conftest import HOSTILE_NAME, HOSTILE_SENTENCE

JSON = "application/sparql-results+json"
UNIVERSITIES = "SELECT ?name WHERE { ?u a uic:University ; skos:prefLabel ?name } ORDER BY ?name"


def get(url: str, headers: dict | None = None, data: bytes | None = None,
        method: str | None = None):
    """``(status, headers, body text)`` of a request; errors are answers too."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read().decode("utf-8")


def api(base: str, path: str, **params):
    status, _, body = get(base + path + ("?" + urllib.parse.urlencode(params) if params else ""))
    return status, json.loads(body)


def cli_json(seeds_store, *args) -> object:
    """What ``kg … --json`` prints on the same graph (the saved projection)."""
    graph = str(seeds_store.parent / "graph.pickle")
    result = CliRunner().invoke(main, [*args, "--graph", graph, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def same(data) -> object:
    """JSON as a client reads it (tuples → lists, NaN → null)."""
    return json.loads(json.dumps(data, ensure_ascii=False).replace("NaN", "null"))


# --- the JSON API -----------------------------------------------------------------

@pytest.mark.parametrize("query", ["西安交大", "xajtdx", "xi an jiao tong da xue", "西安交通大學"])
def test_search_finds_by_alias_pinyin_and_traditional(kg_server, query):
    status, found = api(kg_server, "/api/search", q=query)
    assert status == 200
    assert found[0]["name"] == "西安交通大学"
    assert set(found[0]) == {"name", "type", "sector", "aliases", "degree", "match"}


def test_search_is_what_kg_search_prints(kg_server, seeds_store):
    assert api(kg_server, "/api/search", q="清远", limit=5)[1] == \
        cli_json(seeds_store, "search", "清远", "--limit", "5")


def test_entity_is_the_card_kg_show_prints(kg_server, seeds_store):
    status, card = api(kg_server, "/api/entity/" + urllib.parse.quote("西安交大"))
    assert status == 200
    assert card == same(cli_json(seeds_store, "show", "西安交大"))
    assert card["name"] == "西安交通大学" and card["broker"]["rank"] >= 1
    sentences = [ev["sentence"] for r in card["out"] + card["in"] for ev in r["evidence"]]
    assert sentences and all(s for s in sentences)
    assert all(ev["doc"] for r in card["out"] for ev in r["evidence"])


def test_connect_is_what_kg_connect_prints(kg_server, seeds_store):
    status, answer = api(kg_server, "/api/connect", x="陕西理工大学", y="清远高新区")
    assert status == 200 and answer["paths"]
    assert answer == same(cli_json(seeds_store, "connect", "陕西理工大学", "清远高新区"))
    assert all(hop["evidence"] for p in answer["paths"] for hop in p["hops"])


def test_brokers_and_clusters_are_what_the_cli_prints(kg_server, seeds_store):
    assert api(kg_server, "/api/brokers", top=5)[1] == \
        same(cli_json(seeds_store, "brokers", "--top", "5"))
    assert api(kg_server, "/api/clusters")[1] == same(cli_json(seeds_store, "clusters"))


def test_filters_narrow_the_drawing_and_the_paths(kg_server):
    _, full = api(kg_server, "/api/view", around="西安交通大学", hops=1)
    _, only = api(kg_server, "/api/view", around="西安交通大学", hops=1,
                  types="University,Platform")
    assert {n["type"] for n in only["nodes"]} <= {"University", "Platform"}
    assert 1 < len(only["nodes"]) < len(full["nodes"])
    _, edges = api(kg_server, "/api/view", around="西安交通大学", hops=1, predicates="builds")
    assert {e["predicate"] for e in edges["edges"]} == {"builds"}
    # a path through people only exists while people are kept
    _, answer = api(kg_server, "/api/connect", x="陕西理工大学", y="清远高新区", via="Person")
    assert answer["paths"]
    _, none = api(kg_server, "/api/connect", x="陕西理工大学", y="清远高新区", via="Person",
                  types="University,Park,Company,Platform,Government,Role,Department")
    assert none["paths"] == []


def test_a_period_reads_only_its_statements(kg_server, seeds_store):
    """The hostile document's statement is the only one dated (2023-05-01):
    in 2023, 西安交通大学 builds that platform and does nothing else."""
    uni = "/api/entity/" + urllib.parse.quote("西安交通大学")
    _, card = api(kg_server, uni, since="2023", until="2023-12")
    assert [r["object"] for r in card["out"]] == [HOSTILE_NAME] and card["in"] == []
    _, view = api(kg_server, "/api/view", around="西安交通大学", hops=2, since="2023")
    assert sorted(n["name"] for n in view["nodes"]) == sorted(["西安交通大学", HOSTILE_NAME])
    assert api(kg_server, "/api/brokers", top=5, all_types=1, since="2023")[1] == same(
        cli_json(seeds_store, "brokers", "--top", "5", "--all-types", "--since", "2023"))
    assert api(kg_server, "/api/search", q="西安交通大学", since="2023")[1][0]["name"] == "西安交通大学"
    status, _ = api(kg_server, uni, until="2022")           # nothing dated before
    assert status == 404
    status, body = api(kg_server, uni, since="2023-13")
    assert status == 400 and body["error"]["line"].startswith("kg: E701 bad parameter since, until")
    status, body = api(kg_server, uni, since="2024", until="2023")
    assert status == 400 and "before it starts" in body["error"]["message"]


def test_views_for_the_page(kg_server):
    _, overview = api(kg_server, "/api/view")
    assert 0 < len(overview["nodes"]) <= 150
    assert any(n["rank"] == 0 for n in overview["nodes"])
    _, around = api(kg_server, "/api/view", around="西安交大", hops=1)
    assert around["centre"] == "西安交通大学"
    assert all("vis" in n for n in around["nodes"])
    _, paths = api(kg_server, "/api/view", x="陕西理工大学", y="清远高新区")
    assert paths["paths"] and paths["answer"]["source"] == "陕西理工大学"


@pytest.mark.parametrize("path, params, status, code", [
    ("/api/search", {}, 400, "E701"),
    ("/api/search", {"q": "x", "limit": "many"}, 400, "E701"),
    ("/api/entity/" + urllib.parse.quote("没有这个机构zz"), {}, 404, "E501"),
    ("/api/entity/" + urllib.parse.quote("西安"), {}, 409, "E501"),
    ("/api/connect", {"x": "西安交通大学"}, 400, "E701"),
    ("/api/connect", {"x": "西安交通大学", "y": "清远高新区", "max_hops": "0"}, 400, "E701"),
    ("/api/connect", {"x": "西安交通大学", "y": "清远高新区", "via": "Martian"}, 400, "E503"),
    ("/api/brokers", {"sort": "nonsense"}, 400, "E503"),
    ("/api/view", {"around": "西安交通大学", "hops": "9"}, 400, "E701"),
    ("/api/view", {"around": "西安交通大学", "types": "Bogus"}, 400, "E701"),
    ("/api/nothing", {}, 404, "E702"),
])
def test_bad_parameters_get_a_4xx_and_one_line(kg_server, path, params, status, code):
    got, _, body = get(kg_server + path + ("?" + urllib.parse.urlencode(params) if params else ""))
    assert got == status
    error = json.loads(body)["error"]
    assert error["code"] == code
    assert error["line"].startswith(f"kg: {code} ") and "\n" not in error["line"]
    assert "Traceback" not in body
    if status == 409:
        assert "西安交通大学" in json.loads(body)["error"]["suggestions"]


def test_a_hostile_name_comes_back_as_the_same_text(kg_server):
    _, found = api(kg_server, "/api/search", q="星火")
    assert found[0]["name"] == HOSTILE_NAME
    status, card = api(kg_server, "/api/entity/" + urllib.parse.quote(HOSTILE_NAME, safe=""))
    assert status == 200 and card["name"] == HOSTILE_NAME
    assert card["in"][0]["evidence"][0]["sentence"] == HOSTILE_SENTENCE
    assert card["aliases"] == ["<svg onload=alert(3)>"]


def test_safe_by_default(kg_server, kg_command):
    status, headers, page = get(kg_server + "/")
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert "http" not in page.replace("http-equiv", "")   # no asset from elsewhere
    assert headers["X-Content-Type-Options"] == "nosniff"
    # a page on another site cannot reach it through DNS rebinding
    status, _, _ = get(kg_server + "/api/stats", headers={"Host": "attacker.example"})
    assert status == 400
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert "127.0.0.1" in result.output and "--allow-update" in result.output


def test_it_listens_on_127_0_0_1_only(kg_server):
    """Bound to 127.0.0.1 (the default), not to every address: another
    address of this machine gets no answer."""
    import socket

    port = urllib.parse.urlsplit(kg_server).port
    others = {"127.0.1.1"}
    try:
        others |= {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None,
                                                       socket.AF_INET)}
    except OSError:
        pass
    others.discard("127.0.0.1")
    for address in others:
        with socket.socket() as sock:
            sock.settimeout(2)
            assert sock.connect_ex((address, port)) != 0, f"answered on {address}"
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_a_port_in_use_is_one_line(kg_server, seeds_store):
    port = urllib.parse.urlsplit(kg_server).port
    result = CliRunner().invoke(main, ["serve", "--store", str(seeds_store), "--port", str(port)])
    assert result.exit_code == 2
    assert result.output.startswith("kg: E703 cannot serve on 127.0.0.1:")


# --- SPARQL 1.1 Protocol -----------------------------------------------------------------

def sparql_get(base, query, accept=JSON, **extra):
    return get(base + "/sparql?" + urllib.parse.urlencode({"query": query, **extra}),
               headers={"Accept": accept})


def names(body: str) -> list[str]:
    return [b["name"]["value"] for b in json.loads(body)["results"]["bindings"]]


@pytest.fixture(scope="module")
def universities(seeds_store):
    """The universities' names, from the saved projection (the store is the server's)."""
    from kg.analysis.projection import load_graph

    G = load_graph(seeds_store.parent / "graph.pickle")
    return sorted(n for n, t in G.nodes(data="type") if t == "University")


def test_sparql_get_and_post_answer_the_same_rows(kg_server, universities):
    status, headers, body = sparql_get(kg_server, UNIVERSITIES)
    assert status == 200 and headers["Content-Type"].startswith(JSON)
    assert names(body) == universities
    form = urllib.parse.urlencode({"query": UNIVERSITIES}).encode()
    status, _, posted = get(kg_server + "/sparql", data=form, headers={
        "Accept": JSON, "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and names(posted) == universities
    status, _, direct = get(kg_server + "/sparql", data=UNIVERSITIES.encode(), headers={
        "Accept": JSON, "Content-Type": "application/sparql-query"})
    assert status == 200 and names(direct) == universities


def test_sparql_result_formats(kg_server, universities):
    status, headers, body = sparql_get(kg_server, UNIVERSITIES, accept="text/csv")
    assert headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["name"] and [r[0] for r in rows[1:]] == universities
    _, headers, body = sparql_get(kg_server, UNIVERSITIES, accept="text/tab-separated-values")
    assert body.splitlines()[0] == "?name" and body.splitlines()[1] == f'"{universities[0]}"@zh'
    _, headers, body = sparql_get(kg_server, UNIVERSITIES, accept="application/sparql-results+xml")
    assert headers["Content-Type"].startswith("application/sparql-results+xml")
    assert f"<literal xml:lang=\"zh\">{universities[0]}</literal>" in body
    _, _, body = sparql_get(kg_server, "ASK { ?u a uic:University }")
    assert json.loads(body) == {"head": {}, "boolean": True}
    # CONSTRUCT in Turtle, parsed back by rdflib
    import rdflib

    status, headers, body = sparql_get(
        kg_server, "CONSTRUCT { ?u a uic:University } WHERE { ?u a uic:University }",
        accept="text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=body, format="turtle")
    assert len(g) == len(universities)
    # the page's download links
    _, headers, body = sparql_get(kg_server, UNIVERSITIES, accept="*/*", format="csv", download="1")
    assert 'attachment; filename="kg-query.csv"' == headers["Content-Disposition"]
    assert body.startswith("name\r\n")
    status, _, body = sparql_get(kg_server, UNIVERSITIES, accept="image/png")
    assert status == 406 and body.startswith("kg: E308 ")


def test_rdflib_sparqlstore_queries_the_endpoint(kg_server, universities):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    for fmt in ("json", "xml"):
        store = SPARQLStore(kg_server + "/sparql", returnFormat=fmt)
        rows = store.query("PREFIX uic: <https://w3id.org/uic-kg/ontology#> "
                           "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> " + UNIVERSITIES)
        assert sorted(str(r[0]) for r in rows) == universities


@pytest.mark.parametrize("how", ["form", "body"])
def test_updates_are_refused(kg_server, how):
    update = "DELETE WHERE { ?s ?p ?o }"
    if how == "form":
        data, kind = urllib.parse.urlencode({"update": update}).encode(), \
            "application/x-www-form-urlencoded"
    else:
        data, kind = update.encode(), "application/sparql-update"
    status, _, body = get(kg_server + "/sparql", data=data, headers={"Content-Type": kind})
    assert status == 403 and body.startswith("kg: E310 ")
    # an update sent as a query is refused too, and nothing changed
    status, _, body = sparql_get(kg_server, update)
    assert status == 403
    _, _, body = sparql_get(kg_server, "ASK { ?u a uic:University }")
    assert json.loads(body)["boolean"] is True


def test_bad_queries_get_a_4xx_and_one_line(kg_server):
    status, _, body = sparql_get(kg_server, "SELECT ?x WHERE { ?x ?y }")
    assert status == 400 and body.startswith("kg: E302 SPARQL syntax error")
    assert body.count("\n") == 1
    status, _, body = get(kg_server + "/sparql")
    assert status == 400 and body.startswith("kg: E309 no query")
    status, _, body = sparql_get(kg_server, UNIVERSITIES, **{"default-graph-uri": "urn:x"})
    assert status == 400 and "default-graph-uri" in body
    status, _, body = get(kg_server + "/sparql", data=b"x", method="POST",
                          headers={"Content-Type": "image/png"})
    assert status == 415


def test_only_the_origins_given_may_read_answers_from_a_browser(kg_server):
    """Yasgui in a browser tab reads the endpoint only when its origin was
    given (--cors-origin); any other site gets no CORS header, so the
    browser keeps the store's answers from it."""
    allowed, other = "https://yasgui.example", "https://evil.example"
    _, headers, _ = get(kg_server + "/sparql?" + urllib.parse.urlencode({"query": UNIVERSITIES}),
                        headers={"Accept": JSON, "Origin": allowed})
    assert headers["Access-Control-Allow-Origin"] == allowed
    assert headers["Access-Control-Expose-Headers"] == "X-KG-Truncated, X-KG-Warning"
    _, headers, _ = get(kg_server + "/sparql?" + urllib.parse.urlencode({"query": UNIVERSITIES}),
                        headers={"Accept": JSON, "Origin": other})
    assert headers.get("Access-Control-Allow-Origin") is None
    status, headers, _ = get(kg_server + "/sparql", method="OPTIONS", headers={
        "Origin": allowed, "Access-Control-Request-Method": "POST"})
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
    _, headers, _ = get(kg_server + "/api/search?q=x", headers={"Origin": allowed})
    assert headers.get("Access-Control-Allow-Origin") is None


def test_answers_are_cut_at_the_row_limit(kg_server):
    status, headers, body = sparql_get(kg_server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == 500      # --max-rows 500
    assert "500 rows" in headers["X-KG-Truncated"]
    _, headers, _ = sparql_get(kg_server, UNIVERSITIES)
    assert headers.get("X-KG-Truncated") is None


def test_a_long_query_is_stopped_and_the_server_keeps_answering(kg_server, universities):
    # some 60 million combinations: longer than the 3 s limit of the fixture
    values = " ".join(str(i) for i in range(90))
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a rdf:type ?x . ?b rdf:type ?y . "
            f"VALUES ?k {{ {values} }} }}")
    start = time.monotonic()
    status, _, body = sparql_get(kg_server, slow)
    took = time.monotonic() - start
    assert status == 503 and body.startswith("kg: E306 ")
    assert took < 6
    # the API and another query still answer while it finishes in the background
    assert api(kg_server, "/api/search", q="西安交大")[0] == 200
    status, _, body = sparql_get(kg_server, UNIVERSITIES)
    assert status == 200 and names(body) == universities


# --- the library behind it ---------------------------------------------------------

def test_kg_search_prints_candidates_and_says_when_none(seeds_store):
    graph = str(seeds_store.parent / "graph.pickle")
    result = CliRunner().invoke(main, ["search", "西安交大", "--graph", graph])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("西安交通大学  [University, alias]")
    result = CliRunner().invoke(main, ["search", "zzzzqqqq", "--graph", graph])
    assert result.exit_code == 2
    assert result.output.startswith("kg: E501 'zzzzqqqq' matches no entity")


@pytest.mark.parametrize("accept, kind, expected", [
    (None, "select", "json"),
    ("*/*", "construct", "turtle"),
    ("application/json", "select", "json"),
    ("text/*;q=0.9, application/sparql-results+xml;q=0.8", "select", "csv"),
    ("application/rdf+xml", "describe", "rdfxml"),
    ("application/n-triples;q=0.1, text/turtle;q=0", "construct", "ntriples"),
])
def test_content_negotiation(accept, kind, expected):
    from kg.web.endpoint import negotiate

    assert negotiate(kind, accept)[1] == expected


def test_an_update_with_allow_update_changes_the_store_and_the_answers(tmp_path):
    """Through the app (in process): the update runs, the analysis is reloaded."""
    import asyncio

    from kg.web.endpoint import Limits
    from kg.web.app import Explorer, create_app
    from kg.store.backends import open_store

    store = open_store(tmp_path / "s", create=True)
    explorer = Explorer(store, limits=Limits(timeout=5, max_rows=10), allow_update=True)
    app = create_app(explorer)

    async def call(method, path, body=b"", headers=()):
        sent = []
        scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
                 "query_string": b"", "headers": [(k.encode(), v.encode()) for k, v in headers],
                 "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1), "scheme": "http",
                 "http_version": "1.1", "root_path": ""}
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive():
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        await app(scope, receive, send)
        return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

    before = explorer.load()
    update = ('INSERT DATA { GRAPH kg:entities { entity:x a uic:University ; '
              'skos:prefLabel "新大学"@zh } }').encode()
    status, _ = asyncio.run(call("POST", "/sparql", update,
                                 [("content-type", "application/sparql-update")]))
    assert status == 403                      # no session token: not from the server's page
    status, _ = asyncio.run(call("POST", "/sparql", update,
                                 [("content-type", "application/sparql-update"),
                                  ("x-kg-token", app.state.token)]))
    assert status == 204
    status, body = asyncio.run(call(
        "POST", "/sparql", 'ASK { ?u skos:prefLabel "新大学"@zh }'.encode(),
        [("content-type", "application/sparql-query"), ("accept", "application/json")]))
    assert status == 200 and json.loads(body)["boolean"] is True
    # the saved analysis was of the previous state: the next answer reloads it
    explorer.settle(60)                # computed again in the background
    after = explorer.load()
    assert after is not before and after.computed     # dropped by the update, computed again
    store.close()
