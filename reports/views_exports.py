"""The exports page: a region within scope, a period and a campaign, as a PDF summary (cached, in
the background for large subtrees), a Word document, an Excel workbook or CSV files. Every download
is audited."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from metrics import aggregation
from metrics.dashboard import SECTIONS
from metrics.models import Campaign
from metrics.periods import YEAR, Period
from portal import access
from regions.models import Region
from reports import summaries, word
from reports.fonts import FontMissing
from reports.models import Summary

PICKER_LEVELS = (Region.Level.CITY, Region.Level.DISTRICT, Region.Level.STREET)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _selection(request: HttpRequest, data) -> tuple[Region, Period, Campaign | None]:
    """Region through the access module (out of scope → 404), then period and campaign."""
    region_id = data.get("region")
    if region_id:
        region = summaries.summary_region(user=request.user, region_id=region_id)
    else:
        region = access.scope_root(request.user)
        if region is None:
            raise Http404(_("您的账号尚未分配区域"))
    return region, summaries.summary_period(data.get("period", "")), summaries.summary_campaign(data.get("campaign"))


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    root = access.scope_root(request.user)
    if root is None:
        raise Http404(_("您的账号尚未分配区域"))
    regions = access.regions_visible_to(request.user).filter(level__in=PICKER_LEVELS).select_related("parent")
    regions = [r for r in regions.order_by("path") if r.depth - root.depth <= 2] or [root]
    aggregation.ensure_fresh()  # the newest month with figures, counting what was just saved
    horizon = aggregation.data_horizon(region=root)
    data = request.POST if request.method == "POST" else request.GET
    chosen = {
        "region": data.get("region") or str(root.pk),
        "period": data.get("period") or (Period.containing(horizon, YEAR).code if horizon else ""),
        "campaign": data.get("campaign") or "",
    }
    label = next((r.display_name for r in regions if str(r.pk) == chosen["region"]), "")
    recent = (
        access.filter_for_user(request.user, Summary.objects.filter(requested_by=request.user))
        .select_related("region", "region__parent", "campaign")
        .order_by("-created_at")[:10]
    )
    context = {
        "regions": [(r, "　" * (r.depth - root.depth)) for r in regions],
        "campaigns": Campaign.objects.order_by("code"),
        "chosen": chosen,
        "query": urlencode({k: v for k, v in chosen.items() if v}) if label and chosen["period"] else "",
        "chosen_label": f"{label} · {chosen['period']}",
        "sections": [(key, summaries.SECTION_TITLES[key]) for key in SECTIONS],
        "recent": recent,
        "error": error,
    }
    return render(request, "reports/exports/index.html", context, status=status)


@login_required
@require_GET
def exports(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def export_pdf(request: HttpRequest) -> HttpResponse:
    """Reuse the cached PDF, render a small one now, or queue a large one and show its progress."""
    try:
        region, period, campaign = _selection(request, request.POST)
    except summaries.SummaryError as exc:
        return _page(request, error=str(exc), status=400)
    summary = summaries.summary_request(user=request.user, region=region, period=period, campaign=campaign)
    if summary.status == Summary.Status.DONE:
        return redirect("reports:summary_download", pk=summary.pk)
    return redirect("reports:summary_status", pk=summary.pk)


def _summary_for(request: HttpRequest, pk: int) -> Summary:
    return access.get_object_for_user(request.user, Summary.objects.select_related("region", "campaign"), pk)


@login_required
@require_GET
def summary_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of one summary; htmx polls the fragment until it is done or failed."""
    summary = _summary_for(request, pk)
    template = "reports/exports/_summary.html" if _is_htmx(request) else "reports/exports/summary.html"
    return render(request, template, {"summary": summary})


@login_required
@require_GET
def summary_download(request: HttpRequest, pk: int) -> HttpResponse:
    summary = _summary_for(request, pk)
    if summary.status != Summary.Status.DONE or not summary.file:
        return redirect("reports:summary_status", pk=summary.pk)
    period = Period.parse(summary.period)
    summaries.export_record(
        user=request.user, region=summary.region, period=period, campaign=summary.campaign, fmt="pdf"
    )
    campaign = f"-{summary.campaign.code}" if summary.campaign else ""
    filename = f"党建数据摘要-{summary.region.display_name}-{summary.period}{campaign}.pdf"
    return FileResponse(summary.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")


@login_required
@require_POST
def summary_retry(request: HttpRequest, pk: int) -> HttpResponse:
    summary = summaries.summary_retry(user=request.user, summary_id=pk)
    if _is_htmx(request):
        return render(request, "reports/exports/_summary.html", {"summary": summary})
    return redirect("reports:summary_status", pk=summary.pk)


def _content(request: HttpRequest):
    region, period, campaign = _selection(request, request.POST if request.method == "POST" else request.GET)
    return summaries.summary_content(user=request.user, region=region, period=period, campaign=campaign)


def _download(request: HttpRequest, *, fmt: str, build, content_type: str, filename) -> HttpResponse:
    """One file built on request from the selection's content, audited: the workbook, the Word
    briefing, the CSV files. ``build`` and ``filename`` take the content."""
    try:
        content = _content(request)
    except summaries.SummaryError as exc:
        return _page(request, error=str(exc), status=400)
    try:
        body = build(content)
    except FontMissing as exc:
        # The Word briefing's chart images need the Chinese font: say what to install.
        return _page(request, error=str(exc), status=503)
    summaries.export_record(
        user=request.user, region=content.region, period=content.period, campaign=content.campaign, fmt=fmt
    )
    return _attachment(body, content_type, filename(content))


def _whole_file(fmt: str, build, content_type: str, suffix: str):
    """A view that downloads the whole selection in one format, built on request."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest) -> HttpResponse:
        return _download(
            request, fmt=fmt, build=build, content_type=content_type, filename=lambda c: f"{c.filename_stem}{suffix}"
        )

    return view


export_xlsx = _whole_file("xlsx", summaries.summary_xlsx, summaries.XLSX_TYPE, ".xlsx")
# The Word briefing is built on request like the workbook: its cost is the same selection's figures.
export_docx = _whole_file("docx", word.summary_docx, word.DOCX_TYPE, ".docx")
export_csv_zip = _whole_file("csv.zip", summaries.summary_csv_zip, "application/zip", "-CSV.zip")


@login_required
@require_http_methods(["GET", "POST"])
def export_csv(request: HttpRequest, section: str) -> HttpResponse:
    if section not in SECTIONS:
        raise Http404(_("没有这个表格"))
    return _download(
        request,
        fmt=f"csv:{section}",
        build=lambda c: summaries.summary_csv(c.tables[section]),
        content_type="text/csv; charset=utf-8",
        filename=lambda c: f"{summaries.SECTION_TITLES[section]}-{c.region.display_name}-{c.period.code}.csv",
    )


urlpatterns = [
    path("exports/", exports, name="exports"),
    path("exports/pdf/", export_pdf, name="export_pdf"),
    path("exports/xlsx/", export_xlsx, name="export_xlsx"),
    path("exports/docx/", export_docx, name="export_docx"),
    path("exports/csv/", export_csv_zip, name="export_csv_zip"),
    path("exports/csv/<slug:section>.csv", export_csv, name="export_csv"),
    path("exports/summaries/<int:pk>/", summary_status, name="summary_status"),
    path("exports/summaries/<int:pk>/download/", summary_download, name="summary_download"),
    path("exports/summaries/<int:pk>/retry/", summary_retry, name="summary_retry"),
]
