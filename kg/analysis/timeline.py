"""The graph over time: an entity's timeline, and brokers period by period.

* :func:`timeline` — what the articles say about one entity, statement by
  statement, in date order, each with its sentence, its document and where
  its date came from (``kg timeline``).
* :func:`broker_trend` — the scores and ranks of the top brokers in each
  year or quarter (``kg brokers --by``), and :func:`plot_broker_trend` its
  line chart (matplotlib).

Both read a projection (:func:`kg.analysis.projection.project`) whose evidence items carry
the dates of :mod:`kg.extraction.dates`.

Examples
--------
>>> from kg.analysis.projection import project
>>> rel = dict(subject="甲大学", subject_type="University", object_type="Platform",
...            predicate="builds")
>>> G = project([], [dict(rel, object="丙平台", date="2023-05-01", evidence="s2", doc="b"),
...                  dict(rel, object="乙平台", date="2019", evidence="s1", doc="a")])
>>> [(e["date"], e["object"]) for e in timeline(G, "甲大学")["entries"]]
[('2019', '乙平台'), ('2023-05-01', '丙平台')]
"""

from __future__ import annotations

import networkx as nx

from kg.analysis.period import Period, evidence_in_period, graph_in_period

__all__ = ["timeline", "broker_trend", "plot_broker_trend", "periods_of"]


def timeline(G: nx.MultiDiGraph, name: str, *, period: Period | None = None,
             index=None) -> dict:
    """What the articles say about the entity ``name`` designates, in date order.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection with dated evidence.
    name : str
        Resolved with :func:`kg.analysis.paths.resolve` (name, alias, pinyin …;
        raises its errors).
    period : kg.analysis.period.Period, optional
        Only the statements of this period.
    index : kg.analysis.paths.ConnectIndex, optional
        Reused for name resolution.

    Returns
    -------
    dict
        ``{"name", "type", "entries"}``; one entry per statement (evidence
        item) of a relation from or to the entity: ``{"date",
        "date_precision", "date_source", "subject", "predicate", "object",
        "title", "sentence", "doc", "doc_id"}``, sorted by date (a year
        before the months and days in it), then document and position;
        undated statements last.
    """
    from kg.analysis.paths import resolve

    n = resolve(G, name, index=index)
    period = period or Period()
    entries = []
    edges = list(G.out_edges(n, keys=True, data=True)) + [
        e for e in G.in_edges(n, keys=True, data=True) if e[0] != n]
    for s, o, key, data in edges:
        for item in evidence_in_period(data.get("evidence"), period):
            entries.append({
                "date": item.get("date"), "date_precision": item.get("date_precision"),
                "date_source": item.get("date_source"),
                "subject": s, "predicate": key, "object": o, "title": data.get("title"),
                "sentence": item.get("sentence"), "doc": item.get("doc"),
                "doc_id": item.get("doc_id"), "start": item.get("start")})
    entries.sort(key=lambda e: (e["date"] is None, e["date"] or "", str(e["doc"] or ""),
                                e["start"] if e["start"] is not None else -1,
                                e["predicate"], e["subject"], e["object"]))
    return {"name": n, "type": G.nodes[n].get("type"), "entries": entries}


def periods_of(G: nx.MultiDiGraph, by: str = "year", period: Period | None = None) -> list[str]:
    """The years (``"2021"``) or quarters (``"2021-Q3"``) in which ``G`` has
    dated statements (of ``period``), in order; a statement dated only to
    its year is in no quarter.

    >>> from kg.analysis.projection import project
    >>> r = dict(subject="甲", object="乙", predicate="builds")
    >>> G = project([], [dict(r, date="2021-08-02", evidence="s1"),
    ...                  dict(r, date="2019", evidence="s2")])
    >>> periods_of(G), periods_of(G, "quarter")
    (['2019', '2021'], ['2021-Q3'])
    """
    found = set()
    for _, _, ev in G.edges(data="evidence"):
        for item in evidence_in_period(ev, period or Period()):
            label = _label(item.get("date"), by)
            if label:
                found.add(label)
    return sorted(found)


def _label(date: str | None, by: str) -> str | None:
    if not date:
        return None
    if by == "year":
        return date[:4]
    if len(date) < 7:
        return None
    return f"{date[:4]}-Q{(int(date[5:7]) - 1) // 3 + 1}"


def _slice(label: str) -> Period:
    if "-Q" in label:
        year, q = label.split("-Q")
        first = (int(q) - 1) * 3 + 1
        return Period(f"{year}-{first:02d}", f"{year}-{first + 2:02d}")
    return Period(label, label)


def _in_slice(G: nx.MultiDiGraph, label: str, by: str) -> nx.MultiDiGraph:
    """The statements of one year or quarter (a quarter takes only the
    statements dated to the month or the day)."""
    H = graph_in_period(G, _slice(label))
    if by == "quarter":
        for u, v, k, data in list(H.edges(keys=True, data=True)):
            kept = [i for i in data["evidence"] if _label(i.get("date"), by) == label]
            if kept:
                data["evidence"], data["count"] = kept, len(kept)
            else:
                H.remove_edge(u, v, k)
        H.remove_nodes_from([n for n in list(H) if H.degree(n) == 0])
    return H


def _score(row: dict, sort: str):
    from kg.analysis.brokerage import ROLES

    roles = ROLES + ("total",)
    if sort in roles:
        return row["gould_fernandez"][sort]
    if sort.endswith("_z") and sort[:-2] in roles:
        return row["gould_fernandez_z"][sort[:-2]]
    return row[sort]


def broker_trend(G: nx.MultiDiGraph, *, by: str = "year", top: int = 5,
                 sort: str = "triple_helix", actors_only: bool = True,
                 period: Period | None = None) -> dict:
    """How the top brokers' scores and ranks change from one period to the next.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection with dated evidence.
    by : {"year", "quarter"}
        The periods: each year (or quarter) with dated statements is
        scored on its own statements (:func:`kg.analysis.period.graph_in_period`).
    top : int
        How many brokers: the top ones on all the dated statements (of
        ``period``) taken together.
    sort : str
        The measure, as for :func:`kg.analysis.brokerage.rank_brokers`.
    actors_only : bool
        Leave out events, roles and projects.
    period : kg.analysis.period.Period, optional
        Only the years or quarters of this period.

    Returns
    -------
    dict
        ``{"by", "measure", "periods", "statements", "brokers",
        "left_out"}``: ``periods`` the labels (``"2021"``, ``"2021-Q3"``),
        ``statements`` how many dated statements each has; ``brokers`` one
        ``{"name", "type", "sector", "scores", "ranks"}`` per broker, a
        score and a rank (1-based, among the period's entities) per period,
        ``None`` where the broker has no statement of that period;
        ``left_out`` the statements dated too coarsely for the periods
        (to the year, for quarters).

    Raises
    ------
    ValueError
        For an unknown ``by`` or ``sort``.

    Examples
    --------
    >>> from kg.analysis.projection import project
    >>> def rel(s, st, o, ot, date):
    ...     return dict(subject=s, subject_type=st, object=o, object_type=ot,
    ...                 predicate="cooperatesWith", date=date)
    >>> G = project([], [rel("甲大学", "University", "乙园区", "Park", "2020"),
    ...                  rel("乙园区", "Park", "丙公司", "Company", "2020"),
    ...                  rel("甲大学", "University", "丁公司", "Company", "2021"),
    ...                  rel("甲大学", "University", "戊局", "Government", "2021")])
    >>> t = broker_trend(G, top=2)
    >>> t["periods"], [(b["name"], b["ranks"]) for b in t["brokers"]]
    (['2020', '2021'], [('乙园区', [1, None]), ('甲大学', [3, 1])])
    """
    from kg.analysis.brokerage import broker_measures, rank_brokers

    if by not in ("year", "quarter"):
        raise ValueError(f"--by takes year or quarter, not {by!r}")
    period = period or Period()
    labels = periods_of(G, by, period)
    dated = graph_in_period(G, period) if period else _dated(G)
    rows = broker_measures(dated) if len(dated) else []
    ranked = rank_brokers(rows, dated, top=top, sort=sort, actors_only=actors_only, bridges=0)
    chosen = [r["name"] for r in ranked]
    brokers = [{"name": r["name"], "type": r["type"], "sector": r["sector"],
                "scores": [], "ranks": []} for r in ranked]
    statements = []
    for label in labels:
        H = _in_slice(G, label, by)
        statements.append(sum(d["count"] for _, _, d in H.edges(data=True)))
        slice_rows = rank_brokers(broker_measures(H), H, top=None, sort=sort,
                                  actors_only=actors_only, bridges=0) if len(H) else []
        place = {r["name"]: (i, r) for i, r in enumerate(slice_rows, 1)}
        for name, b in zip(chosen, brokers):
            rank, row = place.get(name, (None, None))
            b["ranks"].append(rank)
            b["scores"].append(_score(row, sort) if row else None)
    total = sum(d["count"] for _, _, d in dated.edges(data=True))
    return {"by": by, "measure": sort, "periods": labels, "statements": statements,
            "brokers": brokers, "left_out": total - sum(statements)}


def _dated(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``G`` without its undated statements (every dated one is in all time)."""
    return graph_in_period(G, Period("1900", "2099"))


def plot_broker_trend(trend: dict, path: str, *, title: str | None = None) -> None:
    """Draw :func:`broker_trend` as a line chart (one line per broker, its
    score per period; a gap where it has no statement) and save it as PNG.

    Chinese names need a CJK font: the first of the system's fonts that
    covers Chinese is used (Noto Sans CJK, WenQuanYi, Source Han …); without
    one, the names are written in pinyin.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = _cjk_font()
    labels = [b["name"] for b in trend["brokers"]]
    if font is None:
        from kg.analysis.projection import pinyin_of
        labels = [pinyin_of(n) or n for n in labels]
    x = list(range(len(trend["periods"])))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(x) + 3), 4.5), dpi=110)
    for b, label in zip(trend["brokers"], labels):
        ys = [float("nan") if s is None else s for s in b["scores"]]
        ax.plot(x, ys, marker="o", label=label)
    ax.set_xticks(x, trend["periods"])
    ax.set_xlabel(trend["by"])
    ax.set_ylabel(trend["measure"])
    ax.set_title(title or f"Top brokers by {trend['by']} ({trend['measure']})")
    if trend["brokers"]:
        legend = ax.legend(loc="best", fontsize=8)
        if font is not None:
            for text in legend.get_texts():
                text.set_fontproperties(font)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def _cjk_font():
    """A :class:`matplotlib.font_manager.FontProperties` of a font with
    Chinese characters, or ``None``."""
    from matplotlib import font_manager

    wanted = ("Noto Sans CJK", "Noto Serif CJK", "Source Han Sans", "WenQuanYi", "Microsoft YaHei",
              "SimHei", "PingFang", "Heiti", "AR PL", "Droid Sans Fallback")
    for entry in font_manager.fontManager.ttflist:
        if any(entry.name.startswith(w) for w in wanted):
            return font_manager.FontProperties(fname=entry.fname)
    return None
