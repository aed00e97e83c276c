"""The learned relation model: candidate pairs and their features, fitting,
saving and reloading to identical probabilities, and how its decisions
combine with the rules' relations."""

from __future__ import annotations

from kg.extraction.candidates import event_candidates, sentence_candidates
from kg.extraction.relations import NONE, RelationModel, combine, doc_candidates


def _m(start, end, name, etype):
    return {"start": start, "end": end, "name": name, "text": name, "type": etype}


def test_sentence_candidates_are_ordered_pairs_with_rule_votes():
    text = "星河大学与蓝海科技公司签约。"
    ms = [_m(0, 4, "星河大学", "University"), _m(5, 11, "蓝海科技公司", "Company")]
    votes = {("星河大学", "蓝海科技公司"): {"signsWith"}}
    cands = sentence_candidates(text, ms, [(0, 4), (4, 5), (5, 11), (11, 13), (13, 14)], votes)
    assert [(c["subject"], c["object"]) for c in cands] == [("星河大学", "蓝海科技公司"),
                                                          ("蓝海科技公司", "星河大学")]
    first, second = (c["features"] for c in cands)
    assert first["rule=signsWith"] == 1.0 and "rule=signsWith" not in second
    assert second["rrule=signsWith"] == 1.0
    assert first["tt=University>Company"] == 1.0 and first["order=ab"] == 1.0


def test_event_candidates_pair_parties_of_other_sentences_with_the_event():
    sentences = [("星河论坛开幕。", [_m(0, 4, "星河论坛", "Event")]),
                 ("周明远出席并致辞。", [_m(0, 3, "周明远", "Person")]),
                 ("星河论坛由星河大学主办。", [_m(0, 4, "星河论坛", "Event"), _m(5, 9, "星河大学", "University")])]
    cands = event_candidates(sentences)
    assert [(c["subject"], c["object"]) for c in cands] == [("周明远", "星河论坛")]
    assert cands[0]["features"]["xcue=出席"] == 1.0


def _toy():
    X = [{"bw=与": 1.0, "rule=signsWith": 1.0}, {"bw=的": 1.0}, {"bw=院长": 1.0}] * 4
    y = ["signsWith", NONE, "affiliatedWith"] * 4
    return X, y


def test_model_fits_and_reloads_to_identical_probabilities(tmp_path):
    X, y = _toy()
    model = RelationModel.fit(X, y)
    probs = model.predict_proba(X[:3])
    assert [max(p, key=p.get) for p in probs] == ["signsWith", NONE, "affiliatedWith"]
    assert all(abs(sum(p.values()) - 1) < 1e-9 for p in probs)
    model.to_disk(tmp_path)
    assert RelationModel.from_disk(tmp_path).predict_proba(X) == model.predict_proba(X)


def _cand(subject, obj, subject_type, object_type):
    """A candidate pair of the sentence ``s`` (offsets 0–1)."""
    return {"subject": subject, "object": obj, "subject_type": subject_type,
            "object_type": object_type, "evidence": "s", "start": 0, "end": 1}


def test_combine_keeps_rules_the_model_accepts_and_adds_its_own():
    rules = [{"subject": "甲", "predicate": "signsWith", "object": "乙", "confidence": 0.9},
             {"subject": "甲", "predicate": "builds", "object": "丙", "confidence": 0.9}]
    cands = [_cand("甲", "乙", "University", "Company"), _cand("甲", "丙", "University", "Platform"),
             _cand("丁", "甲", "Person", "University")]
    probs = [{NONE: 0.1, "signsWith": 0.9, "builds": 0.0},
             {NONE: 0.98, "signsWith": 0.0, "builds": 0.02},
             {NONE: 0.2, "affiliatedWith": 0.8}]
    out = combine(rules, cands, probs, add=0.5, drop=0.05)
    got = {(r["subject"], r["predicate"], r["object"]): r["confidence"] for r in out}
    assert got == {("甲", "signsWith", "乙"): 0.9, ("丁", "affiliatedWith", "甲"): 0.8}


def test_combine_adds_one_post_per_person_and_sentence():
    rules = [{"subject": "丁", "predicate": "affiliatedWith", "object": "甲", "confidence": 0.9,
              "start": 0}]
    cands = [{"subject": s, "object": o, "subject_type": "Person", "object_type": "University",
              "evidence": "s", "start": 0, "end": 1} for s, o in (("丁", "乙"), ("戊", "乙"), ("戊", "丙"))]
    probs = [{NONE: 0.1, "affiliatedWith": 0.9}, {NONE: 0.3, "affiliatedWith": 0.7},
             {NONE: 0.2, "affiliatedWith": 0.8}]
    got = {(r["subject"], r["object"]) for r in combine(rules, cands, probs, add=0.5, drop=0.05)}
    assert got == {("丁", "甲"), ("戊", "丙")}


def test_shipped_pipeline_scores_relations_with_the_model(tagged_nlp):
    assert "uic_relation_model" in tagged_nlp.pipe_names
    doc = tagged_nlp("星河大学与蓝海科技有限公司签署战略合作协议。星河大学副校长周明远出席签约仪式。")
    found = {(r["subject"], r["predicate"], r["object"]) for r in doc._.relations}
    assert ("星河大学", "signsWith", "蓝海科技有限公司") in found or \
        ("蓝海科技有限公司", "signsWith", "星河大学") in found
    assert ("周明远", "affiliatedWith", "星河大学") in found
    assert all(0.0 <= r["confidence"] <= 1.0 for r in doc._.relations)
    assert doc_candidates(doc)


def test_model_counts_its_training_examples_and_names_the_rare_ones(tmp_path):
    X, y = _toy()
    X, y = X + [{"bw=孵化": 1.0}], y + ["incubates"]
    model = RelationModel.fit(X, y)
    assert model.examples == {"signsWith": 4, NONE: 4, "affiliatedWith": 4, "incubates": 1}
    assert model.rare(3) == {"incubates"} and model.rare(5) == {"signsWith", "affiliatedWith",
                                                                "incubates"}
    model.to_disk(tmp_path)
    assert RelationModel.from_disk(tmp_path).examples == model.examples
    # a model saved without its counts (before they were kept) calls nothing rare
    assert RelationModel(model.classes, model.weights, model.bias).rare(100) == frozenset()


def test_combine_leaves_a_rare_predicate_to_the_rule():
    rules = [{"subject": "甲", "predicate": "incubates", "object": "乙", "confidence": 0.65},
             {"subject": "甲", "predicate": "builds", "object": "丙", "confidence": 0.9}]
    cands = [_cand("甲", "乙", "Platform", "Company"), _cand("甲", "丙", "Platform", "Platform")]
    probs = [{NONE: 0.99, "incubates": 0.003, "builds": 0.007},
             {NONE: 0.99, "incubates": 0.0, "builds": 0.01}]
    kept = combine(rules, cands, probs, add=0.5, drop=0.02, rare=frozenset({"incubates"}))
    assert [(r["predicate"], r["confidence"]) for r in kept] == [("incubates", 0.65)]
    assert combine(rules, cands, probs, add=0.5, drop=0.02) == []


def test_shipped_pipeline_keeps_incubation(tagged_nlp):
    doc = tagged_nlp("据悉，星河科技创新研究院已孵化北辰精密仪器有限公司和东岳光电科技有限公司。")
    found = {(r["subject"], r["predicate"], r["object"]) for r in doc._.relations}
    assert {("星河科技创新研究院", "incubates", "北辰精密仪器有限公司"),
            ("星河科技创新研究院", "incubates", "东岳光电科技有限公司")} <= found
