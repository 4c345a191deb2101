"""Every registered ModelAdmin, walked as another district's administrator with real ids.

A model is either in portal.admin.GLOBAL_MODELS or declares its region through
ScopedAdminMixin.region_field and has a builder below; a newly registered model that does
neither fails ``test_every_registered_model_declares_a_scope``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.test import RequestFactory
from django.urls import reverse

from metrics.models import DashboardPreset, DataSet, DataValue, Indicator, MonthlyReturn, Project
from portal.admin import GLOBAL_MODELS, ScopedAdminMixin
from portal.models import AuditEvent, Notification, Profile
from portal.services import api_token_issue
from regions.models import Region, StarDefinition, StarRating
from reports.models import Mention, Report, Summary
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db


def _star() -> StarDefinition:
    return StarDefinition.objects.first() or StarDefinition.objects.create(code="s1", name="支部过硬星", scheme="urban")


def _report(region: Region, text: str = "正文") -> Report:
    return Report.objects.create(
        title="甲区简报", source_kind="other", published=date(2026, 3, 1), region=region, text=text, text_hash=text
    )


# How to make one row of each scoped model inside a district: the walk needs a real id.
BUILDERS: dict[str, Callable[[Region], object]] = {
    "regions.Region": lambda r: r,
    "regions.Organisation": lambda r: OrganisationFactory(region=r),
    "regions.StarRating": lambda r: StarRating.objects.create(
        organisation=OrganisationFactory(region=r), year=2026, star=_star()
    ),
    "metrics.Project": lambda r: Project.objects.create(name="甲区项目", region=r),
    "metrics.MonthlyReturn": lambda r: MonthlyReturn.objects.create(
        region=r, dataset=DataSet.objects.first(), month=date(2026, 3, 1)
    ),
    "metrics.DataValue": lambda r: DataValue.objects.create(
        indicator=Indicator.objects.first(), region=r, period_type="month", period_start=date(2026, 3, 1), value=1
    ),
    "metrics.DashboardPreset": lambda r: DashboardPreset.objects.create(name="甲区看板", region=r),
    "reports.Report": _report,
    "reports.Mention": lambda r: Mention.objects.create(
        report=_report(r, "另一篇正文"), text="3个", value=3, unit="个", region=r, start=0, end=2
    ),
    "reports.Summary": lambda r: Summary.objects.create(region=r, period="2026-03", fingerprint="x" * 64),
    "portal.Profile": lambda r: make_user(r, Profile.Role.EDITOR, "walk_profile").profile,
    "auth.User": lambda r: make_user(r, Profile.Role.EDITOR, "walk_user"),
    "portal.AuditEvent": lambda r: AuditEvent.objects.create(
        user=make_user(r, Profile.Role.EDITOR, "walk_audited"), action="login", target="walk_audited"
    ),
    "portal.Notification": lambda r: Notification.objects.create(
        user=make_user(r, Profile.Role.EDITOR, "walk_notified"), message="甲区通知"
    ),
    "portal.ApiToken": lambda r: api_token_issue(user=make_user(r, Profile.Role.EDITOR, "walk_token")).token,
}


def _registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _scoped():
    return [(m, ma) for m, ma in _registered() if m._meta.label not in GLOBAL_MODELS]


@pytest.fixture
def intruder(world):
    """District B's administrator holding every model permission, so only scope stands in the way."""
    user = make_user(world.district_b, Profile.Role.ADMIN, "admin_b_all")
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def rows_a(world):
    """One real row of every scoped model in district A's subtree."""
    return {label: build(world.community_a) for label, build in BUILDERS.items()}


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_registered_model_declares_a_scope():
    labels = {m._meta.label for m, _ in _registered()}
    for model, model_admin in _scoped():
        label = model._meta.label
        assert isinstance(model_admin, ScopedAdminMixin), f"{label}: no region_field and not in GLOBAL_MODELS"
        assert label in BUILDERS, f"{label}: add a builder so the admin walk covers it"
    # The allow-list names real models only; a stale entry would hide a rename.
    assert GLOBAL_MODELS - labels <= {"auth.Permission", "metrics.DataSetIndicator"}


@pytest.mark.parametrize("label", sorted(BUILDERS))
def test_admin_pages_of_another_district_are_404_for_every_model(label, world, intruder, rows_a, client_for):
    model = next(m for m, _ in _registered() if m._meta.label == label)
    obj = rows_a[label]
    client = client_for(intruder)

    listing = client.get(_url(model, "changelist"))
    assert listing.status_code == 200
    assert obj.pk not in {row.pk for row in listing.context["cl"].queryset}
    for view in ("change", "history", "delete"):
        assert client.get(_url(model, view, obj.pk)).status_code == 404, view
    assert client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code in (403, 404)
    assert client.post(_url(model, "change", obj.pk), {}).status_code in (403, 404)
    assert model._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("label", sorted(BUILDERS))
def test_admin_choices_never_offer_another_districts_rows(label, world, intruder, rows_a):
    """Every foreign-key and many-to-many field of the add form and its inlines, for every model."""
    model_admin = next(ma for m, ma in _registered() if m._meta.label == label)
    request = RequestFactory().get("/")
    request.user = intruder
    forms = [model_admin.get_form(request, None)]
    forms += [inline.get_formset(request, None).form for inline in model_admin.get_inline_instances(request, None)]
    for form in forms:
        for name, field in form.base_fields.items():
            if not isinstance(field, ModelChoiceField | ModelMultipleChoiceField):
                continue
            target = field.queryset.model._meta.label
            if target in GLOBAL_MODELS:
                continue
            assert target in rows_a, f"{label}.{name} offers {target}, which declares no scope"
            assert not field.queryset.filter(pk=rows_a[target].pk).exists(), f"{label}.{name}"


@pytest.mark.parametrize("label", sorted(BUILDERS))
def test_admin_autocomplete_never_lists_another_districts_rows(label, world, intruder, rows_a, client_for):
    model, model_admin = next((m, ma) for m, ma in _registered() if m._meta.label == label)
    client = client_for(intruder)
    for field_name in model_admin.autocomplete_fields:
        target = model._meta.get_field(field_name).related_model._meta.label
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field_name},
        )
        assert response.status_code == 200
        assert str(rows_a[target].pk) not in {row["id"] for row in response.json()["results"]}


def test_star_rating_add_refuses_another_districts_organisation(world, admin_b, client_for):
    """Finding 1 of issue 14: /admin/metrics/starrating/add/ accepted 川汇区's branch."""
    branch_a = OrganisationFactory(region=world.community_a)
    response = client_for(admin_b).post(
        reverse("admin:regions_starrating_add"),
        {"organisation": branch_a.pk, "year": 2026, "star": _star().pk, "status": "awarded", "evidence": ""},
    )
    assert response.status_code == 200 and "organisation" in response.context["adminform"].form.errors
    assert not StarRating.objects.filter(organisation=branch_a).exists()
    branch_b = OrganisationFactory(region=world.community_b)
    response = client_for(admin_b).post(
        reverse("admin:regions_starrating_add"),
        {"organisation": branch_b.pk, "year": 2026, "star": _star().pk, "status": "awarded", "evidence": ""},
    )
    assert response.status_code == 302 and StarRating.objects.filter(organisation=branch_b).exists()


def test_dashboard_presets_of_another_district_are_hidden(world, admin_b, client_for):
    """Finding 1 of issue 14: 中原区's administrator listed, opened and changed 川汇区's presets."""
    preset_a = DashboardPreset.objects.create(name="川汇区看板", region=world.district_a)
    preset_b = DashboardPreset.objects.create(name="示范区看板", region=world.district_b)
    client = client_for(admin_b)
    listing = client.get(reverse("admin:metrics_dashboardpreset_changelist"))
    assert "示范区看板" in listing.content.decode() and "川汇区看板" not in listing.content.decode()
    for view in ("change", "history"):
        assert client.get(reverse(f"admin:metrics_dashboardpreset_{view}", args=[preset_a.pk])).status_code == 404
    response = client.post(
        reverse("admin:metrics_dashboardpreset_change", args=[preset_a.pk]),
        {"name": "改了", "region": world.district_a.pk},
    )
    assert response.status_code == 404
    preset_a.refresh_from_db()
    assert preset_a.name == "川汇区看板"
    # Its own preset cannot be moved to another district either.
    response = client.post(
        reverse("admin:metrics_dashboardpreset_change", args=[preset_b.pk]),
        {"name": "示范区看板", "region": world.district_a.pk, "role": "", "indicators": [Indicator.objects.first().pk]},
    )
    assert response.status_code == 200 and "region" in response.context["adminform"].form.errors
