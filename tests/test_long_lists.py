"""A sentence that lists hundreds of names: the relation candidates of a long
list grow with the list, not with its square (every member paired with every
other) or its cube (each pair walking the list again)."""

from __future__ import annotations

import json
import random
import subprocess

from kg.extraction.candidates import LONG_LIST_MENTIONS, sentence_candidates

_CHARS = "星河蓝海青松白鹭金山银湖东方西岭南华北辰瑞丰恒泰嘉禾锦绣天成宏远"


def invented_universities(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    names: list[str] = []
    while len(names) < n:
        name = "".join(rng.choice(_CHARS) for _ in range(3)) + "大学"
        if name not in names:
            names.append(name)
    return names


def list_sentence(names: list[str]) -> tuple[str, list[dict], list[tuple[int, int]]]:
    """The sentence ``甲、乙、…与蓝海科技有限公司签约。`` with its mentions and tokens."""
    text, mentions, tokens = "", [], []
    for i, name in enumerate(names):
        if i:
            tokens.append((len(text), len(text) + 1))
            text += "、"
        mentions.append({"start": len(text), "end": len(text) + len(name), "name": name,
                         "type": "University", "text": name})
        tokens.append((len(text), len(text) + len(name)))
        text += name
    tokens.append((len(text), len(text) + 1))
    text += "与"
    firm = "蓝海科技有限公司"
    mentions.append({"start": len(text), "end": len(text) + len(firm), "name": firm,
                     "type": "Company", "text": firm})
    tokens.append((len(text), len(text) + len(firm)))
    text += firm
    tokens.append((len(text), len(text) + 3))
    text += "签约。"
    return text, mentions, tokens


def test_a_long_list_makes_candidates_in_proportion_to_its_length():
    counts = {}
    for n in (100, 200, 400):
        text, mentions, tokens = list_sentence(invented_universities(n))
        pairs = sentence_candidates(text, mentions, tokens)
        counts[n] = len(pairs)
        firm_pairs = [c for c in pairs if "蓝海科技有限公司" in (c["subject"], c["object"])]
        assert len(firm_pairs) == 2 * n            # every member still meets the firm
        # ... and its neighbours in the list, both ways: 2n + 2(n - 1) in all
    assert counts == {n: 4 * n - 2 for n in (100, 200, 400)}


def test_a_short_list_keeps_every_pair():
    n = LONG_LIST_MENTIONS - 1
    text, mentions, tokens = list_sentence(invented_universities(n))
    assert len(sentence_candidates(text, mentions, tokens)) == (n + 1) * n


def test_an_article_listing_400_universities_is_extracted_within_a_short_time_limit(
        kg_command, subprocess_env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    names = invented_universities(400)
    (folder / "list.txt").write_text("本次活动中，" + "、".join(names)
                                     + "与蓝海科技有限公司签订合作协议。\n", encoding="utf-8")
    out = subprocess.run([*kg_command, "extract", str(folder), "--out", str(tmp_path / "out"),
                          "--timeout", "5"], capture_output=True, text=True, env=subprocess_env, timeout=600)
    assert out.returncode == 0, out.stderr              # not skipped for taking over 5 s
    entities = [json.loads(line) for line in (tmp_path / "out" / "entities.jsonl").open()]
    assert sum(e["type"] == "University" for e in entities) >= 390
    relations = [json.loads(line) for line in (tmp_path / "out" / "relations.jsonl").open()]
    assert any(r["predicate"] == "signsWith" for r in relations)


def test_a_huge_file_gets_a_capped_time_limit_and_is_named_when_it_passes_it(
        kg_command, subprocess_env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text("星河大学与蓝海科技有限公司签约。\n", encoding="utf-8")
    # 1.2 million characters on one line (two minutes of extraction):
    # uncapped, --timeout 2 would allow 2 s per 20 000 characters, 120 s in
    # all; capped, 20 s.
    (folder / "huge.txt").write_text("星河大学与蓝海科技有限公司签约，" * 75_000, encoding="utf-8")
    out = subprocess.run([*kg_command, "extract", str(folder), "--out", str(tmp_path / "out"),
                          "--timeout", "2"], capture_output=True, text=True,
                         env=subprocess_env, timeout=600)
    assert out.returncode == 1
    assert "huge.txt: extraction took longer than 20 s" in out.stderr
    assert "raise it with --timeout" in out.stderr
    assert len((tmp_path / "out" / "relations.jsonl").read_text(encoding="utf-8").splitlines()) == 1
