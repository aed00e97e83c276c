"""Training and measuring the learned extractor on gold files: ``kg eval``
over several gold folders, ``kg train`` on a small invented gold folder,
a model folder given back with ``--model``, and the k-fold split by
document (no document in both a fold's training and test sets)."""

from __future__ import annotations

import json
import subprocess

import pytest

from kg.extraction import training

ARTICLES = {
    "a": ("星河大学与蓝海科技有限公司签署合作协议。星河大学副校长周明远出席。",
          [("星河大学", "University"), ("蓝海科技有限公司", "Company"), ("周明远", "Person")],
          [("星河大学", "signsWith", "蓝海科技有限公司"), ("周明远", "affiliatedWith", "星河大学")]),
    "b": ("青山学院与南湖高新区管委会签约。青山学院院长陈立新表示将深化合作。",
          [("青山学院", "University"), ("南湖高新区管委会", "Government"), ("陈立新", "Person")],
          [("青山学院", "signsWith", "南湖高新区管委会"), ("陈立新", "affiliatedWith", "青山学院")]),
    "c": ("北岭大学与云图信息技术有限公司签署协议。云图信息技术有限公司总经理赵海涛参加。",
          [("北岭大学", "University"), ("云图信息技术有限公司", "Company"), ("赵海涛", "Person")],
          [("北岭大学", "signsWith", "云图信息技术有限公司"),
           ("赵海涛", "affiliatedWith", "云图信息技术有限公司")]),
    "d": ("东川大学与海川机器人有限公司签约。东川大学校长孙志刚出席。",
          [("东川大学", "University"), ("海川机器人有限公司", "Company"), ("孙志刚", "Person")],
          [("东川大学", "signsWith", "海川机器人有限公司"), ("孙志刚", "affiliatedWith", "东川大学")]),
}


def write_gold(folder, texts, names):
    folder.mkdir(parents=True, exist_ok=True)
    texts.mkdir(parents=True, exist_ok=True)
    for name in names:
        text, entities, relations = ARTICLES[name]
        (texts / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{name}.json").write_text(json.dumps({
            "doc": f"{name}.txt",
            "entities": [{"name": n, "type": t, "aliases": []} for n, t in entities],
            "relations": [{"s": s, "p": p, "o": o, "evidence": text} for s, p, o in relations],
        }, ensure_ascii=False), encoding="utf-8")


def run(cmd, env):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)


def test_eval_over_two_gold_folders_reports_each(tmp_path, kg_command, subprocess_env):
    write_gold(tmp_path / "gold" / "east", tmp_path / "texts", ["a", "b"])
    write_gold(tmp_path / "gold" / "west", tmp_path / "texts", ["c"])
    proc = run([*kg_command, "eval", "--gold", str(tmp_path / "gold" / "east"),
                "--gold", str(tmp_path / "gold" / "west"), str(tmp_path / "texts"), "--json"],
               subprocess_env)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert set(result["per_gold"]) == {"east", "west"}
    assert result["documents"] == 3
    assert result["per_gold"]["east"]["documents"] == 2 and result["per_gold"]["west"]["documents"] == 1
    assert result["per_gold"]["east"]["relations"]["gold"] == 4
    assert result["relations"]["gold"] == 6
    for key in ("relations", "entities"):
        assert set(result["macro"][key]) == {"precision", "recall", "f1"}
    assert "University" in result["entities_by_type"]
    text = run([*kg_command, "eval", "--gold", str(tmp_path / "gold" / "east"),
                "--gold", str(tmp_path / "gold" / "west"), str(tmp_path / "texts")], subprocess_env)
    assert "east, 2 documents" in text.stdout and "west, 1 documents" in text.stdout


def test_eval_with_a_folder_without_gold_files_is_an_error(tmp_path, kg_command, subprocess_env):
    write_gold(tmp_path / "gold", tmp_path / "texts", ["a"])
    (tmp_path / "empty").mkdir()
    proc = run([*kg_command, "eval", "--gold", str(tmp_path / "empty"), str(tmp_path / "texts")],
               subprocess_env)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "no gold file" in proc.stderr and "empty" in proc.stderr


def test_eval_whose_gold_names_none_of_the_texts_is_an_error(tmp_path, kg_command, subprocess_env):
    write_gold(tmp_path / "gold", tmp_path / "texts", ["a"])
    other = tmp_path / "other"
    other.mkdir()
    (other / "z.txt").write_text("星河大学与蓝海科技有限公司签约。", encoding="utf-8")
    proc = run([*kg_command, "eval", "--gold", str(tmp_path / "gold"), str(other)], subprocess_env)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "no gold file names a document" in proc.stderr


def test_train_writes_a_model_that_extract_uses(tmp_path, kg_command, subprocess_env):
    write_gold(tmp_path / "gold", tmp_path / "texts", ["a", "b", "c", "d"])
    model = tmp_path / "model"
    proc = run([*kg_command, "train", str(tmp_path / "gold"), "--texts", str(tmp_path / "texts"),
                "--out", str(model)], subprocess_env)
    assert proc.returncode == 0, proc.stderr
    assert "4 documents" in proc.stdout
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    assert meta["documents"] == 4 and meta["gold"] == ["gold"]
    assert (model / "names.crfsuite").stat().st_size > 0
    assert (model / "relations.json.gz").stat().st_size > 0
    out = tmp_path / "out"
    proc = run([*kg_command, "extract", str(tmp_path / "texts"), "--out", str(out), "--model", str(model)],
               subprocess_env)
    assert proc.returncode == 0, proc.stderr
    names = {json.loads(line)["name"] for line in (out / "entities.jsonl").read_text().splitlines()}
    assert {"星河大学", "蓝海科技有限公司", "周明远"} <= names


def test_train_without_matching_texts_is_an_error(tmp_path, kg_command, subprocess_env):
    write_gold(tmp_path / "gold", tmp_path / "texts", ["a"])
    (tmp_path / "nothing").mkdir()
    (tmp_path / "nothing" / "x.txt").write_text("无关的文字。", encoding="utf-8")
    proc = run([*kg_command, "train", str(tmp_path / "gold"), "--texts", str(tmp_path / "nothing"),
                "--out", str(tmp_path / "m")], subprocess_env)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "no gold file matches" in proc.stderr


def test_split_folds_puts_each_document_in_one_test_fold():
    docs = [f"d{i}" for i in range(23)]
    folds = training.split_folds(docs, 5)
    assert len(folds) == len(docs) and set(folds) == set(range(5))
    sizes = sorted(folds.count(k) for k in range(5))
    assert sizes[-1] - sizes[0] <= 1
    assert training.split_folds(docs, 5) == folds   # the same split every time


def test_cross_validation_never_trains_on_a_test_document(tmp_path, monkeypatch):
    write_gold(tmp_path / "gold", tmp_path / "texts", ["a", "b", "c", "d"])
    owner = {}
    real_examples, real_fit = training.sentence_examples, training.fit_tagger

    def sentence_examples(examples, nlp=None):
        out = real_examples(examples, nlp)
        for example, sentences in zip(examples, out):
            owner[id(sentences)] = example["doc"]
        return out

    trained_on = []

    def fit_tagger(names, sentence_docs, out_dir, progress=None):
        trained_on.append({owner[id(s)] for s in sentence_docs})
        return real_fit(names, sentence_docs, out_dir, progress)

    monkeypatch.setattr(training, "sentence_examples", sentence_examples)
    monkeypatch.setattr(training, "fit_tagger", fit_tagger)
    result = training.cross_validate([tmp_path / "gold"], [tmp_path / "texts"], folds=2)
    assert set(result["folds"]) == {"a.txt", "b.txt", "c.txt", "d.txt"}
    assert len(trained_on) == 2
    for k, train_docs in enumerate(trained_on):
        test_docs = {d for d, f in result["folds"].items() if f == k}
        assert test_docs and not (train_docs & test_docs)
        assert train_docs | test_docs == set(result["folds"])
    extracted = {r["doc"] for r in result["relations"]}
    assert extracted <= set(result["folds"]) and extracted
