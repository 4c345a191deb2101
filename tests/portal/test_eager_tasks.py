"""Tasks run in-process (no REDIS_URL) let an unexpected error reach the caller instead of
swallowing it; domain failures are still recorded on the row (tests/reports/test_parse.py)."""

import pytest
from django.conf import settings

from portal.tasks import ping_database

pytestmark = pytest.mark.skipif(not settings.CELERY_TASK_ALWAYS_EAGER, reason="tasks go to a real worker")


@pytest.mark.django_db
def test_an_in_process_task_error_reaches_the_caller():
    with pytest.raises(ValueError):
        ping_database.delay("not an id")


@pytest.mark.django_db
def test_an_in_process_task_returns_its_result(world):
    assert ping_database.delay(world.district_a.pk).get() == world.district_a.name
