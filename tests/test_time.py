"""Time in the store and in every command: a corpus of three invented
articles of 2019, 2021 and 2023 where the answers change with --since and
--until; the example queries about time; the seeds' dates; the viewer's
period filter in a real browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.store.backends import open_store

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "ontology" / "queries"

#: Three invented articles: 2019 (date line with a label), 2021 (a date line
#: in Chinese with the weekday), 2023 (a time stamp; one sentence dated by
#: its own month and day).
ARTICLES = {
    "a.txt": "星河大学新闻网\n发布时间：2019-04-02\n星河大学与蓝海科技有限公司签约。\n"
             "星河大学与北辰研究院签约。\n",
    "b.txt": "北辰日报\n2021年6月8日 星期二\n星河大学与东岳科技有限公司签约。\n"
             "东岳科技有限公司与清河高新区签约。\n",
    "c.txt": "南山时报\n2023-10-11 09:30 来源：南山时报\n北辰研究院与西岭科技有限公司签约。\n"
             "西岭科技有限公司与清河高新区签约。\n9月3日，星河大学与西岭科技有限公司签约。\n",
}


def kg(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("time")
    docs = folder / "docs"
    docs.mkdir()
    for name, text in ARTICLES.items():
        (docs / name).write_text(text, encoding="utf-8")
    (docs / "undated.txt").write_text("5月6日，南山大学与北海科技有限公司签约。\n", encoding="utf-8")
    store = str(folder / "store")
    kg("build", docs, "--store", store, "--quiet")
    return store


def as_json(*args):
    return json.loads(kg(*args, "--json").stdout)


def test_documents_and_statements_are_dated_in_the_store(corpus):
    with open_store(corpus) as store:
        docs = {d["doc"]: d for d in store.documents()}
        rels = store.relations()
    assert {n: (d["date"], d["date_precision"], d["date_source"]) for n, d in docs.items()} == {
        "a.txt": ("2019-04-02", "day", "date line"), "b.txt": ("2021-06-08", "day", "date line"),
        "c.txt": ("2023-10-11", "day", "date line"), "undated.txt": (None, None, None)}
    assert "days are named without a year: 5月6日" in docs["undated.txt"]["date_missing"]
    by_sentence = {r["evidence"]: (r["date"], r["date_source"]) for r in rels}
    assert by_sentence["9月3日，星河大学与西岭科技有限公司签约。"] == ("2023-09-03", "sentence")
    assert by_sentence["星河大学与东岳科技有限公司签约。"] == ("2021-06-08", "document")
    assert by_sentence["5月6日，南山大学与北海科技有限公司签约。"] == (None, None)


def test_stats_by_year_and_by_period(corpus):
    whole = as_json("stats", "--store", corpus)
    assert whole["documents"] == 4
    assert whole["documents_by_year"] == {"2019": 1, "2021": 1, "2023": 1}
    assert whole["undated"] == 1
    text = kg("stats", "--store", corpus).stdout
    assert re.search(r"documents  4\n  2019 +1\n  2021 +1\n  2023 +1\n  undated +1\n", text)
    since = as_json("stats", "--store", corpus, "--since", "2021")
    assert (since["documents"], since["relations"], since["evidence"]) == (2, 5, 5)
    assert since["documents_by_year"] == {"2021": 1, "2023": 1}
    until = as_json("stats", "--store", corpus, "--until", "2019-12")
    assert (until["documents"], until["relations"]) == (1, 2)
    assert set(until) == set(whole) | {"period"}       # the same shape, of the period
    assert until["quads"] == whole["quads"]
    assert "period     since 2021" in kg("stats", "--store", corpus, "--since", "2021").stdout


def test_brokers_change_with_the_period_and_the_saved_analysis_stays_whole(corpus):
    whole = as_json("brokers", "--store", corpus)
    assert as_json("brokers", "--store", corpus, "--until", "2021")[0]["name"] == "东岳科技有限公司"
    assert as_json("brokers", "--store", corpus, "--since", "2023")[0]["name"] == "西岭科技有限公司"
    names = {r["name"] for r in as_json("brokers", "--store", corpus, "--since", "2023",
                                       "--all-types")}
    assert "东岳科技有限公司" not in names and "蓝海科技有限公司" not in names
    # the period's analysis is saved apart: the whole store's answer is unchanged
    assert as_json("brokers", "--store", corpus) == whole
    saved = Path(corpus) / "kg-analysis"
    assert (saved / "key").is_file() and sorted(p.name for p in saved.glob("period-*")) == [
        "period-2023_", "period-_2021"]


def test_clusters_by_period(corpus):
    def members(*period):
        return {m for c in as_json("clusters", "--store", corpus, "--min-size", "1", *period)
                ["clusters"] for m in c["members"]}
    assert "蓝海科技有限公司" in members()
    assert "蓝海科技有限公司" not in members("--since", "2021")
    assert members("--until", "2019") == {"星河大学", "蓝海科技有限公司", "北辰研究院"}


def test_connect_by_period(corpus):
    def middle(*period):
        paths = as_json("connect", "星河大学", "清河高新区", "--store", corpus, *period)["paths"]
        return {n for p in paths for n in p["nodes"][1:-1]}
    assert middle() >= {"东岳科技有限公司", "西岭科技有限公司"}
    assert middle("--until", "2021") == {"东岳科技有限公司"}
    assert middle("--since", "2022") == {"西岭科技有限公司"}
    missing = kg("connect", "星河大学", "清河高新区", "--store", corpus, "--until", "2019", ok=False)
    assert missing.exit_code == 2
    assert missing.stderr.splitlines()[-1].startswith("kg: E501 ")
    assert missing.stderr.splitlines()[-1].endswith("among the statements of until 2019")


def test_show_by_period(corpus):
    def partners(*period):
        c = as_json("show", "星河大学", "--store", corpus, *period)
        return {r["object"] for r in c["out"]} | {r["subject"] for r in c["in"]}
    assert partners() == {"蓝海科技有限公司", "北辰研究院", "东岳科技有限公司", "西岭科技有限公司"}
    assert partners("--since", "2021") == {"东岳科技有限公司", "西岭科技有限公司"}
    card = as_json("show", "星河大学", "--store", corpus, "--since", "2023")
    assert [e["date"] for r in card["out"] + card["in"] for e in r["evidence"]] == ["2023-09-03"]
    text = kg("show", "星河大学", "--store", corpus, "--since", "2023").stdout
    assert "“9月3日，星河大学与西岭科技有限公司签约。” [c.txt, 2023-09-03]" in text


def test_entity_card_and_connection_of_a_period(corpus):
    """kg.analysis.cache's entity_card and connection (what `kg show` and `kg
    connect` call) with a period: the period's projection, never the saved
    cards of the whole store, and names looked up among its statements."""
    from kg.analysis.cache import connection, entity_card, projection
    from kg.messages import KGError
    from kg.analysis.period import Period

    since, until = Period.parse("2022"), Period.parse(None, "2019")
    loaded = []
    card = entity_card(corpus, "星河大学", period=since, on_load=loaded.append)
    assert {r["object"] for r in card["out"]} | {r["subject"] for r in card["in"]} == \
        {"西岭科技有限公司"}
    assert [a.period for a in loaded] == [since]
    whole = entity_card(corpus, "星河大学")          # the saved card of the whole store
    assert len(whole["out"]) + len(whole["in"]) == 4
    assert card == projection(corpus, period=since).card("星河大学")

    answer = connection(corpus, "星河大学", "清河高新区", period=since, on_load=loaded.append)
    assert {n for p in answer["paths"] for n in p["nodes"][1:-1]} == {"西岭科技有限公司"}
    assert loaded[-1].period == since
    for call in (lambda: entity_card(corpus, "清河高新区", period=until),
                 lambda: connection(corpus, "星河大学", "清河高新区", period=until)):
        with pytest.raises(KGError) as err:
            call()
        assert err.value.code == "E501"
        assert err.value.message.endswith("among the statements of until 2019")


def test_view_by_period(corpus, tmp_path):
    out = tmp_path / "g.html"
    whole = kg("view", "--store", corpus, "--out", out).stdout
    page = out.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1))
    assert data["legend"]["years"] == [2019, 2021, 2023] and data["legend"]["undated"] == 1
    assert 'id="kg-year-from"' in page and 'id="kg-year-to"' in page
    period = kg("view", "--store", corpus, "--out", out, "--since", "2023").stdout
    assert whole.startswith("8 entities, 8 relations") and period.startswith("4 entities, 3 relations")
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', out.read_text(encoding="utf-8"),
                                re.S).group(1))
    assert data["legend"]["years"] == [2023] and "since 2023" in data["title"]


def test_export_by_period(corpus, tmp_path):
    nq = kg("export", "--store", corpus, "--format", "nq", "--since", "2023").stdout
    assert "西岭科技有限公司" in nq and "蓝海科技有限公司" not in nq
    assert "北海科技有限公司" not in nq                 # undated: in no period
    assert nq.count("<https://w3id.org/uic-kg/ontology#Evidence>") == 3
    whole = kg("export", "--store", corpus, "--format", "nq").stdout
    assert whole.count("<https://w3id.org/uic-kg/ontology#Evidence>") == 8
    kg("export", "--store", corpus, "--format", "csv", "--out", tmp_path / "csv", "--until", "2019")
    rows = (tmp_path / "csv" / "relationships.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 2


def test_timeline_lists_statements_in_date_order(corpus):
    t = as_json("timeline", "星河大学", "--store", corpus)
    assert [(e["date"], e["date_source"]) for e in t["entries"]] == [
        ("2019-04-02", "document"), ("2019-04-02", "document"), ("2021-06-08", "document"),
        ("2023-09-03", "sentence")]
    assert t["entries"][-1]["sentence"] == "9月3日，星河大学与西岭科技有限公司签约。"
    text = kg("timeline", "星河大学", "--store", corpus, "--since", "2021").stdout
    assert text.splitlines()[0] == "星河大学  [University]: 2 statements (since 2021)"
    assert re.search(r"^2021-06-08 .*东岳科技有限公司.*\[document\]\n.*“星河大学与东岳科技有限公司签约。” "
                     r"\[b\.txt\]", text, re.M)
    undated = as_json("timeline", "南山大学", "--store", corpus)["entries"]
    assert [e["date"] for e in undated] == [None]


def test_entity_timeline_is_what_kg_timeline_prints(corpus):
    """kg.analysis.cache.entity_timeline (what `kg timeline` calls): the whole
    projection's statements of the entity, the period applied to their
    dates, and names looked up in the whole graph."""
    from kg.analysis.cache import entity_timeline
    from kg.messages import KGError
    from kg.analysis.period import Period

    loaded = []
    since = Period.parse("2021")
    t = entity_timeline(corpus, "星河大学", period=since, on_load=loaded.append)
    assert t == as_json("timeline", "星河大学", "--store", corpus, "--since", "2021")
    assert [e["date"] for e in t["entries"]] == ["2021-06-08", "2023-09-03"]
    assert len(loaded) == 1 and loaded[0].period is None     # the whole graph, dated afterwards
    with pytest.raises(KGError) as err:
        entity_timeline(corpus, "不存在的大学", period=since)
    assert err.value.code == "E501" and err.value.message.endswith("among the statements of since 2021")


def test_brokers_by_year_table_json_and_chart(corpus, tmp_path):
    trend = as_json("brokers", "--by", "year", "--store", corpus, "--top", "3")
    assert trend["periods"] == ["2019", "2021", "2023"] and trend["statements"] == [2, 2, 3]
    by_name = {b["name"]: b for b in trend["brokers"]}
    assert by_name["东岳科技有限公司"]["ranks"][0] is None      # no statement in 2019
    assert by_name["西岭科技有限公司"]["ranks"][2] == 1
    quarters = as_json("brokers", "--by", "quarter", "--store", corpus)
    assert quarters["periods"] == ["2019-Q2", "2021-Q2", "2023-Q3", "2023-Q4"]
    since = as_json("brokers", "--by", "year", "--store", corpus, "--since", "2021")
    assert since["periods"] == ["2021", "2023"]
    png = tmp_path / "trend.png"
    text = kg("brokers", "--by", "year", "--store", corpus, "--plot", png).stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert text.splitlines()[1].split() == ["2019", "2021", "2023"]
    assert "statements: 2019 2, 2021 2, 2023 3" in text


@pytest.mark.parametrize("command", [
    ["stats"], ["brokers"], ["clusters"], ["connect", "星河大学", "清河高新区"], ["show", "星河大学"],
    ["view"], ["export", "--format", "nq"], ["timeline", "星河大学"]])
def test_a_bad_period_is_a_one_line_usage_error(corpus, command, tmp_path):
    for option, value in (("--since", "2021-13"), ("--until", "last year")):
        result = kg(*command, "--store", corpus, option, value, ok=False)
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"kg: E001 Invalid value for '{option}'")
    result = kg(*command, "--store", corpus, "--since", "2023", "--until", "2021", ok=False)
    assert result.exit_code == 2 and "ends (2021) before it starts (2023)" in result.stderr


def test_build_date_dates_undated_documents_only(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(ARTICLES["a.txt"], encoding="utf-8")
    (docs / "u.txt").write_text("5月6日，南山大学与北海科技有限公司签约。\n南山大学与东岳科技有限公司合作。\n",
                                encoding="utf-8")
    store = str(tmp_path / "s")
    kg("build", docs, "--store", store, "--quiet", "--date", "2022-07")
    with open_store(store) as s:
        dates = {d["doc"]: (d["date"], d["date_source"]) for d in s.documents()}
        rels = {r["evidence"]: (r["date"], r["date_source"]) for r in s.relations()}
    assert dates == {"a.txt": ("2019-04-02", "date line"), "u.txt": ("2022-07", "given")}
    assert rels["5月6日，南山大学与北海科技有限公司签约。"] == ("2022-05-06", "sentence")
    plain = kg("build", docs, "--store", str(tmp_path / "s2"))
    assert "note: 1 of 2 stored documents has no date (`kg sparql " \
        "ontology/queries/undated_documents.rq` says why" in plain.stderr
    bad = kg("build", docs, "--store", store, "--date", "July", ok=False)
    assert bad.exit_code == 2 and bad.stderr.startswith("kg: E001 Invalid value for '--date'")


# --- the example queries about time ------------------------------------------------

def query(store_dir, name, **replace):
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    with open_store(store_dir) as store:
        return store.query(text).values()


def test_new_partners_per_year(corpus):
    rows = query(corpus, "new_partners", 西安交通大学="星河大学")
    assert [(y, n, set(p.split("、"))) for y, n, p in rows] == [
        ("2019", 2, {"蓝海科技有限公司", "北辰研究院"}), ("2021", 1, {"东岳科技有限公司"}),
        ("2023", 1, {"西岭科技有限公司"})]


def test_relations_stated_in_a_period(corpus):
    rows = query(corpus, "relations_in_period", **{'"2021"': '"2023"', '"2024"': '"2023"'})
    assert [r[0] for r in rows] == ["2023-09-03", "2023-10-11", "2023-10-11"]
    assert {r[5] for r in rows} == {"c.txt"}
    assert len(query(corpus, "relations_in_period")) == 5        # 2021–2024


def test_documents_without_a_date(corpus):
    rows = query(corpus, "undated_documents")
    assert [(f, "5月6日" in why) for f, _, why in rows] == [("undated.txt", True)]


# --- the seeds ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory):
    store = str(tmp_path_factory.mktemp("seeds") / "store")
    kg("build", ROOT / "seeds", "--store", store, "--quiet")
    return store


def test_seed_documents_get_the_date_their_text_gives_or_say_why_not(seeds_store):
    with open_store(seeds_store) as store:
        docs = {d["doc"][:3]: d for d in store.documents()}
    assert (docs["003"]["date"], docs["003"]["date_source"]) == ("2024-07-15", "date line")
    for key in ("000", "001", "002", "004"):
        assert docs[key]["date"] is None
        assert docs[key]["date_missing"].startswith(
            "no publication date in the page, its text or its file name"), key
    # only month-days: the reason names one
    assert "4月18日" in docs["000"]["date_missing"]
    text = kg("stats", "--store", seeds_store).stdout
    assert re.search(r"documents  5\n  2024 +1\n  undated +4\n", text)


def test_seed_timeline_of_xian_jiaotong_university(seeds_store):
    t = as_json("timeline", "西安交通大学", "--store", seeds_store)
    assert t["name"] == "西安交通大学" and len(t["entries"]) >= 5
    dates = [e["date"] for e in t["entries"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates == dated + [None] * (len(dates) - len(dated))
    assert all(e["sentence"] and e["doc"] for e in t["entries"])
    # statements of undated articles are dated by their own sentences when they say a year
    assert any(e["date_source"] == "sentence" for e in t["entries"])


# --- the viewer's period filter in a browser ----------------------------------------------

def test_viewer_period_filter_hides_what_falls_outside(corpus, tmp_path, browser):
    from test_viewer_browser import Opened

    out = tmp_path / "g.html"
    kg("view", "--store", corpus, "--out", out)
    opened = Opened(browser, out)
    shown = "() => [kgEdgesView.getIds().length, kgNodesView.getIds().length]"
    assert opened.js(shown) == [8, 8]
    assert opened.js("() => document.getElementById('kg-period-section').hidden") is False
    opened.js("() => kgSetPeriod(2021, 2021, false)")
    assert opened.js(shown) == [2, 3]
    names = opened.js("() => kgNodesView.get().map(n => n.label).sort()")
    assert names == sorted(["星河大学", "东岳科技有限公司", "清河高新区"])
    opened.js("() => kgSetPeriod(2023, null, true)")    # with the undated statement
    assert opened.js(shown) == [4, 6]
    opened.page.fill("#kg-year-from", "2019")
    opened.page.dispatch_event("#kg-year-from", "change")
    assert opened.js(shown) == [8, 8]
    assert opened.errors == [] and opened.blocked == []
