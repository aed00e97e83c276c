"""``kg extract`` and ``kg eval`` as a user runs them (subprocesses).

- bad inputs (empty, binary, undecodable) give one clear error line on
  stderr naming the file and a non-zero exit, while the other files of the
  same run are still extracted and written;
- the written records carry their provenance;
- ``kg eval seeds/gold seeds/`` prints the numbers that the reference
  scorer ``../shared/gold/score.py --json`` computes on the ``kg extract``
  output of the same files;
- a gold file whose relation names an unlisted entity is a clear error.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

GOOD = {
    "a_signing.txt": "星河大学与青山华达化工有限公司签署战略合作协议。\n"
                     "星河大学材料科学与工程学院副院长张建华表示，双方将共建联合实验室。\n",
    "b_settles.txt": "青山智航机器人有限公司落户南湖高新区。\n"
                     "在青山市科技局的支持下，星河大学（青山）科技创新研究院孵化了青山云图信息技术有限公司。\n",
}
BAD = {
    "empty.txt": (b"", "empty file"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + b"\x00" * 64,
                   "binary file"),
    "undecodable.txt": (random.Random(11).randbytes(3000).translate(bytes(0x80 | b for b in range(256))),
                        "cannot decode"),
}


def run(cmd, env, cwd=None, timeout=300):
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env,
                          cwd=cwd, timeout=timeout)


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory, kg_command, subprocess_env):
    """One ``kg extract`` over good and bad files given one by one."""
    root = tmp_path_factory.mktemp("mixed")
    inputs = root / "in"
    inputs.mkdir()
    paths = []
    for name in ["empty.txt", "a_signing.txt", "binary.txt", "undecodable.txt", "b_settles.txt"]:
        path = inputs / name
        if name in GOOD:
            path.write_text(GOOD[name], encoding="utf-8")
        else:
            path.write_bytes(BAD[name][0])
        paths.append(str(path))
    out = root / "out"
    proc = run([*kg_command, "extract", *paths, "--out", str(out)], subprocess_env)
    return proc, out, inputs


def test_bad_files_exit_non_zero(mixed_run):
    proc, _, _ = mixed_run
    assert proc.returncode != 0


def test_one_error_line_per_bad_file_naming_it(mixed_run):
    proc, _, _ = mixed_run
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr
    error_lines = [line for line in lines if line.startswith("kg: W201 skipped ")]
    assert len(error_lines) == len(BAD), proc.stderr
    for name, (_, problem) in BAD.items():
        mine = [line for line in error_lines if name in line]
        assert len(mine) == 1, (name, proc.stderr)
        assert problem in mine[0], mine[0]
    for name in GOOD:
        assert name not in proc.stderr


def test_good_files_of_the_same_run_are_written(mixed_run):
    proc, out, _ = mixed_run
    documents = read_jsonl(out / "documents.jsonl")
    assert sorted(d["doc"] for d in documents) == sorted(GOOD)
    relations = read_jsonl(out / "relations.jsonl")
    entities = read_jsonl(out / "entities.jsonl")
    triples = {(r["doc"], r["subject"], r["predicate"], r["object"]) for r in relations}
    assert ("a_signing.txt", "星河大学", "signsWith", "青山华达化工有限公司") in triples \
        or ("a_signing.txt", "青山华达化工有限公司", "signsWith", "星河大学") in triples
    assert ("b_settles.txt", "青山智航机器人有限公司", "locatedIn", "南湖高新区") in triples
    assert {r["doc"] for r in relations} <= set(GOOD)
    assert {"星河大学", "青山智航机器人有限公司"} <= {e["name"] for e in entities}
    assert "2 documents" in proc.stdout


def test_written_relations_carry_provenance(mixed_run):
    _, out, _ = mixed_run
    texts = {d["doc"]: (d["doc_id"], d["text"]) for d in read_jsonl(out / "documents.jsonl")}
    relations = read_jsonl(out / "relations.jsonl")
    assert relations
    for rel in relations:
        doc_id, text = texts[rel["doc"]]
        assert rel["doc_id"] == doc_id and len(doc_id) == 16
        assert text[rel["start"]:rel["end"]] == rel["evidence"]
        assert rel["trigger"] and 0 < rel["confidence"] <= 1


@pytest.mark.parametrize("name", sorted(BAD))
def test_single_bad_file_alone(tmp_path, kg_command, subprocess_env, name):
    path = tmp_path / name
    path.write_bytes(BAD[name][0])
    proc = run([*kg_command, "extract", str(path), "--out", str(tmp_path / "out")], subprocess_env)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert name in lines[0] and BAD[name][1] in lines[0]


def test_bad_file_inside_a_folder_is_reported_and_the_rest_extracted(tmp_path, kg_command, subprocess_env):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a_signing.txt").write_text(GOOD["a_signing.txt"], encoding="utf-8")
    (folder / "binary.txt").write_bytes(BAD["binary.txt"][0])
    out = tmp_path / "out"
    proc = run([*kg_command, "extract", str(folder), "--out", str(out)], subprocess_env)
    assert proc.returncode != 0
    assert "binary.txt" in proc.stderr and "Traceback" not in proc.stderr
    assert [d["doc"] for d in read_jsonl(out / "documents.jsonl")] == ["a_signing.txt"]


def test_missing_path_is_a_clear_error(tmp_path, kg_command, subprocess_env):
    proc = run([*kg_command, "extract", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out")],
               subprocess_env)
    assert proc.returncode != 0
    assert "nope.txt" in proc.stderr and "Traceback" not in proc.stderr


# --- kg eval ------------------------------------------------------------------------

def _close(a, b):
    return abs(a - b) < 1e-9


def test_kg_eval_equals_reference_scorer(tmp_path, repo_root, shared_dir, kg_command, subprocess_env):
    score = shared_dir / "gold" / "score.py"
    if not score.exists():
        pytest.skip("../shared/gold/score.py is absent (standalone checkout)")
    seeds = repo_root / "seeds"
    out = tmp_path / "out"
    extracted = run([*kg_command, "extract", str(seeds), "--out", str(out)], subprocess_env)
    assert extracted.returncode == 0, extracted.stderr
    reference = run([sys.executable, str(score), str(seeds / "gold"), str(out / "relations.jsonl"),
                     "--entities", str(out / "entities.jsonl"), "--json"], subprocess_env)
    assert reference.returncode == 0, reference.stderr
    ref = json.loads(reference.stdout)
    ours_proc = run([*kg_command, "eval", str(seeds / "gold"), str(seeds), "--json"], subprocess_env)
    assert ours_proc.returncode == 0, ours_proc.stderr
    ours = json.loads(ours_proc.stdout)

    assert ours["documents"] == ref["documents"] == 5
    for key in ("precision", "recall", "f1"):
        assert _close(ours["relations"][key], ref["relations"][key]), key
    for key in ("true_positives", "system", "gold", "duplicates"):
        assert ours["relations"][key] == ref["relations"][key], key
    assert sorted(ours["by_predicate"]) == sorted(ref["by_predicate"])
    for pred, row in ref["by_predicate"].items():
        mine = ours["by_predicate"][pred]
        assert (mine["tp"], mine["system"], mine["gold"]) == (row["tp"], row["system"], row["gold"]), pred
        assert _close(mine["f1"], row["f1"]), pred
    for key in ("precision", "recall", "f1", "type_accuracy"):
        assert _close(ours["entities"][key], ref["entities"][key]), key
    for key in ("gold", "system"):
        assert ours["entities"][key] == ref["entities"][key], key
    # the text report prints the same summary line as the reference scorer
    text_ref = run([sys.executable, str(score), str(seeds / "gold"), str(out / "relations.jsonl"),
                    "--entities", str(out / "entities.jsonl")], subprocess_env)
    text_ours = run([*kg_command, "eval", str(seeds / "gold"), str(seeds)], subprocess_env)
    reference_lines = text_ref.stdout.splitlines()
    # the report starts as the reference scorer's; the breakdown by type and folder follows
    assert text_ours.stdout.splitlines()[:len(reference_lines)] == reference_lines
    assert "entity type" in text_ours.stdout


def test_kg_eval_scores_a_perfect_extraction_as_one(tmp_path, kg_command, subprocess_env):
    # a tiny gold set that the extractor gets right scores precision = recall = 1
    gold = tmp_path / "gold"
    docs = tmp_path / "docs"
    gold.mkdir()
    docs.mkdir()
    (docs / "one.txt").write_text("青山智航机器人有限公司落户南湖高新区。\n", encoding="utf-8")
    (gold / "one.json").write_text(json.dumps({
        "doc": "one.txt",
        "entities": [{"name": "青山智航机器人有限公司", "type": "Company", "aliases": []},
                     {"name": "南湖高新区", "type": "Park", "aliases": []}],
        "relations": [{"s": "青山智航机器人有限公司", "p": "locatedIn", "o": "南湖高新区",
                       "evidence": "青山智航机器人有限公司落户南湖高新区"}],
    }, ensure_ascii=False), encoding="utf-8")
    proc = run([*kg_command, "eval", str(gold), str(docs), "--json"], subprocess_env)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["relations"]["true_positives"] == 1
    assert result["relations"]["recall"] == 1.0
    assert result["by_predicate"]["locatedIn"]["gold"] == 1


def test_kg_eval_with_an_unlisted_entity_is_a_clear_error(tmp_path, repo_root, kg_command, subprocess_env):
    gold = tmp_path / "gold"
    gold.mkdir()
    bad = gold / "broken.json"
    bad.write_text(json.dumps({
        "doc": "broken.txt",
        "entities": [{"name": "星河大学", "type": "University", "aliases": []}],
        "relations": [{"s": "星河大学", "p": "signsWith", "o": "青山华达化工有限公司",
                       "evidence": "星河大学与青山华达化工有限公司签约"}],
    }, ensure_ascii=False), encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "broken.txt").write_text("星河大学与青山华达化工有限公司签约。\n", encoding="utf-8")
    proc = run([*kg_command, "eval", str(gold), str(docs)], subprocess_env)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "broken.json" in proc.stderr
    assert "青山华达化工有限公司" in proc.stderr
    assert proc.stdout.strip() == ""


def test_kg_eval_with_a_gold_file_that_is_not_json(tmp_path, kg_command, subprocess_env):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "garbled.json").write_text("{not json", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "garbled.txt").write_text("星河大学与青山华达化工有限公司签约。\n", encoding="utf-8")
    proc = run([*kg_command, "eval", str(gold), str(docs)], subprocess_env)
    assert proc.returncode != 0
    assert "garbled.json" in proc.stderr and "Traceback" not in proc.stderr
