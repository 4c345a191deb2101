"""The command-line tools: extract_report's JSON format, the evaluation table and the benchmark."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "reports"
SAMPLE = FIXTURES / "003_bb51ab43308c02a6.txt"
RECORD_KEYS = {"doc", "start", "end", "text", "value", "unit", "approx", "subject", "indicator", "region", "borderline"}

pytestmark = pytest.mark.django_db


def _extract(capsysbinary, *args) -> tuple[dict, bytes]:
    call_command("extract_report", str(SAMPLE), *args)
    raw = capsysbinary.readouterr().out
    return json.loads(raw.decode("utf-8")), raw


def test_extract_report_prints_spec_records_with_offsets_into_the_file(capsysbinary):
    out, raw = _extract(capsysbinary, "--region", "中原区", "--date", "2022-06-25")
    assert set(out) == {"mentions", "campaigns"}
    assert "党员".encode() in raw  # UTF-8, not ASCII-escaped
    content = SAMPLE.read_text(encoding="utf-8")
    assert len(out["mentions"]) > 10
    for record in out["mentions"]:
        assert set(record) >= RECORD_KEYS
        assert record["doc"] == SAMPLE.name
        assert content[record["start"] : record["end"]] == record["text"]
    first = out["mentions"][0]
    assert (first["text"], first["value"], first["unit"]) == ("3760名", 3760, "人")


def test_extract_report_uses_the_database_places_when_there_are_regions(world, capsysbinary):
    from regions.models import Region

    zhongyuan = Region.objects.create(name="中原区", level=Region.Level.DISTRICT, parent=world.city)
    out, _ = _extract(capsysbinary, "--region", "中原区")
    assert str(zhongyuan.pk) in {m.get("region_key") for m in out["mentions"]}


def test_extract_report_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("extract_report", str(SAMPLE), "--date", "6月25日")


def test_eval_extraction_prints_per_report_and_micro_scores(capsys):
    call_command("eval_extraction", str(FIXTURES / "gold"), str(FIXTURES))
    out = capsys.readouterr().out
    for name in ("000_2c78c6649325ae67.txt", "001_55b7974c3ab1651e.txt", "003_bb51ab43308c02a6.txt", "micro"):
        assert name in out
    assert "sF1" in out and "strict P=" in out and "approx=" in out and "region=" in out


def test_bench_extraction_prints_both_speeds_and_their_ratio(capsys):
    call_command("bench_extraction", str(SAMPLE), "--repeat", "1")
    out = capsys.readouterr().out
    assert "完整抽取" in out and "jieba.lcut" in out and "比值" in out
