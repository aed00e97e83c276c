"""The viewer's pages opened in real headless Chromium (Debian's ``chromium``).

Playwright drives ``/usr/bin/chromium`` (``.ci/run`` installs it; no
``playwright install``). Every request is recorded and anything but the page
file itself is aborted; console errors, page errors and dialogs are recorded.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

import networkx as nx
import pytest

from kg.web import viewer

from test_viewer import BAD_IMG, BAD_SCRIPT, small_graph


# payloads that would leave a trace if they ran
RUN_SCRIPT = "<script>window.__pwned = 1; alert(1)</script>"
RUN_IMG = '"><img src=x onerror="window.__pwned = 2; alert(2)">'


class Opened:
    """A page loaded from a file, with what happened while loading it."""

    def __init__(self, browser, path: Path):
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": 1200, "height": 800})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        page = self.page
        page.on("console", lambda m: m.type in ("error", "warning")
                and self.errors.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def route(r):
            if r.request.url == self.url:
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        page.goto(self.url)
        page.wait_for_function("() => window.kgReady === true", timeout=20000)

    def js(self, expression, arg=None):
        return self.page.evaluate(expression, arg)

    def node_id(self, name: str) -> int:
        return self.js("(name) => kgNodes.get({filter: n => n.label === name})[0].id", name)

    def hover_node(self, name: str) -> str:
        """Move the mouse onto the node and return the tooltip's text."""
        x, y = self.js("""(id) => {
            const p = kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id]);
            const r = document.getElementById('kg-graph').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""", self.node_id(name))
        return self._hover(x, y)

    def hover_edge(self, edge_id: str) -> str:
        """Move the mouse onto the middle of the edge; return the tooltip's text."""
        x, y = self.js("""(id) => {
            const e = kgNetwork.body.edges[id];
            const m = e.edgeType.getPoint(0.5);
            const p = kgNetwork.canvasToDOM(m);
            const r = document.getElementById('kg-graph').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""", edge_id)
        return self._hover(x, y)

    def _hover(self, x, y) -> str:
        # first to a spot with nothing under it, so any earlier tooltip closes
        ex, ey = self.js("""() => {
            const r = document.getElementById('kg-graph').getBoundingClientRect();
            for (let gy = 10; gy < r.height; gy += 20) {
                for (let gx = 10; gx < r.width; gx += 20) {
                    const p = {x: gx, y: gy};
                    if (kgNetwork.getNodeAt(p) === undefined && kgNetwork.getEdgeAt(p) === undefined) {
                        return [r.left + gx, r.top + gy];
                    }
                }
            }
            return [r.left + 1, r.top + 1]; }""")
        self.page.mouse.move(ex, ey)
        self.page.wait_for_selector("div.vis-tooltip", state="hidden")
        self.page.mouse.move(x, y, steps=3)
        self.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        return self.page.inner_text("div.vis-tooltip")

    def close(self):
        self.context.close()


@pytest.fixture
def opener(browser):
    opened = []

    def open_(path):
        o = Opened(browser, Path(path))
        opened.append(o)
        return o

    yield open_
    for o in opened:
        o.close()


def hostile_graph() -> nx.MultiDiGraph:
    """small_graph plus entities whose names, aliases and evidence would run code."""
    G = small_graph()
    G.add_node(RUN_SCRIPT, type="Organization", sector="intermediary",
               aliases=[RUN_IMG], pinyin="", docs=[RUN_IMG + ".txt"])
    G.add_node(RUN_IMG, type="Government", sector="government", aliases=[RUN_SCRIPT],
               pinyin="", docs=["x.txt"])
    G.add_edge(RUN_SCRIPT, RUN_IMG, key="supports", predicate="supports", count=1,
               evidence=[{"doc": RUN_SCRIPT, "sentence": RUN_IMG + RUN_SCRIPT}])
    G.add_edge(RUN_IMG, "西安交通大学", key="cooperatesWith", predicate="cooperatesWith",
               count=1, evidence=[{"doc": "y.txt", "sentence": "合作"}])
    return G


def assert_clean(o: Opened):
    assert o.errors == []
    assert o.requests == [o.url], "the page requested something besides itself"
    assert o.blocked == []
    assert o.dialogs == []


def test_page_is_offline_and_error_free(tmp_path, opener):
    G = hostile_graph()
    o = opener(viewer.write_view(G, tmp_path / "g.html", score={"西安交通大学": 1.0},
                                 cluster={n: i % 2 for i, n in enumerate(G)}))
    # exercise the page a little: hover, filters, search
    o.hover_node("清远高新区")
    o.page.uncheck('input[data-kind="type"][data-value="Company"]')
    o.page.fill("#kg-search", "西安交大")
    o.page.press("#kg-search", "Enter")
    o.page.wait_for_timeout(300)
    assert_clean(o)


def test_vis_datasets_hold_every_node_and_edge(tmp_path, opener):
    G = small_graph()
    o = opener(viewer.write_view(G, tmp_path / "g.html"))
    assert o.js("kgNodes.length") == G.number_of_nodes() == 3
    assert o.js("kgEdges.length") == G.number_of_edges() == 3
    # and all of them are on the network
    assert o.js("kgNetwork.body.nodeIndices.length") == 3
    assert sorted(o.js("kgNodes.map(n => n.label)")) == sorted(G.nodes)
    assert sorted(o.js("kgEdges.map(e => e.label)")) == ["builds", "signsWith", "supports"]


def test_graph_is_laid_out_beforehand_with_physics_off(tmp_path, opener):
    G = nx.MultiDiGraph()
    for u, v in nx.barabasi_albert_graph(viewer.LAYOUT_THRESHOLD + 100, 2, seed=1).edges():
        G.add_edge(f"机构{u}", f"机构{v}", key="cooperatesWith", predicate="cooperatesWith")
    o = opener(viewer.write_view(G, tmp_path / "big.html"))
    assert o.js("kgNodes.length") == G.number_of_nodes()
    assert o.js("kgEdges.length") == G.number_of_edges()
    assert o.js("kgNetwork.physics.physicsEnabled") is False
    # the positions drawn are the ones computed in Python
    data_pos = {n["name"]: (n["vis"]["x"], n["vis"]["y"])
                for n in viewer.page_data(G)["nodes"]}
    drawn = o.js("(() => { const p = kgNetwork.getPositions(); const out = {};"
                 " kgNodes.forEach(n => { out[n.label] = [p[n.id].x, p[n.id].y]; }); return out; })()")
    for name in ("机构0", "机构1", "机构250"):
        assert drawn[name] == pytest.approx(data_pos[name], abs=1)  # vis rounds
    assert_clean(o)


@pytest.mark.parametrize("query", ["西安交大", "Xi An Jiao Tong Da Xue", "xajtdx",
                                   "xi an jiao da",      # the placeholder: an alias's pinyin
                                   "西安交通大學"])        # Traditional characters
def test_search_box_focuses_node_found_by_alias_or_pinyin(tmp_path, opener, query):
    G = small_graph()
    for i in range(20):  # enough others that focusing moves the view
        G.add_edge(f"公司{i}", "清远高新区", key="locatedIn", predicate="locatedIn")
    o = opener(viewer.write_view(G, tmp_path / "g.html"))
    target = o.node_id("西安交通大学")
    o.js("kgNetwork.moveTo({position: {x: 5000, y: 5000}, scale: 0.5})")
    o.page.fill("#kg-search", query)
    o.page.press("#kg-search", "Enter")
    o.page.wait_for_function("() => window.kgFocused !== undefined")
    assert o.js("kgNetwork.getSelectedNodes()") == [target]
    o.page.wait_for_timeout(800)  # the focus animation lasts 400 ms
    view = o.js("kgNetwork.getViewPosition()")
    node = o.js(f"kgNetwork.getPositions([{target}])[{target}]")
    assert math.dist((view["x"], view["y"]), (node["x"], node["y"])) < 1.5
    assert o.page.inner_text("#kg-search-status") == "Found: 西安交通大学"
    assert_clean(o)


def test_search_reveals_a_filtered_out_node_and_reports_misses(tmp_path, opener):
    o = opener(viewer.write_view(small_graph(), tmp_path / "g.html"))
    o.page.uncheck('input[data-kind="type"][data-value="Park"]')
    assert o.js("kgNodesView.length") == 2
    o.page.fill("#kg-search", "清远高新技术产业开发区")
    o.page.press("#kg-search", "Enter")
    o.page.wait_for_function("() => window.kgFocused !== undefined")
    assert o.js("kgNodesView.length") == 3
    assert o.page.is_checked('input[data-kind="type"][data-value="Park"]')
    o.page.fill("#kg-search", "北京大学")
    o.page.press("#kg-search", "Enter")
    assert "No entity matches" in o.page.inner_text("#kg-search-status")


def test_filters_by_type_and_predicate(tmp_path, opener):
    o = opener(viewer.write_view(small_graph(), tmp_path / "g.html"))
    assert o.js("kgNodesView.length") == 3 and o.js("kgEdgesView.length") == 3
    o.page.uncheck('input[data-kind="predicate"][data-value="builds"]')
    assert o.js("kgEdgesView.length") == 2
    assert o.js("kgNetwork.body.edgeIndices.length") == 2
    o.page.uncheck('input[data-kind="type"][data-value="University"]')
    assert o.js("kgNodesView.getIds().length") == 2
    o.page.check('input[data-kind="type"][data-value="University"]')
    o.page.check('input[data-kind="predicate"][data-value="builds"]')
    assert o.js("[kgNodesView.length, kgEdgesView.length]") == [3, 3]


def test_hovering_shows_type_aliases_and_evidence_with_documents(tmp_path, opener):
    G = small_graph()
    o = opener(viewer.write_view(G, tmp_path / "g.html", cluster={"西安交通大学": 7}))
    tip = o.hover_node("西安交通大学")
    assert "type: University · university" in tip
    assert "西安交大" in tip and BAD_IMG in tip
    assert "pinyin: xianjiaotongdaxue" in tip and "cluster: 7" in tip
    assert "西安交大在清远高新区共建研究院。" in tip and "000_a.txt" in tip
    edge = o.js("kgEdges.get({filter: e => e.label === 'builds'})[0].id")
    tip = o.hover_edge(edge)
    assert "西安交通大学 —builds→ 清远高新区" in tip
    assert "双方共建平台。" in tip and "002_c.txt" in tip


def test_hostile_names_show_as_text_and_run_nothing(tmp_path, opener):
    G = hostile_graph()
    o = opener(viewer.write_view(G, tmp_path / "g.html"))
    tip = o.hover_node(RUN_SCRIPT)
    assert tip.splitlines()[0] == RUN_SCRIPT
    assert RUN_IMG in tip  # alias and evidence shown verbatim
    tip = o.hover_node(RUN_IMG)
    assert tip.splitlines()[0] == RUN_IMG
    edge = o.js("(n) => kgEdges.get({filter: e => e.label === 'supports' &&"
                " kgNodes.get(e.from).label === n})[0].id", RUN_SCRIPT)
    tip = o.hover_edge(edge)
    assert RUN_IMG + RUN_SCRIPT in tip
    # labels on the canvas are the raw text too
    assert RUN_SCRIPT in o.js("kgNodes.map(n => n.label)")
    # the search list offers the hostile alias as a value, not as markup
    options = o.js("Array.from(document.querySelectorAll('#kg-names option')).map(x => x.value)")
    assert RUN_IMG in options and BAD_SCRIPT in options
    o.page.fill("#kg-search", RUN_IMG)
    o.page.press("#kg-search", "Enter")
    o.page.wait_for_function("() => window.kgFocused !== undefined")
    assert o.page.inner_text("#kg-search-status") == "Found: " + RUN_IMG
    # nothing ran: no flag, no dialog, no injected element, no request for "x"
    assert o.js("window.__pwned") is None
    assert o.js("document.querySelectorAll('img').length") == 0
    assert o.js("document.querySelectorAll('script').length") == 3
    assert_clean(o)


def test_connect_page_highlights_the_path_and_fades_the_rest(tmp_path, opener):
    G = hostile_graph()
    style = viewer.load_style()
    answer = {"source": BAD_SCRIPT, "target": "清远高新区",
              "paths": [{"nodes": [BAD_SCRIPT, "西安交通大学", "清远高新区"],
                         "hops": [{"subject": "西安交通大学", "predicate": "signsWith",
                                   "object": BAD_SCRIPT, "evidence": []},
                                  {"subject": "西安交通大学", "predicate": "builds",
                                   "object": "清远高新区", "evidence": []}]}],
              "intermediaries": [("西安交通大学", 1)]}
    o = opener(viewer.write_connect_page(G, answer, tmp_path / "c.html"))
    assert o.js("kgNodes.length") == G.number_of_nodes()
    strong = o.js("kgEdges.get({filter: e => e.color && e.color.color === '%s'}).map(e => e.label)"
                  % style["highlight_colour"])
    assert sorted(strong) == ["builds", "signsWith"]
    faded = o.js("kgNodes.get({filter: n => n.color === '%s'}).map(n => n.label)"
                 % style["faded_colour"])
    assert sorted(faded) == sorted([RUN_SCRIPT, RUN_IMG])
    path_text = o.page.inner_text("#kg-path-list li")
    assert path_text == f"{BAD_SCRIPT} ←signsWith— 西安交通大学 —builds→ 清远高新区"
    # the page opens on the path: every path entity is in view
    inside = o.js("""(names) => names.every(name => {
        const id = kgNodes.get({filter: n => n.label === name})[0].id;
        const p = kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id]);
        const r = document.getElementById('kg-graph').getBoundingClientRect();
        return p.x >= 0 && p.y >= 0 && p.x <= r.width && p.y <= r.height; })""",
                  [BAD_SCRIPT, "西安交通大学", "清远高新区"])
    assert inside
    o.page.click("#kg-path-list li")
    assert sorted(o.js("kgNetwork.getSelectedNodes()")) == sorted(
        o.node_id(n) for n in (BAD_SCRIPT, "西安交通大学", "清远高新区"))
    assert o.js("window.__pwned") is None
    assert_clean(o)


def png_colours(png: bytes) -> set:
    """Distinct RGB colours of an 8-bit RGB/RGBA non-interlaced PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    idat = b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        if kind == b"IDAT":
            idat += body
        else:
            chunks[kind] = body
        pos += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and colour_type in (2, 6)
    bpp = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    previous = bytearray(stride)
    colours = set()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp * 4))
        previous = line
    return colours


def test_screenshot_of_the_graph_is_not_blank(tmp_path, opener):
    o = opener(viewer.write_view(small_graph(), tmp_path / "g.html",
                                 score={"西安交通大学": 1.0}))
    canvas = o.page.locator("#kg-graph canvas")
    colours = png_colours(canvas.screenshot())
    assert len(colours) > 5, "the canvas is blank"
    sector_rgb = bytes.fromhex(viewer.load_style()["sector_colours"]["university"][1:])
    assert sector_rgb in colours  # the university node is drawn in its sector colour


def dark_pixels(png: bytes) -> int:
    """Distinct near-black colours (label text, anti-aliased) of a screenshot:
    nodes, edges and the background are all lighter."""
    return sum(1 for c in png_colours(png) if max(c) < 90)


def test_overview_names_its_central_entities_at_the_default_zoom(tmp_path, opener):
    G = nx.MultiDiGraph()
    for u, v in nx.barabasi_albert_graph(400, 2, seed=5).edges():
        G.add_edge(f"机构{u}", f"机构{v}", key="cooperatesWith", predicate="cooperatesWith")
    score = {n: G.degree(n) for n in G}
    o = opener(viewer.write_view(G, tmp_path / "big.html", score=score))
    # at the default zoom vis-network draws no label of its own (none would
    # be 10 px high on screen) ...
    assert o.js("kgNetwork.getScale()") * 14 < 10
    # ... and the central entities are labelled all the same, as text pixels
    drawn = o.js("window.kgCentralDrawn.map(id => kgNodes.get(id).label)")
    assert "机构0" in drawn and len(drawn) >= 5
    shot = o.page.locator("#kg-graph canvas").screenshot()
    assert dark_pixels(shot) > 10
    o.js("window.kgLabelCentral = null; kgNetwork.off('afterDrawing'); kgNetwork.redraw()")
    o.page.wait_for_timeout(100)
    assert dark_pixels(o.page.locator("#kg-graph canvas").screenshot()) < dark_pixels(shot) / 4
    assert_clean(o)


def test_connect_page_path_nodes_are_not_overlapped(tmp_path, opener):
    G = nx.MultiDiGraph()
    for u, v in nx.barabasi_albert_graph(150, 2, seed=2).edges():
        G.add_edge(f"研究院{u}", f"科技有限公司{v}" if v % 3 else f"研究院{v}",
                   key="cooperatesWith", predicate="cooperatesWith")
    from kg.analysis.paths import connect

    source = min(G, key=lambda n: (G.degree(n), n))
    far = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), source)
    target = min((n for n, d in far.items() if d == 3), key=lambda n: (-G.degree(n), n))
    answer = connect(G, source, target, paths=3, max_hops=5)
    assert len(answer["paths"]) >= 2
    o = opener(viewer.write_connect_page(G, answer, tmp_path / "c.html"))
    on_path = o.js("kgNodes.get({filter: n => n.borderWidth === 3}).map(n => n.id)")
    assert len(on_path) >= 4
    boxes = o.js("""() => { const out = {};
        kgNetwork.body.nodeIndices.forEach(id => {
            const b = kgNetwork.getBoundingBox(id);
            out[id] = [b.left, b.top, b.right, b.bottom]; });
        return out; }""")
    for i in on_path:
        a = boxes[str(i)]
        for j, b in boxes.items():
            if j != str(i):
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), \
                    f"path node {i} overlaps node {j}"
    # left to right: the source at the left end, the target at the right
    x = o.js("(() => { const p = kgNetwork.getPositions(); const out = {};"
             " kgNodes.forEach(n => { out[n.label] = p[n.id].x; }); return out; })()")
    ends = [x[answer["source"]], x[answer["target"]]]
    assert all(ends[0] <= x[n] <= ends[1] for p in answer["paths"] for n in p["nodes"])
    assert_clean(o)
