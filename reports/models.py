"""News reports handed in by staff, and the indicator mentions the parser finds in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrics.models import Campaign, DataValue, Indicator
from regions.models import Region


class Report(models.Model):
    class SourceKind(models.TextChoices):
        NEWSPAPER = "newspaper", _("报纸")
        WEBSITE = "website", _("网站")
        WECHAT = "wechat", _("公众号")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PENDING = "pending", _("待解析")
        PARSING = "parsing", _("解析中")
        PARSED = "parsed", _("已解析")
        FAILED = "failed", _("解析失败")

    title = models.CharField(_("标题"), max_length=200)
    source_kind = models.CharField(_("来源类型"), max_length=10, choices=SourceKind.choices)
    source_name = models.CharField(_("来源名称"), max_length=100, blank=True)
    published = models.DateField(_("发布日期"))
    region = models.ForeignKey(Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="reports")
    campaign = models.ForeignKey(Campaign, verbose_name=_("所属活动"), null=True, blank=True, on_delete=models.SET_NULL)
    text = models.TextField(_("正文"))
    text_hash = models.CharField(max_length=64, db_index=True, editable=False)
    original_filename = models.CharField(_("原文件名"), max_length=255, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("重复于"), null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.TextField(_("失败原因"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    campaigns_named = models.ManyToManyField(Campaign, blank=True, related_name="+", verbose_name=_("文中提及的活动"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    parse_started_at = models.DateTimeField(null=True, blank=True)
    parsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("新闻报道")
        verbose_name_plural = _("新闻报道")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "queued_at"])]
        constraints = [
            # Two identical submissions for one place at the same instant (a double click, two
            # staff pasting the same article) must not both become the parsed original.
            models.UniqueConstraint(
                fields=["region", "text_hash"],
                condition=models.Q(duplicate_of__isnull=True),
                name="report_one_original_per_region",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Mention(models.Model):
    """A figure found in a report: its span, value, unit and attribution, and the review verdict."""

    class Review(models.TextChoices):
        PENDING = "pending", _("待确认")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("已驳回")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="mentions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=100)
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=6)
    unit = models.CharField(_("单位"), max_length=10)
    approx = models.BooleanField(_("约数"), default=False)
    subject = models.CharField(_("统计对象"), max_length=100, blank=True)
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), null=True, blank=True, on_delete=models.SET_NULL)
    region_text = models.CharField(_("文中地名"), max_length=100, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("区域"), null=True, blank=True, on_delete=models.SET_NULL)
    period_type = models.CharField(_("期间类型"), max_length=8, blank=True)
    period_start = models.DateField(_("期间开始"), null=True, blank=True)
    confidence = models.FloatField(_("置信度"), default=0)
    borderline = models.BooleanField(default=False)
    review = models.CharField(_("审核"), max_length=10, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The figure this mention was accepted into (or linked to as evidence); the link lives here so
    # that metrics knows nothing of reports. A figure has at most one mention, as before.
    data_value = models.OneToOneField(
        DataValue, verbose_name=_("数据值"), null=True, blank=True, on_delete=models.SET_NULL, related_name="mention"
    )

    class Meta:
        verbose_name = _("指标提及")
        verbose_name_plural = _("指标提及")
        ordering = ["report", "start"]
        constraints = [
            models.UniqueConstraint(fields=["report", "start", "end"], name="mention_span_once"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="mention_span_non_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.report_id})"


class Summary(models.Model):
    """A generated PDF summary of a region × period (× campaign), reused while its content is unchanged.

    ``fingerprint`` hashes the selection, the template version and the figures themselves, so a
    changed figure, organisation or report title gives a new key and a new file.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("期间"), max_length=10)
    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), null=True, blank=True, on_delete=models.CASCADE)
    role = models.CharField(_("角色"), max_length=16, blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    stage = models.CharField(_("步骤"), max_length=40, blank=True)
    file = models.FileField(_("文件"), upload_to="summaries/", blank=True)
    pages = models.PositiveSmallIntegerField(_("页数"), null=True, blank=True)
    failure_reason = models.TextField(_("失败原因"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("PDF 摘要")
        verbose_name_plural = _("PDF 摘要")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two people asking for the same selection at once share one rendering.
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=models.Q(status__in=["pending", "running"]),
                name="summary_one_rendering_per_fingerprint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.period} {self.get_status_display()}"
