"""Report pages: list, submit, progress, retry and review. Each view parses input, calls one service
or selector, and renders; scope comes from the access module through the selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import access
from portal.numbers import exact
from reports import selectors, services
from reports.forms import AcceptAboveForm, MentionCorrectForm, ReportSubmitForm, correction_choices
from reports.models import Mention, Report

_DB_DOWN = gettext_lazy("数据库暂时不可用，未保存任何内容，请稍后重试。")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    reports = selectors.report_list(user=request.user, status=status, q=request.GET.get("q"))[:200]
    context = {
        "reports": reports,
        "polling": any(r.status in selectors.ACTIVE_STATUSES for r in reports),
        "status": status,
        "statuses": Report.Status.choices,
        "q": request.GET.get("q", ""),
    }
    template = "reports/_rows.html" if _is_htmx(request) else "reports/list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def report_submit(request: HttpRequest) -> HttpResponse:
    access.require_write(request.user)
    form = ReportSubmitForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        try:
            report = services.report_submit(
                user=request.user,
                title=data["title"],
                source_kind=data["source_kind"],
                source_name=data["source_name"],
                published=data["published"],
                region=data["region"],
                campaign=data["campaign"],
                text=form.ingested.text,
                original_filename=upload.name if upload else "",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except DatabaseError:
            # The form comes back with what was typed, as a 503 so clients and monitoring
            # see an outage, not a mistake in the input.
            form.add_error(None, _DB_DOWN)
            status = 503
        else:
            if report.duplicate_of_id:
                messages.warning(request, _("该报道与之前提交的报道内容相同，已关联到原报道，不再重复解析。"))
            else:
                messages.success(request, _("报道已保存，正在排队解析。"))
            return redirect("reports:detail", pk=report.pk)
    if form.errors and status == 200:
        status = 400
    return render(request, "reports/submit.html", {"form": form}, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    context = {
        "report": report,
        "original": selectors.duplicate_visible(user=request.user, report=report),
        "mention_count": report.mentions.count(),
        "can_edit": services.report_may_review(user=request.user, report=report),
    }
    template = "reports/_status.html" if _is_htmx(request) else "reports/detail.html"
    return render(request, template, context)


@login_required
@require_POST
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk, write=True)
    try:
        services.report_retry(user=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已重新排队解析。"))
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_GET
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    return _review_page(request, report)


def _review_page(request: HttpRequest, report: Report, bound: MentionCorrectForm | None = None, status: int = 200):
    mentions = selectors.report_mentions(report=report)
    can_edit = services.report_may_review(user=request.user, report=report)
    bound_pk = int(bound.prefix[1:]) if bound is not None else None
    choices = correction_choices(user=request.user) if can_edit else None
    context = {
        "report": report,
        "segments": selectors.text_segments(report=report, mentions=mentions),
        "rows": [_row(request, m, can_edit, bound if m.pk == bound_pk else None, choices) for m in mentions],
        "can_edit": can_edit,
        "accept_form": AcceptAboveForm(),
    }
    return render(request, "reports/review.html", context, status=status)


def _row(request: HttpRequest, m: Mention, can_edit: bool, form=None, choices=None) -> dict:
    if form is None and can_edit:
        form = MentionCorrectForm(
            prefix=f"m{m.pk}",
            user=request.user,
            choices=choices,
            initial={
                "value": exact(m.value),
                "unit": m.unit,
                "indicator": m.indicator_id,
                "region": m.region_id,
                "period": selectors.period_code(m.period_type, m.period_start),
            },
        )
    data_value = m.data_value
    return {
        "m": m,
        "period": selectors.period_label(m.period_type, m.period_start),
        "value": exact(m.value),
        "form": form,
        "can_edit": can_edit,
        "data_value": data_value,
        "data_value_display": exact(data_value.value) if data_value else "",
    }


def _mention_response(request: HttpRequest, report: Report, mention: Mention, form=None, status: int = 200):
    """htmx gets the mention's card back; a plain post goes back to the review page (or shows the form's errors)."""
    if _is_htmx(request):
        mention = selectors.report_mentions(report=report, pk=mention.pk)[0]
        # htmx swaps only 2xx answers; the card itself carries the error message.
        context = {"row": _row(request, mention, True, form), "report": report}
        return render(request, "reports/_mention.html", context)
    if form is not None and form.errors:
        return _review_page(request, report, bound=form, status=status)
    return HttpResponseRedirect(reverse("reports:review", args=[report.pk]) + f"#m{mention.pk}")


@login_required
@require_POST
def mention_action(request: HttpRequest, pk: int, mention_pk: int, action: str) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk, write=True)
    mention = selectors.mention_get(user=request.user, report=report, pk=mention_pk, write=True)
    form = None
    status = 200
    try:
        if action == "accept":
            outcome = services.mention_accept(user=request.user, mention=mention)
            level = messages.SUCCESS if outcome.status in ("created", "unchanged") else messages.WARNING
            messages.add_message(request, level, outcome.message)
        elif action == "reject":
            messages.success(request, services.mention_reject(user=request.user, mention=mention))
        else:  # correct, or correct-and-accept
            form = MentionCorrectForm(request.POST, prefix=f"m{mention.pk}", user=request.user)
            if not form.is_valid():
                messages.error(request, _("“%(text)s”的更正有误，请检查标红的栏目。") % {"text": mention.text})
                status = 400
            else:
                data = form.cleaned_data
                mention = services.mention_correct(
                    user=request.user,
                    mention=mention,
                    value=data["value"],
                    unit=data["unit"],
                    indicator=data["indicator"],
                    region=data["region"],
                    period=data["period"],
                )
                form = None
                if request.POST.get("and_accept"):
                    outcome = services.mention_accept(user=request.user, mention=mention)
                    messages.success(request, outcome.message)
                else:
                    messages.success(request, _("已更正“%(text)s”。") % {"text": mention.text})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        if form is not None:
            form.add_error(None, " ".join(exc.messages))
        status = 400
    except DatabaseError:
        messages.error(request, _DB_DOWN)
        if form is not None:
            form.add_error(None, _DB_DOWN)
        status = 503
    return _mention_response(request, report, mention, form, status)


@login_required
@require_POST
def accept_above(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk, write=True)
    form = AcceptAboveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("置信度阈值应在 0 到 1 之间。"))
        return redirect("reports:review", pk=report.pk)
    try:
        outcome = services.mentions_accept_above(
            user=request.user, report=report, threshold=float(form.cleaned_data["threshold"])
        )
    except DatabaseError:
        messages.error(request, _DB_DOWN)
        return redirect("reports:review", pk=report.pk)
    c = outcome.counts
    messages.success(
        request,
        _("批量采纳完成：新增 %(created)s 项，关联已有数据 %(linked)s 项，因信息不全或校验未通过跳过 %(skipped)s 项。")
        % {"created": c["created"], "linked": c["linked"] + c["kept"], "skipped": c["skipped"]},
    )
    for note in outcome.messages[:10]:
        messages.warning(request, note)
    return redirect("reports:review", pk=report.pk)
