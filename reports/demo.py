"""The three sample news reports of ``fixtures/reports`` as demo reports, submitted and parsed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from metrics.aggregation import rollups_refresh
from metrics.demo import load_demo_world
from regions.models import Region
from reports.models import Report
from reports.services import mentions_accept_above, normalised_hash, report_parse, report_submit

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "reports"
DEMO_ACCEPT_THRESHOLD = 0.7


@dataclass(frozen=True)
class SampleReport:
    file: str
    title: str
    source: str
    published: date  # inferred from the text: the year it reviews or the dates it names
    region_path: tuple[str, ...]
    submitter: str


SAMPLES = [
    SampleReport(
        "000_2c78c6649325ae67.txt",
        "党建领航风帆劲 奋楫笃行踏新程",
        "周口日报",
        date(2024, 1, 15),  # a review of 2023
        ("周口市", "城乡一体化示范区"),
        "sfq_admin",
    ),
    SampleReport(
        "001_55b7974c3ab1651e.txt",
        "五届区委第33次常委(扩大)会议召开",
        "川汇区融媒体中心",
        date(2022, 8, 7),  # the meeting of 8月6日 in a text about 2022
        ("周口市", "川汇区"),
        "chuanhui_approver",
    ),
    SampleReport(
        "003_bb51ab43308c02a6.txt",
        "累计发动3760名党员带动1.5万名群众积极参与 中原区：党建助推“三项工程、一项管理”见实效",
        "郑州日报",
        date(2022, 6, 25),  # 6月24日 is the latest date it names
        ("郑州市", "中原区"),
        "zhongyuan_admin",
    ),
]


def load_sample_reports() -> list[Report]:
    """Submit each sample once (by its text) for its region, and parse what is still waiting."""
    users = get_user_model().objects.in_bulk([s.submitter for s in SAMPLES], field_name="username")
    loaded = []
    for sample in SAMPLES:
        region = _region(sample.region_path)
        user = users.get(sample.submitter)
        path = FIXTURES / sample.file
        if region is None or user is None or not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        report = Report.objects.filter(region=region, text_hash=normalised_hash(text)).order_by("id").first()
        if report is None:
            report = report_submit(
                user=user,
                title=sample.title,
                source_kind=Report.SourceKind.NEWSPAPER,
                source_name=sample.source,
                published=sample.published,
                region=region,
                text=text,
                original_filename=sample.file,
            )
        if report.status == Report.Status.PENDING:
            report_parse(report_id=report.pk)  # the claim makes this safe beside a worker
        report.refresh_from_db()
        if report.status == Report.Status.PARSED:
            # As staff would: accept the confident figures, leave the rest to review.
            mentions_accept_above(user=user, report=report, threshold=DEMO_ACCEPT_THRESHOLD)
        loaded.append(report)
    return loaded


def _region(path: tuple[str, ...]) -> Region | None:
    region = None
    for name in path:
        region = Region.objects.filter(parent=region, name=name).first()
        if region is None:
            return None
    return region


def load_demo(*, today: date | None = None, stdout=None) -> list[tuple[str, str, str, str]]:
    """The whole demo: the world of metrics.demo, then the sample reports parsed and accepted on top;
    returns (username, password, role, region) rows for printing."""
    rows = load_demo_world(today=today, stdout=stdout)
    load_sample_reports()
    # Bring the roll-ups up to date now rather than on the first dashboard load.
    rollups_refresh()
    return rows
