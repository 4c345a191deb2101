"""A real browser: Debian's chromium driven by Playwright, against pytest-django's live server."""

import os
import shutil

import pytest

from metrics.catalogue import sync_catalogue
from metrics.forms import default_month
from tests.factories import PASSWORD
from tests.reports.conftest import SAMPLE

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run beside
# one unless told that this is deliberate. Only the browser tests are affected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    context.close()


def login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def open_street_projects_form(page, live_server, world) -> tuple[str, str]:
    """Street staff log in and open this month's 项目建设 form the way they would: 数据填报, then
    the form's link. Returns (month, form path)."""
    sync_catalogue()  # transactional tests start from an emptied database
    month = f"{default_month():%Y-%m}"
    form_path = f"/returns/{world.street_a.pk}/projects/{month}/"
    login(page, live_server, "street_editor_a", PASSWORD)
    page.click("text=数据填报")
    page.click(f"a[href='{form_path}']")
    return month, form_path


def submit_sample_report(page, world) -> None:
    """Submit the sample news report for 金海路街道 through 新闻报道 → 提交报道."""
    page.click("nav.mainnav >> text=新闻报道")
    page.click("text=提交报道")
    page.fill("#id_title", "金海路街道走访报道")
    page.fill("#id_published", "2024-03-31")
    page.select_option("#id_region", str(world.street_a.pk))
    page.fill("#id_text", SAMPLE)
    page.click("button[type=submit].primary")
