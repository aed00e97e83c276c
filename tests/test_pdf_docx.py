"""PDF and Word files as offices keep them: their text is read, repaired
like any text, and stored; a scanned PDF is named as needing OCR.

The files are made here (invented articles): a PDF with a Chinese text
layer through reportlab's built-in CID font (no font file needed), an
image-only PDF standing for a scan, and a .docx through python-docx."""

from __future__ import annotations

import docx
import pytest
from click.testing import CliRunner
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from kg.cli import main
from kg.extraction.cleaning import repair
from kg.extraction.pdf_docx import OCR_PROBLEM
from kg.extraction.reading import IngestError, iter_documents, read_document
from kg.store.backends import open_store

#: An invented article; printed in a PDF column it is the headline twice
#: (overprinted) and every paragraph broken into lines of 18 characters.
HEADLINE = "校企共建"
PARAGRAPHS = [
    "2023年5月12日，星河大学与蓝海新材料科技有限公司在南湖高新区正式签约，"
    "双方将共建先进材料联合实验室，推动科研成果在园区转化落地。",
    "南湖高新区管委会主任王立新出席签约仪式并致辞，他表示园区将为校企合作"
    "提供场地、资金和人才政策等全方位支持，助力企业攻克关键技术难题。",
    "据介绍，蓝海新材料科技有限公司成立于二〇一五年，主要从事可降解材料的研发和生产，"
    "近年来研发投入逐年增长，已与多所高校建立了长期稳定的合作关系。",
]
COLUMN = [HEADLINE * 2] + [p[i:i + 18] for p in PARAGRAPHS for i in range(0, len(p), 18)]
PDF_LINES, PAGE_TWO = COLUMN[:9], COLUMN[9:]      # the page breaks inside a paragraph
DOCX_PARAGRAPHS = ["东岭理工大学与青山华达化工有限公司签署合作协议。",
                   "2022年9月3日，双方共建智能制造研究院。"]


def _pdf(path, pages, scanned=()):
    """A PDF whose pages have the given lines as text; a page number in
    ``scanned`` gets a drawn picture instead and no text at all."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    for number, lines in enumerate(pages, 1):
        if number in scanned:
            c.rect(72, 500, 300, 200, fill=1)        # ink, no text layer
        else:
            c.setFont("STSong-Light", 12)
            for i, text in enumerate(lines):
                c.drawString(72, 760 - 18 * i, text)
        c.showPage()
    c.save()
    return path


def _docx(path, paragraphs, table=None):
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for k, cell in enumerate(row):
                t.cell(r, k).text = cell
    d.save(path)
    return path


def test_pdf_text_layer_is_read_page_by_page_and_repaired(tmp_path):
    pdf = _pdf(tmp_path / "clip.pdf", [PDF_LINES, PAGE_TWO])
    record = read_document(pdf)
    assert record["format"] == "pdf" and "pages_without_text" not in record
    assert record["encoding"] is None          # no character encoding: the fonts' maps
    assert record["raw"].splitlines() == PDF_LINES + PAGE_TWO
    assert repair(record["raw"]).splitlines() == [HEADLINE] + PARAGRAPHS


def test_a_page_without_text_is_left_out_and_listed(tmp_path):
    pdf = _pdf(tmp_path / "half.pdf", [PDF_LINES, ["图"], PAGE_TWO], scanned={2})
    record = read_document(pdf)
    assert record["pages_without_text"] == [2]
    assert record["raw"].splitlines() == PDF_LINES + PAGE_TWO


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    path = _docx(tmp_path / "note.docx", DOCX_PARAGRAPHS,
                 table=[["合作单位", "星河大学"], ["签约日期", "2022年9月3日"]])
    record = read_document(path)
    assert (record["format"], record["encoding"]) == ("docx", "utf-8")
    assert record["raw"].splitlines() == DOCX_PARAGRAPHS + ["合作单位 星河大学",
                                                            "签约日期 2022年9月3日"]


@pytest.mark.parametrize("name, content, problem", [
    ("scan.pdf", None, OCR_PROBLEM),
    ("broken.pdf", b"%PDF-1.4 not really", "cannot read PDF"),
    ("old.docx", b"\xd0\xcf\x11\xe0 a binary .doc renamed", "cannot read Word document"),
])
def test_unreadable_pdf_and_docx_give_one_line_naming_the_file(tmp_path, name, content,
                                                                problem):
    path = tmp_path / name
    if content is None:
        _pdf(path, [["图"]], scanned={1})
    else:
        path.write_bytes(content)
    with pytest.raises(IngestError) as excinfo:
        read_document(path)
    message = str(excinfo.value)
    assert message.startswith(f"{path}: {problem}") and "\n" not in message
    assert [r["doc"] for r in iter_documents(tmp_path, on_error=lambda e: None)] == []


def test_build_of_a_folder_of_pdf_and_docx_stores_their_statements(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _pdf(folder / "clip.pdf", [PDF_LINES, PAGE_TWO])
    _docx(folder / "note.docx", DOCX_PARAGRAPHS)
    _pdf(folder / "scan.pdf", [["图"]], scanned={1})
    store = tmp_path / "S"
    result = CliRunner().invoke(main, ["build", str(folder), "--store", str(store), "--quiet"])
    assert result.exit_code == 1, result.output            # one input skipped
    assert result.stderr.splitlines() == [f"kg: W201 skipped {folder / 'scan.pdf'}: {OCR_PROBLEM}"]
    assert result.stdout.startswith("added 2,")
    with open_store(str(store)) as s:
        relations = s.relations()
    found = {(r["doc"], r["subject"], r["object"]) for r in relations}
    assert ("clip.pdf", "星河大学", "蓝海新材料科技有限公司") in found
    assert ("note.docx", "东岭理工大学", "青山华达化工有限公司") in found


def test_build_names_the_pages_it_left_out_of_a_partly_scanned_pdf(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _pdf(folder / "half.pdf", [PDF_LINES, ["图"], PAGE_TWO, ["图"]], scanned={2, 4})
    result = CliRunner().invoke(main, ["build", str(folder), "--store", str(tmp_path / "S"),
                                       "--quiet"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"kg: W205 skipped pages 2, 4 of {folder / 'half.pdf'}: no text layer, they need OCR, "
        "which kg does not do (the other pages are stored)"]
    assert result.stdout.startswith("added 1,")


def test_doctests():
    import doctest

    import kg.extraction.pdf_docx
    import kg.extraction.reading

    assert doctest.testmod(kg.extraction.pdf_docx).failed == 0
    assert doctest.testmod(kg.extraction.reading).failed == 0
