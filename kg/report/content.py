"""What the report says, as plain data: read from a projection through the
library's own functions (:mod:`kg.analysis.brokerage`, :mod:`kg.analysis.clusters`,
:mod:`kg.analysis.timeline`, :mod:`kg.analysis.paths`), every figure carrying the
statements and entities it rests on (:class:`Refs`).

Examples
--------
>>> from kg.analysis.projection import project
>>> def rel(s, st, o, ot, p, date):
...     return dict(subject=s, subject_type=st, object=o, object_type=ot, predicate=p,
...                 date=date, doc="a.txt", evidence=f"{s}与{o}", start=len(date))
>>> G = project([], [rel("甲大学", "University", "乙公司", "Company", "signsWith", "2020"),
...                  rel("甲大学", "University", "丙局", "Government", "supports", "2021")])
>>> data = report_data(G, broker_rows=[], cluster_result={"clusters": []})
>>> data["periods"], data["focus"][0]["name"], len(data["refs"].evidence)
(['2020', '2021'], '甲大学', 2)
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx

import kg

from kg.analysis.brokerage import NON_ACTOR_SECTORS, ROLES, broker_measures, rank_brokers
from kg.analysis.clusters import clusters
from kg.analysis.paths import resolve
from kg.analysis.period import Period
from kg.report.bursts import bursts
from kg.report.scoreboard import scoreboard
from kg.report.tracking import track
from kg.analysis.timeline import _in_slice, _label, periods_of, timeline

__all__ = ["Refs", "report_data", "quality_figures", "ORGANISATIONS"]

#: The sectors whose entities count as organisations for bursts.
ORGANISATIONS = ("university", "industry", "government", "intermediary")


class Refs:
    """Ids for the statements, entities and lists a page links to.

    >>> r = Refs()
    >>> r.statement("甲", "builds", "乙", {"doc": "a", "sentence": "甲建乙"}), r.entity("甲")
    ('e1', 'n1')
    >>> r.group("builds, 2021", refs=["e1"])
    'l1'
    """

    def __init__(self):
        self.evidence: dict[tuple, dict] = {}
        self.entities: dict[str, str] = {}
        self.lists: dict[str, dict] = {}

    def statement(self, s, predicate: str, o, item: dict) -> str:
        key = (s, predicate, o, item.get("doc"), item.get("start"), item.get("sentence"))
        if key not in self.evidence:
            self.evidence[key] = {
                "id": f"e{len(self.evidence) + 1}", "subject": s, "predicate": predicate,
                "object": o, "doc": item.get("doc"), "date": item.get("date"),
                "sentence": item.get("sentence")}
        return self.evidence[key]["id"]

    def entity(self, name) -> str:
        return self.entities.setdefault(name, f"n{len(self.entities) + 1}")

    def group(self, title: str, refs=(), actors=()) -> str:
        """A list of statements (``refs``) and entities (``actors``) that
        one number counts."""
        lid = f"l{len(self.lists) + 1}"
        self.lists[lid] = {"title": title, "refs": list(refs),
                           "actors": [self.entity(a) for a in actors]}
        return lid


def _statements(H: nx.MultiDiGraph, label: str, refs: Refs) -> list[dict]:
    """One record per statement of the slice ``H`` (for :func:`scoreboard`)."""
    out = []
    for u, v, k, d in H.edges(keys=True, data=True):
        for item in d.get("evidence") or ():
            out.append({"period": label, "subject": u, "object": v, "predicate": k,
                        "subject_sector": H.nodes[u].get("sector"),
                        "object_sector": H.nodes[v].get("sector"),
                        "ref": refs.statement(u, k, v, item)})
    return out


def _edge_refs(G: nx.MultiDiGraph, a, b, refs: Refs) -> list[str]:
    """The statements of every relation between ``a`` and ``b``, either way."""
    out = []
    for s, o in ((a, b), (b, a)):
        for k, d in (G.get_edge_data(s, o) or {}).items():
            out += [refs.statement(s, k, o, item) for item in d.get("evidence") or ()]
    return out


def _brokers(G, rows, labels, slices, refs, top) -> dict:
    ranked = rank_brokers(rows, G, top=top, bridges=1) if rows else []
    ranks: dict = defaultdict(lambda: [None] * len(labels))
    for t, label in enumerate(labels):
        H = slices[label]
        if not len(H):
            continue
        for i, r in enumerate(rank_brokers(broker_measures(H), H, top=None, bridges=0), 1):
            ranks[r["name"]][t] = i
    out = []
    for rank, r in enumerate(ranked, 1):
        bridge = r["bridges"][0] if r.get("bridges") else None
        example = None
        if bridge and bridge["example"]:
            a, n, c = path = bridge["example"]
            for x in path:
                refs.entity(x)
            example = {"sectors": bridge["sectors"], "pairs": bridge["pairs"], "path": path,
                       "list": refs.group(f"bridge {a} – {n} – {c}",
                                          _edge_refs(G, a, n, refs) + _edge_refs(G, n, c, refs))}
        refs.entity(r["name"])
        out.append({"rank": rank, "name": r["name"], "type": r["type"], "sector": r["sector"],
                    "degree": r["degree"], "triple_helix": r["triple_helix"],
                    "betweenness": r["betweenness"], "constraint": r["constraint"],
                    "roles": {k: r["gould_fernandez"][k] for k in ROLES},
                    "bridge": example, "ranks": ranks[r["name"]] if labels else []})
    return {"rows": out, "roles": list(ROLES)}


def _cluster_row(c: dict, H, refs: Refs) -> dict:
    members = set(c["members"])
    ties = Counter(k for u, v, k in H.edges(keys=True) if u in members and v in members)
    for m in c["central"]:
        refs.entity(m)
    return {"label": c["central"], "size": c["size"],
            "sectors": c["sectors"], "ties": ties.most_common(3),
            "list": refs.group(f"cluster {' / '.join(map(str, c['central']))}",
                               actors=c["members"])}


def _clusters(G, cluster_result, labels, slices, refs, shown) -> dict:
    whole = [_cluster_row(c, G, refs) for c in cluster_result["clusters"]
             if c["size"] >= 3][:shown]
    found = [clusters(slices[label], min_size=3)["clusters"] if len(slices[label]) else []
             for label in labels]
    tracked = track([[set(c["members"]) for c in f] for f in found], labels)
    for period, f in zip(tracked["periods"], found):
        for row, c in zip(period["clusters"], f):
            row.update(_cluster_row(c, slices[period["label"]], refs))
            del row["members"]
    return {"whole": whole, "tracked": tracked}


def _bursts(statements, labels, refs, shown) -> dict:
    totals = Counter(s["period"] for s in statements)
    orgs, ties = defaultdict(Counter), defaultdict(Counter)
    org_refs, tie_refs = defaultdict(list), defaultdict(list)
    for s in statements:
        ends = [(s[e], s[f"{e}_sector"]) for e in ("subject", "object")]
        for name, sector in ends:
            if sector in ORGANISATIONS:
                orgs[name][s["period"]] += 1
                org_refs[name, s["period"]].append(s["ref"])
        if all(sec not in NON_ACTOR_SECTORS for _, sec in ends):
            pair = tuple(sorted((ends[0][0], ends[1][0]), key=str))
            ties[pair][s["period"]] += 1
            tie_refs[pair, s["period"]].append(s["ref"])
    d = [totals[p] for p in labels]

    def found(counts, where, name_of):
        out = []
        for item, by in counts.items():
            for b in bursts([by[p] for p in labels], d):
                span = labels[b["start"]:b["end"] + 1]
                out.append({"item": item, "start": b["start"], "end": b["end"],
                            "from": span[0], "to": span[-1], "weight": round(b["weight"], 2),
                            "count": sum(by[p] for p in span)})
        out.sort(key=lambda x: (-x["weight"], str(x["item"])))
        for x in out[:shown]:           # only the bursts shown are linked
            for name in (x["item"] if isinstance(x["item"], tuple) else (x["item"],)):
                refs.entity(name)
            span = labels[x["start"]:x["end"] + 1]
            x["list"] = refs.group(f"burst of {name_of(x['item'])}, {x['from']}–{x['to']}",
                                   [r for p in span for r in where[x["item"], p]])
        return out[:shown]

    return {"organisations": found(orgs, org_refs, str),
            "ties": found(ties, tie_refs, lambda p: " – ".join(map(str, p)))}


def _focus_names(G, focus, top: int) -> list[str]:
    if focus:
        return [resolve(G, name) for name in focus]
    weight = Counter()
    for u, v, d in G.edges(data=True):
        weight[u] += d.get("count", 1)
        weight[v] += d.get("count", 1)
    unis = [n for n, t in G.nodes(data="type") if t == "University"]
    return sorted(unis, key=lambda n: (-weight[n], str(n)))[:top]


def _focus(G, name, labels, by, period, refs) -> dict:
    refs.entity(name)
    partners: dict[str, list] = defaultdict(list)
    platforms, people = [], []
    edges = [(o, k, d, True) for _, o, k, d in G.out_edges(name, keys=True, data=True)] + \
            [(s, k, d, False) for s, _, k, d in G.in_edges(name, keys=True, data=True)]
    for other, k, d, out in edges:
        s, o = (name, other) if out else (other, name)
        row = {"name": other, "predicate": k, "count": d.get("count", 0),
               "list": refs.group(f"{s} {k} {o}", [refs.statement(s, k, o, i)
                                                   for i in d.get("evidence") or ()])}
        refs.entity(other)
        kind = G.nodes[other].get("type")
        if kind == "Platform":
            platforms.append(row)
        if kind == "Person":
            people.append(dict(row, post=None))
        if kind == "Role":
            for p, _, pk, pd in G.in_edges(other, keys=True, data=True):
                if G.nodes[p].get("type") == "Person":
                    refs.entity(p)
                    people.append({"name": p, "post": other, "predicate": pk,
                                   "count": pd.get("count", 0),
                                   "list": refs.group(f"{p} {pk} {other}", [
                                       refs.statement(p, pk, other, i)
                                       for i in pd.get("evidence") or ()])})
        partners[G.nodes[other].get("sector") or "other"].append(row)
    line = timeline(G, name, period=period)["entries"]
    per = Counter(_label(e["date"], by) for e in line)
    entries = [dict(e, ref=refs.statement(e["subject"], e["predicate"], e["object"], e))
               for e in line]
    return {"name": name, "type": G.nodes[name].get("type"),
            "partners": {k: sorted(v, key=lambda r: (-r["count"], str(r["name"])))
                         for k, v in sorted(partners.items())},
            "platforms": platforms, "people": people,
            "timeline": entries, "per_period": [per[p] for p in labels],
            "undated": sum(1 for e in line if not e["date"])}


def report_data(G: nx.MultiDiGraph, *, broker_rows: list, cluster_result: dict,
                by: str = "year", period: Period | None = None, focus=(),
                top: int = 10, quality: dict | None = None, curated: int = 0) -> dict:
    """Everything :mod:`kg.report.page` shows.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The projection (of the period, if any).
    broker_rows, cluster_result :
        Its saved broker measures (:meth:`kg.analysis.cache.Analysis.ranked_brokers`)
        and clusters (:meth:`kg.analysis.cache.Analysis.cluster_result`).
    by : {"year", "quarter"}
        The periods of the scoreboard, the rank moves, the tracking and the bursts.
    focus : list of str
        Entities to describe (resolved as ``kg show`` does); by default the
        three universities with the most statements.
    top : int
        How many brokers, clusters and bursts.
    quality : dict, optional
        :func:`quality_figures`.
    curated : int
        How many statements carry a curation marker.
    """
    period = period or Period()
    refs = Refs()
    labels = periods_of(G, by, period)
    slices = {label: _in_slice(G, label, by) for label in labels}
    statements = [s for label in labels for s in _statements(slices[label], label, refs)]
    board = scoreboard(statements, labels)
    for row in board:
        for f in row["figures"]:
            f["list"] = refs.group(f"{f['name']}, {row['period']}", f["refs"], f["actors"])
        row["sector_lists"] = {k: (len(v), refs.group(f"{k} actors, {row['period']}", actors=v))
                               for k, v in row["actors_by_sector"].items()}
        row["predicate_lists"] = {k: (len(v), refs.group(f"{k}, {row['period']}", v))
                                  for k, v in row["by_predicate"].items()}
    data = {
        "by": by, "period": str(period), "periods": labels,
        "totals": {"entities": G.number_of_nodes(), "relations": G.number_of_edges(),
                   "statements": sum(d.get("count", 0) for _, _, d in G.edges(data=True)),
                   "dated": len(statements)},
        "scoreboard": board,
        "brokers": _brokers(G, broker_rows, labels, slices, refs, top),
        "clusters": _clusters(G, cluster_result, labels, slices, refs, top),
        "bursts": _bursts(statements, labels, refs, top),
        "focus": [_focus(G, n, labels, by, period, refs) for n in _focus_names(G, focus, 3)],
        "quality": quality or {"source": None, "rows": []},
        "curated": curated,
        "refs": refs,
    }
    data["cards"] = _cards(G, refs)
    return data


def _cards(G, refs: Refs) -> list[dict]:
    """A card for every entity the page names: its statements."""
    out = []
    for name, nid in list(refs.entities.items()):
        if name not in G:
            continue
        ids = [refs.statement(s, k, o, i)
               for s, o, k, d in [*G.out_edges(name, keys=True, data=True),
                                  *G.in_edges(name, keys=True, data=True)]
               for i in d.get("evidence") or ()]
        out.append({"id": nid, "name": name, "type": G.nodes[name].get("type"),
                    "sector": G.nodes[name].get("sector"), "refs": ids})
    return out


def quality_figures(readme: Path | None = None) -> dict:
    """The extraction quality table of README's "Extraction quality"
    section, or, where README is not beside the package, the model's
    training facts from ``kg/models/meta.json``.

    Returns
    -------
    dict
        ``{"source", "rows"}``; ``rows`` ``{"documents", "how", "relations",
        "entities"}`` with P / R / F1 as text, as the table gives them.

    >>> q = quality_figures()
    >>> q["source"].endswith(("README.md, section Extraction quality", "meta.json"))
    True
    """
    readme = readme or Path(kg.__file__).resolve().parents[1] / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        section = text.split("## Extraction quality", 1)[-1].split("\n## ", 1)[0]
        rows = []
        for line in section.splitlines():
            cells = [c.strip().replace("**", "") for c in line.strip().strip("|").split("|")]
            if len(cells) == 4 and re.match(r"\d", cells[2]) and "/" in cells[2]:
                rows.append(dict(zip(("documents", "how", "relations", "entities"), cells)))
        if rows:
            return {"source": f"{readme.name}, section Extraction quality", "rows": rows}
    meta = Path(kg.__file__).resolve().parent / "models" / "meta.json"
    facts = json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}
    return {"source": "kg/models/meta.json", "rows": [],
            "model": facts.get("model"), "documents": facts.get("documents")}
