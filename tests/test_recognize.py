"""Rule-based entity recognition (:mod:`kg.extraction.name_rules`) on invented sentences:
each of the 13 entity types of ``ANNOTATION.md`` with its exact name, name
boundaries (no function word glued to a name), persons without a title, and
bylines (never entities)."""

from __future__ import annotations

import pytest

from kg.extraction.name_rules import recognize
from kg.records import ENTITY_TYPES


def mentions(text):
    return {(m["name"], m["type"]) for m in recognize(text)}


CASES = [
    ("星河大学与东岭理工大学签署合作协议。",
     [("星河大学", "University"), ("东岭理工大学", "University")], "University"),
    ("星河大学材料科学与工程学院举行开学典礼。",
     [("星河大学材料科学与工程学院", "Department"), ("星河大学", "University")], "Department"),
    ("苏州东岭新材料研究院今年新增发明专利40项。",
     [("苏州东岭新材料研究院", "ResearchInstitute")], "ResearchInstitute"),
    ("东岭理工大学国家技术转移中心南湖分中心正式运营。",
     [("东岭理工大学国家技术转移中心南湖分中心", "Platform")], "Platform"),
    ("南湖创业孵化器目前在孵企业56家。",
     [("南湖创业孵化器", "Platform")], "Platform-incubator"),
    ("蓝海新材料科技有限公司总部设在青山。",
     [("蓝海新材料科技有限公司", "Company")], "Company"),
    ("广东蓝海化学股份有限公司发布年度报告。",
     [("广东蓝海化学股份有限公司", "Company")], "Company-joint-stock"),
    ("青山市科技局发布科技项目申报通知。",
     [("青山市科技局", "Government")], "Government-bureau"),
    ("南湖高新区管委会召开工作会议。",
     [("南湖高新区管委会", "Government"), ("南湖高新区", "Park")], "Government-park-admin"),
    ("南湖高新区今年新引进企业30家。",
     [("南湖高新区", "Park")], "Park"),
    ("青山微芯电子科技有限公司于2022年入驻南湖科创园。",
     [("南湖科创园", "Park")], "Park-science-park"),
    ("青山市新材料产业协会在青山成立。",
     [("青山市新材料产业协会", "Organization")], "Organization-association"),
    ("青山创新投资基金完成首期募集。",
     [("青山创新投资基金", "Organization")], "Organization-fund"),
    ("星河大学材料学院陈晓明教授团队获得省科技进步奖。",
     [("星河大学材料学院陈晓明教授团队", "Team"), ("陈晓明", "Person")], "Team"),
    ("双方签约“高性能锂电池隔膜材料产业化”项目。",
     [("高性能锂电池隔膜材料产业化", "Project")], "Project"),
    ("“2024青山创新创业大赛”在南湖高新区举行。",
     [("2024青山创新创业大赛", "Event")], "Event-quoted"),
    ("东岭理工大学承办了第五届全国大学生机器人创新设计大赛。",
     [("第五届全国大学生机器人创新设计大赛", "Event")], "Event-unquoted"),
    ("会上，陈晓明获聘南湖高新区科技特派员。",
     [("南湖高新区科技特派员", "Role"), ("陈晓明", "Person")], "Role-and-person"),
    ("星河大学材料科学与工程学院副院长张建华表示，学院将扩大招生。",
     [("张建华", "Person")], "Person-after-title"),
    ("刘富强毕业于星河大学。",
     [("刘富强", "Person"), ("星河大学", "University")], "Person-no-title"),
    ("欧阳明华教授介绍了团队的研究进展。",
     [("欧阳明华", "Person")], "Person-compound-surname"),
]


def test_cases_cover_every_entity_type():
    covered = {t for _, expected, _ in CASES for _, t in expected}
    assert covered == set(ENTITY_TYPES)


@pytest.mark.parametrize("text, expected", [pytest.param(t, e, id=i) for t, e, i in CASES])
def test_entity_is_recognised_with_its_type(text, expected):
    found = mentions(text)
    missing = [pair for pair in expected if pair not in found]
    assert not missing, f"missing {missing}; found {sorted(found)}"


@pytest.mark.parametrize("text, name", [
    pytest.param("活动现场，南湖高新区管委会与星河大学签订协议。", "星河大学", id="after-yu"),
    pytest.param("星河大学聘任赵文博为星河大学产业教授。", "星河大学产业教授", id="after-wei"),
    pytest.param("青山市科技局和东岭理工大学共同主办了本次活动。", "东岭理工大学", id="after-he"),
    pytest.param("据悉，蓝海新材料科技有限公司将在南湖高新区建设研发中心。", "蓝海新材料科技有限公司",
                 id="after-jusi"),
])
def test_no_function_word_is_glued_to_a_name(text, name):
    found = {m["name"] for m in recognize(text)}
    assert name in found, sorted(found)
    for other in found:
        # a longer name that contains the name must not begin with a function word
        if other != name and other.endswith(name):
            assert other[0] not in "与和及为在将据"


@pytest.mark.parametrize("text, spurious", [
    pytest.param("研究院建成了3个公共技术服务平台。", "个公共技术服务平台", id="counted-platforms"),
    pytest.param("活动现场，南湖高新区管委会与星河大学签订协议。", "与星河大学", id="yu-glued"),
    pytest.param("星河大学聘任赵文博为星河大学产业教授。", "赵文博为星河大学", id="person-wei-glued"),
    pytest.param("项目由半导体领军企业蓝海微电子科技有限公司投资兴建。",
                 "半导体领军企业蓝海微电子科技有限公司", id="firm-description-glued"),
])
def test_counted_generic_nouns_and_glued_spans_are_not_names(text, spurious):
    assert spurious not in {m["name"] for m in recognize(text)}


def test_byline_names_are_not_entities():
    text = "（记者 李华 通讯员 王芳）星河大学与南湖高新区签约。"
    names = {m["name"] for m in recognize(text)}
    assert "李华" not in names and "王芳" not in names
    assert "星河大学" in names


def test_mention_offsets_point_at_their_text():
    text = "星河大学材料学院陈晓明教授团队与蓝海新材料科技有限公司签约“高性能锂电池隔膜材料产业化”项目。"
    found = recognize(text)
    assert found
    for m in found:
        assert text[m["start"]:m["end"]] == m["text"]
        assert m["type"] in ENTITY_TYPES


def test_pipeline_entities_agree_with_recognize(extract_text):
    text = "星河大学材料科学与工程学院副院长张建华表示，将与蓝海新材料科技有限公司共建联合实验室。"
    result = extract_text(text)
    by_name = {e["name"]: e["type"] for e in result["entities"]}
    for name, kind in [("星河大学材料科学与工程学院", "Department"), ("星河大学", "University"),
                       ("张建华", "Person"), ("蓝海新材料科技有限公司", "Company")]:
        assert by_name.get(name) == kind, by_name


# --- names that are categories, slogans or descriptions -------------------------

@pytest.mark.parametrize("text, not_names", [
    ("南湖高新区建成全省第一个科技成果转化平台。", {"全省第一个科技成果转化平台", "科技成果转化平台"}),
    ("推行“网上办”“一次办”“指尖办”，打造移动办公平台。", {"网上办", "一次办", "指尖办", "移动办公平台"}),
    ("青山人才团队与人形机器人研发团队共同参与攻关。", {"青山人才团队", "人形机器人研发团队"}),
    ("园区开展了户外拓展等系列活动。", {"户外拓展等系列活动"}),
    ("南湖高新区培育形成了苗圃—孵化器—加速器的全链条孵化体系。", {"苗圃—孵化器—加速器"}),
    ("骨干企业数量达到120家，龙头企业发展迅速。", {"数量", "发展迅速", "数量达到120家"}),
    ("重点企业对接技术需求，龙头企业的科技创新走在前列。", {"对接技术", "的科技"}),
    ("青山高新区内有省级工程技术研究中心12家。",
     {"青山高新区内有省级工程技术研究中心", "省级工程技术研究中心"}),
    ("该工厂已列入江苏省重大产业项目、江苏省重大外资项目。", {"江苏省重大外资项目", "江苏省重大产业项目"}),
    ("工厂占地200亩，计划于2025年底投产。", {"计划"}),
    ("该公司由星河大学科技创新研究院第二批项目团队创办。",
     {"星河大学科技创新研究院第二批项目团队", "星河大学科技创新研究院第二批项目"}),
    ("公司建有省级企业技术中心和青山海洋材料工程中心等一批研发机构。", {"省级企业技术中心"}),
    ("南湖高新区加快众创空间、孵化器等各类创业载体发展。", {"众创空间", "孵化器"}),
    ("突出项目投资，南湖高新区多措并举推项目。", {"南湖高新区多措并举推项目"}),
    ("基金重点投资新一代信息技术、生物医药等领域的初创企业。", {"新一代信息技术", "生物医药"}),
    ("活动现场还举行了科技成果集中签约仪式和创新创业项目路演。",
     {"科技成果集中签约仪式", "创新创业项目路演"}),
    ("星海集团董事长严和松受邀出席仪式。", {"星海集团董事长严和松受邀出席仪式"}),
    ("青山市锚定上海、南京和西安等高校资源集聚地区持续发力。", {"南京", "西安", "锚定上海"}),
], ids=["ordinal-category", "slogans", "described-teams", "listed-activities", "chain-of-categories",
        "firm-description-then-noun", "firm-description-then-verb", "counted-level-category",
        "list-a-project-is-put-on", "common-word-before-a-date", "batch-of-teams",
        "listed-level-and-category", "listed-bare-category-words",
        "verb-and-project-slogan", "listed-fields-not-firms", "unnamed-ceremonies",
        "ceremony-attended", "listed-places"])
def test_categories_are_not_names(text, not_names):
    found = {name for name, _ in mentions(text)}
    assert not (found & not_names), found & not_names


@pytest.mark.parametrize("text, expected", [
    ("青山市科技局局长赖明远介绍，全年新增高新技术企业120家。", ("赖明远", "Person")),
    ("活动走进南湖科技园星河创新园。", ("星河创新园", "Park")),
    ("南湖高新区电子信息产业园今年开工建设。", ("南湖高新区电子信息产业园", "Park")),
    ("此外，深海浮标智能巡检系统、大尺寸碳化硅衬底研制及产业化等6个优质科技项目签约落户。",
     ("大尺寸碳化硅衬底研制及产业化", "Project")),
    ("青山微芯研究院获第十届全国创新创业大赛优秀奖。", ("青山微芯研究院", "ResearchInstitute")),
    ("南湖区委书记于立新表示，要加快发展。", ("于立新", "Person")),
    ("高峰于2019年创立星河科技有限公司。", ("高峰", "Person")),
    ("青山职教城是一座人才富矿。", ("青山职教城", "Park")),
    ("锦旗送至南湖高新区行政审批服务局市场服务科工作人员手中。",
     ("南湖高新区行政审批服务局市场服务科", "Department")),
    ("青山建成智能穿戴产业研究院。", ("智能穿戴产业研究院", "ResearchInstitute")),
    ("省科技厅公布了第五届星河创新创业大赛获奖名单。", ("第五届星河创新创业大赛", "Event")),
    ("南湖高新区联合中国农业银行开展科技金融试点。", ("中国农业银行", "Company")),
    ("星河科技有限公司与招商银行签约。", ("招商银行", "Company")),
    ("青山市天衡量子科技有限公司研发的测量仪获得金奖。", ("青山市天衡量子科技有限公司", "Company")),
    ("项目由半导体领军企业蓝海微电子科技有限公司投资兴建。", ("蓝海微电子科技有限公司", "Company")),
    ("青山市盈辉企业管理服务有限公司承办了活动。", ("青山市盈辉企业管理服务有限公司", "Company")),
    ("该基地由全球癌症早筛领域领军企业远帆生物投资兴建。", ("远帆生物", "Company")),
    ("此次开工的星河癌症早筛研发与产业化基地项目总投资50亿元。",
     ("星河癌症早筛研发与产业化基地项目", "Project")),
    ("12月5日，“蓝海-星河大学工业技术联合研究院”揭牌仪式在主楼举行。",
     ("“蓝海-星河大学工业技术联合研究院”揭牌仪式", "Event")),
    ("2月22日，星河科学院与青山省召开院省合作建设领导小组会议。", ("院省合作建设领导小组会议", "Event")),
    ("5月17日，青山市与部分高校市校合作集中签约活动在青山市召开。",
     ("青山市与部分高校市校合作集中签约活动", "Event")),
    ("南湖大学苏州校区举行仪式。", ("南湖大学苏州校区", "Department")),
    ("我校能动学院王立新教授团队与企业签约。", ("能动学院王立新教授团队", "Team")),
    ("青山县县长崔立拴代表双方签署协议。", ("崔立拴", "Person")),
    ("星河大学校长助理吴立强出席。", ("吴立强", "Person")),
    ("星河大学校长魏宏和，副校长王一鸣出席。", ("魏宏和", "Person")),
    ("星海集团董事长严和松受邀出席仪式。", ("严和松", "Person")),
], ids=["surname-lai", "park-inside-park", "park-of-a-zone", "listed-projects", "award-winner",
        "surname-yu", "name-that-is-also-a-word", "suffix-glued-to-shi", "section-of-a-bureau", "industry-verb-inside-a-name", "event-before-its-winners", "dictionary-name-one-word", "dictionary-name-generic-stem", "verb-overlapping-a-word", "after-firm-description",
        "enterprise-inside-a-name", "brand-after-firm-description",
        "rd-phrase-in-project", "ceremony-of-a-quoted-platform", "named-meeting", "named-signing-activity",
        "campus", "team-of-a-school-named-by-an-abbreviated-discipline",
        "county-head", "assistant-title", "given-name-ending-in-a-connector", "invited-then-attends"])
def test_names_found_whole(text, expected):
    assert expected in mentions(text), mentions(text)


def test_surname_that_is_a_preposition_is_not_read_before_a_time_word():
    """于 is a surname (于立新) and a preposition (于近日, 于2021年)."""
    names = {name for name, kind in mentions("南湖区委书记于近日表示，要加快发展。") if kind == "Person"}
    assert not names, names


def test_unit_short_word_after_its_university():
    """西安…大学就创中心: a one-character word the segmenter splits off does
    not cut a unit from its university; a conjunction still separates two
    names."""
    assert ("星河大学就创中心", "Department") in mentions("星河大学就创中心副主任王立新表示")
    found = mentions("星河大学和南湖高新区管委会签约")
    assert ("星河大学", "University") in found and ("南湖高新区管委会", "Government") in found


def test_a_park_name_does_not_take_in_the_verb_of_coming():
    from kg.extraction.name_rules import recognize

    for text in ("青山区科委领导前来星光科技园调研。", "不少人到星光科技园参观。"):
        assert [(m["text"], m["type"]) for m in recognize(text) if m["type"] == "Park"] == \
            [("星光科技园", "Park")]
