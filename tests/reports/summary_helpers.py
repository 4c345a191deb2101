"""Shared set-up for the summary tests: a small world with figures in every dashboard section."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
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
    DataValue.objects.create(
        indicator=households,
        region=world.street_a,
        period_type="month",
        period_start=date(2024, 3, 1),
        value=622,
        source=DataValue.Source.REPORT,
        status=DataValue.Status.APPROVED,
        mention=mention,
    )


def pdf_text(path: Path) -> str:
    """The PDF's text with all whitespace removed (pdftotext when installed, else pdfminer)."""
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    else:
        from pdfminer.high_level import extract_text

        text = extract_text(str(path))
    return "".join(text.split())
