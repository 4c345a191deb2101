"""The whole path in a real browser: street staff fill and submit a month and a news report, the district
approves, the dashboard shows the figures and the PDF summary downloads with the region in it."""

import shutil
import subprocess

import pytest

from metrics.models import DataValue, MonthlyReturn
from reports.models import Report
from tests.browser.conftest import login, open_street_projects_form, submit_sample_report
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_month_and_report_to_approval_dashboard_and_pdf(
    live_server, browser, page, world, street_editor_a, approver_a, tmp_path
):
    # Street staff fill the month's 项目建设 form and submit it.
    month, form_path = open_street_projects_form(page, live_server, world)
    page.fill("#v_projects", "3")
    page.fill("#v_projects_completed", "1")
    page.fill("#v_jobs", "47")
    page.click("#submit-button")
    page.wait_for_load_state()
    assert page.locator("[data-status]").inner_text() == "已提交"

    # They submit a news report, watch it parse, and accept its confident figures.
    submit_sample_report(page, world)
    page.wait_for_selector("#report-status [data-status=parsed]", timeout=15_000)
    page.click("text=审核数据")
    page.wait_for_selector("mark.mention")
    # The reviewer sets the bar at 0.6: the sample's four figures are all right, and the fitted
    # confidences put them between 0.6 and 0.85 (the default 0.7 would take two of them).
    page.fill("form[action$='accept-above/'] input[name=threshold]", "0.6")
    page.click("form[action$='accept-above/'] button[type=submit]")
    page.wait_for_load_state()
    assert "批量采纳完成" in page.inner_text("body")
    report = Report.objects.get()
    accepted = DataValue.objects.filter(mention__report=report)
    assert accepted.filter(indicator__code="households_visited", value=622).exists()

    # The district approver approves the month.
    approver = browser.new_context(locale="zh-CN").new_page()
    login(approver, live_server, "approver_a", PASSWORD)
    approver.goto(live_server.url + form_path)
    approver.click("#approve-button")
    approver.wait_for_load_state()
    assert approver.locator("[data-status]").inner_text() == "已审核（已锁定）"
    assert MonthlyReturn.objects.get(region=world.street_a, dataset__code="projects").status == "approved"

    # The street's dashboard shows the figures: the approved month (项目建设 cards) and, with the
    # unapproved data included, the news report's 622 households for March 2024.
    approver.goto(f"{live_server.url}/dashboard/?region={world.street_a.pk}&period_from={month}&period_to={month}")
    assert "数据看板 · 金海路街道" in approver.locator("h1").inner_text()
    approver.wait_for_selector("#chart-trend svg")
    approver.select_option("#f-indicator", label="就业岗位数")
    approver.click("#dashboard-filters button[type=submit]")
    approver.wait_for_load_state()
    assert "47" in approver.inner_text("main")
    approver.fill("#f-from", "2024-03")
    approver.fill("#f-to", "2024-03")
    approver.check("input[name=submitted]")
    approver.click("#dashboard-filters button[type=submit]")
    approver.wait_for_load_state()
    cards = approver.locator(".kpi").all_inner_texts()
    assert any("走访户数" in card and "622" in card for card in cards), cards

    # And the PDF summary of the same selection downloads, with the region in its text.
    approver.click("nav.mainnav >> text=导出")
    approver.select_option("#e-region", str(world.street_a.pk))
    approver.fill("#e-period", month)
    with approver.expect_download() as download:
        approver.click("#export-form button.primary")
    pdf = tmp_path / "summary.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    pdftotext = shutil.which("pdftotext") or "/usr/bin/pdftotext"
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "金海路街道" in text
    assert page.console_errors == []
