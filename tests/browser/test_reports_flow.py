"""A staff member submits a news report in the browser, watches it get parsed without reloading,
and reviews its figures with the keyboard."""

import pytest

from metrics.models import DataValue
from reports.models import Mention, Report
from reports.services import report_requeue_stale
from tests.browser.conftest import login, submit_sample_report
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker_down():
    """Submissions find no broker, so the report honestly waits as 待解析 until the sweep runs."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
    app._pool, app.amqp._producer_pool = None, None

    def back_up():
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool, app.amqp._producer_pool = None, None

    yield back_up
    back_up()


def test_submit_watch_parse_and_accept_with_the_keyboard(live_server, page, world, editor_a, broker_down):
    login(page, live_server, "editor_a", PASSWORD)
    submit_sample_report(page, world)
    page.wait_for_selector("#report-status [data-status=pending]")

    broker_down()  # the broker is back: the beat sweep queues the report, the page updates by itself
    assert report_requeue_stale()["requeued"] == 1
    page.wait_for_selector("#report-status [data-status=parsed]", timeout=10_000)
    assert Report.objects.get().status == Report.Status.PARSED

    page.click("text=审核数据")
    page.wait_for_selector("mark.mention")
    first = Mention.objects.filter(report__title="金海路街道走访报道").order_by("start").first()
    page.wait_for_selector(f"#m{first.pk}.current")  # review.js selects the first figure

    page.keyboard.press("e")
    page.fill(f"#m{first.pk} input[name=m{first.pk}-period]", "2024-03")
    page.click(f"#m{first.pk} button[name=and_accept]")
    page.wait_for_selector(f"#m{first.pk}.review-accepted")
    assert page.locator(f"#t{first.pk}.review-accepted").count() == 1

    page.keyboard.press("j")
    second = Mention.objects.filter(report=first.report).order_by("start")[1]
    page.wait_for_selector(f"#m{second.pk}.current")
    page.keyboard.press("r")
    page.wait_for_selector(f"#m{second.pk}.review-rejected")

    dv = DataValue.objects.get()
    assert (dv.mention.pk, dv.source, dv.status) == (first.pk, "report", "submitted")
    assert Mention.objects.get(pk=second.pk).review == Mention.Review.REJECTED
    assert page.console_errors == []
