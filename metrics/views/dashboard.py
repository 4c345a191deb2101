"""Leaders' dashboards: the main page, the full-screen 数据大屏 and a CSV download per section."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from metrics.dashboard import (
    SECTIONS,
    DashboardParams,
    Table,
    cell_text,
    dashboard_data,
    dashboard_filter,
    dashboard_params,
    dashboard_section,
)
from metrics.models import Campaign, DataValue, Indicator, Region
from portal import access
from portal.navigation import region_breadcrumbs

SCREEN_REFRESH_SECONDS = 300


def _load(request: HttpRequest):
    """Resolve the region through the access module (another district's id gives 404) and the filters."""
    region_id = request.GET.get("region")
    if region_id:
        region = access.get_region_for_user(request.user, region_id)
    else:
        region = access.scope_root(request.user)
        if region is None:
            raise Http404(_("您的账号尚未分配区域"))
    filterset = dashboard_filter(user=request.user, data=request.GET, region=region)
    params = dashboard_params(user=request.user, region=region, filterset=filterset)
    return region, filterset, params


def _url(name: str, params: DashboardParams, **override) -> str:
    return f"{reverse(name)}?{urlencode(params.query(**override))}"


def _charts(tables: dict[str, Table], params: DashboardParams) -> list[dict]:
    """What dashboard.js draws; every chart reads the same rows as the table beside it."""

    def drill(table: Table) -> list[str | None]:
        return [_url("metrics:dashboard", params, region=pk) if pk else None for pk in table.links]

    def num(value):
        return None if value is None else float(value)

    trend, children, stars = tables["trend"], tables["children"], tables["stars"]
    campaigns, completeness = tables["campaigns"], tables["completeness"]
    return [
        {
            "id": "trend",
            "kind": "line",
            "categories": [r[0] for r in trend.rows],
            "series": [
                {"name": trend.columns[1], "data": [num(r[1]) for r in trend.rows]},
                {"name": trend.columns[2], "data": [num(r[2]) for r in trend.rows], "dashed": True},
            ],
        },
        {
            "id": "children",
            "kind": "bar",
            "categories": [r[0] for r in children.rows],
            "series": [{"name": children.columns[1], "data": [num(r[1]) for r in children.rows]}],
            "drill": drill(children),
        },
        {
            "id": "campaigns",
            "kind": "bar",
            "horizontal": True,
            "categories": [f"{r[0]} · {r[1]}" for r in campaigns.rows],
            "series": [{"name": campaigns.columns[5], "data": [num(r[5]) for r in campaigns.rows]}],
            "drill": drill(campaigns),
        },
        {
            "id": "completeness",
            "kind": "bar",
            "stack": True,
            "categories": [r[0] for r in completeness.rows],
            "series": [
                {"name": col, "data": [r[i] for r in completeness.rows]}
                for i, col in enumerate(completeness.columns[1:-1], start=1)
            ],
            "drill": drill(completeness),
        },
        {
            "id": "stars",
            "kind": "bar",
            "categories": [r[0] for r in stars.rows],
            "series": [
                {"name": stars.columns[1], "data": [r[1] for r in stars.rows]},
                {"name": stars.columns[2], "data": [r[2] for r in stars.rows]},
            ],
        },
    ]


def _context(request: HttpRequest, region: Region, filterset, params: DashboardParams) -> dict:
    tables = dashboard_data(user=request.user, params=params, filterset=filterset)
    crumbs_params = {k: v for k, v in params.query().items() if k != "region"}
    breadcrumbs = region_breadcrumbs(request.user, region, "metrics:dashboard", **crumbs_params)
    nearby = [c["region"] for c in breadcrumbs[:-1]] + [region] + list(region.children.order_by("path"))
    for table in tables.values():
        table.drill = [_url("metrics:dashboard", params, region=pk) if pk else None for pk in table.links]
        table.display = [[cell_text(c) for c in row] for row in table.rows]
        table.csv = _url("metrics:dashboard_csv_" + table.key, params)
    return {
        "region": region,
        "params": params,
        "filter": filterset,
        "tables": tables,
        "charts": _charts(tables, params),
        "breadcrumbs": breadcrumbs,
        "nearby_regions": nearby,
        "indicators": Indicator.objects.filter(active=True).order_by("order"),
        "campaigns": Campaign.objects.order_by("code"),
        "categories": Indicator.Category.choices,
        "sources": DataValue.Source.choices,
        "period_from": params.query()["period_from"],
        "period_to": params.query()["period_to"],
        "screen_url": _url("metrics:dashboard_screen", params),
        "page_url": _url("metrics:dashboard", params),
        "refresh_seconds": SCREEN_REFRESH_SECONDS,
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    region, filterset, params = _load(request)
    return render(request, "metrics/dashboard/index.html", _context(request, region, filterset, params))


@login_required
@require_GET
def dashboard_screen(request: HttpRequest) -> HttpResponse:
    """数据大屏: the same figures, full screen, reloading itself every few minutes."""
    region, filterset, params = _load(request)
    return render(request, "metrics/dashboard/screen.html", _context(request, region, filterset, params))


def _csv_view(section: str):
    @login_required
    @require_GET
    def download(request: HttpRequest) -> HttpResponse:
        region, filterset, params = _load(request)
        table = dashboard_section(user=request.user, params=params, filterset=filterset, key=section)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"{table.title.split(' · ')[0]}-{region.display_name}-{params.period.code}.csv"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response.write("\ufeff")  # Excel opens UTF-8 with a BOM as Chinese text
        writer = csv.writer(response)
        writer.writerow(table.columns)
        for row in table.rows:
            writer.writerow([cell_text(c) for c in row])
        return response

    download.__name__ = f"dashboard_csv_{section}"
    return download


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/screen/", dashboard_screen, name="dashboard_screen"),
    *[path(f"dashboard/csv/{key}.csv", _csv_view(key), name=f"dashboard_csv_{key}") for key in SECTIONS],
]
