"""Identity across documents (issue 21), on invented articles: generic names
qualified by their article, namesakes kept apart by context, short and full
forms met, reasons recorded, the identity score."""

import doctest
import hashlib
import json

import pytest

import kg.extraction.qualify
import kg.extraction.short_forms
import kg.store.identity
from kg.ingest.build import ingest_document
from kg.store.identity import identity_score, is_local
from kg.store.backends import LabelIndex, open_store


def _doc(name, text, entities, relations=(), original=None):
    doc_id = hashlib.sha1((name + text).encode()).hexdigest()[:16]
    document = {"doc": name, "doc_id": doc_id, "path": f"news/{name}", "text": text,
                "raw": text, "original": original or text}
    rels = [{"subject": s, "predicate": p, "object": o, "subject_type": st, "object_type": ot,
             "evidence": text, "start": 0, "end": len(text), "trigger": p, "confidence": 0.9}
            for s, p, o, st, ot in relations]
    ents = [{"name": n, "type": t, "aliases": list(a)} for n, t, *a in entities]
    return document, {"document": dict(document), "entities": ents, "relations": rels}


def _build(tmp_path, *docs):
    store = open_store(str(tmp_path / "store"), create=True)
    labels = LabelIndex(store)
    for document, result in docs:
        assert ingest_document(store, document, lambda d, r=result: r, labels=labels) == "added"
    return store


def _entities(store, type_):
    rows = store.select(f"""SELECT ?e ?l WHERE {{ GRAPH <https://w3id.org/uic-kg/kg/entities> {{
        ?e a uic:{type_} ; skos:prefLabel ?l }} }}""")
    return sorted((r["l"], r["e"]) for r in rows)


def test_doctests():
    for module in (kg.store.identity, kg.extraction.qualify, kg.extraction.short_forms):
        assert doctest.testmod(module).failed == 0


def test_two_universities_schools_of_science_stay_two(tmp_path):
    a = _doc("a.txt", "星河大学理学院与某公司签约。",
             [("星河大学", "University"), ("理学院", "Department")],
             [("理学院", "partOf", "星河大学", "Department", "University")])
    b = _doc("b.txt", "南湖大学理学院举办论坛。",
             [("南湖大学", "University"), ("理学院", "Department")],
             [("理学院", "partOf", "南湖大学", "Department", "University")])
    store = _build(tmp_path, a, b)
    labels = [label for label, _ in _entities(store, "Department")]
    assert labels == ["南湖大学理学院", "星河大学理学院"]
    why = kg.store.identity.entity_reasons(store, "星河大学理学院", "Department")
    assert why == [("a.txt", "parent 星河大学")]


def test_a_taiwan_dated_university_is_not_the_mainland_namesake(tmp_path):
    taiwan = _doc("tw.txt", "新竹报导 星华大学与新竹科学园区合作。",
                  [("星华大学", "University")],
                  original="新竹報導 星華大學與新竹科學園區合作。")
    beijing = _doc("bj.txt", "北京消息 星华大学与某公司签约。", [("星华大学", "University")])
    beijing2 = _doc("bj2.txt", "北京消息 星华大学再签约。", [("星华大学", "University")])
    store = _build(tmp_path, taiwan, beijing, beijing2)
    labels = [label for label, _ in _entities(store, "University")]
    assert labels == ["星华大学", "星华大学（台湾）"]
    # the mainland's two articles still share one node
    mentions = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g uic:mentions "
                            "<https://w3id.org/uic-kg/kg/entity/University/星华大学> } }")
    assert len(mentions) == 2


def test_a_short_form_in_one_article_meets_the_full_form_in_another(tmp_path):
    full = _doc("a.txt", "星河科学院与某市签约。", [("星河科学院", "ResearchInstitute")])
    short = _doc("b.txt", "星科院专家到访。", [("星科院", "ResearchInstitute")])
    store = _build(tmp_path, full, short)
    assert [label for label, _ in _entities(store, "ResearchInstitute")] == ["星河科学院"]
    why = dict(kg.store.identity.entity_reasons(store, "星河科学院", "ResearchInstitute"))
    assert why["b.txt"] == "abbreviation rule: 星科院 ~ 星河科学院"


def test_a_short_form_of_another_type_stays_apart(tmp_path):
    full = _doc("a.txt", "星河科学院与某市签约。", [("星河科学院", "ResearchInstitute")])
    short = _doc("b.txt", "星科院公司成立。", [("星科院", "Company")])
    store = _build(tmp_path, full, short)
    assert [label for label, _ in _entities(store, "ResearchInstitute")] == ["星河科学院"]
    assert [label for label, _ in _entities(store, "Company")] == ["星科院"]


def test_high_tech_zones_of_two_cities_are_two(tmp_path):
    a = _doc("a.txt", "青山市高新区与星河大学签约。",
             [("青山市", "Government"), ("高新区", "Park"), ("青山市科技局", "Government")])
    b = _doc("b.txt", "南湖市高新区与星海大学签约。",
             [("南湖市", "Government"), ("高新区", "Park"), ("南湖市科技局", "Government")])
    store = _build(tmp_path, a, b)
    parks = _entities(store, "Park")
    assert len(parks) == 2
    assert len({iri for _, iri in parks}) == 2


def test_a_generic_name_without_a_place_is_local_and_shown_without_file_name(tmp_path):
    a = _doc("a.txt", "市委书记出席签约。", [("市委", "Government"), ("星河大学", "University")])
    b = _doc("b.txt", "市委书记出席论坛。", [("市委", "Government"), ("南湖大学", "University")])
    store = _build(tmp_path, a, b)
    found = _entities(store, "Government")
    assert [label for label, _ in found] == ["市委", "市委"]
    assert all(is_local(iri) for _, iri in found) and found[0][1] != found[1][1]
    assert not any("a.txt" in label or "b.txt" in label for label, _ in found)


def test_namesakes_merge_only_when_an_organisation_ties_them(tmp_path):
    a = _doc("a.txt", "星河大学教授李明出席。", [("李明", "Person"), ("星河大学", "University")],
             [("李明", "affiliatedWith", "星河大学", "Person", "University")])
    b = _doc("b.txt", "南湖市副市长李明出席。", [("李明", "Person"), ("南湖市", "Government")],
             [("李明", "affiliatedWith", "南湖市", "Person", "Government")])
    c = _doc("c.txt", "星河大学李明教授讲座。", [("李明", "Person"), ("星河大学", "University")],
             [("李明", "affiliatedWith", "星河大学", "Person", "University")])
    store = _build(tmp_path, a, b, c)
    persons = _entities(store, "Person")
    assert len(persons) == 2
    tied = [iri for _, iri in persons if not is_local(iri)][0]
    docs = store.select(f"SELECT ?f WHERE {{ GRAPH ?g {{ ?g uic:mentions <{tied}> ; uic:fileName ?f }} }}")
    assert sorted(r["f"] for r in docs) == ["a.txt", "c.txt"]


def test_identity_score_counts_merges_and_splits(tmp_path):
    a = _doc("a.txt", "星河大学理学院与某公司签约。",
             [("星河大学", "University"), ("理学院", "Department")],
             [("理学院", "partOf", "星河大学", "Department", "University")])
    b = _doc("b.txt", "南湖大学理学院举办论坛。星河大学出席。",
             [("南湖大学", "University"), ("理学院", "Department"), ("星河大学", "University")],
             [("理学院", "partOf", "南湖大学", "Department", "University")])
    store = _build(tmp_path, a, b)
    gold = tmp_path / "gold"
    gold.mkdir()
    for name, ents in (("a.txt", ["星河大学", "理学院"]), ("b.txt", ["南湖大学", "理学院", "星河大学"])):
        (gold / (name + ".json")).write_text(json.dumps(
            {"doc": name, "entities": [{"name": n, "type": "X", "aliases": []} for n in ents],
             "relations": []}, ensure_ascii=False), encoding="utf-8")
    ids = tmp_path / "ids.tsv"
    ids.write_text("set\tdoc\tname\tidentity\n"
                   "t\ta.txt\t星河大学\t星河大学\nt\ta.txt\t理学院\t星河大学理学院\n"
                   "t\tb.txt\t南湖大学\t南湖大学\nt\tb.txt\t理学院\t南湖大学理学院\n"
                   "t\tb.txt\t星河大学\t星河大学\n", encoding="utf-8")
    result = identity_score(store, str(ids), [str(gold)])
    assert result["pairs"]["tp"] == 1 and result["pairs"]["fp"] == 0
    assert result["false_merges"] == 0 and result["false_splits"] == 0


def test_a_bad_identity_file_is_named(tmp_path):
    bad = tmp_path / "ids.tsv"
    bad.write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(kg.store.identity.IdentityGoldError, match="ids.tsv: not an identity file"):
        kg.store.identity.read_identities(str(bad))


def test_kg_eval_scores_identities_of_a_built_store(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    a = _doc("a.txt", "星河科学院与某市签约。", [("星河科学院", "ResearchInstitute")])
    b = _doc("b.txt", "星科院专家到访。", [("星科院", "ResearchInstitute")])
    _build(tmp_path, a, b).close()
    gold = tmp_path / "gold"
    gold.mkdir()
    for name, ent in (("a.txt", "星河科学院"), ("b.txt", "星科院")):
        (gold / (name + ".json")).write_text(json.dumps(
            {"doc": name, "entities": [{"name": ent, "type": "ResearchInstitute", "aliases": []}],
             "relations": []}, ensure_ascii=False), encoding="utf-8")
    ids = tmp_path / "ids.tsv"
    ids.write_text("set\tdoc\tname\tidentity\nt\ta.txt\t星河科学院\tX\nt\tb.txt\t星科院\tX\n",
                   encoding="utf-8")
    out = CliRunner().invoke(main, ["eval", "--store", str(tmp_path / "store"), "--identities",
                                    str(ids), str(gold), "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["pairs"]["tp"] == 1 and result["false_splits"] == 0
    out = CliRunner().invoke(main, ["eval", "--store", str(tmp_path / "store"), str(gold)])
    assert out.exit_code != 0 and "--identities" in out.output


def test_a_unit_of_a_parent_named_short_takes_the_parent_s_full_name(tmp_path):
    full = _doc("a.txt", "星海交通大学与某市签约。", [("星海交通大学", "University")])
    short = _doc("b.txt", "星交大理学院举办论坛。",
                 [("星交大", "University"), ("理学院", "Department")],
                 [("理学院", "partOf", "星交大", "Department", "University")])
    store = _build(tmp_path, full, short)
    assert [label for label, _ in _entities(store, "University")] == ["星海交通大学"]
    assert [label for label, _ in _entities(store, "Department")] == ["星海交通大学理学院"]
