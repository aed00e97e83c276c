"""Screenshot of the seeds graph for the README (``docs/seeds-graph.png``).

Builds ``seeds/`` into a temporary store with kg's library
(:func:`kg.ingest.build.build`, as ``kg build seeds``), projects it
(:func:`kg.analysis.projection.project`), colours and sizes it with the
clusters and broker scores ``kg view`` uses, writes the page with
:func:`kg.web.viewer.write_view` and photographs it in headless Debian Chromium
(``/usr/bin/chromium``, driven by Playwright), zoomed to the largest
connected piece of the graph.

With ``--serve``, it photographs ``kg serve``'s page instead
(``docs/serve.png``): the seeds built into a temporary store, ``kg serve``
started on a free loopback port, the page opened on an entity (its
neighbourhood drawn beside its card).

Usage::

    .venv/bin/python scripts/screenshot.py                  # → docs/seeds-graph.png
    .venv/bin/python scripts/screenshot.py --html seeds.html --out shot.png
    .venv/bin/python scripts/screenshot.py --serve          # → docs/serve.png

``--from DIR`` reads ``entities.jsonl``/``relations.jsonl`` written by
``kg extract seeds --out DIR`` instead of extracting again.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic"]


def seeds_graph(source: Path | None):
    """The projection of the seeds: extracted now, or read from JSONL files."""
    from kg.analysis.projection import project

    if source is not None:
        from kg.records import read_jsonl

        return project(read_jsonl(source / "entities.jsonl"),
                       read_jsonl(source / "relations.jsonl"))
    # built into a store as `kg build seeds` does, so that the page shows
    # the numbers `kg stats` and `kg view` print
    from kg.ingest.build import build
    from kg.store.backends import open_store

    with tempfile.TemporaryDirectory() as folder:
        with open_store(Path(folder) / "store", create=True) as store:
            build([ROOT / "seeds"], store, progress=False)
            return project(store.entities(), store.relations())


def _shoot(url: str, png: Path, ready: str, arg=None, width: int = 1600, height: int = 1000,
           then=None) -> None:
    """Open ``url`` in Chromium, wait until the JavaScript ``ready(arg)`` is
    true, call ``then(tab)`` if given, save a PNG; a page error fails."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": width, "height": height},
                               device_scale_factor=1)
        errors = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(url)
        tab.wait_for_function(ready, arg=arg, timeout=60000)
        if errors:
            raise RuntimeError(f"the page failed: {errors}")
        if then is not None:
            then(tab)
        tab.wait_for_timeout(300)
        tab.screenshot(path=str(png))
        browser.close()


def photograph(page: Path, png: Path, focus: list | None = None,
               width: int = 1600, height: int = 1000) -> None:
    """Open ``page`` in Chromium, wait until the viewer is ready, zoom to the
    entities named in ``focus`` (all if None), save a PNG."""
    def zoom(tab):
        tab.evaluate("""(names) => {
            const wanted = new Set(names);
            const ids = kgNodes.get({filter: n => wanted.has(n.label)}).map(n => n.id);
            kgNetwork.fit({nodes: ids}); }""", [str(n) for n in focus])

    _shoot(page.resolve().as_uri(), png, "() => window.kgReady === true", width=width,
           height=height, then=zoom if focus else None)


def photograph_server(png: Path, entity: str = "西安交通大学",
                      width: int = 1600, height: int = 950) -> None:
    """Build the seeds into a temporary store, serve it with ``kg serve``
    and photograph the page opened on ``entity``."""
    import socket
    import subprocess
    import time
    import urllib.parse
    import urllib.request

    from kg.ingest.build import build
    from kg.store.backends import open_store

    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        with open_store(store, create=True) as opened:
            build([ROOT / "seeds"], opened, progress=False)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        kg = Path(sys.executable).with_name("kg")
        proc = subprocess.Popen([str(kg), "serve", "--store", str(store), "--port", str(port)],
                                stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(base + "/api/stats", timeout=2).close()
                    break
                except OSError:
                    time.sleep(0.2)
            _shoot(base + "/#entity/" + urllib.parse.quote(entity), png,
                   "(s) => window.kgApp && kgApp.state === s", arg="entity:" + entity,
                   width=width, height=height)
        finally:
            proc.terminate()
            proc.wait(timeout=15)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "seeds-graph.png")
    parser.add_argument("--html", type=Path, default=None, help="Keep the page here.")
    parser.add_argument("--from", dest="source", type=Path, default=None,
                        help="Directory with entities.jsonl and relations.jsonl.")
    parser.add_argument("--serve", action="store_true",
                        help="Photograph kg serve's page (default --out docs/serve.png).")
    args = parser.parse_args(argv)
    if args.serve:
        out = args.out if "--out" in (argv or sys.argv) else ROOT / "docs" / "serve.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        photograph_server(out)
        print(f"kg serve's page → {out}")
        return 0

    from kg.analysis.cache import compute_graph
    from kg.web import viewer

    G = seeds_graph(args.source)
    scored = compute_graph(G)          # the clusters and brokers `kg view` colours by
    cluster, score = scored.cluster_ids(), scored.broker_scores()
    html = args.html or Path(tempfile.mkdtemp()) / "seeds.html"
    viewer.write_view(G, html, cluster=cluster, score=score,
                      title=f"seeds/: {G.number_of_nodes()} entities, "
                            f"{G.number_of_edges()} relations")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    import networkx as nx

    # the picture shows the largest connected piece; the page has everything
    main_piece = max(nx.weakly_connected_components(G), key=len) if len(G) else set()
    photograph(html, args.out, focus=sorted(main_piece))
    print(f"{G.number_of_nodes()} entities, {G.number_of_edges()} relations → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
