"""Profile.region points at regions.Region, the same table as before: a change of state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0002_api_tokens'),
        ('regions', '0001_initial'),
    ]

    operations = [
        # The tables stay where they are (db_table): only Django's idea of the models moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='profile',
                    name='region',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='regions.region', verbose_name='所属区域'),
                ),
            ],
        ),
    ]
