"""The demo loader builds the real places of the sample reports, and running it again changes nothing."""

from datetime import date

import pytest

from metrics.demo import DEMO_PASSWORD
from metrics.models import DataValue, MonthlyReturn
from regions.models import Organisation, Region, StarRating
from reports.demo import load_demo


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_realistic(django_user_model):
    today = date(2026, 11, 25)
    rows = load_demo(today=today)
    counts = (
        Region.objects.count(),
        DataValue.objects.count(),
        MonthlyReturn.objects.count(),
        Organisation.objects.count(),
        StarRating.objects.count(),
    )
    load_demo(today=today)
    assert counts == (
        Region.objects.count(),
        DataValue.objects.count(),
        MonthlyReturn.objects.count(),
        Organisation.objects.count(),
        StarRating.objects.count(),
    )

    # Two different 城乡一体化示范区, kept apart by their cities.
    zones = Region.objects.filter(name="城乡一体化示范区")
    assert {z.display_name for z in zones} == {"周口市城乡一体化示范区", "鹤壁市城乡一体化示范区"}
    chuanhui = Region.objects.get(name="川汇区")
    assert {"金海路街道", "小乔街道", "陈州街道", "城北街道", "七一路街道", "城南街道", "人和街道"} <= set(
        chuanhui.children.values_list("name", flat=True)
    )
    # The real districts carry their gazetteer subtree around the hand-made rows, which are kept:
    # 小乔街道 is the gazetteer's 小桥街道 (an alias), and the streets the 示范区 runs stay there only.
    zhongyuan = Region.objects.get(name="中原区")
    assert zhongyuan.children.count() == 14 and zhongyuan.descendants().count() > 150
    tongbai = zhongyuan.children.get(name="桐柏路街道")
    assert {"西站东社区", "桐柏社区", "工人新村社区", "郑工集团社区"} <= set(
        tongbai.children.values_list("name", flat=True)
    )
    assert not chuanhui.children.filter(name__in=["小桥街道", "文昌街道", "搬口街道", "许湾乡"]).exists()
    assert Region.objects.filter(name="文昌街道").count() == 1
    assert not Region.objects.filter(name="城乡一体化示范区").exclude(code="").exists()
    # 36 months for leaves, the last one being the month before "today".
    months = sorted(set(DataValue.objects.filter(source="return").values_list("period_start", flat=True)))
    assert months[0] == date(2023, 11, 1) and months[-1] == date(2026, 10, 1) and len(months) == 36
    # Approvals in various states, and old months approved and locked.
    statuses = set(MonthlyReturn.objects.filter(month=date(2026, 10, 1)).values_list("status", flat=True))
    assert {"draft", "submitted", "approved"} <= statuses
    assert (
        not MonthlyReturn.objects.filter(month__lt=date(2026, 8, 1), waived=False).exclude(status="approved").exists()
    )
    # Skewed small counts: many zeros among rare events, but not all.
    model_units = DataValue.objects.filter(indicator__code="model_units").values_list("value", flat=True)
    zeros = sum(1 for v in model_units if v == 0)
    assert 0.3 < zeros / len(model_units) < 0.98
    # Every role has a demo user who can log in.
    roles = {r[2] for r in rows}
    assert {"领导（查看）", "填报员", "审核员", "管理员"} <= roles
    assert django_user_model.objects.get(username="jinhailu_editor").check_password(DEMO_PASSWORD)
    assert StarRating.objects.values("year").distinct().count() == 2
    # A street's own figure is its total (covering rule): the sum of what its communities state.
    street = Region.objects.get(name="金海路街道")
    for code in ("party_members", "events_held"):
        own = DataValue.objects.get(region=street, indicator__code=code, period_start=date(2026, 9, 1)).value
        kids = DataValue.objects.filter(region__parent=street, indicator__code=code, period_start=date(2026, 9, 1))
        assert own == sum(v.value for v in kids)
    # The sample reports are parsed and their confident figures accepted, once.
    assert DataValue.objects.filter(source="report").exists()
