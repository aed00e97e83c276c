"""The report as one self-contained HTML page.

Nothing is loaded from elsewhere: the CSS is inline, the charts are inline
SVG (:mod:`kg.report.charts`), and there is no script.  Every entity links
to its card and every number to the list of statements or entities it
counts, in the appendix; each statement there gives its document, date and
sentence.  Printed (``@media print``), each section starts a page of A4.

Examples
--------
>>> from kg.analysis.projection import project
>>> from kg.report.content import report_data
>>> r = dict(subject="甲大学", subject_type="University", object="乙公司",
...          object_type="Company", predicate="signsWith", date="2021",
...          doc="a.txt", evidence="甲大学与乙公司签约")
>>> page = render(report_data(project([], [r]), broker_rows=[],
...                           cluster_result={"clusters": []}), title="Report")
>>> page.startswith("<!DOCTYPE html>"), "甲大学与乙公司签约" in page
(True, True)
>>> any(tag in page for tag in ("<script", "<link", "<img", "src="))
False
"""

from __future__ import annotations

from html import escape

from kg.report import charts
from kg.report.scoreboard import SIZE_DEPENDENT, SIZE_INDEPENDENT

__all__ = ["render", "SECTIONS"]

#: The sections of the page, in order: (id, heading).
SECTIONS = (("scoreboard", "Scoreboard"), ("brokers", "Brokers"), ("clusters", "Clusters"),
            ("bursts", "Bursts"), ("focus", "Focus entities"), ("quality", "Extraction quality"))

CSS = """
body{font:13px/1.45 "DejaVu Sans","WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;
 color:#222;max-width:1100px;margin:0 auto;padding:1em 1.5em}
h1{font-size:22px;margin:.2em 0}h2{font-size:18px;border-bottom:2px solid #345;
 padding-bottom:.2em;margin-top:1.6em}h3{font-size:15px;margin:1.1em 0 .3em}
h4{font-size:13px;margin:.6em 0 .2em}
table{border-collapse:collapse;margin:.4em 0 .8em;font-size:12px}
th,td{border:1px solid #ccd;padding:2px 6px;vertical-align:top}
th{background:#eef1f5;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
a{color:#1a4f8b;text-decoration:none}a:hover{text-decoration:underline}
.note{color:#555;font-size:12px}.kind{background:#f6f6f0;font-weight:bold}
figure.chart{margin:.4em 0;max-width:100%}figure.chart svg{max-width:100%;height:auto}
table.brokers td:last-child{min-width:16em}
.appendix{font-size:11px}.appendix li{margin:.15em 0}.appendix .list,.appendix .card{margin:.3em 0}
.summary{background:#f3f6fa;border-left:4px solid #345;padding:.2em 1em;margin:1em 0}
.summary h2{border:0;margin:.4em 0;font-size:16px}ol.evidence{list-style:none;padding-left:0}q{color:#333}cite{color:#777;font-style:normal}
@page{size:A4;margin:14mm}
@media print{body{max-width:none;padding:0}table{font-size:9px}th{overflow-wrap:anywhere}
 section{break-before:page}.appendix{font-size:8px}.cols{columns:2;column-gap:1.5em}
 .appendix h4{font-size:9px;margin:.3em 0 0}.appendix li{margin:0}
 section:first-of-type{break-before:auto}tr,li,figure{break-inside:avoid}a{color:#222}}
"""


def _num(x) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.3f}".rstrip("0").rstrip(".") if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def _a(target: str, text) -> str:
    return f'<a href="#{escape(target)}">{escape(str(text))}</a>'


def _ref_links(refs: list[str]) -> str:
    """Links to statements ``e1 e2 …``, a run of three or more consecutive
    ones as its first and last (the statements appendix is in id order).

    >>> _ref_links(["e1", "e2", "e3", "e7"]).count("<a ")
    3
    """
    nums = [int(r[1:]) for r in refs]
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        if j - i >= 2:
            out.append(f"{_a(refs[i], refs[i])}–{_a(refs[j], refs[j])}")
        else:
            out.extend(_a(r, r) for r in refs[i:j + 1])
        i = j + 1
    return " ".join(out)


class _Page:
    #: How many clusters of each period are listed (the largest).
    SHOWN = 6

    def __init__(self, data: dict):
        self.data = data
        self.refs = data["refs"]

    def ent(self, name) -> str:
        nid = self.refs.entity(name)
        return f'<a class="ent" href="#{nid}">{escape(str(name))}</a>'

    def count(self, value, lid: str | None) -> str:
        return f'<td class="n">{_a(lid, _num(value)) if lid else _num(value)}</td>'

    def chart(self, svg: str) -> str:
        return f'<figure class="chart">{svg}</figure>'

    def summary(self) -> str:
        """Five lines for the reader in a hurry, each number linked as in its section."""
        d, items = self.data, []
        board = d["scoreboard"]
        if board:
            last = {f["name"]: f for f in board[-1]["figures"]}
            prev = {f["name"]: f for f in board[-2]["figures"]} if len(board) > 1 else {}

            def fig(name):
                f = last[name]
                was = (f' ({escape(board[-2]["period"])}: '
                       f'{_a(prev[name]["list"], _num(prev[name]["value"]))})' if prev else "")
                return f'{_a(f["list"], _num(f["value"]))}{was}'

            items.append(f'In {escape(board[-1]["period"])}: {fig("statements")} statements, '
                         f'{fig("actors")} actors, {fig("new ties")} new ties; share crossing '
                         "university–industry–government lines "
                         f'{fig("share crossing U–I–G lines")}.')
        rows = d["brokers"]["rows"][:3]
        if rows:
            items.append("Top brokers: " + ", ".join(
                f'{self.ent(r["name"])} ({escape(str(r["sector"]))})' for r in rows) + ".")
        found = d["bursts"]["organisations"][:3]
        if found:
            items.append("Strongest bursts: " + ", ".join(
                f'{self.ent(b["item"])} {escape(b["from"])}'
                + (f'–{escape(b["to"])}' if b["to"] != b["from"] else "")
                + f' ({_a(b["list"], b["count"])} statements)' for b in found) + ".")
        whole = d["clusters"]["whole"][:1]
        if whole:
            items.append("Largest cluster: " + " / ".join(self.ent(m) for m in whole[0]["label"])
                         + f' ({_a(whole[0]["list"], whole[0]["size"])} members).')
        return ('<div class="summary"><h2>In five minutes</h2><ul>'
                + "".join(f"<li>{x}</li>" for x in items) + "</ul></div>") if items else ""

    #: At most this many periods side by side: wider tables are cut in
    #: several, so that a printed page holds each.
    COLUMNS = 8

    def period_tables(self, first: str, labels: list[str], rows: list, cls: str = "") -> str:
        """Tables of a column per period, :attr:`COLUMNS` periods each;
        ``rows`` are ``(header html, [cell html per period])``, or ``(None,
        text)`` for a heading row."""
        out = []
        for i in range(0, len(labels), self.COLUMNS):
            cut = slice(i, i + self.COLUMNS)
            head = f"<tr><th>{first}</th>" + "".join(f"<th>{escape(p)}</th>"
                                                      for p in labels[cut]) + "</tr>"
            body = "".join(
                f'<tr><td class="kind" colspan="{len(labels[cut]) + 1}">{escape(cells)}</td></tr>'
                if header is None else f"<tr><th>{header}</th>{''.join(cells[cut])}</tr>"
                for header, cells in rows)
            out.append(f'<table class="{cls}">{head}{body}</table>' if cls
                       else f"<table>{head}{body}</table>")
        return "".join(out)

    # -- sections --
    def scoreboard(self) -> str:
        d, board = self.data, self.data["scoreboard"]
        if not board:
            return ('<p>No dated statements: the scoreboard counts statements by the '
                    f'{d["by"]} they are dated to.</p>' + self.chart(charts.bars(
                        ["undated"], {"statements": [d["totals"]["statements"]]},
                        title="statements")))
        labels = d["periods"]
        rows: list = []
        for kind in (SIZE_DEPENDENT, SIZE_INDEPENDENT):
            rows.append((None, kind))
            for name in [f["name"] for f in board[0]["figures"] if f["kind"] == kind]:
                rows.append((escape(name), [
                    self.count(f["value"], f["list"]) for row in board
                    for f in row["figures"] if f["name"] == name]))
        out = [self.period_tables("figure", labels, rows, "scoreboard")]
        for title, key, first in (("Actors by sector", "sector_lists", "sector"),
                                  ("Statements by predicate", "predicate_lists", "predicate")):
            keys = sorted({k for row in board for k in row[key]})
            out.append(f"<h3>{title}</h3>" + self.period_tables(first, labels, [
                (escape(k), [self.count(*row[key][k]) if k in row[key] else self.count(0, None)
                             for row in board]) for k in keys]))
        sectors = sorted({k for row in board for k in row["sector_lists"]})
        out.insert(0, self.chart(charts.bars(labels, {
            s: [row["sector_lists"].get(s, (0,))[0] for row in board] for s in sectors},
            title="actors by sector", ylabel="actors")))
        share = {"share crossing U–I–G lines": [
            next(f["value"] for f in row["figures"] if f["name"].startswith("share crossing"))
            for row in board]}
        out.insert(1, self.chart(charts.lines(labels, share, title="share of statements "
                                              "crossing university–industry–government lines")))
        return "".join(out)

    def brokers(self) -> str:
        b, labels = self.data["brokers"], self.data["periods"]
        rows = b["rows"]
        if not rows:
            return "<p>No brokers: the graph has no actor between two others.</p>" + \
                self.chart(charts.bars(["none"], {"brokers": [0]}))
        head = ("<tr><th>#</th><th>broker</th><th>sector</th><th>triple helix</th>"
                "<th>betweenness</th><th>constraint</th>"
                + "".join(f"<th>{escape(r)}</th>" for r in b["roles"])
                + "<th>example bridge</th></tr>")
        body = []
        for r in rows:
            br = r["bridge"]
            bridge = (" – ".join(self.ent(x) for x in br["path"])
                      + f' ({escape(" ↔ ".join(br["sectors"]))}; {_a(br["list"], "evidence")})'
                      if br else "–")
            body.append(
                f'<tr class="broker"><td class="n">{r["rank"]}</td><td>{self.ent(r["name"])}</td>'
                f'<td>{escape(str(r["sector"]))}</td><td class="n">{_num(r["triple_helix"])}</td>'
                f'<td class="n">{_num(r["betweenness"])}</td>'
                f'<td class="n">{_num(r["constraint"])}</td>'
                + "".join(f'<td class="n">{_num(r["roles"][k])}</td>' for k in b["roles"])
                + f"<td>{bridge}</td></tr>")
        out = [self.chart(charts.bars([str(r["name"]) for r in rows],
                                      {"triple helix": [r["triple_helix"] for r in rows]},
                                      title="triple-helix brokerage (subset betweenness)"))]
        if len(labels) > 1:
            out.append(self.chart(charts.lines(labels, {str(r["name"]): r["ranks"]
                                                        for r in rows[:5]},
                                               title="rank by period (1 = top)", invert=True)))
        out.append(f'<table class="brokers">{head}{"".join(body)}</table>')
        if labels:
            out.append("<h3>Rank by period</h3>" + self.period_tables("broker", labels, [
                (self.ent(r["name"]), [f'<td class="n">{_num(x)}</td>' for x in r["ranks"]])
                for r in rows]))
        out.append('<p class="note">Triple helix: shortest paths from universities to industry '
                   'and government through the broker (unnormalised). Constraint (Burt): low '
                   'means contacts not tied to each other. Roles (Gould–Fernandez) count the '
                   'pairs brokered, over the sector partition. Ranks by period are among the '
                   "period's actors; – : no statement that period.</p>")
        return "".join(out)

    def _cluster_table(self, rows, tracked: bool) -> str:
        head = ("<tr>" + ("<th>id</th><th>event</th><th>from</th>" if tracked else "")
                + "<th>label (most central)</th><th>size</th><th>sectors</th>"
                "<th>kinds of tie</th></tr>")
        body = "".join(
            "<tr>" + (f'<td>{r["id"]}</td><td>{r["event"]}</td>'
                      f'<td>{", ".join(r["from"]) or "–"}</td>' if tracked else "")
            + f'<td>{" / ".join(self.ent(m) for m in r["label"])}</td>'
            + self.count(r["size"], r["list"])
            + f'<td>{escape(", ".join(f"{s} {n}" for s, n in r["sectors"]))}</td>'
            + f'<td>{escape(", ".join(f"{k} {n}" for k, n in r["ties"]))}</td></tr>'
            for r in rows)
        return f"<table>{head}{body}</table>"

    def clusters(self) -> str:
        c = self.data["clusters"]
        whole, periods = c["whole"], c["tracked"]["periods"]
        out = []
        if whole:
            sectors = sorted({s for r in whole for s, _ in r["sectors"]})
            names = [f"K{i}" for i in range(1, len(whole) + 1)]
            out.append(self.chart(charts.bars(names, {
                s: [dict(map(tuple, r["sectors"])).get(s, 0) for r in whole] for s in sectors},
                title="clusters of all statements: members by sector")))
        sizes = c["tracked"]["sizes"]
        if len(periods) > 1 and sizes:
            biggest = sorted(sizes, key=lambda k: -max(v or 0 for v in sizes[k]))[:8]
            out.append(self.chart(charts.lines([p["label"] for p in periods],
                                               {k: sizes[k] for k in biggest},
                                               title="tracked clusters: size by period")))
        if not out:
            out.append(self.chart(charts.bars(["none"], {"clusters": [0]})))
        out.append("<h3>All statements</h3>" + (self._cluster_table(
            [dict(r) for r in whole], False) if whole else "<p>No cluster of three or more.</p>"))
        for p in periods:
            rest = len(p["clusters"]) - self.SHOWN
            faded = ", ".join(f'{f["id"]}' + (f' (into {", ".join(f["into"])})' if f["into"]
                                             else "") for f in p["faded"])
            out.append(f'<h3>{escape(p["label"])}</h3>'
                       + (self._cluster_table(p["clusters"][:self.SHOWN], True)
                          if p["clusters"] else "<p>No cluster of three or more.</p>")
                       + (f'<p class="note">and {rest} smaller clusters</p>' if rest > 0 else "")
                       + (f'<p class="note">faded: {escape(faded)}</p>' if faded else ""))
        out.append('<p class="note">Clusters (Louvain) of each period, followed by shared '
                   "members: an id continues in the cluster that takes most of its members; "
                   "merge, split, grow, shrink, new; faded ids do not continue.</p>")
        return "".join(out)

    def bursts(self) -> str:
        b, labels, board = self.data["bursts"], self.data["periods"], self.data["scoreboard"]
        out = [self.chart(charts.bars(labels or ["undated"], {"statements": [
            next(f["value"] for f in row["figures"] if f["name"] == "statements")
            for row in board] or [0]}, title="statements per period (the stream measured)"))]
        for key, title in (("organisations", "Organisations"), ("ties", "Ties")):
            rows = b[key]
            out.append(f"<h3>{title}</h3>")
            if not rows:
                out.append("<p>No burst.</p>")
                continue

            def name(item):
                return " – ".join(map(str, item)) if isinstance(item, tuple) else str(item)

            out.append(self.chart(charts.spans(labels, [(name(r["item"]), [(r["start"], r["end"])])
                                                        for r in rows], title=f"bursts: {key}")))
            out.append("<table><tr><th>item</th><th>from</th><th>to</th><th>statements</th>"
                       "<th>weight</th></tr>" + "".join(
                           "<tr><td>" + (" – ".join(self.ent(x) for x in r["item"])
                                         if isinstance(r["item"], tuple) else self.ent(r["item"]))
                           + f'</td><td>{r["from"]}</td><td>{r["to"]}</td>'
                           + self.count(r["count"], r["list"])
                           + f'<td class="n">{_num(r["weight"])}</td></tr>' for r in rows)
                       + "</table>")
        out.append('<p class="note">Kleinberg (2002), two states over the per-period counts: '
                   "burst rate twice the item's overall share, entering a burst costs ln n "
                   "(n periods); weight: the log-likelihood gained.</p>")
        return "".join(out)

    def focus(self) -> str:
        out = []
        labels = self.data["periods"]
        for f in self.data["focus"]:
            out.append(f'<h3>{self.ent(f["name"])} [{escape(str(f["type"]))}]</h3>')
            sectors = list(f["partners"])
            out.append(self.chart(charts.bars(sectors or ["none"], {
                "partners": [len(f["partners"][s]) for s in sectors] or [0]},
                title=f"partners by sector: {f['name']}")))
            if labels:
                out.append(self.chart(charts.bars(labels, {"statements": f["per_period"]},
                                                  title=f"statements by period: {f['name']}")))
            out.append("<table><tr><th>sector</th><th>partners (statements)</th></tr>" + "".join(
                f"<tr><th>{escape(s)}</th><td>" + ", ".join(
                    f'{self.ent(r["name"])} ({_a(r["list"], r["count"])})' for r in rows)
                + "</td></tr>" for s, rows in f["partners"].items()) + "</table>")
            out.append("<h4>Platforms</h4>" + (", ".join(
                f'{self.ent(r["name"])} ({escape(r["predicate"])}, {_a(r["list"], r["count"])})'
                for r in f["platforms"]) or "none stated"))
            out.append("<h4>People in posts</h4>" + (", ".join(
                f'{self.ent(r["name"])} ({escape(r["predicate"])}'
                + (f' {self.ent(r["post"])}' if r["post"] else "")
                + f', {_a(r["list"], r["count"])})' for r in f["people"]) or "none stated"))
            line = f["timeline"]
            shown = [e for e in line if e["date"]][-15:]
            out.append(f"<h4>Timeline ({len(line)} statements, {f['undated']} undated; "
                       "the latest 15 dated)</h4><table>" + "".join(
                           f'<tr><td>{escape(e["date"])}</td><td>{self.ent(e["subject"])} '
                           f'—{escape(e["predicate"])}→ {self.ent(e["object"])}</td>'
                           f'<td>{_a(e["ref"], "sentence")}</td></tr>' for e in shown)
                       + "</table>")
        return "".join(out) or "<p>No focus entity.</p>"

    def quality(self) -> str:
        q = self.data["quality"]
        out = []
        if q["rows"]:
            names = [f'{r["documents"]}, {r["how"]}' for r in q["rows"]]

            def f1(text):
                parts = [p.strip() for p in text.split("/")]
                return float(parts[-1]) if parts and parts[-1][:1].isdigit() else None

            out.append(self.chart(charts.bars([str(i) for i in range(1, len(names) + 1)], {
                "relations F1": [f1(r["relations"]) for r in q["rows"]],
                "entities F1": [f1(r["entities"]) for r in q["rows"]]},
                title="extraction F1 (rows of the table)", stacked=False)))
            out.append("<table><tr><th>row</th><th>documents</th><th>how</th>"
                       "<th>relations P / R / F1</th><th>entities P / R / F1</th></tr>" + "".join(
                           f'<tr><td class="n">{i}</td><td>{escape(r["documents"])}</td>'
                           f'<td>{escape(r["how"])}</td><td>{escape(r["relations"])}</td>'
                           f'<td>{escape(r["entities"])}</td></tr>'
                           for i, r in enumerate(q["rows"], 1)) + "</table>")
        else:
            out.append(self.chart(charts.bars(["documents"], {"trained on": [
                q.get("documents") or 0]}, title="model training documents")))
        out.append(f'<p>Source: {escape(str(q["source"]))}. The cross-validated rows are what '
                   "new articles can expect; in-sample rows are not.</p>")
        n = self.data["curated"]
        out.append(f'<p class="curated">Curated statements: {n}' + (
            "" if n else " (no statement in the store carries a curation marker)") + ".</p>")
        return "".join(out)

    # -- appendix --
    def appendix(self) -> str:
        refs = self.refs
        lists = "".join(
            f'<div class="list" id="{lid}"><h4>{escape(x["title"])}</h4>'
            + (("statements: " + _ref_links(x["refs"])) if x["refs"] else "")
            + ((" entities: " + ", ".join(self._card_link(n) for n in x["actors"]))
               if x["actors"] else "") + "</div>"
            for lid, x in refs.lists.items())
        cards = "".join(
            f'<div class="card" id="{c["id"]}"><h4>{escape(str(c["name"]))} '
            f'[{escape(str(c["type"]))}, {escape(str(c["sector"]))}]</h4>'
            f'{len(c["refs"])} statements: '
            + _ref_links(sorted(c["refs"], key=lambda r: int(r[1:])))
            + "</div>"
            for c in self.data["cards"])
        ev = "".join(
            f'<li id="{e["id"]}"><b>{e["id"]}</b> {escape(e["date"] or "undated")} '
            f'{self._name(e["subject"])} —{escape(e["predicate"])}→ {self._name(e["object"])} '
            f'<q>{escape((e["sentence"] or "").replace(chr(10), ""))}</q> '
            f'<cite>{escape(str(e["doc"]))}</cite></li>'
            for e in refs.evidence.values())
        return (f'<section class="appendix" id="appendix"><h2>Appendix: what each number '
                f'counts</h2><div class="cols">{lists}</div><h2>Entity cards</h2>'
                f'<div class="cols">{cards}</div><h2>Statements</h2>'
                f'<ol class="evidence cols">{ev}</ol></section>')

    def _card_link(self, nid: str) -> str:
        names = {v: k for k, v in self.refs.entities.items()}
        return _a(nid, names.get(nid, nid))

    def _name(self, name) -> str:
        return self.ent(name) if name in self.refs.entities else escape(str(name))


def render(data: dict, *, title: str = "Collaboration report", source: str = "") -> str:
    """The page of :func:`kg.report.content.report_data`'s ``data``."""
    p = _Page(data)
    body = [(sid, heading, getattr(p, sid)()) for sid, heading in SECTIONS]
    summary = p.summary()
    appendix = p.appendix()         # last: the sections register what they link to
    t = data["totals"]
    toc = " · ".join(_a(sid, heading) for sid, heading, _ in body) + " · " + \
        _a("appendix", "Appendix")
    intro = (f'<p>{escape(data["period"])}, by {escape(data["by"])}'
             + (f" — {escape(source)}" if source else "")
             + f'. {t["entities"]} entities, {t["relations"]} relations, {t["statements"]} '
             f'statements ({t["dated"]} dated to a {escape(data["by"])}).</p>')
    sections = "".join(f'<section id="{sid}"><h2>{heading}</h2>{html}</section>'
                       for sid, heading, html in body)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{escape(title)}</h1>{intro}<nav>{toc}</nav>{summary}</header>"
            f"{sections}{appendix}</body></html>")
