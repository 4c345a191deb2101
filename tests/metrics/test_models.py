"""Constraints and small rules of the domain models."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from metrics.models import Campaign, DataValue, Indicator, Project
from metrics.periods import Period
from metrics.selectors import star_levels
from regions.models import Organisation, StarDefinition, StarRating
from tests.factories import OrganisationFactory, value

CORE_CODES = {
    "party_orgs",
    "party_members",
    "members_mobilized",
    "masses_mobilized",
    "households_visited",
    "people_visited",
    "problems_solved",
    "events_held",
    "event_participants",
    "service_centers",
    "model_units",
    "projects",
    "investment",
    "funds_disbursed",
    "beneficiaries",
    "materials_distributed",
    "jobs",
    "enterprises",
    "rate",
}


@pytest.mark.django_db
def test_catalogue_contains_every_core_code_of_the_extraction_spec():
    units = dict(Indicator.objects.values_list("code", "unit"))
    assert set(units) >= CORE_CODES
    assert units["households_visited"] == "户"
    assert units["investment"] == "元"
    assert units["rate"] == "%"
    assert Indicator.objects.get(code="households_visited").time_aggregation == "sum"
    assert Indicator.objects.get(code="party_members").time_aggregation == "latest"


def test_a_figure_is_stored_once_per_indicator_region_and_period(world):
    value("households_visited", world.community_a, date(2024, 3, 1), 10, source="return")
    with pytest.raises(IntegrityError), transaction.atomic():
        value("households_visited", world.community_a, date(2024, 3, 1), 10, source="report")
    assert DataValue.objects.count() == 1


def test_period_must_start_on_its_first_day(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        value("households_visited", world.community_a, date(2024, 3, 5), 10)


def test_project_progress_and_investment_are_bounded(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(name="x", region=world.street_a, progress=120)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(name="y", region=world.street_a, planned_investment=Decimal(-1))


def test_campaign_cannot_end_before_it_starts(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(code="x", name="x", start=date(2024, 5, 1), end=date(2024, 4, 1))


def test_next_election_defaults_to_the_term_of_the_organisation(world):
    branch = OrganisationFactory(region=world.community_a, last_election=date(2021, 6, 30))
    committee = OrganisationFactory(
        region=world.district_a, kind=Organisation.Kind.COMMITTEE, last_election=date(2021, 6, 30)
    )
    assert branch.next_election_due == date(2024, 6, 30)
    assert committee.next_election_due == date(2026, 6, 30)


def test_ratio_indicator_needs_numerator_and_denominator(db):
    ind = Indicator(
        code="bad_rate", name="x", unit="%", category="service", time_aggregation="ratio", region_aggregation="ratio"
    )
    with pytest.raises(ValidationError):
        ind.full_clean()


def test_star_level_and_year_on_year_movement(world):
    org = OrganisationFactory(region=world.community_a)
    stars = list(StarDefinition.objects.filter(scheme="urban"))
    assert len(stars) == 5
    for star in stars[:2]:
        StarRating.objects.create(organisation=org, year=2023, star=star, status="awarded")
    for star in stars[:4]:
        StarRating.objects.create(organisation=org, year=2024, star=star, status="awarded")
    StarRating.objects.create(organisation=org, year=2024, star=stars[4], status="not_awarded")
    levels = star_levels(region=world.district_a, year=2024)
    assert levels[org.pk] == {"level": 4, "previous": 2, "change": 2}


def test_periods_parse_and_relate():
    q1 = Period.parse("2024-Q1")
    assert q1.month_starts() == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
    assert Period.parse("2024-03").previous() == Period.month(2024, 2)
    assert Period.parse("2024").same_last_year() == Period.year(2023)
    assert Period.month(2024, 1).previous() == Period.month(2023, 12)
    with pytest.raises(ValueError):
        Period.parse("2024-13")


def test_an_indicator_belongs_to_one_form_only(world, client):
    from django.contrib.auth import get_user_model

    from metrics.models import DataSet, DataSetIndicator

    in_use = DataSetIndicator.objects.select_related("dataset").first()
    other = DataSet.objects.exclude(pk=in_use.dataset_id).first()
    with pytest.raises(ValidationError, match="同一数字只填报一次"):
        DataSetIndicator(dataset=other, indicator=in_use.indicator).full_clean()
    # The catalogue administrator sees it in Chinese on the form, and nothing is saved.
    admin = get_user_model().objects.create_superuser("catalogue_admin", password="x")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    rows = list(DataSetIndicator.objects.filter(dataset=other))
    data = {
        "code": other.code,
        "name": other.name,
        "levels": json.dumps(other.levels),
        "deadline_day": other.deadline_day,
        "order": other.order,
        "datasetindicator_set-TOTAL_FORMS": len(rows) + 1,
        "datasetindicator_set-INITIAL_FORMS": len(rows),
        "datasetindicator_set-MIN_NUM_FORMS": 0,
        "datasetindicator_set-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate([*rows, None]):
        prefix = f"datasetindicator_set-{i}"
        data[f"{prefix}-dataset"] = other.pk
        data[f"{prefix}-indicator"] = row.indicator_id if row else in_use.indicator_id
        data[f"{prefix}-order"] = row.order if row else 99
        if row:
            data[f"{prefix}-id"] = row.pk
    response = client.post(reverse("admin:metrics_dataset_change", args=[other.pk]), data)
    assert response.status_code == 200 and "同一数字只填报一次" in response.content.decode()
    assert DataSetIndicator.objects.filter(indicator=in_use.indicator).count() == 1
