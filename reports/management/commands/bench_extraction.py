"""Characters per second of full extraction next to raw jieba.lcut on the same text, in one process."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from extraction import Extractor
from extraction.bench import run, sized, tree_specs

DEFAULT_GLOB = "fixtures/reports/*.txt"


class Command(BaseCommand):
    help = "抽取速度基准：完整抽取与 jieba.lcut 的每秒字符数（同一进程、同一文本）"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help=f"报道文本文件（默认 {DEFAULT_GLOB}）")
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--size", type=int, nargs="*", help="把文本重复到这些字数分别测量，如 --size 20000 600000")
        parser.add_argument("--tree", help="载入区划库中该地（如 郑州市）的整棵区域树后再测量")
        parser.add_argument("--catalogue", action="store_true", help="用数据库中的指标目录与区域树（如演示数据）")

    def handle(self, *args, **options):
        paths = [Path(p) for p in options["files"]] or sorted(Path(settings.BASE_DIR).glob(DEFAULT_GLOB))
        if not paths:
            raise CommandError("没有找到报道文本。")
        text = "\n\n".join(p.read_text(encoding="utf-8") for p in paths)
        extractor = None
        if options["catalogue"]:
            from reports.engine import catalogue_specs, get_extractor

            extractor = get_extractor()
            _indicators, places, _campaigns = catalogue_specs()
            self.stdout.write(f"数据库目录：{len(places)} 个区域")
        if options["tree"]:
            t0 = time.perf_counter()
            specs = tree_specs(options["tree"])
            extractor = Extractor(places=specs)
            self.stdout.write(f"区域树 {options['tree']}：{len(specs)} 个区域，构建 {time.perf_counter() - t0:.2f} 秒")
        for size in options["size"] or ():
            result = run(sized(text, size), repeat=options["repeat"], extractor=extractor)
            self.stdout.write(
                f"{result['chars']:>9,} 字：完整抽取 {result['extract_chars_per_second']:>10,} 字/秒，"
                f"jieba.lcut {result['lcut_chars_per_second']:>10,} 字/秒，比值 {result['ratio']:.3f}，"
                f"每篇 {result['chars'] / result['extract_chars_per_second'] * 1000:.0f} 毫秒"
            )
        if options["size"]:
            return
        result = run(text, repeat=options["repeat"], extractor=extractor)
        self.stdout.write(
            f"{len(paths)} 篇，{result['chars']} 字，重复 {result['repeat']} 次取最快：\n"
            f"  完整抽取   {result['extract_chars_per_second']:>10,} 字/秒\n"
            f"  jieba.lcut {result['lcut_chars_per_second']:>10,} 字/秒\n"
            f"  比值       {result['ratio']:.3f}（要求 ≥ 0.5）"
        )
