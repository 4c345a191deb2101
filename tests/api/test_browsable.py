"""The browsable API (session login, HTML) shows nothing of another district, not even in its forms."""

from datetime import date

import pytest

from tests.factories import value

A_NAMES = ("川汇区", "金海路街道", "朱庄社区")


@pytest.mark.parametrize(
    "url",
    ["/api/v1/", "/api/v1/regions/", "/api/v1/data-values/", "/api/v1/reports/", "/api/v1/mentions/", "/api/v1/me/"],
)
def test_browsable_pages_show_nothing_of_another_district(world, editor_b, client_for, url):
    value("households_visited", world.community_a, date(2024, 3, 1), 12)
    response = client_for(editor_b).get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert "text/html" in response["Content-Type"]
    assert not [name for name in A_NAMES if name in html]


def test_browsable_report_form_offers_the_callers_regions(world, editor_a, client_for):
    html = client_for(editor_a).get("/api/v1/reports/", HTTP_ACCEPT="text/html").content.decode()
    assert "朱庄社区" in html and "景园社区" not in html
