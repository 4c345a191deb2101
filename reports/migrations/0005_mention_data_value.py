"""The link between a figure and the news mention it came from moves to the mention's side
(issue 16): ``metrics`` then needs nothing of ``reports``. The existing links are copied."""

import django.db.models.deletion
from django.db import migrations, models


def _copy_links(apps, schema_editor):
    DataValue = apps.get_model("metrics", "DataValue")
    Mention = apps.get_model("reports", "Mention")
    for dv_id, mention_id in DataValue.objects.exclude(mention=None).order_by("pk").values_list("pk", "mention_id"):
        # A mention names one figure; were there ever two, the first keeps the link.
        Mention.objects.filter(pk=mention_id, data_value=None).update(data_value_id=dv_id)


def _copy_links_back(apps, schema_editor):
    DataValue = apps.get_model("metrics", "DataValue")
    Mention = apps.get_model("reports", "Mention")
    for mention_id, dv_id in Mention.objects.exclude(data_value=None).values_list("pk", "data_value_id"):
        DataValue.objects.filter(pk=dv_id).update(mention_id=mention_id)


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0009_election_tallies"),
        ("reports", "0004_one_summary_rendering"),
    ]

    operations = [
        migrations.AddField(
            model_name="mention",
            name="data_value",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="mention",
                to="metrics.datavalue",
                verbose_name="数据值",
            ),
        ),
        migrations.RunPython(_copy_links, _copy_links_back),
    ]
