"""The domain: campaigns, projects, the indicator catalogue, monthly returns and the data values
they hold, for the regions and organisations of ``regions.models``.

The rule against double counting ("最多报一次") lives in the schema: there is at most one
DataValue per indicator × region × period. A figure from a news report, a monthly return or
a spreadsheet import fills that one cell (``source`` says where it came from), so the same
work can never be stored twice; a parsed news figure pre-fills a return, it never adds to it.
Aggregation then applies the covering rule documented in ``metrics.aggregation``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from metrics.periods import MONTH, PERIOD_TYPES, QUARTER, YEAR, Period


class Indicator(models.Model):
    """An entry of the indicator catalogue, with how it aggregates over time and regions."""

    class Category(models.TextChoices):
        ORGANISATION = "organisation", _("组织建设")
        MEMBERS = "members", _("党员教育管理")
        SERVICE = "service", _("为民服务")
        PROJECTS = "projects", _("项目建设")
        STARS = "stars", _("“五星”创建")
        DEVELOPMENT = "development", _("发展成效")

    class TimeAggregation(models.TextChoices):
        SUM = "sum", _("求和（流量）")
        LATEST = "latest", _("期末值（存量）")
        RATIO = "ratio", _("由分子分母重算（比率）")
        MEAN = "mean", _("平均值")

    class RegionAggregation(models.TextChoices):
        SUM = "sum", _("求和")
        RATIO = "ratio", _("由分子分母重算")
        MEAN = "mean", _("平均值")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    unit = models.CharField(_("单位"), max_length=10)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    description = models.TextField(_("口径说明"), blank=True)
    time_aggregation = models.CharField(_("时间汇总"), max_length=10, choices=TimeAggregation.choices)
    region_aggregation = models.CharField(_("区域汇总"), max_length=10, choices=RegionAggregation.choices)
    numerator = models.ForeignKey(
        "self", verbose_name=_("分子指标"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", verbose_name=_("分母指标"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    per_capita_base = models.ForeignKey(
        "self",
        verbose_name=_("人均基数指标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("排名时按该指标折算（如每百名党员）"),
    )
    synonyms = models.TextField(_("同义词"), blank=True, help_text=_("新闻解析用，以逗号或换行分隔"))
    is_key = models.BooleanField(_("关键指标"), default=False, help_text=_("在看板上默认显示为指标卡"))
    integer_only = models.BooleanField(_("只允许整数"), default=True)
    required = models.BooleanField(_("必填"), default=False)
    min_value = models.DecimalField(_("最小值"), max_digits=20, decimal_places=4, null=True, blank=True, default=0)
    max_value = models.DecimalField(_("最大值"), max_digits=20, decimal_places=4, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标目录")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name to show: the English name on English pages where one is set."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def synonym_list(self) -> list[str]:
        raw = self.synonyms.replace("，", ",").replace("\n", ",")
        return [s.strip() for s in raw.split(",") if s.strip()]

    def clean(self) -> None:
        is_ratio = "ratio" in (self.time_aggregation, self.region_aggregation)
        if is_ratio and not (self.numerator_id and self.denominator_id):
            raise ValidationError(_("比率指标需要指定分子和分母指标。"))
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValidationError({"max_value": _("最大值不能小于最小值。")})


class DataSet(models.Model):
    """A monthly form: a group of indicators reported together by the regions of some levels."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    indicators = models.ManyToManyField(Indicator, through="DataSetIndicator", verbose_name=_("指标"))
    levels = models.JSONField(_("填报层级"), default=list, help_text=_('如 ["street", "community"]'))
    deadline_day = models.PositiveSmallIntegerField(
        _("截止日"), default=10, validators=[MinValueValidator(1), MaxValueValidator(28)], help_text=_("次月几日前报送")
    )
    lock_after_deadline = models.BooleanField(
        _("截止后锁定"), default=False, help_text=_("超过截止日仍未提交的报表自动锁定，需审核员或管理员解锁")
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def deadline_for(self, month_start: date) -> date:
        nxt = Period.month(month_start.year, month_start.month).next().start
        return nxt.replace(day=self.deadline_day)


class DataSetIndicator(models.Model):
    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        # One indicator, one form: a figure is reported once, so two forms would share one cell
        # and lock and approve it separately.
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"],
                name="indicator_in_one_dataset",
                violation_error_message=_("该指标已在另一张报表中：同一数字只填报一次。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset} · {self.indicator}"


class ValidationRule(models.Model):
    """A relation between two values of one form, e.g. 正式党员 ≤ 党员总数."""

    class Operator(models.TextChoices):
        LE = "le", "≤"
        LT = "lt", "<"
        GE = "ge", "≥"
        GT = "gt", ">"
        EQ = "eq", "="

    left = models.ForeignKey(Indicator, verbose_name=_("左侧指标"), on_delete=models.CASCADE, related_name="+")
    operator = models.CharField(_("关系"), max_length=2, choices=Operator.choices)
    right = models.ForeignKey(Indicator, verbose_name=_("右侧指标"), on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("提示"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")

    def __str__(self) -> str:
        return f"{self.left} {self.get_operator_display()} {self.right}"

    def holds(self, left: Decimal, right: Decimal) -> bool:
        return {
            "le": left <= right,
            "lt": left < right,
            "ge": left >= right,
            "gt": left > right,
            "eq": left == right,
        }[self.operator]


class Campaign(models.Model):
    """A campaign (活动/创建) such as “五星”支部创建 or 全国文明城市创建, with its targets."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    aliases = models.CharField(_("别名"), max_length=300, blank=True, help_text=_("新闻中的其他叫法，以逗号分隔"))
    description = models.TextField(_("说明"), blank=True)
    start = models.DateField(_("开始日期"), null=True, blank=True)
    end = models.DateField(_("结束日期"), null=True, blank=True)
    regions = models.ManyToManyField("regions.Region", verbose_name=_("参与区域"), blank=True, related_name="campaigns")

    class Meta:
        verbose_name = _("活动/创建")
        verbose_name_plural = _("活动/创建")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="campaign_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace("，", ",").split(",") if a.strip()]


class CampaignTarget(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT)
    region = models.ForeignKey("regions.Region", verbose_name=_("区域"), on_delete=models.CASCADE)
    target = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("活动目标")
        verbose_name_plural = _("活动目标")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "indicator", "region"], name="campaign_target_once"),
            models.CheckConstraint(condition=Q(target__gte=0), name="campaign_target_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.region} · {self.indicator}: {self.target}"


class Project(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("谋划中")
        IN_PROGRESS = "in_progress", _("在建")
        COMPLETED = "completed", _("已完工")
        SUSPENDED = "suspended", _("暂停")

    name = models.CharField(_("名称"), max_length=150)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="projects"
    )
    lead_organisation = models.ForeignKey(
        "regions.Organisation", verbose_name=_("牵头党组织"), null=True, blank=True, on_delete=models.SET_NULL
    )
    campaign = models.ForeignKey(Campaign, verbose_name=_("所属活动"), null=True, blank=True, on_delete=models.SET_NULL)
    planned_investment = models.DecimalField(_("计划投资（元）"), max_digits=16, decimal_places=2, default=0)
    actual_investment = models.DecimalField(_("实际投资（元）"), max_digits=16, decimal_places=2, default=0)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0, validators=[MaxValueValidator(100)])
    start_date = models.DateField(_("开工日期"), null=True, blank=True)
    end_date = models.DateField(_("完工日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["region__path", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_progress_max_100"),
            models.CheckConstraint(
                condition=Q(planned_investment__gte=0) & Q(actual_investment__gte=0),
                name="project_investment_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="project_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MonthlyReturn(models.Model):
    """One region's form for one data set and month, with its single workflow status."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审核")

    class LockReason(models.TextChoices):
        APPROVAL = "approval", _("审核通过后锁定")
        DEADLINE = "deadline", _("超过截止日期锁定")
        ADMIN = "admin", _("管理员锁定")

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="returns")
    dataset = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="returns")
    month = models.DateField(_("月份"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.TextField(_("状态说明"), blank=True)
    locked = models.BooleanField(_("已锁定"), default=False)
    lock_reason = models.CharField(_("锁定原因"), max_length=10, choices=LockReason.choices, blank=True)
    waived = models.BooleanField(_("免报"), default=False)
    version = models.PositiveIntegerField(default=1, help_text=_("乐观锁版本号"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    # Set when someone explicitly unlocks a deadline lock, so the deadline does not lock it again.
    deadline_lifted = models.BooleanField(_("已解除截止锁定"), default=False)
    waiver_reason = models.TextField(_("免报原因"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("月度报表")
        verbose_name_plural = _("月度报表")
        constraints = [
            models.UniqueConstraint(fields=["region", "dataset", "month"], name="return_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="return_month_first_day"),
        ]
        indexes = [models.Index(fields=["month", "status"])]

    def __str__(self) -> str:
        return f"{self.region} {self.dataset} {self.month:%Y-%m}"

    @property
    def editable(self) -> bool:
        """Values may change only in a draft or a returned form that nobody has locked."""
        return not self.locked and not self.waived and self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def status_label(self) -> str:
        """The one status shown everywhere, naming who or what locked the form."""
        if self.waived:
            return str(_("免报"))
        if self.locked and self.status != self.Status.APPROVED:
            return str(_("已锁定（%(why)s）") % {"why": self.get_lock_reason_display() or _("管理员锁定")})
        if self.status == self.Status.APPROVED:
            return str(_("已审核（已锁定）"))
        return self.get_status_display()


class ReturnEvent(models.Model):
    """One step of a form's workflow (saved, submitted, returned, approved, unlocked…) and why."""

    class Action(models.TextChoices):
        CREATE = "create", _("创建")
        SAVE = "save", _("保存")
        IMPORT = "import", _("表格导入")
        SUBMIT = "submit", _("提交")
        RETURN = "return", _("退回")
        APPROVE = "approve", _("审核通过")
        LOCK = "lock", _("锁定")
        UNLOCK = "unlock", _("解锁")
        WAIVE = "waive", _("免报")
        UNWAIVE = "unwaive", _("取消免报")
        REMIND = "remind", _("催报")

    monthly_return = models.ForeignKey(MonthlyReturn, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    old_status = models.CharField(max_length=10, blank=True)
    new_status = models.CharField(max_length=10, blank=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        verbose_name = _("报表流转记录")
        verbose_name_plural = _("报表流转记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class DataValue(models.Model):
    """The one figure for an indicator, a region and a period.

    At most one row exists per indicator × region × period, whatever its source: that is how
    "最多报一次" is enforced. Organisation, campaign and project are tags on the figure, not
    part of its identity, so tagging a figure with a campaign never creates a second copy.
    """

    class Source(models.TextChoices):
        RETURN = "return", _("月度报表")
        REPORT = "report", _("新闻报道")
        IMPORT = "import", _("表格导入")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        APPROVED = "approved", _("已审核")

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="values"
    )
    period_type = models.CharField(
        _("期间类型"), max_length=8, choices=[(MONTH, _("月")), (QUARTER, _("季")), (YEAR, _("年"))]
    )
    period_start = models.DateField(_("期间开始"))
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.RETURN)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    comment = models.TextField(_("备注"), blank=True)
    organisation = models.ForeignKey("regions.Organisation", null=True, blank=True, on_delete=models.SET_NULL)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL)
    monthly_return = models.ForeignKey(
        MonthlyReturn, null=True, blank=True, on_delete=models.SET_NULL, related_name="values"
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("数据值")
        verbose_name_plural = _("数据值")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "period_type", "period_start"], name="datavalue_reported_once"
            ),
            models.CheckConstraint(condition=Q(period_type__in=PERIOD_TYPES), name="datavalue_period_type_valid"),
            models.CheckConstraint(condition=Q(period_start__day=1), name="datavalue_period_first_day"),
        ]
        indexes = [
            models.Index(fields=["indicator", "period_type", "period_start", "region"], name="datavalue_lookup"),
            models.Index(fields=["region", "period_start"], name="datavalue_region_period"),
            models.Index(fields=["source", "updated_at"], name="datavalue_source_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.region} {self.period}: {self.value}"

    @property
    def period(self) -> Period:
        return Period(self.period_type, self.period_start)


class DataValueChange(models.Model):
    """The history of a data value: who changed it, when, from what to what, and why."""

    # Clearing a figure deletes its DataValue; the history stays, found by indicator and form.
    data_value = models.ForeignKey(DataValue, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    monthly_return = models.ForeignKey(
        MonthlyReturn, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(default=timezone.now)
    old_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    new_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    old_status = models.CharField(max_length=10, blank=True)
    new_status = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("修改记录")
        verbose_name_plural = _("修改记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.old_value} → {self.new_value}"


class IndicatorRollup(models.Model):
    """One indicator's figure for one region's whole subtree and one month, quarter or year.

    Maintained by ``metrics.aggregation`` with the covering rule already applied, so the
    dashboards read a handful of rows instead of adding up millions of values. Only regions
    with children have rows; a leaf's figures are its own values. ``tier`` says which values
    counted: approved only, or approved and submitted. Totals and counts are kept per source
    so that a breakdown by source adds up to the total without counting anything twice.
    """

    class Tier(models.TextChoices):
        APPROVED = "approved", _("仅已审核")
        SUBMITTED = "submitted", _("含已提交")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    # The unique constraint below leads with region, so it serves as the region index too.
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+", db_index=False)
    period_type = models.CharField(max_length=8)
    period_start = models.DateField()
    tier = models.CharField(max_length=10, choices=Tier.choices)
    total_return = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    total_report = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    total_import = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    count_return = models.PositiveIntegerField(default=0)
    count_report = models.PositiveIntegerField(default=0)
    count_import = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("汇总缓存")
        verbose_name_plural = _("汇总缓存")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "tier", "indicator", "period_type", "period_start"], name="rollup_cell_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.region_id} {self.period_type} {self.period_start} {self.tier}"


class RollupDirty(models.Model):
    """A data value key whose roll-ups must be recomputed.

    Filled by database triggers on ``metrics_datavalue`` (migration ``dashboard_rollups``), so
    every write path counts — ``save()``, ``QuerySet.update()``, ``bulk_create`` and raw SQL.
    """

    indicator_id = models.BigIntegerField()
    region_id = models.BigIntegerField()
    period_type = models.CharField(max_length=8)
    period_start = models.DateField()

    class Meta:
        verbose_name = _("待更新汇总")
        verbose_name_plural = _("待更新汇总")

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.region_id} {self.period_type} {self.period_start}"


class SubtreeTally(models.Model):
    """Counts of one region's own records and of its whole subtree, kept for the dashboard.

    Rows: “五星” organisations per number of stars and year (kind ``stars``, period = 1 January,
    key = the level 0–5), monthly returns per status and month (``returns``, key = the status),
    returns due per month (``due``, period = ``DUE_PERIOD``: it depends on the tree and the
    data sets only), and organisations per 换届 due date (``election``, period = that day). A page
    reads one row per child and key instead of the subtree's records; ``metrics.tallies`` keeps
    them up to date like the indicator roll-ups.
    """

    class Kind(models.TextChoices):
        STARS = "stars", _("“五星”星级")
        RETURNS = "returns", _("月报状态")
        DUE = "due", _("应报月报")
        ELECTION = "election", _("换届到期")

    DUE_PERIOD = date(1970, 1, 1)

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    period = models.DateField()
    key = models.CharField(max_length=12)
    own = models.PositiveIntegerField(default=0)
    subtree = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("区域计数汇总")
        verbose_name_plural = _("区域计数汇总")
        constraints = [models.UniqueConstraint(fields=["region", "kind", "period", "key"], name="tally_cell_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.kind} {self.period} {self.key}: {self.own}/{self.subtree}"


class TallyDirty(models.Model):
    """A (kind, region, period) whose tallies must be recomputed, recorded by database triggers on
    “五星” ratings, organisations (their region and 换届 date) and monthly returns, so ``update()``
    and raw SQL count too."""

    kind = models.CharField(max_length=8)
    region_id = models.BigIntegerField()
    period = models.DateField()

    class Meta:
        verbose_name = _("待更新计数")
        verbose_name_plural = _("待更新计数")

    def __str__(self) -> str:
        return f"{self.kind}@{self.region_id} {self.period}"


class DataVersion(models.Model):
    """How often the dashboard figures of a region's subtree have changed (region 0: everything
    the roll-ups do not cover, such as organisations, campaign targets and presets).

    Bumped by the roll-up and tally writers for every region whose figures they recompute; the
    panel cache keys on it, so a cached panel is never older than the figures it shows.
    """

    region_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return f"{self.region_id}: {self.version}"


class DashboardPreset(models.Model):
    """Which indicators a dashboard shows as KPI cards, for a region's subtree and/or a role.

    The most specific preset wins: the nearest region above the dashboard's region, a preset
    for the viewer's role before one for everybody. Without any, the catalogue's key indicators.
    """

    name = models.CharField(_("名称"), max_length=60)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("适用区域"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("适用角色"), max_length=16, blank=True, help_text=_("留空表示所有角色"))
    indicators = models.ManyToManyField(Indicator, verbose_name=_("指标卡"), related_name="+")

    class Meta:
        verbose_name = _("看板指标卡设置")
        verbose_name_plural = _("看板指标卡设置")

    def __str__(self) -> str:
        return self.name
