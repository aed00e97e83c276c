"""``kg serve``'s page in real headless Chromium (Debian's ``chromium``).

The server is conftest's ``kg_server`` (``kg serve`` in a subprocess on a
free loopback port).  Playwright drives ``/usr/bin/chromium``; every request
is recorded and any that leaves the server is aborted and fails the test, as
do console errors, page errors and dialogs.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest

from conftest import HOSTILE_NAME, HOSTILE_SENTENCE
from test_viewer_browser import png_colours


class App:
    """The served page in one browser context, with what happened in it."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1400, "height": 860})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        page = self.page
        page.on("console", lambda m: m.type in ("error", "warning")
                and self.errors.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def route(r):
            if r.request.url.startswith(base + "/"):
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)

    def open(self, fragment: str = "", state: str = "overview") -> "App":
        self.page.goto(self.base + "/" + fragment)
        self.wait(state)
        return self

    def wait(self, state: str) -> None:
        self.page.wait_for_function("(s) => window.kgApp && kgApp.state === s", arg=state,
                                    timeout=20000)

    def js(self, expression, arg=None):
        return self.page.evaluate(expression, arg)

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.outside == [], "the page requested something from elsewhere"
        assert self.dialogs == []
        assert self.js("window.__pwned") is None


@pytest.fixture
def app(browser, kg_server):
    a = App(browser, kg_server)
    yield a
    a.context.close()


def test_overview_opens_with_central_entities_named(app):
    app.open()
    assert app.js("kgApp.nodes.length") > 10
    assert app.js("window.kgCentralDrawn.length") > 0 or \
        app.js("kgApp.network.getScale()") * 14 >= 11      # vis draws every label itself
    app.assert_clean()


def test_search_by_alias_opens_the_entity_and_its_evidence(app):
    app.open()
    app.page.fill("#kg-search", "西安交大")
    app.page.press("#kg-search", "Enter")
    app.wait("entity:西安交通大学")
    assert app.page.inner_text("#kg-card h2") == "西安交通大学"
    card = app.page.inner_text("#kg-card")
    assert "University · university" in card and "aliases: 西安交大" in card
    assert "broker rank" in card and "cluster [" in card
    # every statement with its sentence and document
    import json
    import urllib.request

    with urllib.request.urlopen(app.base + "/api/entity/" + urllib.parse.quote("西安交通大学")) as r:
        data = json.loads(r.read())
    evidence = [ev for rel in data["out"] + data["in"] for ev in rel["evidence"]]
    for ev in evidence[:5]:
        assert re.sub(r"\s*\n\s*", "", ev["sentence"]) in card and ev["doc"] in card
    # the neighbourhood is drawn with the entity selected
    selected = app.js("kgApp.network.getSelectedNodes()")
    assert app.js("(id) => kgApp.nodes.get(id).label", selected[0]) == "西安交通大学"
    # laid out in rings around it: no entity covers another
    assert app.js("kgApp.network.getPositions()")[str(selected[0])] == {"x": 0, "y": 0}
    assert_not_overlapped(app, app.js("kgApp.nodes.getIds()"))
    # walking: a link of the card opens the entity at its other end
    link = app.page.locator("#kg-card a[href^='#entity/']").first
    name = link.inner_text()
    link.click()
    app.wait("entity:" + name)
    assert app.page.inner_text("#kg-card h2") == name
    app.assert_clean()


@pytest.mark.parametrize("query, name", [("xajtdx", "西安交通大学"), ("陝西理工大學", "陕西理工大学")])
def test_search_by_pinyin_and_traditional(app, query, name):
    app.open()
    app.page.fill("#kg-search", query)
    app.page.press("#kg-search", "Enter")
    app.wait("entity:" + name)
    app.assert_clean()


def test_who_connects_draws_and_lists_the_paths(app):
    app.open("#connect", state="connect")
    app.page.fill("#kg-x", "陕西理工大学")
    app.page.fill("#kg-y", "清远高新区")
    app.page.click("#kg-connect-form button")
    app.wait("connect:陕西理工大学|清远高新区")
    listed = app.page.inner_text("#kg-paths")
    assert "陕西理工大学 – 陕西理工大学科技发展公司" in listed
    assert "—partOf→" in listed
    # the path is drawn in the highlight colour, its entities in view and apart
    highlighted = app.js("kgApp.data.edges.filter(e => e.highlight).length")
    assert highlighted >= 4
    on_path = app.js("kgApp.data.nodes.filter(n => n.highlight).map(n => n.id)")
    assert_not_overlapped(app, on_path)
    app.assert_clean()


def assert_not_overlapped(app, ids) -> None:
    """No entity of ``ids`` (node and label) covers any other drawn entity."""
    boxes = app.js("""() => { const out = {};
        kgApp.network.body.nodeIndices.forEach(id => {
            const b = kgApp.network.getBoundingBox(id);
            out[id] = [b.left, b.top, b.right, b.bottom]; });
        return out; }""")
    for i in ids:
        a = boxes[str(i)]
        for j, b in boxes.items():
            if j == str(i):
                continue
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), \
                f"path node {i} overlaps node {j}"


def test_hostile_entity_shows_as_text(app):
    app.open("#entity/" + urllib.parse.quote(HOSTILE_NAME, safe=""), state="entity:" + HOSTILE_NAME)
    assert app.page.inner_text("#kg-card h2") == HOSTILE_NAME
    card = app.page.inner_text("#kg-card")
    assert HOSTILE_SENTENCE in card and "<svg onload=alert(3)>" in card
    assert app.js("document.querySelectorAll('#kg-card img, #kg-card svg, #kg-card b, "
                  "#kg-card script').length") == 0
    assert HOSTILE_NAME in app.js("kgApp.nodes.map(n => n.label)")
    # search for it, and walk from it
    app.js("kgApp.state = 'searching'")
    app.page.fill("#kg-search", "星火")
    app.page.press("#kg-search", "Enter")
    app.wait("entity:" + HOSTILE_NAME)
    app.page.click("#kg-card a[href='#entity/%s']" % urllib.parse.quote("西安交通大学"))
    app.wait("entity:西安交通大学")
    app.assert_clean()


def test_brokers_and_clusters_tables_link_to_entities(app):
    app.open("#brokers", state="brokers")
    first = app.page.locator("#kg-brokers a").first
    assert first.inner_text() == "清远高新区"
    app.open("#clusters", state="clusters")
    link = app.page.locator("#kg-clusters a[href^='#entity/']").first
    name = link.inner_text()
    link.click()
    app.wait("entity:" + name)
    app.assert_clean()


def test_sparql_box_shows_a_table_and_offers_downloads(app):
    app.open("#sparql", state="sparql")
    app.page.fill("#kg-query", "SELECT ?name WHERE { ?u a uic:University ; skos:prefLabel ?name }")
    app.js("kgApp.state = 'running'")
    app.page.click("#kg-sparql-form button")
    app.wait("sparql")
    cells = app.page.locator("#kg-sparql-result td").all_inner_texts()
    assert "西安交通大学" in cells
    href = app.page.get_attribute("#kg-download-csv", "href")
    assert href.startswith("/sparql?") and "format=csv" in href
    response = app.page.request.get(app.base + href)
    assert response.ok and "西安交通大学" in response.text()
    json_href = app.page.get_attribute("#kg-download-json", "href")
    assert app.page.request.get(app.base + json_href).json()["head"]["vars"] == ["name"]
    app.assert_clean()


def test_type_filter_redraws_without_that_type(app):
    app.open("#entity/" + urllib.parse.quote("西安交通大学"), state="entity:西安交通大学")
    app.page.click("#kg-filters summary")
    assert "Platform" in app.js("kgApp.data.nodes.map(n => n.type)")
    app.js("kgApp.state = 'refiltering'")
    app.page.uncheck('input[data-kind="types"][data-value="Platform"]')
    app.wait("entity:西安交通大学")
    assert "Platform" not in app.js("kgApp.data.nodes.map(n => n.type)")
    app.assert_clean()


def test_period_boxes_redraw_with_that_period_only(app):
    app.open("#entity/" + urllib.parse.quote("西安交通大学"), state="entity:西安交通大学")
    assert app.js("kgApp.data.nodes.length") > 2
    app.page.click("#kg-filters summary")
    app.js("kgApp.state = 'refiltering'")
    app.page.fill("#kg-since", "2023")
    app.page.press("#kg-since", "Enter")
    app.page.locator("#kg-until").focus()                 # a change event
    app.wait("entity:西安交通大学")
    assert sorted(app.js("kgApp.data.nodes.map(n => n.name)")) == sorted(["西安交通大学", HOSTILE_NAME])
    assert app.page.locator("#kg-card .kg-stmt").count() == 1
    app.assert_clean()


def test_screenshot_of_the_page_is_drawn(app):
    app.open("#entity/" + urllib.parse.quote("清远高新区"), state="entity:清远高新区")
    colours = png_colours(app.page.locator("#kg-graph canvas").screenshot())
    assert len(colours) > 5, "the canvas is blank"
