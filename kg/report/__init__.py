"""``kg report``: one self-contained page (and its PDF) to hand to a director.

Pure parts over plain data — :mod:`kg.report.scoreboard` (per-period
figures), :mod:`kg.report.bursts` (Kleinberg's two-state bursts),
:mod:`kg.report.tracking` (clusters followed across periods) — and the
parts that read a projection and write files.
"""
