"""A staff member logs in with a real browser and reaches the home page in Chinese."""

import pytest

from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_reaches_home_page(live_server, page, world, editor_a):
    login(page, live_server, "editor_a", PASSWORD)
    assert page.locator("h1").inner_text().startswith("首页")
    assert "川汇区" in page.content()
    assert page.console_errors == []


def test_wrong_password_shows_a_chinese_error_and_keeps_the_username(live_server, page, world, editor_a):
    login(page, live_server, "editor_a", "not-the-password")
    assert "用户名或密码不正确" in page.content()
    assert page.input_value("#id_username") == "editor_a"
