"""The home page's read: what each role sees first, across returns and reports (it sits above both)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from metrics.models import DataSet, MonthlyReturn
from metrics.periods import Period
from portal import access
from reports.models import Report


def home_summary(*, user, today: date | None = None) -> dict:
    """What is due, what awaits approval and recent reports, all inside the user's scope."""
    today = today or timezone.localdate()
    month = Period.containing(today).previous()  # returns are due for the month just ended
    root = access.scope_root(user)
    summary: dict = {"month": month, "root": root, "due": [], "awaiting": [], "reports": []}
    if root is None:
        return summary
    returns = access.filter_for_user(user, MonthlyReturn.objects.select_related("region", "dataset"))
    if access.can_write(user):
        # Forms of the user's own region for last month that are not yet submitted.
        done = {r.dataset_id: r for r in returns.filter(region=root, month=month.start)}
        for ds in DataSet.objects.all():  # a handful of rows; JSON containment differs per backend
            if root.level not in ds.levels:
                continue
            ret = done.get(ds.pk)
            if ret is None or ret.status in (MonthlyReturn.Status.DRAFT, MonthlyReturn.Status.RETURNED):
                summary["due"].append({"dataset": ds, "return": ret, "deadline": ds.deadline_for(month.start)})
    if access.can_approve(user):
        summary["awaiting"] = list(
            returns.filter(status=MonthlyReturn.Status.SUBMITTED).exclude(region=root).order_by("submitted_at")[:20]
        )
    summary["reports"] = list(access.filter_for_user(user, Report.objects.select_related("region"))[:8])
    summary["notifications"] = list(user.notifications.filter(read_at__isnull=True)[:5])
    return summary
