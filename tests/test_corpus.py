"""The synthetic scale-test corpus (``bench/corpus.py``): deterministic, the
requested size, seed-like but not copied from the seeds, and growing like a
news stream (many organisations, a few hubs)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus():
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_corpus"] = module   # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def docs(corpus):
    return corpus.generate(300, seed=3)


def test_same_seed_same_corpus_other_seed_other_corpus(corpus, docs):
    assert corpus.generate(300, seed=3) == docs
    assert corpus.generate(300, seed=4) != docs


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one(corpus, docs):
    assert corpus.generate(50, seed=3) == docs[:50]


def test_size_names_and_article_lengths(docs):
    assert len(docs) == 300
    assert [name for name, _ in docs] == [f"{i:05d}.txt" for i in range(300)]
    lengths = [len(text) for _, text in docs]
    assert min(lengths) >= 150 and max(lengths) <= 1600
    assert 350 <= sum(lengths) / len(lengths) <= 800


def test_no_seed_sentence_is_copied(docs):
    seed_sentences = set()
    for path in (ROOT / "seeds").glob("*.txt"):
        text = re.sub(r"\s+", "", path.read_text(encoding="utf-8"))
        seed_sentences.update(s for s in re.split(r"[。！？]", text) if len(s) >= 12)
    generated = re.sub(r"\s+", "", "".join(text for _, text in docs))
    assert not [s for s in seed_sentences if s in generated]


def test_many_organisations_and_a_few_hubs(docs):
    companies = Counter()
    for _, text in docs:
        companies.update(set(re.findall(r"[\u4e00-\u9fff]{4,16}?(?:股份)?有限公司", text)))
    counts = sorted(companies.values(), reverse=True)
    assert len(counts) > 200                          # many organisations …
    assert sum(c == 1 for c in counts) > len(counts) / 3   # … a long tail …
    assert counts[0] > 20 * counts[len(counts) // 2]  # … and hubs that recur


def test_command_line_writes_the_files(tmp_path):
    out = tmp_path / "c"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), "12", str(out),
                           "--seed", "5"], capture_output=True, text=True, check=True)
    assert "12 articles" in proc.stdout
    files = sorted(p.name for p in out.glob("*.txt"))
    assert files == [f"{i:05d}.txt" for i in range(12)]
    subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), "3", str(out),
                    "--seed", "5"], check=True, capture_output=True)
    assert len(list(out.glob("*.txt"))) == 3      # a smaller corpus replaces the larger one


def test_the_extractor_finds_relations_of_many_kinds(corpus, extract_text):
    predicates = Counter()
    for name, text in corpus.generate(8, seed=1):
        predicates.update(r["predicate"] for r in extract_text(text, doc=name)["relations"])
    assert {"affiliatedWith", "signsWith", "builds", "locatedIn"} <= set(predicates)
    assert len(predicates) >= 8
