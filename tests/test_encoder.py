"""The fine-tuned LAC encoder: LAC loads from its package and tags an
invented sentence; the torch rebuild reproduces LAC; a tiny fine-tuning run
on invented gold changes the predictions it was trained on; the ONNX export
reloads to the torch network's predictions; a learning curve trains each
fold on a part of its training documents only."""

from __future__ import annotations

import numpy
import pytest

from kg.extraction import encoder, training
from kg.extraction.neural_names import NeuralTagger, bio_transitions

SENTENCES = [  # invented: (text, gold spans)
    ("星河大学与蓝海科技有限公司签署合作协议", [(0, 4, "University"), (5, 13, "Company")]),
    ("青山学院院长陈立新出席签约仪式", [(0, 4, "University"), (6, 9, "Person")]),
    ("北岭大学与云图信息技术有限公司共建实验室", [(0, 4, "University"), (5, 15, "Company")]),
]


def test_lac_encoder_loads_from_the_package_and_tags_an_invented_sentence():
    words = encoder.LacEncoder().tag(["星河大学与蓝海科技有限公司签约"])[0]
    assert "".join(w for w, _ in words) == "星河大学与蓝海科技有限公司签约"
    assert ("星河大学", "ORG") in words and ("签约", "v") in words


def test_batches_hold_one_length_each():
    lengths = [4, 9, 4, 1, 9, 9]
    batches = encoder.length_batches(lengths, max_chars=18)
    assert sorted(i for b in batches for i in b) == list(range(6))
    assert all(len({lengths[i] for i in b}) == 1 for b in batches)
    assert all(sum(lengths[i] for i in b) <= 18 for b in batches)


def test_viterbi_never_decodes_an_i_without_its_b():
    labels = ("O", "B-Park", "I-Park", "B-Person", "I-Person")
    scores = numpy.log(numpy.full((2, 3, 5), 0.01))
    scores[:, :, 2] = 0.0          # I-Park best everywhere
    scores[1, :, 4] = 0.5          # I-Person better still in the second
    start = numpy.array([-numpy.inf if lab.startswith("I-") else 0.0 for lab in labels])
    paths = encoder.viterbi(scores, bio_transitions(labels), start)
    for path in paths.tolist():
        for prev, label in zip([0, *path], path):
            if labels[label].startswith("I-"):
                assert labels[prev][2:] == labels[label][2:]


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="the train extra (PyTorch) is not installed: "
                                               "pip install -e '.[train]'")


def _encoded(spans=True):
    from kg.extraction.finetune import encode

    lac = encoder.LacEncoder()
    out = []
    for (text, gold), words in zip(SENTENCES, lac.tag([t for t, _ in SENTENCES])):
        pos, offsets = 0, []
        for w, t in words:
            offsets.append((pos, pos + len(w), t))
            pos += len(w)
        out.append(encode(text, offsets, [], gold if spans else ()))
    return out


def test_torch_rebuild_reproduces_lac(torch):
    from kg.extraction.finetune import build_network, lac_matches_onnx

    assert lac_matches_onnx(build_network(seed=0), "南湖高新区管委会与东川大学签约")


def test_fine_tuning_learns_the_invented_names_and_the_export_reloads_to_them(torch, tmp_path):
    from kg.extraction.finetune import build_network, fit, predict_torch
    from kg.extraction.names import spans_of

    data = _encoded()
    tagger_labels = encoder.LABELS
    before = [numpy.argmax(p, -1) for p in predict_torch(build_network(seed=0), data)]
    net = fit(data * 6, tmp_path, params={"epochs": 4, "batch_chars": 60})
    after = predict_torch(net, data)
    gold = [numpy.asarray(d["labels"]) for d in data]
    assert sum((b == g).sum() for b, g in zip(before, gold)) < sum(
        (numpy.argmax(a, -1) == g).sum() for a, g in zip(after, gold))
    tagger = NeuralTagger.from_disk(tmp_path)
    reloaded = tagger.scores(data)
    for a, r in zip(after, reloaded):
        numpy.testing.assert_allclose(a, r, atol=1e-4)
    decoded = tagger.decode(data)
    for (text, spans), labels in zip(SENTENCES, decoded):
        assert set(spans_of(labels)) == {(s, e, t) for s, e, t in spans}
    assert tagger.labels == tagger_labels


def test_learning_curve_trains_on_a_fraction_of_the_other_folds():
    folds = training.split_folds([f"d{i}" for i in range(20)], 5)
    for k in range(5):
        quarter = training._training_side(folds, k, 0.25, 0)
        whole = training._training_side(folds, k, 1.0, 0)
        assert set(quarter) < set(whole) and len(quarter) == 4
        assert all(folds[i] != k for i in whole)
