"""Charts as inline SVG strings (matplotlib), for a page that loads nothing.

Text stays text (``svg.fonttype: none``) in the page's fonts, Chinese in
the first CJK font installed (:func:`kg.analysis.timeline._cjk_font`); ids are
salted so two renderings of the same chart are the same bytes.

Examples
--------
>>> svg = bars(["2020", "2021"], {"university": [3, 4], "industry": [1, 2]}, title="actors")
>>> svg.startswith("<svg") and "</svg>" in svg and "<?xml" not in svg
True
>>> "$x$ &lt;b&gt;" in bars(["$x$ <b>"], {"n": [1]})     # names are text, never markup
True
"""

from __future__ import annotations

import io
import math
import warnings

import matplotlib
from matplotlib.figure import Figure

from kg.analysis.timeline import _cjk_font

__all__ = ["bars", "lines", "spans"]


def _style() -> dict:
    font = _cjk_font()
    family = [font.get_name()] if font is not None else []
    return {"svg.fonttype": "none", "svg.hashsalt": "kg-report", "text.parse_math": False,
            "font.family": family + ["DejaVu Sans", "sans-serif"], "font.size": 9}


def _svg(fig) -> str:
    buf = io.StringIO()
    with warnings.catch_warnings():
        # without a CJK font matplotlib warns of missing glyphs; the text is
        # written as text and the browser draws it in its own CJK font
        warnings.simplefilter("ignore", UserWarning)
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg"):].strip()


def _figure(width: float, height: float):
    fig = Figure(figsize=(width, height), dpi=96)
    return fig, fig.add_subplot()


def bars(categories: list[str], series: dict[str, list[float]], *, title: str = "",
         ylabel: str = "", stacked: bool = True) -> str:
    """A bar chart, one bar (stacked by series) or one group per category.

    >>> "<svg" in bars(["a"], {"x": [1]})
    True
    """
    with matplotlib.rc_context(_style()):
        fig, ax = _figure(max(4.0, 0.5 * len(categories) + 2.5), 2.6)
        x = list(range(len(categories)))
        bottom = [0.0] * len(categories)
        width = 0.8 if stacked else 0.8 / max(1, len(series))
        for i, (name, values) in enumerate(series.items()):
            vals = [v or 0 for v in values]
            pos = x if stacked else [p - 0.4 + width * (i + 0.5) for p in x]
            ax.bar(pos, vals, width, bottom=bottom if stacked else None, label=name)
            if stacked:
                bottom = [b + v for b, v in zip(bottom, vals)]
        ax.set_xticks(x, categories, rotation=30 if len(categories) > 6 else 0)
        _finish(ax, title, ylabel, len(series) > 1)
        return _svg(fig)


def lines(xlabels: list[str], series: dict[str, list[float | None]], *, title: str = "",
          ylabel: str = "", invert: bool = False) -> str:
    """A line chart, one line per series, a gap where a value is ``None``;
    ``invert`` puts small values on top (ranks).

    >>> "<svg" in lines(["a", "b"], {"x": [1, None]}, invert=True)
    True
    """
    with matplotlib.rc_context(_style()):
        fig, ax = _figure(max(4.0, 0.6 * len(xlabels) + 3), 2.8)
        x = list(range(len(xlabels)))
        for name, values in series.items():
            ax.plot(x, [math.nan if v is None else v for v in values], marker="o", label=name)
        ax.set_xticks(x, xlabels)
        if invert:
            ax.invert_yaxis()
        _finish(ax, title, ylabel, bool(series))
        return _svg(fig)


def spans(xlabels: list[str], rows: list[tuple[str, list[tuple[int, int]]]], *,
          title: str = "") -> str:
    """One horizontal bar per (start, end) period span (both included), a
    row per item (bursts over time).

    >>> "<svg" in spans(["2020", "2021"], [("甲", [(0, 1)])])
    True
    """
    with matplotlib.rc_context(_style()):
        fig, ax = _figure(max(4.0, 0.6 * len(xlabels) + 3), 0.3 * len(rows) + 1.2)
        for y, (_, intervals) in enumerate(rows):
            ax.broken_barh([(a - 0.4, b - a + 0.8) for a, b in intervals], (y - 0.35, 0.7),
                           color="#c0392b")
        ax.set_yticks(range(len(rows)), [name for name, _ in rows])
        ax.set_xticks(range(len(xlabels)), xlabels)
        ax.set_xlim(-0.6, len(xlabels) - 0.4)
        ax.invert_yaxis()
        _finish(ax, title, "", False)
        return _svg(fig)


def _finish(ax, title: str, ylabel: str, legend: bool) -> None:
    if title:
        ax.set_title(title)
    if ylabel:
        ax.set_ylabel(ylabel)
    if legend:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.grid(alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
