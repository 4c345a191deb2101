"""Print the mentions and campaigns of one report file as UTF-8 JSON (scripts depend on this format)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from extraction import ExtractionContext, Extractor
from regions.models import Region
from regions.selectors import regions_named
from reports.engine import get_extractor


class Command(BaseCommand):
    help = '从新闻报道文件中抽取指标数据，输出 UTF-8 JSON：{"mentions": [...], "campaigns": [...]}'

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--region", default=None, help="提交区域名称，如 中原区")
        parser.add_argument("--date", default=None, help="发布日期 YYYY-MM-DD")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            # Offsets are into the file's text exactly as read: UTF-8, nothing stripped or normalised.
            with open(path, encoding="utf-8", newline="") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取文件 {path}：{exc}") from exc
        published = None
        if options["date"]:
            try:
                published = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("日期格式应为 YYYY-MM-DD") from None
        extractor, region_key = self._extractor(options["region"])
        context = ExtractionContext(region=options["region"], region_key=region_key, published=published)
        result = extractor.extract(text, context, doc=path.name)
        out = json.dumps(result.as_dict(), ensure_ascii=False, indent=1)
        # Write bytes so the output is UTF-8 whatever the terminal's locale says.
        self.stdout.flush()
        sys.stdout.buffer.write(out.encode("utf-8") + b"\n")
        sys.stdout.buffer.flush()

    @staticmethod
    def _extractor(region_name: str | None) -> tuple[Extractor, str | None]:
        """The catalogue-built extractor when the database has regions, else the engine's defaults."""
        try:
            has_regions = Region.objects.exists()
        except DatabaseError:  # no database yet (a fresh checkout): the engine's defaults
            has_regions = False
        if not has_regions:
            return Extractor(), None
        key = None
        if region_name:
            # An ambiguous name takes the first region by path: the engine only needs a context.
            named = regions_named(name=region_name)
            key = str(named[0].pk) if named else None
        return get_extractor(), key
