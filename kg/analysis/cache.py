"""The analysis of a store, computed once per store state and read back.

Projecting the store to a graph (:func:`kg.analysis.projection.project`) and scoring its
brokers (:func:`kg.analysis.brokerage.broker_measures`) and clusters
(:func:`kg.analysis.clusters.clusters`) take seconds to minutes on a store of
thousands of articles, and give the same answer until the store changes.
:func:`analysis` computes them once for a store *state* — identified by
:func:`store_key`, a digest that every document written or removed moves
on — saves them in the store's directory (``kg-analysis/``, beside
Oxigraph's files) and reads them back while the state lasts:

* ``kg build`` and ``kg remove`` change the state, and every update
  (``kg sparql --update`` too) moves the store's generation on
  (:meth:`kg.store.backends.KGStore.generation`), which the key includes:
  what was saved before is stale and computed again when next asked for;
* ``kg brokers``, ``kg clusters``, ``kg show``, ``kg connect`` and ``kg
  view`` read the saved analysis, computing it first if the state has none.

The projection and the scores are written to separate files, so commands
that need only the graph (``kg connect``) do not read the scores.  A store
behind a SPARQL server has no directory: its analysis is computed for each
command.

What the commands answer from is chosen here, not by each command:
:func:`projection` is the store's analysis, or that of a projection saved
by ``kg project --out``, whole or of a period; :func:`entity_card` and
:func:`connection` read the saved cards when they can (one entity's card, a
path's relations: no projection to load) and the projection otherwise.

Examples
--------
>>> import os, tempfile
>>> from kg.store.backends import open_store
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
>>> a = analysis(store)
>>> a.graph.number_of_nodes(), a.computed
(0, True)
>>> analysis(store).computed            # read back, not computed again
False
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg import __version__
from kg.messages import KGError

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Analysis", "analysis", "projection", "entity_card", "connection", "name_error",
           "compute", "compute_graph", "store_key", "cached_stats",
           "cache_dir", "saved_card", "saved_cards", "SavedCards",
           "is_cached", "FORMAT"]

#: Version of the saved files; bump it when their content changes (2: the
#: evidence of the projection carries its date; 3: every entity's card).
FORMAT = 3

#: The files of a saved analysis, the key last (a key on disk means complete files).
_FILES = ("evidence.bin", "graph.pickle", "index.pickle", "scores.pickle", "cards.bin",
          "cards.idx", "key")

#: Directory, inside an on-disk store, holding the saved analysis.
CACHE_DIR = "kg-analysis"


@dataclass
class Analysis:
    """A store's projection and scores, for one store state.

    Attributes
    ----------
    key : str
        :func:`store_key` of the state they were computed for.
    graph : networkx.MultiDiGraph
        :func:`kg.analysis.projection.project` of the store's entities and relations.
    brokers : list of dict
        :func:`kg.analysis.brokerage.broker_measures` of ``graph``, ranked by the
        default measure (triple-helix brokerage) over all entities, so a
        row's index + 1 is its rank.  ``None`` until asked for, for a
        projection read from a file (:meth:`ranked_brokers` computes it).
    clusters : dict
        :func:`kg.analysis.clusters.clusters` of ``graph`` with its defaults (the
        cluster ids ``kg clusters`` prints and ``kg view --cluster`` takes).
        ``None`` as ``brokers`` is (:meth:`cluster_result`).
    seconds : float
        How long computing them took.
    computed : bool
        Whether this call computed them (rather than reading them back).
    period : kg.analysis.period.Period or None
        The period whose statements they analyse (``None``: all of them).
    """

    key: str
    graph: "nx.MultiDiGraph"
    brokers: list = field(default_factory=list)
    clusters: dict = field(default_factory=dict)
    seconds: float = 0.0
    computed: bool = False
    folder: "Path | None" = None
    _index: object = None
    period: object = None

    def connect_index(self):
        """The :class:`kg.analysis.paths.ConnectIndex` of ``graph`` (name lookup and
        search graph for ``kg connect`` and ``kg show``): saved with the
        analysis, built here if it is not."""
        if self._index is None:
            path = self.folder / "index.pickle" if self.folder is not None else None
            if path is not None and path.is_file():
                with _no_gc(), open(path, "rb") as fh:
                    self._index = pickle.load(fh)
                self._index.graph = self.graph
            else:
                from kg.analysis.paths import build_index
                self._index = build_index(self.graph)
        return self._index

    def ranked_brokers(self) -> list:
        """``brokers``: every entity's broker measures, ranked by the
        default measure; computed here the first time for a projection read
        from a file (whose scores are not saved)."""
        if self.brokers is None:
            from kg.analysis.brokerage import broker_measures, rank_brokers

            self.brokers = rank_brokers(broker_measures(self.graph), self.graph,
                                        top=None, actors_only=False, bridges=0)
        return self.brokers

    def cluster_result(self) -> dict:
        """``clusters``, computed here the first time as :meth:`ranked_brokers` is."""
        if self.clusters is None:
            from kg.analysis.clusters import clusters

            self.clusters = clusters(self.graph)
        return self.clusters

    def card(self, name: str) -> dict:
        """The card (:func:`kg.analysis.card.card`) of the entity ``name`` designates,
        from ``graph`` and these scores; a name to resolve is resolved on
        :meth:`connect_index`.  Raises :class:`kg.analysis.paths.NameResolutionError`.

        >>> from kg.analysis.projection import project
        >>> r = {"subject": "甲大学", "predicate": "builds", "object": "甲研究院",
        ...      "subject_type": "University", "object_type": "Platform", "doc": "a.txt"}
        >>> a = compute_graph(project([], [r]))
        >>> c = a.card("jiayanjiuyuan")
        >>> c["name"], c["in"][0]["subject"], c["broker"]["rank"]
        ('甲研究院', '甲大学', 2)
        """
        from kg.analysis.card import card

        return card(self.graph, name, cluster_result=self.cluster_result(),
                    broker_rows=self.ranked_brokers(),
                    index=None if name in self.graph else self.connect_index())

    def cluster_ids(self) -> dict:
        """``{entity: cluster id}`` over every cluster."""
        return {m: c["id"] for c in self.clusters.get("clusters", ()) for m in c["members"]}

    def broker_scores(self) -> dict:
        """``{entity: score}`` for sizing nodes in the viewer: the
        triple-helix brokerage, or plain betweenness when no entity brokers
        between those sectors."""
        measure = ("triple_helix" if any(r.get("triple_helix") for r in self.brokers)
                   else "betweenness")
        return {r["name"]: r.get(measure) or 0.0 for r in self.brokers}


def store_key(store) -> str:
    """A digest of the store's state (:meth:`kg.store.backends.KGStore.state`, which
    every document written or removed moves on) and of this ``kg``.

    Reading it is one lookup, however large the store; building the same
    files twice gives the same key, adding, replacing or removing a document
    changes it.

    >>> import os, tempfile
    >>> from kg.store.backends import open_store
    >>> len(store_key(open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)))
    64
    """
    return hashlib.sha256(f"kg {__version__} analysis {FORMAT}\n{store.state()}\n"
                          f"{store.generation()}".encode()).hexdigest()


def cached_stats(store, period=None) -> dict:
    """:meth:`kg.store.backends.KGStore.stats`, saved for the store's state.

    Counting every quad of a large store takes a second or more; the counts
    only change with the state.  ``kg build`` saves them as it reports them.
    With a :class:`kg.analysis.period.Period`, the counts of that period's statements
    (:func:`kg.analysis.period.period_stats`), computed each time.
    """
    import json

    if period:
        from kg.analysis.period import period_stats

        counts = period_stats(store.documents(), store.relations(), period)
        counts["quads"] = store.quad_count()      # the store's: same keys as without a period
        return counts

    key = store_key(store)
    folder = cache_dir(store)
    path = folder / "stats.json" if folder is not None else None
    if path is not None and path.is_file():
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.get("key") == key:
                return saved["stats"]
        except (OSError, ValueError, KeyError):
            pass
    stats = store.stats()
    if path is not None:
        try:
            folder.mkdir(exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps({"key": key, "stats": stats}, ensure_ascii=False),
                           encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass
    return stats


def cache_dir(store) -> Path | None:
    """Where ``store`` keeps its saved analysis (``None`` for a server)."""
    from kg.store.backends import is_url

    if is_url(store.location):
        return None
    return Path(store.location) / CACHE_DIR


def is_cached(store, key: str | None = None) -> bool:
    """Whether the analysis of the store's current state is saved."""
    folder = cache_dir(store)
    if folder is None or not (folder / "key").is_file():
        return False
    return (folder / "key").read_text() == (key or store_key(store))


def compute(store, key: str | None = None) -> Analysis:
    """Project ``store`` and score its brokers and clusters (no saving).

    Parameters
    ----------
    store : kg.store.backends.KGStore
    key : str, optional
        Its :func:`store_key`, if already known.

    Returns
    -------
    Analysis
    """
    from kg.analysis.projection import project

    start = time.perf_counter()
    key = key or store_key(store)
    result = compute_graph(project(store.entities(), store.relations()), key)
    result.seconds = time.perf_counter() - start
    return result


def compute_graph(G: "nx.MultiDiGraph", key: str = "") -> Analysis:
    """Score the brokers and clusters of a projection (no saving): the
    scores of :func:`compute` for any graph (a period's, a saved one)."""
    from kg.analysis.brokerage import broker_measures, rank_brokers
    from kg.analysis.clusters import clusters

    start = time.perf_counter()
    rows = broker_measures(G) if len(G) else []
    ranked = rank_brokers(rows, G, top=None, actors_only=False, bridges=0)
    result = clusters(G) if len(G) else {"method": "louvain", "clusters": [], "modularity": 0.0}
    return Analysis(key=key, graph=G, brokers=ranked, clusters=result,
                    seconds=time.perf_counter() - start, computed=True)


def analysis(store, *, graph_only: bool = False, period=None) -> Analysis:
    """The analysis of the store's current state: read back if saved,
    otherwise computed and saved.

    Parameters
    ----------
    store : kg.store.backends.KGStore
    graph_only : bool
        Read only the projection (``brokers`` and ``clusters`` are then
        empty) when it is saved: for commands that need no scores.
    period : kg.analysis.period.Period, optional
        Analyse only the statements of this period
        (:func:`kg.analysis.period.graph_in_period` of the whole projection).  Saved
        apart (``kg-analysis/period-<since>_<until>/``, keyed by the store
        state and the period), so it never stands for the analysis of the
        whole store, and dropped with it when the store changes.

    Returns
    -------
    Analysis
        ``computed`` tells whether this call had to compute it.
    """
    key = store_key(store)
    folder = cache_dir(store)
    if period:
        key = hashlib.sha256(f"{key}\nperiod {period.since} {period.until}".encode()).hexdigest()
        folder = folder / f"period-{period.key}" if folder is not None else None
    if folder is not None and _is_saved(folder, key):
        try:
            result = _read(folder, key, graph_only)
            result.period = period or None
            return result
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            pass  # a damaged or half-written analysis is computed again
    if period:
        start = time.perf_counter()
        result = compute_graph(_graph_in_period(_whole_graph(store), period), key)
        result.seconds = time.perf_counter() - start
    else:
        result = compute(store, key)
    result.period = period or None
    if folder is not None:
        _write(folder, result)
    return result


def projection(store, *, graph_file: str | None = None, graph_only: bool = False,
               period=None) -> Analysis:
    """The projection, and its scores, that an analysis command answers from.

    Parameters
    ----------
    store : kg.store.backends.KGStore or str
        The store (or its location, opened and closed here): its
        :func:`analysis`, read back or computed and saved.  Not opened when
        ``graph_file`` is given.
    graph_file : str, optional
        A projection saved by ``kg project --out``
        (:func:`kg.analysis.projection.save_graph`) to read instead of the store's; its
        scores are computed when first asked for
        (:meth:`Analysis.ranked_brokers`, :meth:`Analysis.cluster_result`).
    graph_only : bool
        As for :func:`analysis`: the store's scores are not read.
    period : kg.analysis.period.Period, optional
        Only the statements of this period (:func:`kg.analysis.period.graph_in_period`).

    Returns
    -------
    Analysis
        ``computed`` tells whether the store's analysis was computed by this
        call (and how long it took, ``seconds``); ``period`` is ``period``.

    Raises
    ------
    kg.messages.KGError
        E504 when the projection cannot be read (a file that is not one, a
        missing module); the store's own errors as :func:`kg.store.backends.open_store`
        raises them.

    Examples
    --------
    >>> import os, tempfile
    >>> from kg.analysis.projection import project, save_graph
    >>> path = os.path.join(tempfile.mkdtemp(), "g.pickle")
    >>> save_graph(project([], [{"subject": "甲", "predicate": "partOf", "object": "乙",
    ...                          "subject_type": "Department", "object_type": "University"}]),
    ...            path)
    >>> a = projection("no-store-needed", graph_file=path)
    >>> sorted(a.graph), a.brokers is None, len(a.ranked_brokers())
    (['乙', '甲'], True, 2)
    >>> try:
    ...     projection("no-store-needed", graph_file=path + ".missing")
    ... except KGError as exc:
    ...     print(exc.message[:21])
    cannot load the graph
    """
    from kg.analysis.projection import load_graph

    try:
        if graph_file:
            from kg.analysis.period import graph_in_period

            graph = load_graph(graph_file)
            result = Analysis(key="", graph=graph_in_period(graph, period) if period else graph,
                              period=period or None)
            result.brokers = result.clusters = None      # computed when asked for
        else:
            with _opened(store) as kg_store:
                result = analysis(kg_store, graph_only=graph_only, period=period)
    except (OSError, ValueError, ImportError, EOFError, pickle.UnpicklingError) as exc:
        raise KGError("E504", detail=str(exc) or type(exc).__name__) from None
    return result


def entity_card(store, name: str, *, graph_file: str | None = None, period=None,
                on_load=None) -> dict:
    """The card (:func:`kg.analysis.card.card`) of the entity ``name`` designates:
    ``kg show``.

    Read from the store's saved cards (:func:`saved_card`: one card, no
    projection loaded, networkx not imported) when the analysis of the
    store's state is saved and neither ``graph_file`` nor ``period`` is
    given; otherwise made from :func:`projection` (computing and saving the
    store's analysis if it has none).  Both give the same card.

    Parameters
    ----------
    store : kg.store.backends.KGStore or str
        The store, or its location (opened here, and closed).
    name : str
        Canonical name, alias, pinyin, part of a name or near miss
        (:func:`kg.analysis.paths.resolve`).
    graph_file, period : optional
        As for :func:`projection`.
    on_load : callable, optional
        Called with the :class:`Analysis` when the projection is read or
        computed (not for a saved card), before the card is made: ``kg``
        says there what was computed and how long it took.

    Returns
    -------
    dict
        The card.

    Raises
    ------
    kg.messages.KGError
        E501 for a name that designates no entity, or several
        (:func:`name_error`); E504 as :func:`projection`.

    Examples
    --------
    >>> import os, tempfile
    >>> from kg.store.backends import open_store
    >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
    >>> entity_card(store, "甲大学")
    Traceback (most recent call last):
    ...
    kg.messages.KGError: E501 '甲大学' matches no entity (tried names, aliases, pinyin and fuzzy matching)
    """
    if not graph_file and not period:       # the entity's saved card, if the analysis is saved
        with _opened(store) as kg_store:
            try:
                found = saved_card(kg_store, name)
            except LookupError as exc:
                from kg.analysis.paths import NameResolutionError   # (imports networkx)

                if not isinstance(exc, NameResolutionError):
                    raise
                raise name_error(exc) from None
            if found is not None:
                return found
            return _projection_card(kg_store, name, None, None, on_load)
    return _projection_card(store, name, graph_file, period, on_load)


def _projection_card(store, name, graph_file, period, on_load) -> dict:
    from kg.analysis.paths import NameResolutionError

    analysed = projection(store, graph_file=graph_file, period=period)
    if on_load is not None:
        on_load(analysed)
    try:
        return analysed.card(name)
    except NameResolutionError as exc:
        raise name_error(exc, period) from None


def entity_timeline(store, name: str, *, graph_file: str | None = None, period=None,
                    on_load=None) -> dict:
    """What the articles say about the entity ``name`` designates, in date
    order (:func:`kg.analysis.timeline.timeline`): ``kg timeline``.

    Made from :func:`projection` (the graph only: no scores are needed),
    whole, with ``period`` applied to the statements' dates.

    Parameters
    ----------
    store, name
        As for :func:`entity_card`.
    graph_file : str, optional
        As for :func:`projection`.
    period : kg.analysis.period.Period, optional
        Only the statements of this period.
    on_load : callable, optional
        Called with the :class:`Analysis` when the projection is read or
        computed.

    Returns
    -------
    dict
        ``{"name", "type", "entries"}`` as :func:`kg.analysis.timeline.timeline`.

    Raises
    ------
    kg.messages.KGError
        E501 for a name that designates no entity, or several; E504 as
        :func:`projection`.

    Examples
    --------
    An empty store has no entity to tell about:

    >>> import os, tempfile
    >>> from kg.store.backends import open_store
    >>> try:
    ...     entity_timeline(open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True), "甲")
    ... except KGError as exc:
    ...     print(exc.code)
    E501
    """
    from kg.analysis.paths import NameResolutionError
    from kg.analysis.timeline import timeline

    analysed = projection(store, graph_file=graph_file, graph_only=True)
    if on_load is not None:
        on_load(analysed)
    try:
        return timeline(analysed.graph, name, period=period,
                        index=None if name in analysed.graph else analysed.connect_index())
    except NameResolutionError as exc:
        raise name_error(exc, period) from None


def connection(store, x: str, y: str, *, max_hops: int = 5, paths: int = 3,
               via: str | None = None, graph_file: str | None = None, period=None,
               draw=None, on_load=None) -> dict:
    """Who connects ``x`` and ``y`` (:func:`kg.analysis.paths.connect`): ``kg connect``.

    Searched on the store's saved cards (the saved search graph, and the
    relations of each hop read from the cards of its ends: no projection
    loaded) when the analysis of the store's state is saved and none of
    ``graph_file``, ``period`` and ``draw`` is given; otherwise on
    :func:`projection`.  Both give the same answer.

    Parameters
    ----------
    store : kg.store.backends.KGStore or str
        The store, or its location (opened here, and closed).
    x, y : str
        The two entities, as :func:`kg.analysis.paths.resolve` reads names.
    max_hops, paths, via :
        As for :func:`kg.analysis.paths.connect`.
    graph_file, period : optional
        As for :func:`projection`.
    draw : callable, optional
        Called as ``draw(graph, answer, cluster=…, score=…)`` with the
        projection's clusters and broker scores (read, or computed), to draw
        the answer: ``kg connect --html`` passes a call of
        :func:`kg.web.viewer.write_connect_page` (the analysis layer writes
        no page itself).
    on_load : callable, optional
        As for :func:`entity_card`.

    Returns
    -------
    dict
        :func:`kg.analysis.paths.connect`'s answer.

    Raises
    ------
    kg.messages.KGError
        E501 for a name that designates no entity or several, and for
        arguments :func:`kg.analysis.paths.connect` refuses (an unknown ``via``);
        E504 as :func:`projection`.

    Examples
    --------
    >>> import os, tempfile
    >>> from kg.analysis.projection import project, save_graph
    >>> path = os.path.join(tempfile.mkdtemp(), "g.pickle")
    >>> save_graph(project([], [{"subject": "甲大学", "predicate": "signsWith",
    ...                          "object": "乙公司", "subject_type": "University",
    ...                          "object_type": "Company", "doc": "a.txt"}]), path)
    >>> answer = connection("no-store-needed", "甲大学", "yigongsi", graph_file=path)
    >>> answer["paths"][0]["nodes"], answer["paths"][0]["hops"][0]["predicate"]
    (['甲大学', '乙公司'], 'signsWith')
    """
    from kg.analysis.paths import NameResolutionError, connect

    cards = None
    if not (graph_file or period or draw):   # the saved cards, not the projection
        with _opened(store) as kg_store:
            cards = saved_cards(kg_store)
    if cards is not None:
        G, index, relations = cards, cards.connect_index(), cards.relation_view
    else:
        analysed = projection(store, graph_file=graph_file, graph_only=not draw, period=period)
        if on_load is not None:
            on_load(analysed)
        G, index, relations = analysed.graph, analysed.connect_index(), None
    try:
        result = connect(G, x, y, max_hops=max_hops, paths=paths, via=via,
                         index=index, relations=relations)
    except (NameResolutionError, ValueError) as exc:
        raise name_error(exc, period) from None
    if draw is not None:
        analysed.ranked_brokers(), analysed.cluster_result()
        draw(G, result, cluster=analysed.cluster_ids(), score=analysed.broker_scores())
    return result


def name_error(exc: Exception, period=None) -> KGError:
    """E501 for a name that designates no entity, or several (a
    :class:`kg.analysis.paths.NameResolutionError`, or any refused argument):
    looked up, if ``period`` is given, among that period's statements.

    >>> from kg.analysis.period import Period
    >>> name_error(LookupError("'甲' matches no entity"), Period.parse("2024")).line()
    "kg: E501 '甲' matches no entity, among the statements of since 2024"
    """
    detail = str(exc)
    return KGError("E501", detail=f"{detail}, among the statements of {period}"
                   if period else detail)


@contextmanager
def _opened(store):
    """``store`` itself, or the store at that location, opened and then closed."""
    if isinstance(store, (str, os.PathLike)):
        from kg.store.backends import open_store

        with open_store(store) as opened:
            yield opened
    else:
        yield store


def saved_card(store, name: str) -> dict | None:
    """The saved card (:func:`kg.analysis.card.card`) of the entity ``name``
    designates, if the analysis of the store's state is saved; else
    ``None`` (the caller works on the projection).

    ``kg show`` reads one card and the evidence its relations cite, not the
    projection: at 10 000 articles loading the projection alone took a
    second.  A name that is not a canonical name is resolved as
    :func:`kg.analysis.paths.resolve` does (alias, pinyin, part of a name…), on
    the saved name index; its errors are raised.

    >>> import os, tempfile
    >>> from kg.store.backends import open_store
    >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
    >>> saved_card(store, "甲大学") is None      # nothing saved yet
    True
    """
    cards = saved_cards(store)
    if cards is None:
        return None
    if name not in cards:
        from kg.analysis.paths import guessed, resolve

        name = resolve(cards, name, index=cards.connect_index())
        return guessed(cards.card(name), name)
    return cards.card(name)


def saved_cards(store) -> "SavedCards | None":
    """The :class:`SavedCards` of the store's saved analysis (``None`` if
    the analysis of its state is not saved)."""
    folder = cache_dir(store)
    if folder is None or not _is_saved(folder, store_key(store)):
        return None
    try:
        return SavedCards(folder)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError):
        return None


class SavedCards:
    """Every entity's saved card, read one entity at a time.

    What ``kg show`` and ``kg connect`` need of the projection — whether a
    name is an entity, its degree, type and sector, its relations with
    their evidence — without loading the projection: ``cards.idx`` maps
    each name to its card's place in ``cards.bin`` and to its degree, type
    and sector; a card is read when first asked for.  ``nodes[name]`` and
    ``degree(name)`` answer as a projection's would, so name resolution
    and :func:`kg.analysis.paths.connect` (with ``relations=relation_view``) run
    on it.

    >>> import os, tempfile
    >>> from kg.store.backends import open_store
    >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
    >>> a = analysis(store)
    >>> cards = SavedCards(a.folder)
    >>> "甲" in cards, len(cards)
    (False, 0)
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        with _no_gc(), open(self.folder / "cards.idx", "rb") as fh:
            self._spans = pickle.load(fh)
        self._cards: dict = {}
        self.nodes = _CardNodes(self._spans)

    def __contains__(self, name) -> bool:
        return name in self._spans

    def __len__(self) -> int:
        return len(self._spans)

    def __iter__(self):
        return iter(self._spans)

    def degree(self, name) -> int:
        """The entity's degree in the projection (relations, both ways)."""
        return self._spans[name][2]

    def card(self, name) -> dict:
        """The card of ``name`` (a canonical name), evidence as lists."""
        card = self._read(name)
        return dict(card, out=[dict(r, evidence=list(r["evidence"])) for r in card["out"]],
                    **{"in": [dict(r, evidence=list(r["evidence"])) for r in card["in"]]})

    def connect_index(self):
        """The saved :class:`kg.analysis.paths.ConnectIndex` (name lookup and search
        graph), its ``graph`` these cards."""
        with _no_gc(), open(self.folder / "index.pickle", "rb") as fh:
            index = pickle.load(fh)
        index.graph = self
        return index

    def relation_view(self, u, v) -> list[dict]:
        """:func:`kg.analysis.projection.relation_view` of ``u`` and ``v``, from ``u``'s card."""
        card = self._read(u)
        out = [dict(r, evidence=list(r["evidence"])) for r in card["out"] if r["object"] == v]
        out += [dict(r, evidence=list(r["evidence"])) for r in card["in"] if r["subject"] == v]
        out.sort(key=lambda r: (-r["count"], r["predicate"], r["subject"]))
        return out

    def _read(self, name) -> dict:
        card = self._cards.get(name)
        if card is None:
            offset, length = self._spans[name][:2]
            _EVIDENCE_FILE["path"] = str(self.folder / "evidence.bin")
            try:
                with open(self.folder / "cards.bin", "rb") as fh:
                    fh.seek(offset)
                    card = self._cards[name] = pickle.loads(fh.read(length))
            finally:
                _EVIDENCE_FILE["path"] = None
        return card


class _CardNodes:
    """``SavedCards.nodes``: name → ``{"type", "sector"}``."""

    def __init__(self, spans: dict):
        self._spans = spans

    def __getitem__(self, name) -> dict:
        span = self._spans[name]
        return {"type": span[3], "sector": span[4]}

    def __contains__(self, name) -> bool:
        return name in self._spans


def _whole_graph(store):
    """The store's projection: the saved one if there is one, else projected
    now (a period's scores need no scores of the whole store)."""
    folder = cache_dir(store)
    key = store_key(store)
    if folder is not None and is_cached(store, key):
        try:
            return _read(folder, key, graph_only=True).graph
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            pass
    from kg.analysis.projection import project

    return project(store.entities(), store.relations())


def _graph_in_period(G, period):
    from kg.analysis.period import graph_in_period

    return graph_in_period(G, period)


def _is_saved(folder: Path, key: str) -> bool:
    try:
        return (folder / "key").read_text() == key
    except OSError:
        return False


#: While a saved projection is written or read: its evidence file.
_EVIDENCE_FILE: dict = {"saving": False, "path": None}


class LazyEvidence(Sequence):
    """The evidence list of one relation of a saved projection, read when
    first used.

    A projection of 10 000 articles holds some 130 000 evidence dicts; a
    command that draws one card or one path reads a handful of them.  The
    saved projection keeps them in a file of their own (``evidence.bin``,
    one pickled list per relation) and each relation only its place in
    it, so the graph loads without them; each behaves as the list it
    stands for.  Pickled anywhere else (``kg project --out``), it is that
    list.

    >>> ev = LazyEvidence(items=[{"sentence": "甲乙签约", "doc": "a.txt"}])
    >>> len(ev), ev[0]["doc"], list(ev) == [{"sentence": "甲乙签约", "doc": "a.txt"}]
    (1, 'a.txt', True)
    """

    __slots__ = ("_span", "_path", "_items")

    def __init__(self, span: tuple[int, int] | None = None, items: list | None = None):
        self._span = span
        self._path = _EVIDENCE_FILE["path"]
        self._items = items

    def _list(self) -> list:
        if self._items is None:
            with open(self._path, "rb") as fh:
                fh.seek(self._span[0])
                self._items = pickle.loads(fh.read(self._span[1]))
        return self._items

    def __getitem__(self, index):
        return self._list()[index]

    def __len__(self) -> int:
        return len(self._list())

    def __iter__(self):
        return iter(self._list())

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, (list, Sequence)) else NotImplemented

    def __repr__(self) -> str:
        return repr(self._list())

    def __reduce__(self):
        if _EVIDENCE_FILE["saving"]:
            return (LazyEvidence, (self._span,))
        return (list, (self._list(),))


def _write_evidence(G, path: Path) -> None:
    """Write the evidence lists of ``G`` to ``path``; leave a
    :class:`LazyEvidence` with its place in the file on every edge."""
    offset = 0
    with open(path, "wb") as fh:
        for _, _, data in G.edges(data=True):
            items = list(data.get("evidence") or [])
            blob = pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL)
            fh.write(blob)
            data["evidence"] = LazyEvidence((offset, len(blob)), items)
            offset += len(blob)


@contextmanager
def _no_gc():
    """Unpickling a graph creates millions of objects that the cyclic
    collector would rescan at every generation threshold; none are garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


def _read(folder: Path, key: str, graph_only: bool) -> Analysis:
    with _no_gc():
        _EVIDENCE_FILE["path"] = str(folder / "evidence.bin")
        try:
            with open(folder / "graph.pickle", "rb") as fh:
                G = pickle.load(fh)
        finally:
            _EVIDENCE_FILE["path"] = None
        meta = {}
        if not graph_only:
            with open(folder / "scores.pickle", "rb") as fh:
                meta = pickle.load(fh)
    import networkx as nx

    if not isinstance(G, nx.MultiDiGraph):
        raise ValueError("not a projection")
    return Analysis(key=key, graph=G, brokers=meta.get("brokers", []),
                    clusters=meta.get("clusters", {}), seconds=meta.get("seconds", 0.0),
                    folder=folder)


def _write(folder: Path, result: Analysis) -> None:
    """Write the files, then the key last: a key on disk means complete files."""
    tag = f".tmp{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "key").unlink(missing_ok=True)
        _write_evidence(result.graph, folder / ("evidence.bin" + tag))
        _EVIDENCE_FILE["saving"] = True
        try:
            with open(folder / ("graph.pickle" + tag), "wb") as fh:
                pickle.dump(result.graph, fh, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            _EVIDENCE_FILE["saving"] = False
        with open(folder / ("scores.pickle" + tag), "wb") as fh:
            pickle.dump({"brokers": result.brokers, "clusters": result.clusters,
                         "seconds": result.seconds}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        _write_cards(result, folder, tag)
        (folder / ("key" + tag)).write_text(result.key)
        index = result.connect_index()
        index.graph = None               # saved beside, not inside, the graph
        try:
            with open(folder / ("index.pickle" + tag), "wb") as fh:
                pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            index.graph = result.graph
        for name in _FILES:
            os.replace(folder / (name + tag), folder / name)
        result.folder = folder
    except OSError:
        for name in _FILES:                                      # a read-only store:
            Path(folder / (name + tag)).unlink(missing_ok=True)  # compute each time


def _write_cards(result: Analysis, folder: Path, tag: str) -> None:
    """Every entity's card (:func:`kg.analysis.card.cards`), one pickle each in
    ``cards.bin``, and ``cards.idx``: name → (offset, length).  The
    evidence stays in ``evidence.bin`` (each card holds its places)."""
    from kg.analysis.card import cards

    spans = {}
    offset = 0
    _EVIDENCE_FILE["saving"] = True
    try:
        with open(folder / ("cards.bin" + tag), "wb") as fh:
            for name, card in cards(result.graph, cluster_result=result.clusters,
                                    broker_rows=result.brokers):
                blob = pickle.dumps(card, protocol=pickle.HIGHEST_PROTOCOL)
                fh.write(blob)
                spans[name] = (offset, len(blob), card["degree"], card["type"], card["sector"])
                offset += len(blob)
    finally:
        _EVIDENCE_FILE["saving"] = False
    with open(folder / ("cards.idx" + tag), "wb") as fh:
        pickle.dump(spans, fh, protocol=pickle.HIGHEST_PROTOCOL)
