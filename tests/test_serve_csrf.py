"""A page of another site cannot change a store served with
``--allow-update``: a cross-origin form that posts ``update=CLEAR ALL`` is
refused (403) and the store keeps every quad; the server's own page, with its
session token, can; a request without the token cannot.  Bodies are read as
a stream and refused at the size limit."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import build_store, start_server, stop_server

ARTICLE = "星河大学与蓝海科技有限公司签约。青松大学与白鹭科技有限公司签约。\n"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory, kg_command, subprocess_env):
    store = build_store(kg_command, subprocess_env, tmp_path_factory.mktemp("csrf"), {"a.txt": ARTICLE})
    proc, url = start_server(kg_command, subprocess_env, store, "--allow-update")
    yield url
    stop_server(proc)


def quads(url) -> int:
    req = urllib.request.Request(url + "/sparql?" + urllib.parse.urlencode({"query": COUNT}),
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return int(json.loads(resp.read())["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def attacker_site(tmp_path, writable_server):
    """A page on another origin (another loopback port) that auto-submits a form."""
    (tmp_path / "evil.html").write_text(
        f'<form id="f" method="POST" action="{writable_server}/sparql">'
        '<input name="update" value="CLEAR ALL"></form>'
        "<script>document.getElementById('f').submit()</script>", encoding="utf-8")
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path), **k)  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/evil.html"
    httpd.shutdown()


def test_a_cross_site_form_cannot_clear_the_store(writable_server, attacker_site, browser):
    import urllib.parse  # noqa: F401  (quads)

    before = quads(writable_server)
    assert before > 0
    page = browser.new_page()
    responses = []
    page.on("response", lambda r: responses.append((r.url, r.status)))
    page.goto(attacker_site)
    page.wait_for_timeout(1500)
    page.close()
    assert (writable_server + "/sparql", 403) in responses
    assert quads(writable_server) == before


def test_the_servers_own_page_can_update_and_a_request_without_its_token_cannot(writable_server,
                                                                              browser):
    page = browser.new_page()
    page.goto(writable_server + "/")
    insert = ('INSERT DATA { GRAPH kg:entities { entity:x a uic:University ; '
              'skos:prefLabel "新大学"@zh } }')
    statuses = page.evaluate("""async (update) => {
        const token = document.querySelector('meta[name="kg-token"]').content;
        const form = {"Content-Type": "application/x-www-form-urlencoded"};
        const without = await fetch("/sparql", {method: "POST", headers: form,
                                    body: "update=" + encodeURIComponent(update)});
        const wrong = await fetch("/sparql", {method: "POST",
                                  headers: {...form, "X-KG-Token": "guess"},
                                  body: "update=" + encodeURIComponent(update)});
        const own = await fetch("/sparql", {method: "POST", headers: {...form, "X-KG-Token": token},
                                body: "update=" + encodeURIComponent(update)});
        return [without.status, wrong.status, own.status];
    }""", insert)
    page.close()
    assert statuses == [403, 403, 204]


def test_a_huge_body_is_refused_without_being_read_whole(writable_server):
    host, port = writable_server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        # a declared length past the limit: refused before the body is read
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/sparql-query\r\n"
                     b"Content-Length: 419430400\r\n\r\n" + b"x" * 65536)
        answer = sock.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        # a chunked body with no length: cut off as soon as it passes the limit
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/sparql-query\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 65536
        answer = b""
        for _ in range(64):                       # up to 4 MiB, four times the limit
            try:
                sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            except OSError:
                break
            sock.settimeout(0.05)
            try:
                answer += sock.recv(4096)
            except socket.timeout:
                pass
            sock.settimeout(30)
            if answer:
                break
    assert answer.decode("latin-1").startswith("HTTP/1.1 413")
