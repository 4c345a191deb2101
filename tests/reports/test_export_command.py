"""export_summary and bench_summary from the command line; region names resolved with clear errors."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from portal.models import AuditEvent
from regions.models import Region
from reports import summaries
from reports.models import Summary
from tests.reports.summary_helpers import build_figures, pdf_text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def two_cities(world):
    """A second city with its own 城乡一体化示范区, so the bare name is ambiguous."""
    hebi = Region.objects.create(name="鹤壁市", level=Region.Level.CITY)
    Region.objects.create(name="城乡一体化示范区", short_name="示范区", level=Region.Level.DISTRICT, parent=hebi)
    return world


def test_names_short_names_aliases_and_qualified_names_resolve(two_cities):
    w = two_cities
    assert summaries.region_resolve("川汇区") == w.district_a
    assert summaries.region_resolve("金海路街道办事处") == w.street_a  # an alias
    assert summaries.region_resolve("周口市城乡一体化示范区") == w.district_b
    assert summaries.region_resolve("周口市 城乡一体化示范区") == w.district_b
    assert summaries.region_resolve("川汇区金海路街道") == w.street_a
    assert summaries.region_resolve("周口市川汇区金海路街道") == w.street_a


def test_an_ambiguous_name_lists_the_candidates_with_their_cities(two_cities):
    with pytest.raises(summaries.SummaryError) as error:
        summaries.region_resolve("城乡一体化示范区")
    message = str(error.value)
    assert "不唯一" in message
    assert "周口市城乡一体化示范区（周口市）" in message and "鹤壁市城乡一体化示范区（鹤壁市）" in message
    with pytest.raises(summaries.SummaryError, match=r"示范区.*不唯一"):
        summaries.region_resolve("示范区")
    with pytest.raises(summaries.SummaryError, match="找不到区域"):
        summaries.region_resolve("郑州市川汇区")


def test_the_command_writes_the_pdf_and_reuses_it(two_cities, tmp_path):
    build_figures(two_cities)
    out = tmp_path / "summary.pdf"
    stdout = io.StringIO()
    call_command("export_summary", region="周口市城乡一体化示范区", period="2024-Q1", out=str(out), stdout=stdout)
    assert "已导出" in stdout.getvalue()
    text = pdf_text(out)
    assert "周口市城乡一体化示范区" in text and "2024年第1季度" in text and "走访户数" in text
    call_command("export_summary", region="周口市城乡一体化示范区", period="2024-Q1", out=str(out), stdout=stdout)
    assert Summary.objects.count() == 1  # the second run reused the cached file
    events = AuditEvent.objects.filter(action="export", detail__via="command")
    assert events.count() == 2 and events.first().user is None


def test_the_command_writes_a_workbook_or_csvs_for_a_campaign(two_cities, tmp_path):
    build_figures(two_cities)
    book = tmp_path / "summary.xlsx"
    call_command("export_summary", region="川汇区", period="2024", campaign="home_visits", out=str(book))
    sheet = load_workbook(book)["活动目标进度"]
    assert [c.value for c in sheet[3]][:4] == ["入户大走访", "川汇区", "走访户数", 60]
    archive = tmp_path / "summary.zip"
    call_command("export_summary", region="川汇区", period="2024-03", out=str(archive))
    assert len(zipfile.ZipFile(archive).namelist()) == 9


def test_the_command_explains_bad_input(two_cities, tmp_path, viewer_a):
    out = str(tmp_path / "x.pdf")
    with pytest.raises(CommandError, match="周口市城乡一体化示范区（周口市）"):
        call_command("export_summary", region="城乡一体化示范区", period="2024", out=out)
    with pytest.raises(CommandError, match="无法识别的期间"):
        call_command("export_summary", region="川汇区", period="24", out=out)
    with pytest.raises(CommandError, match="找不到活动"):
        call_command("export_summary", region="川汇区", period="2024", campaign="nope", out=out)
    with pytest.raises(CommandError, match="不在用户 viewer_a 的权限范围内"):
        call_command("export_summary", region="周口市城乡一体化示范区", period="2024", user="viewer_a", out=out)
    assert not Summary.objects.exists()


def test_bench_summary_prints_the_generation_time(two_cities):
    build_figures(two_cities)
    stdout = io.StringIO()
    call_command("bench_summary", region="川汇区", repeat=1, stdout=stdout)
    output = stdout.getvalue()
    assert "川汇区 2024年" in output and "中位数" in output  # printed, not asserted against a limit


def test_the_command_prints_one_line_and_no_renderer_chatter(two_cities, tmp_path, caplog):
    build_figures(two_cities)
    stdout = io.StringIO()
    call_command("export_summary", region="川汇区", period="2024", out=str(tmp_path / "s.pdf"), stdout=stdout)
    assert stdout.getvalue().strip().count("\n") == 0 and "已导出" in stdout.getvalue()
    chatter = [
        r.getMessage()
        for r in caplog.records
        if r.name.split(".")[0] in ("weasyprint", "fontTools") and r.levelno < logging.WARNING
    ]
    assert chatter == []
