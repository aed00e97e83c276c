"""File names as users' folders hold them: names that are not UTF-8,
symbolic links that lead nowhere or back to themselves, paths far too long
to repeat — each is read or named on one line, and never costs the other
files their results."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

ARTICLE = "星河大学与蓝海科技有限公司签约。\n"
OTHER = "青松大学与白鹭科技有限公司签约。\n"
BAD_NAME = os.fsdecode(b"bad\xff.txt")        # a Latin-1 name on a UTF-8 system


def run(kg_command, env, *args):
    return subprocess.run([*kg_command, *args], capture_output=True, text=True, env=env,
                          timeout=600, errors="replace")


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / BAD_NAME).write_text(OTHER, encoding="utf-8")
    return folder


def test_a_name_that_is_not_utf8_is_read_and_shown_escaped(kg_command, subprocess_env, folder, tmp_path):
    out = run(kg_command, subprocess_env, "extract", str(folder), "--out", str(tmp_path / "out"))
    assert out.returncode == 0, out.stderr
    docs = [json.loads(line) for line in (tmp_path / "out" / "documents.jsonl").open(encoding="utf-8")]
    assert sorted(d["doc"] for d in docs) == ["bad\\xff.txt", "good.txt"]
    relations = (tmp_path / "out" / "relations.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(relations) == 2


def test_a_name_that_is_not_utf8_is_stored_and_removed_by_its_path(kg_command, subprocess_env, folder, tmp_path):
    store = str(tmp_path / "store")
    out = run(kg_command, subprocess_env, "build", str(folder), "--store", store, "--quiet")
    assert out.returncode == 0, out.stderr
    stats = json.loads(run(kg_command, subprocess_env, "stats", "--store", store, "--json").stdout)
    assert stats["documents"] == 2
    out = run(kg_command, subprocess_env, "remove", str(folder / BAD_NAME), "--store", store)
    assert out.returncode == 0, out.stderr
    assert "bad\\xff.txt" in out.stdout
    stats = json.loads(run(kg_command, subprocess_env, "stats", "--store", store, "--json").stdout)
    assert stats["documents"] == 1


def test_symbolic_link_loops_and_broken_links_are_named_as_such(kg_command, subprocess_env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "a.txt").symlink_to("b.txt")
    (folder / "b.txt").symlink_to("a.txt")
    (folder / "gone.txt").symlink_to("nowhere.txt")
    out = run(kg_command, subprocess_env, "extract", str(folder), "--out", str(tmp_path / "out"))
    assert out.returncode == 1                         # skipped input, the rest done
    lines = out.stderr.splitlines()
    assert any("a.txt: symbolic link loop" in line for line in lines), out.stderr
    assert any("gone.txt: broken symbolic link" in line for line in lines), out.stderr
    assert "unsupported file type" not in out.stderr
    assert len((tmp_path / "out" / "relations.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_a_very_long_path_is_cut_in_the_message(kg_command, subprocess_env, tmp_path):
    long = "长" * 10_000 + ".txt"
    out = run(kg_command, subprocess_env, "extract", long, "--out", str(tmp_path / "out"))
    assert out.returncode != 0
    assert "file name too long" in out.stderr
    assert len(out.stderr) < 1_000
    assert "…" in out.stderr


def test_ctrl_c_stops_a_build_with_status_130_and_keeps_what_was_stored(kg_command, subprocess_env, tmp_path):
    import re
    import signal
    import threading
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(300):
        (folder / f"{i:03}.txt").write_text(f"第{i}号星河大学与蓝海科技有限公司签约。\n" * 40, encoding="utf-8")
    store = tmp_path / "store"
    proc = subprocess.Popen([*kg_command, "build", str(folder), "--store", str(store)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env)
    err = bytearray()
    def read():
        for chunk in iter(lambda: proc.stderr.read1(256), b""):
            err.extend(chunk)
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not re.search(rb"\b([3-9]|\d\d+)/300\b", bytes(err)):
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)           # a few documents are stored by now
    proc.wait(timeout=120)
    reader.join(timeout=10)
    text = err.decode("utf-8", "replace")
    assert proc.returncode == 130, text
    assert "kg: E204 interrupted" in text
    after = run(kg_command, subprocess_env, "stats", "--store", str(store), "--json")
    assert after.returncode == 0, after.stderr        # the store opens, whole
    assert 0 < json.loads(after.stdout)["documents"] < 300


def test_a_first_build_that_stores_nothing_leaves_no_store_folder(kg_command, subprocess_env, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("", encoding="utf-8")
    store = tmp_path / "store"
    out = run(kg_command, subprocess_env, "build", str(folder), "--store", str(store))
    assert out.returncode == 1                        # the one input failed
    assert not store.exists()
    (folder / "table.xls").write_bytes(b"\xd0\xcf")
    (folder / "empty.txt").unlink()
    out = run(kg_command, subprocess_env, "build", str(folder), "--store", str(store))
    assert out.returncode == 2                        # nothing to read at all
    assert not store.exists()
    again = run(kg_command, subprocess_env, "stats", "--store", str(tmp_path / "other"))
    assert str(store) not in again.stderr              # not offered as a store
