"""Tokens, sessions, throttling and the one bilingual error body."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from portal.models import ApiToken, AuditEvent
from tests.factories import make_user


def test_no_credentials_is_401_with_bilingual_body(world, anon_api):
    response = anon_api.get("/api/v1/regions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    error = response.json()["error"]
    assert error["code"] == "not_authenticated"
    assert error["message"] and error["message_en"] == "Authentication credentials were not provided."


def test_unknown_object_is_404_with_bilingual_body(world, editor_a, api_for):
    error = api_for(editor_a).get("/api/v1/regions/999999/").json()["error"]
    assert error == {
        "code": "not_found",
        "message": "对象不存在或不在您的权限范围内。",
        "message_en": "Not found, or outside your scope.",
    }


def test_wrong_method_is_405_with_bilingual_body(world, editor_a, api_for):
    response = api_for(editor_a).delete("/api/v1/indicators/households_visited/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_user_issues_a_token_from_a_session_and_uses_it(world, editor_a, client_for):
    client = client_for(editor_a)
    response = client.post(reverse("api:me-token"))
    assert response.status_code == 201
    key = response.json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me/").json()["username"] == "editor_a"
    assert AuditEvent.objects.filter(action="api_token_issue", user=editor_a).exists()


def test_rotating_a_token_invalidates_the_old_one(world, editor_a, api_for, api_key_for):
    old = api_key_for(editor_a)
    api = api_for(editor_a)
    new = api.post("/api/v1/me/token/").json()["token"]
    assert new != old
    stale = APIClient()
    stale.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert stale.get("/api/v1/me/").status_code == 401
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert fresh.get("/api/v1/me/").status_code == 200
    assert ApiToken.objects.filter(user=editor_a).count() == 1


def test_revoked_token_is_refused(world, editor_a, api_for):
    api = api_for(editor_a)
    assert api.get("/api/v1/regions/").status_code == 200
    ApiToken.objects.filter(user=editor_a).delete()  # what the admin's delete does
    response = api.get("/api/v1/regions/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_self_revocation_is_audited(world, editor_a, api_for):
    api = api_for(editor_a)
    assert api.delete("/api/v1/me/token/").status_code == 204
    assert not ApiToken.objects.filter(user=editor_a).exists()
    assert AuditEvent.objects.filter(action="api_token_revoke", user=editor_a).exists()
    assert api.get("/api/v1/me/").status_code == 401


def test_token_of_an_inactive_user_is_refused(world, editor_a, api_for):
    api = api_for(editor_a)
    editor_a.is_active = False
    editor_a.save(update_fields=["is_active"])
    assert api.get("/api/v1/regions/").status_code == 401


def test_admin_lists_and_revokes_tokens_in_its_subtree(world, editor_a, editor_b, api_key_for, client):
    key_a = api_key_for(editor_a)
    api_key_for(editor_b)
    token_a, token_b = ApiToken.objects.get(user=editor_a), ApiToken.objects.get(user=editor_b)
    admin_a = make_user(world.district_a, "admin", "admin_a")  # the role brings the admin site and its rights
    client.force_login(admin_a, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/admin/portal/apitoken/").content.decode()
    assert "editor_a" in page and "editor_b" not in page
    assert f"{token_a.prefix}…" in page
    detail = client.get(f"/admin/portal/apitoken/{token_a.pk}/change/").content.decode()
    assert token_a.prefix in detail
    assert key_a not in page + detail and token_a.key_hash not in page + detail
    assert client.get("/admin/portal/apitoken/add/").status_code == 403  # issuing stays with the user

    response = client.post(f"/admin/portal/apitoken/{token_a.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=editor_a).exists()
    event = AuditEvent.objects.get(action="api_token_revoke", target="editor_a", user=admin_a)
    assert event.detail == {"via": "admin", "prefix": token_a.prefix}
    assert client.get(f"/admin/portal/apitoken/{token_b.pk}/delete/").status_code in (302, 404)
    assert client.post(f"/admin/portal/apitoken/{token_b.pk}/delete/", {"post": "yes"}).status_code in (302, 404)
    assert ApiToken.objects.filter(user=editor_b).exists()


def test_session_auth_serves_the_portals_own_pages(world, viewer_a, client_for):
    response = client_for(viewer_a).get("/api/v1/regions/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200


def test_session_writes_need_csrf(world, editor_a):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor_a, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/api/v1/me/token/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in response.json()["error"]["message"]


@pytest.fixture
def tight_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/minute", "anon": "2/minute"},
    }


def test_throttling_is_per_token(world, editor_a, editor_b, api_for, tight_rate):
    api = api_for(editor_a)
    for _ in range(3):
        assert api.get("/api/v1/regions/").status_code == 200
    response = api.get("/api/v1/regions/")
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "throttled" and error["retry_after"] > 0
    assert "秒后再试" in error["message"] and "retry in" in error["message_en"]
    assert int(response["Retry-After"]) > 0
    # Another token has its own budget.
    assert api_for(editor_b).get("/api/v1/regions/").status_code == 200


def test_anonymous_callers_of_the_public_schema_are_throttled_by_address(db, anon_api, tight_rate):
    assert [anon_api.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 429]


def test_unknown_api_path_is_a_json_404(world, editor_a, api_for):
    response = api_for(editor_a).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_unexpected_failure_is_a_bilingual_500(world, editor_a, api_for, monkeypatch):
    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr("portal.api.views.access.scope_root", broken)
    response = api_for(editor_a).get("/api/v1/me/")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "server_error" and "boom" not in str(error)
