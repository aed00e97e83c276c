"""Dates of documents and of statements (kg/extraction/dates.py), on
invented articles: every shape of publication date the issue names, the
page's metadata, the file name, a dateline whose year is elsewhere, an
undated document with its reason, and statement dates by sentence,
paragraph, past years and month-days."""

from __future__ import annotations

import pytest

from kg.extraction.dates import (apply_document_date, date_relations, document_date, find_dates,
                                 parse_date, statement_date)
from kg.extraction.reading import html_date, make_doc_id, read_document


# --- the date of a document -------------------------------------------------------

@pytest.mark.parametrize("text, date, evidence", [
    ("星河大学举办校企合作论坛\n2026年1月23日\n星河大学与蓝海科技有限公司签约。", "2026-01-23",
     "2026年1月23日"),
    ("学校新闻\n发布部门：合作处 发布时间:2024-01-15 浏览次数：8\n北辰学院与东岳公司签约。",
     "2024-01-15", "发布时间:2024-01-15"),
    ("北辰学院产教融合项目签约\n29.05.2018  12:43\n5月28日上午，北辰学院与东岳公司签约。",
     "2018-05-29", "29.05.2018"),
    ("南山大学与西岭集团共建实验室\n2014-09-01\n南山大学与西岭集团共建实验室。", "2014-09-01",
     "2014-09-01"),
    ("北辰学院新闻\n2019-03-07 10:21:05| 来源:北辰网\n北辰学院与东岳公司签约。", "2019-03-07",
     "2019-03-07"),
    ("标题\n发布时间:17-12-11\n北辰学院与东岳公司签约。", "2017-12-11", "发布时间:17-12-11"),
    ("标题\n2020年5月6日 星期三\n北辰学院与东岳公司签约。", "2020-05-06", "2020年5月6日"),
])
def test_date_lines(text, date, evidence):
    found = document_date(text)
    assert (found["date"], found["precision"], found["source"], found["evidence"]) == \
        (date, "day", "date line", evidence)


def test_a_date_that_opens_a_story_is_not_a_date_line():
    found = document_date("标题\n2021年11月27日，北辰学院与东岳公司签约。")
    assert found["date"] is None
    assert "no publication date" in found["missing"]


def test_dateline_takes_its_year_from_elsewhere_in_the_page():
    text = "東岳科技園簽約\n【記者林小雨/台中3月21日報導】東岳科技園與北辰大學簽約。\n版權所有 © 2019 東岳日報"
    found = document_date(text)
    assert (found["date"], found["source"]) == ("2019-03-21", "dateline")
    assert "2019" in found["evidence"]
    # simplified, as the cleaned text is, the year from a line that is only a month
    found = document_date("东岳日报\n2020年3月\n【记者林小雨/台中3月21日报导】东岳科技园与北辰大学签约。")
    assert (found["date"], found["source"]) == ("2020-03-21", "dateline")


def test_dateline_without_a_year_leaves_the_document_undated_with_the_reason():
    found = document_date("东岳网台中6月29日电 东岳科技园与北辰大学签约。")
    assert found["date"] is None
    assert found["missing"] == "a dateline (6月29日电) gives the day but the page gives no year"


@pytest.mark.parametrize("name, date, precision", [
    ("2023-06-01-signing.txt", "2023-06-01", "day"),
    ("news_20220315.html", "2022-03-15", "day"),
    ("2021年7月9日 签约.txt", "2021-07-09", "day"),
    ("report-2020-11.md", "2020-11", "month"),
    ("000_42554c0628e267aa.txt", None, None),     # a hash is not a date
    ("scan_1999123.txt", None, None),             # seven digits are not a date
])
def test_dates_in_file_names(name, date, precision):
    found = document_date("北辰学院与东岳公司签约。", filename=name)
    assert (found["date"], found["precision"]) == (date, precision)
    if date:
        assert found["source"] == "file name"


@pytest.mark.parametrize("html, published", [
    ('<html><head><meta property="article:published_time" content="2022-08-30T09:15:00+08:00">'
     '</head><body><article><p>北辰学院与东岳公司签约。</p></article></body></html>',
     "2022-08-30T09:15:00+08:00"),
    ('<html><body><article><p>北辰学院与东岳公司签约。</p>'
     '<time datetime="2021-04-12">4月12日</time></article></body></html>', "2021-04-12"),
    ('<html><head><meta name="pubdate" content="2020-10-01"></head>'
     '<body><p>北辰学院与东岳公司签约。</p></body></html>', "2020-10-01"),
])
def test_html_metadata(tmp_path, html, published):
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    record = read_document(path)
    assert record["published"] == published == html_date(html)
    bare = tmp_path / "bare.html"
    bare.write_text("<html><body><p>北辰学院与东岳公司签约。</p></body></html>", encoding="utf-8")
    assert "published" not in read_document(bare)
    assert record["doc_id"] == make_doc_id(record["raw"])   # the date is not the identity
    found = document_date(record["raw"], meta=record["published"])
    assert (found["date"], found["source"]) == (parse_date(published), "metadata")


def test_undated_document_says_why_and_never_uses_the_file_time(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text("9月3日，北辰学院与东岳科技有限公司签约。", encoding="utf-8")
    from kg.extraction.document import extract_document

    result = extract_document(read_document(path))
    doc = result["document"]
    assert doc["date"] is None and doc["date_source"] is None
    assert doc["date_missing"] == ("no publication date in the page, its text or its file "
                                   "name (days are named without a year: 9月3日)")
    # the sentence's day waits for a year: `kg build --date` gives it
    assert result["relations"] and all(r.get("date") is None for r in result["relations"])
    assert {r["date_expr"] for r in result["relations"]} == {"--09-03"}
    dated = apply_document_date(result, "2024")
    assert dated["document"]["date"] == "2024" and dated["document"]["date_source"] == "given"
    assert {(r["date"], r["date_source"]) for r in dated["relations"]} == {("2024-09-03", "sentence")}


def test_parse_date_refuses_what_is_not_a_date():
    assert parse_date("2024") == "2024" and parse_date("2024-2") == "2024-02"
    for bad in ("24", "2024-13", "2024-02-30", "next year", ""):
        with pytest.raises(ValueError):
            parse_date(bad)


# --- the date of a statement ------------------------------------------------------

def test_sentence_date_in_a_dated_article():
    text = "北辰日报\n2024年10月8日\n9月3日，北辰学院与东岳科技有限公司签约。"
    start = text.index("9月3日")
    when = statement_date(text, start, len(text), trigger="签约", doc_date="2024-10-08")
    assert when == {"date": "2024-09-03", "precision": "day", "source": "sentence", "expr": None}


def test_year_stated_in_the_sentence():
    s = "2019年，南山大学成立了南山创新研究院。"
    assert statement_date(s, 0, len(s), trigger="成立", doc_date="2024-06-01")["date"] == "2019"


def test_past_years_inside_a_recent_article_date_their_own_events():
    s = "从2003年成立西岭研究院，到2016年西岭研究院与东岳科技有限公司签约，再到2022年共建联合实验室。"
    assert statement_date(s, 0, len(s), trigger="成立", doc_date="2024-05-01")["date"] == "2003"
    assert statement_date(s, 0, len(s), trigger="签约", doc_date="2024-05-01")["date"] == "2016"
    assert statement_date(s, 0, len(s), trigger="共建", doc_date="2024-05-01")["date"] == "2022"


def test_a_date_after_the_trigger_in_another_clause_does_not_date_it():
    s = "北辰学院与东岳公司签约，2027年将建成新校区。"
    when = statement_date(s, 0, len(s), trigger="签约", doc_date="2024-05-01")
    assert (when["date"], when["source"]) == ("2024-05-01", "document")


def test_paragraph_opening_date_dates_its_next_sentences():
    text = "9月3日，北辰学院与东岳公司签约。双方还将共建北辰东岳实验室。\n南山大学与西岭集团合作。"
    second = text.index("双方")
    when = statement_date(text, second, text.index("\n"), trigger="共建", doc_date="2024-10-01")
    assert (when["date"], when["source"]) == ("2024-09-03", "paragraph")
    third = text.index("南山")
    when = statement_date(text, third, len(text), trigger="合作", doc_date="2024-10-01")
    assert (when["date"], when["source"]) == ("2024-10-01", "document")


def test_month_day_after_the_document_belongs_to_the_previous_year():
    s = "12月30日，北辰学院与东岳公司签约。"
    assert statement_date(s, 0, len(s), trigger="签约", doc_date="2024-01-05")["date"] == "2023-12-30"


def test_relative_years():
    assert [e.date for e in find_dates("去年，甲与乙签约；今年3月又与丙合作。", year=2024)] == \
        ["2023", "2024-03"]


def test_date_relations_keeps_the_relations_and_adds_their_dates():
    text = ("北辰日报\n2022-02-02\n2018年，北辰学院与东岳公司签约。北辰学院与西岭集团合作。\n"
            "南山大学与北辰学院签约。")
    a, b, c = text.index("2018年"), text.index("北辰学院与西岭"), text.index("南山")
    rels = [{"subject": "北辰学院", "object": "东岳公司", "predicate": "signsWith",
             "trigger": "签约", "start": a, "end": b},
            {"subject": "北辰学院", "object": "西岭集团", "predicate": "cooperatesWith",
             "trigger": "合作", "start": b, "end": c - 1},
            {"subject": "南山大学", "object": "北辰学院", "predicate": "signsWith",
             "trigger": "签约", "start": c, "end": len(text)}]
    dated = date_relations(rels, text, "2022-02-02")
    assert [(r["date"], r["date_source"]) for r in dated] == [
        ("2018", "sentence"), ("2018", "paragraph"), ("2022-02-02", "document")]
    assert [{k: v for k, v in r.items() if not k.startswith("date")} for r in dated] == rels
