"""Without a Chinese font: `manage.py check` warns and PDF summaries fail naming the package to
install, instead of a PDF of empty boxes. The font is removed from fontconfig's lookup by pointing
FONTCONFIG_FILE at a configuration whose only font directory is empty."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import checks
from django.core.management import CommandError, call_command
from django.urls import reverse

from metrics.periods import Period
from reports import summaries
from reports.fonts import CJK_FONT_PACKAGE
from reports.models import Summary
from tests.reports.summary_helpers import build_figures


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fontless_config(tmp_path) -> str:
    (tmp_path / "fonts").mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{tmp_path / 'fonts'}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    return str(conf)


@pytest.fixture
def no_cjk_font(fontless_config, monkeypatch) -> None:
    monkeypatch.setenv("FONTCONFIG_FILE", fontless_config)


def _font_warnings() -> list[checks.CheckMessage]:
    return [m for m in checks.run_checks() if m.id == "reports.W001"]


def test_the_check_is_silent_when_a_chinese_font_is_installed():
    assert _font_warnings() == []


def test_the_check_warns_naming_the_package_when_no_chinese_font(no_cjk_font):
    (warning,) = _font_warnings()
    assert warning.level == checks.WARNING
    assert "中文字体" in warning.msg and CJK_FONT_PACKAGE in warning.hint


def _manage_without_font(fontless_config: str, *args: str) -> subprocess.CompletedProcess:
    """manage.py in a process of its own that starts with the Chinese font removed from the lookup."""
    env = {**os.environ, "FONTCONFIG_FILE": fontless_config}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manage_py_check_warns_when_started_without_a_chinese_font(fontless_config):
    done = _manage_without_font(fontless_config, "check")
    output = done.stdout + done.stderr
    assert done.returncode == 0  # a warning, not an error: the rest of the portal works
    assert "reports.W001" in output and CJK_FONT_PACKAGE in output


def test_export_summary_fails_naming_the_package_when_no_chinese_font(world, no_cjk_font, tmp_path):
    build_figures(world)
    out = tmp_path / "s.pdf"
    with pytest.raises(CommandError, match=f"未找到中文字体.*{CJK_FONT_PACKAGE}"):
        call_command("export_summary", region="川汇区", period="2024", out=str(out))
    assert not out.exists()
    assert not Summary.objects.exists()  # refused before any work: the machine is at fault


@pytest.mark.parametrize("suffix", ["pdf", "docx"])
def test_export_summary_says_the_missing_font_once_on_one_line(fontless_config, tmp_path, suffix):
    out = str(tmp_path / f"b.{suffix}")
    done = _manage_without_font(
        fontless_config, "export_summary", "--region", "川汇区", "--period", "2024", "--out", out
    )
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].count(CJK_FONT_PACKAGE) == 2  # the package, then the apt-get line
    assert "未找到中文字体" in lines[0] and "W001" not in done.stderr
    assert not (tmp_path / f"b.{suffix}").exists()


def test_the_summary_task_fails_naming_the_package_when_no_chinese_font(world, city_leader, no_cjk_font):
    build_figures(world)
    from reports.summary_tasks import generate_summary

    summary = summaries.summary_request(
        user=city_leader, region=world.district_a, period=Period.parse("2024"), background=True
    )
    assert generate_summary.delay(summary.pk).get() == "failed"
    summary.refresh_from_db()
    assert summary.status == Summary.Status.FAILED and not summary.file
    assert summary.failure_reason.startswith("未找到中文字体") and CJK_FONT_PACKAGE in summary.failure_reason


def test_bench_summary_stops_with_the_same_message_when_no_chinese_font(world, no_cjk_font):
    build_figures(world)
    with pytest.raises(CommandError, match=CJK_FONT_PACKAGE):
        call_command("bench_summary", region="川汇区", period="2024", repeat=1)


def test_the_exports_page_shows_the_missing_font_reason(world, client_for, viewer_a, no_cjk_font):
    build_figures(world)
    client = client_for(viewer_a)
    response = client.post(reverse("reports:export_pdf"), {"region": world.district_a.pk, "period": "2024"})
    summary = Summary.objects.get()
    assert response["Location"] == reverse("reports:summary_status", args=[summary.pk])
    page = client.get(response["Location"]).content.decode()
    assert "未找到中文字体" in page and CJK_FONT_PACKAGE in page


def test_the_word_download_shows_the_missing_font_reason(world, client_for, viewer_a, no_cjk_font):
    build_figures(world)
    response = client_for(viewer_a).post(
        reverse("reports:export_docx"), {"region": world.district_a.pk, "period": "2024"}
    )
    page = response.content.decode()
    assert response.status_code == 503 and "未找到中文字体" in page and CJK_FONT_PACKAGE in page
