"""A month's form through its whole life in a real browser: fill, submit, send back, fix, approve."""

import pytest

from metrics.models import DataValue, MonthlyReturn
from tests.browser.conftest import login, open_street_projects_form
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_street_staff_fill_submit_fix_and_the_district_approves(
    live_server, browser, page, world, street_editor_a, approver_a
):
    # Street staff open 数据填报 and the 项目建设 form, and type with the keyboard only.
    _month, form_path = open_street_projects_form(page, live_server, world)
    # Until returns.js has run, Enter would submit the form the browser's way: wait for it.
    page.wait_for_load_state("load")
    assert page.locator("[data-status]").inner_text() == "未开始"
    page.focus("#v_projects")
    page.keyboard.type("3")
    page.keyboard.press("Enter")  # Enter moves down to the next figure, it does not submit
    assert page.evaluate("document.activeElement.id") == "v_projects_completed"
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "c_projects_completed"

    # 5 completed of 3 projects: the error appears next to the cell and at the top, nothing typed is lost.
    page.wait_for_selector("#msg_projects_completed .error")
    assert "已完成项目数不能超过项目数" in page.inner_text("#findings")
    page.fill("#v_projects_completed", "2")
    page.wait_for_selector("#autosave-status.ok")

    # A figure typed and then a reload before the autosave: the local copy brings it back.
    page.fill("#v_jobs", "12")
    page.reload()
    page.wait_for_selector("#restore-banner:not([hidden])")
    assert page.input_value("#v_jobs") == "12"
    page.wait_for_selector("#autosave-status.ok")
    assert DataValue.objects.get(indicator__code="jobs").value == 12

    page.click("#submit-button")
    page.wait_for_load_state()
    assert page.locator("[data-status]").inner_text() == "已提交"

    # The district approver sends it back with a reason.
    approver = browser.new_context(locale="zh-CN").new_page()
    login(approver, live_server, "approver_a", PASSWORD)
    approver.goto(live_server.url + form_path)
    approver.fill("#id_back_reason", "已完成项目数与台账不符，请核实")
    approver.click("#send-back-button")
    approver.wait_for_load_state()
    assert approver.locator("[data-status]").inner_text() == "已退回"

    # Staff see the reason, fix the figure and resubmit.
    page.goto(live_server.url + form_path)
    assert "退回原因：已完成项目数与台账不符，请核实" in page.inner_text("#return-status")
    page.fill("#v_projects_completed", "1")
    page.fill("#c_projects_completed", "按台账更正")
    page.click("#submit-button")
    page.wait_for_load_state()
    assert page.locator("[data-status]").inner_text() == "已提交"

    # The approver approves; the form is locked for everyone.
    approver.goto(live_server.url + form_path)
    approver.click("#approve-button")
    approver.wait_for_load_state()
    assert approver.locator("[data-status]").inner_text() == "已审核（已锁定）"
    page.goto(live_server.url + form_path)
    assert page.locator("[data-status]").inner_text() == "已审核（已锁定）"
    assert page.get_attribute("#v_projects", "readonly") is not None
    assert page.locator("#submit-button").count() == 0

    ret = MonthlyReturn.objects.get(region=world.street_a, dataset__code="projects")
    assert (ret.status, ret.locked, ret.lock_reason) == ("approved", True, "approval")
    assert set(DataValue.objects.filter(monthly_return=ret).values_list("status", flat=True)) == {"approved"}
    # The rejected autosave (400) is expected; nothing else may fail in the page's scripts.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
