"""Shared fixtures of the test suite.

Extraction fixtures build the spaCy pipeline once per test session (jieba
loads its dictionary once) and give tests small helpers to run extraction
on a sentence and compare ``(subject, predicate, object)`` triples.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

#: The repository root (``tests/..``).
ROOT = Path(__file__).resolve().parent.parent
#: The shared folder next to the repository, when the repo is not standalone.
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``; tests that need it skip when it is absent."""
    return SHARED


@pytest.fixture(scope="session")
def nlp():
    """The rule pipeline (no trained tagger), built once per session: the
    rule tests check what each rule reads from an invented sentence; the
    trained components are tested on their own (test_tagger.py) and by
    scores on gold (test_seeds_copy.py, kg eval)."""
    from kg.extraction.pipeline import build_pipeline

    return build_pipeline(tagger=False)


@pytest.fixture(scope="session")
def tagged_nlp():
    """The shipped pipeline: rules, LAC and the learned name tagger."""
    from kg.extraction.document import default_pipeline

    return default_pipeline()


@pytest.fixture(scope="session")
def extract_text(nlp):
    """``extract_text(text, doc="t.txt")`` → the :func:`kg.extraction.document.extract_document` result."""
    from kg.extraction.document import extract_document

    def run(text: str, doc: str = "t.txt") -> dict:
        return extract_document({"doc": doc, "doc_id": "f" * 16, "raw": text}, nlp=nlp)

    return run


@pytest.fixture(scope="session")
def triples():
    """``triples(result)`` → the set of ``(subject, predicate, object)`` of a result
    (symmetric predicates appear in both directions)."""
    from kg.records import SYMMETRIC

    def collect(result: dict) -> set[tuple[str, str, str]]:
        out = set()
        for r in result["relations"]:
            out.add((r["subject"], r["predicate"], r["object"]))
            if r["predicate"] in SYMMETRIC:
                out.add((r["object"], r["predicate"], r["subject"]))
        return out

    return collect


@pytest.fixture(scope="session")
def kg_command():
    """The argument list that runs the ``kg`` command of this checkout."""
    exe = Path(sys.executable).with_name("kg")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "kg.cli"]


@pytest.fixture(scope="session")
def subprocess_env():
    """Environment for subprocesses: UTF-8 I/O, no user site packages."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONNOUSERSITE="1")
    return env


@pytest.fixture(scope="session")
def gold_seed_results() -> list[dict]:
    """The gold annotations of ``seeds/gold`` as extraction results."""
    from seedgold import gold_results

    return gold_results()


def pytest_collection_modifyitems(config, items):
    """Mark the known extraction gaps listed in ``known_gaps.txt`` as strict
    expected failures, so they stay visible and flag themselves when fixed."""
    listed = Path(__file__).with_name("known_gaps.txt")
    gaps = {line.strip() for line in listed.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}
    for item in items:
        if item.nodeid in gaps:
            item.add_marker(pytest.mark.xfail(
                reason="known extractor gap (tests/known_gaps.txt)", strict=True))


# --- kg serve: one seeds store and one server per session ----------------------

#: An entity whose name would run code if a page inserted it as markup.
HOSTILE_NAME = "<script>window.__pwned=1</script>星火<img src=x onerror=\"window.__pwned=2\">研究院"
#: Its evidence sentence, hostile too.
HOSTILE_SENTENCE = f"西安交通大学与{HOSTILE_NAME}共建<b onmouseover=alert(1)>平台</b>。"


def _hostile_result() -> dict:
    """One made-up document whose entity and sentence are markup."""
    import hashlib

    text = HOSTILE_SENTENCE + "\n"
    start = 0
    return {"document": {"doc": "hostile<i>.txt", "path": "hostile<i>.txt",
                         "doc_id": hashlib.sha256(text.encode()).hexdigest()[:16],
                         "encoding": "utf-8", "text": text},
            "entities": [{"name": "西安交通大学", "type": "University", "aliases": ["西安交大"]},
                         {"name": HOSTILE_NAME, "type": "Platform",
                          "aliases": ["<svg onload=alert(3)>"]}],
            "relations": [{"doc": "hostile<i>.txt", "subject": "西安交通大学", "predicate": "builds",
                           "object": HOSTILE_NAME, "subject_type": "University",
                           "object_type": "Platform", "evidence": HOSTILE_SENTENCE,
                           "start": start, "end": len(HOSTILE_SENTENCE), "trigger": "共建",
                           "confidence": 1.0, "title": None,
                           "date": "2023-05-01"}]}     # the only dated statement


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory, gold_seed_results) -> Path:
    """A store of the seeds' gold annotations plus one hostile document,
    with its analysis saved (built once per session)."""
    from kg.analysis.cache import analysis
    from kg.store.rdf import document_quads
    from kg.store.backends import open_store

    path = tmp_path_factory.mktemp("served") / "store"
    store = open_store(path, create=True)
    for result in [*gold_seed_results, _hostile_result()]:
        store.replace_document(result["document"]["doc_id"],
                               document_quads(result, store.resolver(result)))
    from kg.analysis.projection import save_graph

    save_graph(analysis(store).graph, path.parent / "graph.pickle")   # for `kg … --graph`
    store.close()
    return path


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def kg_server(seeds_store, kg_command, subprocess_env):
    """``kg serve`` on the seeds store, on a free loopback port, for the
    session: its base URL (``http://127.0.0.1:PORT``)."""
    proc, url = start_server(kg_command, subprocess_env, seeds_store, "--query-timeout", "3",
                             "--max-rows", "500", "--cors-origin", "https://yasgui.example")
    yield url
    stop_server(proc)


def start_server(kg_command, env, store, *options, wait: float = 120):
    """``kg serve`` on ``store`` and a free loopback port, once it answers:
    ``(process, base URL)``."""
    import subprocess
    import time
    import urllib.request

    port = free_port()
    proc = subprocess.Popen([*kg_command, "serve", "--store", str(store), "--port", str(port),
                             *options], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + wait
    while True:
        try:
            with urllib.request.urlopen(url + "/api/stats", timeout=2) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("kg serve exited: " + proc.stderr.read().decode())
            if time.time() > deadline:
                proc.kill()
                raise RuntimeError(f"kg serve did not answer within {wait:g} s")
            time.sleep(0.2)


def stop_server(proc) -> None:
    """SIGTERM, then SIGKILL after 30 s."""
    import subprocess

    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def build_store(kg_command, env, folder, texts: dict) -> "Path":
    """``kg build`` of the invented articles ``texts`` (file name → text),
    written to ``folder/in``, into ``folder/store``; the store's path."""
    import subprocess

    (folder / "in").mkdir(parents=True)
    for name, text in texts.items():
        (folder / "in" / name).write_text(text, encoding="utf-8")
    store = folder / "store"
    out = subprocess.run([*kg_command, "build", str(folder / "in"), "--store", str(store),
                          "--quiet"], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    return store


#: Debian's chromium, driven by Playwright (``.ci/run`` installs it; never
#: ``playwright install``).
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium "
                    "(apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
