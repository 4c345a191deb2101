"""Review: accepting fills the one DataValue of a cell, idempotently, and never copies a return's figure."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from metrics.models import DataValue, DataValueChange, Indicator
from metrics.periods import Period
from reports.models import Mention
from reports.services import mention_accept, mention_correct, mention_reject, mentions_accept_above
from tests.factories import value

pytestmark = pytest.mark.django_db
MARCH = Period.month(2024, 3)


def _mention(report, text: str) -> Mention:
    return report.mentions.select_related("indicator", "region").get(text=text)


def _ready(user, report, text: str, region=None, period=MARCH, code: str | None = None) -> Mention:
    """Give a mention a definite indicator, region and period (what a reviewer's correction does)."""
    m = _mention(report, text)
    indicator = Indicator.objects.get(code=code) if code else m.indicator
    return mention_correct(
        user=user, mention=m, value=m.value, unit=m.unit, indicator=indicator, region=region or m.region, period=period
    )


def test_accept_creates_the_one_value_linked_to_the_mention(editor_a, parsed_report):
    m = _ready(editor_a, parsed_report, "622户")
    outcome = mention_accept(user=editor_a, mention=m)
    assert outcome.status == "created"
    dv = DataValue.objects.get()
    assert (dv.indicator.code, dv.region, dv.period_start, dv.value) == (
        "households_visited",
        m.region,
        date(2024, 3, 1),
        Decimal(622),
    )
    assert (dv.source, dv.status, dv.mention) == ("report", "submitted", m)
    assert DataValueChange.objects.filter(data_value=dv).count() == 1
    m.refresh_from_db()
    assert m.review == Mention.Review.ACCEPTED and m.reviewed_by == editor_a


def test_accepting_twice_changes_nothing(editor_a, parsed_report):
    m = _ready(editor_a, parsed_report, "622户")
    mention_accept(user=editor_a, mention=m)
    again = mention_accept(user=editor_a, mention=m)
    assert again.status == "unchanged"
    assert DataValue.objects.count() == 1
    assert DataValueChange.objects.count() == 1


def test_a_return_figure_in_the_cell_is_kept_and_the_report_linked_as_evidence(world, editor_a, parsed_report):
    existing = value("households_visited", world.street_a, MARCH.start, 600, status="approved", source="return")
    m = _ready(editor_a, parsed_report, "622户")
    outcome = mention_accept(user=editor_a, mention=m)
    assert outcome.status == "linked"
    assert "月度报表" in outcome.message and "不一致" in outcome.message
    existing.refresh_from_db()
    assert existing.value == 600 and existing.source == "return" and existing.mention == m
    assert DataValue.objects.count() == 1


def test_a_second_report_of_the_same_figure_never_makes_a_second_value(world, editor_a, submit, parsed_report):
    first = _ready(editor_a, parsed_report, "622户")
    mention_accept(user=editor_a, mention=first)
    other = submit(editor_a, world.street_a, text="金海路街道走访群众622户，成效明显。")
    second = _ready(editor_a, other, "622户", region=world.street_a, code="households_visited")
    outcome = mention_accept(user=editor_a, mention=second)
    assert outcome.status == "kept" and "数值一致" in outcome.message
    assert DataValue.objects.count() == 1
    assert DataValue.objects.get().mention == first


def test_reject_withdraws_the_value_it_created(editor_a, parsed_report):
    m = _ready(editor_a, parsed_report, "622户")
    mention_accept(user=editor_a, mention=m)
    assert "撤回" in mention_reject(user=editor_a, mention=m)
    assert DataValue.objects.count() == 0
    m.refresh_from_db()
    assert m.review == Mention.Review.REJECTED


def test_reject_refuses_once_the_value_is_approved(editor_a, parsed_report):
    m = _ready(editor_a, parsed_report, "622户")
    mention_accept(user=editor_a, mention=m)
    DataValue.objects.update(status="approved")
    with pytest.raises(ValidationError, match="已审核通过"):
        mention_reject(user=editor_a, mention=m)


def test_accept_needs_indicator_region_and_period(editor_a, parsed_report):
    m = _mention(parsed_report, "622户")
    mention_correct(user=editor_a, mention=m, value=m.value, unit=m.unit, indicator=None, region=None, period=None)
    with pytest.raises(ValidationError, match="指标、区域、期间"):
        mention_accept(user=editor_a, mention=m)


def test_correct_then_accept_uses_the_corrected_figure(world, editor_a, parsed_report):
    m = _mention(parsed_report, "57个")
    mention_correct(
        user=editor_a,
        mention=m,
        value=Decimal(58),
        unit="件",
        indicator=Indicator.objects.get(code="problems_solved"),
        region=world.community_a,
        period=Period.year(2024),
    )
    mention_accept(user=editor_a, mention=m)
    dv = DataValue.objects.get()
    assert (dv.value, dv.region, dv.period_type) == (58, world.community_a, "year")


def test_an_accepted_figure_must_be_rejected_before_correcting(editor_a, parsed_report):
    m = _ready(editor_a, parsed_report, "622户")
    mention_accept(user=editor_a, mention=m)
    with pytest.raises(ValidationError, match="先驳回"):
        _ready(editor_a, parsed_report, "622户")


def test_figure_placed_outside_the_users_scope_cannot_be_accepted(world, editor_a, parsed_report):
    m = _ready(editor_a, parsed_report, "622户")
    Mention.objects.filter(pk=m.pk).update(region=world.district_b)
    with pytest.raises(ValidationError, match="不在您的填报范围"):
        mention_accept(user=editor_a, mention=m)


def test_viewer_cannot_accept(viewer_a, editor_a, parsed_report):
    m = _ready(editor_a, parsed_report, "622户")
    with pytest.raises(PermissionDenied):
        mention_accept(user=viewer_a, mention=m)


def test_accept_above_threshold_takes_only_complete_confident_figures(editor_a, parsed_report):
    for text in ("622户", "57个"):
        _ready(editor_a, parsed_report, text)
    Mention.objects.filter(report=parsed_report).exclude(text="622户").update(confidence=0.1)
    Mention.objects.filter(report=parsed_report, text="622户").update(confidence=0.9)
    outcome = mentions_accept_above(user=editor_a, report=parsed_report, threshold=0.5)
    assert outcome.counts["created"] == 1
    assert set(DataValue.objects.values_list("mention__text", flat=True)) == {"622户"}
    again = mentions_accept_above(user=editor_a, report=parsed_report, threshold=0.5)
    assert again.counts["created"] == 0 and DataValue.objects.count() == 1
