"""Writes of the monthly-returns workflow: entry, submit → approve / send back, locks, waivers, reminders.

Each public function is one action in one transaction. It checks the actor's right through
portal.access (views check too; a service must be safe on its own), records who did what and why
(ReturnEvent for the form, DataValueChange for each figure, AuditEvent for approvals, locks,
unlocks and waivers) and keeps every DataValue's status in step with its form, because the
dashboards add up approved figures by default.

The region tree's real districts are filled from the national gazetteer by
``region_import_subtree`` (the ``import_regions`` command, the Region admin and the demo).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from metrics import selectors
from metrics.models import DataSet, DataValue, DataValueChange, Indicator, MonthlyReturn, ReturnEvent
from metrics.periods import MONTH, Period
from metrics.validation import Findings, validate_form
from portal import access
from portal.models import Notification, Profile
from portal.numbers import exact
from portal.services import audit_record
from regions.models import Region

if TYPE_CHECKING:
    from extraction.gazetteer import Division, Gazetteer

logger = logging.getLogger(__name__)

# Autosave fires every few seconds while someone types; within this window one person's edits
# to one figure (and their save events) are folded into one history entry, keeping it readable.
COALESCE_WINDOW = timedelta(minutes=10)

VALUE_STATUS = {
    MonthlyReturn.Status.DRAFT: DataValue.Status.DRAFT,
    MonthlyReturn.Status.RETURNED: DataValue.Status.DRAFT,
    MonthlyReturn.Status.SUBMITTED: DataValue.Status.SUBMITTED,
    MonthlyReturn.Status.APPROVED: DataValue.Status.APPROVED,
}


class ReturnError(Exception):
    """A workflow step that cannot happen now: ``str(error)`` is the Chinese message shown as is,
    ``code`` names the refusal for the API (see portal.api.exceptions.MESSAGES)."""

    code = "not_editable"

    def __init__(self, message: str, *, code: str | None = None, monthly_return: MonthlyReturn | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.monthly_return = monthly_return


class ReturnInvalid(ReturnError):
    code = "invalid"

    def __init__(self, findings: Findings, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message or _("报表中有错误，请按提示修改后再保存。"), code=code)
        self.findings = findings


class ReturnNotEditable(ReturnError):
    """The form's state refuses a change; ``code`` says which: waived, locked, submitted."""


class ReturnSelfApproval(ReturnError):
    """The approver submitted the form or last saved its figures (separation of duties)."""

    code = "self_approval"


class ReturnChildrenPending(ReturnError):
    """Regions below have not all been approved or waived; ``blocking`` lists them."""

    code = "children_pending"

    def __init__(self, message: str, *, blocking: list) -> None:
        super().__init__(message)
        self.blocking = blocking


@dataclass
class ReturnConflict(ReturnError):
    """Someone saved the form after this user loaded it; nothing of this save was written."""

    code = "version_conflict"
    monthly_return: MonthlyReturn
    values: dict[str, Decimal | None]
    comments: dict[str, str]

    def __str__(self) -> str:
        ret = self.monthly_return
        who = _name(ret.updated_by) if ret.updated_by else _("其他人")
        when = timezone.localtime(ret.updated_at).strftime("%H:%M") if ret.updated_at else ""
        return _(
            "%(who)s已于 %(when)s 修改并保存了此报表，您的修改尚未保存。"
            "请对照下方显示的对方数值核对后再次保存（再次保存将以您填写的数值为准）。"
        ) % {"who": who, "when": when}


# --- Rights --------------------------------------------------------------------------------
# Who may do what to a form, computed here only: the services check these before writing and
# the form page asks ``return_rights`` which buttons to show.


def _may_edit(user, region: Region) -> bool:
    return access.can_edit_region(user, region)


def _may_approve(user, region: Region) -> bool:
    return access.can_approve_region(user, region)


def _may_admin_lock(user, region: Region) -> bool:
    return access.is_admin(user) and access.can_view_region(user, region)


def _may_lock(user, region: Region) -> bool:
    """Lifting a lock: an approver above the region or an administrator of its district."""
    return _may_approve(user, region) or _may_admin_lock(user, region)


def return_require_editor(*, user, region: Region) -> None:
    """Refuse (403) a user who may not fill in the region's forms."""
    if not _may_edit(user, region):
        raise PermissionDenied(_("您没有填报该区域报表的权限。"))


def _not_editable(ret: MonthlyReturn, message: str) -> ReturnNotEditable:
    if ret.waived:
        code = "waived"
    elif ret.locked or ret.status == MonthlyReturn.Status.APPROVED:
        code = "locked"
    elif ret.status == MonthlyReturn.Status.SUBMITTED:
        code = "submitted"
    else:
        code = "not_editable"
    return ReturnNotEditable(message % {"status": ret.status_label}, code=code, monthly_return=ret)


@dataclass(frozen=True)
class ReturnRights:
    edit: bool
    approve: bool
    unlock: bool
    lock: bool
    waive: bool
    unwaive: bool
    deadline_locked_new: bool  # no form yet, and its deadline has passed with locking on


def return_rights(
    *, user, region: Region, dataset: DataSet, month: date, monthly_return: MonthlyReturn | None, today: date
) -> ReturnRights:
    """What this user may do to the form now, as the services will judge it."""
    ret = monthly_return
    deadline_locked_new = ret is None and dataset.lock_after_deadline and today > dataset.deadline_for(month)
    approver = _may_approve(user, region)
    return ReturnRights(
        edit=_may_edit(user, region) and (ret.editable if ret else not deadline_locked_new),
        approve=bool(ret and ret.status == MonthlyReturn.Status.SUBMITTED and approver),
        unlock=bool(ret and ret.locked and _may_lock(user, region)),
        lock=bool(ret and not ret.locked and _may_admin_lock(user, region)),
        waive=approver
        and (
            ret is None
            or (not ret.waived and ret.status in (MonthlyReturn.Status.DRAFT, MonthlyReturn.Status.RETURNED))
        ),
        unwaive=bool(ret and ret.waived and approver),
        deadline_locked_new=deadline_locked_new,
    )


# --- Entry ---------------------------------------------------------------------------------


def return_get_or_create(*, user, region: Region, dataset: DataSet, month: date) -> MonthlyReturn:
    """The region's form for the month, created as a draft on first use."""
    return_require_editor(user=user, region=region)
    _check_applies(region=region, dataset=dataset, month=month)
    with transaction.atomic():
        ret, created = MonthlyReturn.objects.get_or_create(region=region, dataset=dataset, month=month)
        if created:
            ret.updated_by = user
            ret.full_clean()
            ret.save(update_fields=["updated_by"])
            _event(ret, user, ReturnEvent.Action.CREATE)
        _apply_deadline_lock(ret, today=timezone.localdate())
    return ret


def return_save_values(
    *,
    user,
    monthly_return: MonthlyReturn,
    values: Mapping[str, object],
    comments: Mapping[str, str] | None = None,
    expected_version: int,
    source: str = DataValue.Source.RETURN,
    reason: str = "",
) -> Findings:
    """Store the figures typed into a draft; a changed version means someone else saved first.

    Errors (not a number, out of bounds, a broken relation) reject the whole save; the caller
    keeps what was typed. Warnings are returned for display. A figure accepted from a news
    report is the same DataValue row (最多报一次): saving a value takes that row over.
    """
    comments = comments or {}
    return_refresh_deadline_lock(monthly_return=monthly_return)
    with transaction.atomic():
        ret = _lock_row(monthly_return)
        return_require_editor(user=user, region=ret.region)
        if not ret.editable:
            raise _not_editable(ret, _("报表当前状态为“%(status)s”，不能修改。"))
        indicators = selectors.return_indicators(dataset=ret.dataset)
        window = selectors.return_value_window(region=ret.region, indicators=indicators, month=ret.month)
        current = {ind.code: window.get((ind.code, ret.month)) for ind in indicators}
        if ret.version != expected_version:
            raise ReturnConflict(
                monthly_return=ret,
                values={c: dv.value if dv and dv.monthly_return_id == ret.pk else None for c, dv in current.items()},
                comments={c: dv.comment if dv and dv.monthly_return_id == ret.pk else "" for c, dv in current.items()},
            )
        # Figures the form did not post keep their stored value, so relations see the whole form.
        raw = {
            ind.code: values[ind.code] if ind.code in values else _stored(current[ind.code], ret) for ind in indicators
        }
        merged_comments = {
            ind.code: (comments[ind.code] if ind.code in comments else _stored_comment(current[ind.code], ret))
            for ind in indicators
        }
        findings = validate_form(
            indicators=indicators,
            raw_values=raw,
            comments=merged_comments,
            rules=selectors.return_rules(indicators=indicators),
            history={ind.code: selectors.return_history(window, code=ind.code, month=ret.month) for ind in indicators},
        )
        if not findings.ok:
            raise ReturnInvalid(findings)
        changed = 0
        for ind in indicators:
            if ind.code not in values and ind.code not in comments:
                continue
            changed += _write_value(
                ret=ret,
                indicator=ind,
                dv=current[ind.code],
                new=findings.values[ind.code],
                comment=(merged_comments[ind.code] or "").strip(),
                user=user,
                source=source,
                reason=reason,
            )
        if changed:
            ret.version += 1
            ret.updated_by = user
            ret.save(update_fields=["version", "updated_by", "updated_at"])
            action = ReturnEvent.Action.IMPORT if source == DataValue.Source.IMPORT else ReturnEvent.Action.SAVE
            _event(ret, user, action, reason=reason, coalesce=action == ReturnEvent.Action.SAVE)
    monthly_return.refresh_from_db()
    return findings


def _stored(dv: DataValue | None, ret: MonthlyReturn) -> Decimal | None:
    return dv.value if dv is not None and not selectors.return_is_suggestion(dv, ret) else None


def _stored_comment(dv: DataValue | None, ret: MonthlyReturn) -> str:
    return dv.comment if dv is not None and not selectors.return_is_suggestion(dv, ret) else ""


def _write_value(
    *,
    ret: MonthlyReturn,
    indicator: Indicator,
    dv: DataValue | None,
    new: Decimal | None,
    comment: str,
    user,
    source: str,
    reason: str,
) -> int:
    """Apply one cell; returns 1 if anything changed. Every change leaves a DataValueChange."""
    now = timezone.now()
    if dv is not None and selectors.return_is_suggestion(dv, ret):
        if new is None:
            return 0  # a news figure nobody has confirmed stays a suggestion
        why = reason or f"确认新闻报道数值（原为 {exact(dv.value)}）"
    else:
        why = reason
    if dv is None:
        if new is None:
            return 0
        dv = DataValue(
            indicator=indicator,
            region=ret.region,
            period_type=MONTH,
            period_start=ret.month,
            value=new,
            source=source,
            status=VALUE_STATUS[ret.status],
            comment=comment,
            monthly_return=ret,
            updated_by=user,
            updated_at=now,
        )
        dv.full_clean()
        dv.save()
        _record_change(ret, indicator, dv, user, None, new, why or comment)
        return 1
    if new is None:
        _record_change(ret, indicator, None, user, dv.value, None, why or "清空数值")
        dv.delete()
        return 1
    old_value, old_comment = dv.value, dv.comment
    taken_over = dv.monthly_return_id != ret.pk
    if old_value == new and old_comment == comment and not taken_over:
        return 0
    dv.value, dv.comment, dv.updated_by, dv.updated_at = new, comment, user, now
    dv.monthly_return, dv.status = ret, VALUE_STATUS[ret.status]
    if taken_over:
        dv.source = source
    dv.full_clean()
    dv.save(update_fields=["value", "comment", "updated_by", "updated_at", "monthly_return", "status", "source"])
    if old_value != new or taken_over:
        _record_change(ret, indicator, dv, user, old_value, new, why or comment)
    else:
        _record_change(ret, indicator, dv, user, old_value, new, f"修改备注：{comment or '（清空）'}")
    return 1


def _record_change(ret, indicator, dv, user, old, new, reason: str) -> None:
    last = DataValueChange.objects.filter(monthly_return=ret, indicator=indicator).order_by("-at", "-id").first()
    if (
        last is not None
        and last.user_id == getattr(user, "pk", None)
        and not last.new_status
        and timezone.now() - last.at < COALESCE_WINDOW
        and last.new_value == old
        and last.reason.startswith("修改备注") == reason.startswith("修改备注")
    ):
        # Keystroke-level autosaves: extend the open entry instead of writing one per pause.
        last.new_value, last.at, last.data_value = new, timezone.now(), dv
        last.reason = reason or last.reason
        last.save(update_fields=["new_value", "at", "data_value", "reason"])
        return
    DataValueChange.objects.create(
        data_value=dv,
        indicator=indicator,
        monthly_return=ret,
        user=user,
        old_value=old,
        new_value=new,
        reason=reason,
    )


# --- Workflow ------------------------------------------------------------------------------


def return_submit(*, user, monthly_return: MonthlyReturn, expected_version: int | None = None) -> MonthlyReturn:
    """草稿/已退回 → 已提交, once every rule holds and every warning is explained."""
    return_refresh_deadline_lock(monthly_return=monthly_return)
    with transaction.atomic():
        ret = _lock_row(monthly_return)
        if not _may_edit(user, ret.region):
            raise PermissionDenied(_("您没有提交该区域报表的权限。"))
        if not ret.editable:
            raise _not_editable(ret, _("报表当前状态为“%(status)s”，不能提交。"))
        if expected_version is not None and ret.version != expected_version:
            raise ReturnError(
                _("报表已被他人修改，请刷新页面核对后再提交。"), code="version_conflict", monthly_return=ret
            )
        findings = return_check(monthly_return=ret, submitting=True)
        if not findings.ok:
            raise ReturnInvalid(findings, _("报表未通过校验，不能提交。请按提示修改。"), code="checks_failed")
        if not any(v is not None for v in findings.values.values()):
            raise ReturnError(_("报表没有填写任何数值，不能提交。"), code="empty_return")
        now = timezone.now()
        _transition(ret, user, ReturnEvent.Action.SUBMIT, MonthlyReturn.Status.SUBMITTED, reason="")
        ret.submitted_by, ret.submitted_at = user, now
        ret.save(update_fields=["submitted_by", "submitted_at"])
        _notify(
            _approvers_above(ret.region),
            f"{ret.region.display_name}报送了{_label(ret)}，待审核",
            _link(ret),
        )
    return ret


def return_check(*, monthly_return: MonthlyReturn, submitting: bool = True) -> Findings:
    """Validate the figures stored in a form, as submission would."""
    ret = monthly_return
    indicators = selectors.return_indicators(dataset=ret.dataset)
    window = selectors.return_value_window(region=ret.region, indicators=indicators, month=ret.month)
    current = {ind.code: window.get((ind.code, ret.month)) for ind in indicators}
    return validate_form(
        indicators=indicators,
        raw_values={c: _stored(dv, ret) for c, dv in current.items()},
        comments={c: _stored_comment(dv, ret) for c, dv in current.items()},
        rules=selectors.return_rules(indicators=indicators),
        history={ind.code: selectors.return_history(window, code=ind.code, month=ret.month) for ind in indicators},
        submitting=submitting,
    )


def return_self_approval_reason(*, user, monthly_return: MonthlyReturn) -> str | None:
    """Why this user may not approve this form, or None: an approval is a second person's check.

    Both the submitter and whoever last saved the figures are excluded; the setting
    RETURNS_ALLOW_SELF_APPROVAL waives the rule for districts with a single member of staff.
    """
    ret = monthly_return
    if settings.RETURNS_ALLOW_SELF_APPROVAL or user.pk not in _own_work(ret):
        return None
    if ret.submitted_by_id == user.pk:
        return _("您提交了这份报表，不能审核自己提交的报表，请由另一位审核员审核。")
    return _("您最后修改了这份报表的数值，不能审核自己填报的数值，请由另一位审核员审核。")


def _own_work(ret: MonthlyReturn) -> set[int | None]:
    """The submitter and whoever last saved or imported the figures (updated_by also moves on submit)."""
    last_saver = (
        ret.events.filter(action__in=[ReturnEvent.Action.SAVE, ReturnEvent.Action.IMPORT])
        .values_list("user_id", flat=True)
        .first()
    )
    return {ret.submitted_by_id, last_saver} - {None}


def return_approve(*, user, monthly_return: MonthlyReturn, note: str = "") -> MonthlyReturn:
    """已提交 → 已审核 and locked; only an approver above the region, once its children are done."""
    with transaction.atomic():
        ret = _lock_row(monthly_return)
        if not _may_approve(user, ret.region):
            raise PermissionDenied(_("只有上级区域的审核员可以审核此报表。"))
        if ret.status != MonthlyReturn.Status.SUBMITTED or ret.waived:
            raise ReturnError(
                _("只有已提交的报表可以审核（当前：%(status)s）。") % {"status": ret.status_label}, code="not_submitted"
            )
        reason = return_self_approval_reason(user=user, monthly_return=ret)
        if reason:
            raise ReturnSelfApproval(reason)
        own_work = user.pk in _own_work(ret)
        blocking = selectors.return_blocking_children(monthly_return=ret, today=timezone.localdate())
        if blocking:
            names = "、".join(f"{c.region.display_name}（{c.state_label}）" for c in blocking[:10])
            more = f"等 {len(blocking)} 个" if len(blocking) > 10 else ""
            raise ReturnChildrenPending(
                _("下级区域尚未全部审核或免报：%(names)s%(more)s。请先处理下级报表。") % {"names": names, "more": more},
                blocking=blocking,
            )
        now = timezone.now()
        _transition(ret, user, ReturnEvent.Action.APPROVE, MonthlyReturn.Status.APPROVED, reason=note)
        ret.approved_by, ret.approved_at = user, now
        ret.locked, ret.lock_reason, ret.locked_by, ret.locked_at = True, MonthlyReturn.LockReason.APPROVAL, user, now
        ret.full_clean()
        ret.save(update_fields=["approved_by", "approved_at", "locked", "lock_reason", "locked_by", "locked_at"])
        _audit(user, "return_approve", ret, note=note)
        if own_work:
            # Only reachable with RETURNS_ALLOW_SELF_APPROVAL: the waiver is on the record, per form.
            _audit(user, "return_self_approve", ret, note=note, submitted_by=ret.submitted_by_id)
        _notify(_submitters(ret), f"{_label(ret)}已审核通过", _link(ret))
    return ret


def return_send_back(*, user, monthly_return: MonthlyReturn, reason: str) -> MonthlyReturn:
    """已提交 → 已退回 with the approver's reason, which the form then shows to its staff."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写退回原因。")})
    with transaction.atomic():
        ret = _lock_row(monthly_return)
        if not _may_approve(user, ret.region):
            raise PermissionDenied(_("只有上级区域的审核员可以退回此报表。"))
        if ret.status != MonthlyReturn.Status.SUBMITTED:
            raise ReturnError(
                _("只有已提交的报表可以退回（当前：%(status)s）。") % {"status": ret.status_label}, code="not_submitted"
            )
        _transition(ret, user, ReturnEvent.Action.RETURN, MonthlyReturn.Status.RETURNED, reason=reason)
        _audit(user, "return_send_back", ret, reason=reason)
        _notify(_submitters(ret), f"{_label(ret)}被退回：{reason[:100]}", _link(ret))
    return ret


def return_unlock(*, user, monthly_return: MonthlyReturn, reason: str) -> MonthlyReturn:
    """Lift a lock, explicitly and with a reason; an approved form goes back to its staff as 已退回."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写解锁原因。")})
    with transaction.atomic():
        ret = _lock_row(monthly_return)
        if not _may_lock(user, ret.region):
            raise PermissionDenied(_("只有上级审核员或管理员可以解锁。"))
        if not ret.locked:
            raise ReturnError(_("该报表未锁定。"), code="not_locked")
        old_reason = ret.lock_reason
        ret.locked, ret.lock_reason, ret.locked_by, ret.locked_at = False, "", None, None
        if old_reason == MonthlyReturn.LockReason.DEADLINE:
            ret.deadline_lifted = True
        ret.save(update_fields=["locked", "lock_reason", "locked_by", "locked_at", "deadline_lifted"])
        if ret.status == MonthlyReturn.Status.APPROVED:
            _transition(
                ret, user, ReturnEvent.Action.UNLOCK, MonthlyReturn.Status.RETURNED, reason=f"解锁修改：{reason}"
            )
        else:
            _event(ret, user, ReturnEvent.Action.UNLOCK, reason=reason)
            _bump(ret)
        _audit(user, "return_unlock", ret, reason=reason, lock_reason=old_reason)
        _notify(_submitters(ret) or _staff_of(ret.region), f"{_label(ret)}已解锁：{reason[:100]}", _link(ret))
    return ret


def return_lock(*, user, monthly_return: MonthlyReturn, reason: str) -> MonthlyReturn:
    """An administrator freezes a form (e.g. during an inspection); the reason is recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写锁定原因。")})
    with transaction.atomic():
        ret = _lock_row(monthly_return)
        if not _may_admin_lock(user, ret.region):
            raise PermissionDenied(_("只有管理员可以锁定报表。"))
        if ret.locked:
            raise ReturnError(
                _("报表已处于锁定状态（%(reason)s）。") % {"reason": ret.get_lock_reason_display()},
                code="already_locked",
            )
        ret.locked, ret.lock_reason = True, MonthlyReturn.LockReason.ADMIN
        ret.locked_by, ret.locked_at, ret.status_reason = user, timezone.now(), reason
        ret.save(update_fields=["locked", "lock_reason", "locked_by", "locked_at", "status_reason"])
        _event(ret, user, ReturnEvent.Action.LOCK, reason=reason)
        _bump(ret)
        _audit(user, "return_lock", ret, reason=reason)
    return ret


def return_waive(*, user, region: Region, dataset: DataSet, month: date, reason: str) -> MonthlyReturn:
    """Excuse a region from one month's form, so that its parent can be approved without it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写免报原因。")})
    if not _may_approve(user, region):
        raise PermissionDenied(_("只有上级区域的审核员可以设置免报。"))
    _check_applies(region=region, dataset=dataset, month=month)
    with transaction.atomic():
        ret = _lock_row(MonthlyReturn.objects.get_or_create(region=region, dataset=dataset, month=month)[0])
        if ret.status in (MonthlyReturn.Status.SUBMITTED, MonthlyReturn.Status.APPROVED):
            raise ReturnError(
                _("已提交或已审核的报表不能设为免报。"), code="already_waived" if ret.waived else "not_waivable"
            )
        if ret.waived:
            raise ReturnError(_("该报表已是免报状态。"), code="already_waived")
        ret.waived, ret.waiver_reason, ret.updated_by = True, reason, user
        ret.save(update_fields=["waived", "waiver_reason", "updated_by", "updated_at"])
        _event(ret, user, ReturnEvent.Action.WAIVE, reason=reason)
        _bump(ret)
        _audit(user, "return_waive", ret, reason=reason)
    return ret


def return_unwaive(*, user, monthly_return: MonthlyReturn, reason: str = "") -> MonthlyReturn:
    with transaction.atomic():
        ret = _lock_row(monthly_return)
        if not _may_approve(user, ret.region):
            raise PermissionDenied(_("只有上级区域的审核员可以取消免报。"))
        if not ret.waived:
            raise ReturnError(_("该报表不是免报状态。"), code="not_waived")
        ret.waived, ret.waiver_reason, ret.updated_by = False, "", user
        ret.save(update_fields=["waived", "waiver_reason", "updated_by", "updated_at"])
        _event(ret, user, ReturnEvent.Action.UNWAIVE, reason=reason)
        _bump(ret)
        _audit(user, "return_unwaive", ret, reason=reason)
    return ret


def return_lock_overdue(*, today: date | None = None) -> int:
    """Lock every draft past its deadline where the data set asks for it; safe to run repeatedly."""
    today = today or timezone.localdate()
    count = 0
    candidates = MonthlyReturn.objects.filter(
        dataset__lock_after_deadline=True,
        locked=False,
        waived=False,
        deadline_lifted=False,
        status=MonthlyReturn.Status.DRAFT,
        month__lt=Period.containing(today).start,
    ).select_related("dataset")
    for ret in candidates:
        with transaction.atomic():
            count += _apply_deadline_lock(_lock_row(ret), today=today)
    return count


def return_refresh_deadline_lock(*, monthly_return: MonthlyReturn, today: date | None = None) -> MonthlyReturn:
    """Lock a draft whose deadline has passed, if its data set says so (idempotent; its own transaction,
    so the lock and its event stay even when the caller's action then fails)."""
    with transaction.atomic():
        if _apply_deadline_lock(_lock_row(monthly_return), today=today or timezone.localdate()):
            monthly_return.refresh_from_db()
    return monthly_return


# --- Reminders -----------------------------------------------------------------------------


def reminder_send(
    *, user, region: Region, month: date, dataset: DataSet | None = None, message: str = ""
) -> list[Notification]:
    """Remind a region's staff of the forms still open for ``month``: in the portal, and by e-mail
    to those who have an address (the transport is settings.EMAIL_BACKEND)."""
    if not access.can_approve_region(user, region):
        raise PermissionDenied(_("只能向下级区域催报。"))
    datasets = [dataset] if dataset else selectors.return_datasets_for(region=region)
    forms = {r.dataset_id: r for r in MonthlyReturn.objects.filter(region=region, month=month)}
    open_forms = [
        ds
        for ds in datasets
        if not (forms.get(ds.pk) and (forms[ds.pk].waived or forms[ds.pk].status in ("submitted", "approved")))
    ]
    if not open_forms:
        raise ReturnError(
            _("%(region)s的%(month)s报表均已报送，无需催报。")
            % {"region": region.display_name, "month": Period(MONTH, month).label}
        )
    recipients = _staff_of(region, below=access.scope_path(user) or "")
    if not recipients:
        raise ReturnError(_("%(region)s及其上级暂无填报员账号，无法催报。") % {"region": region.display_name})
    names = "、".join(ds.name for ds in open_forms)
    deadline = min(ds.deadline_for(month) for ds in open_forms)
    text = message.strip() or (
        f"请尽快报送{region.display_name}{Period(MONTH, month).label}的{names}（截止 {deadline:%Y-%m-%d}）"
    )
    first = open_forms[0]
    link = reverse(
        "metrics:return_form", kwargs={"region_id": region.pk, "dataset": first.code, "month": f"{month:%Y-%m}"}
    )
    with transaction.atomic():
        notes = _notify(recipients, text[:300], link)
        for ds in open_forms:
            if ds.pk in forms:
                _event(forms[ds.pk], user, ReturnEvent.Action.REMIND, reason=text)
        audit_record(
            user=user,
            action="return_remind",
            target=f"{region.display_name} {month:%Y-%m}",
            detail={"region": region.pk, "datasets": [ds.code for ds in open_forms], "to": [u.pk for u in recipients]},
        )
        emails = [u.email for u in recipients if u.email]
        if emails:
            transaction.on_commit(lambda: _send_reminder_mail(emails, text))
    return notes


def _send_reminder_mail(emails: list[str], text: str) -> None:
    try:
        send_mail("【基层党建数据平台】催报提醒", text, settings.DEFAULT_FROM_EMAIL, emails)
    except OSError:
        # The portal notification is already stored; a mail outage must not undo it.
        logger.exception("reminder e-mail failed")


# --- Helpers -------------------------------------------------------------------------------


def _check_applies(*, region: Region, dataset: DataSet, month: date) -> None:
    if region.level not in dataset.levels:
        raise ValidationError(
            _("%(level)s不填报“%(form)s”。") % {"level": region.get_level_display(), "form": dataset.name}
        )
    if month.day != 1:
        raise ValidationError(_("月份应为当月第一天。"))
    if month > Period.containing(timezone.localdate()).start:
        raise ValidationError(_("不能填报未来月份的报表。"))


def _lock_row(ret: MonthlyReturn) -> MonthlyReturn:
    return (
        MonthlyReturn.objects.select_for_update(of=("self",))
        .select_related("region", "dataset", "updated_by")
        .get(pk=ret.pk)
    )


def _apply_deadline_lock(ret: MonthlyReturn, *, today: date) -> int:
    if (
        ret.dataset.lock_after_deadline
        and not ret.locked
        and not ret.waived
        and not ret.deadline_lifted
        and ret.status == MonthlyReturn.Status.DRAFT
        and today > ret.dataset.deadline_for(ret.month)
    ):
        ret.locked, ret.lock_reason, ret.locked_at = True, MonthlyReturn.LockReason.DEADLINE, timezone.now()
        ret.save(update_fields=["locked", "lock_reason", "locked_at"])
        _event(
            ret, None, ReturnEvent.Action.LOCK, reason=f"超过截止日期 {ret.dataset.deadline_for(ret.month)} 自动锁定"
        )
        return 1
    return 0


def _transition(ret: MonthlyReturn, user, action: str, status: str, *, reason: str) -> None:
    """Move the form and all its figures to ``status``; the figures' history notes the step."""
    old = ret.status
    ret.status = status
    ret.status_reason = reason if status in (MonthlyReturn.Status.RETURNED,) else ""
    ret.version += 1
    ret.updated_by = user
    ret.full_clean()
    ret.save(update_fields=["status", "status_reason", "version", "updated_by", "updated_at"])
    new_value_status = VALUE_STATUS[status]
    values = list(ret.values.exclude(status=new_value_status))
    now = timezone.now()
    DataValueChange.objects.bulk_create(
        DataValueChange(
            data_value=dv,
            indicator_id=dv.indicator_id,
            monthly_return=ret,
            user=user,
            at=now,
            old_value=dv.value,
            new_value=dv.value,
            old_status=dv.status,
            new_status=new_value_status,
            reason=f"{ReturnEvent.Action(action).label}{'：' + reason if reason else ''}",
        )
        for dv in values
    )
    ret.values.update(status=new_value_status)
    _event(ret, user, action, old_status=old, new_status=status, reason=reason)


def _bump(ret: MonthlyReturn) -> None:
    ret.version += 1
    ret.save(update_fields=["version", "updated_at"])


def _event(ret, user, action, *, old_status="", new_status="", reason="", coalesce=False) -> ReturnEvent:
    if coalesce:
        last = ret.events.order_by("-at", "-id").first()
        if (
            last is not None
            and last.action == action
            and last.user_id == getattr(user, "pk", None)
            and timezone.now() - last.at < COALESCE_WINDOW
        ):
            last.at = timezone.now()
            last.save(update_fields=["at"])
            return last
    return ReturnEvent.objects.create(
        monthly_return=ret,
        action=action,
        user=user,
        old_status=old_status or ret.status,
        new_status=new_status or ret.status,
        reason=reason,
    )


def _audit(user, action: str, ret: MonthlyReturn, **detail) -> None:
    audit_record(
        user=user,
        action=action,
        target=f"{ret.region.display_name} {ret.dataset.name} {ret.month:%Y-%m}",
        detail={"monthly_return": ret.pk, **{k: v for k, v in detail.items() if v}},
    )


def _approvers_above(region: Region) -> list:
    """The approvers of the nearest ancestor that has any: they are the ones who act."""
    profiles = list(
        Profile.objects.filter(
            role=Profile.Role.APPROVER, region__path__in=region.ancestor_paths(include_self=False)
        ).select_related("user", "region")
    )
    if not profiles:
        return []
    nearest = max(p.region.path for p in profiles)
    return [p.user for p in profiles if p.region.path == nearest and p.user.is_active]


def _staff_of(region: Region, below: str = "") -> list:
    """Editors of the region, else of its nearest ancestor (still below ``below``) that has some."""
    paths = [
        p for p in region.ancestor_paths(include_self=True) if p == region.path or (p.startswith(below) and p != below)
    ]
    profiles = list(
        Profile.objects.filter(role=Profile.Role.EDITOR, region__path__in=paths).select_related("user", "region")
    )
    if not profiles:
        return []
    nearest = max(p.region.path for p in profiles)
    return [p.user for p in profiles if p.region.path == nearest and p.user.is_active]


def _submitters(ret: MonthlyReturn) -> list:
    """Who should hear about a decision on the form: its submitter, else the region's staff."""
    if ret.submitted_by is not None and ret.submitted_by.is_active:
        return [ret.submitted_by]
    return _staff_of(ret.region)


def _notify(users, message: str, link: str) -> list[Notification]:
    return Notification.objects.bulk_create(
        Notification(user=u, message=message[:300], link=link) for u in {u.pk: u for u in users}.values()
    )


def _label(ret: MonthlyReturn) -> str:
    return f"{ret.region.display_name}{Period(MONTH, ret.month).label}“{ret.dataset.name}”"


def _link(ret: MonthlyReturn) -> str:
    return reverse(
        "metrics:return_form",
        kwargs={"region_id": ret.region_id, "dataset": ret.dataset.code, "month": f"{ret.month:%Y-%m}"},
    )


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


# --- Regions from the national gazetteer ------------------------------------------------------

# The gazetteer's levels -> the tree's: its "street" covers 街道/镇/乡, "community" 社区/村; the
# tree has no province, so a city is a top row.
GAZETTEER_LEVELS = {
    "city": Region.Level.CITY,
    "district": Region.Level.DISTRICT,
    "street": Region.Level.STREET,
    "community": Region.Level.COMMUNITY,
}
_LEVEL_RANK = {"province": 0, "city": 1, "district": 2, "street": 3, "community": 4}


class RegionImportError(Exception):
    """An import that cannot run (no gazetteer data, a division the tree has no level for); shown as is."""


@dataclass
class ImportResult:
    """What one import did: rows created per level, rows matched and kept, empty codes filled."""

    root: Region | None = None
    created: Counter[str] = field(default_factory=Counter)
    kept: int = 0
    updated: int = 0
    # Streets the gazetteer puts here that the tree keeps under a 功能区 of the same city.
    skipped: list[str] = field(default_factory=list)

    @property
    def created_total(self) -> int:
        return sum(self.created.values())

    def summary(self) -> str:
        """One line for a terminal: ``中原区: 14 streets, 146 communities created, 0 kept``."""
        parts = [
            _plural(self.created[level], noun)
            for level, noun in ((Region.Level.CITY, "city"), (Region.Level.DISTRICT, "district"))
            if self.created[level]
        ]
        parts += [
            _plural(self.created[Region.Level.STREET], "street"),
            _plural(self.created[Region.Level.COMMUNITY], "community"),
        ]
        line = f"{self.root.name if self.root else '?'}: {', '.join(parts)} created, {self.kept} kept"
        if self.updated:
            line += f", {_plural(self.updated, 'code')} filled in"
        if self.skipped:
            line += f"; left under another district: {'、'.join(self.skipped)}"
        return line


def region_gazetteer() -> Gazetteer:
    """The national gazetteer; RegionImportError when its data package (jionlp) is not installed."""
    from extraction.gazetteer import Gazetteer  # imported here: the extraction package loads jieba

    gazetteer = Gazetteer.load()
    if gazetteer is None:
        raise RegionImportError(_("未安装全国行政区划数据（jionlp 的 china_location.zip），无法导入。"))
    return gazetteer


def region_import_subtree(
    *, division: Division, depth: str = Region.Level.COMMUNITY, parent: Region | None = None, user=None
) -> ImportResult:
    """Match or create a gazetteer division and its subtree down to ``depth`` in the region tree.

    Safe to run again: each division is matched by 区划代码, then by name (or an alias) under the
    same parent, and a matched row is kept as it is (an empty code is filled in); nothing is
    renamed, moved or deleted. Without ``parent`` the division's city is matched or created first.
    With a ``user`` (the admin) the division must already be a region that user administers, and
    nothing above it is touched. Audited when it changed something.
    """
    gazetteer = region_gazetteer()
    if division.level not in ("city", "district", "street"):
        raise RegionImportError(_("只能导入市、区/县或街道/乡镇的下级区域：%(name)s") % {"name": division.name})
    if depth not in (Region.Level.STREET, Region.Level.COMMUNITY):
        raise RegionImportError(_("导入层级应为 street 或 community。"))
    result = ImportResult()
    with transaction.atomic():
        if user is not None:
            root = _region_matching(division, parent)
            if root is None or not access.can_administer_region(user, root):
                raise PermissionDenied(_("只能为您管理范围内已有的区域导入下级区域。"))
            _keep(root, division, result)
            fresh = False
        else:
            if parent is None:
                parent = _import_ancestors(gazetteer, division, result)
            root = _region_matching(division, parent)
            fresh = root is None
            root = _create(division, parent, result) if fresh else _keep(root, division, result)
        result.root = root
        _import_below(gazetteer, division.index, root, _LEVEL_RANK[depth], result, fresh=fresh)
        if result.created_total or result.updated:
            audit_record(
                user=user,
                action="region_import",
                target=root.display_name,
                detail={
                    "division": division.code or division.name,
                    "depth": depth,
                    "created": dict(result.created),
                    "updated": result.updated,
                    "kept": result.kept,
                    "skipped": result.skipped,
                },
            )
    return result


def _import_ancestors(gazetteer: Gazetteer, division: Division, result: ImportResult) -> Region | None:
    """Match or create the division's ancestors below the province; the nearest one is returned."""
    parent = None
    for i in reversed(gazetteer.ancestors(division.index)):
        above = gazetteer.division(i)
        if above.level == "province":
            continue
        region = _region_matching(above, parent)
        parent = _create(above, parent, result) if region is None else _keep(region, above, result)
    return parent


def _region_matching(division: Division, parent: Region | None) -> Region | None:
    """The existing region a division stands for: by 区划代码 anywhere, else by name under ``parent``."""
    if division.code:
        region = Region.objects.filter(code=division.code).order_by("path").first()
        if region is not None:
            return region
    return _Siblings(Region.objects.filter(parent=parent)).match(division)


def _import_below(
    gazetteer: Gazetteer, index: int, region: Region, depth_rank: int, result: ImportResult, *, fresh: bool
) -> None:
    if _LEVEL_RANK[gazetteer.level_of(index)] >= depth_rank:
        return
    # A region created just now has no children to match: skip the query.
    siblings = _Siblings([] if fresh else region.children.all())
    zoned = _zoned_streets(gazetteer, index, region) if gazetteer.level_of(index) == "district" else set()
    for child_index in gazetteer.children(index):
        child = gazetteer.division(child_index)
        existing = siblings.match(child)
        if existing is None and child.name in zoned:
            result.skipped.append(child.name)
            continue
        if existing is None:
            existing = _create(child, region, result)
            siblings.add(existing)
        else:
            _keep(existing, child, result)
        _import_below(gazetteer, child_index, existing, depth_rank, result, fresh=existing.pk in siblings.created)


def _zoned_streets(gazetteer: Gazetteer, index: int, district: Region) -> set[str]:
    """Names of the streets kept under a 功能区 (示范区, 开发区) of the district's city.

    Such a zone is no division of the gazetteer, yet it administers streets carved out of a real
    district, which the gazetteer still lists under that district: creating them there again would
    show one street twice. Two real counties each with a 城关镇 are both divisions, so neither
    counts here.
    """
    city_index = gazetteer.division(index).parent
    if district.parent_id is None or city_index < 0:
        return set()
    known = [gazetteer.division(i) for i in gazetteer.children(city_index)]
    codes = {d.code for d in known if d.code}
    names = {d.name for d in known} | {d.short for d in known if d.short}
    zoned: set[str] = set()
    others = Region.objects.filter(parent_id=district.parent_id).exclude(pk=district.pk).prefetch_related("children")
    for other in others:
        if other.code in codes or {other.name, *other.alias_list()} & names:
            continue
        for street in other.children.all():
            zoned |= {street.name, *street.alias_list()}
    return zoned


class _Siblings:
    """The children of one parent, looked up by code, name and alias while an import adds to them."""

    def __init__(self, regions) -> None:
        self.by_code: dict[str, Region] = {}
        self.by_name: dict[str, Region] = {}
        self.by_alias: dict[str, Region] = {}
        self.created: set[int] = set()
        for region in regions:
            self._index(region)

    def _index(self, region: Region) -> None:
        if region.code:
            self.by_code.setdefault(region.code, region)
        self.by_name.setdefault(region.name, region)
        for alias in region.alias_list():
            self.by_alias.setdefault(alias, region)

    def add(self, region: Region) -> None:
        self._index(region)
        self.created.add(region.pk)

    def match(self, division: Division) -> Region | None:
        if division.code and division.code in self.by_code:
            return self.by_code[division.code]
        found = self.by_name.get(division.name) or self.by_alias.get(division.name)
        # Short forms (郑州, 中原) only for coded rows, where the gazetteer gives them.
        if found is None and division.code and division.short:
            found = self.by_name.get(division.short) or self.by_alias.get(division.short)
        return found


def _create(division: Division, parent: Region | None, result: ImportResult) -> Region:
    region = Region(name=division.name, level=GAZETTEER_LEVELS[division.level], code=division.code, parent=parent)
    region.full_clean(exclude={"path"})  # the path is computed on save
    # One save per row, not bulk_create: saving is what marks the parent's roll-ups when it gains a child.
    region.save()
    result.created[region.level] += 1
    return region


def _keep(region: Region, division: Division, result: ImportResult) -> Region:
    if division.code and not region.code:
        region.code = division.code
        region.full_clean(exclude={"path"})
        region.save(update_fields=["code"])
        result.updated += 1
    else:
        result.kept += 1
    return region


def _plural(n: int, noun: str) -> str:
    if n == 1:
        return f"1 {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


__all__ = [
    "ImportResult",
    "RegionImportError",
    "ReturnConflict",
    "ReturnError",
    "ReturnInvalid",
    "ReturnSelfApproval",
    "region_gazetteer",
    "region_import_subtree",
    "reminder_send",
    "return_approve",
    "return_check",
    "return_get_or_create",
    "return_lock",
    "return_lock_overdue",
    "return_refresh_deadline_lock",
    "return_save_values",
    "return_self_approval_reason",
    "return_send_back",
    "return_submit",
    "return_unlock",
    "return_unwaive",
    "return_waive",
]
