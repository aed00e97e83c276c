"""The place lexicon (kg/data/place_levels.tsv) drives every pattern about
administrative levels: the shipped file gives the patterns the rules use,
and a level added to the data (旗, an invented 自治旗) shows up in each of
them. Invented place names only."""

from __future__ import annotations

import pytest

from kg.extraction import coreference, name_rules, relation_rules
from kg.extraction.lexicon import _lines
from kg.extraction.place_levels import build, load

BANNER = "旗\t旗长\tgovernment bare post prefix encloses"


def shipped():
    return _lines("place_levels.tsv")


def test_the_rules_use_the_patterns_built_from_the_file():
    places = load()
    assert relation_rules.PLACE_PREFIX is places.place_prefix
    assert relation_rules.HEAD_TITLE is places.head_title
    assert relation_rules.COMMITTEE is places.committee
    assert relation_rules.BARE_BODY is places.bare_body
    assert relation_rules.PLACE_TITLE is places.place_title
    assert relation_rules.NAME_PLACE is places.name_place
    assert relation_rules.PLACE_ENDINGS is places.place_endings
    assert name_rules.DEICTIC_BODY is places.deictic_body
    assert coreference._GENERIC_PLACE is places.generic_place
    assert coreference._PLACE is places.document_place


def test_shipped_patterns_read_invented_names():
    places = load()
    assert places.place_prefix.match("云岭县卫健局").group(1) == "云岭县"
    assert places.place_prefix.match("澄湖经济技术开发区管委会").group(1) == "澄湖经济技术开发区"
    assert places.document_place.match("翠屏自治州科技局").group(1) == "翠屏自治州"
    head = places.head_title.match("常务副县长")
    assert head and places.head_level[head.group("head")] == "县"
    assert not places.head_title.match("县委书记")
    assert places.committee.search("云岭市党委").start() == 3
    bare = places.bare_body.search("县政府")
    assert (bare.group("level"), bare.group("body")) == ("县", "政府")
    assert not places.bare_body.search("镇政府")                  # 镇 has no role `bare`
    assert places.deictic_body.match("市政府与星河大学签约仪式")
    assert places.place_title.match("副州长") and not places.place_title.match("乡长")
    assert places.name_place.match("云岭市高新区").group(1) == "云岭市"
    assert places.generic_place.match("市科技局").groups() == ("市", "科技局")
    assert not places.generic_place.match("市场监管")
    assert "乡" in places.place_endings and "自治州" not in places.place_endings
    assert places.governments == ("人民政府", "政府")


def test_a_level_added_to_the_data_shows_up_in_every_pattern():
    without = load()
    places = build(shipped() + [BANNER])
    assert not without.head_title.match("副旗长")
    assert places.head_level[places.head_title.match("副旗长").group("head")] == "旗"
    assert places.committee.search("银杉旗委").start() == 3
    assert places.bare_body.search("旗人民政府").group("level") == "旗"
    assert places.deictic_body.match("旗委与星河大学座谈会")
    assert places.place_title.match("旗长")
    assert places.place_prefix.match("银杉旗科技局").group(1) == "银杉旗"
    assert places.document_place.match("银杉旗科技局").group(1) == "银杉旗"
    assert places.name_place.match("银杉旗高新区").group(1) == "银杉旗"
    assert places.generic_place.match("旗科技局").groups() == ("旗", "科技局")
    assert "旗" in places.place_endings


def test_a_level_of_several_characters_is_one_line_too():
    places = build(shipped() + ["自治旗\t-\tgovernment prefix"])
    assert places.committee.search("银杉自治旗委").start() == 5
    assert places.generic_place.match("自治旗科技局").groups() == ("自治旗", "科技局")
    assert places.document_place.match("银杉自治旗科技局").group(1) == "银杉自治旗"


def test_a_level_dropped_from_the_data_is_gone():
    places = build([line for line in shipped() if not line.startswith("乡\t")])
    assert not places.head_title.match("乡长")
    assert not places.committee.search("云岭乡委")
    assert "乡" not in places.place_endings


def test_bodies_come_from_the_keyed_lines():
    lines = [line if not line.startswith("@government") else "@government\t人民政府 政府 行署"
             for line in shipped()]
    places = build(lines)
    assert places.governments == ("人民政府", "政府", "行署")
    assert places.bare_body.search("市行署").group("body") == "行署"


@pytest.mark.parametrize("line", ["旗\t旗长\tgovernment capital", "@mayor\t长"])
def test_an_unknown_role_or_key_is_an_error_naming_it(line):
    with pytest.raises(ValueError, match="capital|@mayor"):
        build(shipped() + [line])


def test_doctests():
    import doctest

    import kg.extraction.place_levels

    assert doctest.testmod(kg.extraction.place_levels).failed == 0


def test_provinces_end_with_the_levels_of_role_province():
    assert load().province_endings == ("省", "自治区")
    assert relation_rules._province("云岭省") and relation_rules._province("澄湖自治区")
    assert not relation_rules._province("云岭市") and not relation_rules._province("澄湖自治州")
    places = build(shipped() + ["特别行政区\t-\tprefix province"])
    assert places.province_endings == ("省", "自治区", "特别行政区")
    assert "自治区" not in build([l for l in shipped() if not l.startswith("自治区\t")]).province_endings


def test_known_places_take_the_levels_of_the_keyed_line_in_its_order():
    places = load()
    assert places.known_place_levels == ("市", "省")
    assert [m.group() for m in places.known_place_level.finditer("云岭市与澄湖省")] == ["市", "省"]
    with_banner = build(shipped() + [BANNER, "@known_place_levels\t旗 市 省"])
    assert with_banner.known_place_levels == ("旗", "市", "省")
    assert with_banner.known_place_level.search("银杉旗委").group() == "旗"
    assert not build(shipped() + ["@known_place_levels"]).known_place_level.search("云岭市")


def test_a_known_place_level_must_be_a_level():
    with pytest.raises(ValueError, match="@known_place_levels names 旗"):
        build(shipped() + ["@known_place_levels\t市 旗"])


def test_find_places_and_place_forms_follow_the_known_place_levels(monkeypatch):
    from kg.extraction import lexicon

    place = "云岭"
    monkeypatch.setattr(name_rules, "_admin_places", lambda: frozenset({place}))
    found = [m["name"] for m in name_rules.find_places("云岭市与云岭省举行签约仪式", [])]
    assert found == ["云岭市", "云岭省"]
    assert name_rules.find_places("云岭旗举行签约仪式", []) == []
    banner = build(shipped() + [BANNER, "@known_place_levels\t市 省 旗"])
    monkeypatch.setattr(name_rules, "place_levels", lambda: banner)
    found = [m["name"] for m in name_rules.find_places("云岭旗举行签约仪式", [])]
    assert found == ["云岭旗"]
    name_rules._place_forms.cache_clear()
    try:
        some = sorted(lexicon.load().places)[0]
        assert {some, some + "市", some + "省", some + "旗"} <= name_rules._place_forms()[0]
    finally:
        name_rules._place_forms.cache_clear()


def test_a_bare_place_folds_into_the_first_known_place_level_named():
    from kg.extraction import resolution

    def entities():
        return {name: {"type": "Government", "source": "place", "aliases": []}
                for name in ("云岭", "云岭省", "云岭市")}

    named = entities()
    assert resolution._bare_places(named) == {"云岭": "云岭市"} and named["云岭市"]["aliases"] == ["云岭"]


def test_districts_and_bracketed_places_follow_their_roles():
    places = load()
    assert name_rules._DISTRICT is places.subdivision
    assert name_rules.TRAILING_PLACE is places.bracketed_place
    assert places.subdivision.match("澄湖区举行") and places.subdivision.match("澄湖县")
    assert not places.subdivision.match("澄湖市") and not places.subdivision.match("澄湖镇")
    for name in ("(澄湖区)", "（云岭市）", "(云岭县)"):
        assert places.bracketed_place.match(name)
    assert not places.bracketed_place.match("(云岭镇)") and not places.bracketed_place.match("(云岭省)")
    banner = build(shipped() + ["旗\t旗长\tgovernment subdivision bracketed", "自治旗\t-\tsubdivision bracketed"])
    assert banner.subdivision.match("银杉旗") and banner.subdivision.match("银杉自治旗")
    assert banner.bracketed_place.match("(银杉旗)") and banner.bracketed_place.match("（银杉自治旗）")


def test_find_places_joins_a_district_of_role_subdivision(monkeypatch):
    monkeypatch.setattr(name_rules, "_admin_places", lambda: frozenset({"云岭"}))
    assert [m["name"] for m in name_rules.find_places("云岭市澄湖区举行签约仪式", [])] == ["云岭市澄湖区"]
    assert [m["name"] for m in name_rules.find_places("云岭市澄湖镇举行签约仪式", [])] == ["云岭市"]
    banner = build(shipped() + ["旗\t旗长\tgovernment subdivision"])
    monkeypatch.setattr(name_rules, "_DISTRICT", banner.subdivision)
    assert [m["name"] for m in name_rules.find_places("云岭市银杉旗举行签约仪式", [])] == ["云岭市银杉旗"]


def _body(level, committee, *names):
    ctx = relation_rules.Context(names={name: "Government" for name in names})
    body = relation_rules._body_of_level(level, committee, ctx)
    return body and body["name"]


def test_a_body_of_a_level_skips_the_names_of_the_keyed_line_not_a_place():
    assert load().not_places == ("新区", "园区", "社区", "校区")
    assert _body("区", False, "云岭区") == "云岭区"
    for not_a_district in ("云岭新区", "云岭园区", "云岭社区", "云岭校区"):
        assert _body("区", False, "澄湖区", not_a_district) == "澄湖区"
    assert _body("区", False, "澄湖区", "云岭开发区") is None      # two 区: none chosen
    assert _body("区", False, "云岭新区人民政府") == "云岭新区人民政府"  # only a bare place is skipped
    assert build(shipped() + ["@not_a_place\t新区"]).not_places == ("新区",)


def test_a_body_of_a_level_has_two_characters_before_its_level():
    assert _body("县", False, "云县") is None and _body("县", True, "云县委") is None
    assert _body("县", True, "云岭县委") == "云岭县委"
    assert _body("县", False, "云岭县政府") == "云岭县政府"
    assert _body("自治旗", False, "银杉自治旗") == "银杉自治旗"      # a level of several characters
    assert _body("自治旗", False, "杉自治旗") is None
