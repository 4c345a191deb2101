"""General place-detection and region rules, each on a short string."""

from __future__ import annotations

from ._helpers import mentions


def _regions(text: str) -> list[str | None]:
    return [m["region"] for m in mentions(text)]


def test_common_noun_ending_in_qu_is_no_place() -> None:
    # 聚居区 (聚居 is a verb) and 核心区 (核心 an everyday noun) are kinds of area, not districts.
    text = "本报讯 雁塔区推进治理。\n\n把服务与产业工人聚居区治理结合起来,全区建成驿站12个。"
    assert _regions(text) == ["雁塔区"]
    text = "本报讯 雁塔区推进治理。\n\n在核心区,全区建成驿站12个。"
    assert _regions(text) == ["雁塔区"]


def test_district_name_ending_in_a_generic_tail_is_a_place() -> None:
    # 禅城区 ends in 城区, but one name character in front makes a name (unlike 老城区, 中心城区).
    assert _regions("禅城区:物业企业建起党组织\n\n辖内共有住宅小区1182个。") == ["禅城区"]
    assert _regions("本报讯 禅城区是佛山中心城区,辖内共有住宅小区1182个。") == ["禅城区"]


def test_town_turned_street_keeps_its_full_name() -> None:
    assert _regions("本报讯 禅城区推进治理。\n\n石湾镇街道则组建志愿队伍12支。") == ["石湾镇街道"]


def test_party_prefix_is_not_part_of_the_place() -> None:
    assert _regions("中共肥西县委组织部工作总结\n\n全县共有基层党组织1046个。") == ["肥西县"]
