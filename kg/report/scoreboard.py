"""The scoreboard: per-period counts over plain statement records.

Innovation-studies scoreboards (and CWTS's university–industry indicators)
keep *size-dependent* figures — how many actors, statements, ties — apart
from *size-independent* ones — shares and rates that a small and a large
period can be compared on — and add no composite score.  The input is one
record per statement (an evidence item of a relation), so every figure can
list the statements or actors it counts (``refs``) and a reader can check it.

A *tie* is a relation (subject, predicate, object; a symmetric predicate's
ends in order, :func:`kg.records.statement_key`); it is *new* in a period
when no earlier period states it, *lost* when the period before stated it
and this one does not.  A statement *crosses* the university–industry–
government lines when its two ends are actors of two different of those
three sectors; its share is of all the period's statements, as is the
share of statements between a university and a company (CWTS's
university–industry collaboration share, by statement).

Examples
--------
>>> s = [dict(period="2020", subject="甲大学", object="乙公司", predicate="signsWith",
...           subject_sector="university", object_sector="industry", ref="e1"),
...      dict(period="2021", subject="甲大学", object="丙局", predicate="supports",
...           subject_sector="university", object_sector="government", ref="e2"),
...      dict(period="2021", subject="甲大学", object="丁中心", predicate="builds",
...           subject_sector="university", object_sector="intermediary", ref="e3")]
>>> board = scoreboard(s, ["2020", "2021"])
>>> f = {x["name"]: x["value"] for x in board[1]["figures"]}
>>> f["statements"], f["new ties"], f["lost ties"], f["share crossing U–I–G lines"]
(2, 2, 1, 0.5)
"""

from __future__ import annotations

from collections import defaultdict

from kg.records import statement_key

__all__ = ["scoreboard", "HELIX", "SIZE_DEPENDENT", "SIZE_INDEPENDENT"]

#: The three sectors whose crossings the scoreboard counts.
HELIX = ("university", "industry", "government")

#: The two kinds of figure, shown apart.
SIZE_DEPENDENT, SIZE_INDEPENDENT = "size-dependent", "size-independent"


def scoreboard(statements: list[dict], periods: list[str], *,
               skip_sectors: frozenset = frozenset({"event", "role", "project"})) -> list[dict]:
    """The figures of each period.

    Parameters
    ----------
    statements : list of dict
        ``{"period", "subject", "object", "predicate", "subject_sector",
        "object_sector", "ref"}``; ``ref`` identifies the statement.
    periods : list of str
        The periods, in order (statements of other periods are left out).
    skip_sectors : frozenset
        Sectors whose entities are not actors (not counted by sector).

    Returns
    -------
    list of dict
        Per period ``{"period", "figures", "actors_by_sector",
        "by_predicate"}``: ``figures`` a list of ``{"kind", "name", "value",
        "refs", "actors"}`` (``kind`` :data:`SIZE_DEPENDENT` or
        :data:`SIZE_INDEPENDENT`; ``refs`` the statements a figure counts,
        ``actors`` the actors); ``actors_by_sector`` ``{sector: [actors]}``;
        ``by_predicate`` ``{predicate: [refs]}``.
    """
    by_period: dict[str, list[dict]] = defaultdict(list)
    for s in statements:
        by_period[s["period"]].append(s)
    seen: set = set()
    before: dict = {}
    out = []
    for label in periods:
        rows = by_period.get(label, [])
        ties: dict = defaultdict(list)
        sectors: dict[str, set] = defaultdict(set)
        preds: dict[str, list] = defaultdict(list)
        crossing, ui = [], []
        for s in rows:
            ties[statement_key(s["subject"], s["predicate"], s["object"])].append(s["ref"])
            preds[s["predicate"]].append(s["ref"])
            for end in ("subject", "object"):
                if s[f"{end}_sector"] not in skip_sectors:
                    sectors[s[f"{end}_sector"]].add(s[end])
            a, b = s["subject_sector"], s["object_sector"]
            if a in HELIX and b in HELIX and a != b:
                crossing.append(s["ref"])
                if {a, b} == {"university", "industry"}:
                    ui.append(s["ref"])
        new = [k for k in ties if k not in seen]
        lost = [k for k in before if k not in ties]
        actors = sorted({a for group in sectors.values() for a in group}, key=str)
        refs = [s["ref"] for s in rows]

        def fig(kind, name, value, refs=(), actors=()):
            return {"kind": kind, "name": name, "value": value, "refs": list(refs),
                    "actors": list(actors)}

        figures = [
            fig(SIZE_DEPENDENT, "statements", len(rows), refs),
            fig(SIZE_DEPENDENT, "actors", len(actors), actors=actors),
            fig(SIZE_DEPENDENT, "ties", len(ties), refs),
            fig(SIZE_DEPENDENT, "new ties", len(new), [r for k in new for r in ties[k]]),
            fig(SIZE_DEPENDENT, "lost ties", len(lost), [r for k in lost for r in before[k]]),
            fig(SIZE_DEPENDENT, "statements crossing U–I–G lines", len(crossing), crossing),
            fig(SIZE_INDEPENDENT, "share crossing U–I–G lines",
                _share(len(crossing), len(rows)), crossing),
            fig(SIZE_INDEPENDENT, "share of ties new", _share(len(new), len(ties)),
                [r for k in new for r in ties[k]]),
            fig(SIZE_INDEPENDENT, "share university–industry", _share(len(ui), len(rows)), ui),
        ]
        out.append({"period": label, "figures": figures,
                    "actors_by_sector": {k: sorted(v, key=str) for k, v in sorted(sectors.items())},
                    "by_predicate": dict(sorted(preds.items()))})
        seen.update(ties)
        before = ties
    return out


def _share(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to three places, ``None`` for an empty whole."""
    return round(part / whole, 3) if whole else None
