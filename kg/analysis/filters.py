"""Which part of the graph a question looks at: a period, entity types and
predicates, parsed once from what a user gave.

``kg serve`` passes the same :class:`GraphFilter` to every answer: one
parser validates the parameters (an unknown type or a date that is no date
is a one-line error, not an empty picture).  The period (``since``,
``until``: :class:`kg.analysis.period.Period`) chooses which statements are read —
the server answers from that period's analysis (:func:`kg.analysis.cache.analysis`
with ``period``, saved apart), as the CLI's ``--since``/``--until`` do; the
types and predicates then narrow what is drawn and searched
(:meth:`GraphFilter.apply`: a read-only view, nothing copied).

A new criterion is one more field: its parameter read in
:meth:`GraphFilter.from_params`, its test in :meth:`GraphFilter.keeps_node`
or :meth:`GraphFilter.keeps_edge`.

Example
-------
>>> from kg.analysis.projection import project
>>> r = {"subject": "西安交通大学", "predicate": "builds", "object": "研究院",
...      "subject_type": "University", "object_type": "Platform",
...      "doc": "a.txt", "evidence": "西安交通大学共建研究院"}
>>> G = project([], [r])
>>> f = GraphFilter.from_params({"types": "University,Platform", "predicates": ""})
>>> sorted(f.apply(G)), GraphFilter.from_params({"types": "University"}).apply(G).number_of_edges()
(['研究院', '西安交通大学'], 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import networkx as nx

from kg.records import ENTITY_TYPES, PREDICATES

__all__ = ["GraphFilter", "FilterError"]


class FilterError(ValueError):
    """A filter parameter that names nothing: the message says what is known."""


def _names(value, known: tuple[str, ...], what: str) -> frozenset | None:
    """``"A,B"`` or ``["A", "B"]`` → ``frozenset`` of known names (case
    insensitive); ``None`` or empty → ``None`` (no filter)."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    items = [i.strip() for part in items for i in str(part).split(",") if i.strip()]
    if not items:
        return None
    by_fold = {k.casefold(): k for k in known}
    unknown = [i for i in items if i.casefold() not in by_fold]
    if unknown:
        raise FilterError(f"unknown {what} {', '.join(map(repr, unknown))}: "
                          f"give some of {', '.join(known)}")
    return frozenset(by_fold[i.casefold()] for i in items)


@dataclass(frozen=True)
class GraphFilter:
    """Entity types and predicates to keep (``None``: all of them), and the
    period whose statements are read (``since``, ``until``: normalised date
    strings, ``None``: open).

    Frozen and hashable, so an answer computed on a filtered graph can be
    cached under its filter.
    """

    types: frozenset | None = None
    predicates: frozenset | None = None
    since: str | None = None
    until: str | None = None

    @classmethod
    def from_params(cls, params: Mapping) -> "GraphFilter":
        """The filter of query parameters ``types`` and ``predicates``
        (comma-separated, or repeated), ``since`` and ``until`` (``YYYY``,
        ``YYYY-MM`` or ``YYYY-MM-DD``); raises :class:`FilterError` for a
        name that is no entity type or predicate, or a date that is none.

        >>> GraphFilter.from_params({"predicates": "builds, signswith"}).predicates == {"builds", "signsWith"}
        True
        >>> GraphFilter.from_params({"since": "2021", "until": "2022-6"}).period
        Period(since='2021', until='2022-06')
        """
        getlist = getattr(params, "getlist", None)

        def get(key):
            if getlist is not None:
                values = getlist(key)
                return values or None
            return params.get(key)

        from kg.analysis.period import Period

        def one(key):
            value = get(key)
            value = value[0] if isinstance(value, list) else value
            return value.strip() if value and value.strip() else None

        try:
            period = Period.parse(one("since"), one("until"))
        except ValueError as exc:
            raise FilterError(f"period: {exc}") from None
        return cls(types=_names(get("types"), ENTITY_TYPES, "entity type"),
                   predicates=_names(get("predicates"), PREDICATES, "predicate"),
                   since=period.since, until=period.until)

    @property
    def period(self):
        """The :class:`kg.analysis.period.Period` of ``since`` and ``until``
        (empty: all time)."""
        from kg.analysis.period import Period

        return Period(self.since, self.until)

    @property
    def active(self) -> bool:
        """Whether a type or a predicate is filtered out (the period is
        applied by choosing the period's analysis, not here)."""
        return self.types is not None or self.predicates is not None

    def keeps_node(self, data: Mapping) -> bool:
        """Whether an entity with node attributes ``data`` is kept."""
        return self.types is None or data.get("type") in self.types

    def keeps_edge(self, key: str, data: Mapping) -> bool:
        """Whether a relation (edge ``key`` = predicate, attributes ``data``) is kept."""
        return self.predicates is None or (data.get("predicate") or key) in self.predicates

    def apply(self, G: nx.MultiDiGraph) -> nx.MultiDiGraph:
        """``G`` itself when nothing is filtered, else a read-only view of
        the kept entities and relations."""
        if not self.active:
            return G
        nodes = G.nodes
        return nx.subgraph_view(
            G, filter_node=lambda n: self.keeps_node(nodes[n]),
            filter_edge=lambda u, v, k: self.keeps_edge(k, G[u][v][k]))

    def params(self) -> dict:
        """The query parameters that give this filter back."""
        out = {}
        if self.types is not None:
            out["types"] = ",".join(sorted(self.types))
        if self.predicates is not None:
            out["predicates"] = ",".join(sorted(self.predicates))
        out.update({k: v for k, v in (("since", self.since), ("until", self.until)) if v})
        return out
