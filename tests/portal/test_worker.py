"""A real Celery worker process picks up a task queued after commit (REDIS_URL + PostgreSQL only)."""

import pytest

from portal.tasks import ping_database

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_real_worker_reads_the_test_database(celery_worker_process, world):
    result = ping_database.delay(world.community_a.pk)
    assert result.get(timeout=30) == "朱庄社区"
