"""Cleaning rules of :mod:`kg.extraction.cleaning`: each repair on its own, the fixed
point of :func:`repair`, Traditional→Simplified with the surface form kept,
and sentence offsets."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extraction.cleaning import (
    collapse_doubled_runs,
    join_broken_lines,
    normalise,
    remove_cjk_spaces,
    repair,
    split_sentences,
    to_simplified,
)

#: An invented article, as a PDF column would print it before wrapping.
ARTICLE = [
    "校地携手共促发展",
    "11月8日，星河大学与青山市人民政府在青山市签署全面战略合作协议，双方将在"
    "科技成果转化、人才培养和产业园区建设等方面持续深化合作。",
    "星河大学材料科学与工程学院副院长张建华表示，学院将与南湖高新区的企业共建联合实验室，"
    "推动一批新材料成果在青山落地转化。",
    "签约仪式上，蓝海新材料科技有限公司总经理刘志强介绍，公司今年研发投入超过三千万元，"
    "希望借助高校的人才和平台优势，攻克可降解材料的关键技术难题。",
    "青山市科技局局长王立新说，青山将为校地合作提供政策、资金和场地等全方位保障。",
    "据了解，星河大学近年来先后与二十多个地市开展校地合作，共建新型研发机构十余家，"
    "累计转化科技成果三百余项，带动合作企业新增产值超过五十亿元。",
    "下一步，双方将建立定期会商机制，每年召开一次联席会议，共同研究解决合作中遇到的问题。",
]


def wrap(paragraph: str, width: int = 18) -> list[str]:
    return [paragraph[i:i + width] for i in range(0, len(paragraph), width)]


def pdf_column(paragraphs: list[str], width: int = 18, blank_lines: bool = True) -> str:
    """The text as extracted from a PDF column: a (short) headline line, then every
    paragraph wrapped at ``width`` characters (blank lines between lines, as
    in the seed documents)."""
    sep = "\n\n" if blank_lines else "\n"
    lines = [paragraphs[0]]
    for paragraph in paragraphs[1:]:
        lines.extend(wrap(paragraph, width))
    return sep.join(lines) + "\n"


# --- line breaks inside sentences --------------------------------------------

@pytest.mark.parametrize("blank_lines", [True, False], ids=["blank-lines", "single-newlines"])
def test_column_wrapped_paragraphs_are_joined(blank_lines):
    raw = pdf_column(ARTICLE, blank_lines=blank_lines)
    assert len([line for line in raw.splitlines() if line]) > 3 * len(ARTICLE)
    cleaned = repair(raw)
    lines = cleaned.split("\n")
    # every paragraph comes back whole, on its own line, headline first
    assert lines == ARTICLE


def test_names_broken_by_the_column_are_whole_again():
    raw = pdf_column(ARTICLE, width=17)
    # the break falls inside names in the raw text …
    assert not all(name in raw for name in ("张建华", "蓝海新材料科技有限公司", "刘志强"))
    cleaned = repair(raw)
    for name in ("张建华", "蓝海新材料科技有限公司", "刘志强", "南湖高新区", "青山市科技局"):
        assert name in cleaned


def test_headline_and_short_lines_are_not_glued_to_the_paragraph():
    raw = pdf_column(ARTICLE)
    cleaned = repair(raw)
    assert cleaned.split("\n")[0] == ARTICLE[0]
    assert not cleaned.startswith(ARTICLE[0] + "本报讯")


def test_indented_first_lines_of_a_narrow_column_are_joined():
    """A page of wide columns (18 cells) with one article in a narrow one
    (14 cells) whose paragraphs open indented by two cells: a first line is
    12 cells, short for the page, but full for its column, and it breaks a
    sentence rather than ending a heading."""
    def indented(paragraph, width):
        return [paragraph[:width - 2]] + wrap(paragraph[width - 2:], width)

    narrow = ["青山海工智能装备产业化项目由蓝海新材料科技有限公司投资建设，一期占地一百二十亩。",
              "据介绍，星河大学材料科学与工程学院与该公司共建联合实验室，主攻海洋防腐材料。",
              *ARTICLE[1:4]]
    lines = [line for p in narrow for line in indented(p, 14)]
    wide = pdf_column(ARTICLE, width=18)
    cleaned = repair(wide * 3 + "\n\n".join(lines) + "\n\n" + wide * 3)
    out = cleaned.split("\n")
    for paragraph in narrow:
        assert paragraph in out
    assert out.count(ARTICLE[0]) == 6           # headlines stay on their own lines


def test_unwrapped_web_text_keeps_its_lines():
    text = "校地合作再结硕果\n星河大学与南湖高新区签约。\n双方将共建研究院。"
    assert join_broken_lines(text) == text
    assert repair(text) == text


# --- spaces between CJK characters -------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("持 续 深 化", "持续深化"),
    ("星 河 大 学 与 青 山 市 签 约", "星河大学与青山市签约"),
    ("双方\u3000将\u00a0持续 深化合作", "双方将持续深化合作"),
    ("2023 年 5 月", "2023年5月"),
    ("合作 ， 共赢 。", "合作，共赢。"),
])
def test_spaces_between_cjk_are_removed(raw, expected):
    assert remove_cjk_spaces(raw) == expected
    assert repair(raw) == expected


def test_spaces_between_latin_words_are_kept():
    assert repair("Star River University 与 AI Lab").startswith("Star River University")
    assert "AI Lab" in repair("星河大学 AI Lab 揭牌")


# --- doubled headline runs ---------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("双向奔赴双向奔赴", "双向奔赴"),
    ("校地合作：：双向奔赴双向奔赴", "校地合作：双向奔赴"),
    ("星河大学走进青山星河大学走进青山：：一场校地一场校地双向奔赴双向奔赴",
     "星河大学走进青山：一场校地双向奔赴"),
    ("喜讯！！", "喜讯！"),
])
def test_doubled_runs_and_punctuation_are_collapsed(raw, expected):
    assert collapse_doubled_runs(raw) == expected
    assert repair(raw) == expected


@pytest.mark.parametrize("word", ["天天", "研究研究", "看看", "谢谢谢谢", "人人参与"])
def test_ordinary_reduplication_is_kept(word):
    assert collapse_doubled_runs(word) == word


# --- replacement characters --------------------------------------------------

def test_replacement_characters_are_dropped():
    assert repair("星河\ufffd大学与蓝海\ufffd\ufffd新材料科技有限公司签约。") == \
        "星河大学与蓝海新材料科技有限公司签约。"
    assert "\ufffd" not in repair("\ufffd" * 5 + "正文。")


def test_crlf_bom_and_nul_are_normalised():
    assert repair("\ufeff星河大学\r\n签约。\r\n") == "星河大学\n签约。"
    assert repair("星河\x00大学") == "星河大学"


# --- fixed point ---------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    pdf_column(ARTICLE),
    pdf_column(ARTICLE, width=11, blank_lines=False),
    "持 续 深 化：：双向奔赴双向奔赴\n\n星河大学\ufffd与 南湖高新区签约。",
    "一二三一二三一二三一二三",
    "甲 乙\n丙 丁",
])
def test_repair_is_idempotent_on_examples(raw):
    once = repair(raw)
    assert repair(once) == once


_ALPHABET = st.sampled_from(list("星河大学与南湖高新区签约共建研究院合作双向奔赴持续深化") +
                            list("，。：！、“”") + [" ", "\u3000", "\n", "\n\n", "\ufffd", "2", "A"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=120).map("".join))
def test_repair_is_idempotent_property(raw):
    once = repair(raw)
    assert repair(once) == once


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=10, max_value=24), st.booleans())
def test_repair_of_any_column_width_restores_the_paragraphs(width, blank_lines):
    cleaned = repair(pdf_column(ARTICLE, width=width, blank_lines=blank_lines))
    assert repair(cleaned) == cleaned
    for paragraph in ARTICLE[1:]:
        assert paragraph in cleaned


# --- Traditional → Simplified ------------------------------------------------

TRADITIONAL = "東嶺理工大學與藍海新材料科技有限公司簽署戰略合作協議，共建聯合實驗室。"
SIMPLIFIED = "东岭理工大学与蓝海新材料科技有限公司签署战略合作协议，共建联合实验室。"


def test_traditional_is_converted_with_the_same_length():
    assert to_simplified(TRADITIONAL) == SIMPLIFIED
    assert len(to_simplified(TRADITIONAL)) == len(TRADITIONAL)


def test_normalise_keeps_the_original_surface_form():
    text, original = normalise(TRADITIONAL)
    assert text == SIMPLIFIED
    assert original == TRADITIONAL
    assert len(text) == len(original)


def test_normalise_repairs_before_converting_and_offsets_apply_to_both():
    raw = "東 嶺 理 工 大 學：：\n\n" + TRADITIONAL + "\n\n南湖高新區管委會表示支持。"
    text, original = normalise(raw)
    assert len(text) == len(original)
    assert "东岭理工大学" in text and "東嶺理工大學" in original
    for start, end in split_sentences(text):
        assert to_simplified(original[start:end]) == text[start:end]


@pytest.mark.parametrize("word", ["乾坤", "頭髮", "著名", "瞭解", "後臺", "於是", "佈局", "發展"])
def test_to_simplified_never_changes_the_length(word):
    out = to_simplified(word)
    assert len(out) == len(word)


def test_simplified_text_is_unchanged():
    assert to_simplified(SIMPLIFIED) == SIMPLIFIED
    assert normalise(SIMPLIFIED) == (SIMPLIFIED, SIMPLIFIED)


# --- sentence offsets ----------------------------------------------------------

SENTENCES_TEXT = (
    "星河大学与南湖高新区签约。张建华表示：“我们将全力推进。”双方能否共赢？\n"
    "  标题行\n"
    "青山市科技局支持！！蓝海新材料科技有限公司（以下简称“蓝海公司”）落户南湖高新区"
)


def test_split_sentences_offsets_cut_out_each_sentence():
    spans = split_sentences(SENTENCES_TEXT)
    sentences = [SENTENCES_TEXT[s:e] for s, e in spans]
    assert sentences == [
        "星河大学与南湖高新区签约。",
        "张建华表示：“我们将全力推进。”",
        "双方能否共赢？",
        "标题行",
        "青山市科技局支持！！",
        "蓝海新材料科技有限公司（以下简称“蓝海公司”）落户南湖高新区",
    ]


def test_split_sentences_spans_are_ordered_disjoint_and_cover_all_text():
    text = repair(pdf_column(ARTICLE))
    spans = split_sentences(text)
    assert spans == sorted(spans)
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        assert e1 <= s2
    # every non-space character of the text is in exactly one sentence
    covered = "".join("".join(text[s:e].split()) for s, e in spans)
    assert covered == "".join(text.split())
    for s, e in spans:
        assert text[s:e] == text[s:e].strip()
        assert text[s:e]


def test_split_sentences_of_empty_or_blank_text():
    assert split_sentences("") == []
    assert split_sentences(" \n\n\u3000 ") == []
