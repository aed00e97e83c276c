"""Time to interactive of a ``kg view`` page of 2 000 entities in Chromium.

Generates a graph of ``--nodes`` entities (default 2 000) in planted
clusters, with Chinese names, aliases, pinyin, types of every sector and
1–3 evidence sentences per relation; writes the page with
:func:`kg.web.viewer.write_view` (clusters given, broker score = degree), then
opens it in headless Debian Chromium (``/usr/bin/chromium``, driven by
Playwright) ``--runs`` times and reports:

- *page written*: layout (computed in Python above
  :data:`kg.web.viewer.LAYOUT_THRESHOLD` nodes) and HTML, in seconds;
- *time to interactive*: from navigation start until the viewer sets
  ``window.kgReady`` (network built, first frame drawn, handlers attached;
  physics off), median and max over the runs;
- *frame*: median time of one redraw after panning, i.e. how smooth it is
  to explore;
- *search*: time from submitting the search box to the node being selected.

Usage::

    .venv/bin/python bench/view.py                 # 2 000 nodes, 5 runs
    .venv/bin/python bench/view.py --nodes 5000 --runs 3

The issue's target: under 5 s for 2 000 nodes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.web import viewer
from kg.analysis.projection import initials_of, pinyin_of
from kg.records import ENTITY_TYPES, PREDICATES, SECTOR

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic"]
STEMS = "华南理工清远高新西安交通中山科技创新研究院产业孵化数字智能材料能源生物医药"
SUFFIX = {"University": "大学", "Department": "学院", "ResearchInstitute": "研究院",
          "Platform": "创新中心", "Company": "有限公司", "Government": "人民政府",
          "Park": "高新区", "Organization": "协会", "Person": "", "Team": "团队",
          "Project": "项目", "Event": "大会", "Role": "主任"}


def make_graph(n: int, seed: int = 1) -> tuple[nx.MultiDiGraph, dict, dict]:
    """A projection-like graph of ``n`` entities, its clusters and scores."""
    rng = random.Random(seed)
    groups = max(2, n // 50)
    sizes = [n // groups + (1 if i < n % groups else 0) for i in range(groups)]
    base = nx.random_partition_graph(sizes, 0.06, 0.6 / n, seed=seed)
    G = nx.MultiDiGraph()
    names = {}
    for node in base:
        etype = rng.choice(ENTITY_TYPES)
        stem = "".join(rng.choice(STEMS) for _ in range(rng.randint(2, 4)))
        name = f"{stem}{SUFFIX[etype]}{node}"
        names[node] = name
        G.add_node(name, type=etype, sector=SECTOR[etype],
                   aliases=[stem + str(node)] if rng.random() < 0.4 else [],
                   pinyin=pinyin_of(name), initials=initials_of(name),
                   docs=[f"{rng.randint(0, 300):03d}_news.txt"])
    for u, v in base.edges():
        predicate = rng.choice(PREDICATES)
        evidence = [{"doc": f"{rng.randint(0, 300):03d}_news.txt", "doc_id": "x",
                     "sentence": f"{names[u]}与{names[v]}在清远签署合作协议，共建联合实验室。",
                     "start": 0, "end": 30, "trigger": "签署", "confidence": 0.9}
                    for _ in range(rng.randint(1, 3))]
        G.add_edge(names[u], names[v], key=predicate, predicate=predicate,
                   evidence=evidence, count=len(evidence), title=None)
    cluster = {names[node]: i for i, part in enumerate(base.graph["partition"])
               for node in part}
    score = {name: float(d) for name, d in G.degree()}
    return G, cluster, score


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=None, help="Keep the page here.")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    G, cluster, score = make_graph(args.nodes)
    out = Path(args.out or Path(tempfile.mkdtemp()) / "view.html")
    t0 = time.perf_counter()
    viewer.write_view(G, out, cluster=cluster, score=score)
    written = time.perf_counter() - t0
    print(f"graph: {G.number_of_nodes()} entities, {G.number_of_edges()} relations, "
          f"{len(set(cluster.values()))} clusters")
    print(f"page written in {written:.2f} s ({out.stat().st_size / 1e6:.1f} MB): {out}")

    ready, frames, searches = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(args.runs):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.goto(out.resolve().as_uri())
            page.wait_for_function("() => window.kgReady === true", timeout=120000)
            if errors:
                print("errors:", errors, file=sys.stderr)
                return 1
            ready.append(page.evaluate("window.kgReadyAt") / 1000)
            frames.append(page.evaluate("""() => new Promise(done => {
                const times = []; let i = 0;
                const step = () => {
                    const t = performance.now();
                    kgNetwork.moveTo({position: {x: i * 40, y: 0}});
                    kgNetwork.redraw();
                    kgNetwork.once('afterDrawing', () => {
                        times.push(performance.now() - t);
                        if (++i < 10) { requestAnimationFrame(step); }
                        else { times.sort((a, b) => a - b); done(times[5]); }
                    });
                };
                step(); })""") / 1000)
            name = next(iter(G))
            t = time.perf_counter()
            page.fill("#kg-search", G.nodes[name]["pinyin"])
            page.press("#kg-search", "Enter")
            page.wait_for_function("() => window.kgFocused !== undefined")
            searches.append(time.perf_counter() - t)
            page.close()
        browser.close()
    print(f"time to interactive: median {statistics.median(ready):.2f} s, "
          f"max {max(ready):.2f} s over {args.runs} runs "
          f"(target < 5 s) {'OK' if max(ready) < 5 else 'TOO SLOW'}")
    print(f"one frame after panning: median {statistics.median(frames) * 1000:.0f} ms")
    print(f"search to selection: median {statistics.median(searches) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
