"""Write a region's briefing for a period (and optionally a campaign) to a file: PDF, Word (.docx),
.xlsx or a zip of CSVs; the format follows the file's suffix."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from portal import access
from reports import summaries, word
from reports.fonts import FontMissing, require_cjk_font

# Formats drawn without a font here; the PDF (the default) and Word's chart images need a Chinese one.
FONTLESS = (".xlsx", ".zip")


class Command(BaseCommand):
    help = (
        "导出数据摘要：--region 区域名称 --period 2024|2024-Q1|2024-03 [--campaign 代码] "
        "--out 文件.pdf|.docx|.xlsx|.zip"
    )
    # The one machine problem that matters here, a missing Chinese font, is reported by the
    # command itself as its error: the system check would print the same reason a second time.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--region", required=True, help="区域名称、简称、别名或带上级的名称，如“周口市城乡一体化示范区”"
        )
        parser.add_argument("--period", required=True, help="2024、2024-Q1 或 2024-03")
        parser.add_argument("--campaign", help="活动代码或名称")
        parser.add_argument(
            "--out", required=True, help="输出文件：.pdf（默认）、.docx（Word）、.xlsx 或 .zip（每个表格一个 CSV）"
        )
        parser.add_argument("--user", help="按该用户的权限范围和指标卡导出（默认不限范围）")

    def handle(self, *args, **options):
        out = Path(options["out"])
        kind = out.suffix.lower()
        if kind not in FONTLESS:
            try:
                require_cjk_font()  # before any work: the machine, not the selection, is at fault
            except FontMissing as exc:
                raise CommandError(str(exc)) from None
        try:
            region = summaries.region_resolve(options["region"])
            period = summaries.summary_period(options["period"])
            campaign = summaries.summary_campaign(options["campaign"])
        except summaries.SummaryError as exc:
            raise CommandError(str(exc)) from None
        user = summaries.system_user()
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"找不到用户：{options['user']}")
        if not access.can_view_region(user, region):
            raise CommandError(f"区域“{region.display_name}”不在用户 {user.username} 的权限范围内。")
        try:
            if kind == ".docx":
                content = summaries.summary_content(user=user, region=region, period=period, campaign=campaign)
                out.write_bytes(word.summary_docx(content))
            elif kind == ".xlsx":
                content = summaries.summary_content(user=user, region=region, period=period, campaign=campaign)
                out.write_bytes(summaries.summary_xlsx(content))
            elif kind == ".zip":
                content = summaries.summary_content(user=user, region=region, period=period, campaign=campaign)
                out.write_bytes(summaries.summary_csv_zip(content))
            else:
                summary = summaries.summary_request(
                    user=user, region=region, period=period, campaign=campaign, background=False
                )
                if summary.status != summary.Status.DONE:
                    raise CommandError(f"生成失败：{summary.failure_reason}")
                with summary.file.open("rb") as src, out.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
        except Http404:
            raise CommandError(f"区域“{region.display_name}”不在权限范围内。") from None
        except summaries.SummaryError as exc:
            raise CommandError(str(exc)) from None
        summaries.export_record(
            user=user, region=region, period=period, campaign=campaign, fmt=kind.lstrip(".") or "pdf", via="command"
        )
        self.stdout.write(self.style.SUCCESS(f"已导出 {region.display_name} {period.label} → {out}"))
