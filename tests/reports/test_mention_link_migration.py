"""The Mention ↔ DataValue link turned around (reports 0005, metrics 0010): a database that
already holds accepted figures keeps every link, and the roll-up triggers survive the change."""

from datetime import date

from django.db import connection

BEFORE = [("metrics", "0009_election_tallies"), ("reports", "0004_one_summary_rendering")]
AFTER = [("metrics", "0010_remove_datavalue_mention"), ("reports", "0005_mention_data_value")]


def _migrate(executor, targets):
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_links_survive_turning_the_link_around(migrator):
    old = _migrate(migrator, BEFORE)
    try:
        Region, Indicator = old.get_model("metrics", "Region"), old.get_model("metrics", "Indicator")
        DataValue, Report, Mention = (
            old.get_model("metrics", "DataValue"),
            old.get_model("reports", "Report"),
            old.get_model("reports", "Mention"),
        )
        region = Region.objects.create(name="川汇区", path="9901", level="district")
        indicator = Indicator.objects.create(code="m_households", name="走访户数", unit="户")
        report = Report.objects.create(
            region=region,
            title="走访",
            source_kind="website",
            published=date(2024, 3, 5),
            text="走访群众120户，另有8户。",
        )
        linked = Mention.objects.create(report=report, start=4, end=8, text="120户", value=120, unit="户")
        loose = Mention.objects.create(report=report, start=10, end=12, text="8户", value=8, unit="户")
        figure = DataValue.objects.create(
            indicator=indicator,
            region=region,
            period_type="month",
            period_start=date(2024, 3, 1),
            value=120,
            mention=linked,
        )
    finally:
        new = _migrate(migrator, AFTER)
    Mention, DataValue = new.get_model("reports", "Mention"), new.get_model("metrics", "DataValue")
    assert Mention.objects.get(pk=linked.pk).data_value_id == figure.pk
    assert Mention.objects.get(pk=loose.pk).data_value_id is None
    assert DataValue.objects.get(pk=figure.pk).value == 120
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'metrics_datavalue'")
            triggers = {row[0] for row in cursor.fetchall()}
        assert triggers == {
            "metrics_datavalue_rollup_ins",
            "metrics_datavalue_rollup_del",
            "metrics_datavalue_rollup_upd",
        }
