"""The learned relation model: which predicate, if any, holds for a
candidate pair (:mod:`kg.extraction.candidates`), with a probability.

A multinomial logistic regression over the candidates' sparse features —
among them the rules' votes (:mod:`kg.extraction.relation_rules`), so the model learns when
a rule is right and what the rules never say. It is trained by
:mod:`kg.extraction.training` on gold files; scikit-learn is needed to train
it, not to use it: the model is saved as JSON (its feature weights per
predicate) and applied with plain Python, so a saved model reloads to
identical predictions on any machine.

The component ``uic_relation_model``
(:class:`kg.extraction.components.RelationModelComponent`) runs after the
rules: it keeps a rule's relation unless the model gives it a probability
below ``drop`` and adds the model's relations whose probability reaches
``add`` (:func:`combine`); every relation it scored carries the model's
probability as ``confidence``.  A predicate it saw fewer than
``min_examples`` times in training stays the rules' call.

Example
-------
>>> model = RelationModel.fit([{"bw=与": 1.0}, {"bw=的": 1.0}] * 3, ["signsWith", "NONE"] * 3)
>>> p = model.predict_proba([{"bw=与": 1.0}])[0]
>>> max(p, key=p.get)
'signsWith'
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from pathlib import Path

import numpy
from spacy.tokens import Doc

from kg.extraction.candidates import event_candidates, sentence_candidates
from kg.records import statement_key

#: The model's file name inside a model folder (gzipped JSON).
MODEL_FILE = "relations.json.gz"
#: Weights smaller than this are left out of the model (the file stays
#: about 200 kB; the model is pruned when fitted, so a saved model predicts
#: exactly what the fitted one does).
PRUNE = 0.05
#: The label of "no relation".
NONE = "NONE"
#: Predicates a sentence states at most once per subject, unless the rules
#: read more (a person's post: the model adds one where the rules read none).
SINGLE_PER_SENTENCE = frozenset({"affiliatedWith"})


class RelationModel:
    """Multinomial logistic regression over sparse feature dicts:
    ``fit`` / ``predict_proba`` / ``to_disk`` / ``from_disk``."""

    #: The file the model is written to in a folder.
    MODEL_FILE = MODEL_FILE

    def __init__(self, classes: list[str], weights: dict[str, dict[int, float]], bias: list[float],
                 examples: dict[str, int] | None = None):
        self.classes = list(classes)
        self.weights = weights
        self.bias = list(bias)
        #: Training candidates per label (``None`` for a model saved without them).
        self.examples = dict(examples) if examples is not None else None

    @classmethod
    def fit(cls, X: list[dict], y: list[str], C: float = 0.5) -> "RelationModel":
        """Train on feature dicts ``X`` and labels ``y`` (predicates or
        :data:`NONE`); ``C`` is the inverse L2 strength."""
        # deferred: scikit-learn is needed to train the model, not to apply it
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        vec = DictVectorizer()
        matrix = vec.fit_transform(X)
        clf = LogisticRegression(C=C, max_iter=3000)
        clf.fit(matrix, y)
        classes = [str(c) for c in clf.classes_]
        coef = clf.coef_
        if len(classes) == 2:   # sklearn keeps one row for two classes

            coef = numpy.vstack([-coef[0] / 2, coef[0] / 2])
            bias = [-clf.intercept_[0] / 2, clf.intercept_[0] / 2]
        else:
            bias = [float(b) for b in clf.intercept_]
        weights = {}
        for name, j in vec.vocabulary_.items():
            column = {i: round(float(coef[i, j]), 4) for i in range(len(classes))
                      if abs(coef[i, j]) >= PRUNE}
            if column:
                weights[name] = column
        return cls(classes, weights, [round(float(b), 4) for b in bias], Counter(map(str, y)))

    def predict_proba(self, X: list[dict]) -> list[dict[str, float]]:
        """``{label: probability}`` for each feature dict."""
        out = []
        for features in X:
            scores = list(self.bias)
            for name, value in features.items():
                column = self.weights.get(name)
                if column is not None:
                    for i, w in column.items():
                        scores[i] += w * value
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            out.append({c: e / total for c, e in zip(self.classes, exps)})
        return out

    def to_disk(self, folder: str | Path) -> Path:
        """Write the model into ``folder``; returns its path."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MODEL_FILE
        data = {"model": "relations-logreg/1", "classes": self.classes, "bias": self.bias,
                "weights": {k: {str(i): w for i, w in v.items()} for k, v in self.weights.items()}}
        if self.examples is not None:
            data["examples"] = self.examples
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
            json.dump(data, handle, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return path

    @classmethod
    def from_disk(cls, folder: str | Path) -> "RelationModel":
        """Load the model written by :meth:`to_disk`."""
        with gzip.open(Path(folder) / MODEL_FILE, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
        weights = {k: {int(i): w for i, w in v.items()} for k, v in data["weights"].items()}
        return cls(data["classes"], weights, data["bias"], data.get("examples"))

    def rare(self, minimum: int) -> frozenset[str]:
        """The predicates learned from fewer than ``minimum`` training
        candidates (none if the model does not say how many it saw)."""
        if self.examples is None:
            return frozenset()
        return frozenset(c for c in self.classes
                         if c != NONE and self.examples.get(c, 0) < minimum)


def doc_candidates(doc: Doc) -> list[dict]:
    """The candidate pairs of a processed document (after ``uic_relations``),
    with the rules' votes among their features."""
    by_sentence: dict[int, dict] = {}
    by_doc: dict[tuple, set] = {}
    for rel in doc._.relations or ():
        key = (rel["subject"], rel["object"])
        by_sentence.setdefault(rel["start"], {}).setdefault(key, set()).add(rel["predicate"])
        by_doc.setdefault(key, set()).add(rel["predicate"])
    tokens = {base: toks for base, _, _, toks in (doc._.rule_mentions or ())}
    out, sentences = [], []
    for base, text, mentions in doc._.mentions or ():
        for cand in sentence_candidates(text, mentions, tokens.get(base, []), by_sentence.get(base, {})):
            cand.update(evidence=text, start=base, end=base + len(text))
            out.append(cand)
        sentences.append((text, mentions))
    starts = [(base, text) for base, text, _ in doc._.mentions or ()]
    for cand in event_candidates(sentences, by_doc):
        base, text = next(((b, t) for b, t, ms in doc._.mentions
                           if any(m["name"] == cand["subject"] for m in ms)), starts[0])
        cand.update(evidence=text, start=base, end=base + len(text))
        out.append(cand)
    return out


def combine(rules: list[dict], candidates: list[dict], probs: list[dict], add: float,
            drop: float, rare: frozenset[str] = frozenset()) -> list[dict]:
    """The rules' relations the model does not reject, plus the model's own.

    A rule relation is dropped when every candidate of its pair gives its
    predicate a probability below ``drop``, unless the predicate is one of
    ``rare``: learned from too few examples for the model's word to outweigh
    the rule's (incubation, ``孵化了``, is such a one); a candidate's best
    predicate is added when its probability reaches ``add`` (a person gets one post per
    sentence from the model, none where the rules read one). Relations carry the model's
    probability as ``confidence`` where it scored them; a symmetric pair is
    one relation whichever way round the model scored it, in the direction
    the rule read it.
    """
    best: dict[tuple, float] = {}
    for cand, p in zip(candidates, probs):
        for label, prob in p.items():
            if label != NONE:
                key = statement_key(cand["subject"], label, cand["object"])
                best[key] = max(best.get(key, 0.0), prob)
    out, seen = [], set()
    for rel in rules:
        key = statement_key(rel["subject"], rel["predicate"], rel["object"])
        prob = best.get(key)
        if rel["predicate"] in rare:
            prob = None                     # the rule's relation, with the rule's confidence
        elif prob is not None and prob < drop:
            continue
        out.append(dict(rel, confidence=round(prob, 4)) if prob is not None else rel)
        seen.add(key)
    posts = {(rel["subject"], rel.get("start")) for rel in out if rel["predicate"] in SINGLE_PER_SENTENCE}
    ranked = sorted(zip(candidates, probs), key=lambda cp: -max(
        (v for k, v in cp[1].items() if k != NONE), default=0.0))
    for cand, p in ranked:
        label = max((lab for lab in p if lab != NONE), key=p.get, default=None)
        if label is None or p[label] < add:
            continue
        key = statement_key(cand["subject"], label, cand["object"])
        if key in seen:
            continue
        if label in SINGLE_PER_SENTENCE:
            if (cand["subject"], cand.get("start")) in posts:
                continue
            posts.add((cand["subject"], cand.get("start")))
        seen.add(key)
        out.append({"subject": cand["subject"], "predicate": label, "object": cand["object"],
                    "subject_type": cand["subject_type"], "object_type": cand["object_type"],
                    "trigger": "model", "confidence": round(p[label], 4), "title": None,
                    "evidence": cand["evidence"], "start": cand["start"], "end": cand["end"]})
    return out
