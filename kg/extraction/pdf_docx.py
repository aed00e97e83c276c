"""Text of the files offices keep: PDF (its text layer) and Word ``.docx``.

Press clippings are kept as PDF files and Word documents more often than
as plain text.  This module takes their text out, as it stands, for
:mod:`kg.extraction.reading` to make a document record of; the artefacts a
PDF's text layer brings (lines broken inside sentences, spaces between
characters, doubled headlines) are repaired later, as for any text, by
:func:`kg.extraction.cleaning.repair`.

* :func:`pdf_text` reads each page's text layer with pypdf; a page without
  one (a scanned page, an image) is left out and its number returned, and a
  file none of whose pages has text raises :class:`PagesNeedOCR`, one line
  saying it needs OCR (this tool does no OCR).
* :func:`docx_text` reads the body's paragraphs and tables, in the order of
  the document, with python-docx; headers and footers are left out.

Both libraries are pure Python and actively maintained.  A file they
cannot read raises :class:`UnreadableFile` (an image-only PDF its subclass
:class:`PagesNeedOCR`), whose message is the problem; the reader turns it
into a one-line :class:`kg.extraction.reading.IngestError` naming the file.

Example
-------
>>> import io, tempfile, pathlib, docx
>>> d = docx.Document()
>>> _ = d.add_paragraph("甲乙大学与丙丁公司签约。")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "a.docx"
>>> d.save(path)
>>> docx_text(path)
'甲乙大学与丙丁公司签约。'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["pdf_text", "docx_text", "UnreadableFile", "PagesNeedOCR", "OCR_PROBLEM"]

#: The problem an image-only PDF is reported with (one line, after its name).
OCR_PROBLEM = "no page has a text layer (a scanned PDF?): it needs OCR, which kg does not do"


class UnreadableFile(ValueError):
    """A PDF or Word file whose text cannot be taken out; the message says why."""


class PagesNeedOCR(UnreadableFile):
    """A PDF none of whose pages has a text layer."""


def pdf_text(path: str | os.PathLike) -> tuple[str, list[int]]:
    """The text layer of a PDF, page after page, and the pages without one.

    Parameters
    ----------
    path : str or PathLike
        A ``.pdf`` file.

    Returns
    -------
    (str, list of int)
        The text of the pages that have some, joined by line breaks, and
        the (1-based) numbers of the pages that have none.

    Raises
    ------
    PagesNeedOCR
        No page has a text layer.
    UnreadableFile
        The file is not a PDF pypdf can read (damaged, encrypted).

    Example
    -------
    >>> import tempfile, pathlib, pypdf
    >>> w = pypdf.PdfWriter(); _ = w.add_blank_page(200, 200)
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "scan.pdf"; _ = w.write(p)
    >>> try:
    ...     pdf_text(p)
    ... except PagesNeedOCR as exc:
    ...     print(exc)
    no page has a text layer (a scanned PDF?): it needs OCR, which kg does not do
    """
    import pypdf
    from pypdf.errors import PyPdfError

    pages, empty = [], []
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("encrypted PDF: give a copy without a password")
        for number, page in enumerate(reader.pages, 1):
            text = page.extract_text() or ""
            if text.strip():
                pages.append(text.strip("\n"))
            else:
                empty.append(number)
    except UnreadableFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableFile(f"cannot read PDF ({exc})") from None
    if not pages:
        raise PagesNeedOCR(OCR_PROBLEM)
    return "\n".join(pages), empty


def docx_text(path: str | os.PathLike) -> str:
    """The body text of a Word ``.docx`` file: one line per paragraph or
    table row (cells joined by a space), in document order.

    Raises :class:`UnreadableFile` for a file python-docx cannot open (an old
    binary ``.doc`` renamed, a damaged archive).
    """
    import zipfile

    import docx
    from docx.opc.exceptions import OpcError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(Path(path)))
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile(f"cannot read Word document ({exc.__class__.__name__}: "
                             "not a .docx file?)") from None
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells))
                lines.append(" ".join(c for c in cells if c))
    return "\n".join(lines).strip("\n")
