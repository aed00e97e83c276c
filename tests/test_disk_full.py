"""A full disk: a build stops with one line saying how many documents were
stored (whole, one transaction each) and how to resume, and the same command
finishes the job once there is room; an export never leaves a truncated file.
A small tmpfs (mounted by the test, as root: CI runs as root) is the full disk."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest

ARTICLE = "第{i}号星河大学与蓝海科技有限公司签约。南湖高新区管委会主任王立新出席签约仪式。"


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2M", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    assert done.returncode == 0, f"cannot mount a tmpfs (the test needs root): {done.stderr}"
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def kg(kg_command, env, *args):
    return subprocess.run([*kg_command, *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=600)


def articles(folder: Path, n: int) -> Path:
    """``n`` invented articles of about 1 200 characters in ``folder``."""
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:02}.txt").write_text(ARTICLE.format(i=i) * 30 + "\n", encoding="utf-8")
    return folder


def test_a_build_on_a_full_disk_says_what_was_stored_and_resumes(kg_command, subprocess_env,
                                                                  small_disk, tmp_path):
    folder = articles(tmp_path / "in", 60)
    store = small_disk / "store"
    out = kg(kg_command, subprocess_env, "build", folder, "--store", store, "--quiet")
    assert out.returncode == 2
    line = out.stderr.strip().splitlines()[-1]
    assert line.startswith(f"kg: E114 the disk of store {store} is full: the build stopped; the ")
    stored = int(line.split("; the ")[1].split()[0])
    assert 0 < stored < 60
    assert "run the same command again" in line and "Traceback" not in out.stderr
    stats = kg(kg_command, subprocess_env, "stats", "--store", store, "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["documents"] == stored
    subprocess.run(["mount", "-o", "remount,size=64M", str(small_disk)], check=True)
    again = kg(kg_command, subprocess_env, "build", folder, "--store", store, "--quiet")
    assert again.returncode == 0, again.stderr
    assert json.loads(kg(kg_command, subprocess_env, "stats", "--store", store,
                         "--json").stdout)["documents"] == 60


def test_an_export_to_a_full_disk_leaves_no_truncated_file(kg_command, subprocess_env,
                                                            small_disk, tmp_path):
    folder = articles(tmp_path / "in", 40)
    store = tmp_path / "store"
    assert kg(kg_command, subprocess_env, "build", folder, "--store", store, "--quiet").returncode == 0
    (small_disk / "filler").write_bytes(b"x" * ((2 << 20) - (32 << 10)))   # 32 KiB left
    target = small_disk / "graph.nq"
    out = kg(kg_command, subprocess_env, "export", "--store", store, "--format", "nq", "--out", target)
    assert out.returncode == 2
    assert out.stderr.startswith(f"kg: E401 cannot write {target}")
    assert sorted(p.name for p in Path(small_disk).iterdir()) == ["filler"]


def test_a_store_on_a_read_only_file_system_is_read(kg_command, subprocess_env, small_disk, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE.format(i=1) + "\n", encoding="utf-8")
    store = small_disk / "store"
    assert kg(kg_command, subprocess_env, "build", folder, "--store", store, "--quiet").returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    stats = kg(kg_command, subprocess_env, "stats", "--store", store, "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["documents"] == 1
    query = kg(kg_command, subprocess_env, "sparql", "ASK { ?u a uic:University }", "--store", store)
    assert query.stdout.strip() == "true"
    change = kg(kg_command, subprocess_env, "sparql", "--update", "CLEAR GRAPH <urn:x>", "--store", store)
    assert change.returncode == 2 and change.stderr.startswith(f"kg: E113 store {store} cannot be changed")
