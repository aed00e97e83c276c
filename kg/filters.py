"""Which part of the graph a question looks at: filters by entity type and
predicate, parsed once from what a user gave and applied to a projection.

``kg serve`` passes the same :class:`GraphFilter` to every answer it draws
(an entity's neighbourhood, "who connects"): one parser validates the
parameters (an unknown type is a one-line error, not an empty picture) and
one method gives the filtered graph, a read-only view of the projection, so
nothing is copied.

A new criterion is one more field: its parameter read in
:meth:`GraphFilter.from_params`, its test in :meth:`GraphFilter.keeps_node`
or :meth:`GraphFilter.keeps_edge`.  A period (``since``/``until``, once the
evidence carries dates) is an edge test on the evidence of each relation.

Example
-------
>>> from kg.graph import project
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
    """Entity types and predicates to keep (``None``: all of them).

    Frozen and hashable, so an answer computed on a filtered graph can be
    cached under its filter.
    """

    types: frozenset | None = None
    predicates: frozenset | None = None

    @classmethod
    def from_params(cls, params: Mapping) -> "GraphFilter":
        """The filter of query parameters ``types`` and ``predicates``
        (comma-separated, or repeated); raises :class:`FilterError` for a
        name that is no entity type or predicate.

        >>> GraphFilter.from_params({"predicates": "builds, signswith"}).predicates == {"builds", "signsWith"}
        True
        """
        getlist = getattr(params, "getlist", None)

        def get(key):
            if getlist is not None:
                values = getlist(key)
                return values or None
            return params.get(key)

        return cls(types=_names(get("types"), ENTITY_TYPES, "entity type"),
                   predicates=_names(get("predicates"), PREDICATES, "predicate"))

    @property
    def active(self) -> bool:
        """Whether anything is filtered out."""
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
        return out
