"""The gold annotations of ``seeds/gold`` as ``extract_document``-shaped
results: a seeds graph independent of the extractor's recall, for the store,
query and analysis tests."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def gold_results(folder: Path = SEEDS) -> list[dict]:
    """One result per seed article, each relation's evidence located in the text."""
    results = []
    for txt in sorted(folder.glob("*.txt")):
        text = txt.read_text(encoding="utf-8")
        gold = json.loads((folder / "gold" / f"{txt.stem}.json").read_text(encoding="utf-8"))
        types = {e["name"]: e["type"] for e in gold["entities"]}
        relations = []
        for r in gold["relations"]:
            found = re.search(r"\s*".join(map(re.escape, r["evidence"])), text)
            relations.append({
                "doc": txt.name, "subject": r["s"], "predicate": r["p"], "object": r["o"],
                "subject_type": types[r["s"]], "object_type": types[r["o"]],
                "evidence": found.group(0), "start": found.start(), "end": found.end(),
                "trigger": None, "confidence": 1.0, "title": r.get("title")})
        doc = {"doc": txt.name, "doc_id": hashlib.sha256(text.encode()).hexdigest()[:16],
               "path": str(txt), "encoding": "utf-8", "text": text}
        results.append({"document": doc, "entities": gold["entities"], "relations": relations})
    return results
