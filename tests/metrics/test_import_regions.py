"""import_regions and its admin action: a district's real subtree from the national gazetteer, idempotently."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from metrics.services import region_gazetteer, region_import_subtree
from portal.models import AuditEvent
from regions.models import Region
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:regions_region_changelist"


@pytest.fixture(scope="module")
def gazetteer():
    return region_gazetteer()


def _zhongyuan(gazetteer) -> dict[str, list[str]]:
    """The gazetteer's streets of 中原区 and their communities, by name."""
    district = gazetteer.find("郑州市中原区")
    return {
        gazetteer.name_of(s): [gazetteer.name_of(c) for c in gazetteer.children(s)]
        for s in gazetteer.children(district)
    }


def _import(*args: str) -> str:
    # The command speaks the default language (Chinese), whatever an earlier test left active.
    out = StringIO()
    with translation.override("zh-hans"):
        call_command("import_regions", *args, stdout=out)
    return out.getvalue().strip()


def _snapshot() -> list[tuple]:
    return list(Region.objects.order_by("pk").values_list("pk", "name", "code", "level", "parent_id", "path"))


def test_import_regions_builds_the_district_its_streets_and_communities(gazetteer):
    expected = _zhongyuan(gazetteer)
    communities = sum(len(c) for c in expected.values())

    line = _import("郑州市中原区")

    district = Region.objects.get(name="中原区")
    assert (district.level, district.code) == (Region.Level.DISTRICT, "410102")
    assert (district.parent.name, district.parent.code, district.parent.parent) == ("郑州市", "410100", None)
    streets = {s.name: s for s in district.children.all()}
    assert len(streets) == 14 and set(streets) == set(expected)
    assert {s.level for s in streets.values()} == {Region.Level.STREET}
    for name, street in streets.items():
        assert sorted(street.children.values_list("name", flat=True)) == sorted(expected[name])
    assert Region.objects.filter(level=Region.Level.COMMUNITY).count() == communities
    # The gazetteer has 区划代码 down to the district only; nothing below is given a made-up one.
    assert not Region.objects.filter(level__in=["street", "community"]).exclude(code="").exists()
    assert district.descendants().count() == 1 + 14 + communities
    assert line == f"中原区: 1 city, 1 district, 14 streets, {communities} communities created, 0 kept"
    event = AuditEvent.objects.get(action="region_import")
    assert event.user is None and event.detail["created"]["street"] == 14


def test_import_regions_a_second_run_changes_nothing(gazetteer):
    _import("郑州市中原区")
    before = _snapshot()
    events = AuditEvent.objects.count()

    line = _import("410102")  # the same district by its 区划代码

    assert _snapshot() == before
    assert AuditEvent.objects.count() == events  # nothing changed, nothing to audit
    assert line == f"中原区: 0 streets, 0 communities created, {len(before)} kept"


def test_import_regions_keeps_and_matches_existing_rows(gazetteer):
    city = RegionFactory(name="郑州市", level=Region.Level.CITY)
    district = RegionFactory(name="中原区", level=Region.Level.DISTRICT, parent=city, aliases="郑州市中原区")
    tongbai = RegionFactory(name="桐柏路街道", level=Region.Level.STREET, parent=district, aliases="桐柏路街道办事处")
    demo = {
        name: RegionFactory(name=name, level=Region.Level.COMMUNITY, parent=tongbai)
        for name in ("西站东社区", "桐柏社区", "工人新村社区")  # the demo's; only 西站东社区 is in the gazetteer
    }
    expected = _zhongyuan(gazetteer)

    line = _import("郑州市中原区")

    assert Region.objects.filter(name="中原区").count() == 1 and Region.objects.filter(name="郑州市").count() == 1
    district.refresh_from_db()
    city.refresh_from_db()
    assert (city.code, district.code, district.aliases) == ("410100", "410102", "郑州市中原区")  # codes filled in
    assert Region.objects.filter(name="桐柏路街道").count() == 1
    tongbai.refresh_from_db()
    assert tongbai.parent == district and tongbai.aliases == "桐柏路街道办事处"
    children = list(tongbai.children.values_list("name", flat=True))
    assert len(children) == len(set(children)), "a community was created twice"
    assert set(children) == set(expected["桐柏路街道"]) | {"桐柏社区", "工人新村社区"}
    assert {r.pk for r in tongbai.children.filter(name__in=demo)} == {r.pk for r in demo.values()}
    assert district.children.count() == 14
    kept = 1 + 1  # 桐柏路街道 and 西站东社区; 郑州市 and 中原区 gained their codes
    assert line.endswith(f"{kept} kept, 2 codes filled in") and "13 streets" in line


def test_import_regions_matches_the_district_by_code_before_name():
    city = RegionFactory(name="郑州市", level=Region.Level.CITY, code="410100")
    renamed = RegionFactory(name="中原区（老城）", level=Region.Level.DISTRICT, parent=city, code="410102")

    _import("中原区", "--depth", "street")

    renamed.refresh_from_db()
    assert renamed.name == "中原区（老城）"  # never renamed
    assert not Region.objects.filter(name="中原区").exists()
    assert renamed.children.count() == 14


def test_import_regions_depth_street_creates_no_communities():
    line = _import("郑州市中原区", "--depth", "street")

    assert Region.objects.get(name="中原区").children.count() == 14
    assert not Region.objects.filter(level=Region.Level.COMMUNITY).exists()
    assert line == "中原区: 1 city, 1 district, 14 streets, 0 communities created, 0 kept"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("不存在区", "全国行政区划中没有“不存在区”"),
        ("城关镇", "有多处同名"),  # hundreds of them: the command will not guess
        ("河南省", "只能导入市、区/县或街道/乡镇的下级区域：河南省"),
    ],
)
def test_import_regions_fails_clearly_when_the_name_is_unknown(name, message):
    with pytest.raises(CommandError, match=message):
        _import(name)
    assert not Region.objects.exists()


def test_import_regions_fails_clearly_without_the_gazetteer(monkeypatch):
    from extraction.gazetteer import Gazetteer

    monkeypatch.setattr(Gazetteer, "load", classmethod(lambda cls: None))  # the data package is not installed
    with pytest.raises(CommandError, match="未安装全国行政区划数据"):
        _import("郑州市中原区")


def test_streets_run_by_a_demonstration_zone_are_not_created_twice(world, gazetteer):
    # 文昌街道 is listed under 川汇区 in the gazetteer, but the city's 示范区 (no division) administers it.
    division = gazetteer.division(gazetteer.find("周口市川汇区"))

    result = region_import_subtree(division=division, depth=Region.Level.STREET)

    assert result.skipped == ["文昌街道"]
    assert list(Region.objects.filter(name="文昌街道")) == [world.street_b]
    assert world.district_b.descendants().count() == 3  # 示范区, 文昌街道, 景园社区: untouched
    streets = set(world.district_a.children.values_list("name", flat=True))
    assert {"金海路街道", "小桥街道", "李埠口乡"} <= streets and "文昌街道" not in streets
    assert result.created[Region.Level.STREET] == len(gazetteer.children(division.index)) - 2  # 金海路 kept


def test_the_service_refuses_a_user_outside_the_district(world, admin_b, gazetteer):
    division = gazetteer.division(gazetteer.find("周口市川汇区"))
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        region_import_subtree(division=division, parent=world.city, user=admin_b)
    assert _snapshot() == before


# --- The admin action -------------------------------------------------------------------------


def _run_action(client, *regions: Region):
    return client.post(
        reverse(CHANGELIST),
        {"action": "import_from_gazetteer", "_selected_action": [r.pk for r in regions]},
        follow=True,
    )


def test_district_admin_imports_their_district_from_the_admin(world, admin_a, client_for):
    changelist = client_for(admin_a).get(reverse(CHANGELIST)).content.decode()
    assert "从全国行政区划导入下级区域" in changelist

    response = _run_action(client_for(admin_a), world.district_a)

    assert response.status_code == 200
    page = response.content.decode()
    assert "川汇区：新建街道/乡镇 10 个" in page and "文昌街道" in page  # 10 new, 金海路 kept, 文昌 skipped
    streets = set(world.district_a.children.values_list("name", flat=True))
    assert len(streets) == 11 and "文昌街道" not in streets
    assert Region.objects.filter(parent__parent=world.district_a, level=Region.Level.COMMUNITY).count() > 100
    assert world.street_a.children.filter(name="朱庄社区").count() == 1  # matched, not duplicated
    assert world.district_b.descendants().count() == 3
    event = AuditEvent.objects.get(action="region_import")
    assert event.user == admin_a and event.target == "川汇区"
    # Running it again from the admin changes nothing either.
    before = _snapshot()
    _run_action(client_for(admin_a), world.district_a)
    assert _snapshot() == before


def test_district_admin_imports_one_streets_communities(world, admin_a, client_for, gazetteer):
    # 金海路街道 has no code: it is found by name under 川汇区's row.
    jinhai = gazetteer.division(gazetteer.find("周口市川汇区金海路街道"))
    expected = {gazetteer.name_of(c) for c in gazetteer.children(jinhai.index)}

    _run_action(client_for(admin_a), world.street_a)

    assert set(world.street_a.children.values_list("name", flat=True)) == expected | {"朱庄社区"}
    assert world.street_a.children.filter(name="朱庄社区").get() == world.community_a
    assert list(world.district_a.children.all()) == [world.street_a]  # nothing beside or above it


def test_another_districts_admin_cannot_import_there(world, admin_b, client_for):
    before = _snapshot()
    response = _run_action(client_for(admin_b), world.district_a)

    assert response.status_code == 404
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(action="region_import").exists()


def test_a_selection_reaching_outside_the_district_imports_nothing(world, admin_b, client_for):
    before = _snapshot()
    response = _run_action(client_for(admin_b), world.district_b, world.district_a)

    assert response.status_code == 404
    assert _snapshot() == before


def test_a_viewer_cannot_import_from_the_admin(world, viewer_a, client_for):
    before = _snapshot()
    response = client_for(viewer_a).post(
        reverse(CHANGELIST), {"action": "import_from_gazetteer", "_selected_action": [world.district_a.pk]}
    )

    assert response.status_code == 302 and "/login/" in response["Location"]  # no admin site at all
    assert _snapshot() == before


def test_the_admin_says_so_for_a_zone_the_gazetteer_does_not_know(world, admin_b, client_for):
    response = _run_action(client_for(admin_b), world.district_b)

    assert "全国行政区划中没有“周口市城乡一体化示范区”" in response.content.decode()
    assert world.district_b.descendants().count() == 3
