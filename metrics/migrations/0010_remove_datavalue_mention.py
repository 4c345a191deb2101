"""DataValue.mention is gone: reports.Mention.data_value holds the link now (reports 0005 copied it)."""

import importlib

from django.db import migrations

_ROLLUPS = importlib.import_module("metrics.migrations.0005_dashboard_rollups")


def _sqlite_triggers(apps, schema_editor):
    # SQLite drops a column with a foreign key by rebuilding the table, which drops its triggers.
    if schema_editor.connection.vendor == "sqlite":
        for sql in _ROLLUPS._SQLITE_DROP + _ROLLUPS._SQLITE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0009_election_tallies"),
        ("reports", "0005_mention_data_value"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, _sqlite_triggers),
        migrations.RemoveField(model_name="datavalue", name="mention"),
        migrations.RunPython(_sqlite_triggers, migrations.RunPython.noop),
    ]
