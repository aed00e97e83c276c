"""Bad input, end to end through the ``kg`` command: every case of the
robustness list gets a clear one-line error naming the file, a non-zero exit
where something was refused, and never loses what the store already holds.

(A build killed with SIGKILL half way is tested in ``test_store.py`` with a
real subprocess; the units of reading are tested in ``test_ingest.py``.)
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest

ARTICLE = ("星河大学与蓝海新材料科技有限公司正式签约“海洋防腐涂层”项目。"
           "南湖高新区管委会主任王立新出席签约仪式。\n")
TRADITIONAL = "星河大學與藍海新材料科技有限公司正式簽約“海洋防腐塗層”項目。\n"


def run(kg_command, env, *args, cwd=None):
    return subprocess.run([*kg_command, *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600)


def stats(kg_command, env, store):
    out = run(kg_command, env, "stats", "--store", str(store), "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


@pytest.mark.parametrize("name, content, problem", [
    ("empty.txt", b"", "empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    ("bad.txt", bytes([0xff, 0xfe, 0xfd, 0x80, 0x81, 0x82]) * 50 + b"\x00", ""),
], ids=["empty", "binary", "undecodable"])
def test_bad_file_is_one_error_line_and_the_rest_is_built(kg_command, subprocess_env, corpus,
                                                         tmp_path, name, content, problem):
    (corpus / name).write_bytes(content)
    extracted = run(kg_command, subprocess_env, "extract", str(corpus), "--out", str(tmp_path / "out"))
    assert extracted.returncode != 0  # a script sees that something was refused
    assert (tmp_path / "out" / "relations.jsonl").read_text(encoding="utf-8").strip()
    store = tmp_path / "store"
    out = run(kg_command, subprocess_env, "build", str(corpus), "--store", str(store), "--quiet")
    assert out.returncode == 1 and "failed 1" in out.stdout   # as extract: refused is visible
    for result in (extracted, out):
        lines = [line for line in result.stderr.splitlines() if name in line]
        assert len(lines) == 1 and problem in lines[0]
    assert stats(kg_command, subprocess_env, store)["documents"] == 1  # the good file is stored


@pytest.mark.parametrize("encoding", ["gbk", "big5"])
def test_gbk_and_big5_files_are_read(kg_command, subprocess_env, tmp_path, encoding):
    folder = tmp_path / "in"
    folder.mkdir()
    text = ARTICLE if encoding == "gbk" else TRADITIONAL
    (folder / f"{encoding}.txt").write_bytes(text.encode(encoding))
    out = run(kg_command, subprocess_env, "extract", str(folder), "--out", str(tmp_path / "out"))
    assert out.returncode == 0, out.stderr
    rels = [json.loads(line) for line in (tmp_path / "out" / "relations.jsonl").open(encoding="utf-8")]
    assert ("星河大学", "signsWith", "蓝海新材料科技有限公司") in {
        (r["subject"], r["predicate"], r["object"]) for r in rels}


def test_traditional_text_gives_simplified_names_and_keeps_the_original(kg_command, subprocess_env,
                                                                       tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "trad.txt").write_text(TRADITIONAL, encoding="utf-8")
    out = run(kg_command, subprocess_env, "extract", str(folder), "--out", str(tmp_path / "out"))
    assert out.returncode == 0, out.stderr
    doc = json.loads((tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8"))
    assert "星河大学" in doc["text"] and "星河大學" in doc["original"]
    assert len(doc["text"]) == len(doc["original"])


def test_html_page_keeps_the_article_not_the_navigation(kg_command, subprocess_env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_text(
        "<html><body><nav><a href='/'>首页</a><a href='/n'>新闻中心</a><a>青山市科技局</a></nav>"
        f"<article><h1>校企合作</h1><p>{ARTICLE}</p></article>"
        "<footer>版权所有 青山日报社</footer></body></html>", encoding="utf-8")
    out = run(kg_command, subprocess_env, "extract", str(folder), "--out", str(tmp_path / "out"))
    assert out.returncode == 0, out.stderr
    doc = json.loads((tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8"))
    assert "星河大学" in doc["text"] and "新闻中心" not in doc["text"] and "版权所有" not in doc["text"]


def test_document_ingested_twice_adds_nothing_and_a_changed_one_replaces_itself(
        kg_command, subprocess_env, corpus, tmp_path):
    store = tmp_path / "store"
    assert run(kg_command, subprocess_env, "build", str(corpus), "--store", str(store),
               "--quiet").returncode == 0
    first = stats(kg_command, subprocess_env, store)
    assert run(kg_command, subprocess_env, "build", str(corpus), "--store", str(store),
               "--quiet").returncode == 0
    assert stats(kg_command, subprocess_env, store) == first
    (corpus / "good.txt").write_text(ARTICLE.replace("星河大学", "东岭理工大学"), encoding="utf-8")
    assert run(kg_command, subprocess_env, "build", str(corpus), "--store", str(store),
               "--quiet").returncode == 0
    after = stats(kg_command, subprocess_env, store)
    assert after["documents"] == 1
    names = run(kg_command, subprocess_env, "sparql", "--store", str(store), "--format", "json",
                "SELECT ?l WHERE { ?e rdfs:label ?l }").stdout
    assert "东岭理工大学" in names and "星河大学" not in names


def test_gold_relation_with_a_missing_entity_is_a_clear_eval_error(kg_command, subprocess_env,
                                                                  corpus, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "good.json").write_text(json.dumps({
        "doc": "good.txt", "entities": [{"name": "星河大学", "type": "University", "aliases": []}],
        "relations": [{"s": "星河大学", "p": "signsWith", "o": "蓝海新材料科技有限公司"}]},
        ensure_ascii=False), encoding="utf-8")
    out = run(kg_command, subprocess_env, "eval", str(gold), str(corpus))
    assert out.returncode != 0
    assert "good.json" in out.stderr and "蓝海新材料科技有限公司" in out.stderr


def test_sparql_update_without_flag_is_refused_and_changes_nothing(kg_command, subprocess_env,
                                                                   corpus, tmp_path):
    store = tmp_path / "store"
    run(kg_command, subprocess_env, "build", str(corpus), "--store", str(store), "--quiet")
    before = stats(kg_command, subprocess_env, store)
    out = run(kg_command, subprocess_env, "sparql", "--store", str(store),
              "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert out.returncode != 0 and "--update" in out.stderr
    assert stats(kg_command, subprocess_env, store) == before


def test_a_folder_that_is_not_a_store_is_refused_and_not_overwritten(kg_command, subprocess_env,
                                                                     corpus, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("我的笔记", encoding="utf-8")
    out = run(kg_command, subprocess_env, "build", str(corpus), "--store", str(notes), "--quiet")
    assert out.returncode != 0 and len(out.stderr.strip().splitlines()) == 1
    assert [p.name for p in notes.iterdir()] == ["todo.txt"]
    assert (notes / "todo.txt").read_text(encoding="utf-8") == "我的笔记"


def test_50_mb_text_file_is_streamed_in_bounded_memory(kg_command, subprocess_env, tmp_path):
    """A 50 MB plain-text file (an article at its start and end, page
    furniture in between) is read and extracted block by block, paragraph
    by paragraph: the command's peak memory stays far below the file's size
    several times over, and the relations at both ends are found with
    offsets into the whole text."""
    folder = tmp_path / "in"
    folder.mkdir()
    filler = ("Page header 2024 report section continued; " * 20 + "\n").encode("utf-8")
    with (folder / "huge.txt").open("wb") as handle:
        handle.write(ARTICLE.encode("utf-8"))
        for _ in range(50 * 1024 * 1024 // len(filler) + 1):
            handle.write(filler)
        handle.write(ARTICLE.replace("星河大学", "东岭理工大学").encode("utf-8"))
    assert (folder / "huge.txt").stat().st_size >= 50 * 1024 * 1024
    # the command's own peak, through a wrapper (this process's RUSAGE_CHILDREN
    # holds the largest child of every earlier test too, a browser among them)
    wrapper = ("import resource, subprocess, sys\n"
               "code = subprocess.run(sys.argv[1:]).returncode\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
               "sys.exit(code)")
    out = run([sys.executable, "-c", wrapper, *kg_command], subprocess_env, "extract", str(folder),
              "--out", str(tmp_path / "out"))
    peak_mb = int(out.stderr.strip().splitlines()[-1]) / 1024
    assert out.returncode == 0, out.stderr
    assert peak_mb < 1024, f"peak RSS {peak_mb:.0f} MB"
    rels = {(r["subject"], r["predicate"], r["object"]): r for r in
            map(json.loads, (tmp_path / "out" / "relations.jsonl").open(encoding="utf-8"))}
    assert ("星河大学", "signsWith", "蓝海新材料科技有限公司") in rels
    last = rels[("东岭理工大学", "signsWith", "蓝海新材料科技有限公司")]
    doc = json.loads((tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8"))
    assert last["start"] > 50 * 1024 * 1024 // 2 and last["end"] <= doc["chars"]
