"""Time the generation of a region's summary PDF (default: a district's annual summary), step by step,
and of the same briefing as a Word document."""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand, CommandError

from metrics import aggregation
from metrics.periods import YEAR, Period
from regions.models import Region
from reports import summaries, word
from reports.fonts import FontMissing, require_cjk_font


class Command(BaseCommand):
    help = "PDF 摘要生成耗时基准（默认：一个区县的年度摘要；目标 < 3 秒）"

    def add_arguments(self, parser):
        parser.add_argument("--region", help="区域名称（默认：下级区域最多的区县）")
        parser.add_argument("--period", help="期间（默认：有数据的最近一年）")
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, **options):
        try:
            region = summaries.region_resolve(options["region"]) if options["region"] else _largest_district()
            if options["period"]:
                period = summaries.summary_period(options["period"])
            else:
                aggregation.ensure_fresh()
                horizon = aggregation.data_horizon(region=region)
                if horizon is None:
                    raise CommandError(f"{region.display_name} 没有数据；请先运行 load_demo。")
                period = Period.containing(horizon, YEAR)
        except summaries.SummaryError as exc:
            raise CommandError(str(exc)) from None
        try:
            require_cjk_font()
        except FontMissing as exc:
            raise CommandError(str(exc)) from None
        user = summaries.system_user()
        size = region.descendants().count()
        self.stdout.write(f"{region.display_name} {period.label}（子树 {size} 个区域），重复 {options['repeat']} 次：")
        runs, word_runs = [], []
        for n in range(max(1, options["repeat"]) + 1):
            started = time.perf_counter()
            content = summaries.summary_content(user=user, region=region, period=period)
            t_data = time.perf_counter()
            html = summaries.summary_html(content)
            t_html = time.perf_counter()
            pdf, pages = summaries.render_pdf(html)
            t_pdf = time.perf_counter()
            document = word.summary_docx(content)
            t_word = time.perf_counter() - t_pdf
            row = (t_data - started, t_html - t_data, t_pdf - t_html, t_pdf - started)
            label = "首次（含加载 WeasyPrint 与字体）" if n == 0 else f"第 {n} 次"
            self.stdout.write(
                f"  {label}: 数据 {row[0]:.2f} s · 图表与 HTML {row[1]:.2f} s · PDF {row[2]:.2f} s · "
                f"合计 {row[3]:.2f} s（{pages} 页，{len(pdf) // 1024} KB）；"
                f"Word {t_word:.2f} s（{len(document) // 1024} KB）"
            )
            if n:
                runs.append(row[3])
                word_runs.append(t_word)
        median = statistics.median(runs)
        verdict = "达标" if median < 3 else "未达标"
        self.stdout.write(f"中位数 {median:.2f} s，最快 {min(runs):.2f} s（目标 < 3 s，{verdict}）")
        self.stdout.write(f"Word 中位数 {statistics.median(word_runs):.2f} s（不含取数，取数同 PDF）")


def _largest_district() -> Region:
    districts = list(Region.objects.filter(level=Region.Level.DISTRICT).select_related("parent"))
    if not districts:
        raise CommandError("没有区县；请先运行 load_demo。")
    return max(districts, key=lambda d: (d.descendants().count(), -d.pk))
