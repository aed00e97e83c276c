"""Alias resolution (:mod:`kg.extraction.aliases` through the pipeline): one canonical
entity, named by its fullest form, with every other surface form the
document uses as an alias, and relations stated with a short form resolved
to the canonical name."""

from __future__ import annotations

import pytest

from kg.extraction.aliases import derived_aliases, merge_entities


def entity(result, name):
    found = [e for e in result["entities"] if e["name"] == name]
    names = sorted((e["name"], e["type"], e["aliases"]) for e in result["entities"])
    assert found, f"no entity {name!r}; entities: {names}"
    return found[0]


def no_entity_named(result, name):
    return all(e["name"] != name for e in result["entities"])


# --- （以下简称“X”） -----------------------------------------------------------

def test_explicit_short_name_of_a_park(extract_text, triples):
    result = extract_text("青山市南湖高新技术产业开发区（以下简称“南湖高新区”）成立于2010年。"
                          "近日，青山智航机器人有限公司正式落户南湖高新区。")
    park = entity(result, "青山市南湖高新技术产业开发区")
    assert park["type"] == "Park"
    assert "南湖高新区" in park["aliases"]
    assert no_entity_named(result, "南湖高新区")
    assert ("青山智航机器人有限公司", "locatedIn", "青山市南湖高新技术产业开发区") in triples(result)


def test_explicit_short_name_of_a_company(extract_text, triples):
    result = extract_text("蓝海新材料科技有限公司（以下简称“蓝海科技”）与星河大学签署合作协议。"
                          "根据协议，蓝海科技将在南湖高新区落户。")
    company = entity(result, "蓝海新材料科技有限公司")
    assert "蓝海科技" in company["aliases"]
    assert no_entity_named(result, "蓝海科技")
    assert ("蓝海新材料科技有限公司", "locatedIn", "南湖高新区") in triples(result)


def test_explicit_short_name_with_half_width_brackets(extract_text):
    result = extract_text("东岭理工大学海洋材料研究中心(以下简称\"海材中心\")于2019年成立。"
                          "海材中心已与十余家企业开展合作。")
    centre = entity(result, "东岭理工大学海洋材料研究中心")
    assert "海材中心" in centre["aliases"]


# --- university abbreviations of the lexicon ------------------------------------

@pytest.mark.parametrize("full, short", [("浙江大学", "浙大"), ("北京大学", "北大")], ids=["zju", "pku"])
def test_university_abbreviation_from_the_lexicon(extract_text, full, short):
    result = extract_text(f"{full}与南湖高新区管委会签署战略合作协议。"
                          f"{short}将在南湖高新区设立技术转移中心。")
    uni = entity(result, full)
    assert uni["type"] == "University"
    assert short in uni["aliases"]
    assert no_entity_named(result, short)


def test_abbreviation_alone_resolves_to_nothing_else(extract_text):
    # the abbreviation is not turned into an alias of an unrelated entity
    result = extract_text("北大与星河大学签署合作协议。")
    assert all("北大" not in e["aliases"] for e in result["entities"] if e["name"] != "北京大学")


# --- name without its place prefix ----------------------------------------------

def test_research_institute_without_its_place_prefix(extract_text, triples):
    result = extract_text("苏州东岭新材料研究院由东岭理工大学与苏州市人民政府共建。"
                          "目前，东岭新材料研究院已引进青山华达化工有限公司。")
    inst = entity(result, "苏州东岭新材料研究院")
    assert inst["type"] == "ResearchInstitute"
    assert "东岭新材料研究院" in inst["aliases"]
    assert ("苏州东岭新材料研究院", "recruits", "青山华达化工有限公司") in triples(result)


def test_place_is_not_stripped_from_inside_a_university_name(extract_text):
    result = extract_text("北京大学化学学院与蓝海新材料科技有限公司签约。")
    school = entity(result, "北京大学化学学院")
    assert "大学化学学院" not in school["aliases"]


def test_generic_rest_of_a_government_name_is_not_an_alias(extract_text):
    result = extract_text("苏州东岭新材料研究院由东岭理工大学与苏州市人民政府共建。")
    gov = entity(result, "苏州市人民政府")
    assert "人民政府" not in gov["aliases"]


# --- company brand short names -----------------------------------------------------

def test_company_brand_short_name(extract_text, triples):
    result = extract_text("广东蓝海化学股份有限公司与星河大学签约。"
                          "蓝海公司将与星河大学共建联合实验室。")
    company = entity(result, "广东蓝海化学股份有限公司")
    assert company["type"] == "Company"
    assert "蓝海公司" in company["aliases"]
    assert no_entity_named(result, "蓝海公司")
    assert ("广东蓝海化学股份有限公司", "signsWith", "星河大学") in triples(result)


def test_derived_short_forms_of_a_company_name():
    forms = derived_aliases({"name": "广东蓝海化学股份有限公司", "type": "Company"})
    assert "蓝海公司" in forms
    assert "广东蓝海化学股份有限公司" not in forms


def test_brand_with_its_first_industry_word_is_an_alias(extract_text, triples):
    result = extract_text("南湖高新区引进了湖州宏达精密机械有限公司、浙江星宇电子科技有限公司等企业。"
                          "其中，宏达精密2019年落户南湖高新区。该公司董事长赵强说，服务非常到位。")
    assert "宏达精密" in entity(result, "湖州宏达精密机械有限公司")["aliases"]
    found = triples(result)
    assert ("湖州宏达精密机械有限公司", "locatedIn", "南湖高新区") in found
    assert ("赵强", "affiliatedWith", "湖州宏达精密机械有限公司") in found
    assert ("赵强", "affiliatedWith", "浙江星宇电子科技有限公司") not in found


def test_brand_that_is_a_place_word_is_no_alias_alone(extract_text):
    """中科 is the brand of 北京中科电气有限公司 and also opens 中科院: a brand
    the dictionary knows as a place or organisation is an alias only with
    公司/集团."""
    forms = derived_aliases({"name": "北京中科电气有限公司", "type": "Company"})
    assert "中科" not in forms and "中科公司" in forms
    result = extract_text("北京中科电气有限公司参加了峰会。研究院已引进中科院院士3名。")
    assert "中科" not in entity(result, "北京中科电气有限公司")["aliases"]


def test_contracted_company_name_is_an_alias(extract_text, triples):
    """精美特种型材 → 精美特材: Chinese news contracts a firm's name by
    keeping some of its characters in order."""
    result = extract_text("在广东星河特种型材有限公司生产车间里可以看到铝锭。"
                          "自2017年投产以来，星河特材已经成为华南最大的型材生产商。"
                          "星河特材是广东蓝海新材股份有限公司的全资子公司。")
    company = entity(result, "广东星河特种型材有限公司")
    assert "星河特材" in company["aliases"]
    assert no_entity_named(result, "星河特材")
    assert ("广东星河特种型材有限公司", "partOf", "广东蓝海新材股份有限公司") in triples(result)


def test_contraction_used_once_or_not_in_order_is_no_alias(extract_text):
    result = extract_text("广东星河特种型材有限公司投产。星河材特一词另有所指，星河特材只出现一次。")
    assert entity(result, "广东星河特种型材有限公司")["aliases"] == []


def test_short_forms_only_inside_the_full_name_are_not_aliases(extract_text):
    # the document never uses 蓝海 or 蓝海新材料科技 on its own
    result = extract_text("蓝海新材料科技有限公司落户南湖高新区。该公司主要生产可降解材料。")
    company = entity(result, "蓝海新材料科技有限公司")
    assert company["aliases"] == []


def test_pronoun_like_mentions_are_not_aliases(extract_text):
    result = extract_text("蓝海新材料科技有限公司落户南湖高新区。该公司主要生产可降解材料。"
                          "星河大学与该公司签约，学校将派出20名研究生。")
    for ent in result["entities"]:
        assert not {"该公司", "公司", "学校", "双方"} & set(ent["aliases"]), ent


# --- units named after their parent -------------------------------------------------

@pytest.mark.parametrize("unit, unit_type, parent", [
    pytest.param("星河大学化学化工学院", "Department", "星河大学", id="school-chem"),
    pytest.param("东岭理工大学国家技术转移中心", "Platform", "东岭理工大学", id="transfer-centre"),
    pytest.param("星河大学材料科学与工程学院", "Department", "星河大学", id="school-materials"),
])
def test_unit_named_after_its_parent_is_part_of_it(extract_text, triples, unit, unit_type, parent):
    result = extract_text(f"{unit}与蓝海新材料科技有限公司开展合作。")
    assert entity(result, unit)["type"] == unit_type
    assert entity(result, parent)["type"] == "University"
    assert (unit, "partOf", parent) in triples(result)


def test_team_named_without_its_school_is_the_same_team(extract_text):
    result = extract_text("星河大学材料学院陈晓明教授团队与青山华达化工有限公司签约。"
                          "星河大学陈晓明教授团队将在青山建设中试基地。")
    teams = [e for e in result["entities"] if e["type"] == "Team"]
    assert len(teams) == 1, teams
    assert teams[0]["name"] == "星河大学材料学院陈晓明教授团队"
    assert "星河大学陈晓明教授团队" in teams[0]["aliases"]


# --- across documents ---------------------------------------------------------------

def test_entities_merge_across_documents_by_name_or_alias():
    merged = merge_entities([
        [{"name": "浙江大学", "type": "University", "aliases": ["浙大"], "docs": ["a.txt"]}],
        [{"name": "浙江大学", "type": "University", "aliases": [], "docs": ["b.txt"]},
         {"name": "星河大学", "type": "University", "aliases": [], "docs": ["b.txt"]}],
    ])
    by_name = {e["name"]: e for e in merged}
    assert set(by_name) == {"浙江大学", "星河大学"}
    assert sorted(by_name["浙江大学"]["docs"]) == ["a.txt", "b.txt"]
    assert "浙大" in by_name["浙江大学"]["aliases"]


def test_company_short_and_full_names_merge_across_documents_unless_ambiguous():
    """星河新材料 (one article) is the firm 广东星河新材料股份有限公司 (another):
    the full name becomes canonical whichever comes first. With a second
    firm of that core in another province, the short name could be either
    and stays apart; the two full names never merge."""
    short = {"name": "星河新材料", "type": "Company", "aliases": [], "docs": ["a.txt"]}
    full = {"name": "广东星河新材料股份有限公司", "type": "Company", "aliases": [], "docs": ["b.txt"]}
    other = {"name": "浙江星河新材料股份有限公司", "type": "Company", "aliases": [], "docs": ["c.txt"]}
    for order in ([[short], [full]], [[full], [short]]):
        (merged,) = merge_entities([[dict(e, docs=list(e["docs"])) for e in d] for d in order])
        assert merged["name"] == full["name"] and merged["aliases"] == ["星河新材料"]
        assert sorted(merged["docs"]) == ["a.txt", "b.txt"]
    ambiguous = merge_entities([[dict(short, docs=["a.txt"])], [dict(full, docs=["b.txt"])],
                                [dict(other, docs=["c.txt"])]])
    assert sorted(e["name"] for e in ambiguous) == sorted([short["name"], full["name"], other["name"]])


def test_same_name_different_types_do_not_merge():
    merged = merge_entities([
        [{"name": "南湖高新区", "type": "Park", "aliases": [], "docs": ["a.txt"]}],
        [{"name": "南湖高新区管委会", "type": "Government", "aliases": [], "docs": ["b.txt"]}],
    ])
    assert {e["name"] for e in merged} == {"南湖高新区", "南湖高新区管委会"}


def test_short_name_alone_is_the_university(extract_text):
    """A university named only by its customary short name is recognised
    under that name (the fullest form the document uses), and units named
    after it are its parts."""
    result = extract_text("推进浙大海宁研究院和北理工珠海研究生院等创新载体建设。")
    names = {e["name"]: e["type"] for e in result["entities"]}
    assert names.get("浙大") == "University" and names.get("北理工") == "University"
    parts = {(r["subject"], r["object"]) for r in result["relations"] if r["predicate"] == "partOf"}
    assert ("北理工珠海研究生院", "北理工") in parts


def test_ambiguous_short_name_is_not_a_university(extract_text):
    """人大, 广大 or 重大 are common words; alone they do not name a university."""
    result = extract_text("广大科技工作者在重大项目中长大，人大代表出席会议。")
    assert not [e for e in result["entities"] if e["type"] == "University"]


def test_city_named_in_passing_is_not_an_entity(extract_text):
    """A city mentioned only as a place (no relation) is not listed."""
    result = extract_text("青山市是一座充满活力的城市。")
    assert "青山市" not in {e["name"] for e in result["entities"]}


# --- alias chains that loop ---------------------------------------------------

def test_a_province_name_and_its_short_form_that_point_at_each_other_end(extract_text):
    """The province-prefixed name and the name without the province were
    each taken as the other's alias (A → B → A); resolution looped forever.
    It now ends at the fullest form."""
    text = ("湖南省先进陶瓷产业技术创新战略联盟成立大会在株洲市召开\n"
            "据报道，2015年3月2日，湖南省先进陶瓷产业技术创新战略联盟成立大会在株洲市召开，"
            "株洲华锐精密陶瓷有限公司、中南大学等20家高校和企业加入联盟。"
            "湖南省先进陶瓷产业技术创新战略联盟秘书处设在株洲市。\n"
            "据悉，李明副厅长在讲话中希望先进陶瓷产业技术创新战略联盟要抓紧时间制定"
            "先进陶瓷产业技术创新战略联盟的工作规划。\n"
            "省科技厅将对先进陶瓷产业技术创新战略联盟给予重点支持。王刚副市长在成立大会上表示，"
            "株洲市政府将大力支持先进陶瓷产业技术创新战略联盟开展科研攻关。"
            "与会人员还参加了湖南省先进陶瓷产业技术与发展峰会。湖南省将在人才培养等方面给予支持。")
    result = extract_text(text)
    alliance = entity(result, "湖南省先进陶瓷产业技术创新战略联盟")
    assert alliance["aliases"] == ["先进陶瓷产业技术创新战略联盟"]
    assert no_entity_named(result, "先进陶瓷产业技术创新战略联盟")


def test_alias_root_of_a_loop_is_its_longest_form():
    from kg.extraction.resolution import _alias_root

    loop = {"乙丙": "甲乙丙", "甲乙丙": "乙丙", "丁": "乙丙"}
    assert {_alias_root(f, loop) for f in loop} == {"甲乙丙"}
