"""Each of the 18 predicates of ``ANNOTATION.md`` on invented news sentences.

The sentences are written for these tests (none is copied from the seeds);
the names are invented but built like real ones (星河大学, 东岭理工大学,
蓝海新材料科技有限公司, 南湖高新区管委会, 青山市科技局, 王立新, 陈晓明 …).
Each case lists the relations a careful annotator following the guide
writes for the sentence; the extractor must produce every one of them
(more relations are allowed, except those listed as ``forbidden``).

The n-ary constructions of the guide and the provenance of every relation
(doc, doc_id, evidence sentence with offsets, trigger, confidence) are
tested on :func:`kg.extraction.document.extract_document` output at the end.
"""

from __future__ import annotations

import pytest

from kg.records import PREDICATES


def case(text, expected, forbidden=(), id=None):
    """One test case: ``expected`` and ``forbidden`` are ``(s, p, o)`` or
    ``(s, p, o, title)`` tuples; ``s``/``o`` may be a tuple of acceptable names
    (the two readings the guide allows, e.g. park or its administration)."""
    return pytest.param(text, expected, forbidden, id=id)


def _names(x):
    return set(x) if isinstance(x, tuple) else {x}


def _find(result, s, p, o):
    """Relations of ``result`` matching ``s p o`` (symmetric either way)."""
    from kg.records import SYMMETRIC

    out = []
    for r in result["relations"]:
        if r["predicate"] != p:
            continue
        if r["subject"] in _names(s) and r["object"] in _names(o):
            out.append(r)
        elif p in SYMMETRIC and r["subject"] in _names(o) and r["object"] in _names(s):
            out.append(r)
    return out


def _show(result):
    return "\n".join(f"  {r['subject']} {r['predicate']} {r['object']}"
                     + (f" (title {r['title']})" if r.get("title") else "")
                     for r in result["relations"]) or "  (no relations)"


def check(result, expected, forbidden=()):
    missing = []
    for triple in expected:
        s, p, o, *title = triple
        hits = _find(result, s, p, o)
        if not hits:
            missing.append(f"{s} {p} {o}")
        elif title and not any(r.get("title") == title[0] for r in hits):
            missing.append(f"{s} {p} {o} with title {title[0]!r} "
                           f"(got {[r.get('title') for r in hits]})")
    wrong = [f"{s} {p} {o}" for s, p, o in forbidden if _find(result, s, p, o)]
    assert not missing and not wrong, (
        f"missing: {missing}\nwrong: {wrong}\nextracted:\n{_show(result)}")


CASES = {
    "builds": [
        case("星河大学与青山县人民政府签署“星河大学-青山县地方科技工作站建设协议”。",
             [("星河大学", "builds", "星河大学-青山县地方科技工作站"),
              ("青山县人民政府", "builds", "星河大学-青山县地方科技工作站")],
             id="builds-by-an-agreement-to-build"),
        case("南湖高新区管委会设立了总规模10亿元的青山科创母基金，重点投资初创企业。",
             [("南湖高新区管委会", "builds", "青山科创母基金")],
             id="builds-with-a-size-before-the-thing"),
        case("下一步，南湖高新区将联合东岭大学、星河理工学院共建青山科技成果转化中心。",
             [("南湖高新区", "builds", "青山科技成果转化中心"),
              ("东岭大学", "builds", "青山科技成果转化中心"),
              ("星河理工学院", "builds", "青山科技成果转化中心")],
             id="builds-subject-joined-by-lianhe"),
        case("南湖产业创新中心是由南湖合作区管委会、东岭大学国家技术转移中心(东岭大学技术转移研究院)、"
             "星河技术转移有限公司、东岭技术转移有限公司四方共建的技术转移平台。",
             [("南湖合作区管委会", "builds", "南湖产业创新中心"),
              ("东岭大学国家技术转移中心", "builds", "南湖产业创新中心"),
              ("星河技术转移有限公司", "builds", "南湖产业创新中心"),
              ("东岭技术转移有限公司", "builds", "南湖产业创新中心")],
             id="builds-list-with-a-bracketed-second-name"),
        case("南湖合作区管委会、东岭大学国家技术转移中心(东岭大学技术转移研究院)、星河技术转移有限公司"
             "三方共建了南湖产业创新中心。",
             [("南湖合作区管委会", "builds", "南湖产业创新中心"),
              ("东岭大学国家技术转移中心", "builds", "南湖产业创新中心"),
              ("星河技术转移有限公司", "builds", "南湖产业创新中心")],
             [("东岭大学", "builds", "南湖产业创新中心")],
             id="builds-three-parties-one-named-twice"),
        case("南湖高新区于2021年4月成功创建为浙江省高新技术产业开发区，规划面积100平方公里。",
             [],
             [("南湖高新区", "builds", "浙江省高新技术产业开发区")],
             id="builds-not-a-designation-won"),
        case("南湖国际钟表产业城董事长王立新介绍，项目预计总投资60亿元，将建设全球较大的钟表产业链基地。"
             "近年来，南湖高新区建设青山智能制造产业园、南湖国际钟表产业城等承接产业转移载体。",
             [("南湖高新区", "builds", "青山智能制造产业园")],
             [("南湖国际钟表产业城", "builds", "钟表产业链基地"),
              ("南湖国际钟表产业城", "builds", "青山智能制造产业园")],
             id="builds-not-by-a-project-or-by-itself"),
        case("南浔高新区与星河大学、浙江大学等高校合作，引进培育湖州浙大协同创新研究院等创新平台。",
             [("浙江大学", "builds", "湖州浙大协同创新研究院"),
              ("南浔高新区", "builds", "湖州浙大协同创新研究院")],
             [("星河大学", "builds", "湖州浙大协同创新研究院")],
             id="builds-university-by-short-name-inside"),
        case("南湖高新区将加快南湖创业孵化器、青山众创空间等双创载体建设。",
             [("南湖高新区", "builds", "南湖创业孵化器"), ("南湖高新区", "builds", "青山众创空间")],
             id="builds-promote-construction"),
        case("南湖海洋材料中试基地由东岭理工大学、青山市海洋产业促进中心(海洋联盟)、蓝海新材料科技有限公司三方共建。",
             [("蓝海新材料科技有限公司", "builds", "南湖海洋材料中试基地"),
              ("东岭理工大学", "builds", "南湖海洋材料中试基地")],
             id="builds-list-with-bracketed-alias"),
        case("星河大学与南湖高新区管委会签署合作协议。双方将合作建设南湖智能装备产业园。",
             [("星河大学", "builds", "南湖智能装备产业园"), ("南湖高新区管委会", "builds", "南湖智能装备产业园")],
             id="builds-both-parties-from-context"),
        case("东岭理工大学国家技术转移中心在南湖高新区设立东岭理工大学国家技术转移中心南湖分中心。",
             [("东岭理工大学国家技术转移中心", "builds", "东岭理工大学国家技术转移中心南湖分中心")],
             forbidden=[("南湖高新区", "builds", "东岭理工大学国家技术转移中心南湖分中心")],
             id="builds-branch-centre"),
        case("青山市科技局搭建了青山市科技成果转化公共服务平台。",
             [("青山市科技局", "builds", "青山市科技成果转化公共服务平台")],
             id="builds-platform"),
        case("南湖高新区管委会与星河大学共建的南湖智能制造产业创新中心昨日正式揭牌。",
             [("南湖高新区管委会", "builds", "南湖智能制造产业创新中心"),
              ("星河大学", "builds", "南湖智能制造产业创新中心")],
             id="builds-co-built-centre"),
    ],
    "signsWith": [
        case("南湖高新区与星河大学签订合作协议，共建海洋研究院。",
             [("南湖高新区", "signsWith", "星河大学")],
             forbidden=[("南湖高新区", "cooperatesWith", "星河大学")],
             id="signs-not-just-cooperates"),
        case("南湖高新区举行三季度重点项目集中签约仪式。签约的项目中，既有星河大学的海洋浮标项目，"
             "也有蓝海新材料科技有限公司的防腐涂层项目。",
             [("星河大学", "signsWith", "南湖高新区"), ("蓝海新材料科技有限公司", "signsWith", "南湖高新区")],
             id="signs-with-the-ceremony-host"),
        case("南湖高新区还与星河大学、东岭理工大学签订协议，共建海洋材料创新平台。",
             [("南湖高新区", "signsWith", "星河大学"), ("南湖高新区", "signsWith", "东岭理工大学")],
             id="signs-with-each-listed-party"),
        case("会上，青山华达化工有限公司与蓝海新材料科技有限公司合作“海洋防腐涂层”。",
             [("青山华达化工有限公司", "signsWith", "蓝海新材料科技有限公司"),
              ("青山华达化工有限公司", "hasProject", "海洋防腐涂层"),
              ("蓝海新材料科技有限公司", "hasProject", "海洋防腐涂层")],
             id="signs-joint-project"),
        case("东岭理工大学与蓝海新材料科技有限公司签署战略合作协议。",
             [("东岭理工大学", "signsWith", "蓝海新材料科技有限公司")],
             id="signs-agreement"),
        case("活动现场，南湖高新区管委会与星河大学签订校地合作框架协议。",
             [("南湖高新区管委会", "signsWith", "星河大学")],
             id="signs-framework"),
        case("青山华达化工有限公司与东岭理工大学化学学院签约，共建海洋防腐材料联合实验室。",
             [("青山华达化工有限公司", "signsWith", "东岭理工大学化学学院")],
             id="signs-with-school"),
    ],
    "hasProject": [
        case("蓝海新材料科技有限公司设立研发中心，实施“深蓝”青年人才培养计划。",
             [("蓝海新材料科技有限公司", "hasProject", "深蓝青年人才培养计划")],
             id="project-a-programme-it-runs"),
        case("星河大学、南湖高新区管委会联合多家投资机构，面向创业团队启动“蓝鲸计划”。",
             [("星河大学", "hasProject", "蓝鲸计划"), ("南湖高新区管委会", "hasProject", "蓝鲸计划")],
             id="project-launched-by-both"),
        case("青山华达化工有限公司新建年产5万吨环保涂料生产线项目在南湖高新区开工。",
             [("青山华达化工有限公司", "hasProject", "青山华达化工有限公司新建年产5万吨环保涂料生产线项目"),
              ("青山华达化工有限公司新建年产5万吨环保涂料生产线项目", "locatedIn", "南湖高新区")],
             id="project-unquoted-named-after-company"),
        case("签约项目中，既有星河大学的海洋智能浮标研发及产业化项目，也有东岭理工大学的深海探测平台项目。",
             [("星河大学", "hasProject", "海洋智能浮标研发及产业化项目"),
              ("东岭理工大学", "hasProject", "深海探测平台项目")],
             forbidden=[("星河大学", "hasProject", "深海探测平台项目")],
             id="project-unquoted-owner-each"),
        case("东岭理工大学王立新教授团队项目“深海传感器”与南湖新材料研究院正式签约。",
             [("南湖新材料研究院", "hasProject", "深海传感器"),
              ("东岭理工大学王立新教授团队", "hasProject", "深海传感器")],
             id="project-counterpart-of-signing"),
        case("“海洋防腐涂层”项目由蓝海新材料科技有限公司自主研发。",
             [("蓝海新材料科技有限公司", "hasProject", "海洋防腐涂层")],
             id="project-made-by"),
        case("星河大学材料学院陈晓明教授团队与青山华达化工有限公司签约“高性能锂电池隔膜材料产业化”项目。",
             [("星河大学材料学院陈晓明教授团队", "hasProject", "高性能锂电池隔膜材料产业化")],
             id="project-signed-by-team"),
        case("东岭理工大学王立新教授团队带来的“海洋防腐涂料关键技术研发”项目落户南湖高新区。",
             [("东岭理工大学王立新教授团队", "hasProject", "海洋防腐涂料关键技术研发")],
             id="project-brought-by-team"),
        case("路演环节，青山智航机器人有限公司带来了“智能电力巡检机器人”项目。",
             [("青山智航机器人有限公司", "hasProject", "智能电力巡检机器人")],
             id="project-of-company"),
    ],
    "appointedAs": [
        case("南湖高新区党工委书记何振宇为首批10名科技特派员颁发聘书，东岭理工大学副教授黄丽被聘为南湖高新区科技特派员。",
             [("黄丽", "appointedAs", "南湖高新区科技特派员")],
             [("何振宇", "appointedAs", "南湖高新区科技特派员")],
             id="appointed-not-who-hands-over-the-letter"),
        case("王立新、陈晓明、李秀英获聘南湖高新区科技特派员。",
             [("王立新", "appointedAs", "南湖高新区科技特派员"),
              ("陈晓明", "appointedAs", "南湖高新区科技特派员"),
              ("李秀英", "appointedAs", "南湖高新区科技特派员")],
             id="appointed-list"),
        case("星河大学聘任蓝海新材料科技有限公司总经理赵文博为星河大学产业教授。",
             [("赵文博", "appointedAs", "星河大学产业教授")],
             id="appointed-by-university"),
        case("东岭理工大学教授孙立伟受聘担任南湖新材料研究院首席科学家。",
             [("孙立伟", "appointedAs", "南湖新材料研究院首席科学家")],
             id="appointed-chief-scientist"),
    ],
    "roleOf": [
        case("王立新、陈晓明、李秀英获聘南湖高新区科技特派员。",
             [("南湖高新区科技特派员", "roleOf", "南湖高新区")],
             id="role-of-park"),
        case("东岭理工大学教授孙立伟受聘担任南湖新材料研究院首席科学家。",
             [("南湖新材料研究院首席科学家", "roleOf", "南湖新材料研究院")],
             id="role-of-institute"),
        case("星河大学聘任蓝海新材料科技有限公司总经理赵文博为星河大学产业教授。",
             [("星河大学产业教授", "roleOf", "星河大学")],
             id="role-of-university"),
    ],
    "affiliatedWith": [
        case("星河大学地理科学学院教授王立新现在还有另外一个身份——青山维智信息科技有限公司总经理。",
             [("王立新", "affiliatedWith", "星河大学地理科学学院"),
              ("王立新", "affiliatedWith", "青山维智信息科技有限公司")],
             id="affiliated-second-identity"),
        case("星河大学材料科学与工程学院副院长张建华表示，学院将与企业共建联合实验室。",
             [("张建华", "affiliatedWith", "星河大学材料科学与工程学院", "副院长")],
             id="affiliated-vice-dean"),
        case("蓝海新材料科技有限公司总经理刘志强介绍，公司今年研发投入超过3000万元。",
             [("刘志强", "affiliatedWith", "蓝海新材料科技有限公司", "总经理")],
             id="affiliated-general-manager"),
        case("东岭理工大学党委常委、副校长孙丽华出席签约仪式并致辞。",
             [("孙丽华", "affiliatedWith", "东岭理工大学", "党委常委、副校长")],
             id="affiliated-two-titles"),
        case("青山市科技局局长王立新说，青山将为校地合作提供全方位保障。",
             [("王立新", "affiliatedWith", "青山市科技局", "局长")],
             id="affiliated-bureau-head"),
        case("青山市南湖区委书记、星河科学城党工委书记于立新表示，要把创新生态做得更优。",
             [("于立新", "affiliatedWith", "青山市南湖区委", "书记"),
              ("于立新", "affiliatedWith", "星河科学城党工委", "书记")],
             [("于立新", "affiliatedWith", "星河科学城")],
             id="affiliated-party-committees"),
        case("星河大学未来产业研究院技术转移与成果转化总监周晓燕分享了经验。",
             [("周晓燕", "affiliatedWith", "星河大学未来产业研究院")],
             id="affiliated-qualified-title"),
        case("星河大学邀请的项目总监周晓燕分享了经验。",
             [], [("周晓燕", "affiliatedWith", "星河大学")],
             id="affiliated-not-across-a-verb"),
        case("东岭理工大学校长陈晓明，副校长孙丽华、周立平出席签约仪式。",
             [("孙丽华", "affiliatedWith", "东岭理工大学", "副校长"),
              ("周立平", "affiliatedWith", "东岭理工大学", "副校长")],
             id="affiliated-names-sharing-a-post"),
        case("青山市委副书记、市长于立新在青山市调研时表示，要把创新生态做得更优。",
             [("于立新", "affiliatedWith", "青山市委", "副书记"),
              ("于立新", "affiliatedWith", "青山市", "市长")],
             id="affiliated-committee-and-government"),
        case("青山市人民政府与星河大学签署合作协议，青山市委书记王立新，市委副书记、市长于立新，"
             "副市长刘志强、孙丽华出席。",
             [("于立新", "affiliatedWith", "青山市委", "副书记"),
              ("于立新", "affiliatedWith", "青山市人民政府", "市长"),
              ("刘志强", "affiliatedWith", "青山市人民政府", "副市长"),
              ("孙丽华", "affiliatedWith", "青山市人民政府", "副市长")],
             id="affiliated-posts-named-by-level-only"),
        case("青山市人民政府与白云市人民政府签署合作协议，副市长刘志强出席。",
             [], [("刘志强", "affiliatedWith", "青山市人民政府"), ("刘志强", "affiliatedWith", "白云市人民政府")],
             id="affiliated-level-only-post-ambiguous-between-two-cities"),
        case("蓝海控股集团与星河大学签署合作协议。集团董事长刘志强、总经理孙丽华出席。",
             [("刘志强", "affiliatedWith", "蓝海控股集团", "董事长"),
              ("孙丽华", "affiliatedWith", "蓝海控股集团", "总经理")],
             id="affiliated-bare-group-of-the-one-group-named"),
    ],
    "leads": [
        case("东岭理工大学化学学院王立新教授团队研发的防腐涂料已在多家企业应用。",
             [("王立新", "leads", "东岭理工大学化学学院王立新教授团队")],
             id="leads-professor-team"),
        case("李明远院士领衔的东岭理工大学海洋材料创新团队长期从事海洋防腐材料研究。",
             [("李明远", "leads", "东岭理工大学海洋材料创新团队")],
             id="leads-named-team"),
    ],
    "partOf": [
        case("由南湖高新区政务办主办的“政策直通车”系列活动日前走进星河科技园青山创新园。"
             "高新区科技和市场监管局针对企业关心的问题带来解读。",
             [("高新区科技和市场监管局", "partOf", "南湖高新区")],
             [("高新区科技和市场监管局", "partOf", "星河科技园")],
             id="part-of-the-zone-named-before-not-the-last-park"),
        case("南湖高新区近日举办政策宣讲会，高新区科技和市场监管局针对企业关心的问题带来解读。",
             [("高新区科技和市场监管局", "partOf", "南湖高新区")],
             id="part-of-the-zone-named-earlier-in-the-sentence"),
        case("青山海纳文体办公有限公司将一面锦旗送至南湖高新区行政审批服务局市场服务科工作人员手中。",
             [("南湖高新区行政审批服务局市场服务科", "partOf", "南湖高新区行政审批服务局")],
             id="part-of-section-of-a-bureau"),
        case("作为青山产业转移工业园的主园区，南湖高新区承接了一批外溢项目。",
             [("南湖高新区", "partOf", "青山产业转移工业园")],
             id="partof-main-park"),
        case("天津南湖高新区今年新增企业300家。高新区科技局局长王立新介绍了有关情况。",
             [("高新区科技局", "partOf", "天津南湖高新区")],
             id="partof-bureau-of-the-article-zone"),
        case("青山华达化工有限公司是蓝海新材料科技有限公司的全资子公司。",
             [("青山华达化工有限公司", "partOf", "蓝海新材料科技有限公司")],
             id="partof-subsidiary"),
        case("星河大学材料科学与工程学院副院长张建华表示，学院将与企业共建联合实验室。",
             [("星河大学材料科学与工程学院", "partOf", "星河大学")],
             id="partof-school"),
        case("东岭理工大学国家技术转移中心在南湖高新区设立东岭理工大学国家技术转移中心南湖分中心。",
             [("东岭理工大学国家技术转移中心南湖分中心", "partOf", "东岭理工大学国家技术转移中心")],
             id="partof-branch-centre"),
        case("星河大学材料学院陈晓明教授团队与青山华达化工有限公司签约“高性能锂电池隔膜材料产业化”项目。",
             [("星河大学材料学院陈晓明教授团队", "partOf", ("星河大学材料学院", "星河大学"))],
             id="partof-team"),
    ],
    "incubates": [
        case("近日，记者走进南湖高新区星河科技孵化器。该孵化器于2018年被认定为国家级科技企业孵化器，"
             "目前已累计孵化企业120余家，其中青山云帆智能科技有限公司、青山蓝鲸生物技术有限公司等8家企业"
             "已成长为国家高新技术企业。",
             [("南湖高新区星河科技孵化器", "incubates", "青山云帆智能科技有限公司"),
              ("南湖高新区星河科技孵化器", "incubates", "青山蓝鲸生物技术有限公司")],
             id="incubates-firms-among-those-incubated"),
        case("今年获奖的3家企业为青山微芯电子科技有限公司、青山云图信息技术有限公司和蓝鲸智造科技有限公司。"
             "这些企业均由南湖创业孵化器孵化。",
             [("南湖创业孵化器", "incubates", "青山微芯电子科技有限公司"),
              ("南湖创业孵化器", "incubates", "蓝鲸智造科技有限公司")],
             id="incubates-previous-sentence-companies"),
        case("近年来，南湖高新区培育了蓝鲸智造、星火微电和青禾生物3家上市企业。",
             [("南湖高新区", "incubates", "蓝鲸智造"), ("南湖高新区", "incubates", "青禾生物")],
             id="incubates-first-item-after-verb"),
        case("星河大学（青山）科技创新研究院孵化了青山绿源环保科技有限公司、青山智航机器人有限公司和青山云图信息技术有限公司。",
             [("星河大学（青山）科技创新研究院", "incubates", "青山绿源环保科技有限公司"),
              ("星河大学（青山）科技创新研究院", "incubates", "青山智航机器人有限公司"),
              ("星河大学（青山）科技创新研究院", "incubates", "青山云图信息技术有限公司")],
             id="incubates-list"),
        case("青山微芯电子科技有限公司由南湖创业孵化器孵化，目前已完成A轮融资。",
             [("南湖创业孵化器", "incubates", "青山微芯电子科技有限公司")],
             id="incubates-passive"),
        case("南湖创业孵化器已成功孵化青山微芯电子科技有限公司等30余家科技型企业。",
             [("南湖创业孵化器", "incubates", "青山微芯电子科技有限公司")],
             id="incubates-among-others"),
        case("园区推荐蓝鲸智造、青禾生物等6家企业进入南湖AI加速器，对接上下游资源。",
             [("南湖AI加速器", "incubates", "蓝鲸智造"), ("南湖AI加速器", "incubates", "青禾生物")],
             id="incubates-entered-accelerator"),
        case("青山微芯电子科技有限公司入驻星河大学科技园众创空间。",
             [("星河大学科技园众创空间", "incubates", "青山微芯电子科技有限公司")],
             [("青山微芯电子科技有限公司", "locatedIn", "星河大学科技园众创空间")],
             id="incubates-entered-maker-space"),
    ],
    "recruits": [
        case("“海洋牧场”项目在南湖高新区开工。该项目是南湖高新区重点引进的优质项目之一。",
             [("南湖高新区", "recruits", "海洋牧场")],
             id="recruits-anaphor"),
        case("南湖新材料研究院先后引进东岭理工大学物理学院孙立伟教授团队等5个高层次人才团队。",
             [("南湖新材料研究院", "recruits", "东岭理工大学物理学院孙立伟教授团队")],
             id="recruits-team"),
        case("近年来，南湖高新区引进蓝海新材料科技有限公司等一批龙头企业。",
             [(("南湖高新区", "南湖高新区管委会"), "recruits", "蓝海新材料科技有限公司")],
             id="recruits-company"),
        case("星河大学（青山）科技创新研究院已引入青山智航机器人有限公司等12家科技企业。",
             [("星河大学（青山）科技创新研究院", "recruits", "青山智航机器人有限公司")],
             id="recruits-introduce"),
    ],
    "cooperatesWith": [
        case("南湖高新区今年新增高新技术企业40家。联合青山农商银行开展科技金融试点工作。",
             [("南湖高新区", "cooperatesWith", "青山农商银行")],
             id="cooperates-subject-is-the-article-park"),
        case("南湖高新区联姻星河大学、东岭理工大学等知名高校，探索校地合作新模式。",
             [("南湖高新区", "cooperatesWith", "星河大学"), ("南湖高新区", "cooperatesWith", "东岭理工大学")],
             id="cooperates-object-verb-list"),
        case("星河大学与青山市人民政府开展全面战略合作。",
             [("星河大学", "cooperatesWith", "青山市人民政府")],
             id="cooperates-strategic"),
        case("近年来，东岭理工大学与南湖高新区在人才培养、科技成果转化等方面深入合作。",
             [("东岭理工大学", "cooperatesWith", "南湖高新区")],
             id="cooperates-areas"),
        case("蓝海新材料科技有限公司与东岭理工大学开展产学研对接，共同攻关海洋防腐关键技术。",
             [("蓝海新材料科技有限公司", "cooperatesWith", "东岭理工大学")],
             id="cooperates-matchmaking"),
    ],
    "locatedIn": [
        case("去年在南湖高新区挂牌成立的星河大学新材料研究院已孵化企业30家。",
             [("星河大学新材料研究院", "locatedIn", "南湖高新区")],
             id="located-where-it-was-founded"),
        case("青山智航机器人有限公司去年产值翻番。随着越来越多像青山智航机器人有限公司这样的企业快速发展，"
             "南湖高新区智能制造产业规模进一步壮大。",
             [("青山智航机器人有限公司", "locatedIn", "南湖高新区")],
             id="located-firm-given-as-an-example-of-the-parks"),
        case("南湖高新区今年新增高新技术企业50家。其中，青山环境修复科技有限公司斩获优胜奖；"
             "星河光电科技（青山）有限公司斩获二等奖。此次获奖的2家高新区企业，均由东岭大学（青山）科技创新研究院孵化。",
             [("青山环境修复科技有限公司", "locatedIn", "南湖高新区"),
              ("星河光电科技（青山）有限公司", "locatedIn", "南湖高新区")],
             id="located-firms-called-the-zones-firms"),
        case("蓝鲸智造科技有限公司总部迁入南湖高新区。",
             [("蓝鲸智造科技有限公司", "locatedIn", "南湖高新区")],
             id="located-moves-headquarters"),
        case("2024南湖国际科技城开园仪式在南湖高新区举行。",
             [("南湖国际科技城", "locatedIn", "南湖高新区")],
             id="located-park-of-event-held-there"),
        case("南湖高新区今年举办双创活动周。活动现场，南湖创业孵化器、青山众创空间等高新区优质双创载体逐一亮相。",
             [("南湖创业孵化器", "locatedIn", "南湖高新区")],
             id="located-in-the-article-park"),
        case("青山智航机器人有限公司落户南湖高新区。",
             [("青山智航机器人有限公司", "locatedIn", "南湖高新区")],
             id="located-settles"),
        case("青山市高新区管委会与星河大学签约。青山市将加大投入。",
             [("青山市高新区", "locatedIn", "青山市")],
             id="located-by-the-place-the-zone-is-named-after"),
        case("青山市高新区管委会与星河大学签约。",
             [],
             [("青山市高新区", "locatedIn", "青山市")],
             id="located-by-name-only-when-the-place-is-named-on-its-own"),
        case("青山微芯电子科技有限公司于2022年入驻南湖科创园。",
             [("青山微芯电子科技有限公司", "locatedIn", "南湖科创园")],
             id="located-moves-into-park"),
        case("“年产5000吨生物基可降解材料”项目在南湖高新区正式开工。",
             [("年产5000吨生物基可降解材料", "locatedIn", "南湖高新区")],
             id="located-project-starts"),
        case("德国蓝鲸传动集团是全球知名的驱动系统制造商，2023年，该集团亚太总部迁入南湖高新区。",
             [("德国蓝鲸传动集团", "locatedIn", "南湖高新区")],
             id="located-anaphor-named-earlier-in-the-sentence"),
        case("星河新材料股份有限公司是一家特种材料企业。青山智航机器人有限公司成立于2015年，"
             "去年该公司迁入南湖高新区。",
             [("青山智航机器人有限公司", "locatedIn", "南湖高新区")],
             [("星河新材料股份有限公司", "locatedIn", "南湖高新区")],
             id="located-anaphor-is-the-nearest-firm"),
        case("湖州市近年来大力引进高校资源。位于湖州的浙江省职教城进驻高校已达8所。",
             [("浙江省职教城", "locatedIn", "湖州市")],
             id="located-in-a-city-named-without-its-level"),
        case("作为湖州市科技创新主战场，南浔高新区今年新增高新技术企业50家。",
             [("南浔高新区", "locatedIn", "湖州市")],
             id="located-park-as-the-citys-engine"),
        case("湖州市是一个充满活力的城市，南浔高新区则是其中最具发展潜力的地区。",
             [("南浔高新区", "locatedIn", "湖州市")],
             id="located-park-among-the-city"),
        case("湖州市出台人才新政。湖州智慧人才超市总部正式入驻南浔高新区。",
             [],
             [("湖州市", "locatedIn", "南浔高新区")],
             id="located-city-name-opening-an-unknown-name-is-no-subject"),
    ],
    "founded": [
        case("“孵化器为我们提供了一站式服务。”青山云帆智能科技有限公司创始人林晓东说。",
             [("林晓东", "founded", "青山云帆智能科技有限公司"),
              ("林晓东", "affiliatedWith", "青山云帆智能科技有限公司")],
             id="founded-by-the-founder-title"),
        case("青山维智信息科技有限公司成立于2019年。该公司是星河大学（青山）科技创新研究院第二批项目团队创办，"
             "由该校的专家组成。",
             [("星河大学（青山）科技创新研究院", "founded", "青山维智信息科技有限公司")],
             id="founded-by-a-team-of-an-institute"),
        case("青山云图信息技术有限公司是陈晓明于2015年创立的高新技术企业。",
             [("陈晓明", "founded", "青山云图信息技术有限公司")],
             id="founded-copula"),
        case("青山绿源环保科技有限公司由星河大学校友刘富强于2018年创立。",
             [("刘富强", "founded", "青山绿源环保科技有限公司")],
             id="founded-passive"),
        case("2016年，陈晓明博士毕业后回到家乡，创办了青山云图信息技术有限公司。",
             [("陈晓明", "founded", "青山云图信息技术有限公司")],
             id="founded-after-graduation"),
        case("刘志强于2010年创立蓝海新材料科技有限公司，现任公司董事长。",
             [("刘志强", "founded", "蓝海新材料科技有限公司")],
             id="founded-active"),
    ],
    "organizes": [
        case("11月5日，由青山市科学技术局主办、南湖高新区管委会承办的2024青山科技成果转化高峰论坛"
             "在南湖国际会议中心举行。",
             [("青山市科学技术局", "organizes", "2024青山科技成果转化高峰论坛"),
              ("南湖高新区管委会", "organizes", "2024青山科技成果转化高峰论坛")],
             [("南湖国际会议中心", "organizes", "2024青山科技成果转化高峰论坛")],
             id="organizes-not-the-venue"),
        case("近日，由青山高新区管委会、星河信息谷资产管理有限责任公司主办，以“数字驱动产业赋能”为主题的"
             "2023大数据应用（青山）国际创新合作峰会举行。",
             [("青山高新区管委会", "organizes", "2023大数据应用（青山）国际创新合作峰会"),
              ("星河信息谷资产管理有限责任公司", "organizes", "2023大数据应用（青山）国际创新合作峰会")],
             id="organizes-with-a-theme-between"),
        case("2024南湖创新创业论坛于昨日开幕，由南湖高新区管委会、青山市科技局主办。",
             [("南湖高新区管委会", "organizes", "2024南湖创新创业论坛"),
              ("青山市科技局", "organizes", "2024南湖创新创业论坛")],
             id="organizes-by-after-the-event"),
        case("2023年青山市南湖区“双招双引”重点项目集中签约仪式在南湖会展中心举行。",
             [("青山市南湖区", "organizes", "2023年青山市南湖区“双招双引”重点项目集中签约仪式")],
             id="organizes-event-named-after-its-host"),
        case("2023年江苏省产业教授聘任及签约仪式在星河大学举行。",
             [], [("江苏省", "organizes", "2023年江苏省产业教授聘任及签约仪式")],
             id="organizes-not-the-province-an-event-is-named-after"),
        case("南湖高新区管委会联合青山市金融工作局，在南湖863科技园举办上市后备企业融资培训会。",
             [("南湖高新区管委会", "organizes", "上市后备企业融资培训会"),
              ("青山市金融工作局", "organizes", "上市后备企业融资培训会")],
             forbidden=[("南湖863科技园", "organizes", "上市后备企业融资培训会")],
             id="organizes-not-the-venue"),
        case("由青山市科技局主办的“2024青山创新创业大赛”在南湖高新区举行。",
             [("青山市科技局", "organizes", "2024青山创新创业大赛")],
             id="organizes-hosted-by"),
        case("南湖高新区管委会与星河大学联合举办“星河大学科技成果走进南湖”对接会。",
             [("南湖高新区管委会", "organizes", ("星河大学科技成果走进南湖", "星河大学科技成果走进南湖对接会")),
              ("星河大学", "organizes", ("星河大学科技成果走进南湖", "星河大学科技成果走进南湖对接会"))],
             id="organizes-jointly"),
        case("东岭理工大学承办了第五届全国大学生机器人创新设计大赛。",
             [("东岭理工大学", "organizes", "第五届全国大学生机器人创新设计大赛")],
             id="organizes-undertakes"),
    ],
    "participatesIn": [
        case("2024青山科技成果转化高峰论坛在南湖举行。论坛上，星河大学技术转移中心主任马文斌作了题为"
             "《高校成果转化的路径探索》的主旨报告。",
             [("马文斌", "participatesIn", "2024青山科技成果转化高峰论坛")],
             id="participates-speaker-at-the-forum"),
        case("近日，2024年青山国际创业周南湖合作区产学研合作洽谈会在启航大厦举办。"
             "高校专家、企业代表等近120人齐聚一堂。活动现场，南湖产业创新中心揭牌。"
             "该中心由南湖合作区管委会共建。中心将聚焦电子信息、新能源两大产业。"
             "南湖合作区今年出台了引才政策。第一批引才机构正式发布。"
             "此外，6个优质科技项目签约落户。"
             "在项目路演环节，东岭理工大学、星河大学分别带来最新技术成果。",
             [("东岭理工大学", "participatesIn", "2024年青山国际创业周南湖合作区产学研合作洽谈会"),
              ("星河大学", "participatesIn", "2024年青山国际创业周南湖合作区产学研合作洽谈会")],
             id="participates-in-a-part-of-the-event-reported-sentences-later"),
        case("2022年1月，浙江省科学技术厅公布了第五届中国创新创业大赛（浙江赛区）暨第三届“钱江杯”科技创新创业大赛"
             "获奖名单，南湖高新区4家企业斩获优胜奖。其中，青山环境修复科技有限公司斩获节能环保行业初创组优胜奖；"
             "星河光电科技（青山）有限公司斩获高端装备制造行业初创组优胜奖。",
             [("青山环境修复科技有限公司", "participatesIn",
               "第五届中国创新创业大赛（浙江赛区）暨第三届“钱江杯”科技创新创业大赛"),
              ("星河光电科技（青山）有限公司", "participatesIn",
               "第五届中国创新创业大赛（浙江赛区）暨第三届“钱江杯”科技创新创业大赛")],
             id="participates-award-winners-of-the-contest-just-named"),
        case("2023青山国际创新合作峰会在南湖举行。峰会现场，星河信息科技有限公司与蓝海产业集团有限公司"
             "共建“南湖产业金融中心”。",
             [("星河信息科技有限公司", "participatesIn", "2023青山国际创新合作峰会"),
              ("蓝海产业集团有限公司", "participatesIn", "2023青山国际创新合作峰会")],
             id="participates-at-the-summit-site"),
        case("星河信息科技有限公司在会议上表示将加大投入。",
             [], [("星河信息科技有限公司", "participatesIn", "会议")],
             id="participates-needs-an-event"),
        case("南湖创新创业论坛在南湖会议中心开幕。导师代表青山资本合伙人刘晓燕，学员代表蓝鲸智造创始人陈海波分别发表了感言。",
             [("刘晓燕", "participatesIn", "南湖创新创业论坛"), ("陈海波", "participatesIn", "南湖创新创业论坛")],
             id="participates-speakers-at-recent-event"),
        case("由青山市科技局主办的“2024青山创新创业大赛”在南湖高新区举行。"
             "青山市副市长黄建国、星河大学副校长陈晓明等出席活动。",
             [("黄建国", "participatesIn", "2024青山创新创业大赛"),
              ("陈晓明", "participatesIn", "2024青山创新创业大赛")],
             id="participates-attend-list"),
        case("蓝海新材料科技有限公司参加了“2024青山创新创业大赛”并获得一等奖。",
             [("蓝海新材料科技有限公司", "participatesIn", "2024青山创新创业大赛")],
             id="participates-takes-part"),
        case("星河大学副校长陈晓明莅临“星河大学科技成果走进南湖”对接会现场。",
             [("陈晓明", "participatesIn", ("星河大学科技成果走进南湖", "星河大学科技成果走进南湖对接会"))],
             id="participates-visits"),
    ],
    "investsIn": [
        case("“海洋牧场”项目落户南湖高新区。该项目由青山华达化工有限公司投资建设，总投资3亿元。",
             [("青山华达化工有限公司", "investsIn", "海洋牧场")],
             id="invests-passive-anaphor"),
        case("由蓝海新材料科技有限公司投资的青山蓝海新材料产业园占地300亩。",
             [("蓝海新材料科技有限公司", "investsIn", "青山蓝海新材料产业园")],
             id="invests-by"),
        case("青山创新投资基金向青山微芯电子科技有限公司投资2000万元。",
             [("青山创新投资基金", "investsIn", "青山微芯电子科技有限公司")],
             id="invests-fund"),
        case("蓝海新材料科技有限公司计划投资5亿元建设青山蓝海新材料产业园。",
             [("蓝海新材料科技有限公司", "investsIn", "青山蓝海新材料产业园")],
             id="invests-builds"),
        case("青山工业投资控股集团有限公司与南湖开发区投资集团有限公司签署合作协议。"
             "双方计划投资约20亿元搭建南湖绿色化工产业园。",
             [("青山工业投资控股集团有限公司", "investsIn", "南湖绿色化工产业园"),
              ("南湖开发区投资集团有限公司", "investsIn", "南湖绿色化工产业园")],
             id="invests-both-parties"),
        case("青山工业投资控股集团有限公司与南湖开发区投资集团有限公司签署战略合作框架协议。"
             "双方将为青山市、南湖开发区的制造业升级提供数字化赋能。"
             "双方将合作建设南湖智能装备产业园。"
             "在绿色经济方面，双方计划投资约20亿元搭建南湖绿色化工数字交易园。",
             [("青山工业投资控股集团有限公司", "investsIn", "南湖绿色化工数字交易园"),
              ("南湖开发区投资集团有限公司", "investsIn", "南湖绿色化工数字交易园"),
              ("青山工业投资控股集团有限公司", "builds", "南湖智能装备产业园"),
              ("南湖开发区投资集团有限公司", "builds", "南湖智能装备产业园")],
             [("南湖智能装备产业园", "investsIn", "南湖绿色化工数字交易园"),
              ("南湖智能装备产业园", "builds", "南湖绿色化工数字交易园"),
              ("南湖开发区", "investsIn", "南湖绿色化工数字交易园")],
             id="invests-both-parties-of-the-agreement"),
        case("此次开工的星河芯片基地项目，总投资50亿元，由全球癌症早筛领域领军企业远帆生物投资兴建。",
             [("远帆生物", "investsIn", "星河芯片基地项目")],
             id="invests-described-brand"),
        case("南湖科技金融服务平台近日上线。青山海工智能装备产业化项目一期占地120亩，已列入江苏省重大产业项目、江苏省重大外资项目。"
             "该项目由蓝海新材料科技有限公司投资建设。",
             [("蓝海新材料科技有限公司", "investsIn", "青山海工智能装备产业化项目")],
             [("蓝海新材料科技有限公司", "investsIn", "江苏省重大外资项目"),
              ("蓝海新材料科技有限公司", "builds", "南湖科技金融服务平台")],
             id="invests-project-named-before-its-listing"),
    ],
    "educatedAt": [
        case("陈晓明现任蓝海新材料科技有限公司总经理。他是东岭理工大学材料学硕士。",
             [("陈晓明", "educatedAt", "东岭理工大学")],
             id="educated-pronoun"),
        case("刘富强毕业于星河大学材料科学与工程专业。",
             [("刘富强", "educatedAt", "星河大学")],
             id="educated-graduated"),
        case("陈晓明博士毕业于东岭理工大学，现任星河大学教授。",
             [("陈晓明", "educatedAt", "东岭理工大学")],
             forbidden=[("陈晓明", "educatedAt", "星河大学")],
             id="educated-doctorate"),
        case("作为星河大学校友，蓝海新材料科技有限公司董事长刘志强一直关注母校发展。",
             [("刘志强", "educatedAt", "星河大学")],
             id="educated-alumnus"),
    ],
    "supports": [
        case("此次签约的项目包括青山微芯电子科技有限公司、蓝海新材料科技有限公司等一批行业领军企业。"
             "通过此次签约，杭州市西湖区将与企业加强深度合作，在研发中心等建设方面提供产业空间支持。",
             [("杭州市西湖区", "supports", "青山微芯电子科技有限公司"),
              ("杭州市西湖区", "supports", "蓝海新材料科技有限公司")],
             id="supports-promised-to-the-firms-just-listed"),
        case("青山微芯电子科技有限公司今年营收增长三成。杭州市西湖区将为人才提供住房支持。",
             [],
             [("杭州市西湖区", "supports", "青山微芯电子科技有限公司")],
             id="supports-promise-to-others-is-not-to-the-firm"),
        case("在青山市科技局的支持下，星河大学（青山）科技创新研究院建成了3个公共技术服务平台。",
             [("青山市科技局", "supports", "星河大学（青山）科技创新研究院")],
             id="supports-with-support-of"),
        case("南湖高新区管委会每年安排1000万元专项资金扶持南湖新材料研究院发展。",
             [("南湖高新区管委会", "supports", "南湖新材料研究院")],
             id="supports-funds"),
        case("星河大学校长周明远感谢蓝海集团对星河大学研究院建设的关心和支持。",
             [("蓝海集团", "supports", "星河大学研究院")],
             [("星河大学", "supports", "星河大学研究院")],
             id="supports-thanked-for"),
        case("星河大学与青山市人民政府签署合作协议。校长李一凡感谢青山市人民政府对学校发展的关心和支持。",
             [("青山市人民政府", "supports", "星河大学")],
             id="supports-thanked-for-by-the-article-s-own-institution"),
        case("青山市科技局资助南湖新材料研究院开展海洋防腐关键技术攻关。",
             [("青山市科技局", "supports", "南湖新材料研究院")],
             id="supports-grant"),
    ],
}


def test_every_predicate_has_cases():
    assert set(CASES) == set(PREDICATES)
    assert all(len(cases) >= 2 for cases in CASES.values())


@pytest.mark.parametrize("text, expected, forbidden",
                         [c for cases in CASES.values() for c in cases])
def test_predicate(extract_text, text, expected, forbidden):
    check(extract_text(text), expected, forbidden)


# --- n-ary statements -----------------------------------------------------------

def test_three_parties_co_build_give_three_builds(extract_text):
    result = extract_text("2023年5月，由星河大学、青山市科技局、蓝海新材料科技有限公司三方合作共建"
                          "星河大学青山新材料研究院。")
    check(result, [("星河大学", "builds", "星河大学青山新材料研究院"),
                   ("青山市科技局", "builds", "星河大学青山新材料研究院"),
                   ("蓝海新材料科技有限公司", "builds", "星河大学青山新材料研究院")])


def test_three_parties_co_build_with_and(extract_text):
    result = extract_text("该平台由东岭理工大学、南湖高新区管委会和青山华达化工有限公司三方合作共建"
                          "南湖海洋材料中试基地。")
    check(result, [("东岭理工大学", "builds", "南湖海洋材料中试基地"),
                   ("南湖高新区管委会", "builds", "南湖海洋材料中试基地"),
                   ("青山华达化工有限公司", "builds", "南湖海洋材料中试基地")])


def test_appointees_separated_by_commas_each_get_appointed(extract_text):
    result = extract_text("会上，王立新，陈晓明，李秀英获聘南湖高新区产业发展顾问。")
    check(result, [(p, "appointedAs", "南湖高新区产业发展顾问") for p in ("王立新", "陈晓明", "李秀英")]
          + [("南湖高新区产业发展顾问", "roleOf", "南湖高新区")])


def test_appointees_with_their_posts_each_get_appointed_and_affiliated(extract_text):
    result = extract_text("仪式上，星河大学科技处处长王立新，东岭理工大学化学学院副院长陈晓明，"
                          "蓝海新材料科技有限公司总经理刘志强获聘青山市招才引智大使。")
    check(result, [
        ("王立新", "appointedAs", "青山市招才引智大使"),
        ("陈晓明", "appointedAs", "青山市招才引智大使"),
        ("刘志强", "appointedAs", "青山市招才引智大使"),
        ("王立新", "affiliatedWith", ("星河大学科技处", "星河大学"), "处长"),
        ("陈晓明", "affiliatedWith", "东岭理工大学化学学院", "副院长"),
        ("刘志强", "affiliatedWith", "蓝海新材料科技有限公司", "总经理"),
    ])


def test_person_organisation_title_apposition_gives_affiliation_with_title(extract_text):
    result = extract_text("东岭理工大学化学学院院长、教授王立新介绍了学院的科研成果。")
    hits = _find(result, "王立新", "affiliatedWith", ("东岭理工大学化学学院", "东岭理工大学"))
    assert hits, _show(result)
    assert any(r["title"] and "院长" in r["title"] for r in hits), _show(result)


def test_signing_with_its_project_gives_signs_with_and_has_project(extract_text):
    result = extract_text("签约仪式上，东岭理工大学王立新教授团队与蓝海新材料科技有限公司签约"
                          "“海洋防腐涂料关键技术研发”项目。")
    check(result, [
        ("东岭理工大学王立新教授团队", "signsWith", "蓝海新材料科技有限公司"),
        ("东岭理工大学王立新教授团队", "hasProject", "海洋防腐涂料关键技术研发"),
        ("王立新", "leads", "东岭理工大学王立新教授团队"),
    ])


def test_one_relation_per_document_even_when_repeated(extract_text):
    text = ("青山智航机器人有限公司落户南湖高新区。" * 3)
    result = extract_text(text)
    hits = _find(result, "青山智航机器人有限公司", "locatedIn", "南湖高新区")
    assert len(hits) == 1


# --- provenance -------------------------------------------------------------------

PROVENANCE_DOC = (
    "校地携手共促发展\n"
    "2023年5月，由星河大学、青山市科技局、蓝海新材料科技有限公司三方合作共建星河大学青山新材料研究院。"
    "星河大学材料科学与工程学院副院长张建华表示，研究院将聚焦可降解材料。\n"
    "活动中，星河大学材料学院陈晓明教授团队与青山华达化工有限公司签约“高性能锂电池隔膜材料产业化”项目。"
    "在青山市科技局的支持下，青山智航机器人有限公司落户南湖高新区。"
)


@pytest.mark.parametrize("variant", ["plain", "traditional", "pdf-wrapped"])
def test_every_relation_carries_its_provenance(extract_text, variant):
    from kg.extraction.cleaning import normalise

    raw = PROVENANCE_DOC
    if variant == "traditional":
        import opencc

        raw = opencc.OpenCC("s2t").convert(raw)
    elif variant == "pdf-wrapped":
        lines = []
        for paragraph in raw.split("\n"):
            lines.extend(paragraph[i:i + 19] for i in range(0, len(paragraph), 19))
        raw = "\n\n".join(lines)
    result = extract_text(raw, doc="provenance.txt")
    text = result["document"]["text"]
    assert text == normalise(raw)[0]
    assert len(result["relations"]) >= 8
    for rel in result["relations"]:
        assert rel["doc"] == "provenance.txt"
        assert rel["doc_id"] == "f" * 16
        assert rel["predicate"] in PREDICATES
        assert isinstance(rel["start"], int) and isinstance(rel["end"], int)
        assert 0 <= rel["start"] < rel["end"] <= len(text)
        assert text[rel["start"]:rel["end"]] == rel["evidence"]
        assert isinstance(rel["trigger"], str) and rel["trigger"]
        assert isinstance(rel["confidence"], float) and 0 < rel["confidence"] <= 1
        assert rel["extractor"].startswith("kg-rules/")
        # both ends are named in the sentence (by name or an alias)
        names = {e["name"]: e for e in result["entities"]}
        for end in (rel["subject"], rel["object"]):
            forms = [end, *names.get(end, {}).get("aliases", [])]
            assert any(f in rel["evidence"] for f in forms), (end, rel["evidence"])
    check(result, [("张建华", "affiliatedWith", "星河大学材料科学与工程学院", "副院长"),
                   ("星河大学材料学院陈晓明教授团队", "signsWith", "青山华达化工有限公司"),
                   ("青山智航机器人有限公司", "locatedIn", "南湖高新区")])


def test_evidence_is_one_whole_sentence_without_surrounding_space(extract_text):
    from kg.extraction.cleaning import split_sentences

    result = extract_text(PROVENANCE_DOC)
    text = result["document"]["text"]
    sentences = split_sentences(text)
    assert result["relations"]
    for rel in result["relations"]:
        assert rel["evidence"] == rel["evidence"].strip(), repr(rel["evidence"])
        assert (rel["start"], rel["end"]) in sentences, (rel["start"], rel["end"], rel["evidence"])


def test_traditional_document_keeps_the_original_at_the_same_offsets(extract_text):
    import opencc

    from kg.extraction.cleaning import to_simplified

    raw = opencc.OpenCC("s2t").convert(PROVENANCE_DOC)
    result = extract_text(raw)
    original = result["document"]["original"]
    assert "星河大學" in original
    for rel in result["relations"]:
        surface = original[rel["start"]:rel["end"]]
        assert to_simplified(surface) == rel["evidence"]


def test_part_of_by_name_across_the_article_but_not_of_a_bare_place():
    from kg.extraction.relation_rules import part_of_by_name

    ents = [{"name": "星河大学", "type": "University", "aliases": []},
            {"name": "青山市", "type": "Government", "aliases": []},
            {"name": "青山市委", "type": "Government", "aliases": []}]
    def mention(name, etype):
        return {"start": 0, "end": len(name), "name": name, "type": etype, "text": name}
    sentences = [(0, "甲。", [mention("星河大学海洋研究院", "ResearchInstitute")]),
                 (10, "乙。", [mention("青山市政府", "Government"), mention("青山市委宣传部", "Government")]),
                 (20, "丙。", [mention("星河大学与青山市签约仪式", "Event")])]
    found = {(r["subject"], r["object"]) for r in part_of_by_name(sentences, ents)}
    assert found == {("星河大学海洋研究院", "星河大学"), ("青山市委宣传部", "青山市委")}


def test_doctests_of_the_records_and_the_rules():
    import doctest

    import kg.extraction.coreference
    import kg.extraction.name_rules
    import kg.extraction.relation_rules
    import kg.records

    for module in (kg.records, kg.extraction.coreference, kg.extraction.name_rules,
                   kg.extraction.relation_rules):
        assert doctest.testmod(module).failed == 0, module.__name__
