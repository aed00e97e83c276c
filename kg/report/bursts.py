"""Bursts: Kleinberg's two-state automaton over per-period counts.

CiteSpace's "burst detection" of terms, authors and institutions is
Kleinberg's (2002) model for a stream that arrives in batches: in period
``t`` there are ``d[t]`` statements, ``r[t]`` of them about the item (an
organisation, a tie).  A hidden automaton is in a base state, where an
item's share is its overall share ``p0 = Σr / Σd``, or in a burst state,
where it is ``s · p0``; entering the burst state costs ``γ · ln n`` (``n``
periods), leaving it is free.  The cheapest state sequence (Viterbi) marks
the bursts; a burst's *weight* is how much better the burst state explains
its periods than the base state (the log-likelihood gained).

Examples
--------
>>> [(b["start"], b["end"]) for b in bursts([1, 1, 8, 9, 1], [20] * 5)]
[(2, 3)]
>>> bursts([2, 2, 2], [10, 10, 10])
[]
"""

from __future__ import annotations

import math

__all__ = ["states", "bursts"]


def _cost(r: int, d: int, p: float) -> float:
    """Minus the log-likelihood of ``r`` of ``d`` at rate ``p`` (the binomial
    coefficient, the same in both states, left out)."""
    if d == 0:
        return 0.0
    return -(r * math.log(p) + (d - r) * math.log(1 - p))


def states(counts: list[int], totals: list[int], *, s: float = 2.0,
           gamma: float = 1.0) -> list[int]:
    """The cheapest state (0 base, 1 burst) of each period.

    Parameters
    ----------
    counts, totals : list of int
        ``r[t]`` and ``d[t]`` per period, ``0 <= r[t] <= d[t]``.
    s : float
        The burst state's rate as a multiple of the base rate (> 1; capped
        below 1).
    gamma : float
        The cost of entering a burst, in units of ``ln n``.

    Examples
    --------
    >>> states([0, 5, 0], [10, 10, 10], gamma=0.5)
    [0, 1, 0]
    """
    if len(counts) != len(totals):
        raise ValueError(f"{len(counts)} counts for {len(totals)} totals")
    if any(r < 0 or r > d for r, d in zip(counts, totals)):
        raise ValueError("each count must lie between 0 and its period's total")
    n, R, D = len(counts), sum(counts), sum(totals)
    if n == 0 or R == 0 or R == D:
        return [0] * n
    p = (R / D, min(s * R / D, 1 - 1e-9))
    enter = gamma * math.log(n)
    # Viterbi from the base state: entering the burst state costs, leaving is free
    best = [0.0, enter]
    back: list[list[int]] = []
    for r, d in zip(counts, totals):
        to0 = min((best[0], 0), (best[1], 1))
        to1 = min((best[1], 1), (best[0] + enter, 0))
        back.append([to0[1], to1[1]])
        best = [to0[0] + _cost(r, d, p[0]), to1[0] + _cost(r, d, p[1])]
    state = 0 if best[0] <= best[1] else 1
    out = [state]
    for step in reversed(back[1:]):
        state = step[state]
        out.append(state)
    return out[::-1]


def bursts(counts: list[int], totals: list[int], *, s: float = 2.0,
           gamma: float = 1.0) -> list[dict]:
    """The bursts of one item: maximal runs of the burst state.

    Returns
    -------
    list of dict
        ``{"start", "end", "weight"}`` (period indexes, both included; the
        log-likelihood the burst state gains over its periods), in order.
    """
    seq = states(counts, totals, s=s, gamma=gamma)
    R, D = sum(counts), sum(totals)
    out: list[dict] = []
    for t, state in enumerate(seq):
        if not state:
            continue
        p0, p1 = R / D, min(s * R / D, 1 - 1e-9)
        gain = _cost(counts[t], totals[t], p0) - _cost(counts[t], totals[t], p1)
        if out and out[-1]["end"] == t - 1:
            out[-1]["end"] = t
            out[-1]["weight"] += gain
        else:
            out.append({"start": t, "end": t, "weight": gain})
    return out
