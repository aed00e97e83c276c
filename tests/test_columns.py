"""Display columns of text: the fast count agrees with wcwidth character
by character, and tables of Chinese text line up."""

import sys

import pytest
from wcwidth import wcwidth

from kg.columns import _COMMON_WIDE, clip, clipped, display_width


def _reference(text: str) -> int:
    return sum(1 if c.isascii() else max(wcwidth(c), 0) for c in text)


def test_every_character_of_the_common_ranges_is_wide():
    ranges = _COMMON_WIDE.pattern.strip("[]")
    chars = [chr(c) for c in range(sys.maxunicode + 1)
             if 0x3000 <= c <= 0xffe6 and _COMMON_WIDE.fullmatch(chr(c))]
    assert len(chars) > 30_000 and ranges
    assert [c for c in chars if wcwidth(c) != 2] == []


@pytest.mark.parametrize("text", [
    "", "plain ascii", "湖湾大学", "“人工智能”产业园（二期）", "Café 北京 ½ ①", "한국어 カタカナ ｱｲｳ",
    "𠀀𪚥 emoji 🎉 and ⅷ", "科技·创新—合作…", "\u3000全角空格", "e\u0301 か\u3099"])
def test_width_agrees_with_east_asian_width(text):
    assert display_width(text) == _reference(text)


def test_width_agrees_on_every_bmp_character():
    text = "".join(chr(c) for c in range(0x20, 0x10000) if not 0xd800 <= c <= 0xdfff)
    assert display_width(text) == _reference(text)


@pytest.mark.parametrize("width", [1, 2, 5, 6, 7, 20, 60])
@pytest.mark.parametrize("text", ["湖湾大学智能制造研究院与洛阳鼎泉医疗器械有限公司签约",
                                  "Lab of AI 人工智能实验室 (Phase II)", "ascii only text that is long enough"])
def test_clip_fits_and_keeps_a_prefix(text, width):
    out = clip(text, width)
    assert clipped(text, width) == (out, display_width(out))
    assert display_width(out) <= width
    if display_width(text) <= width:
        assert out == text
    else:
        assert out.endswith("…") and text.startswith(out[:-1])
        # nothing more of the text would have fit
        assert display_width(text[:len(out)]) + 1 > width


def test_sparql_table_aligns_wide_cells(tmp_path):
    from kg.store.backends import Result, format_result

    rows = [[{"type": "literal", "value": "湖湾大学"}, {"type": "literal", "value": "x"}],
            [{"type": "literal", "value": "AB"}, {"type": "literal", "value": "“长名字”" * 20}]]
    lines = format_result(Result(kind="select", vars=["a", "b"], rows=rows)).splitlines()
    for line, first in zip(lines, ["a", "-" * 8, "湖湾大学", "AB"]):
        assert line.startswith(first + " " * (8 - display_width(first)) + "  ")
    assert display_width(lines[3]) == 8 + 2 + 60 and lines[3].endswith("…")
