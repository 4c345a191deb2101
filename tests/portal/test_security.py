"""Security checks not covered elsewhere: CSRF on every POST URL, production cookie and HSTS settings,
uploads judged by content and kept out of the web root, and the audit trail of approvals, unlocks
and exports as an administrator sees it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from metrics import services
from metrics.forms import default_month
from metrics.models import DataSet
from portal.models import AuditEvent, Profile
from reports.models import Report
from tests.factories import make_user
from tests.portal.test_scope_walk import _fill, _patterns

ROOT = Path(__file__).resolve().parents[2]
MONTH = default_month()


# --- CSRF ----------------------------------------------------------------------------------------


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_every_post_url_refuses_a_request_without_a_csrf_token(world, editor_a):
    """Every URL of the portal and of the API (session login) is walked, so new forms are covered too."""
    client = _csrf_client(editor_a)
    refused, accepted = 0, []
    for route, entry in _patterns():
        if route.startswith(("static/", "media/")):
            continue
        url = _fill(route, entry, world.street_a.pk)
        if url is None:
            url = "/" + route.replace("^", "").replace("$", "")
            if "<" in url or "(?P" in url:
                continue
        response = client.post(url, {"title": "x", "note": "x", "reason": "x"})
        if response.status_code == 403:
            refused += 1
        elif response.status_code not in (301, 404, 405):
            accepted.append(f"{url} -> {response.status_code}")
    assert refused > 30 and accepted == []


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/logout/",
        "/i18n/setlang/",
        "/reports/new/",
        "/returns/import/",
        "/returns/import/confirm/",
        "/returns/completeness/remind/",
        "/admin/login/",
    ],
)
def test_main_forms_refuse_a_post_without_a_csrf_token(world, editor_a, url):
    assert _csrf_client(editor_a).post(url, {}).status_code == 403
    anonymous = Client(enforce_csrf_checks=True)
    if url.startswith(("/accounts/login", "/admin/login", "/i18n")):
        assert anonymous.post(url, {"username": "editor_a", "password": "x"}).status_code == 403


def test_a_post_with_the_token_from_the_page_is_accepted(world, street_editor_a):
    client = _csrf_client(street_editor_a)
    form = reverse(
        "metrics:return_form",
        kwargs={"region_id": world.street_a.pk, "dataset": "organisation", "month": f"{MONTH:%Y-%m}"},
    )
    client.get(form)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(form + "save/", {"version": 1, "v_party_members": "12", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_api_session_writes_need_the_token_but_token_auth_does_not(world, editor_a):
    body = {"title": "走访", "source_kind": "newspaper", "published": "2024-03-31", "region": world.street_a.pk}
    response = _csrf_client(editor_a).post(reverse("api:report-list"), body, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in json.dumps(response.json(), ensure_ascii=False)


# --- Production settings -------------------------------------------------------------------------


def _production_settings() -> dict:
    dropped = ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT")
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("SECURE_HSTS")}
    env.update(
        DJANGO_PRODUCTION="1",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-0123456789",
        ALLOWED_HOSTS="portal.example.org",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "from django.test import Client; "
        "r = Client().get('/api/v1/me/', secure=True, HTTP_HOST='portal.example.org'); "
        "plain = Client().get('/api/v1/me/', HTTP_HOST='portal.example.org'); "
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_SSL_REDIRECT', 'X_FRAME_OPTIONS', "
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_PROXY_SSL_HEADER')} | {"
        "'hsts': r.headers.get('Strict-Transport-Security'), "
        "'plain': [plain.status_code, plain.headers.get('Location')],"
        "'status': r.status_code}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_make_cookies_secure_and_send_hsts():
    s = _production_settings()
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True and s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and s["SECURE_HSTS_PRELOAD"] is True
    assert s["SECURE_SSL_REDIRECT"] is True and s["X_FRAME_OPTIONS"] == "DENY"
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # And the responses really carry them: HSTS over HTTPS, plain HTTP redirected to HTTPS.
    assert s["hsts"].startswith("max-age=31536000") and "includeSubDomains" in s["hsts"]
    assert s["status"] == 401
    assert s["plain"] == [301, "https://portal.example.org/api/v1/me/"]


# --- Uploads: by content, outside the web root --------------------------------------------------


def _inside(path: Path, parent: Path) -> bool:
    path, parent = Path(path).resolve(), Path(parent).resolve()
    return path == parent or parent in path.parents


def test_media_root_is_outside_the_web_root_and_no_url_serves_it():
    media = Path(settings.MEDIA_ROOT)
    web_roots = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS), ROOT / "static", ROOT / "templates"]
    for root in web_roots:
        assert not _inside(media, root) and not _inside(root, media), (media, root)
    for probe in ("/media/summaries/x.pdf", "/var/media/summaries/x.pdf", f"/{settings.MEDIA_URL.strip('/')}/x.pdf"):
        if probe.startswith("//"):
            continue
        with pytest.raises(Resolver404):
            resolve(probe)


def test_uploaded_report_is_judged_by_content_and_only_its_text_is_kept(
    world, editor_a, client_for, django_capture_on_commit_callbacks, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(editor_a)
    form = {
        "title": "走访报道",
        "source_kind": "newspaper",
        "published": "2024-03-31",
        "region": world.street_a.pk,
    }
    elf = SimpleUploadedFile("报道.docx", b"\x7fELF\x02\x01\x01" + b"\x00" * 500)
    response = client.post(reverse("reports:submit"), {**form, "file": elf})
    assert response.status_code == 400 and "可执行文件" in response.content.decode()
    html = SimpleUploadedFile("报道.png", "<html><body><p>走访群众622户。</p></body></html>".encode("gbk"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:submit"), {**form, "file": html})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.text.strip() == "走访群众622户。" and report.original_filename == "报道.png"
    assert list(tmp_path.rglob("*")) == []  # the upload's bytes are never written anywhere


# --- Audit log -----------------------------------------------------------------------------------


def test_approval_unlock_and_export_are_audited_and_shown_to_administrators(
    world, client_for, street_editor_a, approver_a
):
    ds = DataSet.objects.get(code="projects")  # filled by streets only: no community forms to wait for
    ret = services.return_get_or_create(user=street_editor_a, region=world.street_a, dataset=ds, month=MONTH)
    services.return_save_values(
        user=street_editor_a,
        monthly_return=ret,
        values={"projects": "3", "projects_completed": "1", "jobs": "12"},
        expected_version=ret.version,
    )
    ret.refresh_from_db()
    services.return_submit(user=street_editor_a, monthly_return=ret, expected_version=ret.version)
    kwargs = {"region_id": world.street_a.pk, "dataset": "projects", "month": f"{MONTH:%Y-%m}"}
    client = client_for(approver_a)
    assert client.post(reverse("metrics:return_approve", kwargs=kwargs), {"note": "同意"}).status_code == 302
    response = client.post(reverse("metrics:return_unlock", kwargs=kwargs), {"reason": "更正党员数"})
    assert response.status_code == 302
    export = client.get(reverse("metrics:return_export"), {"region": world.street_a.pk, "month": f"{MONTH:%Y-%m}"})
    assert export.status_code == 200

    actions = dict(AuditEvent.objects.filter(user=approver_a).values_list("action", "target"))
    assert {"return_approve", "return_unlock", "export"} <= set(actions)
    assert "金海路街道" in actions["return_approve"] and "金海路街道" in actions["export"]
    unlock = AuditEvent.objects.get(action="return_unlock")
    assert unlock.detail["reason"] == "更正党员数"

    admin = make_user(world.city, Profile.Role.ADMIN, "city_admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    listing = client_for(admin).get(reverse("admin:portal_auditevent_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "return_approve" in page and "return_unlock" in page and "export" in page
    # The log is read-only, even for a superuser.
    assert client_for(admin).get(reverse("admin:portal_auditevent_add")).status_code == 403
    event = AuditEvent.objects.first()
    response = client_for(admin).post(reverse("admin:portal_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 403 and AuditEvent.objects.filter(pk=event.pk).exists()
    assert client_for(approver_a).get(reverse("admin:portal_auditevent_changelist")).status_code == 302
