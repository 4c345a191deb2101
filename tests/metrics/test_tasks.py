"""The periodic deadline lock locks overdue drafts once, and says which lock it is."""

from datetime import date

from metrics.models import DataSet, MonthlyReturn
from metrics.services import return_lock_overdue
from metrics.tasks import lock_overdue_returns
from tests.factories import monthly_return


def test_overdue_drafts_are_locked_by_deadline_and_only_once(world, settings):
    ds = DataSet.objects.get(code="service")
    ds.lock_after_deadline = True
    ds.save()
    late = monthly_return(world.community_a, ds, date(2020, 1, 1))
    assert lock_overdue_returns.delay().get() == 1
    late.refresh_from_db()
    assert late.locked and late.lock_reason == MonthlyReturn.LockReason.DEADLINE
    assert return_lock_overdue() == 0
