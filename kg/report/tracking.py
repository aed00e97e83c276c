"""Clusters followed across periods, with stable ids.

Each period is clustered on its own statements; :func:`track` links a
cluster of one period to the clusters of the next that share enough of its
members (at least ``threshold`` of the smaller of the two, and at least
one), as CiteSpace follows its clusters through time slices.  A cluster
keeps its id in the cluster of the next period that takes most of its
members; then, per cluster of a period:

* ``new`` — linked to no cluster of the period before;
* ``merge`` — linked to two or more clusters of the period before;
* ``split`` — its one predecessor is linked to two or more clusters now;
* ``grow`` / ``shrink`` / ``stable`` — its one predecessor continues in it,
  with more, fewer or as many members;

and a cluster of the period before whose id does not continue has
``faded`` (``into`` the clusters it is linked to, if any: it merged).

Examples
--------
>>> t = track([[{"甲", "乙", "丙"}], [{"甲", "乙"}, {"丙", "丁"}]], ["2020", "2021"],
...           threshold=0.5)
>>> [(c["id"], c["event"], c["from"]) for c in t["periods"][1]["clusters"]]
[('C1', 'split', ['C1']), ('C2', 'split', ['C1'])]
"""

from __future__ import annotations

__all__ = ["track"]


def track(partitions: list[list[set]], labels: list[str], *, threshold: float = 0.3) -> dict:
    """Follow the clusters of consecutive periods.

    Parameters
    ----------
    partitions : list of list of set
        Per period, its clusters (sets of members), largest first.
    labels : list of str
        The periods' names.
    threshold : float
        The share of the smaller cluster two clusters must have in common
        to be linked.

    Returns
    -------
    dict
        ``{"periods": [{"label", "clusters": [{"id", "size", "members",
        "event", "from"}], "faded": [{"id", "into"}]}], "sizes": {id:
        [size or None per period]}}``; ``members`` sorted, ``from`` the ids
        of the linked clusters of the period before.

    Examples
    --------
    >>> t = track([[{1, 2}, {3, 4}], [{1, 2, 3, 4, 5}], []], ["a", "b", "c"])
    >>> t["periods"][1]["clusters"][0]["event"], t["periods"][1]["faded"]
    ('merge', [{'id': 'C2', 'into': ['C1']}])
    >>> t["periods"][2]["faded"], t["sizes"]["C1"]
    ([{'id': 'C1', 'into': []}], [2, 5, None])
    """
    if len(partitions) != len(labels):
        raise ValueError(f"{len(partitions)} partitions for {len(labels)} periods")
    next_id = 1
    out, prev, prev_ids = [], [], []
    sizes: dict[str, list] = {}
    for t, (parts, label) in enumerate(zip(partitions, labels)):
        links = [(len(a & b), i, j) for i, a in enumerate(prev) for j, b in enumerate(parts)
                 if a & b and len(a & b) >= threshold * min(len(a), len(b))]
        ids: list[str | None] = [None] * len(parts)
        taken = set()
        for _, i, j in sorted(links, key=lambda x: (-x[0], x[1], x[2])):
            if ids[j] is None and i not in taken:
                ids[j], taken = prev_ids[i], taken | {i}
        for j in range(len(parts)):
            if ids[j] is None:
                ids[j], next_id = f"C{next_id}", next_id + 1
        rows = []
        for j, part in enumerate(parts):
            sources = sorted({i for _, i, jj in links if jj == j})
            event = _event(sources, links, prev, part, ids[j], prev_ids)
            rows.append({"id": ids[j], "size": len(part), "members": sorted(part, key=str),
                         "event": event, "from": [prev_ids[i] for i in sources]})
        faded = [{"id": prev_ids[i], "into": [ids[j] for _, ii, j in links if ii == i]}
                 for i in range(len(prev)) if i not in taken]
        for j, cid in enumerate(ids):
            sizes.setdefault(cid, [None] * len(labels))[t] = len(parts[j])
        out.append({"label": label, "clusters": rows, "faded": faded})
        prev, prev_ids = [set(p) for p in parts], ids
    return {"periods": out, "sizes": sizes}


def _event(sources, links, prev, part, cid, prev_ids) -> str:
    """The event of the cluster ``part`` (id ``cid``) linked to the clusters
    ``sources`` of the period before."""
    if not sources:
        return "new"
    if len(sources) > 1:
        return "merge"
    i = sources[0]
    if sum(1 for _, ii, _ in links if ii == i) > 1:
        return "split"
    if prev_ids[i] != cid:
        return "new"
    return ("grow" if len(part) > len(prev[i]) else
            "shrink" if len(part) < len(prev[i]) else "stable")
