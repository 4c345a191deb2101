"""Region, Organisation and the “五星” models leave metrics for regions (regions 0001), their tables
and triggers untouched: metrics' foreign keys point at the regions models and metrics forgets its
copies, in Django's state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('metrics', '0010_remove_datavalue_mention'),
        ('portal', '0003_region_in_regions_app'),
        ('regions', '0001_initial'),
        ('reports', '0006_region_in_regions_app'),
    ]

    operations = [
        # The tables stay where they are (db_table): only Django's idea of the models moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='datavalue',
                    name='organisation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='regions.organisation'),
                ),
                migrations.AlterField(
                    model_name='project',
                    name='lead_organisation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='regions.organisation', verbose_name='牵头党组织'),
                ),
                migrations.RemoveField(
                    model_name='starrating',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='region',
                    name='parent',
                ),
                migrations.AlterField(
                    model_name='subtreetally',
                    name='region',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.region'),
                ),
                migrations.AlterField(
                    model_name='datavalue',
                    name='region',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='values', to='regions.region', verbose_name='区域'),
                ),
                migrations.AlterField(
                    model_name='monthlyreturn',
                    name='region',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='returns', to='regions.region'),
                ),
                migrations.AlterField(
                    model_name='campaigntarget',
                    name='region',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='regions.region', verbose_name='区域'),
                ),
                migrations.AlterField(
                    model_name='indicatorrollup',
                    name='region',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.region'),
                ),
                migrations.AlterField(
                    model_name='dashboardpreset',
                    name='region',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='regions.region', verbose_name='适用区域'),
                ),
                migrations.AlterField(
                    model_name='project',
                    name='region',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='regions.region', verbose_name='区域'),
                ),
                migrations.RemoveField(
                    model_name='starrating',
                    name='star',
                ),
                migrations.AlterField(
                    model_name='campaign',
                    name='regions',
                    field=models.ManyToManyField(blank=True, related_name='campaigns', to='regions.region', verbose_name='参与区域'),
                ),
                migrations.DeleteModel(
                    name='Organisation',
                ),
                migrations.DeleteModel(
                    name='Region',
                ),
                migrations.DeleteModel(
                    name='StarDefinition',
                ),
                migrations.DeleteModel(
                    name='StarRating',
                ),
            ],
        ),
    ]
