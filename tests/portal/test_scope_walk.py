"""Walk every URL pattern of the portal as a user of another district.

The world here holds objects of district A only (plus B's bare regions), so any numeric id in
a URL points at A's data: user B must get 403/404 (or a redirect), never A's page. Pages
without ids are fetched with ``?region=<A's region>`` and must not show A's names. New URLs
are covered automatically.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from metrics.models import DataSet, DataValue, Indicator, MonthlyReturn, Project
from regions.models import Organisation
from reports.models import Mention, Report

SECRETS = ("朱庄社区", "98761")  # only district A's objects carry this name and this figure
SKIP_PREFIXES = ("admin/", "i18n/", "accounts/", "static/", "media/")


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _a_objects(world, editor_a):
    """Create one of every region-owned object in district A; return all their ids."""
    ds = DataSet.objects.get(code="service")
    ret = MonthlyReturn.objects.create(region=world.community_a, dataset=ds, month=date(2024, 3, 1))
    ind = Indicator.objects.get(code="households_visited")
    report = Report.objects.create(
        title="朱庄社区走访报道",
        source_kind="newspaper",
        published=date(2024, 3, 5),
        region=world.community_a,
        text="朱庄社区走访群众98761户。",
        text_hash="x" * 64,
        status="parsed",
        submitted_by=editor_a,
    )
    mention = Mention.objects.create(
        report=report,
        start=8,
        end=14,
        text="98761户",
        value=Decimal(98761),
        unit="户",
        indicator=ind,
        region=world.community_a,
    )
    dv = DataValue.objects.create(
        indicator=ind,
        region=world.community_a,
        period_type="month",
        period_start=date(2024, 3, 1),
        value=Decimal(98761),
        monthly_return=ret,
        source="report",
        status="approved",
    )
    mention.data_value = dv
    mention.save(update_fields=["data_value"])
    org = Organisation.objects.create(
        name="朱庄社区党支部", kind="branch", category="community", region=world.community_a
    )
    project = Project.objects.create(name="朱庄社区党群服务中心", region=world.community_a)
    ids = {
        world.community_a.pk,
        world.street_a.pk,
        world.district_a.pk,
        ret.pk,
        report.pk,
        mention.pk,
        dv.pk,
        org.pk,
        project.pk,
    }
    return ids, world.community_a


def _fill(route: str, entry: URLPattern, value) -> str | None:
    converters = entry.pattern.converters if hasattr(entry.pattern, "converters") else {}
    path = route
    for name, conv in converters.items():
        kind = type(conv).__name__
        token_options = [f"<int:{name}>", f"<{name}>", f"<str:{name}>", f"<slug:{name}>", f"<path:{name}>"]
        if kind == "IntConverter" or kind in ("StringConverter", "SlugConverter", "PathConverter"):
            replacement = str(value)
        else:
            return None
        for token in token_options:
            path = path.replace(token, replacement)
    if "<" in path or "(?P" in path or "^" in path:
        return None
    return "/" + path


@pytest.mark.parametrize("method", ["get", "post"])
def test_district_b_cannot_reach_district_a_by_any_url(world, editor_a, editor_b, client_for, method):
    ids, region_a = _a_objects(world, editor_a)
    client = client_for(editor_b)
    leaks = []
    checked = 0
    for route, entry in _patterns():
        if route.startswith(SKIP_PREFIXES):
            continue
        has_args = bool(getattr(entry.pattern, "converters", {}))
        candidates = sorted(ids) if has_args else [None]
        for obj_id in candidates:
            url = _fill(route, entry, obj_id) if has_args else "/" + route.replace("^", "").replace("$", "")
            if url is None:
                continue
            url = f"{url}?region={region_a.pk}"
            response = getattr(client, method)(url)
            checked += 1
            body = response.content.decode(errors="replace") if response.status_code == 200 else ""
            if response.status_code == 200 and any(secret in body for secret in SECRETS):
                leaks.append(f"{method.upper()} {url} -> 200 with district A's data")
            if response.status_code >= 500:
                leaks.append(f"{method.upper()} {url} -> {response.status_code}")
    assert checked > 0
    assert leaks == []
