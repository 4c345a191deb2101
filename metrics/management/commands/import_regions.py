"""Load a district's real streets and communities from the national gazetteer into the region tree."""

from django.core.management.base import BaseCommand, CommandError

from metrics.services import RegionImportError, region_gazetteer, region_import_subtree
from regions.models import Region


class Command(BaseCommand):
    help = "从全国行政区划导入一个区/县的街道/乡镇和社区/村（可重复运行，已有区域保留不变）"

    def add_arguments(self, parser):
        parser.add_argument("name", help="区/县名称或区划代码，如 郑州市中原区、中原区、410102")
        parser.add_argument(
            "--depth",
            choices=[Region.Level.STREET, Region.Level.COMMUNITY],
            default=Region.Level.COMMUNITY,
            help="导入到哪一级：street（街道/乡镇）或 community（社区/村，默认）",
        )

    def handle(self, *args, **options) -> None:
        name = options["name"].strip()
        try:
            gazetteer = region_gazetteer()
            found = gazetteer.find(name) if name else None
            if found is None:
                raise CommandError(
                    f"全国行政区划中没有“{name}”，或有多处同名："
                    "请在前面写上级（如 郑州市中原区）或用区划代码（如 410102）。"
                )
            result = region_import_subtree(division=gazetteer.division(found), depth=options["depth"])
        except RegionImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(result.summary()))
