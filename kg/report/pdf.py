"""The page printed to PDF by headless Chromium.

The renderer is the system's Chromium (``/usr/bin/chromium``, or the one
``KG_CHROMIUM`` names), run headless with the flags of the tests'
browser fixture; its print layout is the page's ``@media print`` CSS (A4,
each section from a new page).  No network: the page loads nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kg.messages import KGError

__all__ = ["print_pdf", "chromium"]

#: The flags of a headless print: no sandbox (containers), no GPU, nothing fetched.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw"]


def chromium() -> str | None:
    """The Chromium to print with: ``KG_CHROMIUM``, else the first of
    ``chromium``, ``chromium-browser``, ``google-chrome`` on the PATH."""
    wanted = os.environ.get("KG_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).exists() else None
    return next((found for name in ("chromium", "chromium-browser", "google-chrome")
                 if (found := shutil.which(name))), None)


def print_pdf(html_file: str | Path, pdf_file: str | Path, *, timeout: float = 180) -> None:
    """Print ``html_file`` to ``pdf_file``; :class:`KGError` E401 (naming the
    PDF) when Chromium is missing or fails."""
    exe = chromium()
    pdf_file = Path(pdf_file)
    if exe is None:
        raise KGError("E401", path=str(pdf_file),
                      detail="no Chromium to print with (install chromium, or set KG_CHROMIUM)")
    with tempfile.TemporaryDirectory(prefix="kg-print-") as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}",
               f"--print-to-pdf={pdf_file.resolve()}", Path(html_file).resolve().as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise KGError("E401", path=str(pdf_file), detail=f"Chromium failed: {exc}") from None
    if done.returncode or not pdf_file.is_file() or pdf_file.stat().st_size == 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise KGError("E401", path=str(pdf_file), detail=f"Chromium printed nothing: {last}")
