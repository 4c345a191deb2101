"""Every page renders for every role; nobody reaches another district's data through any URL."""

import pytest
from django.urls import reverse

from portal.models import Profile
from tests.factories import make_user

ROLES = [Profile.Role.VIEWER, Profile.Role.EDITOR, Profile.Role.APPROVER, Profile.Role.ADMIN]


@pytest.mark.parametrize("role", ROLES)
def test_home_renders_in_chinese_for_every_role(world, client_for, role):
    user = make_user(world.district_a, role, f"u_{role}")
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "首页" in html and "川汇区" in html
    assert 'lang="zh-hans"' in html


def test_anonymous_users_are_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_english_is_selectable(world, client_for, editor_a):
    client = client_for(editor_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("home")).content.decode()


def test_login_locks_out_after_repeated_failures(world, client, editor_a):
    for _ in range(5):
        client.post(reverse("login"), {"username": "editor_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "editor_a", "password": "Ceshi-mima-2026"})
    assert "暂时锁定" in response.content.decode()


def test_health_endpoint_answers_any_host_over_plain_http(db, client, settings):
    settings.ALLOWED_HOSTS = ["portal.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_chinese_is_the_default_even_when_the_browser_asks_for_english(world, client_for, editor_a):
    client = client_for(editor_a)
    assert 'lang="zh-hans"' in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()


def test_indicator_names_follow_the_language_where_an_english_name_exists(world, client_for, city_leader):
    from datetime import date

    from tests.factories import value

    value("households_visited", world.community_a, date(2024, 3, 1), 12)
    client = client_for(city_leader)
    url = reverse("metrics:dashboard")
    query = {"region": world.city.pk, "period_from": "2024-01", "period_to": "2024-12"}
    assert "走访户数" in client.get(url, query).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(url, query).content.decode()
    assert "Households visited" in english and "走访户数" not in english
