"""Characters per second of full extraction next to raw jieba.lcut on the same text, in one process."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.extraction.bench import run

DEFAULT_GLOB = "fixtures/reports/*.txt"


class Command(BaseCommand):
    help = "抽取速度基准：完整抽取与 jieba.lcut 的每秒字符数（同一进程、同一文本）"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help=f"报道文本文件（默认 {DEFAULT_GLOB}）")
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, **options):
        paths = [Path(p) for p in options["files"]] or sorted(Path(settings.BASE_DIR).glob(DEFAULT_GLOB))
        if not paths:
            raise CommandError("没有找到报道文本。")
        text = "\n\n".join(p.read_text(encoding="utf-8") for p in paths)
        result = run(text, repeat=options["repeat"])
        self.stdout.write(
            f"{len(paths)} 篇，{result['chars']} 字，重复 {result['repeat']} 次取最快：\n"
            f"  完整抽取   {result['extract_chars_per_second']:>10,} 字/秒\n"
            f"  jieba.lcut {result['lcut_chars_per_second']:>10,} 字/秒\n"
            f"  比值       {result['ratio']:.3f}（要求 ≥ 0.5）"
        )
