"""The components as classes (:mod:`kg.extraction.components`): a pipeline
saved with ``nlp.to_disk`` holds the trained models and ``spacy.load``
restores it to identical output; the learned parts can be built without a
model, and ``initialize`` fits one."""

from __future__ import annotations

import spacy

import kg.extraction.factories  # noqa: F401 - registers the uic_* components before spacy.load
from kg.extraction.components import NameTaggerComponent, RelationModelComponent
from kg.extraction.names import bio_labels, char_features
from kg.extraction.pipeline import build_pipeline

#: An invented article: a university, a company, a person with a post, an agreement.
ARTICLE = ("3月5日，星河大学与蓝海新材料科技有限公司在云岭市签署战略合作协议。"
           "星河大学校长李明远出席签约仪式并致辞。双方将共建云岭新材料联合实验室。")


def outputs(nlp, text=ARTICLE):
    doc = nlp(text)
    return doc._.entities, doc._.relations, doc._.mentions


def test_saved_pipeline_holds_the_trained_models_and_reloads_to_identical_output(tagged_nlp, tmp_path):
    tagged_nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "uic_names" / "names.crfsuite").stat().st_size > 10_000
    assert (tmp_path / "pipeline" / "uic_relation_model" / "relations.json.gz").stat().st_size > 10_000
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == tagged_nlp.pipe_names
    entities, relations, _ = outputs(loaded)
    assert relations and entities
    assert outputs(loaded) == outputs(tagged_nlp)


def test_the_saved_models_not_the_shipped_ones_are_what_a_reloaded_pipeline_runs(tmp_path):
    nlp = build_pipeline()
    nlp.get_pipe("uic_relation_model").model = None        # a pipeline saved without that model
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("uic_relation_model").model is None
    assert loaded.get_pipe("uic_names").model is not None


def test_learned_components_built_disabled_pass_the_document_through():
    nlp = build_pipeline(tagger=False)
    rules = outputs(nlp)
    for name in ("uic_names", "uic_relation_model"):
        nlp.add_pipe(name, config={"enabled": False}, after="uic_relations")
        assert nlp.get_pipe(name).model is None
    assert outputs(nlp) == rules


def test_training_builds_the_pipeline_without_the_learned_parts():
    nlp = build_pipeline(names=False, relation_model=False)
    assert "uic_lac" in nlp.pipe_names
    assert "uic_names" not in nlp.pipe_names and "uic_relation_model" not in nlp.pipe_names


def test_initialize_fits_the_name_tagger_and_to_disk_writes_it(tmp_path):
    features = char_features("甲大学签约", [(0, 3, "ORG"), (3, 5, "v")], [], [(0, 3), (3, 5)])
    labels = bio_labels(5, [(0, 3, "University")])
    component = NameTaggerComponent("uic_names", enabled=False)
    component.initialize(lambda: [(features, labels)] * 3)
    component.to_disk(tmp_path / "names")
    again = NameTaggerComponent("uic_names", model=tmp_path / "names")
    assert again.model.predict([features]) == [labels]


def test_initialize_fits_the_relation_model(tmp_path):
    component = RelationModelComponent("uic_relation_model", enabled=False)
    component.initialize(lambda: [({"bw=与": 1.0}, "signsWith"), ({"bw=的": 1.0}, "NONE")] * 3)
    component.to_disk(tmp_path / "rel")
    again = RelationModelComponent("uic_relation_model", model=tmp_path / "rel")
    p = again.model.predict_proba([{"bw=与": 1.0}])[0]
    assert max(p, key=p.get) == "signsWith"
