"""The trained components: LAC as a spaCy component (a real model run on
invented sentences), the CRF name tagger (features, labels, training,
saving and reloading), and the shipped pipeline with both."""

from __future__ import annotations

import pytest

from kg.extraction import lexical
from kg.extraction.names import (NameTagger, bio_labels, char_features, spans_of,
                                 tagged_mentions)
from kg.extraction.name_rules import unnamed_event


def test_lac_tags_persons_and_organisations_of_an_invented_sentence():
    text = "青山市科技局局长周明远与星河大学校长陈立新会见了来访的客人。"
    words = lexical.analyse(text)
    assert "".join(text[s:e] for s, e, _ in words) == text   # spans cover the text, in order
    tagged = {text[s:e]: tag for s, e, tag in words}
    assert tagged.get("周明远") == "PER"
    assert tagged.get("陈立新") == "PER"
    assert any(tag == "ORG" and "科技局" in w for w, tag in tagged.items())


def test_lac_component_sets_the_doc_extension(tagged_nlp):
    doc = tagged_nlp("王晓峰和李春来参加了座谈会。")
    assert doc._.lac and all(isinstance(s, int) and isinstance(e, int) for s, e, _ in doc._.lac)
    assert {doc.text[s:e] for s, e, t in doc._.lac if t == "PER"} == {"王晓峰", "李春来"}


def test_lac_reads_long_sentences_in_pieces():
    text = "甲" * (lexical.MAX_CHARS * 2 + 7)
    words = lexical.analyse(text)
    assert words[0][0] == 0 and words[-1][1] == len(text)


def test_features_carry_lac_rule_and_token_positions():
    feats = char_features("星河大学签约", lac=[(0, 4, "ORG"), (4, 6, "v")],
                          rules=[{"start": 0, "end": 4, "type": "University", "source": "suffix"}],
                          tokens=[(0, 2), (2, 4), (4, 6)])
    assert [f["lac"] for f in feats] == ["ORG-B", "ORG-I", "ORG-I", "ORG-E", "v-B", "v-E"]
    assert [f["rule"] for f in feats] == ["University-B"] + ["University-I"] * 3 + ["O", "O"]
    assert feats[0]["src"] == "suffix" and feats[4]["src"] == ""
    assert feats[2]["tok"] == "B" and feats[3]["tok"] == "E"


def test_bio_labels_and_spans_round_trip():
    spans = [(0, 4, "University"), (5, 9, "Company")]
    labels = bio_labels(11, spans)
    assert labels[:5] == ["B-University", "I-University", "I-University", "I-University", "O"]
    assert spans_of(labels) == spans
    assert spans_of(["I-Person", "I-Person", "O", "B-Team"]) == [(0, 2, "Person"), (3, 4, "Team")]


def _toy_training_set():
    names = ["星河大学", "青山学院", "南湖大学", "北岭学院", "东川大学", "西岭大学"]
    X, y = [], []
    for name in names:
        text = name + "与蓝海公司签约"
        n = len(name)
        lac = [(0, n, "ORG"), (n, n + 1, "p"), (n + 1, n + 5, "ORG"), (n + 5, n + 7, "v")]
        X.append(char_features(text, lac, [], [(0, n), (n, n + 1), (n + 1, n + 5), (n + 5, n + 7)]))
        y.append(bio_labels(len(text), [(0, n, "University"), (n + 1, n + 5, "Company")]))
    return X, y


def test_tagger_learns_saves_and_reloads_to_identical_predictions(tmp_path):
    X, y = _toy_training_set()
    tagger = NameTagger(max_iterations=50).fit(X[:-1], y[:-1])
    before = tagger.predict(X[-1:])
    assert spans_of(before[0]) == [(0, 4, "University"), (5, 9, "Company")]
    tagger.to_disk(tmp_path / "model")
    reloaded = NameTagger.from_disk(tmp_path / "model")
    assert reloaded.predict(X) == tagger.predict(X)


def test_tagged_mentions_keep_rule_records_and_nested_parts():
    rules = [{"start": 0, "end": 4, "text": "星河大学", "name": "星河大学", "type": "University",
              "source": "suffix"},
             {"start": 0, "end": 8, "text": "星河大学化学学院", "name": "星河大学化学学院",
              "type": "Department", "source": "suffix"},
             {"start": 9, "end": 11, "text": "某某", "name": "某某", "type": "Organization",
              "source": "list"}]
    out = tagged_mentions("星河大学化学学院与某某签约", [(0, 8, "Department")], rules)
    assert [(m["text"], m["source"]) for m in out] == [("星河大学化学学院", "suffix"), ("星河大学", "suffix")]


def test_tagged_mentions_keep_a_rule_event_the_tagger_missed_but_no_other_type():
    text = "青山市举行星河大学蓝海创新中心成立仪式"
    rules = [{"start": 5, "end": 19, "text": text[5:19], "name": text[5:19], "type": "Event",
              "source": "event"},
             {"start": 5, "end": 15, "text": text[5:15], "name": text[5:15], "type": "Platform",
              "source": "suffix"}]
    assert [m["type"] for m in tagged_mentions(text, [], rules)] == ["Event"]
    # where the tagger read a name over the event's span, the tagger decides
    out = tagged_mentions(text, [(5, 15, "Platform")], rules)
    assert [(m["type"], m["source"]) for m in out] == [("Platform", "suffix")]


def test_tagged_mentions_leave_out_an_unnamed_ceremony():
    """ANNOTATION.md: a ceremony without a name of its own is no Event."""
    text = "市长主持签约活动并为星河大学创新中心揭牌"
    out = tagged_mentions(text, [(4, 8, "Event"), (10, 18, "Platform")], [])
    assert [m["text"] for m in out] == ["星河大学创新中心"]
    dateline = "（新华社青山3日电）星河大学与蓝海集团签约"
    assert tagged_mentions(dateline, [(1, 10, "Event")], []) == []
    assert unnamed_event("签约活动") and unnamed_event("科技成果项目路演")
    assert not unnamed_event("星河大学校地合作签约仪式") and not unnamed_event("县校科技合作对接活动")
    # parties named as an article names its own institution or place: a description
    assert unnamed_event("我校与青山县人民政府深化合作签约仪式")
    assert unnamed_event("市政府与星河大学全面合作协议签约仪式")


def test_shipped_pipeline_finds_a_person_named_without_title(tagged_nlp):
    """The rules find persons after a title or before one; a bare name in a
    list of attendees is found by the tagger (LAC's PER as a feature)."""
    doc = tagged_nlp("会上，星河大学与蓝海科技有限公司签署合作协议，王晓峰、李春来、赵海涛等参加了签约仪式。")
    names = {e["name"] for e in doc._.entities}
    assert {"王晓峰", "李春来", "赵海涛"} <= names
    assert {"星河大学", "蓝海科技有限公司"} <= names


def test_rules_only_pipeline_runs_without_the_tagger():
    from kg.extraction.pipeline import build_pipeline

    nlp = build_pipeline(tagger=False)
    doc = nlp("星河大学与蓝海科技有限公司签约。")
    assert doc._.lac is None
    assert ("星河大学", "signsWith", "蓝海科技有限公司") in {
        (r["subject"], r["predicate"], r["object"]) for r in doc._.relations}


def test_shipped_model_file_is_in_the_package():
    from kg.extraction.shipped import default_model_dir

    assert (default_model_dir() / "names.crfsuite").stat().st_size > 10_000
    import json
    meta = json.loads((default_model_dir() / "meta.json").read_text(encoding="utf-8"))
    assert meta["model"].startswith("names-crf/") and meta["documents"] >= 5


def test_repair_span_makes_paired_marks_whole_and_drops_glue():
    from kg.extraction.names import repair_span

    def fix(text, name, etype="Event"):
        s = text.index(name)
        a, b = repair_span(text, s, s + len(name), etype)
        return text[a:b]

    assert fix("参加“青山杯”创业大赛的团队", "杯”创业大赛") == "“青山杯”创业大赛"
    assert fix("落户蓝海高新区(东区)的企业", "蓝海高新区(东区", "Park") == "蓝海高新区"
    assert fix("据介绍，“青山产学研对接活动”旨在", "“青山产学研对接活动") == "青山产学研对接活动"
    assert fix("东区隆重举行星河大学科技园揭牌仪式", "东区隆重举行星河大学科技园揭牌仪式") == \
        "星河大学科技园揭牌仪式"
    assert fix("星河大学与蓝海公司签约", "星河大学与", "University") == "星河大学"
    assert fix("以“科技特派员”身份", "“科技特派员”", "Role") == "科技特派员"
