"""Training the learned parts of the extractor, and cross-validating them.

``kg train GOLD_DIR… --texts DIR…`` calls :func:`train`: the gold files are
aligned to their documents (:mod:`kg.extraction.gold`), the rule components
and LAC run on each, the name tagger (:mod:`kg.extraction.names`) is fitted,
then the relation model (:mod:`kg.extraction.relations`) on the candidate
pairs the pipeline with that tagger reads; both are written to a model
folder, with a ``meta.json`` saying what they were trained on. ``kg eval … --folds K`` calls :func:`cross_validate`: each
document is extracted by a model trained without it (k-fold by document), so
the figure it gives is what a user's new articles can expect.

Example
-------
>>> split_folds(["a", "b", "c", "d", "e"], 2)
[0, 1, 0, 0, 1]
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from kg import __version__
from kg.extraction.components import NameTaggerComponent, RelationModelComponent
from kg.extraction.cleaning import norm
from kg.extraction.document import extract_document
from kg.extraction.gold import load_examples
from kg.extraction.names import NameTagger, bio_labels, char_features
from kg.extraction.pipeline import build_pipeline
from kg.extraction.relations import NONE, RelationModel, doc_candidates
from kg.records import SYMMETRIC

#: Hyper-parameters of the name tagger, chosen by 5-fold cross-validation
#: over the seeds and the development set (entity F1 0.789 vs 0.772/0.783).
NAME_PARAMS = {"c1": 0.02, "c2": 0.1, "max_iterations": 120}
#: Inverse L2 strength of the relation model, by the same cross-validation
#: (0.2: dev relation F1 0.471; 0.5: 0.466; 2.0: 0.452).
RELATION_C = 0.2


def split_folds(docs: list[str], k: int, seed: int = 0) -> list[int]:
    """A fold number per document (round robin, then shuffled by ``seed``):
    every document is in exactly one test fold."""
    folds = [i % k for i in range(len(docs))]
    random.Random(seed).shuffle(folds)
    return folds


def _rule_pipeline():
    """The rule components and LAC, without the learned parts (what the
    name tagger learns from)."""
    return build_pipeline(tagger=True, names=False, relation_model=False)


def sentence_examples(examples: list[dict], nlp=None) -> list[list[tuple]]:
    """Per document, the ``(text, LAC words, rule mentions, tokens, gold
    spans)`` of each sentence of the aligned examples, offsets in the
    sentence, from the rule components and LAC (not the tagger itself)."""
    nlp = nlp or _rule_pipeline()
    out = []
    for example in examples:
        with nlp.select_pipes(enable=["uic_sentences", "uic_lac", "uic_entities"]):
            doc = nlp(example["text"])
        sentences = []
        for base, text, rules, tokens in doc._.rule_mentions:
            end = base + len(text)
            words = [(s - base, e - base, t) for s, e, t in doc._.lac if s >= base and e <= end]
            spans = [(s - base, e - base, t) for s, e, t, _ in example["spans"]
                     if s >= base and e <= end]
            sentences.append((text, words, rules, tokens, spans))
        out.append(sentences)
    return out


def name_examples(examples: list[dict], nlp=None) -> list[tuple[list, list]]:
    """``(features, labels)`` sequences of the CRF tagger for every sentence
    of the aligned examples (:func:`sentence_examples`)."""
    return crf_sequences(sentence_examples(examples, nlp))


def crf_sequences(sentence_docs: list) -> list[list[tuple[list, list]]]:
    """The CRF's ``(features, labels)`` of per-document sentences."""
    return [[(char_features(text, words, rules, tokens), bio_labels(len(text), spans))
             for text, words, rules, tokens, spans in doc] for doc in sentence_docs]


def fit_names(sequences: list, out_dir: str | Path) -> Path:
    """Fit the name tagger on per-document sentence sequences and write it
    to ``out_dir``; returns the model file."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    component = NameTaggerComponent("uic_names", enabled=False, params=NAME_PARAMS)
    component.initialize(lambda: [pair for doc in sequences for pair in doc], path=out / NameTagger.MODEL_FILE)
    return out / NameTagger.MODEL_FILE


def fit_neural_names(sentence_docs: list, out_dir: str | Path, progress=None) -> Path:
    """Fine-tune LAC's encoder (:mod:`kg.extraction.finetune`, needs the
    ``train`` extra) on per-document sentences (:func:`sentence_examples`)
    and export it to ``out_dir``; returns the ONNX file."""
    from kg.extraction.finetune import encode, fit

    encoded = [encode(text, words, rules, spans)
               for doc in sentence_docs for text, words, rules, _, spans in doc]
    fit(encoded, out_dir, progress=progress)
    return Path(out_dir) / "names.onnx"


def fit_tagger(names: str, sentence_docs: list, out_dir, progress=None) -> Path:
    """Fit the name tagger ``names`` (``"neural"`` or ``"crf"``) on
    per-document sentences and write it to ``out_dir``."""
    if names == "neural":
        return fit_neural_names(sentence_docs, out_dir, progress)
    return fit_names(crf_sequences(sentence_docs), out_dir)


def relation_labels(doc, example: dict, candidates: list[dict]) -> list[str]:
    """The gold predicate of each candidate pair (or ``NONE``): a candidate
    is labelled with a gold relation of its document when each end's name or
    alias is among the gold end's forms (as the scorer matches), symmetric
    predicates either way; event candidates across sentences only with
    participatesIn or organizes."""
    forms = {e["name"]: {norm(e["name"])} | {norm(a) for a in e.get("aliases", [])}
             for e in example["entities"]}
    gold = []
    for rel in example["relations"]:
        s, o = set(forms[rel["s"]]), set(forms[rel["o"]])
        for alt in rel.get("s_alt", []):
            s |= forms[alt]
        for alt in rel.get("o_alt", []):
            o |= forms[alt]
        gold.append((s, rel["p"], o))
    ours = {e["name"]: {norm(e["name"])} | {norm(a) for a in e["aliases"]} for e in doc._.entities or ()}
    out = []
    for cand in candidates:
        ss = ours.get(cand["subject"], {norm(cand["subject"])})
        os_ = ours.get(cand["object"], {norm(cand["object"])})
        labels = {p for s, p, o in gold if (ss & s and os_ & o) or (p in SYMMETRIC and ss & o and os_ & s)}
        if "ev" in cand["features"]:
            labels &= {"participatesIn", "organizes"}
        out.append(min(labels) if labels else NONE)
    return out


def fit_relations(examples: list[dict], nlp, out_dir) -> Path:
    """Fit the relation model on the candidates of ``examples`` as ``nlp``
    (rules and a name tagger, no relation model) reads them; write it to
    ``out_dir``."""
    X, y = [], []
    for example in examples:
        with nlp.select_pipes(disable=[p for p in nlp.pipe_names if p == "uic_relation_model"]):
            doc = nlp(example["text"])
        candidates = doc_candidates(doc)
        X.extend(c["features"] for c in candidates)
        y.extend(relation_labels(doc, example, candidates))
    component = RelationModelComponent("uic_relation_model", enabled=False, C=RELATION_C)
    component.initialize(lambda: zip(X, y))
    component.to_disk(out_dir)
    return Path(out_dir) / RelationModel.MODEL_FILE


def train(gold_dirs, text_paths, out_dir, names: str = "crf", progress=None) -> dict:
    """Train the learned components on gold files and write them to ``out_dir``.

    Parameters
    ----------
    gold_dirs : list of path
        Folders of gold files (``ANNOTATION.md`` format).
    text_paths : list of path
        Files or folders holding the documents the gold files name.
    out_dir : path
        The model folder to write (``names.crfsuite``, ``meta.json``); give it
        to ``kg extract``/``kg build`` with ``--model``.

    Returns
    -------
    dict
        The ``meta.json`` content: version, documents, sentences, gold folders.
    """
    examples = load_examples(gold_dirs, text_paths)
    if not examples:
        raise ValueError("no gold file matches a document among the texts given")
    sequences = sentence_examples(examples)
    fit_tagger(names, sequences, out_dir, progress)

    fit_relations(examples, build_pipeline(model=out_dir, relation_model=False), out_dir)
    meta = {"kg_version": __version__,
            "model": ("names-lac-finetuned/1" if names == "neural" else "names-crf/1") + " relations-logreg/1",
            "documents": len(examples), "sentences": sum(len(s) for s in sequences),
            "gold": sorted({e["gold_dir"] for e in examples}),
            "params": {"names": NAME_PARAMS, "relations": {"C": RELATION_C}}}
    (Path(out_dir) / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    return meta


def _training_side(fold_of: list[int], k: int, fraction: float, seed: int) -> list[int]:
    """Indices of the documents fold ``k`` trains on: those of the other
    folds, a random ``fraction`` of them (at least one).

    >>> _training_side([0, 1, 1, 0, 1], 0, 1.0, 0), len(_training_side([0, 1, 1, 0, 1], 0, 0.5, 0))
    ([1, 2, 4], 2)
    """
    side = [i for i, f in enumerate(fold_of) if f != k]
    if fraction >= 1.0:
        return side
    keep = max(1, round(fraction * len(side)))
    return sorted(random.Random(seed + k).sample(side, keep))


def cross_validate(gold_dirs, text_paths, folds: int = 5, seed: int = 0,
                   progress=None, names: str = "crf", fraction: float = 1.0) -> dict:
    """Extract every gold document with a model trained without it.

    The documents that have gold files are split into ``folds`` folds by
    document (:func:`split_folds`); for each fold a name tagger (``names``:
    ``"crf"`` or ``"neural"``) and a relation model are trained on the
    others (a random ``fraction`` of them, for a learning curve) and the
    fold's documents are extracted with them.

    Returns
    -------
    dict
        ``{"relations", "entities", "folds": {doc: fold}}`` — records as
        :func:`kg.extraction.document.extract_document` gives, ready for
        :func:`kg.extraction.evaluation.evaluate`.
    """
    examples = load_examples(gold_dirs, text_paths)
    if len(examples) < folds:
        raise ValueError(f"{len(examples)} gold documents match the texts: too few for {folds} folds")
    sequences = sentence_examples(examples)
    fold_of = split_folds([e["doc"] for e in examples], folds, seed)
    relations, entities = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(folds):
            model = Path(tmp) / f"fold{k}"
            side = _training_side(fold_of, k, fraction, seed)
            fit_tagger(names, [sequences[i] for i in side], model)
            fit_relations([examples[i] for i in side],
                          build_pipeline(model=model, relation_model=False), model)
            nlp = build_pipeline(model=model)
            for example, f in zip(examples, fold_of):
                if f != k:
                    continue
                result = extract_document(example["record"], nlp=nlp)
                relations.extend(result["relations"])
                entities.extend(result["entities"])
            if progress:
                progress(k + 1, folds)
    return {"relations": relations, "entities": entities,
            "folds": {e["doc"]: f for e, f in zip(examples, fold_of)}}
