"""API clients for the personas (``api_for(user)`` authenticates with that user's own token, issued
as the API issues it) and a parsed report with one mention, shared by the report tests and the
schemathesis run."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from metrics.models import Indicator
from portal import services as portal_services
from portal.models import ApiToken
from reports.models import Mention, Report


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle history lives in the cache, which outlives a test's database rollback.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_key_for(db):
    """``api_key_for(user)``: a working key of the user's token, the same one for every call of a test.

    Only the hash is stored, so the key is remembered here; it is issued anew when the test has
    rotated or revoked the token in between.
    """
    keys: dict[int, str] = {}

    def key_for(user) -> str:
        key = keys.get(user.pk)
        if key is None or not ApiToken.objects.filter(user=user, key_hash=ApiToken.hash_key(key)).exists():
            key = keys[user.pk] = portal_services.api_token_issue(user=user).key
        return key

    return key_for


@pytest.fixture
def api_for(api_key_for):
    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
        return client

    return make


@pytest.fixture
def anon_api() -> APIClient:
    return APIClient()


@pytest.fixture
def parsed_report(world, editor_a):
    report = Report.objects.create(
        title="走访报道",
        source_kind="newspaper",
        published=date(2024, 3, 20),
        region=world.community_a,
        text="三月走访群众1200户。",
        status=Report.Status.PARSED,
        submitted_by=editor_a,
    )
    mention = Mention.objects.create(
        report=report,
        start=6,
        end=11,
        text="1200户",
        value=Decimal(1200),
        unit="户",
        indicator=Indicator.objects.get(code="households_visited"),
        region=world.community_a,
        period_type="month",
        period_start=date(2024, 3, 1),
        confidence=0.9,
    )
    return report, mention
