"""The fine-tuned name tagger at run time: ONNX Runtime and numpy only.

:mod:`kg.extraction.finetune` trains LAC's encoder into a BIO tagger of the
guide's 13 types and exports it as ``names.onnx`` (with ``names.json``) in a
model folder. :class:`NeuralTagger` reads it and tags sentences given with
LAC's words and the rules' mentions (the network's extra inputs): sentences
are batched by exact length (one network run per batch, no padding) and
decoded with a vectorised Viterbi search that only allows well-formed BIO
sequences (an ``I-X`` follows ``B-X`` or ``I-X``).

It has the CRF tagger's interface where the pipeline uses it
(:func:`kg.extraction.pipeline.make_names`): ``from_disk(folder)`` and
``predict_sentences`` returning BIO label lists.

Example
-------
>>> t = bio_transitions(("O", "B-Park", "I-Park"))
>>> bool(t[0, 2] == -numpy.inf), bool(t[1, 2] == 0.0)
(True, True)
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy

from kg.extraction.encoder import char_ids, feature_ids, length_batches, viterbi

#: The exported network and its description inside a model folder.
ONNX_FILE = "names.onnx"
META_FILE = "names.json"


def bio_transitions(labels) -> numpy.ndarray:
    """Label-to-label scores: 0 where BIO allows the step, ``-inf`` where
    not (``I-X`` only after ``B-X`` or ``I-X``)."""
    k = len(labels)
    t = numpy.zeros((k, k))
    for j, label in enumerate(labels):
        if label.startswith("I-"):
            for i, prev in enumerate(labels):
                if prev[2:] != label[2:] or prev == "O":
                    t[i, j] = -numpy.inf
    return t


class NeuralTagger:
    """The exported fine-tuned tagger of a model folder."""

    def __init__(self, path: str | Path, labels):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(path), options,
                                                    providers=["CPUExecutionProvider"])
        self.labels = tuple(labels)
        self.transitions = bio_transitions(self.labels)
        self.start = numpy.array([-numpy.inf if lab.startswith("I-") else 0.0 for lab in self.labels])

    @classmethod
    def from_disk(cls, folder: str | Path) -> "NeuralTagger":
        """Load ``names.onnx`` and ``names.json`` from ``folder``."""
        folder = Path(folder)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        return cls(folder / ONNX_FILE, meta["labels"])

    def scores(self, inputs: list[dict]) -> list[numpy.ndarray]:
        """Label log-probabilities (length × labels) of encoded sentences
        (``ids``, ``lac``, ``rule`` arrays)."""
        out: list = [None] * len(inputs)
        for batch in length_batches([len(x["ids"]) for x in inputs]):
            if not len(inputs[batch[0]]["ids"]):
                for i in batch:
                    out[i] = numpy.zeros((0, len(self.labels)), dtype=numpy.float32)
                continue
            feed = {name: numpy.stack([inputs[i][key] for i in batch])
                    for name, key in (("token_ids", "ids"), ("lac_tags", "lac"), ("rule_tags", "rule"))}
            logp = self.session.run(None, feed)[0]
            for row, i in enumerate(batch):
                out[i] = logp[row]
        return out

    def predict_sentences(self, sentences) -> list[list[str]]:
        """BIO labels of each ``(text, lac words, rule mentions)`` sentence."""
        inputs = []
        for text, lac, rules in sentences:
            lac_f, rule_f = feature_ids(len(text), lac, rules)
            inputs.append({"ids": char_ids(text), "lac": lac_f, "rule": rule_f})
        return self.decode(inputs)

    def decode(self, inputs: list[dict]) -> list[list[str]]:
        """The best well-formed BIO labels of encoded sentences."""
        scores = self.scores(inputs)
        out: list = [None] * len(inputs)
        for batch in length_batches([len(s) for s in scores]):
            paths = viterbi(numpy.stack([scores[i] for i in batch]), self.transitions, self.start)
            for row, i in enumerate(batch):
                out[i] = [self.labels[k] for k in paths[row]]
        return out
