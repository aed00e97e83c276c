"""``kg report``: one self-contained page (and its PDF) to hand to a director.

Pure parts over plain data — :mod:`kg.report.scoreboard` (per-period
figures), :mod:`kg.report.bursts` (Kleinberg's two-state bursts),
:mod:`kg.report.tracking` (clusters followed across periods) — and the
parts that read a projection and write files.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_report", "curated_statements"]

#: Counts the statements that carry a curation marker (a predicate whose IRI
#: says "curat…"); none exists until the corrections feature does.
CURATED_QUERY = """SELECT (COUNT(*) AS ?n) WHERE {
  ?s ?p ?o FILTER(CONTAINS(LCASE(STR(?p)), "curat")) }"""


def curated_statements(store) -> int:
    """How many statements of ``store`` carry a curation marker.

    >>> import os, tempfile
    >>> from kg.store.backends import open_store
    >>> curated_statements(open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True))
    0
    """
    rows = store.select(CURATED_QUERY, union=True)
    return int(rows[0].get("n", 0)) if rows else 0


def write_report(store, out: str | Path, *, pdf: str | Path | None = None, period=None,
                 by: str = "year", focus=(), on_load=None) -> dict:
    """Write the report of ``store`` (a :class:`kg.store.backends.KGStore`) to
    ``out`` (HTML) and, with ``pdf``, print it there.

    The projection and its scores are the store's saved analysis
    (:func:`kg.analysis.cache.projection`, of ``period`` if given); ``on_load``
    is called with it (the CLI says what it cost).  Names in ``focus`` are
    resolved as ``kg show`` resolves them (raising its errors).

    Returns
    -------
    dict
        ``{"periods", "brokers", "statements", "html", "pdf"}``: what was written.

    Examples
    --------
    >>> import os, tempfile
    >>> from kg.store.backends import open_store
    >>> folder = tempfile.mkdtemp()
    >>> store = open_store(os.path.join(folder, "s"), create=True)
    >>> done = write_report(store, os.path.join(folder, "r.html"))
    >>> done["periods"], done["statements"], os.path.getsize(done["html"]) > 1000
    ([], 0, True)
    """
    # imported here, so that the pure parts (bursts, tracking, scoreboard)
    # import without the graph and chart libraries
    from kg.analysis.cache import projection
    from kg.report.content import quality_figures, report_data
    from kg.report.page import render

    result = projection(store, period=period)
    if on_load:
        on_load(result)
    data = report_data(result.graph, broker_rows=result.ranked_brokers(),
                       cluster_result=result.cluster_result(), by=by, period=period,
                       focus=focus, quality=quality_figures(), curated=curated_statements(store))
    Path(out).write_text(render(data, title="University–industry–government collaboration",
                                source=f"{len(store.doc_ids())} documents"), encoding="utf-8")
    if pdf:
        from kg.report.pdf import print_pdf

        print_pdf(out, pdf)
    return {"periods": data["periods"], "brokers": len(data["brokers"]["rows"]),
            "statements": data["totals"]["statements"], "html": str(out),
            "pdf": str(pdf) if pdf else None}
