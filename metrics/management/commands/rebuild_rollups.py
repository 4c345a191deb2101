"""Recompute every dashboard roll-up and tally from the records (repair, or after moving regions)."""

import time

from django.core.management.base import BaseCommand

from metrics.aggregation import rollups_rebuild
from metrics.tallies import tallies_rebuild


class Command(BaseCommand):
    help = "从数据值重新计算全部看板汇总（修复用）"

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        written = rollups_rebuild(stdout=self.stdout if options["verbosity"] > 1 else None)
        self.stdout.write(self.style.SUCCESS(f"{written} roll-up rows in {time.monotonic() - started:.1f}s"))
        started = time.monotonic()
        counted = tallies_rebuild()
        took = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"{counted} tally rows (“五星”, returns) in {took:.1f}s"))
