"""PDF summaries: the dashboard's figures in the PDF, Chinese fonts embedded, vector charts, a
rendered first page, caching until the figures change, the background path and scope."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.http import Http404
from django.urls import reverse

from metrics.dashboard import cell_text
from metrics.models import DataValue
from metrics.periods import Period
from portal import numbers
from regions.models import Region
from reports import summaries
from reports.models import Summary
from tests.reports.summary_helpers import build_figures, pdf_text

YEAR_2024 = Period.parse("2024")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def figures(world):
    build_figures(world)
    return world


def _dashboard_tables(client, region, period: str, **extra):
    response = client.get(
        reverse("metrics:dashboard"), {"region": region.pk, "period_from": period, "period_to": period, **extra}
    )
    assert response.status_code == 200
    return response.context["tables"]


def test_the_pdf_shows_what_the_dashboard_shows_for_the_same_selection(figures, city_leader, client_for, tmp_path):
    summary = summaries.summary_request(user=city_leader, region=figures.district_a, period=YEAR_2024)
    assert summary.status == Summary.Status.DONE and summary.pages >= 2
    text = pdf_text(Path(summary.file.path))
    assert "川汇区" in text and "2024年" in text and "党建工作数据摘要" in text
    assert "生成人" in text and "第1页" in text  # cover and page numbers
    assert "目录" not in text  # short: no table of contents
    tables = _dashboard_tables(client_for(city_leader), figures.district_a, "2024")
    kpis = tables["kpis"]
    assert any(row[2] is not None for row in kpis.rows)
    for row in kpis.rows:
        assert row[0] in text  # every indicator name
        assert numbers.figure_parts(row[2], row[1])[0] in text  # as the dashboard's card writes it
    households = next(r for r in kpis.rows if r[0] == "走访户数")
    assert cell_text(households[2]) == "637"  # 10 + 5 from the return, 622 from the news report
    for key in ("ranking", "children", "campaigns", "elections", "stars", "news", "completeness"):
        for row in tables[key].display_rows():  # as the dashboard's tables write them
            for cell in row:
                assert cell.replace(" ", "") in text, (key, cell)
    assert "今年3月走访群众622户" in text and "金海路街道开展入户走访" in text  # sentence and report title
    assert "朱庄社区党支部" in text and "已逾期" in text


def test_fonts_are_embedded_charts_are_vector_and_the_first_page_renders(figures, city_leader, tmp_path):
    summary = summaries.summary_request(user=city_leader, region=figures.city, period=YEAR_2024)
    path = Path(summary.file.path)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = [line for line in fonts[2:] if line.strip()]
    cjk = [line for line in rows if "CJK" in line]
    assert cjk, fonts
    for line in rows:
        # name, type…, encoding, then emb sub uni object ID: "emb" is the fifth field from the end.
        assert line.split()[-5] == "yes", line
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 2  # the header only: no raster images, charts are vector
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", "40", "-png", str(path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 1000


def test_a_pdf_is_reused_until_a_figure_changes(figures, city_leader):
    first = summaries.summary_request(user=city_leader, region=figures.district_a, period=YEAR_2024)
    again = summaries.summary_request(user=city_leader, region=figures.district_a, period=YEAR_2024)
    assert again.pk == first.pk and Summary.objects.count() == 1
    old_path = Path(first.file.path)
    dv = DataValue.objects.get(
        region=figures.community_a, period_start="2024-02-01", indicator__code="households_visited"
    )
    dv.value = 50
    dv.save()
    changed = summaries.summary_request(user=city_leader, region=figures.district_a, period=YEAR_2024)
    assert changed.pk != first.pk and changed.fingerprint != first.fingerprint
    assert "682" in pdf_text(Path(changed.file.path))  # 10 + 50 + 622
    assert not old_path.exists() and not Summary.objects.filter(pk=first.pk).exists()  # stale file removed


def test_identical_requests_at_the_same_moment_share_one_rendering(figures, city_leader, monkeypatch):
    first = summaries.summary_request(user=city_leader, region=figures.city, period=YEAR_2024, background=True)
    # A second request that looked before the first was saved does not start a second rendering.
    monkeypatch.setattr(summaries, "_usable", lambda summary: False)
    second = summaries.summary_request(user=city_leader, region=figures.city, period=YEAR_2024, background=True)
    assert second.pk == first.pk and Summary.objects.count() == 1
    # Retrying a failed copy while the same selection is being rendered joins that rendering too.
    stale = Summary.objects.create(
        region=figures.city, period="2024", fingerprint=first.fingerprint, status=Summary.Status.FAILED
    )
    assert summaries.summary_retry(user=city_leader, summary_id=stale.pk).pk == first.pk
    assert Summary.objects.filter(status=Summary.Status.PENDING).count() == 1


def test_another_selection_or_campaign_is_another_summary(figures, city_leader):
    year = summaries.summary_request(user=city_leader, region=figures.district_a, period=YEAR_2024)
    quarter = summaries.summary_request(user=city_leader, region=figures.district_a, period=Period.parse("2024-Q1"))
    campaign = summaries.summary_campaign("home_visits")
    focused = summaries.summary_request(
        user=city_leader, region=figures.district_a, period=YEAR_2024, campaign=campaign
    )
    assert len({year.pk, quarter.pk, focused.pk}) == 3
    assert "2024年第1季度" in pdf_text(Path(quarter.file.path))
    assert "入户大走访" in pdf_text(Path(focused.file.path))


def test_a_region_outside_the_users_scope_cannot_be_summarised(figures, viewer_a):
    with pytest.raises(Http404):
        summaries.summary_region(user=viewer_a, region_id=figures.district_b.pk)
    with pytest.raises(Http404):
        summaries.summary_content(user=viewer_a, region=figures.district_b, period=YEAR_2024)
    with pytest.raises(Http404):
        summaries.summary_request(user=viewer_a, region=figures.city, period=YEAR_2024)
    assert not Summary.objects.exists()


def test_a_long_summary_has_a_table_of_contents_with_page_numbers(figures, city_leader):
    for s in range(12):
        street = Region.objects.create(name=f"新街道{s}", level="street", parent=figures.district_a)
        Region.objects.create(name=f"新社区{s}", level="community", parent=street)
    summary = summaries.summary_request(user=city_leader, region=figures.district_a, period=YEAR_2024)
    text = pdf_text(Path(summary.file.path))
    assert "目录" in text
    assert "1.关键指标3" in text  # the cover, the contents, then the key figures on page 3


def test_large_subtrees_are_generated_in_the_background_with_progress(
    figures, city_leader, client_for, settings, django_capture_on_commit_callbacks
):
    settings.SUMMARY_SYNC_MAX_REGIONS = 3
    client = client_for(city_leader)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("reports:export_pdf"), {"region": figures.city.pk, "period": "2024"})
    summary = Summary.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:summary_status", args=[summary.pk])
    assert summary.status == Summary.Status.PENDING and len(callbacks) == 1
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page and "排队" in page
    callbacks[0]()  # the task runs in-process, as a worker would
    summary.refresh_from_db()
    assert summary.status == Summary.Status.DONE and summary.progress == 100 and summary.attempts == 1
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in page and reverse("reports:summary_download", args=[summary.pk]) in page
    download = client.get(reverse("reports:summary_download", args=[summary.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:5] == b"%PDF-"


def test_generation_is_claimed_once_and_progress_is_recorded(figures, city_leader, settings):
    settings.SUMMARY_SYNC_MAX_REGIONS = 3
    summary = summaries.summary_request(user=city_leader, region=figures.city, period=YEAR_2024, background=True)
    seen = []

    def clock():
        seen.append(Summary.objects.values_list("status", "progress", "stage").get(pk=summary.pk))
        return 0.0

    assert summaries.summary_generate(summary_id=summary.pk, time_budget=100, clock=clock) == "done"
    assert ("running", 5, "汇总数据") in seen and ("running", 30, "绘制图表") in seen
    assert summaries.summary_generate(summary_id=summary.pk) == "skipped"  # a second delivery does nothing
    assert Summary.objects.get(pk=summary.pk).attempts == 1


def test_a_summary_over_its_time_limit_fails_with_the_reason_and_can_be_retried(figures, city_leader, client_for):
    summary = summaries.summary_request(user=city_leader, region=figures.district_a, period=YEAR_2024, background=True)
    ticks = iter(range(0, 1000, 50))
    result = summaries.summary_generate(summary_id=summary.pk, time_budget=30, clock=lambda: next(ticks))
    summary.refresh_from_db()
    assert result == "failed" and summary.status == Summary.Status.FAILED
    assert "生成超时（超过 30 秒）" in summary.failure_reason and not summary.file
    client = client_for(city_leader)
    page = client.get(reverse("reports:summary_status", args=[summary.pk])).content.decode()
    assert "生成超时" in page and reverse("reports:summary_retry", args=[summary.pk]) in page
    response = client.post(reverse("reports:summary_retry", args=[summary.pk]))
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.status == Summary.Status.DONE and summary.attempts == 2 and summary.failure_reason == ""


def test_the_background_task_takes_an_id_and_returns_quietly_when_the_row_is_gone(figures, city_leader):
    from reports.summary_tasks import generate_summary

    summary = summaries.summary_request(user=city_leader, region=figures.district_a, period=YEAR_2024, background=True)
    assert generate_summary.delay(summary.pk).get() == "done"
    assert generate_summary.delay(999_999).get() == "skipped"


def test_the_renderer_loads_nothing_from_disk_or_network(tmp_path):
    from PIL import Image

    secret = tmp_path / "secret.svg"
    secret.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300">'
        '<rect width="300" height="300" fill="#FF00FF"/></svg>'
    )
    html = f'<html><body><p>正文</p><img src="file://{secret}"><img src="http://127.0.0.1:9/x.png"></body></html>'
    pdf, pages = summaries.render_pdf(html)
    out = tmp_path / "x.pdf"
    out.write_bytes(pdf)
    assert pages == 1 and "正文" in pdf_text(out)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "p")], check=True, capture_output=True)
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    assert (255, 0, 255) not in {page.getpixel((x, y)) for x in range(page.width) for y in range(page.height)}


def test_the_summarys_queries_do_not_grow_with_the_number_of_regions(
    figures, city_leader, django_assert_max_num_queries
):
    def content():
        return summaries.summary_content(user=city_leader, region=figures.city, period=YEAR_2024)

    content()  # roll-ups brought up to date
    with django_assert_max_num_queries(40) as few:
        content()
    for d, district in enumerate((figures.district_a, figures.district_b)):
        for s in range(5):
            street = Region.objects.create(name=f"街道{d}-{s}", level="street", parent=district)
            Region.objects.create(name=f"社区{d}-{s}", level="community", parent=street)
    content()
    with django_assert_max_num_queries(40) as many:
        content()
    assert len(many.captured_queries) == len(few.captured_queries)
