"""Gold annotation files aligned to the text the pipeline reads.

A gold file (``../shared/docs/ANNOTATION.md``) names entities and relations
but gives no offsets. Training needs character spans, so each entity's name
and aliases are looked up in the document's cleaned text (the text
:func:`kg.extraction.cleaning.normalise` makes, in Simplified characters): longer forms
first, a position taken once.

Example
-------
>>> gold = {"doc": "a.txt", "relations": [],
...         "entities": [{"name": "星河大学", "type": "University", "aliases": ["星大"]}]}
>>> example = align("星河大学（星大）签约。", gold)
>>> example["spans"]
[(0, 4, 'University', '星河大学'), (5, 7, 'University', '星河大学')]
"""

from __future__ import annotations

import json
from pathlib import Path

from kg.extraction.cleaning import norm, normalise
from kg.extraction.reading import iter_documents


def gold_files(gold_dirs) -> list[Path]:
    """The ``*.json`` gold files of each folder, in sorted order."""
    files = []
    for folder in gold_dirs:
        files.extend(sorted(Path(folder).glob("*.json")))
    return files


def align(text: str, gold: dict) -> dict:
    """Locate the gold entities of one document in its cleaned ``text``.

    Returns ``{"doc", "text", "spans", "entities", "relations", "forms"}``
    where ``spans`` are ``(start, end, type, name)`` sorted by start and
    ``forms`` maps every normalised name or alias to its entity's name.
    """
    forms: dict[str, tuple[str, str]] = {}
    for ent in gold.get("entities", []):
        for form in [ent["name"], *ent.get("aliases", [])]:
            key = norm(form)
            if len(key) >= 2:
                forms.setdefault(key, (ent["name"], ent["type"]))
    searchable = norm_keep_length(text)
    taken = [False] * len(text)
    spans = []
    for form in sorted(forms, key=len, reverse=True):
        name, etype = forms[form]
        start = searchable.find(form)
        while start != -1:
            end = start + len(form)
            if not any(taken[start:end]):
                spans.append((start, end, etype, name))
                for i in range(start, end):
                    taken[i] = True
            start = searchable.find(form, start + 1)
    spans.sort()
    return {"doc": gold["doc"], "text": text, "spans": spans,
            "entities": gold.get("entities", []), "relations": gold.get("relations", []),
            "forms": {form: name for form, (name, _) in forms.items()}}


def norm_keep_length(text: str) -> str:
    """:func:`kg.extraction.cleaning.norm` character by character, so offsets stay
    those of ``text`` (white space is kept as a space)."""
    return "".join(norm(ch) if len(norm(ch)) == 1 else (" " if not ch.strip() else ch)
                   for ch in text)


def load_examples(gold_dirs, text_paths, read=None) -> list[dict]:
    """Aligned examples for every gold file whose document is among
    ``text_paths`` (files or folders, matched by file name).

    ``read`` turns a document record into its cleaned text (by default
    :func:`kg.extraction.cleaning.normalise` of the raw text). Each example also carries
    ``gold_dir``, the name of the folder its gold file came from.
    """

    read = read or (lambda record: normalise(record["raw"])[0])
    records = {}
    for record in iter_documents(text_paths):
        records.setdefault(record["doc"], record)
    examples = []
    for path in gold_files(gold_dirs):
        gold = json.loads(path.read_text(encoding="utf-8"))
        record = records.get(gold["doc"])
        if record is None:
            continue
        example = align(read(record), gold)
        example["gold_dir"] = path.parent.name
        example["record"] = record
        examples.append(example)
    return examples
