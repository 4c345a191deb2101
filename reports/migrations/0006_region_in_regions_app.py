"""Reports, mentions and summaries point at regions.Region, the same table as before: a change of state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0001_initial'),
        ('reports', '0005_mention_data_value'),
    ]

    operations = [
        # The tables stay where they are (db_table): only Django's idea of the models moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='mention',
                    name='region',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='regions.region', verbose_name='区域'),
                ),
                migrations.AlterField(
                    model_name='report',
                    name='region',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='regions.region', verbose_name='所属区域'),
                ),
                migrations.AlterField(
                    model_name='summary',
                    name='region',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.region', verbose_name='区域'),
                ),
            ],
        ),
    ]
