"""Score the extractor against gold files (spec section 4): per report and micro-averaged."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from extraction.scoring import evaluate_dirs, format_report


class Command(BaseCommand):
    help = "按规范第4节评估抽取效果：逐篇与合计（micro）的 P/R/F1、严格 P/R/F1 及约数/指标/区域准确率"

    def add_arguments(self, parser):
        parser.add_argument("gold_dir", help="金标准目录（<报道文件名>.jsonl）")
        parser.add_argument("report_dir", help="报道文本目录")

    def handle(self, *args, **options):
        gold, reports = Path(options["gold_dir"]), Path(options["report_dir"])
        for folder in (gold, reports):
            if not folder.is_dir():
                raise CommandError(f"目录不存在：{folder}")
        per_doc, micro = evaluate_dirs(gold, reports)
        if not per_doc:
            raise CommandError("没有找到与金标准文件对应的报道文件。")
        self.stdout.write(format_report(per_doc, micro))
        self.stdout.write(
            f"micro: P={micro['precision']:.3f} R={micro['recall']:.3f} F1={micro['f1']:.3f} | "
            f"strict P={micro['strict_precision']:.3f} R={micro['strict_recall']:.3f} F1={micro['strict_f1']:.3f} | "
            f"approx={micro['approx_accuracy']:.3f} indicator={micro['indicator_accuracy']:.3f} "
            f"region={micro['region_accuracy']:.3f}"
        )
