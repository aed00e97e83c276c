"""A name found only by fuzzy matching is a guess, and every interface says
so: ``kg show`` on standard error (W502) and in ``--json``, the API, and
the served page."""

from __future__ import annotations

import json
import subprocess
import urllib.parse
import urllib.request

import pytest

from conftest import build_store, start_server, stop_server

ARTICLE = "星河理工大学与蓝海科技有限公司签约。星河理工大学副校长王立新出席。\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory, kg_command, subprocess_env):
    return build_store(kg_command, subprocess_env, tmp_path_factory.mktemp("guess"), {"a.txt": ARTICLE})


def show(kg_command, env, store, name, *extra):
    return subprocess.run([*kg_command, "show", name, "--store", str(store), *extra],
                          capture_output=True, text=True, env=env, timeout=600)


def test_kg_show_says_it_showed_the_closest_match(kg_command, subprocess_env, store):
    out = show(kg_command, subprocess_env, store, "星河理工大雪")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("星河理工大学  [University")
    assert ("kg: W502 no entity is named 星河理工大雪: showing the closest match, 星河理工大学"
            in out.stderr.splitlines())
    card = json.loads(show(kg_command, subprocess_env, store, "星河理工大雪", "--json").stdout)
    assert card["guessed_from"] == "星河理工大雪"


def test_a_name_or_an_alias_is_no_guess(kg_command, subprocess_env, store):
    for name in ("星河理工大学", "星河理工"):
        out = show(kg_command, subprocess_env, store, name, "--json")
        assert out.returncode == 0, out.stderr
        assert "guessed_from" not in json.loads(out.stdout)
        assert "W502" not in out.stderr


def test_the_api_and_the_page_say_it_guessed(kg_command, subprocess_env, store, browser):
    proc, url = start_server(kg_command, subprocess_env, store)
    try:
        with urllib.request.urlopen(url + "/api/entity/" + urllib.parse.quote("星河理工大雪")) as r:
            assert json.loads(r.read())["guessed_from"] == "星河理工大雪"
        page = browser.new_page()
        page.goto(url + "/#entity/" + urllib.parse.quote("星河理工大雪"))
        page.wait_for_selector(".kg-guess", timeout=30_000)
        assert "showing the closest match" in page.inner_text(".kg-guess")
        page.close()
    finally:
        stop_server(proc)
