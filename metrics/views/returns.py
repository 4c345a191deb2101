"""Monthly returns: entry, workflow, spreadsheets and completeness.

Views parse the request, find the region through portal.access (another district's form is a
404, a read-only user's write a 403), call one service or selector and render. The entry form
answers both a plain POST (re-rendering with everything typed kept) and the autosave fetch (JSON).
"""

from __future__ import annotations

import uuid
from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from metrics import selectors, services, spreadsheets
from metrics.forms import (
    ImportUploadForm,
    NoteForm,
    ReasonForm,
    ReminderForm,
    ReturnPickerForm,
    default_month,
)
from metrics.models import DataSet, DataValue, MonthlyReturn
from metrics.periods import MONTH, Period
from metrics.validation import Findings
from portal import access
from portal.navigation import region_breadcrumbs
from portal.numbers import exact
from portal.services import audit_record
from regions.models import Region

IMPORT_SESSION_KEY = "return_import"


# --- Helpers -------------------------------------------------------------------------------


def _month(text: str) -> date:
    try:
        period = Period.parse(text)
    except ValueError:
        raise Http404(_("月份无效")) from None
    if period.type != MONTH or period.start > Period.containing(timezone.localdate()).start:
        raise Http404(_("月份无效"))
    return period.start


def _form_key(request: HttpRequest, region_id: int, dataset: str, month: str, *, write: bool = False):
    """The region (scoped), data set and month of a form URL, and the form if it exists."""
    region = access.get_region_for_user(request.user, region_id, write=write)
    ds = get_object_or_404(DataSet, code=dataset)
    if region.level not in ds.levels:
        raise Http404(_("该区域不填报此报表"))
    start = _month(month)
    ret = (
        MonthlyReturn.objects.select_related("region", "dataset", "submitted_by", "approved_by", "updated_by")
        .filter(region=region, dataset=ds, month=start)
        .first()
    )
    return region, ds, start, ret


def _form_url(region: Region, dataset: DataSet, month: date, name: str = "return_form") -> str:
    return reverse(
        f"metrics:{name}", kwargs={"region_id": region.pk, "dataset": dataset.code, "month": f"{month:%Y-%m}"}
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _posted_values(request: HttpRequest, dataset: DataSet) -> tuple[dict[str, str], dict[str, str]]:
    values, comments = {}, {}
    for ind in selectors.return_indicators(dataset=dataset):
        if f"v_{ind.code}" in request.POST:
            values[ind.code] = request.POST[f"v_{ind.code}"]
        if f"c_{ind.code}" in request.POST:
            comments[ind.code] = request.POST[f"c_{ind.code}"]
    return values, comments


def _posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0  # never matches: the user is told to reload rather than overwrite blindly


def _render_form(
    request: HttpRequest,
    region: Region,
    dataset: DataSet,
    month: date,
    ret: MonthlyReturn | None,
    *,
    typed: dict[str, str] | None = None,
    typed_comments: dict[str, str] | None = None,
    findings: Findings | None = None,
    conflict: services.ReturnConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    if ret is not None:
        services.return_refresh_deadline_lock(monthly_return=ret, today=today)
    rows = selectors.return_form_rows(region=region, dataset=dataset, month=month, monthly_return=ret)
    if findings is None and ret is not None:
        findings = services.return_check(monthly_return=ret, submitting=False)
    findings = findings or Findings()
    for row in rows:
        code = row["indicator"].code
        stored = row["value"]
        row["input"] = typed[code] if typed is not None and code in typed else exact(stored.value if stored else None)
        row["comment"] = (
            typed_comments[code]
            if typed_comments is not None and code in typed_comments
            else (stored.comment if stored else "")
        )
        row["last_month_text"], row["last_year_text"] = exact(row["last_month"]), exact(row["last_year"])
        row["suggestion_text"] = exact(row["suggestion"].value) if row["suggestion"] else ""
        row["errors"] = findings.errors.get(code, [])
        row["warnings"] = findings.warnings.get(code, [])
        if conflict is not None:
            row["theirs"] = exact(conflict.values.get(code))
            row["theirs_comment"] = conflict.comments.get(code, "")
    deadline = dataset.deadline_for(month)
    rights = services.return_rights(
        user=user, region=region, dataset=dataset, month=month, monthly_return=ret, today=today
    )
    blocking = selectors.return_blocking_children(monthly_return=ret, today=today) if rights.approve else []
    names = {row["indicator"].code: row["indicator"].name for row in rows}
    context = {
        "region": region,
        "dataset": dataset,
        "month": month,
        "period": Period(MONTH, month),
        "ret": ret,
        "rows": rows,
        "summary": findings.summary(names),
        "deadline": deadline,
        "overdue": today > deadline,
        "deadline_locked_new": rights.deadline_locked_new,
        "version": ret.version if ret else 1,
        "can_edit": rights.edit,
        "can_approve": rights.approve,
        "self_approval_reason": (
            services.return_self_approval_reason(user=user, monthly_return=ret)
            if ret is not None and ret.status == MonthlyReturn.Status.SUBMITTED
            else None
        ),
        "can_unlock": rights.unlock,
        "can_lock": rights.lock,
        "can_waive": rights.waive,
        "can_unwaive": rights.unwaive,
        "blocking": blocking,
        "conflict": conflict,
        "unsaved": typed is not None,
        "events": list(ret.events.select_related("user")[:8]) if ret else [],
        "other_datasets": selectors.return_datasets_for(region=region),
        "breadcrumbs": region_breadcrumbs(user, region, "metrics:return_index", month=f"{month:%Y-%m}"),
        "note_form": NoteForm(),
        "reason_form": ReasonForm(),
    }
    return render(request, "metrics/returns/form.html", context, status=status)


# --- Landing page --------------------------------------------------------------------------


@login_required
@require_GET
def return_index(request: HttpRequest) -> HttpResponse:
    """数据填报: pick a region and month in scope, see its forms and those of the regions below."""
    picker = ReturnPickerForm(request.GET or None, user=request.user)
    region, month = access.scope_root(request.user), default_month()
    if picker.is_valid():
        region, month = picker.cleaned_data["region"], picker.cleaned_data["month"]
    if region is None:
        raise Http404(_("您的账号尚未分配区域"))
    region = access.get_region_for_user(request.user, region.pk)
    summary = selectors.completeness_summary(root=region, month=month, today=timezone.localdate())
    return render(
        request,
        "metrics/returns/index.html",
        {
            "picker": picker
            if picker.is_bound
            else ReturnPickerForm(initial={"region": region, "month": f"{month:%Y-%m}"}, user=request.user),
            "region": region,
            "month": month,
            "period": Period(MONTH, month),
            "summary": summary,
            "breadcrumbs": region_breadcrumbs(request.user, region, "metrics:return_index", month=f"{month:%Y-%m}"),
        },
    )


# --- Entry ---------------------------------------------------------------------------------


@login_required
@require_GET
def return_form(request: HttpRequest, region_id: int, dataset: str, month: str) -> HttpResponse:
    region, ds, start, ret = _form_key(request, region_id, dataset, month)
    return _render_form(request, region, ds, start, ret)


@login_required
@require_POST
def return_save(request: HttpRequest, region_id: int, dataset: str, month: str) -> HttpResponse:
    """Save a draft: from the 保存 button (HTML) or the autosave (JSON)."""
    region, ds, start, ret = _form_key(request, region_id, dataset, month, write=True)
    values, comments = _posted_values(request, ds)
    outcome = _save(request, region, ds, start, ret, values, comments)
    if isinstance(outcome, HttpResponse):
        return outcome
    ret, findings = outcome
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "version": ret.version,
                "saved_at": timezone.localtime().strftime("%H:%M:%S"),
                "status": ret.status_label,
                "errors": {},
                "warnings": findings.warnings,
            }
        )
    messages.success(
        request, _("草稿已保存。") + (_("部分数值偏离历史水平，提交前请在备注中说明。") if findings.warnings else "")
    )
    return redirect(_form_url(region, ds, start))


def _save(request, region, ds, start, ret, values, comments):
    """Shared by save and submit: the saved form and findings, or the response explaining why not."""
    as_json = _wants_json(request)
    try:
        if ret is None:
            ret = services.return_get_or_create(user=request.user, region=region, dataset=ds, month=start)
        findings = services.return_save_values(
            user=request.user,
            monthly_return=ret,
            values=values,
            comments=comments,
            expected_version=_posted_version(request),
        )
    except services.ReturnInvalid as exc:
        if as_json:
            return JsonResponse(
                {"ok": False, "message": str(exc), "errors": exc.findings.errors, "warnings": exc.findings.warnings},
                status=400,
            )
        messages.error(request, str(exc))
        return _render_form(
            request, region, ds, start, ret, typed=values, typed_comments=comments, findings=exc.findings, status=400
        )
    except services.ReturnConflict as exc:
        if as_json:
            return JsonResponse(
                {
                    "ok": False,
                    "conflict": True,
                    "message": str(exc),
                    "version": exc.monthly_return.version,
                    "theirs": {c: exact(v) for c, v in exc.values.items()},
                },
                status=409,
            )
        messages.error(request, str(exc))
        return _render_form(
            request,
            region,
            ds,
            start,
            exc.monthly_return,
            typed=values,
            typed_comments=comments,
            conflict=exc,
            status=409,
        )
    except (services.ReturnError, ValidationError) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        if as_json:
            return JsonResponse({"ok": False, "message": message}, status=409)
        messages.error(request, message)
        if ret is not None:
            ret.refresh_from_db()
        return _render_form(request, region, ds, start, ret, typed=values, typed_comments=comments, status=409)
    ret.refresh_from_db()
    return ret, findings


@login_required
@require_POST
def return_submit(request: HttpRequest, region_id: int, dataset: str, month: str) -> HttpResponse:
    """Save what was typed, then submit it for approval if every rule holds."""
    region, ds, start, ret = _form_key(request, region_id, dataset, month, write=True)
    values, comments = _posted_values(request, ds)
    outcome = _save(request, region, ds, start, ret, values, comments)
    if isinstance(outcome, HttpResponse):
        return outcome
    ret, _findings = outcome
    try:
        services.return_submit(user=request.user, monthly_return=ret, expected_version=ret.version)
    except services.ReturnInvalid as exc:
        messages.error(request, _("%(error)s（已保存为草稿）") % {"error": exc})
        ret.refresh_from_db()
        return _render_form(request, region, ds, start, ret, findings=exc.findings, status=400)
    except services.ReturnError as exc:
        messages.error(request, str(exc))
        return redirect(_form_url(region, ds, start))
    messages.success(request, _("报表已提交，等待上级审核。"))
    return redirect(_form_url(region, ds, start))


# --- Workflow ------------------------------------------------------------------------------


def _existing(request, region_id, dataset, month) -> tuple[Region, DataSet, date, MonthlyReturn]:
    region, ds, start, ret = _form_key(request, region_id, dataset, month, write=True)
    if ret is None:
        raise Http404(_("报表尚未创建"))
    return region, ds, start, ret


def _act(request, region, ds, start, action, success: str) -> HttpResponse:
    try:
        action()
    except (services.ReturnError, ValidationError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, success)
    return redirect(_form_url(region, ds, start))


@login_required
@require_POST
def return_approve(request: HttpRequest, region_id: int, dataset: str, month: str) -> HttpResponse:
    region, ds, start, ret = _existing(request, region_id, dataset, month)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(
        request,
        region,
        ds,
        start,
        lambda: services.return_approve(user=request.user, monthly_return=ret, note=note),
        _("已审核通过，报表已锁定。"),
    )


def _reason_action(request, region_id, dataset, month, service, success: str) -> HttpResponse:
    region, ds, start, ret = _existing(request, region_id, dataset, month)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写原因。"))
        return redirect(_form_url(region, ds, start))
    return _act(
        request,
        region,
        ds,
        start,
        lambda: service(user=request.user, monthly_return=ret, reason=form.cleaned_data["reason"]),
        success,
    )


@login_required
@require_POST
def return_send_back(request: HttpRequest, region_id: int, dataset: str, month: str) -> HttpResponse:
    return _reason_action(
        request, region_id, dataset, month, services.return_send_back, _("已退回，填报人将看到退回原因。")
    )


@login_required
@require_POST
def return_unlock(request: HttpRequest, region_id: int, dataset: str, month: str) -> HttpResponse:
    return _reason_action(request, region_id, dataset, month, services.return_unlock, _("已解锁，解锁原因已记录。"))


@login_required
@require_POST
def return_lock(request: HttpRequest, region_id: int, dataset: str, month: str) -> HttpResponse:
    return _reason_action(request, region_id, dataset, month, services.return_lock, _("报表已锁定。"))


@login_required
@require_POST
def return_unwaive(request: HttpRequest, region_id: int, dataset: str, month: str) -> HttpResponse:
    return _reason_action(request, region_id, dataset, month, services.return_unwaive, _("已取消免报。"))


@login_required
@require_POST
def return_waive(request: HttpRequest, region_id: int, dataset: str, month: str) -> HttpResponse:
    region, ds, start, _ret = _form_key(request, region_id, dataset, month, write=True)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写免报原因。"))
        return redirect(_form_url(region, ds, start))
    return _act(
        request,
        region,
        ds,
        start,
        lambda: services.return_waive(
            user=request.user, region=region, dataset=ds, month=start, reason=form.cleaned_data["reason"]
        ),
        _("已设为免报。"),
    )


@login_required
@require_GET
def return_history(request: HttpRequest, region_id: int, dataset: str, month: str) -> HttpResponse:
    """Every change to the form's figures and every workflow step; ?indicator=<code> for one value."""
    region, ds, start, ret = _form_key(request, region_id, dataset, month)
    if ret is None:
        raise Http404(_("报表尚未创建"))
    indicator = None
    if request.GET.get("indicator"):
        indicator = next(
            (i for i in selectors.return_indicators(dataset=ds) if i.code == request.GET["indicator"]), None
        )
        if indicator is None:
            raise Http404(_("指标不在此报表中"))
    changes = list(selectors.return_changes(monthly_return=ret, indicator=indicator)[:500])
    events = [] if indicator else list(ret.events.select_related("user")[:200])
    value_labels, form_labels = dict(DataValue.Status.choices), dict(MonthlyReturn.Status.choices)
    for c in changes:
        c.old_text, c.new_text = exact(c.old_value) or _("（空）"), exact(c.new_value) or _("（空）")
        c.old_status_label = value_labels.get(c.old_status, c.old_status)
        c.new_status_label = value_labels.get(c.new_status, c.new_status)
    for e in events:
        e.old_status_label = form_labels.get(e.old_status, e.old_status)
        e.new_status_label = form_labels.get(e.new_status, e.new_status)
    return render(
        request,
        "metrics/returns/history.html",
        {
            "region": region,
            "dataset": ds,
            "month": start,
            "period": Period(MONTH, start),
            "ret": ret,
            "indicator": indicator,
            "changes": changes,
            "events": events,
            "breadcrumbs": region_breadcrumbs(request.user, region, "metrics:return_index", month=f"{start:%Y-%m}"),
        },
    )


# --- Spreadsheets --------------------------------------------------------------------------


def _sheet_scope(request: HttpRequest, *, write: bool) -> tuple[Region, date, list[DataSet]]:
    picker = ReturnPickerForm(request.GET, user=request.user)
    if not picker.is_valid():
        raise Http404(_("区域或月份无效"))
    region = access.get_region_for_user(request.user, picker.cleaned_data["region"].pk, write=write)
    ds = picker.cleaned_data.get("dataset")
    return region, picker.cleaned_data["month"], [ds] if ds else list(DataSet.objects.all())


@login_required
@require_GET
def return_template(request: HttpRequest) -> HttpResponse:
    """An .xlsx to fill offline: the regions of the subtree the user may fill, for one month."""
    region, month, datasets = _sheet_scope(request, write=True)
    content = spreadsheets.build_workbook(user=request.user, root=region, month=month, datasets=datasets, export=False)
    return _attachment(content, spreadsheets.XLSX_TYPE, f"月度报表模板-{region.name}-{month:%Y-%m}.xlsx")


@login_required
@require_GET
def return_export(request: HttpRequest) -> HttpResponse:
    region, month, datasets = _sheet_scope(request, write=False)
    fmt = request.GET.get("format", "xlsx")
    audit_record(
        user=request.user,
        action="export",
        target=f"月度报表 {region.display_name} {month:%Y-%m}",
        detail={"region": region.pk, "month": f"{month:%Y-%m}", "format": fmt, "datasets": [d.code for d in datasets]},
    )
    if fmt == "csv":
        content = spreadsheets.build_csv(user=request.user, root=region, month=month, datasets=datasets)
        return _attachment(
            content.encode("utf-8"), "text/csv; charset=utf-8", f"月度报表-{region.name}-{month:%Y-%m}.csv"
        )
    content = spreadsheets.build_workbook(user=request.user, root=region, month=month, datasets=datasets, export=True)
    return _attachment(content, spreadsheets.XLSX_TYPE, f"月度报表-{region.name}-{month:%Y-%m}.xlsx")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _disposition(filename)
    return response


def _disposition(filename: str) -> str:
    """An ASCII fallback name plus the Chinese name for browsers that read RFC 5987."""
    return f"attachment; filename=\"returns.{filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(filename)}"


@login_required
def return_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview with every row and cell checked; nothing is written until confirmed."""
    access.require_write(request.user)
    preview = None
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            preview = spreadsheets.read_upload(
                form.cleaned_data["file"], user=request.user, default_month=form.cleaned_data.get("month")
            )
            token = uuid.uuid4().hex
            request.session[IMPORT_SESSION_KEY] = {
                "token": token,
                "filename": preview.filename,
                "items": preview.payload(),
            }
            return render(
                request,
                "metrics/returns/import.html",
                {"form": form, "preview": preview, "token": token},
                status=200 if not preview.problems else 400,
            )
    else:
        form = ImportUploadForm()
    return render(request, "metrics/returns/import.html", {"form": form, "preview": preview})


@login_required
@require_POST
def return_import_confirm(request: HttpRequest) -> HttpResponse:
    access.require_write(request.user)
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("导入预览已过期，请重新上传文件。"))
        return redirect("metrics:return_import")
    if not pending["items"]:
        messages.error(request, _("没有可导入的有效行。"))
        return redirect("metrics:return_import")
    try:
        count = spreadsheets.import_confirm(user=request.user, items=pending["items"], filename=pending["filename"])
    except (services.ReturnError, ValidationError, PermissionDenied, Http404) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, _("导入未完成，没有写入任何数据：%(error)s。请重新上传预览。") % {"error": message})
        return redirect("metrics:return_import")
    finally:
        request.session.pop(IMPORT_SESSION_KEY, None)
    audit_record(user=request.user, action="return_import", target=pending["filename"], detail={"forms": count})
    messages.success(
        request,
        ngettext(
            "已导入 %(count)s 张报表的数据（保存为草稿，请核对后提交）。",
            "已导入 %(count)s 张报表的数据（保存为草稿，请核对后提交）。",
            count,
        )
        % {"count": count},
    )
    return redirect("metrics:return_index")


# --- Completeness --------------------------------------------------------------------------


@login_required
@require_GET
def completeness(request: HttpRequest) -> HttpResponse:
    """Red/amber/green by region for a month and subtree, drilling down to the missing 社区/村."""
    picker = ReturnPickerForm(request.GET or None, user=request.user)
    region, month, dataset = access.scope_root(request.user), default_month(), None
    if picker.is_valid():
        region, month, dataset = (
            picker.cleaned_data["region"],
            picker.cleaned_data["month"],
            picker.cleaned_data["dataset"],
        )
    if region is None:
        raise Http404(_("您的账号尚未分配区域"))
    region = access.get_region_for_user(request.user, region.pk)
    summary = selectors.completeness_summary(root=region, month=month, today=timezone.localdate(), dataset=dataset)
    return render(
        request,
        "metrics/returns/completeness.html",
        {
            "picker": picker
            if picker.is_bound
            else ReturnPickerForm(initial={"region": region, "month": f"{month:%Y-%m}"}, user=request.user),
            "region": region,
            "month": month,
            "dataset": dataset,
            "period": Period(MONTH, month),
            "summary": summary,
            "can_remind": access.can_approve(request.user),
            "breadcrumbs": region_breadcrumbs(
                request.user,
                region,
                "metrics:completeness",
                month=f"{month:%Y-%m}",
                dataset=dataset.pk if dataset else None,
            ),
        },
    )


@login_required
@require_POST
def completeness_remind(request: HttpRequest) -> HttpResponse:
    access.require_approver(request.user)
    form = ReminderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("催报参数无效。"))
        return redirect("metrics:completeness")
    region = access.get_region_for_user(request.user, form.cleaned_data["region"])
    month = form.cleaned_data["month"] or default_month()
    try:
        sent = services.reminder_send(
            user=request.user, region=region, month=month, message=form.cleaned_data["message"]
        )
    except services.ReturnError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "已向%(region)s的 %(count)s 名填报员发送催报提醒。",
                "已向%(region)s的 %(count)s 名填报员发送催报提醒。",
                len(sent),
            )
            % {"region": region.display_name, "count": len(sent)},
        )
    back = request.POST.get("next") or reverse("metrics:completeness")
    return redirect(back if back.startswith("/") and not back.startswith("//") else reverse("metrics:completeness"))


FORM = "returns/<int:region_id>/<slug:dataset>/<str:month>/"
urlpatterns = [
    path("returns/", return_index, name="return_index"),
    path("returns/completeness/", completeness, name="completeness"),
    path("returns/completeness/remind/", completeness_remind, name="completeness_remind"),
    path("returns/template.xlsx", return_template, name="return_template"),
    path("returns/export/", return_export, name="return_export"),
    path("returns/import/", return_import, name="return_import"),
    path("returns/import/confirm/", return_import_confirm, name="return_import_confirm"),
    path(FORM, return_form, name="return_form"),
    path(FORM + "save/", return_save, name="return_save"),
    path(FORM + "submit/", return_submit, name="return_submit"),
    path(FORM + "approve/", return_approve, name="return_approve"),
    path(FORM + "send-back/", return_send_back, name="return_send_back"),
    path(FORM + "unlock/", return_unlock, name="return_unlock"),
    path(FORM + "lock/", return_lock, name="return_lock"),
    path(FORM + "waive/", return_waive, name="return_waive"),
    path(FORM + "unwaive/", return_unwaive, name="return_unwaive"),
    path(FORM + "history/", return_history, name="return_history"),
]
