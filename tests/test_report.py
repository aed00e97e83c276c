"""``kg report``: the pure parts on invented data, then the real command on
the seeds store — the page in headless Chromium and its PDF read back."""

from __future__ import annotations

import doctest
import importlib
import os
import re
import subprocess

import pytest

from kg.report.bursts import bursts, states
from kg.report.scoreboard import SIZE_DEPENDENT, SIZE_INDEPENDENT, scoreboard
from kg.report.tracking import track


@pytest.mark.parametrize("module", ["bursts", "tracking", "scoreboard", "charts", "content",
                                    "page", "kg.report"])
def test_doctests(module):
    mod = importlib.import_module(module if "." in module else f"kg.report.{module}")
    result = doctest.testmod(mod)
    assert result.failed == 0 and result.attempted > 0


# --- Kleinberg bursts ---------------------------------------------------------

def test_a_spike_in_an_items_share_is_one_burst_over_its_periods():
    found = bursts([1, 2, 1, 12, 14, 2, 1], [30] * 7)
    assert [(b["start"], b["end"]) for b in found] == [(3, 4)]
    assert found[0]["weight"] > 0


def test_a_steady_share_has_no_burst_however_the_totals_vary():
    assert bursts([1, 5, 10, 2], [10, 50, 100, 20]) == []


def test_a_higher_entry_cost_drops_a_short_weak_burst():
    counts, totals = [2, 2, 5, 2, 2], [20] * 5
    assert states(counts, totals, gamma=0.1) == [0, 0, 1, 0, 0]
    assert states(counts, totals, gamma=3.0) == [0] * 5


def test_an_item_in_no_period_or_in_every_statement_never_bursts():
    assert states([0, 0, 0], [5, 6, 7]) == [0, 0, 0]
    assert states([5, 6, 7], [5, 6, 7]) == [0, 0, 0]


def test_counts_that_do_not_fit_their_totals_are_refused():
    with pytest.raises(ValueError, match="between 0 and"):
        states([3], [2])
    with pytest.raises(ValueError, match="2 counts for 1 totals"):
        states([1, 1], [2])


# --- cluster tracking -----------------------------------------------------------

def test_clusters_keep_their_ids_through_growth_split_merge_and_fade():
    a, b, c = {"甲", "乙", "丙", "丁"}, {"戊", "己", "庚"}, {"辛", "壬", "癸"}
    periods = [
        [a, b, c],
        [a | {"子"}, b, c - {"癸"}],                      # grow, stable, shrink
        [{"甲", "乙", "戊", "己"}, {"丙", "丁", "子"}],     # a splits, b merges into it, c fades
    ]
    t = track(periods, ["2020", "2021", "2022"], threshold=0.5)
    first = [c["id"] for c in t["periods"][0]["clusters"]]
    assert first == ["C1", "C2", "C3"]
    assert [(c["id"], c["event"]) for c in t["periods"][1]["clusters"]] == [
        ("C1", "grow"), ("C2", "stable"), ("C3", "shrink")]
    last = t["periods"][2]
    assert [(c["event"], c["from"]) for c in last["clusters"]] == [
        ("merge", ["C1", "C2"]), ("split", ["C1"])]
    assert {c["id"] for c in last["clusters"]} >= {"C1"}
    faded = {f["id"]: f["into"] for f in last["faded"]}
    assert faded["C3"] == [] and "C1" not in faded
    assert t["sizes"]["C3"] == [3, 2, None]


def test_a_cluster_sharing_too_little_is_new_with_a_fresh_id():
    t = track([[{"甲", "乙", "丙", "丁"}], [{"甲", "子", "丑", "寅"}]], ["a", "b"], threshold=0.5)
    row = t["periods"][1]["clusters"][0]
    assert (row["id"], row["event"], row["from"]) == ("C2", "new", [])
    assert t["periods"][1]["faded"] == [{"id": "C1", "into": []}]


# --- scoreboard -------------------------------------------------------------------

def _st(period, s, ss, o, os_, p="cooperatesWith", ref=None):
    return dict(period=period, subject=s, subject_sector=ss, object=o, object_sector=os_,
                predicate=p, ref=ref or f"{period}{s}{o}{p}")


def test_the_scoreboard_keeps_counts_apart_from_shares_and_follows_ties():
    rows = [_st("2020", "甲大学", "university", "乙公司", "industry"),
            _st("2020", "甲大学", "university", "丙所", "intermediary", "builds"),
            _st("2021", "乙公司", "industry", "甲大学", "university"),   # the same tie, reversed
            _st("2021", "丁局", "government", "戊园", "government", "supports"),
            _st("2021", "己会", "event", "甲大学", "university", "organizes")]
    board = scoreboard(rows, ["2020", "2021"])
    fig = [{f["name"]: f for f in b["figures"]} for b in board]
    assert fig[1]["statements"]["value"] == 3
    assert fig[1]["new ties"]["value"] == 2 and fig[1]["lost ties"]["value"] == 1
    assert fig[1]["lost ties"]["refs"] == ["2020甲大学丙所builds"]
    assert fig[1]["share crossing U–I–G lines"]["value"] == round(1 / 3, 3)
    assert fig[0]["share crossing U–I–G lines"]["value"] == 0.5
    assert {f["kind"] for f in board[0]["figures"]} == {SIZE_DEPENDENT, SIZE_INDEPENDENT}
    assert all(f["kind"] == SIZE_INDEPENDENT for f in board[0]["figures"]
               if f["name"].startswith("share"))
    assert "event" not in board[1]["actors_by_sector"]
    assert board[1]["actors_by_sector"]["government"] == ["丁局", "戊园"]


# --- the command on the seeds store -------------------------------------------------

@pytest.fixture(scope="module")
def report(seeds_store, kg_command, subprocess_env, tmp_path_factory):
    """``kg report --pdf`` on the seeds store (or on the store ``KG_REPORT_STORE``
    names: the development folders' store of the issue's Done-when)."""
    store = os.environ.get("KG_REPORT_STORE") or seeds_store
    out = tmp_path_factory.mktemp("report")
    html, pdf = out / "report.html", out / "report.pdf"
    done = subprocess.run([*kg_command, "report", "--store", str(store),
                           "--out", str(html), "--pdf", str(pdf)],
                          env=subprocess_env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"→ {html}" in done.stdout
    return html, pdf


@pytest.fixture
def page(browser, report):
    """The report in Chromium; any request but the file itself is aborted and recorded."""
    html = report[0]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors, pg.outside = [], []
    pg.on("console", lambda m: m.type in ("error", "warning") and pg.errors.append(m.text))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))

    def route(r):
        if r.request.url == html.as_uri():
            r.continue_()
        else:
            pg.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg.goto(html.as_uri())
    yield pg
    context.close()


def test_the_page_requests_nothing_logs_no_error_and_draws_a_chart_in_each_section(page):
    from kg.report.page import SECTIONS

    drawn = page.evaluate("""(ids) => ids.map(id => {
        const svgs = [...document.querySelectorAll(`#${id} figure.chart svg`)];
        return svgs.filter(s => { const b = s.getBoundingClientRect();
            return b.width > 100 && b.height > 50 && s.querySelector('path'); }).length; })""",
                          [sid for sid, _ in SECTIONS])
    assert all(n >= 1 for n in drawn), dict(zip([s for s, _ in SECTIONS], drawn))
    assert page.outside == [] and page.errors == []
    assert page.evaluate("window.__pwned") is None          # the hostile name is text


def test_every_broker_row_links_to_a_card_whose_statements_give_document_and_sentence(page):
    rows = page.evaluate("""() => [...document.querySelectorAll('table.brokers tr.broker')]
        .map(tr => {
            const a = tr.querySelector('td:nth-child(2) a');
            const card = a && document.querySelector(a.getAttribute('href'));
            const ev = card && [...card.querySelectorAll('a')].map(x =>
                document.querySelector(x.getAttribute('href')));
            return {name: a && a.textContent, card: card && card.className,
                    title: card && card.querySelector('h4').textContent,
                    statements: ev ? ev.length : 0,
                    complete: ev ? ev.every(e => e && e.querySelector('q').textContent.length
                                            && e.querySelector('cite').textContent.length) : false};
        })""")
    assert len(rows) >= 5
    for r in rows:
        assert r["card"] == "card" and r["title"].startswith(r["name"]), r
        assert r["statements"] >= 1 and r["complete"], r


def test_no_link_of_the_page_points_nowhere(page):
    dangling = page.evaluate("""() => { const ids = new Set([...document.querySelectorAll('[id]')]
            .map(e => e.id));
        const links = [...document.querySelectorAll('a')].map(a => a.getAttribute('href'));
        return [links.length, links.filter(h => !h.startsWith('#') || !ids.has(h.slice(1)))]; }""")
    assert dangling[0] > 100 and dangling[1] == []


def test_every_number_of_the_scoreboard_links_to_what_it_counts(page):
    cells = page.evaluate("""() => [...document.querySelectorAll('table.scoreboard td.n')]
        .map(td => { const a = td.querySelector('a');
            const list = a && document.querySelector(a.getAttribute('href'));
            return {value: td.textContent,
                    list: list ? list.querySelectorAll('a').length : -1}; })""")
    assert cells and all(c["list"] >= 0 for c in cells)
    counted = [c for c in cells if re.fullmatch(r"\d+", c["value"]) and c["value"] != "0"]
    assert counted and all(c["list"] >= 1 for c in counted)


def test_the_pdf_has_the_pages_of_the_print_layout_and_the_scoreboards_numbers(page, report):
    import io

    from pypdf import PdfReader

    from kg.report.page import SECTIONS

    printed = PdfReader(report[1])
    page.emulate_media(media="print")
    layout = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(printed.pages) == len(layout.pages) >= len(SECTIONS)
    rows = page.evaluate("""() => [...document.querySelectorAll('table.scoreboard tr')]
        .map(tr => [...tr.querySelectorAll('td.n')].map(td => td.textContent))
        .filter(cells => cells.length)""")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in printed.pages[:6]))
    assert rows and all(" ".join(cells) in text for cells in rows), rows


def test_printed_tables_and_charts_fit_the_width_of_an_a4_page(browser, report):
    pg = browser.new_page(viewport={"width": 688, "height": 1000})   # 210 mm less 2 × 14 mm
    pg.goto(report[0].as_uri())
    pg.emulate_media(media="print")
    wide = pg.evaluate("""() => { const w = document.body.clientWidth;
        return [...document.querySelectorAll('table, figure')]
            .filter(e => e.getBoundingClientRect().right > w + 1)
            .map(e => e.outerHTML.slice(0, 80)); }""")
    pg.close()
    assert wide == []


def test_an_unknown_focus_entity_is_one_line_naming_it(seeds_store, kg_command, subprocess_env,
                                                       tmp_path):
    done = subprocess.run([*kg_command, "report", "--store", str(seeds_store), "--focus",
                           "不存在的机构名称", "--out", str(tmp_path / "r.html")],
                          env=subprocess_env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("kg: E501 ")
    assert "不存在的机构名称" in done.stderr
    assert not (tmp_path / "r.html").exists()


# --- what the report says, on an invented projection ------------------------------

def _invented_graph():
    """Invented articles: 星河大学 builds a platform, a person holds its
    vice-president post, and 蓝鲸公司's ties burst in 2022."""
    from kg.analysis.projection import project

    rels, n = [], 0

    def rel(s, st, p, o, ot, date):
        nonlocal n
        n += 1
        rels.append(dict(subject=s, subject_type=st, predicate=p, object=o, object_type=ot,
                         date=date, doc=f"art{n}.txt", evidence=f"第{n}句：{s}与{o}。",
                         start=0, end=5))

    for year in ("2020", "2021", "2022", "2023"):
        rel("星河大学", "University", "cooperatesWith", "云杉区政府", "Government", year)
        rel("星河大学", "University", "cooperatesWith", f"{year}号研究所", "ResearchInstitute",
            year)
        rel("白鹭学院", "University", "cooperatesWith", "云杉区政府", "Government", year)
    for i in range(6):
        rel("蓝鲸公司", "Company", "signsWith", "星河大学" if i % 2 else "白鹭学院", "University",
            "2022")
        rel(f"蓝鲸公司{i}部", "Department", "partOf", "蓝鲸公司", "Company", "2022")
    rel("星河大学", "University", "builds", "星河创新平台", "Platform", "2021")
    rel("林远", "Person", "appointedAs", "星河大学副校长", "Role", "2021")
    rel("星河大学副校长", "Role", "roleOf", "星河大学", "University", "2021")
    return project([], rels)


@pytest.fixture(scope="module")
def invented():
    from kg.analysis.cache import compute_graph
    from kg.report.content import report_data

    a = compute_graph(_invented_graph())
    return report_data(a.graph, broker_rows=a.ranked_brokers(), cluster_result=a.cluster_result())


def test_the_focus_defaults_to_the_universities_with_most_statements(invented):
    assert [f["name"] for f in invented["focus"]] == ["星河大学", "白鹭学院"]
    uni = invented["focus"][0]
    assert [p["name"] for p in uni["platforms"]] == ["星河创新平台"]
    assert [(p["name"], p["post"]) for p in uni["people"]] == [("林远", "星河大学副校长")]
    assert set(uni["partners"]) >= {"government", "industry", "intermediary"}
    assert uni["per_period"] == [2, 4, 5, 2]


def test_a_burst_of_ties_names_the_organisation_and_its_period(invented):
    orgs = {b["item"]: (b["from"], b["to"]) for b in invented["bursts"]["organisations"]}
    assert orgs["蓝鲸公司"] == ("2022", "2022")
    assert "云杉区政府" not in orgs                      # a steady share does not burst


def test_every_link_of_the_report_data_resolves(invented):
    refs = invented["refs"]
    ids = {e["id"] for e in refs.evidence.values()}
    cards = {c["id"] for c in invented["cards"]}
    for lst in refs.lists.values():
        assert set(lst["refs"]) <= ids and set(lst["actors"]) <= set(refs.entities.values())
    assert set(refs.entities.values()) == cards
    for r in invented["brokers"]["rows"]:
        assert refs.entities[r["name"]] in cards
        if r["bridge"]:
            assert refs.lists[r["bridge"]["list"]]["refs"]


def test_without_chromium_the_pdf_is_refused_in_one_line_naming_it(seeds_store, kg_command,
                                                                  subprocess_env, tmp_path):
    pdf = tmp_path / "r.pdf"
    done = subprocess.run([*kg_command, "report", "--store", str(seeds_store),
                           "--out", str(tmp_path / "r.html"), "--pdf", str(pdf)],
                          env=dict(subprocess_env, KG_CHROMIUM=str(tmp_path / "no-chromium")),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        f"kg: E401 cannot write {pdf}: no Chromium to print with "
        "(install chromium, or set KG_CHROMIUM)")
    assert (tmp_path / "r.html").is_file() and not pdf.exists()
