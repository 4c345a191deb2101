"""The regions app takes over Region, Organisation, StarDefinition and StarRating from metrics.

The tables (metrics_region …) were created by metrics' migrations and keep their names, so the
models are created in Django's state only; on a new database metrics 0001–0010 build them first.
The content types move to the new app label, so permissions, group rights and admin log entries
follow the models instead of pointing at stale ones."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

MODELS = ("region", "organisation", "stardefinition", "starrating")


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        # Where the new label exists already (a database migrated back and forth), leave both rows.
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def _content_types_to_regions(apps, schema_editor):
    _relabel(apps, "metrics", "regions")


def _content_types_to_metrics(apps, schema_editor):
    _relabel(apps, "regions", "metrics")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('metrics', '0010_remove_datavalue_mention'),
    ]

    operations = [
        # The tables stay where they are (db_table): only Django's idea of the models moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='StarDefinition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='代码')),
                        ('name', models.CharField(max_length=40, verbose_name='名称')),
                        ('scheme', models.CharField(choices=[('rural', '农村'), ('urban', '城市社区')], max_length=10, verbose_name='适用')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='顺序')),
                        ('active', models.BooleanField(default=True, verbose_name='启用')),
                    ],
                    options={
                        'verbose_name': '“五星”星级',
                        'verbose_name_plural': '“五星”星级',
                        'db_table': 'metrics_stardefinition',
                        'ordering': ['scheme', 'order'],
                    },
                ),
                migrations.CreateModel(
                    name='Region',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='名称')),
                        ('short_name', models.CharField(blank=True, help_text='新闻中常用的简称，如“示范区”', max_length=50, verbose_name='简称')),
                        ('aliases', models.CharField(blank=True, help_text='以逗号分隔', max_length=300, verbose_name='别名')),
                        ('level', models.CharField(choices=[('city', '市'), ('district', '区/县/示范区'), ('street', '街道/乡镇'), ('community', '社区/村')], max_length=16, verbose_name='层级')),
                        ('code', models.CharField(blank=True, max_length=12, verbose_name='区划代码')),
                        ('path', models.CharField(editable=False, max_length=255, unique=True)),
                        ('population', models.PositiveIntegerField(blank=True, null=True, verbose_name='常住人口')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='regions.region', verbose_name='上级')),
                    ],
                    options={
                        'verbose_name': '行政区域',
                        'verbose_name_plural': '行政区域',
                        'db_table': 'metrics_region',
                        'ordering': ['path'],
                    },
                ),
                migrations.CreateModel(
                    name='Organisation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=150, verbose_name='名称')),
                        ('kind', models.CharField(choices=[('committee', '党委'), ('general_branch', '党总支'), ('branch', '党支部')], max_length=20, verbose_name='类型')),
                        ('category', models.CharField(choices=[('organ', '机关'), ('rural', '农村'), ('community', '社区'), ('new_org', '两新组织'), ('school', '学校'), ('soe', '国有企业'), ('public_institution', '事业单位'), ('other', '其他')], max_length=24, verbose_name='领域')),
                        ('member_count', models.PositiveIntegerField(default=0, verbose_name='党员数')),
                        ('last_election', models.DateField(blank=True, null=True, verbose_name='上次换届日期')),
                        ('next_election_due', models.DateField(blank=True, null=True, verbose_name='下次换届到期日')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='regions.organisation', verbose_name='上级党组织')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='organisations', to='regions.region', verbose_name='所在区域')),
                    ],
                    options={
                        'verbose_name': '党组织',
                        'verbose_name_plural': '党组织',
                        'db_table': 'metrics_organisation',
                        'ordering': ['region__path', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='StarRating',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='年度')),
                        ('status', models.CharField(choices=[('pending', '评定中'), ('awarded', '已获得'), ('not_awarded', '未获得'), ('revoked', '已摘星')], default='pending', max_length=12, verbose_name='状态')),
                        ('evidence', models.TextField(blank=True, verbose_name='佐证说明')),
                        ('rated_at', models.DateField(blank=True, null=True, verbose_name='评定日期')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='star_ratings', to='regions.organisation')),
                        ('star', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='regions.stardefinition', verbose_name='星级')),
                    ],
                    options={
                        'verbose_name': '“五星”评定',
                        'verbose_name_plural': '“五星”评定',
                        'db_table': 'metrics_starrating',
                    },
                ),
                migrations.AddIndex(
                    model_name='region',
                    index=models.Index(fields=['path'], name='region_path_prefix', opclasses=['varchar_pattern_ops']),
                ),
                migrations.AddConstraint(
                    model_name='region',
                    constraint=models.UniqueConstraint(fields=('parent', 'name'), name='region_unique_name_per_parent'),
                ),
                migrations.AddIndex(
                    model_name='organisation',
                    index=models.Index(fields=['next_election_due'], name='organisation_election_due'),
                ),
                migrations.AddConstraint(
                    model_name='organisation',
                    constraint=models.UniqueConstraint(fields=('region', 'name'), name='organisation_unique_name_per_region'),
                ),
                migrations.AddIndex(
                    model_name='starrating',
                    index=models.Index(fields=['year', 'status'], name='metrics_sta_year_2a658c_idx'),
                ),
                migrations.AddConstraint(
                    model_name='starrating',
                    constraint=models.UniqueConstraint(fields=('organisation', 'year', 'star'), name='star_rating_once'),
                ),
            ],
        ),
        migrations.RunPython(_content_types_to_regions, _content_types_to_metrics),
    ]
