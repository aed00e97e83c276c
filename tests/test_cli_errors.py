"""Every problem a newcomer met, through the real ``kg`` command: one line
``kg: CODE message`` naming the thing and the path, never a traceback, and
the exit status of the policy in ``kg --help`` (0 done, 1 some inputs
skipped but the rest stored, 2 nothing done)."""

from __future__ import annotations

import contextlib
import os
import sys

import json
import re
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.ingest.build as kg_build
import kg.extraction.document as kg_extract
from kg.ingest.build import build
from kg.cli import main
from kg.analysis.projection import save_graph
from kg.store.backends import open_store

from test_connect import small

ARTICLE = "星河大学与蓝海新材料科技有限公司正式签约。南湖高新区管委会主任王立新出席签约仪式。\n"
OTHER = "东岭理工大学与青山华达化工有限公司签署合作协议。\n"
ANALYSIS = [["brokers"], ["clusters"], ["show", "星河大学"], ["connect", "星河大学", "南湖高新区"],
            ["view", "--out", "g.html"]]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line(result, code: int) -> str:
    """The single stderr line of a failed command (and nothing on stdout)."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert "Traceback" not in result.output and result.exception is None or \
        isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A folder with ``out/store`` built from two articles, as after ``make demo``."""
    root = tmp_path_factory.mktemp("demo")
    (root / "in").mkdir()
    (root / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "in" / "b.txt").write_text(OTHER, encoding="utf-8")
    with open_store(root / "out" / "store", create=True) as store:
        build([root / "in"], store, progress=False)
    return root


# --- the store ----------------------------------------------------------------------------

@pytest.mark.parametrize("args", ANALYSIS, ids=lambda a: a[0])
def test_default_store_missing_says_which_stores_exist(built, monkeypatch, args):
    monkeypatch.chdir(built)
    line = one_line(run(*args), 2)
    assert line == ("kg: E101 no store at kg-store; a store exists at out/store "
                    "(use --store out/store), or build one with `kg build PATH --store kg-store`")


def test_missing_store_with_none_around_says_how_to_build_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert one_line(run("brokers"), 2) == \
        "kg: E101 no store at kg-store (build one with `kg build PATH --store kg-store`)"


@pytest.mark.parametrize("args", ANALYSIS + [["stats"]], ids=lambda a: a[0])
def test_a_folder_that_is_not_a_store(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    Path("notes").mkdir()
    Path("notes/x.txt").write_text("x", encoding="utf-8")
    assert one_line(run(*args, "--store", "notes"), 2) == (
        "kg: E103 notes is not a kg store (a non-empty directory that Oxigraph did not "
        "write); nothing was changed")


@pytest.mark.parametrize("args", ANALYSIS + [["stats"], ["sparql", "ASK {}"]],
                         ids=lambda a: a[0])
def test_a_locked_store_is_read_read_only(built, monkeypatch, args, kg_command, subprocess_env):
    monkeypatch.chdir(built)
    with holding("out/store"):
        result = subprocess.run([*kg_command, *args, "--store", "out/store"], capture_output=True,
                                text=True, env=dict(subprocess_env, PYTHONPATH=_ROOT), timeout=600)
    assert result.returncode == 0, result.stderr


#: The folder holding this checkout's ``kg`` package, for the processes a test starts.
_ROOT = str(Path(kg_build.__file__).parents[2])


@contextlib.contextmanager
def holding(store: str):
    """Another process holding ``store`` open for writing, as a build does."""
    proc = subprocess.Popen([sys.executable, "-c", "import sys, time\n"
                             "from kg.store.backends import open_store\n"
                             f"s = open_store({store!r})\nprint('open', flush=True)\n"
                             "sys.stdin.read()"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=_ROOT))
    try:
        assert proc.stdout.readline().strip() == "open"
        yield
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)


def test_a_locked_store_refuses_changes_and_says_why(built, monkeypatch):
    monkeypatch.chdir(built)
    with holding("out/store"):
        line = one_line(run("sparql", "--update", "CLEAR GRAPH <urn:x>", "--store", "out/store"), 2)
    assert line == ("kg: E113 store out/store cannot be changed now: it is in use by another "
                    "process; wait for the other process to finish, or give another --store")


@pytest.mark.parametrize("args", ANALYSIS + [["stats"], ["build", "in"]], ids=lambda a: a[0])
def test_a_store_of_empty_files_is_damaged_not_a_traceback(built, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in (built / "out" / "store").iterdir():
        (broken / f.name).write_bytes(b"")
    line = one_line(run(*args, "--store", "broken"), 2)
    assert line.startswith("kg: E106 store broken is damaged (Corruption: ")
    assert line.endswith("); rebuild it: `rm -rf broken && kg build PATH --store broken`")


def test_build_store_that_cannot_be_created(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    Path("in/a.txt").write_text(ARTICLE, encoding="utf-8")
    Path("file").write_text("x", encoding="utf-8")
    assert one_line(run("build", "in", "--store", "file/store"), 2) == \
        "kg: E107 cannot create store file/store: Not a directory"


# --- output files ---------------------------------------------------------------------------

@pytest.mark.parametrize("args, path", [
    (["view", "--out", "/no/such/dir/g.html"], "/no/such/dir/g.html"),
    (["export", "--format", "ttl", "--out", "/no/such/x.ttl"], "/no/such/x.ttl"),
    (["connect", "星河大学", "南湖高新区", "--html", "/no/such/c.html"], "/no/such/c.html"),
    (["project", "--out", "/no/such/g.pickle"], "/no/such/g.pickle"),
], ids=["view", "export", "connect", "project"])
def test_output_in_a_missing_folder(built, monkeypatch, args, path):
    monkeypatch.chdir(built)
    assert one_line(run(*args, "--store", "out/store"), 2) == \
        f"kg: E401 cannot write {path}: no folder {Path(path).parent}"


# --- SPARQL ---------------------------------------------------------------------------------

def test_sparql_missing_file_is_not_an_update(built, monkeypatch):
    monkeypatch.chdir(built)
    assert one_line(run("sparql", "nonexistent.rq", "--store", "out/store"), 2) == \
        "kg: E301 no query file nonexistent.rq (give a .rq file or the text of a query)"


def test_sparql_typo_is_a_syntax_error_not_an_update(built, monkeypatch):
    monkeypatch.chdir(built)
    assert one_line(run("sparql", "SELEC * WHERE { ?s ?p ?o }", "--store", "out/store"), 2) == (
        "kg: E302 SPARQL syntax error at line 1, column 1: 'SELEC' is neither a query form "
        "(SELECT, ASK, CONSTRUCT, DESCRIBE) nor an update (INSERT, DELETE, …)")


def test_sparql_syntax_error_points_at_the_users_line(built, monkeypatch):
    monkeypatch.chdir(built)
    # Oxigraph points at where it gave up, here the end of line 3 (it said
    # line 13: the ten predeclared PREFIX lines were counted)
    Path("q.rq").write_text("SELECT ?s\nWHERE {\n  ?s ?p", encoding="utf-8")
    line = one_line(run("sparql", "q.rq", "--store", "out/store"), 2)
    assert line.startswith("kg: E302 SPARQL syntax error at line 3, column 8: "), line


def test_sparql_update_is_still_refused(built, monkeypatch):
    monkeypatch.chdir(built)
    assert one_line(run("sparql", "DROP ALL", "--store", "out/store"), 2) == (
        "kg: E303 this is an update, not a query: refused (the store is read-only); "
        "pass --update to change the store")


def test_sparql_outputs_end_with_a_line_break_and_construct_refuses_json(built, monkeypatch):
    monkeypatch.chdir(built)
    ask = run("sparql", "ASK { ?s uic:signsWith ?o }", "--store", "out/store", "--format", "json")
    assert ask.exit_code == 0 and ask.stdout == '{"head": {}, "boolean": true}\n'
    ask = run("sparql", "ASK { ?s uic:signsWith ?o }", "--store", "out/store")
    assert ask.stdout == "true\n"
    select = run("sparql", "SELECT ?s WHERE { ?s uic:signsWith ?o }", "--store", "out/store",
                "--format", "json")
    assert select.stdout.endswith("}\n") and json.loads(select.stdout)["results"]["bindings"]
    construct = "CONSTRUCT { ?s uic:signsWith ?o } WHERE { ?s uic:signsWith ?o }"
    assert one_line(run("sparql", construct, "--store", "out/store", "--format", "json"), 2) == (
        "kg: E304 a CONSTRUCT result is RDF triples, printed as N-Triples: --format json "
        "applies to SELECT and ASK (use `kg export` for other RDF formats)")
    table = run("sparql", construct, "--store", "out/store")
    assert table.exit_code == 0 and table.stdout.count("signsWith") == 2


# --- evaluation -----------------------------------------------------------------------------

def test_eval_without_gold_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("gold").mkdir(), Path("in").mkdir()
    Path("in/a.txt").write_text(ARTICLE, encoding="utf-8")
    assert one_line(run("eval", "gold", "in"), 2) == "kg: E601 no gold file (*.json) in gold"


def test_eval_gold_matching_no_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("gold").mkdir(), Path("in").mkdir()
    Path("in/a.txt").write_text(ARTICLE, encoding="utf-8")
    Path("gold/x.json").write_text(json.dumps({"doc": "other.txt", "entities": [],
                                               "relations": []}), encoding="utf-8")
    assert one_line(run("eval", "gold", "in"), 2) == (
        "kg: E602 no gold file names a document among the texts given: the 1 gold documents "
        "(other.txt) are not among the 1 files of in (a gold file's \"doc\" is the file name "
        "of its text)")


# --- one document must not stall a corpus ---------------------------------------------------

def _slow_on_purpose(doc: dict) -> dict:
    """Extraction that never ends for a document containing 慢 (as the d55
    alias loop did), and the real one for the others.  Module level so
    that worker processes can use it.  Gives up after 120 s so that a
    broken time limit fails the test instead of hanging it."""
    if "慢" in (doc.get("raw") or ""):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pass
        raise AssertionError("the time limit did not stop the extraction")
    return kg_extract.extract_document(doc)


@pytest.fixture
def corpus_with_a_slow_document(tmp_path, monkeypatch):
    kg_extract.default_pipeline()       # loaded before any document's time limit runs
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    Path("in/a.txt").write_text(ARTICLE, encoding="utf-8")
    Path("in/slow.txt").write_text("慢" + OTHER, encoding="utf-8")
    Path("in/z.txt").write_text(OTHER, encoding="utf-8")
    return tmp_path


def test_build_skips_a_document_over_the_time_limit(corpus_with_a_slow_document, monkeypatch):
    monkeypatch.setattr(kg_build, "default_extractor", lambda: _slow_on_purpose)
    result = run("build", "in", "--store", "S", "--quiet", "--timeout", "1")
    assert result.exit_code == 1
    assert result.stderr == ("kg: W204 skipped in/slow.txt: extraction took longer than 1 s "
                             "(the per-document limit; raise it with --timeout)\n")
    assert result.stdout.startswith("added 2, replaced 0, skipped 0, failed 1; store S: 2 documents")
    with open_store("S") as store:
        assert sorted(d["paths"][0] for d in store.documents()) == ["in/a.txt", "in/z.txt"]


def test_extract_skips_a_document_over_the_time_limit(corpus_with_a_slow_document, monkeypatch):
    monkeypatch.setattr(kg_extract, "extract_document", _wrap_real(_slow_on_purpose))
    result = run("extract", "in", "--out", "out", "--timeout", "1")
    assert result.exit_code == 1
    assert result.stderr == ("kg: W204 skipped in/slow.txt: extraction took longer than 1 s "
                             "(the per-document limit; raise it with --timeout)\n")
    docs = [json.loads(x) for x in Path("out/documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["doc"] for d in docs] == ["a.txt", "z.txt"]


def _wrap_real(slow):
    real = kg_extract.extract_document

    def extract_document(record, nlp=None):
        if "慢" in (record.get("raw") or ""):
            return slow(record)
        return real(record, nlp=nlp)
    return extract_document


def test_parallel_build_skips_a_document_over_the_time_limit(corpus_with_a_slow_document):
    with open_store("S", create=True) as store:
        report = build(["in"], store, progress=False, jobs=2, timeout=1,
                       extract=_slow_on_purpose)
        assert report.added == ["a.txt", "z.txt"]
        assert report.failed == ["in/slow.txt: extraction took longer than 1 s "
                                 "(the per-document limit; raise it with --timeout)"]
        assert report.failed[0].code == "W204"
        assert store.stats()["documents"] == 2


# --- accepted without a word ----------------------------------------------------------------

def test_folder_of_unsupported_files_reads_nothing_and_says_why(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    for name in ("a.xls", "b.xls", "c.doc", "d.text"):
        Path("in", name).write_bytes(b"%PDF-1.4 not text")
    for command in (["build", "in", "--store", "S"], ["extract", "in", "--out", "out"]):
        result = run(*command)
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            "kg: W202 skipped 4 files of unsupported type (.xls 2, .doc 1, .text 1): kg reads "
            ".txt, .html, .htm, .md, .pdf and .docx; --verbose lists them",
            "kg: E203 nothing to read in in: only files of unsupported types"]
    verbose = run("build", "in", "--store", "S", "--verbose")
    assert verbose.stderr.splitlines()[:4] == [
        "kg: W203 skipped in/a.xls: unsupported file type .xls",
        "kg: W203 skipped in/b.xls: unsupported file type .xls",
        "kg: W203 skipped in/c.doc: unsupported file type .doc",
        "kg: W203 skipped in/d.text: unsupported file type .text"]


def test_unsupported_files_beside_articles_are_counted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    Path("in/a.txt").write_text(ARTICLE, encoding="utf-8")
    Path("in/scan.tif").write_bytes(b"II*\x00")
    result = run("build", "in", "--store", "S", "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ("kg: W202 skipped 1 file of unsupported type (.tif 1): kg reads "
                             ".txt, .html, .htm, .md, .pdf and .docx; --verbose lists them\n")
    assert result.stdout.startswith("added 1,")


def test_utf16_bom_junk_is_refused_like_binary(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    Path("in/a.txt").write_text(ARTICLE, encoding="utf-8")
    Path("in/junk.txt").write_bytes(b"\xff\xfe\x00garbage\x80\x81")      # 12 bytes
    for command in (["build", "in", "--store", "S", "--quiet"], ["extract", "in", "--out", "out"]):
        result = run(*command)
        assert result.exit_code == 1        # build and extract: the same policy
        assert result.stderr == (
            "kg: W201 skipped in/junk.txt: binary file (decoded as utf-16 after its byte order "
            "mark, it is not Chinese or Latin text), not text\n")
    with open_store("S") as store:
        names = {e["name"] for e in store.entities()}
    assert "最牡慢敧膀" not in names and store.location == "S"


def test_brokers_top_must_be_positive(built, monkeypatch):
    monkeypatch.chdir(built)
    assert one_line(run("brokers", "--top", "-3", "--store", "out/store"), 2) == (
        "kg: E001 Invalid value for '--top': -3 is not in the range x>=1. "
        "(see `kg brokers --help`)")


def test_view_cluster_ids_agree_with_kg_clusters(tmp_path):
    G = small()
    G.add_node("甲公司", type="Company", sector="industry", aliases=[], docs=[])
    G.add_node("乙大学", type="University", sector="university", aliases=[], docs=[])
    G.add_edge("甲公司", "乙大学", key="signsWith", predicate="signsWith", count=1, evidence=[])
    graph = tmp_path / "g.pickle"
    save_graph(G, graph)
    listed = run("clusters", "--graph", graph, "--json")
    assert [c["id"] for c in json.loads(listed.stdout)["clusters"]] == [0, 1, 2]
    every = run("clusters", "--graph", graph, "--json", "--min-size", "1")
    assert [c["id"] for c in json.loads(every.stdout)["clusters"]] == [0, 1, 2, 3, 4]
    line = one_line(run("view", "--graph", graph, "--cluster", 999,
                        "--out", tmp_path / "v.html"), 2)
    assert line == ("kg: E502 no cluster 999 (`kg clusters` lists 0–2; clusters 3, 4 have fewer "
                    "than 3 members (`kg clusters --min-size 1` lists them))")
    assert run("view", "--graph", graph, "--cluster", 2, "--out", tmp_path / "v.html").exit_code == 0


# --- consistency ----------------------------------------------------------------------------

def test_help_documents_the_exit_policy_and_the_prefix():
    text = run("--help").stdout
    assert "Problems are printed one per line, as 'kg: CODE message'." in text
    assert "Exit status: 0 everything was done; 1 some inputs failed" in " ".join(text.split())
    assert "2 nothing was done, a usage error" in " ".join(text.split())


def test_usage_errors_have_the_same_prefix_and_status_2():
    line = one_line(run("stats", "--bogus"), 2)
    assert line == "kg: E001 No such option '--bogus'. (see `kg stats --help`)"
    assert one_line(run("frobnicate"), 2) == "kg: E001 No such command 'frobnicate'. (see `kg --help`)"


def test_kg_alone_prints_the_help_not_an_error():
    result = CliRunner().invoke(main, [], prog_name="kg")
    assert result.exit_code == 2 and result.stderr == ""
    assert result.stdout.startswith("Usage: kg [OPTIONS] COMMAND [ARGS]...")


def test_eval_with_a_bad_text_follows_the_policy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("gold").mkdir(), Path("in").mkdir()
    Path("in/a.txt").write_text(ARTICLE, encoding="utf-8")
    Path("in/empty.txt").write_bytes(b"")
    Path("gold/a.json").write_text(json.dumps({"doc": "a.txt", "entities": [],
                                               "relations": []}), encoding="utf-8")
    result = run("eval", "gold", "in")
    assert result.exit_code == 1
    assert result.stderr == "kg: W201 skipped in/empty.txt: empty file\n"
    assert "relations: P " in result.stdout


def test_traditional_names_and_alias_pinyin_are_looked_up(tmp_path):
    graph = tmp_path / "g.pickle"
    save_graph(small(), graph)
    result = run("connect", "--graph", graph, "陝西理工大學", "清遠高新區")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("陕西理工大学 → 清远高新区: ")
    card = run("show", "--graph", graph, "xi an jiao da")
    assert card.exit_code == 0 and card.stdout.startswith("西安交通大学  [University, university]")
    page = tmp_path / "v.html"
    assert run("view", "--graph", graph, "--out", page).exit_code == 0
    html = page.read_text(encoding="utf-8")
    # the page's search index: the pinyin of each alias, the Traditional spelling
    data = json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>',
                                html, re.S).group(1))
    keys = {n["name"]: n["keys"] for n in data["nodes"]}
    assert sorted(keys["西安交通大学"]) == ["jiaoda", "xianjiaoda", "西安交通大學"]
    assert keys["陕西理工大学"] == ["陝西理工大學"] and keys["清远高新区"] == ["清遠高新區"]


def test_singular_and_plural_and_quotes(tmp_path):
    G = small()
    G.add_node("“星火”计划", type="Project", sector="project", aliases=[], docs=["q.txt"])
    G.add_edge("西安交通大学", "“星火”计划", key="hasProject", predicate="hasProject", count=1,
               evidence=[{"doc": "q.txt", "sentence": "“西安交通大学承担‘星火’计划。”"},
                         {"doc": "q.txt", "sentence": "西安交通大学承担“星火”计划。"}])
    G.add_edge("清远高新区", "“星火”计划", key="supports", predicate="supports", count=1,
               evidence=[{"doc": "q.txt", "sentence": "“星火”计划获清远高新区支持。"}])
    graph, plain = tmp_path / "g.pickle", tmp_path / "small.pickle"
    save_graph(G, graph)
    save_graph(small(), plain)
    one = run("connect", "--graph", plain, "清远高新区", "西安交通大学")
    assert one.exit_code == 0
    assert one.stdout.startswith("清远高新区 → 西安交通大学: 1 path\n")
    assert "1. (1 hop) 清远高新区 – 西安交通大学" in one.stdout
    brokers = run("brokers", "--graph", graph, "--top", "3")
    assert "(1 pair)" in brokers.stdout and "(1 pairs)" not in brokers.stdout
    card = run("show", "--graph", graph, "“星火”计划")
    assert card.exit_code == 0
    assert "    “西安交通大学承担‘星火’计划。” [q.txt]" in card.stdout      # not ““…””
    assert "    “西安交通大学承担“星火”计划。” [q.txt]" in card.stdout
    assert "    「“星火”计划获清远高新区支持。」 [q.txt]" in card.stdout


def test_interrupted_build_says_what_is_kept(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    Path("in/a.txt").write_text(ARTICLE, encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(kg_build, "build", interrupted)
    result = run("build", "in", "--store", "S")
    assert result.exit_code == 130                  # as shells report SIGINT
    assert result.stderr.strip().splitlines()[-1] == (
        "kg: E204 interrupted: the documents finished before are stored; run the same "
        "command again to do the rest")


def test_install_has_no_license_deprecation(repo_root):
    import tomllib

    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"          # an SPDX string, not a table
    assert project["build-system"]["requires"] == ["setuptools>=77"]


def test_view_help_shows_the_limit_not_a_variable_name():
    text = run("view", "--help").stdout
    assert "kg.web.viewer.MAX_NODES" not in text and "Above 5,000 entities" in " ".join(text.split())


def test_no_log_files_pile_up_in_the_store(built, monkeypatch):
    monkeypatch.chdir(built)
    for _ in range(3):
        assert run("stats", "--store", "out/store").exit_code == 0
    assert sorted(p.name for p in (built / "out" / "store").glob("LOG*")) == ["LOG"]


def test_no_traceback_from_the_installed_command(built, kg_command, subprocess_env):
    """The same cases through a real subprocess (what a user's shell runs)."""
    for args in (["brokers"], ["sparql", "nonexistent.rq"], ["view", "--out", "/no/such/g.html",
                                                          "--store", "out/store"]):
        proc = subprocess.run([*kg_command, *args], capture_output=True, text=True,
                              cwd=built, env=subprocess_env, timeout=300)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith("kg: E")
