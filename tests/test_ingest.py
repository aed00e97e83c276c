"""Tests for kg.extraction.reading: encodings, HTML/Markdown reduction, errors, folders,
doc ids and streaming of huge files. All texts are written here."""

from __future__ import annotations

import hashlib
import pickle
import random
import tracemalloc

import pytest

from kg.extraction import reading as ingest
from kg.extraction.reading import (
    IngestError, decode_bytes, describe_document, html_to_text, iter_blocks,
    iter_documents, make_doc_id, markdown_to_text, plausibility, read_document,
    sniff_encoding,
)

SIMPLIFIED = (
    "西安一所理工大学与本地新能源公司签署战略合作协议，双方将共建联合实验室。\n"
    "学校副校长在签约仪式上表示，此次合作将推动科研成果转化和人才培养。\n"
)
TRADITIONAL = (
    "臺北一所科技大學與當地半導體公司簽署產學合作備忘錄，雙方將共同培育人才。\n"
    "校長表示，這項合作有助於研究成果走出實驗室。\n"
)
# 䶮 (CJK extension A) and 𠮷 (plane 2) are in GB18030 but not in GBK.
GB18030_ONLY = "公司董事长刘䶮与“𠮷野”研究院院长共同出席签约仪式。\n"


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


# --- encodings -----------------------------------------------------------------

@pytest.mark.parametrize("text, codec, expected", [
    (SIMPLIFIED, "utf-8", "utf-8"),
    (SIMPLIFIED, "utf-8-sig", "utf-8-sig"),
    (SIMPLIFIED, "gbk", "gb18030"),
    (SIMPLIFIED, "gb2312", "gb18030"),
    (GB18030_ONLY, "gb18030", "gb18030"),
    (TRADITIONAL, "big5", "big5"),
    (TRADITIONAL, "utf-8", "utf-8"),
    (SIMPLIFIED, "utf-16", "utf-16"),
])
def test_each_encoding_decodes_exactly(tmp_path, text, codec, expected):
    path = write(tmp_path, "news.txt", text.encode(codec))
    record = read_document(path)
    assert record["raw"] == text
    assert record["encoding"] == expected
    assert record["format"] == "txt"
    assert record["doc"] == "news.txt"
    assert record["path"] == str(path)


def test_gb18030_only_characters_are_not_in_gbk():
    with pytest.raises(UnicodeEncodeError):
        GB18030_ONLY.encode("gbk")


@pytest.mark.parametrize("sentence", [
    "清华大学与一家汽车企业签约。",
    "市政府支持高校建设产业园。",
    "该校与公司共建研究院",
])
def test_short_gbk_sentences_are_not_taken_for_big5(sentence):
    data = sentence.encode("gbk")
    assert decode_bytes(data) == (sentence, "gb18030")


@pytest.mark.parametrize("sentence", [
    "國立大學與電子公司簽約。",
    "學校與企業合作成立研發中心",
    "產學研合作會議在臺中舉行。",
])
def test_short_big5_sentences_are_not_taken_for_gbk(sentence):
    data = sentence.encode("big5")
    data.decode("gb18030")          # decodes without error, to garbage
    assert decode_bytes(data) == (sentence, "big5")


def test_gbk_bytes_that_also_decode_as_big5_go_to_gb18030():
    data = SIMPLIFIED.encode("gbk")
    wrong = data.decode("big5", errors="replace")
    assert plausibility(wrong) < ingest.MIN_PLAUSIBILITY
    assert plausibility(SIMPLIFIED) > 0.9
    assert decode_bytes(data)[1] == "gb18030"


def test_raw_is_faithful_no_conversion_or_newline_change(tmp_path):
    text = "臺灣大學\r\n與企業簽約。\r\n"
    path = write(tmp_path, "crlf.txt", text.encode("big5"))
    assert read_document(path)["raw"] == text


# --- doc ids -------------------------------------------------------------------

def test_doc_id_is_sha256_of_decoded_text_and_stable(tmp_path):
    path = write(tmp_path, "a.txt", SIMPLIFIED.encode("gbk"))
    first, second = read_document(path), read_document(path)
    expected = hashlib.sha256(SIMPLIFIED.encode("utf-8")).hexdigest()[:16]
    assert first["doc_id"] == second["doc_id"] == expected
    assert make_doc_id(SIMPLIFIED) == expected


def test_same_text_in_different_encodings_gets_same_doc_id(tmp_path):
    ids = {read_document(write(tmp_path, f"{codec}.txt", SIMPLIFIED.encode(codec)))["doc_id"]
           for codec in ("utf-8", "utf-8-sig", "gbk", "gb18030")}
    assert len(ids) == 1


def test_different_text_gets_different_doc_id(tmp_path):
    a = read_document(write(tmp_path, "a.txt", SIMPLIFIED))
    b = read_document(write(tmp_path, "b.txt", SIMPLIFIED + "补充一句。"))
    assert a["doc_id"] != b["doc_id"]


def test_make_doc_id_over_blocks_equals_over_text():
    assert make_doc_id(["西安", "交大", ""]) == make_doc_id("西安交大")


# --- HTML ----------------------------------------------------------------------

PAGE_WITHOUT_ARTICLE_TAG = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>某大学新闻网</title>
<style>.x {{ color: red }}</style>
<script>var msg = "脚本里的文字不应出现";</script></head>
<body>
<div id="top-header" class="site-header"><a href="/">某大学新闻网首页</a></div>
<nav><ul><li><a href="/">学校首页</a></li><li><a href="/news">新闻中心</a></li>
<li><a href="/about">学校概况</a></li></ul></nav>
<div class="breadcrumb">当前位置：首页 &gt; 新闻中心 &gt; 合作交流</div>
<div class="wrap">
  <div class="left-menu"><ul><li><a href="/a">通知公告</a></li><li><a href="/b">媒体聚焦</a></li></ul></div>
  <div class="content">
    <h1>我校与某新能源公司签署战略合作协议</h1>
    <p class="info">发布时间：2024年5月20日</p>
    <p>　　5月20日，我校与某新能源公司在行政楼签署战略合作协议，
       双方将共建储能技术联合实验室。</p>
    <p>　　副校长王某在致辞中表示，学校将发挥学科优势，<b>推动</b>科研成果转化。</p>
    <p>公司总经理李某介绍了企业的发展情况。<br>双方还将联合培养研究生。</p>
    <ul class="xgxw"><li><a href="/n1">我校召开科研工作会议</a></li>
      <li><a href="/n2">我校举办就业双选会</a></li></ul>
    <p>上一篇：<a href="/p">我校获批省级重点实验室</a></p>
  </div>
  <div class="sidebar"><h3>热点新闻</h3><p>侧栏里的热点新闻内容</p></div>
</div>
<div class="footer"><p>版权所有 &copy; 2024 某大学 地址：某市某路1号</p></div>
<!-- 注释里的文字 -->
</body></html>"""

ARTICLE_SENTENCES = [
    "5月20日，我校与某新能源公司在行政楼签署战略合作协议，双方将共建储能技术联合实验室。",
    "副校长王某在致辞中表示，学校将发挥学科优势，推动科研成果转化。",
    "公司总经理李某介绍了企业的发展情况。",
    "双方还将联合培养研究生。",
]
BOILERPLATE = ["脚本里的文字", "学校首页", "新闻中心", "学校概况", "当前位置", "通知公告",
               "我校召开科研工作会议", "上一篇", "侧栏里的热点新闻", "版权所有",
               "注释里的文字", "某大学新闻网首页", "color"]


def test_html_keeps_only_article_text_by_cjk_density(tmp_path):
    path = write(tmp_path, "page.html", PAGE_WITHOUT_ARTICLE_TAG.format(charset="utf-8"))
    record = read_document(path)
    raw = record["raw"]
    assert record["format"] == "html"
    lines = raw.split("\n")
    for sentence in ARTICLE_SENTENCES:
        assert sentence in lines, sentence      # each paragraph on its own line
    assert lines[0] == "我校与某新能源公司签署战略合作协议"
    for junk in BOILERPLATE:
        assert junk not in raw, junk


def test_gbk_html_page(tmp_path):
    page = PAGE_WITHOUT_ARTICLE_TAG.format(charset="gbk")
    path = write(tmp_path, "page.htm", page.encode("gbk"))
    record = read_document(path)
    assert record["encoding"] == "gb18030"
    assert record["format"] == "html"
    assert ARTICLE_SENTENCES[0] in record["raw"]
    assert "学校首页" not in record["raw"]


def test_html_prefers_article_element():
    page = """<html><body>
    <header><h2>某市日报</h2><a href="/">首页</a> <a href="/gov">时政</a></header>
    <aside>广告：欢迎订阅本报电子版，每天推送最新消息给您，请扫码关注公众号。</aside>
    <article>
      <header><h1>高新区与三所高校共建创新平台</h1></header>
      <p>市政府与三所高校签约，共同建设科技成果转化平台。</p>
      <div class="share">分享到：微信 微博</div>
      <p>平台将为入驻企业提供技术服务。</p>
      <footer>责任编辑：张某</footer>
    </article>
    <footer>本报地址</footer></body></html>"""
    text = html_to_text(page)
    assert text == ("高新区与三所高校共建创新平台\n"
                    "市政府与三所高校签约，共同建设科技成果转化平台。\n"
                    "平台将为入驻企业提供技术服务。")


def test_html_without_text_is_an_error(tmp_path):
    path = write(tmp_path, "blank.html", "<html><body><nav><a href='/'>首页</a></nav>"
                                         "<script>var a = 1;</script></body></html>")
    with pytest.raises(IngestError, match=r"blank\.html: no article text"):
        read_document(path)


# --- Markdown ------------------------------------------------------------------

MARKDOWN = """---
title: 新闻稿
---
# 浙江某大学与杭州某科技公司签约

发布日期：**2024年3月1日**

![签约现场](images/sign.jpg)

3月1日，*浙江某大学*与[杭州某科技公司](https://example.com/co)签署协议，
双方将共建`人工智能`联合研究中心。

> 校长表示：合作将服务地方经济。

- 共建研究中心
- 联合培养博士生

| 单位 | 角色 |
|------|------|
| 浙江某大学 | 甲方 |

---

更多信息见[官网][site]。

[site]: https://example.com
"""


def test_markdown_markup_is_stripped(tmp_path):
    record = read_document(write(tmp_path, "news.md", MARKDOWN))
    raw = record["raw"]
    assert record["format"] == "md"
    assert raw.split("\n")[0] == "浙江某大学与杭州某科技公司签约"
    assert "发布日期：2024年3月1日" in raw
    assert "3月1日，浙江某大学与杭州某科技公司签署协议，" in raw
    assert "双方将共建人工智能联合研究中心。" in raw
    assert "校长表示：合作将服务地方经济。" in raw
    assert "共建研究中心\n联合培养博士生" in raw
    assert "浙江某大学 甲方" in raw
    assert "更多信息见官网。" in raw
    for markup in ("#", "**", "*", "![", "](", "http", "`", "> ", "- ", "|", "---", "title:"):
        assert markup not in raw, markup


def test_markdown_keeps_snake_case_and_escapes():
    assert markdown_to_text(r"变量 file_name 与 \*星号\* 保留") == "变量 file_name 与 *星号* 保留"


# --- errors --------------------------------------------------------------------

#: Maps every byte to a byte >= 0x80, to make random non-ASCII noise.
HIGH_BYTES = bytes(0x80 | b for b in range(256))


def assert_one_line_error(excinfo, name, problem):
    message = str(excinfo.value)
    assert "\n" not in message
    assert name in message
    assert problem in message
    assert isinstance(excinfo.value, ValueError)


@pytest.mark.parametrize("name, data, problem", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", " \n\t\r\n\u3000\n".encode("utf-8"), "empty file"),
    ("bom_only.txt", b"\xef\xbb\xbf", "empty file"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + b"\x00" * 64,
     "binary file (NUL bytes)"),
    ("controls.txt", bytes(range(1, 9)) * 50 + "签约".encode("utf-8"),
     "binary file (control characters)"),
    ("random.txt", random.Random(7).randbytes(3000).translate(HIGH_BYTES),
     "cannot decode text (not UTF-8, GB18030 or Big5)"),
    ("latin.txt", "Université et entreprise signent un accord".encode("latin-1"),
     "cannot decode text"),
    ("empty.md", b"---\n\n***\n", "empty file"),
])
def test_bad_files_raise_one_line_ingest_error(tmp_path, name, data, problem):
    path = write(tmp_path, name, data)
    with pytest.raises(IngestError) as excinfo:
        read_document(path)
    assert_one_line_error(excinfo, name, problem)
    assert excinfo.value.path == str(path)


def test_missing_path(tmp_path):
    with pytest.raises(IngestError) as excinfo:
        read_document(tmp_path / "gone.txt")
    assert_one_line_error(excinfo, "gone.txt", "no such file")


def test_unsupported_extension_given_explicitly(tmp_path):
    path = write(tmp_path, "report.xlsx", "签约")
    with pytest.raises(IngestError) as excinfo:
        read_document(path)
    assert_one_line_error(excinfo, "report.xlsx", "unsupported file type '.xlsx'")


def test_folder_given_to_read_document(tmp_path):
    with pytest.raises(IngestError, match="is a directory"):
        read_document(tmp_path)


def test_message_stays_one_line_with_odd_names():
    err = IngestError("a\nb.txt", "bad\nthing")
    assert str(err) == "a b.txt: bad thing"
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == str(err) and copy.problem == "bad thing"


# --- folders -------------------------------------------------------------------

def make_folder(tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / ".git").mkdir()
    write(root, "b_good.txt", SIMPLIFIED.encode("gbk"))
    write(root, "a_bad.txt", b"")
    write(root / "sub", "c_good.md", "# 标题\n\n高校与企业合作。")
    write(root / "sub", "d_page.html", "<p>园区管委会与大学签约。</p>")
    write(root, ".hidden.txt", "隐藏文件")
    write(root / ".git", "e.txt", "隐藏目录")
    write(root, "notes.xlsx", b"PK not a sheet")
    return root


def test_iter_documents_reports_bad_file_and_goes_on(tmp_path):
    root = make_folder(tmp_path)
    errors = []
    records = list(iter_documents(root, on_error=errors.append))
    assert [r["doc"] for r in records] == ["b_good.txt", "c_good.md", "d_page.html"]
    assert [r["format"] for r in records] == ["txt", "md", "html"]
    assert len(errors) == 1
    assert isinstance(errors[0], IngestError)
    assert str(errors[0]) == f"{root / 'a_bad.txt'}: empty file"


def test_iter_documents_reraises_without_on_error(tmp_path):
    root = make_folder(tmp_path)
    with pytest.raises(IngestError, match="a_bad.txt: empty file"):
        list(iter_documents(root))


def test_iter_documents_mixes_files_and_folders_and_reads_each_once(tmp_path):
    root = make_folder(tmp_path)
    single = write(tmp_path, "single.txt", TRADITIONAL.encode("big5"))
    errors = []
    records = list(iter_documents([single, root / "sub", root / "sub" / "c_good.md",
                                   tmp_path / "missing.txt", root / "notes.xlsx"],
                                  on_error=errors.append))
    assert [r["doc"] for r in records] == ["single.txt", "c_good.md", "d_page.html"]
    assert records[0]["encoding"] == "big5"
    assert [e.problem.split(" ")[0] for e in errors] == ["no", "unsupported"]


# --- streaming -----------------------------------------------------------------

def big_text(target_chars, seed=3):
    """Paragraphs of varying length, separated by blank lines or newlines."""
    rng = random.Random(seed)
    parts, size = [], 0
    sentences = [SIMPLIFIED.strip(), "某高校与园区管委会签订共建协议，共同打造创新平台。",
                 "Tsinghua University signed an agreement with a company."]
    while size < target_chars:
        paragraph = "".join(rng.choice(sentences) for _ in range(rng.randint(1, 30)))
        paragraph += rng.choice(["\n", "\n\n", "\r\n"])
        parts.append(paragraph)
        size += len(paragraph)
    return "".join(parts)


def test_iter_blocks_cuts_at_newlines_within_max_chars(tmp_path):
    text = big_text(1_500_000)
    path = write(tmp_path, "big.txt", text.encode("gb18030"))   # about 3 MB
    blocks = list(iter_blocks(path, "gb18030", max_chars=50_000))
    assert "".join(blocks) == text
    assert len(blocks) > 25
    assert all(0 < len(b) <= 50_000 for b in blocks)
    assert all(b.endswith("\n") for b in blocks)
    assert make_doc_id(blocks) == make_doc_id(text)


def test_iter_blocks_hard_cuts_a_line_longer_than_max_chars(tmp_path):
    text = "长" * 25 + "\n" + "短句。\n"
    path = write(tmp_path, "long.txt", text)
    blocks = list(iter_blocks(path, "utf-8", max_chars=10))
    assert "".join(blocks) == text
    assert all(len(b) <= 10 for b in blocks)


def test_iter_blocks_rejects_bytes_that_do_not_decode(tmp_path):
    path = write(tmp_path, "mixed.txt", SIMPLIFIED.encode("utf-8") + b"\xff\xfe")
    with pytest.raises(IngestError, match="mixed.txt: cannot decode text as utf-8"):
        list(iter_blocks(path, "utf-8"))


def test_huge_file_is_streamed_and_doc_id_matches(tmp_path):
    text = big_text(4_000_000)                    # about 9 MB in UTF-8
    data = text.encode("utf-8")
    assert len(data) > ingest.HUGE_FILE_BYTES
    path = write(tmp_path, "huge.txt", data)
    del data
    record = read_document(path)
    assert record["raw"] == text
    assert record["encoding"] == "utf-8"
    assert record["doc_id"] == make_doc_id(text)
    described = describe_document(path)
    assert "raw" not in described
    assert described == {k: v for k, v in record.items() if k != "raw"}


def test_sniffing_skips_an_ascii_head(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "READ_BYTES", 4096)
    monkeypatch.setattr(ingest, "HUGE_FILE_BYTES", 10_000)
    text = "Header line in plain ASCII.\n" * 1000 + TRADITIONAL * 50
    path = write(tmp_path, "late.txt", text.encode("big5"))
    assert sniff_encoding(path) == "big5"
    record = read_document(path)
    assert record["raw"] == text and record["encoding"] == "big5"
    assert describe_document(path)["doc_id"] == make_doc_id(text)


def test_streaming_whitespace_only_huge_file_is_empty(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "HUGE_FILE_BYTES", 100)
    path = write(tmp_path, "spaces.txt", b" \n" * 1000)
    with pytest.raises(IngestError, match="spaces.txt: empty file"):
        read_document(path)


def test_iter_blocks_memory_stays_bounded(tmp_path):
    text = big_text(4_000_000, seed=5)            # about 11 MB in UTF-8
    path = write(tmp_path, "bounded.txt", text.encode("utf-8"))
    del text
    tracemalloc.start()
    try:
        digest = make_doc_id(iter_blocks(path, "utf-8", max_chars=100_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(digest) == 16
    assert peak < 8 * ingest.READ_BYTES            # far below the file size


def test_docstring_examples_run():
    import doctest
    result = doctest.testmod(ingest, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10 and result.failed == 0
