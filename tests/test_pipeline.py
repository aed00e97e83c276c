"""The spaCy pipeline (:mod:`kg.extraction.pipeline`): blank ``zh`` with jieba, our
components registered by name, Doc extensions, and a user's own ``ner``-like
component whose ``doc.ents`` join our entities (mapped by ``label_map``)."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.extraction.components import DEFAULT_LABEL_MAP
from kg.extraction.pipeline import build_pipeline

COMPONENTS = ["uic_sentences", "uic_entities", "uic_aliases", "uic_relations"]
#: The shipped pipeline: the rules plus LAC and the learned name tagger.
TAGGED = ["uic_sentences", "uic_lac", "uic_entities", "uic_names", "uic_aliases", "uic_relations",
          "uic_relation_model"]
#: A name without any suffix our rules know: only a user's component finds it.
UNKNOWN_ORG = "蓝鲸资本"
SENTENCE = f"{UNKNOWN_ORG}与星河大学签署战略合作协议。"


def blank_zh():
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def with_ruler(label="ORG", pattern=UNKNOWN_ORG):
    nlp = blank_zh()
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": pattern}])
    return nlp


def test_default_pipeline_is_blank_zh_with_jieba(nlp):
    assert nlp.lang == "zh"
    assert nlp.tokenizer.segmenter == "jieba"
    assert nlp.pipe_names == COMPONENTS
    # no trained components: the pipeline is built from rules only
    assert not any(name in nlp.pipe_names for name in ("ner", "parser", "tagger", "tok2vec"))
    words = [t.text for t in nlp.make_doc("星河大学与蓝海新材料科技有限公司签约")]
    assert "".join(words) == "星河大学与蓝海新材料科技有限公司签约"
    assert len(words) > 3  # segmented into words, not characters or one chunk


def test_components_are_registered_by_name():
    for name in COMPONENTS:
        assert Language.has_factory(name), name
    nlp = blank_zh()
    for name in COMPONENTS:
        nlp.add_pipe(name)
    doc = nlp("星河大学与青山华达化工有限公司签约。")
    assert doc._.relations


def test_pipeline_config_round_trips(nlp):
    config = nlp.config
    assert config["components"]["uic_entities"]["factory"] == "uic_entities"
    rebuilt = spacy.util.get_lang_class("zh").from_config(config)
    assert rebuilt.pipe_names == COMPONENTS
    doc = rebuilt("星河大学与青山华达化工有限公司签约。")
    assert {(r["subject"], r["predicate"], r["object"]) for r in doc._.relations} >= {
        ("星河大学", "signsWith", "青山华达化工有限公司")}


def test_doc_extensions_and_span_group(nlp):
    for name in ("mentions", "entities", "relations"):
        assert Doc.has_extension(name)
    text = "星河大学材料学院副院长张建华表示，学院将与南湖高新区管委会共建研究院。蓝海新材料科技有限公司落户南湖高新区。"
    doc = nlp(text)
    assert len(list(doc.sents)) == 2
    spans = doc.spans["uic"]
    assert {(s.text, s.label_) for s in spans} >= {("星河大学", "University"), ("张建华", "Person"),
                                                  ("蓝海新材料科技有限公司", "Company")}
    for base, sentence, mentions in doc._.mentions:
        assert text[base:base + len(sentence)] == sentence
        for m in mentions:
            assert sentence[m["start"]:m["end"]] == m["text"]
    assert {e["name"] for e in doc._.entities} >= {"星河大学", "张建华", "南湖高新区"}
    for rel in doc._.relations:
        assert text[rel["start"]:rel["end"]] == rel["evidence"]


def test_our_rules_miss_the_unknown_name(nlp):
    doc = nlp(SENTENCE)
    assert UNKNOWN_ORG not in {e["name"] for e in doc._.entities}


def test_user_entity_ruler_before_ours_joins_the_entities():
    nlp = build_pipeline(nlp=with_ruler())
    assert nlp.pipe_names == ["entity_ruler", *TAGGED]
    doc = nlp(SENTENCE)
    assert [e.text for e in doc.ents] == [UNKNOWN_ORG]
    entities = {e["name"]: e["type"] for e in doc._.entities}
    assert entities.get(UNKNOWN_ORG) == DEFAULT_LABEL_MAP["ORG"] == "Organization"
    assert entities.get("星河大学") == "University"
    relations = {(r["subject"], r["predicate"], r["object"]) for r in doc._.relations}
    assert (UNKNOWN_ORG, "signsWith", "星河大学") in relations or \
        ("星河大学", "signsWith", UNKNOWN_ORG) in relations


def test_label_map_config_maps_labels():
    nlp = with_ruler()
    for name in COMPONENTS:
        config = {"label_map": {"ORG": "Company"}} if name == "uic_entities" else {}
        nlp.add_pipe(name, config=config)
    doc = nlp(SENTENCE)
    assert {e["name"]: e["type"] for e in doc._.entities}.get(UNKNOWN_ORG) == "Company"
    assert nlp.config["components"]["uic_entities"]["label_map"]["ORG"] == "Company"


def test_unmapped_labels_are_ignored():
    nlp = with_ruler(label="MONEY")
    for name in COMPONENTS:
        nlp.add_pipe(name, config={"label_map": {"ORG": "Company"}} if name == "uic_entities" else {})
    doc = nlp(SENTENCE)
    assert UNKNOWN_ORG not in {e["name"] for e in doc._.entities}


def test_user_entity_does_not_override_a_rule_entity():
    # the ruler labels our university as a person; the rule-based type wins
    nlp = build_pipeline(nlp=with_ruler(label="PERSON", pattern="星河大学"))
    doc = nlp("星河大学与青山华达化工有限公司签约。")
    assert {e["name"]: e["type"] for e in doc._.entities}.get("星河大学") == "University"


def test_build_pipeline_does_not_add_components_twice():
    nlp = build_pipeline()
    again = build_pipeline(nlp=nlp)
    assert again is nlp
    assert again.pipe_names == TAGGED


def test_rules_only_pipeline_has_no_trained_component():
    assert build_pipeline(tagger=False).pipe_names == COMPONENTS


def test_pipe_over_many_documents_matches_single_calls(nlp):
    texts = ["星河大学与青山华达化工有限公司签约。", "青山智航机器人有限公司落户南湖高新区。", ""]
    piped = [[(r["subject"], r["predicate"], r["object"]) for r in d._.relations] for d in nlp.pipe(texts)]
    single = [[(r["subject"], r["predicate"], r["object"]) for r in nlp(t)._.relations] for t in texts]
    assert piped == single
    assert piped[-1] == []
