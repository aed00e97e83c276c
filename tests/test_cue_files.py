"""The cue lists read from kg/data (one file each): locatedIn's cues
(located_cues.tsv), the appointment verbs (appoint_cues.tsv) and the zones
(zones.txt) reach the rules that read them; a malformed line is named."""

from __future__ import annotations

import pytest

from kg.extraction import lexicon
from kg.extraction.lexicon import appoint_cues, load
from kg.extraction.name_rules import ZONES


def relations(nlp, text):
    return [(r["subject"], r["predicate"], r["object"]) for r in nlp(text)._.relations]


@pytest.mark.parametrize("text", ["蓝海科技有限公司搬迁至云岭高新区。",      # a verb cue only
                                  "蓝海科技有限公司在云岭高新区开工建设。"])  # an event cue only
def test_located_cues_of_each_use_reach_the_rule(nlp, text):
    assert ("蓝海科技有限公司", "locatedIn", "云岭高新区") in relations(nlp, text)


def test_located_trigger_cues_are_locatedIn_triggers():
    located = load().located
    assert load().triggers["locatedIn"] == located["trigger"]
    assert "搬迁至" in located["verb"] and "搬迁至" not in located["trigger"]


def test_appointment_verbs_reach_the_appointment_rule(nlp):
    assert ("李明远", "appointedAs", "星河大学客座教授") in relations(nlp, "李明远受聘担任星河大学客座教授。")


def test_appoint_cues_by_rule():
    assert appoint_cues("post").startswith("获聘为?|")
    assert "当选为?" in appoint_cues("appointee").split("|")
    assert "当选为?" not in appoint_cues("post").split("|")


def test_zones_come_from_the_data_file():
    assert "高新区" in ZONES and ZONES[-1] == "高新技术产业开发区"


def test_a_line_without_its_use_is_named(monkeypatch):
    monkeypatch.setattr(lexicon, "_lines", lambda name: ["当选为?"])
    with pytest.raises(ValueError, match="appoint_cues.tsv: line '当选为\\?' names no rule"):
        appoint_cues("post")
