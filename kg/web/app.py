"""``kg serve``: the whole store in the browser, a JSON API and a SPARQL endpoint.

A static page (``kg view``) is right for mailing one picture around; an
analyst working on a store day to day wants to ask new questions of all of
it.  :func:`create_app` builds a small Starlette application over one store
and its saved analysis (:mod:`kg.analysis.cache`: the projection, broker and
cluster scores, loaded once), serving

* ``/`` — one page: search an entity (name, alias, pinyin, Traditional
  characters), see its neighbourhood (drawn in rings around it with the
  viewer's vis-network assets) beside its card (type, aliases, broker scores, cluster, every
  statement with its sentence and document), walk from entity to entity;
  "who connects" two entities, the paths drawn and listed with evidence;
  the brokers and clusters tables; a SPARQL box whose results download as
  CSV or JSON.  A period (``since``, ``until``) chooses the statements
  every answer reads, as the CLI's ``--since``/``--until``; entity types
  and predicates narrow the drawings and paths
  (:class:`kg.analysis.filters.GraphFilter`);
* ``/api/…`` — the JSON behind the page, in the shapes the CLI prints with
  ``--json`` (the same library functions make both):

  ========================  ===============================================
  ``/api/search?q=``        :func:`kg.analysis.paths.search` (``kg search --json``)
  ``/api/entity/{name}``    :func:`kg.analysis.card.card` (``kg show --json``)
  ``/api/connect?x=&y=``    :func:`kg.analysis.paths.connect` (``kg connect --json``)
  ``/api/brokers``          :func:`kg.analysis.brokerage.rank_brokers` (``kg brokers --json``)
  ``/api/clusters``         :func:`kg.analysis.clusters.clusters` (``kg clusters --json``)
  ``/api/view``             :func:`kg.web.viewer.page_data`: what the page draws
  ========================  ===============================================

* ``/sparql`` — the SPARQL 1.1 Protocol (:mod:`kg.web.endpoint`), read-only
  unless ``allow_update``, with a query timeout and a row limit.

Safe by default: :func:`serve` binds 127.0.0.1 and then only answers
requests addressed to a loopback name (a web page elsewhere cannot reach it
by DNS rebinding); the page loads nothing from elsewhere (its
Content-Security-Policy allows only this server) and inserts every name and
sentence as text; a bad parameter gets a 4xx answer with one coded line
(:mod:`kg.messages`), never a traceback.

Why Starlette: the API is a handful of routes over plain functions, so the
smallest well-kept ASGI toolkit will do (FastAPI is Starlette plus pydantic
models and generated docs, more than this needs); uvicorn runs it.

Example
-------
::

    kg serve --store kg-store            # http://127.0.0.1:8765/
    curl 'http://127.0.0.1:8765/api/search?q=xajtdx'
    curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s a uic:University }' \\
         http://127.0.0.1:8765/sparql
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import networkx as nx

from kg.analysis.filters import FilterError, GraphFilter
from kg.messages import KGError
from kg.records import to_json
from kg.store.backends import SERVED_FILE, check_query, is_url
from kg.store.sparql_text import undefined_terms
from kg.web.endpoint import Limits, ProtocolError, evaluate, negotiate, parse_request, serialize
from kg.web.workers import QueryPool, ReadWriteLock, run_update

__all__ = ["Explorer", "create_app", "serve", "DEFAULT_HOST", "DEFAULT_PORT"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: Most entities one drawing holds (an entity's neighbourhood is cut there,
#: nearest and most central first).
MAX_VIEW = 400
#: Entities of the opening overview: the most central ones.
OVERVIEW = 150
#: Largest request body accepted (a SPARQL query or update).
MAX_BODY = 1 << 20

ASSETS = Path(__file__).with_name("assets")
VIEWER_ASSETS = Path(__file__).with_name("viewer_assets")
#: The files the page loads, and their media types.
STATIC = {
    "app.js": (ASSETS, "text/javascript"),
    "app.css": (ASSETS, "text/css"),
    "labels.js": (VIEWER_ASSETS, "text/javascript"),
    "vis-network.min.js": (VIEWER_ASSETS, "text/javascript"),
}
#: Content-Security-Policy of the page: nothing but this server.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


class BadParameter(KGError):
    """A query parameter that cannot be used (400, E701)."""

    http_status = 400

    def __init__(self, name: str, detail: str):
        super().__init__("E701", name=name, detail=detail)


class Explorer:
    """One store and its analysis, answering the API's questions.

    The analysis (:func:`kg.analysis.cache.analysis`) is loaded once — computed
    and saved first if this store state has none — and reloaded only after
    an update through the endpoint changes the store.  Answers on a
    filtered graph reuse one :class:`kg.analysis.paths.ConnectIndex` per filter
    (the last few are kept).

    >>> import os, tempfile
    >>> from kg.store.backends import open_store
    >>> ex = Explorer(open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True))
    >>> ex.search("x"), ex.clusters()["clusters"]
    ([], [])
    """

    def __init__(self, store, *, limits: Limits = Limits(), allow_update: bool = False,
                 workers: int = 2, queries: "QueryPool | None" = None):
        self.store = store
        self.limits = limits
        self.allow_update = allow_update
        self.workers = workers
        #: worker processes for SPARQL queries (``kg serve``); None: in this process
        self.queries = queries
        #: the API's answers read the store; an update closes it meanwhile
        self.rw = ReadWriteLock()
        self._generation = 0
        self._recompute: threading.Thread | None = None
        self._lock = threading.RLock()
        self._analysis = None
        self._periods: OrderedDict = OrderedDict()
        self._indexes: OrderedDict = OrderedDict()
        self._overlays: dict = {}
        self.load()

    # -- the analysis --
    def load(self, period=None):
        """The analysis of the store's current state (loaded once), or of
        the statements of ``period`` (a :class:`kg.analysis.period.Period`: computed
        and saved apart the first time it is asked for; the last few kept)."""
        from kg.analysis.cache import analysis

        with self._lock:
            if self._analysis is None:
                self._analysis = analysis(self.store)
                self._periods.clear()
                self._indexes.clear()
                self._overlays = {}
            if not period:
                return self._analysis
            if period not in self._periods:
                self._periods[period] = analysis(self.store, period=period)
                while len(self._periods) > 4:
                    self._periods.popitem(last=False)
            self._periods.move_to_end(period)
            return self._periods[period]

    def changed(self) -> None:
        """The store was changed (an update): compute the new analysis in the
        background and answer from the previous one, marked :attr:`stale`,
        until it is ready (a write must not stall every search for the
        minute scores take on a large store)."""
        with self._lock:
            self._generation += 1
            generation = self._generation
            if self._analysis is None:
                return
        thread = threading.Thread(target=self._refresh, args=(generation,), daemon=True,
                                  name="kg-analysis")
        self._recompute = thread
        thread.start()

    def _refresh(self, generation: int) -> None:
        from kg.analysis.cache import analysis

        with self.rw.reading():
            fresh = analysis(self.store)
        with self._lock:
            if generation == self._generation:
                self._analysis = fresh
                self._periods.clear()
                self._indexes.clear()
                self._overlays = {}

    @property
    def stale(self) -> bool:
        """Whether answers come from the analysis of an earlier store state."""
        thread = self._recompute
        return thread is not None and thread.is_alive()

    def settle(self, timeout: float | None = None) -> None:
        """Wait for the background analysis after an update (tests, shutdown)."""
        thread = self._recompute
        if thread is not None:
            thread.join(timeout)

    @property
    def graph(self) -> nx.MultiDiGraph:
        return self.load().graph

    def _index(self, flt: GraphFilter):
        a = self.load(flt.period)
        if not flt.active:
            return a.graph, a.connect_index()
        with self._lock:
            if flt not in self._indexes:
                from kg.analysis.paths import build_index

                view = flt.apply(a.graph)
                self._indexes[flt] = (view, build_index(view))
                while len(self._indexes) > 8:
                    self._indexes.popitem(last=False)
            self._indexes.move_to_end(flt)
            return self._indexes[flt]

    def overlays(self, period=None) -> tuple[dict, dict]:
        """``(cluster ids, broker scores)`` of every entity (of ``period``),
        for drawings."""
        with self._lock:
            a = self.load(period)
            if id(a) not in self._overlays:
                self._overlays[id(a)] = (a, a.cluster_ids(), a.broker_scores())
            return self._overlays[id(a)][1:]

    # -- the answers (the shapes of the CLI's --json) --
    def search(self, q: str, limit: int = 10, *, flt: GraphFilter = GraphFilter()) -> list[dict]:
        """:func:`kg.analysis.paths.search` (``kg search --json``), among the
        entities of the filter's period."""
        from kg.analysis.paths import search

        a = self.load(flt.period)
        return search(a.graph, q, index=a.connect_index(), limit=limit)

    def entity(self, name: str, *, flt: GraphFilter = GraphFilter()) -> dict:
        """:func:`kg.analysis.card.card` (``kg show --json``, with ``--since``/``--until``
        the filter's period): :meth:`kg.analysis.cache.Analysis.card` of the
        analysis held in memory, as ``kg show`` makes it from the projection."""
        return self.load(flt.period).card(name)

    def connect(self, x: str, y: str, *, max_hops: int = 5, paths: int = 3,
                via: str | None = None, flt: GraphFilter = GraphFilter()) -> dict:
        """:func:`kg.analysis.paths.connect` on the filtered graph (``kg connect --json``)."""
        from kg.analysis.paths import connect

        G, index = self._index(flt)
        return connect(G, x, y, max_hops=max_hops, paths=paths, via=via, index=index)

    def brokers(self, *, top: int = 20, sort: str = "triple_helix", all_types: bool = False,
                flt: GraphFilter = GraphFilter()) -> list[dict]:
        """:func:`kg.analysis.brokerage.rank_brokers` of the saved scores (``kg brokers
        --json``, of the filter's period); with a type filter, only entities
        of those types."""
        from kg.analysis.brokerage import rank_brokers

        a = self.load(flt.period)
        rows = a.brokers
        if flt.types is not None:
            rows = [r for r in rows if r.get("type") in flt.types]
        return rank_brokers(rows, a.graph, top=top, sort=sort, actors_only=not all_types)

    def clusters(self, *, min_size: int = 3, flt: GraphFilter = GraphFilter()) -> dict:
        """The saved :func:`kg.analysis.clusters.clusters` (``kg clusters --json``, of
        the filter's period)."""
        result = dict(self.load(flt.period).clusters or {"method": "louvain", "clusters": [],
                                                          "modularity": 0.0})
        result["clusters"] = [c for c in result.get("clusters", []) if c["size"] >= min_size]
        return result

    def view(self, *, around: str | None = None, hops: int = 1, x: str | None = None,
             y: str | None = None, max_hops: int = 5, paths: int = 3, via: str | None = None,
             flt: GraphFilter = GraphFilter(), limit: int = MAX_VIEW) -> dict:
        """What the page draws (:func:`kg.web.viewer.page_data`): the overview
        (the most central entities), an entity's neighbourhood, or a "who
        connects" answer laid out as its paths."""
        from kg.web import viewer

        cluster, score = self.overlays(flt.period)
        if x is not None or y is not None:
            if x is None or y is None:
                raise BadParameter("x, y", "give both ends of the question")
            answer = self.connect(x, y, max_hops=max_hops, paths=paths, via=via, flt=flt)
            G, _ = self._index(flt)
            data = viewer.connect_page_data(G, answer, cluster=cluster, score=score)
            data["answer"] = {"source": answer["source"], "target": answer["target"]}
            return data
        G, index = self._index(flt)
        if around is not None:
            from kg.analysis.paths import resolve

            centre = resolve(G, around, index=index)
            keep = _neighbourhood(G, centre, hops, limit, score)
            sub = G.subgraph(keep)
            title = f"{centre}: {hops} hop{'s' if hops != 1 else ''}"
            data = viewer.page_data(sub, cluster=cluster, score=score, title=title,
                                    positions=viewer.ring_positions(sub, centre))
            data["centre"] = centre
            if len(keep) < _ball_size(G, centre, hops, limit + 1):
                data["message"] = (f"showing the {len(keep)} nearest and most central "
                                   f"entities of more within {hops} hops")
            return data
        ranked = sorted(G, key=lambda n: (-(score.get(n) or 0.0), -G.degree(n), str(n)))
        sub = G.subgraph(ranked[:min(limit, OVERVIEW)])
        return viewer.page_data(sub, cluster=cluster, score=score,
                                title=f"The {sub.number_of_nodes()} most central entities")

    def sparql(self, text: str, deadline: float):
        """Evaluate a query within the limits (:func:`kg.web.endpoint.evaluate`)."""
        return evaluate(self.store, text, self.limits, deadline=deadline)

    def update(self, text: str) -> None:
        """Run a SPARQL update (only with ``allow_update``).  With worker
        processes (``kg serve``), in a process of its own that is ended past
        the query time limit: the store is closed here meanwhile, and the
        workers reopen it after."""
        if not self.allow_update:
            raise ProtocolError("E310", 403)
        try:
            if self.queries is None:
                try:
                    self.store.query(text, allow_update=True)
                except KGError as exc:
                    raise ProtocolError("E309", 400, detail=exc.message) from None
            else:
                check_query(text, allow_update=True,
                            allow_federation=self.store.allow_federation)
                with self.rw.writing():
                    self.store.close()
                    try:
                        run_update(self.store.location, text, self.limits.timeout,
                                   self.store.allow_federation)
                    finally:
                        self.store.reopen()
                self.queries.refresh()
        except KGError as exc:
            if isinstance(exc, ProtocolError):
                raise
            raise ProtocolError("E309", 400, detail=exc.message) from None
        finally:
            self.changed()


def _neighbourhood(G, centre, hops: int, limit: int, score: dict) -> list:
    """``centre`` and the entities within ``hops`` relations, nearest
    first, then most central, at most ``limit``."""
    U = G.to_undirected(as_view=True)
    keep = [centre]
    seen = {centre}
    frontier = [centre]
    for _ in range(hops):
        layer = {v for u in frontier for v in U[u] if v not in seen}
        ordered = sorted(layer, key=lambda n: (-(score.get(n) or 0.0), -G.degree(n), str(n)))
        room = limit - len(keep)
        keep += ordered[:max(room, 0)]
        seen |= layer
        frontier = ordered
        if len(keep) >= limit or not frontier:
            break
    return keep


def _ball_size(G, centre, hops: int, cap: int) -> int:
    """How many entities lie within ``hops`` of ``centre`` (counting stops at ``cap``)."""
    U = G.to_undirected(as_view=True)
    seen = {centre}
    frontier = [centre]
    for _ in range(hops):
        frontier = [v for u in frontier for v in U[u] if v not in seen and not seen.add(v)]
        if len(seen) >= cap or not frontier:
            break
    return len(seen)


# --- HTTP ------------------------------------------------------------------------

def _int(params, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"{raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise BadParameter(name, f"{value} is outside {low}–{high}")
    return value


def _flag(params, name: str) -> bool:
    return (params.get(name) or "").lower() in ("1", "true", "yes", "on")


def _text(params, name: str, required: bool = False) -> str | None:
    value = params.get(name)
    if value is not None:
        value = value.strip()
    if required and not value:
        raise BadParameter(name, "missing: give a name, alias or pinyin")
    return value or None


def _filter(params) -> GraphFilter:
    try:
        return GraphFilter.from_params(params)
    except FilterError as exc:
        text = str(exc)
        name = ("since, until" if text.startswith("period:") else
                "types" if "entity type" in text else "predicates")
        raise BadParameter(name, text.removeprefix("period: ")) from None


async def read_body(request, limit: int | None = None) -> bytes:
    """The request body, read as a stream and refused (413) as soon as it
    passes ``limit`` bytes (:data:`MAX_BODY`): a 1 GiB POST costs the server
    ``limit`` bytes of memory, not a gigabyte."""
    limit = MAX_BODY if limit is None else limit
    declared = request.headers.get("content-length")
    too_big = ProtocolError("E309", 413, detail=f"the request is larger than {limit} bytes")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_big
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


def check_own_page(request, token: str, trusted: tuple[str, ...] = ()) -> None:
    """Refuse (403, E704) a request that changes the store unless it comes
    from this server's own page: a browser's ``Origin`` and
    ``Sec-Fetch-Site``, when sent, must name this server, and the request
    must carry the session token (``X-KG-Token`` header, or a ``token``
    parameter) that only the page served here, or the person who started
    the server (it prints it), knows.  A page of another site can submit a
    form here but can neither read the token nor set the header.  The
    origins given with ``--cors-origin`` (``trusted``) may send changes too,
    with the token."""
    import hmac

    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    site = request.headers.get("sec-fetch-site")
    given = request.headers.get("x-kg-token") or request.query_params.get("token") or ""
    foreign = origin and origin != own and origin not in trusted and "*" not in trusted
    if foreign or (site and site not in ("same-origin", "none") and not origin) \
            or not hmac.compare_digest(given.encode(), token.encode()):
        raise ProtocolError("E704", 403)


def create_app(explorer: Explorer, *, trusted_hosts: list[str] | None = None,
               cors_origins: tuple[str, ...] = ()):
    """The Starlette application serving ``explorer``'s store.

    ``trusted_hosts``: the ``Host`` names answered (``None``: any); see
    :func:`serve`.  ``cors_origins``: web origins (``https://yasgui.triply.cc``)
    whose pages may read ``/sparql`` answers from a browser (none by
    default: any site the user visits could otherwise read the store).
    """
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    def json_response(data, status: int = 200) -> Response:
        return Response(to_json(data), status_code=status,
                        media_type="application/json")

    def problem(exc: KGError, status: int, api: bool = True) -> Response:
        if api:
            return json_response({"error": {"code": exc.code, "message": exc.message,
                                            "line": exc.line()}}, status)
        return Response(exc.line() + "\n", status_code=status, media_type="text/plain")

    def api(handler: Callable) -> Callable:
        """Run ``handler(params, request)`` in a worker thread; its errors
        become 4xx answers with one coded line."""
        from starlette.concurrency import run_in_threadpool

        from kg.analysis.paths import AmbiguousName, NameResolutionError

        def locked(params, request):
            with explorer.rw.reading():       # not while an update has the store closed
                return handler(params, request)

        async def endpoint(request: Request) -> Response:
            try:
                data = await run_in_threadpool(locked, request.query_params, request)
            except AmbiguousName as exc:
                err = KGError("E501", detail=str(exc))
                body = {"error": {"code": err.code, "message": err.message, "line": err.line(),
                                  "suggestions": exc.suggestions}}
                return json_response(body, 409)
            except NameResolutionError as exc:
                return problem(KGError("E501", detail=str(exc)), 404)
            except BadParameter as exc:
                return problem(exc, 400)
            except KGError as exc:
                return problem(exc, getattr(exc, "http_status", 400))
            except ValueError as exc:       # connect's and rank_brokers' own checks
                return problem(KGError("E503", detail=str(exc)), 400)
            response = json_response(data)
            if explorer.stale:
                response.headers["X-KG-Stale"] = ("scores of the previous store state; "
                                                  "the new ones are being computed")
            return response

        return endpoint

    def search(params, request):
        q = _text(params, "q", required=True)
        return explorer.search(q, _int(params, "limit", 10, 1, 100), flt=_filter(params))

    def entity(params, request):
        return explorer.entity(request.path_params["name"], flt=_filter(params))

    def connect(params, request):
        return explorer.connect(_text(params, "x", True), _text(params, "y", True),
                                max_hops=_int(params, "max_hops", 5, 1, 8),
                                paths=_int(params, "paths", 3, 1, 20),
                                via=_text(params, "via"), flt=_filter(params))

    def brokers(params, request):
        return explorer.brokers(top=_int(params, "top", 20, 1, 1000),
                                sort=_text(params, "sort") or "triple_helix",
                                all_types=_flag(params, "all_types"), flt=_filter(params))

    def clusters(params, request):
        return explorer.clusters(min_size=_int(params, "min_size", 3, 1, 1_000_000),
                                 flt=_filter(params))

    def view(params, request):
        return explorer.view(around=_text(params, "around"),
                             hops=_int(params, "hops", 1, 0, 3),
                             x=_text(params, "x"), y=_text(params, "y"),
                             max_hops=_int(params, "max_hops", 5, 1, 8),
                             paths=_int(params, "paths", 3, 1, 20), via=_text(params, "via"),
                             flt=_filter(params), limit=_int(params, "limit", MAX_VIEW, 1, 2000))

    def stats(params, request):
        from kg.analysis.cache import cached_stats

        return {"store": str(explorer.store.location), **cached_stats(explorer.store),
                "read_only": not explorer.allow_update, "query_timeout": explorer.limits.timeout,
                "max_rows": explorer.limits.max_rows}

    token = secrets.token_urlsafe(24)      # this server's session: what its own page proves
    app_token = token

    async def page(request: Request) -> Response:
        html = (ASSETS / "app.html").read_text(encoding="utf-8").replace(
            '<meta charset="utf-8">',
            f'<meta charset="utf-8">\n<meta name="kg-token" content="{token}">', 1)
        return Response(html, media_type="text/html",
                        headers={"Content-Security-Policy": CSP, "Cache-Control": "no-cache"})

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return problem(KGError("E702", path=request.url.path), 404, api=False)
        folder, media = STATIC[name]
        return Response((folder / name).read_bytes(), media_type=media,
                        headers={"Cache-Control": "max-age=300"})

    pool = ThreadPoolExecutor(max_workers=explorer.workers, thread_name_prefix="kg-sparql")
    running = {"n": 0}
    guard = threading.Lock()

    def cors(request: Request) -> dict:
        origin = request.headers.get("origin")
        if origin and ("*" in cors_origins or origin in cors_origins):
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
                    "Access-Control-Expose-Headers": "X-KG-Truncated, X-KG-Warning"}
        return {}

    async def preflight(request: Request) -> Response:
        headers = cors(request)
        if headers:
            headers.update({"Access-Control-Allow-Methods": "GET, POST",
                            "Access-Control-Allow-Headers": "Content-Type, Accept, X-KG-Token",
                            "Access-Control-Max-Age": "600"})
        return Response(status_code=204, headers=headers)

    async def sparql(request: Request) -> Response:
        response = await _sparql(request)
        response.headers.update(cors(request))
        return response

    async def in_thread(text, accept, fmt):
        """A query in this process's threads (an app made without worker
        processes: tests in one process)."""
        loop = asyncio.get_running_loop()
        with guard:
            if running["n"] >= explorer.workers:
                raise ProtocolError("E307", 503, workers=explorer.workers)
            running["n"] += 1
        deadline = time.monotonic() + explorer.limits.timeout

        def job():
            try:
                answer = explorer.sparql(text, deadline)
                media, name = negotiate(answer.kind, accept, fmt)
                cut = (f"the answer was cut at {explorer.limits.max_rows} rows"
                       if answer.truncated else None)
                return media, name, serialize(answer, name), cut
            finally:
                with guard:
                    running["n"] -= 1

        future = loop.run_in_executor(pool, job)
        try:
            return await asyncio.wait_for(asyncio.shield(future), explorer.limits.timeout + 0.5)
        except asyncio.TimeoutError:
            future.add_done_callback(lambda f: f.exception())
            raise ProtocolError("E306", 503, limit=explorer.limits.timeout) from None

    async def _sparql(request: Request) -> Response:
        try:
            body = await read_body(request)
            params = dict(request.query_params)
            op, text = parse_request(request.method, params, request.headers.get("content-type"),
                                     body)
            loop = asyncio.get_running_loop()
            if op == "update":
                if not explorer.allow_update:
                    raise ProtocolError("E310", 403)
                check_own_page(request, token, cors_origins)
                await loop.run_in_executor(pool, explorer.update, text)
                return Response(status_code=204)
            accept = request.headers.get("accept")
            fmt = params.get("format")
            if explorer.queries is not None:     # worker processes, ended past the limit
                reply = await explorer.queries.run(text, accept, fmt)
                media, name, payload, truncated = reply.media, reply.name, reply.payload, \
                    reply.truncated
            else:
                media, name, payload, truncated = await in_thread(text, accept, fmt)
        except ProtocolError as exc:
            return problem(exc, exc.http_status, api=False)
        headers = {}
        unknown = undefined_terms(text)
        if unknown:           # W301, as kg sparql says it on stderr; a header is ASCII
            headers["X-KG-Warning"] = ("W301 the ontology defines no " + " ".join(unknown)).encode(
                "ascii", "backslashreplace").decode("ascii")
        if truncated:
            headers["X-KG-Truncated"] = truncated
        if "download" in params:
            ext = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "turtle": "ttl",
                   "ntriples": "nt", "rdfxml": "rdf"}[name]
            headers["Content-Disposition"] = f'attachment; filename="kg-query.{ext}"'
        return Response(payload, media_type=media, headers=headers)

    async def not_found(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            err = KGError("E702", path=request.url.path)
        else:
            err = KGError("E309", detail=f"{request.method} {request.url.path}: {exc.detail}")
        return problem(err, exc.status_code, api=not request.url.path.startswith("/sparql"))

    async def server_error(request: Request, exc: Exception) -> Response:
        traceback.print_exception(exc)          # for the server's log, not the client
        err = KGError("E503", detail=f"the server failed on {request.url.path}: "
                                     f"{type(exc).__name__} (details in the server's log)")
        return problem(err, 500, api=True)

    routes = [
        Route("/", page),
        Route("/static/{name}", static),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/api/search", api(search)),
        Route("/api/entity/{name:path}", api(entity)),
        Route("/api/connect", api(connect)),
        Route("/api/brokers", api(brokers)),
        Route("/api/clusters", api(clusters)),
        Route("/api/view", api(view)),
        Route("/api/stats", api(stats)),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/sparql", preflight, methods=["OPTIONS"]),
    ]
    middleware = [Middleware(_Headers)]
    if trusted_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=trusted_hosts))
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={HTTPException: not_found, Exception: server_error})
    app.state.explorer = explorer
    app.state.token = app_token
    return app


class _Headers:
    """Headers every answer carries: no MIME sniffing, no framing, no referrer."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"),
                            (b"x-frame-options", b"DENY"),
                            (b"referrer-policy", b"no-referrer")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def serve(location: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
          allow_update: bool = False, query_timeout: float = 30.0, max_rows: int = 100_000,
          max_bytes: int = 32 << 20, workers: int = 2, cors_origins: tuple[str, ...] = (),
          allow_federation: bool = False,
          echo: Callable[[str], None] = print) -> None:
    """Open the store at ``location`` and serve it until interrupted.

    Bound to a loopback address (the default), the server answers only
    requests whose ``Host`` is a loopback name.  Raises
    :class:`kg.messages.KGError` when the store cannot be opened (E1xx) or
    the address cannot be listened on (E703).
    """
    import uvicorn

    from kg.store.backends import open_store

    _check_address(host, port)
    store = open_store(location)
    store.allow_federation = allow_federation     # SERVICE / LOAD only when asked for
    served = Path(location) / SERVED_FILE if not is_url(str(location)) else None
    queries = None
    try:
        start = time.perf_counter()
        limits = Limits(timeout=query_timeout, max_rows=max_rows, max_bytes=max_bytes)
        explorer = Explorer(store, limits=limits, allow_update=allow_update, workers=workers)
        a = explorer.load()
        if served is not None:       # queries in processes that can be ended at their limit
            queries = explorer.queries = QueryPool(str(location), limits, workers=workers,
                                                   allow_federation=allow_federation)
        if a.computed:
            echo(f"(scores of this store state computed in {time.perf_counter() - start:.1f} s "
                 "and saved)")
        trusted = None
        if host in _LOOPBACK:
            trusted = ["127.0.0.1", "localhost", "[::1]", "::1"]
        app = create_app(explorer, trusted_hosts=trusted, cors_origins=tuple(cors_origins))
        shown = f"[{host}]" if ":" in host else host
        if allow_update:
            echo(f"updates at /sparql need the header X-KG-Token: {app.state.token} "
                 "(this server's own page sends it)")
        url = f"http://{shown}:{port}/"
        if served is not None:       # who holds the store, for the other commands' messages
            served.write_text(json.dumps({"pid": os.getpid(), "url": url,
                                          "updates": allow_update}), encoding="utf-8")
        echo(f"kg serve: {a.graph.number_of_nodes()} entities of {location} at "
             f"{url}  — SPARQL endpoint {url}sparql"
             f"{' (updates allowed)' if allow_update else ' (read-only)'}; Ctrl-C stops")
        config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                                access_log=False, lifespan="off", timeout_graceful_shutdown=2)
        # uvicorn raises SIGTERM again once it has shut down: as an exit
        # (status 143), so that the workers are ended and the store closed
        # below rather than by the signal's default action
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
        uvicorn.Server(config).run()
    finally:
        if queries is not None:
            queries.close()
        if served is not None:
            served.unlink(missing_ok=True)
        store.close()


def _check_address(host: str, port: int) -> None:
    """E703 unless ``host:port`` can be listened on now."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise KGError("E703", host=host, port=port, detail=exc.strerror or str(exc)) from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            raise KGError("E703", host=host, port=port,
                          detail=(exc.strerror or str(exc)).lower()) from None

