"""Coreference within an article and generic names across articles, on
invented articles: the article's own institution (学院/我校 → its name, its
posts), lists of posts, and names such as 市科技局 that are an identity only
inside their article."""

from __future__ import annotations

import pytest

from kg.extraction.coreference import document_places, own_institution, qualify_generic


COLLEGE_NEWS = ("星河职业技术学院与青山区人民政府举行校地合作签约仪式\n"
                "9月3日，学院与青山区人民政府举行校地合作签约仪式。"
                "学院党委书记周明远出席会议并讲话。党委副书记、院长陈立新，党委委员、副院长赵海涛参加仪式。"
                "陈立新代表学院与青山区人民政府签署合作协议。")


def test_own_institution_is_the_university_of_the_headline(extract_text):
    result = extract_text(COLLEGE_NEWS)
    assert result["document"]["own"] == "星河职业技术学院"


def test_self_reference_replaces_a_generic_party_committee(extract_text, triples):
    result = extract_text(COLLEGE_NEWS)
    names = {e["name"] for e in result["entities"]}
    assert "学院党委" not in names
    rels = {(r["subject"], r["predicate"], r["object"], r.get("title")) for r in result["relations"]}
    assert ("周明远", "affiliatedWith", "星河职业技术学院", "党委书记") in rels


def test_posts_without_an_organisation_are_at_the_own_institution(extract_text, triples):
    found = triples(extract_text(COLLEGE_NEWS))
    assert ("陈立新", "affiliatedWith", "星河职业技术学院") in found
    assert ("赵海涛", "affiliatedWith", "星河职业技术学院") in found
    assert ("星河职业技术学院", "signsWith", "青山区人民政府") in found


def test_no_own_institution_when_the_article_names_none(extract_text):
    result = extract_text("学院党委书记周明远出席会议并讲话。")
    assert "own" not in result["document"]
    assert not [r for r in result["relations"] if r["predicate"] == "affiliatedWith"
                and r["subject"] == "周明远" and r["object"] != "学院党委"]


def test_a_list_of_posts_carries_its_organisation(extract_text, triples):
    found = triples(extract_text(
        "签约仪式上，青山云图信息技术有限公司党委书记、董事长周明远，总裁陈立新，董事赵海涛出席。"))
    assert {("周明远", "affiliatedWith", "青山云图信息技术有限公司"),
            ("陈立新", "affiliatedWith", "青山云图信息技术有限公司"),
            ("赵海涛", "affiliatedWith", "青山云图信息技术有限公司")} <= found


def test_a_government_post_is_not_carried_from_a_company(extract_text, triples):
    found = triples(extract_text("青山云图信息技术有限公司总裁陈立新，副市长赵海涛出席。"))
    assert ("陈立新", "affiliatedWith", "青山云图信息技术有限公司") in found
    assert ("赵海涛", "affiliatedWith", "青山云图信息技术有限公司") not in found


def test_title_after_the_name_with_the_organisation_before_it(tagged_nlp, triples):
    from kg.extraction.document import extract_document

    result = extract_document({"doc": "t.txt", "doc_id": "f" * 16,
                               "raw": "星河大学副校长、南湖材料研究院周明远院士作报告。"}, nlp=tagged_nlp)
    found = triples(result)
    assert ("周明远", "affiliatedWith", "星河大学") in found
    assert ("周明远", "affiliatedWith", "南湖材料研究院") in found


def test_event_name_keeps_its_parties(extract_text):
    result = extract_text("3月10日，南湖高新区与星河大学合作共建创新联盟揭牌仪式在火炬大厦举行。")
    events = {e["name"] for e in result["entities"] if e["type"] == "Event"}
    assert "南湖高新区与星河大学合作共建创新联盟揭牌仪式" in events


def test_event_name_stops_at_the_verb_before_it(extract_text):
    result = extract_text("星河学院与青山区人民政府举行校地融合发展签约仪式。")
    events = {e["name"] for e in result["entities"] if e["type"] == "Event"}
    assert events == {"校地融合发展签约仪式"}


# --- generic names before the store ---------------------------------------------

def _result(doc, entities, relations=()):
    return {"document": {"doc": doc}, "entities": [dict(e, aliases=e.get("aliases", []))
                                                   for e in entities],
            "relations": list(relations)}


def test_places_of_a_document_by_level():
    ents = [{"name": "长沙市星河研究院", "type": "ResearchInstitute"},
            {"name": "长沙市人民政府", "type": "Government"},
            {"name": "岳麓区教育局", "type": "Government"},
            {"name": "市科技局", "type": "Government"}]
    assert document_places(ents) == {"市": "长沙市", "区": "岳麓区"}


def test_generic_names_are_qualified_by_the_place_or_the_document():
    result = _result("a.txt", [{"name": "市科技局", "type": "Government"},
                               {"name": "省科技厅", "type": "Government"},
                               {"name": "长沙市星河研究院", "type": "ResearchInstitute"}],
                     [{"subject": "市科技局", "predicate": "supports", "object": "长沙市星河研究院"}])
    out = qualify_generic(result)
    names = [e["name"] for e in out["entities"]]
    # 省科技厅: the article names no province: local to it, shown under its name
    assert names == ["长沙市科技局", "省科技厅", "长沙市星河研究院"]
    assert [bool(e.get("local")) for e in out["entities"]] == [False, True, False]
    assert out["relations"][0]["subject"] == "长沙市科技局"
    assert result["entities"][0]["name"] == "市科技局"   # the input is not changed


def test_own_bodies_are_qualified_by_the_own_institution():
    result = _result("b.txt", [{"name": "我校党委", "type": "Government"},
                               {"name": "校党委", "type": "Government"},
                               {"name": "学校", "type": "University"}])
    result["document"]["own"] = "星河大学"
    out = qualify_generic(result)["entities"]
    assert [e["name"] for e in out] == ["星河大学党委", "星河大学校党委", "学校"]
    assert out[2]["local"] and not out[0].get("local")


GENERIC = ["市科技局", "市政府", "市委", "区政府", "省科技厅"]


def _article(city: str, district: str, firm: str) -> str:
    return (f"{city}市{firm}科技有限公司获市科技局支持\n"
            f"近日，在市科技局、市政府和区政府的支持下，{city}市{firm}科技有限公司落户{district}区。"
            f"市委副书记李明、省科技厅副厅长王刚出席活动。")


def test_store_keeps_generic_names_of_two_cities_apart(tmp_path, kg_command, subprocess_env):
    import subprocess

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(_article("长沙", "岳麓", "星河"), encoding="utf-8")
    (folder / "b.txt").write_text(_article("宁波", "鄞州", "蓝海"), encoding="utf-8")
    (folder / "c.txt").write_text("市科技局局长张伟出席了会议。市政府将给予支持。", encoding="utf-8")
    store = tmp_path / "store"
    proc = subprocess.run([*kg_command, "build", str(folder), "--store", str(store), "--quiet"],
                          capture_output=True, text=True, env=subprocess_env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    query = ("SELECT ?l (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?e "
             "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l } } GROUP BY ?l")
    proc = subprocess.run([*kg_command, "sparql", query, "--store", str(store), "--format", "json"],
                          capture_output=True, text=True, env=subprocess_env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    import json
    rows = json.loads(proc.stdout)
    rows = rows.get("results", {}).get("bindings", rows) if isinstance(rows, dict) else rows
    labels = {}
    for row in rows:
        label = row["l"]["value"] if isinstance(row["l"], dict) else row["l"]
        count = row["n"]["value"] if isinstance(row["n"], dict) else row["n"]
        labels[label] = int(count)
    # only the placeless article (c.txt) has bodies under a bare name, its own
    for generic in GENERIC:
        assert labels.get(generic, 0) <= 1, (generic, labels)
    assert labels.get("长沙市科技局") == 1 and labels.get("宁波市科技局") == 1
    assert labels.get("市科技局") == 1
    assert not any(".txt" in label for label in labels)


def test_a_unit_whose_parent_is_named_elsewhere_in_the_article(extract_text, triples):
    found = triples(extract_text("青山市农业科学院与星河大学签约。"
                                 "青山市农业科学院作物研究中心主任周明远介绍了成果。"))
    assert ("青山市农业科学院作物研究中心", "partOf", "青山市农业科学院") in found


def test_a_department_without_parent_in_a_university_s_own_news(extract_text, triples):
    found = triples(extract_text("星河大学与蓝海科技有限公司签署合作协议\n"
                                 "9月3日，星河大学与蓝海科技有限公司签署合作协议。"
                                 "学校科研处、机械工程学院负责人参加了签约仪式。"))
    assert ("机械工程学院", "partOf", "星河大学") in found


def test_no_parent_from_a_bare_place(extract_text, triples):
    found = triples(extract_text("青山市人民政府与星河大学签约。青山市科技创新研究院同时揭牌。"))
    assert not {t for t in found if t[1] == "partOf" and t[2] in ("青山", "青山市")}


def test_schools_by_their_form_are_departments_and_never_the_own_institution(extract_text, triples):
    from kg.extraction.coreference import is_school

    assert is_school("材料与化学工程学院") and is_school("机电工程学院")
    assert not is_school("青山理工学院") and not is_school("星河大学机电工程学院")
    result = extract_text("机电工程学院与蓝海科技有限公司共建联合实验室\n"
                          "我校机电工程学院院长周明远与蓝海科技有限公司签署协议。")
    assert result["document"].get("own") is None
    types = {e["name"]: e["type"] for e in result["entities"]}
    assert types.get("机电工程学院") == "Department"


def test_an_office_named_on_its_own_before_a_post(extract_text, triples):
    found = triples(extract_text("星河大学与蓝海科技有限公司签署合作协议\n"
                                 "校科研处处长周明远、地方合作与服务部副部长林晓参加签约。"))
    assert ("周明远", "affiliatedWith", "科研处") in found
    assert ("林晓", "affiliatedWith", "地方合作与服务部") in found


def test_a_school_named_by_its_disciplines_after_a_self_reference_is_a_department(extract_text, triples):
    """材料学院, 创新创业学院: stems that alone only describe, but with 学院
    the name of a school; 学校 before it is no part of the name."""
    found = triples(extract_text("星河大学与蓝海集团签约。学校创新创业学院与蓝海集团签署协议。"
                                 "材料学院院长王立新出席。"))
    assert ("创新创业学院", "partOf", "星河大学") in found
    assert ("材料学院", "partOf", "星河大学") in found
    assert not [t for t in found if t[0].startswith("学校")]


def test_a_ceremony_held_in_a_campus_is_unnamed_and_the_campus_a_department(extract_text):
    result = extract_text("南湖大学苏州校区举行仪式，南湖大学与蓝海集团签约。")
    names = {(e["name"], e["type"]) for e in result["entities"]}
    assert ("南湖大学苏州校区", "Department") in names
    assert not any(t == "Event" for _, t in names)
