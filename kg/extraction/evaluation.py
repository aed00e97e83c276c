"""Score extracted relations and entities against gold annotations.

The scoring follows the reference scorer of the annotation guide exactly
(``score.py`` beside the gold files), so ``kg eval`` and that script print
the same numbers: a relation matches a gold relation of the same document
when the predicates are equal and each end equals (after NFKC, white-space
removal and Traditional→Simplified) the gold end's name, an alias, or an
accepted alternative; symmetric predicates match either way; each gold
relation is matched once and further matches count as duplicates.

Example
-------
>>> gold = {"a.txt": {"entities": {"甲大学": ({"甲大学"}, "University")},
...                   "relations": [{"p": "builds", "s": {"甲大学"}, "o": {"乙中心"}, "raw": {}}]}}
>>> system = {"a.txt": [{"subject": "甲大学", "predicate": "builds", "object": "乙中心"}]}
>>> by_pred, dup, errors, misses = score_relations(gold, system)
>>> by_pred["builds"]
[1, 1, 1]
"""

from __future__ import annotations

import collections
import json
from pathlib import Path

from kg.extraction.cleaning import norm
from kg.extraction.document import extract_paths
from kg.extraction.pipeline import build_pipeline
from kg.extraction.training import cross_validate
from kg.records import SYMMETRIC


class GoldError(ValueError):
    """A gold file that does not follow the annotation format."""


def load_gold(gold_dir: str | Path) -> dict:
    """Read every ``*.json`` gold file of ``gold_dir``.

    Raises :class:`GoldError` naming the file when a relation names an
    entity that the file does not list.
    """
    docs = {}
    for path in sorted(Path(gold_dir).glob("*.json")):
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise GoldError(f"{path}: not a JSON gold file ({exc})") from None
        names = {}
        for ent in gold.get("entities", []):
            forms = {norm(ent["name"])} | {norm(a) for a in ent.get("aliases", [])}
            names[ent["name"]] = (forms, ent["type"])
        rels = []
        for rel in gold.get("relations", []):
            ends = []
            for end in ("s", "o"):
                for name in [rel[end], *rel.get(end + "_alt", [])]:
                    if name not in names:
                        raise GoldError(f"{path}: relation {rel['s']} {rel['p']} {rel['o']}: "
                                        f"entity {name!r} is not listed in entities")
                forms = set(names[rel[end]][0])
                for alt in rel.get(end + "_alt", []):
                    forms |= names[alt][0]
                ends.append(forms)
            rels.append({"p": rel["p"], "s": ends[0], "o": ends[1], "raw": rel})
        docs[gold["doc"]] = {"entities": names, "relations": rels}
    return docs


def prf(tp: int, n_sys: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1."""
    p = tp / n_sys if n_sys else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_relations(gold: dict, system: dict):
    """Match system relations to gold ones, per document.

    Returns ``(by_predicate, duplicates, errors, misses)`` where
    ``by_predicate[p] == [tp, n_system, n_gold]``.
    """
    by_pred = collections.defaultdict(lambda: [0, 0, 0])
    misses, errors = [], []
    duplicates = 0
    for doc, g in gold.items():
        for rel in g["relations"]:
            by_pred[rel["p"]][2] += 1
        seen, matched = set(), set()
        for rel in system.get(doc, []):
            key = (norm(rel["subject"]), rel["predicate"], norm(rel["object"]))
            if key in seen:
                continue
            seen.add(key)
            s, p, o = key
            ss = rel.get("_subject_forms", set()) | {s}
            os_ = rel.get("_object_forms", set()) | {o}
            hit = None
            for i, gr in enumerate(g["relations"]):
                if gr["p"] != p:
                    continue
                if (ss & gr["s"] and os_ & gr["o"]) or (p in SYMMETRIC and ss & gr["o"] and os_ & gr["s"]):
                    if i not in matched:
                        hit = i
                        break
                    hit = -1
            if hit == -1:
                duplicates += 1
                continue
            by_pred[p][1] += 1
            if hit is None:
                errors.append((doc, rel["subject"], p, rel["object"]))
            else:
                matched.add(hit)
                by_pred[p][0] += 1
        for i, gr in enumerate(g["relations"]):
            if i not in matched:
                raw = gr["raw"]
                misses.append((doc, raw["s"], raw["p"], raw["o"]))
    return by_pred, duplicates, errors, misses


def score_entities(gold: dict, system_entities: dict) -> dict:
    """Entity precision, recall, F1 and type accuracy."""
    tp_sys = n_sys = tp_gold = n_gold = typed = type_ok = 0
    for doc, g in gold.items():
        found = system_entities.get(doc, {})
        n_gold += len(g["entities"])
        n_sys += len(found)
        for forms, gtype in g["entities"].values():
            hits = [found[f] for f in forms if f in found]
            if hits:
                tp_gold += 1
                typed += 1
                type_ok += any(t == gtype for t in hits)
        all_forms = set().union(*[f for f, _ in g["entities"].values()]) if g["entities"] else set()
        tp_sys += sum(1 for f in found if f in all_forms)
    p = tp_sys / n_sys if n_sys else 0.0
    r = tp_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f,
            "type_accuracy": type_ok / typed if typed else 0.0, "gold": n_gold, "system": n_sys}


def evaluate(gold_dir, relations: list[dict], entities: list[dict] | None = None) -> dict:
    """Score extraction records against the gold files of ``gold_dir``.

    Returns the same structure as the reference scorer's ``--json`` output,
    plus ``errors`` and ``misses`` lists.
    """
    return score(load_gold(gold_dir), relations, entities)


def score(gold: dict, relations: list[dict], entities: list[dict] | None = None) -> dict:
    """:func:`evaluate` on gold already loaded (:func:`load_gold`)."""
    system = collections.defaultdict(list)
    sys_ents = collections.defaultdict(dict)
    for rel in relations:
        system[rel["doc"]].append(rel)
        for end in ("subject", "object"):
            sys_ents[rel["doc"]].setdefault(norm(rel[end]), rel.get(end + "_type"))
    if entities is not None:
        sys_ents = collections.defaultdict(dict)
        for ent in entities:
            for doc in ent.get("docs", []):
                for form in [ent["name"], *ent.get("aliases", [])]:
                    sys_ents[doc].setdefault(norm(form), ent.get("type"))
    by_pred, duplicates, errors, misses = score_relations(gold, _with_forms(system, entities))
    tp = sum(v[0] for v in by_pred.values())
    n_sys = sum(v[1] for v in by_pred.values())
    n_gold = sum(v[2] for v in by_pred.values())
    p, r, f = prf(tp, n_sys, n_gold)
    return {
        "documents": len(gold),
        "relations": {"precision": p, "recall": r, "f1": f, "true_positives": tp,
                      "system": n_sys, "gold": n_gold, "duplicates": duplicates},
        "by_predicate": {k: dict(zip(("tp", "system", "gold", "f1"), (*v, prf(*v)[2])))
                         for k, v in sorted(by_pred.items())},
        "entities": score_entities(gold, sys_ents),
        "errors": errors,
        "misses": misses,
    }


def _with_forms(system: dict, entities: list[dict] | None) -> dict:
    """Relations with every surface form their ends' entities list for the
    same document (the reference scorer's ``--entities`` matching)."""
    if entities is None:
        return system
    forms_of = collections.defaultdict(dict)
    for ent in entities:
        normed = {norm(f) for f in [ent["name"], *ent.get("aliases", [])]}
        for doc in ent.get("docs", []):
            for form in normed:
                forms_of[doc].setdefault(form, set()).update(normed)
    out = {}
    for doc, rels in system.items():
        forms = forms_of.get(doc, {})
        out[doc] = [dict(rel, _subject_forms=forms.get(norm(rel["subject"]), set()),
                         _object_forms=forms.get(norm(rel["object"]), set())) for rel in rels]
    return out


def score_by_type(gold: dict, entities: list[dict]) -> dict:
    """Entity precision, recall and F1 per gold type: a gold entity of type
    T is found when any of its forms is among the system's forms of its
    document; a system form typed T is right when it is any gold form."""
    found = collections.defaultdict(dict)
    for ent in entities:
        for doc in ent.get("docs", []):
            for form in [ent["name"], *ent.get("aliases", [])]:
                found[doc].setdefault(norm(form), ent.get("type"))
    counts = collections.defaultdict(lambda: [0, 0, 0, 0])   # tp_sys, sys, tp_gold, gold
    for doc, g in gold.items():
        forms = found.get(doc, {})
        all_forms = set().union(*[f for f, _ in g["entities"].values()]) if g["entities"] else set()
        for gforms, gtype in g["entities"].values():
            counts[gtype][3] += 1
            counts[gtype][2] += bool(gforms & set(forms))
        for form, stype in forms.items():
            counts[stype][1] += 1
            counts[stype][0] += form in all_forms
    out = {}
    for etype, (tp_sys, n_sys, tp_gold, n_gold) in sorted(counts.items(), key=lambda kv: str(kv[0])):
        p = tp_sys / n_sys if n_sys else 0.0
        r = tp_gold / n_gold if n_gold else 0.0
        out[str(etype)] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                           "system": n_sys, "gold": n_gold}
    return out


def evaluate_many(gold_dirs, relations: list[dict], entities: list[dict] | None = None,
                  texts: set[str] | None = None) -> dict:
    """Score against several gold folders at once: pooled, per folder, and
    per document (macro averages).

    Parameters
    ----------
    gold_dirs : list of path
        Gold folders; a document is scored once, by the first folder that
        has it.
    relations, entities : list of dict
        Extraction records (``doc`` names the document).
    texts : set of str, optional
        The document names that were extracted; gold files of other
        documents are left out (an error if that leaves none).

    Returns
    -------
    dict
        The pooled figures with the reference scorer's keys
        (``documents``, ``relations``, ``by_predicate``, ``entities``), plus
        ``entities_by_type``, ``macro`` (mean per-document relation and
        entity P/R/F1), and ``per_gold``: ``{folder name: {the same keys}}``.

    Example
    -------
    >>> import json, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "dev"; d.mkdir()
    >>> _ = (d / "a.json").write_text(json.dumps({"doc": "a.txt", "entities": [
    ...     {"name": "甲大学", "type": "University"}, {"name": "乙公司", "type": "Company"}],
    ...     "relations": [{"s": "甲大学", "p": "signsWith", "o": "乙公司"}]}))
    >>> r = evaluate_many([d], [{"doc": "a.txt", "subject": "乙公司", "predicate": "signsWith",
    ...                          "object": "甲大学"}])
    >>> r["relations"]["f1"], r["per_gold"]["dev"]["relations"]["f1"]
    (1.0, 1.0)
    """
    golds = {}
    seen = set()
    for gold_dir in gold_dirs:
        gold = load_gold(gold_dir)
        if not gold:
            raise GoldError(f"{gold_dir}: no gold file (*.json) in this folder")
        if texts is not None:
            gold = {doc: g for doc, g in gold.items() if doc in texts}
        gold = {doc: g for doc, g in gold.items() if doc not in seen}
        seen |= set(gold)
        golds[Path(gold_dir).name] = gold
    if texts is not None and not seen:
        raise GoldError(", ".join(map(str, gold_dirs)) +
                        ": no gold file names a document among the texts given")
    pooled = {doc: g for gold in golds.values() for doc, g in gold.items()}

    def figures(gold):
        result = score(gold, relations, entities)
        result["entities_by_type"] = score_by_type(gold, entities or [])
        return result

    result = figures(pooled)
    per_doc = [score({doc: g}, relations, entities) for doc, g in pooled.items()]
    result["macro"] = {
        part: {k: (sum(d[part][k] for d in per_doc) / len(per_doc) if per_doc else 0.0)
               for k in ("precision", "recall", "f1")}
        for part in ("relations", "entities")}
    result["per_gold"] = {}
    for name, gold in golds.items():
        part = figures(gold)
        docs = [d for d, doc in zip(per_doc, pooled) if doc in gold]
        part["macro"] = {
            p: {k: (sum(d[p][k] for d in docs) / len(docs) if docs else 0.0)
                for k in ("precision", "recall", "f1")} for p in ("relations", "entities")}
        result["per_gold"][name] = {k: v for k, v in part.items() if k not in ("errors", "misses")}
    return result


def format_many(result: dict, show: int = 0) -> str:
    """The report of :func:`evaluate_many`: the pooled table, then one line
    per gold folder, micro and macro."""
    lines = [format_report(result, show=show)]
    lines.append(f"{'entity type':18} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5}")
    for etype, v in result["entities_by_type"].items():
        lines.append(f"{etype:18} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['gold']:5}")
    m = result["macro"]
    lines.append(f"pooled, {result['documents']} documents: relations F1 {result['relations']['f1']:.3f} "
                 f"(macro {m['relations']['f1']:.3f}), entities F1 {result['entities']['f1']:.3f} "
                 f"(macro {m['entities']['f1']:.3f})")
    for name, part in result["per_gold"].items():
        r, e, pm = part["relations"], part["entities"], part["macro"]
        lines.append(f"{name}, {part['documents']} documents: relations P {r['precision']:.3f} "
                     f"R {r['recall']:.3f} F1 {r['f1']:.3f} (macro {pm['relations']['f1']:.3f}), "
                     f"entities F1 {e['f1']:.3f} (macro {pm['entities']['f1']:.3f})")
    return "\n".join(lines)


def format_report(result: dict, show: int = 0) -> str:
    """The report as the reference scorer prints it."""
    lines = [f"{'predicate':16} {'tp':>4} {'sys':>4} {'gold':>4} {'F1':>6}"]
    for k, v in result["by_predicate"].items():
        lines.append(f"{k:16} {v['tp']:4} {v['system']:4} {v['gold']:4} {v['f1']:6.3f}")
    e = result["entities"]
    lines.append(f"entities: P {e['precision']:.3f} R {e['recall']:.3f} "
                 f"F1 {e['f1']:.3f} type accuracy {e['type_accuracy']:.3f}")
    for label, rows in (("missed", result["misses"]), ("wrong", result["errors"])):
        for row in rows[:show]:
            lines.append(" ".join([label, *row]))
    r = result["relations"]
    lines.append(f"relations: P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} "
                 f"({r['true_positives']} of {r['gold']} gold, {r['system']} extracted, "
                 f"{r['duplicates']} duplicates)")
    return "\n".join(lines)


def evaluate_extraction(gold_dirs, paths, folds: int = 0, model=None, tagger: bool = True,
                        on_error=None, names: str = "crf") -> dict:
    """Extract from ``paths`` and score against ``gold_dirs``
    (:func:`evaluate_many`).

    With ``folds`` ≥ 2 the documents that have gold files are
    cross-validated (:func:`kg.extraction.training.cross_validate`): each is
    extracted by a name tagger (``names``: ``"crf"`` or ``"neural"``)
    trained without it.
    """
    for gold_dir in gold_dirs:
        load_gold(gold_dir)  # fail on a bad gold file before the slow part
    if folds >= 2:
        result = cross_validate(gold_dirs, paths, folds=folds, names=names)
        texts = set(result["folds"])
    else:
        nlp = build_pipeline(tagger=tagger, model=model)
        result = extract_paths(paths, on_error=on_error, nlp=nlp)
        texts = {d["doc"] for d in result["documents"]}
    return evaluate_many(gold_dirs, result["relations"], result["entities"], texts=texts)


def learning_curve(gold_dirs, text_paths, folds: int = 5, fractions=(0.25, 0.5, 1.0),
                   names: str = "crf", progress=None) -> list[tuple[float, dict]]:
    """Cross-validated figures (:func:`kg.extraction.training.cross_validate`, then
    :func:`evaluate_many`) with each fold trained on
    a ``fraction`` of its training documents: whether more gold would pay."""
    out = []
    for fraction in fractions:
        result = cross_validate(gold_dirs, text_paths, folds, names=names, fraction=fraction,
                                progress=progress)
        out.append((fraction, evaluate_many(gold_dirs, result["relations"], result["entities"],
                                            texts=set(result["folds"]))))
    return out
