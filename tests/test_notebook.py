"""The walkthrough notebook runs top to bottom on a clean kernel and shows
what it promises: the seeds graph built, SPARQL answers, brokers, clusters,
two "who connects" answers, brokers by year as a chart, and the viewer inline."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "walkthrough.ipynb"


def _text(cell) -> str:
    out = []
    for output in cell.get("outputs", []):
        out.append(output.get("text", ""))
        out.extend(str(v) for v in output.get("data", {}).values())
    return "".join(out)


def test_walkthrough_runs_and_shows_answers(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not any(o.get("output_type") == "error" for o in c.get("outputs", [])) for c in code)
    text = "\n".join(_text(c) for c in code)
    assert "universities_platforms" in text and "ambassadors" in text
    assert "陕西理工大学 → 清远高新区:" in text
    # the appointed ambassador links the university to the zone (article 000)
    assert "殷晓练" in text
    assert "<iframe" in text
    # time: the dated seed article, and brokers by year drawn as a chart
    assert "003_60a6e2bfbe783274.txt 2024-07-15 date line" in text
    assert any("image/png" in o.get("data", {}) for c in code for o in c.get("outputs", []))
