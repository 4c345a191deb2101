"""Shared set-up for the summary tests: a small world with figures in every dashboard section."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from metrics.models import Campaign, CampaignTarget, DataValue, Indicator
from reports.models import Mention, Report
from reports.services import normalised_hash
from tests.factories import OrganisationFactory, value

NEWS_TEXT = "金海路街道党工委组织开展入户走访活动。今年3月走访群众622户，现场解决问题57个。"


def build_figures(world) -> None:
    """Figures for 2023 and 2024 in both districts, a campaign target, a 换届 due and a news figure."""
    value("households_visited", world.community_a, date(2024, 1, 1), 10)
    value("households_visited", world.community_a, date(2024, 2, 1), 5)
    value("households_visited", world.community_a, date(2023, 3, 1), 8)
    value("households_visited", world.community_b, date(2024, 1, 1), 7)
    value("party_members", world.community_a, date(2024, 1, 1), 40)
    value("party_members", world.community_b, date(2024, 1, 1), 20)
    value("events_held", world.community_a, date(2024, 4, 1), 3)
    campaign = Campaign.objects.get(code="home_visits")
    campaign.start, campaign.end = date(2024, 1, 1), date(2024, 12, 31)
    campaign.save()
    households = Indicator.objects.get(code="households_visited")
    CampaignTarget.objects.create(campaign=campaign, indicator=households, region=world.district_a, target=60)
    OrganisationFactory(name="朱庄社区党支部", region=world.community_a, next_election_due=date(2020, 1, 1))
    report = Report.objects.create(
        title="金海路街道开展入户走访",
        source_kind=Report.SourceKind.NEWSPAPER,
        published=date(2024, 3, 31),
        region=world.street_a,
        text=NEWS_TEXT,
        text_hash=normalised_hash(NEWS_TEXT),
        status=Report.Status.PARSED,
    )
    start = NEWS_TEXT.index("622户")
    mention = Mention.objects.create(
        report=report,
        start=start,
        end=start + 4,
        text="622户",
        value=622,
        unit="户",
        indicator=households,
        region=world.street_a,
        period_type="month",
        period_start=date(2024, 3, 1),
        review=Mention.Review.ACCEPTED,
    )
    mention.data_value = DataValue.objects.create(
        indicator=households,
        region=world.street_a,
        period_type="month",
        period_start=date(2024, 3, 1),
        value=622,
        source=DataValue.Source.REPORT,
        status=DataValue.Status.APPROVED,
    )
    mention.save(update_fields=["data_value"])


def pdf_text(path: Path) -> str:
    """The PDF's text with all whitespace removed (pdftotext when installed, else pdfminer)."""
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    else:
        from pdfminer.high_level import extract_text

        text = extract_text(str(path))
    return "".join(text.split())


# A figure as the narrative writes it: 10646, 8.5, 10.05万, 1.35亿 (no thousands separators).
PROSE_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(万|亿)?(个百分点)?")
SHOWN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
SCALE = {None: Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000)}


def shown_numbers(texts: list[str]) -> set[Decimal]:
    """Every number printed in these cells, titles and notes (separators dropped, sign ignored)."""
    return {abs(Decimal(n)) for text in texts for n in SHOWN_NUMBER.findall(text.replace(",", ""))}


def unshown_numbers(prose: str, rows: list[list[str]]) -> list[str]:
    """The figures in ``prose`` that no table shows: each must be a shown number, written in 万/亿
    and rounded as the prose rounds it, or (for “个百分点”) the difference of two rates in one row."""
    shown = shown_numbers([cell for row in rows for cell in row])
    missing = []
    for match in PROSE_NUMBER.finditer(prose):
        digits, unit, points = match.groups()
        number = Decimal(digits)
        places = Decimal(1).scaleb(-len(digits.partition(".")[2]))
        if points:
            ok = any(
                abs(a - b).quantize(places) == number
                for row in rows
                for a in shown_numbers(row)
                for b in shown_numbers(row)
            )
        else:
            ok = any((v / SCALE[unit]).quantize(places, rounding=ROUND_HALF_UP) == number for v in shown)
        if not ok:
            missing.append(match.group(0))
    return missing


def docx_parts(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    """A .docx read back with python-docx: its paragraphs' text and its tables' cell text."""
    import docx

    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables
