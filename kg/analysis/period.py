"""Reading the graph by period: the statements dated between two dates.

Every statement (an evidence item of a relation) has the date its sentence,
its paragraph or its document gives (:mod:`kg.extraction.dates`), at the
precision it was given: a day, a month or a year.  A :class:`Period` keeps
the statements whose date can fall in it — whose span (a whole year for
``2021``) overlaps the period — and leaves out the undated ones.
:func:`graph_in_period` applies it to a projection (:func:`kg.analysis.projection.project`),
so brokers, clusters, paths and cards are computed on that period's
statements; :func:`period_stats` counts them.

Examples
--------
>>> p = Period.parse("2021", "2022-06")
>>> p.contains("2021-03-04"), p.contains("2022"), p.contains("2022-07"), p.contains(None)
(True, True, False, False)
>>> str(p)
'2021 – 2022-06'
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.records import statement_key

if TYPE_CHECKING:       # networkx is imported where a graph is made: `kg stats`
    import networkx as nx   # and every other command parse a period without it

__all__ = ["Period", "graph_in_period", "period_stats", "evidence_in_period"]


@dataclass(frozen=True)
class Period:
    """From ``since`` to ``until`` (date strings, both included, either
    open); ``Period()`` is all time."""

    since: str | None = None
    until: str | None = None

    @classmethod
    def parse(cls, since: str | None = None, until: str | None = None) -> "Period":
        """A period from what a user typed: ``YYYY``, ``YYYY-MM`` or
        ``YYYY-MM-DD``.  Raises ``ValueError`` (one line) for anything else
        or for a period that ends before it starts.

        >>> Period.parse("2024-9")
        Period(since='2024-09', until=None)
        >>> Period.parse("2023", "2021")
        Traceback (most recent call last):
        ...
        ValueError: the period ends (2021) before it starts (2023)
        """
        if not since and not until:
            return cls()
        from kg.extraction.dates import date_range, parse_date

        since = parse_date(since) if since else None
        until = parse_date(until) if until else None
        if since and until and date_range(until)[1] < date_range(since)[0]:
            raise ValueError(f"the period ends ({until}) before it starts ({since})")
        return cls(since, until)

    def __bool__(self) -> bool:
        return bool(self.since or self.until)

    def __str__(self) -> str:
        if self.since and self.until:
            return self.since if self.since == self.until else f"{self.since} – {self.until}"
        if self.since:
            return f"since {self.since}"
        if self.until:
            return f"until {self.until}"
        return "all time"

    @property
    def key(self) -> str:
        """A file-name-safe key (for saved analyses)."""
        return f"{self.since or ''}_{self.until or ''}"

    def contains(self, date: str | None) -> bool:
        """Whether a statement of ``date`` (any precision) can fall in the
        period; an undated statement is in all time only."""
        if not self:
            return True
        if not date:
            return False
        from kg.extraction.dates import date_range

        first, last = date_range(date)
        if self.since and last < date_range(self.since)[0]:
            return False
        if self.until and first > date_range(self.until)[1]:
            return False
        return True


def evidence_in_period(evidence, period: Period) -> list[dict]:
    """The evidence items (dicts with ``date``) of ``period``."""
    return [item for item in evidence or () if period.contains(item.get("date"))]


def graph_in_period(G: nx.MultiDiGraph, period: Period) -> nx.MultiDiGraph:
    """The projection restricted to the statements of ``period``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.analysis.projection.project`), its evidence dated.
    period : Period

    Returns
    -------
    networkx.MultiDiGraph
        A new graph: each relation keeps its evidence of the period (and its
        ``count`` becomes their number); a relation without any goes, and
        so does an entity left without relations.  Node attributes are
        copied, ``docs`` reduced to the documents of the kept evidence.
        All time (an empty period) returns ``G`` itself.

    Examples
    --------
    >>> from kg.analysis.projection import project
    >>> rel = dict(subject_type="University", object_type="Company", predicate="signsWith")
    >>> G = project([], [dict(rel, subject="甲", object="乙", date="2019", doc="a"),
    ...                  dict(rel, subject="甲", object="丙", date="2023-05-01", doc="b")])
    >>> sorted(graph_in_period(G, Period.parse("2020")).nodes)
    ['丙', '甲']
    """
    if not period:
        return G
    import networkx as nx

    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    docs: dict = {}
    for u, v, key, data in G.edges(keys=True, data=True):
        kept = evidence_in_period(data.get("evidence"), period)
        if not kept:
            continue
        attrs = dict(data, evidence=kept, count=len(kept))
        for node in (u, v):
            if node not in H:
                H.add_node(node, **G.nodes[node])
            docs.setdefault(node, set()).update(i.get("doc") for i in kept if i.get("doc"))
        H.add_edge(u, v, key=key, **attrs)
    for node, names in docs.items():
        H.nodes[node]["docs"] = sorted(names)
    return H


def period_stats(documents: list[dict], relations: list[dict], period: Period) -> dict:
    """The counts of ``kg stats`` for the statements of ``period``.

    Parameters
    ----------
    documents, relations : list of dict
        Records as :meth:`kg.store.backends.KGStore.documents` and
        :meth:`kg.store.backends.KGStore.relations` return them.
    period : Period

    Returns
    -------
    dict
        The keys of :meth:`kg.store.backends.KGStore.stats` (but ``quads``, which
        the caller adds: the store's, a period has statements, not quads of
        its own) and ``period``: ``documents`` dated in the period
        (``documents_by_year``; ``undated`` is 0, undated documents are in
        no period), ``entities`` the ends of the period's relations,
        ``relations`` its distinct triples, ``evidence`` its statements.

    Examples
    --------
    >>> docs = [{"doc": "a", "date": "2021-03-01"}, {"doc": "b", "date": None}]
    >>> rels = [{"subject": "甲", "subject_type": "University", "predicate": "builds",
    ...          "object": "乙", "object_type": "Platform", "date": "2021"}]
    >>> s = period_stats(docs, rels, Period.parse("2021"))
    >>> s["documents"], s["relations"], s["entities_by_type"]
    (1, 1, {'Platform': 1, 'University': 1})
    """
    dated = [d for d in documents if period.contains(d.get("date"))]
    kept = [r for r in relations if period.contains(r.get("date"))]
    triples = set()
    for r in kept:
        triples.add(statement_key((r["subject"], r["subject_type"]), r["predicate"],
                                  (r["object"], r["object_type"])))
    entities = {end for s, _, o in triples for end in (s, o)}
    by_type = Counter(t for _, t in entities)
    by_predicate = Counter(p for _, p, _ in triples)
    years = Counter(d["date"][:4] for d in dated if d.get("date"))
    return {"documents": len(dated),
            "documents_by_year": dict(sorted(years.items())),
            "undated": sum(1 for d in dated if not d.get("date")),
            "entities": len(entities),
            "entities_by_type": dict(sorted(by_type.items())),
            "relations": len(triples),
            "relations_by_predicate": dict(sorted(by_predicate.items())),
            "evidence": len(kept),
            "period": {"since": period.since, "until": period.until}}
