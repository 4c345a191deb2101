"""Serializers of the API: the shapes other systems read and write."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from metrics.models import Campaign, DataSet, DataValue, Indicator, MonthlyReturn
from metrics.periods import MONTH, Period
from portal import access
from regions.models import Organisation, Region
from reports.ingest import IngestError, text_from_paste, text_from_upload
from reports.models import Mention, Report, Summary

OUT_OF_SCOPE = "您没有填报该区域报表的权限。"


class WriteRegionField(serializers.PrimaryKeyRelatedField):
    """Any existing region id; the service then refuses one outside the caller's scope with 403.

    The browsable API's forms list only the caller's own regions, so no name of another
    district appears on a page.
    """

    def __init__(self, *, out_of_scope: str = OUT_OF_SCOPE, **kwargs):
        kwargs.setdefault("queryset", Region.objects.all())
        self.out_of_scope = out_of_scope  # the service's own refusal for another district
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # A region id that does not exist is refused exactly like another district's, so a
        # caller cannot probe which ids exist.
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if "does_not_exist" in str(getattr(exc, "get_codes", lambda: "")()):
                raise DjangoPermissionDenied(self.out_of_scope) from None
            raise

    def get_choices(self, cutoff=None):
        request = self.context.get("request")
        queryset = access.regions_visible_to(request.user) if request is not None else Region.objects.none()
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {self.to_representation(item): self.display_value(item) for item in queryset}


class RegionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    display_name = serializers.CharField(read_only=True)
    depth = serializers.IntegerField(read_only=True)
    children_count = serializers.IntegerField(read_only=True, help_text="直接下级数量")

    class Meta:
        model = Region
        fields = [
            "id",
            "name",
            "display_name",
            "short_name",
            "level",
            "level_display",
            "code",
            "parent",
            "depth",
            "population",
            "children_count",
        ]


class RegionTreeNodeSerializer(serializers.Serializer):
    """One node of ``regions/tree/``: the region and its children, nested."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Region.Level.choices)
    code = serializers.CharField()
    children = serializers.ListField(child=serializers.DictField(), help_text="下级节点，结构同本节点")


class OrganisationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "category",
            "category_display",
            "parent",
            "region",
            "region_name",
            "member_count",
            "last_election",
            "next_election_due",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    numerator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    denominator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    per_capita_base = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    synonyms = serializers.ListField(source="synonym_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "name_en",
            "unit",
            "category",
            "description",
            "time_aggregation",
            "region_aggregation",
            "numerator",
            "denominator",
            "per_capita_base",
            "synonyms",
            "is_key",
            "integer_only",
            "required",
            "min_value",
            "max_value",
            "active",
        ]


class DataValueSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    mention = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="采纳自的新闻报道提及 id")
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    period = serializers.CharField(source="period.code", read_only=True, help_text="如 2024、2024-Q1、2024-03")
    campaign = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = DataValue
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "region",
            "region_name",
            "period",
            "period_type",
            "period_start",
            "value",
            "source",
            "status",
            "comment",
            "organisation",
            "campaign",
            "project",
            "monthly_return",
            "mention",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = fields


class MentionSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    region_name = serializers.CharField(source="region.name", read_only=True, default=None)

    class Meta:
        model = Mention
        fields = [
            "id",
            "report",
            "start",
            "end",
            "text",
            "value",
            "unit",
            "approx",
            "subject",
            "indicator",
            "region_text",
            "region",
            "region_name",
            "period_type",
            "period_start",
            "confidence",
            "review",
            "reviewed_at",
        ]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "title",
            "source_kind",
            "source_name",
            "published",
            "region",
            "region_name",
            "campaign",
            "original_filename",
            "duplicate_of",
            "status",
            "status_display",
            "failure_reason",
            "created_at",
            "parsed_at",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    mentions = MentionSerializer(many=True, read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "text", "mentions"]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    region = serializers.IntegerField(allow_null=True, help_text="可见范围的顶层区域")
    region_name = serializers.CharField(allow_null=True)
    can_write = serializers.BooleanField()
    can_approve = serializers.BooleanField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="请求头中使用：Authorization: Token <token>。只显示这一次，服务器不保存明文，请立即妥善保存。"
    )
    prefix = serializers.CharField(help_text="令牌前 8 位，不是密钥；管理后台据此辨认令牌")
    created = serializers.DateTimeField()


# --- Writes ---------------------------------------------------------------------------------


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}], "example": 12})
class RawValueField(serializers.CharField):
    """A figure as typed: a number, or a string the return's own parser reads (１２, 1,234)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise serializers.ValidationError("请填写数字。")
        return super().to_internal_value(str(data))


class DataValueWriteSerializer(serializers.Serializer):
    """A figure entered into the region's monthly return draft (the same cell a page would fill)."""

    value = RawValueField(max_length=40, help_text="数值；按月度报表的校验规则检查")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text="备注")
    form_version = serializers.IntegerField(
        required=False, min_value=1, help_text="月度报表的版本号（乐观锁）；省略则以当前版本保存"
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text="修改原因，记入历史")


class DataValueCreateSerializer(DataValueWriteSerializer):
    indicator = serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.filter(active=True), help_text="指标代码"
    )
    region = WriteRegionField(help_text="区域 id；不在本人填报范围内的区域返回 403")
    period = serializers.CharField(max_length=10, help_text="月份，如 2024-03")
    dataset = serializers.SlugRelatedField(
        slug_field="code", queryset=DataSet.objects.all(), required=False, help_text="报表代码；指标属于多张报表时指定"
    )

    def validate_period(self, value: str) -> Period:
        try:
            period = Period.parse(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
        if period.type != MONTH:
            raise serializers.ValidationError("月度报表只接受月份，如 2024-03。")
        return period


class DataValueWriteResultSerializer(DataValueSerializer):
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="提示（不阻止保存）")
    form = serializers.DictField(read_only=True, help_text="所属月度报表：id、状态、版本号")

    class Meta(DataValueSerializer.Meta):
        fields = [*DataValueSerializer.Meta.fields, "warnings", "form"]
        read_only_fields = fields


class ReportSubmitSerializer(serializers.Serializer):
    """A news report as pasted text (JSON or form) or as an uploaded file (multipart)."""

    title = serializers.CharField(max_length=200)
    source_kind = serializers.ChoiceField(choices=Report.SourceKind.choices)
    source_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    published = serializers.DateField()
    region = WriteRegionField(
        out_of_scope="您不能为该区域提交报道。", help_text="所属区域 id；不在本人填报范围内的区域返回 403"
    )
    campaign = serializers.SlugRelatedField(
        slug_field="code", queryset=Campaign.objects.all(), required=False, allow_null=True, help_text="活动代码"
    )
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, help_text="粘贴的正文")
    file = serializers.FileField(
        required=False, help_text="或上传 .txt（UTF-8/GBK/UTF-16）、.docx、文字版 .pdf、.html；按内容识别"
    )

    def validate_published(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("发布日期不能晚于今天。")
        return value

    def validate(self, attrs):
        text, upload = attrs.get("text") or "", attrs.get("file")
        if upload and text.strip():
            raise serializers.ValidationError({"text": ["请只选择一种方式：粘贴正文或上传文件。"]})
        try:
            if upload:
                limit = settings.REPORT_MAX_UPLOAD_BYTES
                if upload.size > limit:
                    raise IngestError(
                        f"文件过大：{upload.size / 1024 / 1024:.1f} MB，上限为 {limit / 1024 / 1024:.0f} MB。"
                    )
                attrs["ingested"] = text_from_upload(upload.read())
            elif text.strip():
                attrs["ingested"] = text_from_paste(text)
            else:
                raise serializers.ValidationError({"text": ["请粘贴报道正文或上传文件；正文不能为空。"]})
        except IngestError as exc:
            raise serializers.ValidationError({"file" if upload else "text": [str(exc)]}) from None
        return attrs


class MentionOutcomeSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="created / linked / kept / unchanged / rejected")
    message = serializers.CharField(help_text="结果说明（中文）")
    data_value = serializers.IntegerField(allow_null=True, help_text="采纳后对应的数据值 id")
    mention = MentionSerializer()


class AggregateQuerySerializer(serializers.Serializer):
    indicator = serializers.ListField(
        child=serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all()),
        min_length=1,
        max_length=20,
        help_text="指标代码，可重复（最多 20 个）",
    )
    region = serializers.IntegerField(required=False, help_text="区域 id，默认为本人可见范围的顶层；取其整棵子树")
    period_from = serializers.CharField(max_length=10, help_text="期间起，如 2024-01、2024-Q1、2024")
    period_to = serializers.CharField(max_length=10, required=False, help_text="期间止（含），默认同 period_from")
    group_by = serializers.ChoiceField(
        choices=["region", "month", "quarter", "year", "campaign"],
        required=False,
        help_text="按下级区域、月、季、年或活动分组；省略则每个指标一个数",
    )
    include_submitted = serializers.BooleanField(default=False, help_text="是否计入已提交未审核的数据")
    source = serializers.ChoiceField(choices=DataValue.Source.choices, required=False, help_text="只计某一来源")

    MAX_MONTHS = 120

    def validate(self, attrs):
        try:
            first = Period.parse(attrs["period_from"])
            last = Period.parse(attrs.get("period_to") or attrs["period_from"])
        except ValueError as exc:
            raise serializers.ValidationError({"period_from": [str(exc)]}) from None
        if last.end <= first.start:
            raise serializers.ValidationError({"period_to": ["期间止不能早于期间起。"]})
        months = (last.end.year - first.start.year) * 12 + last.end.month - first.start.month
        if months > self.MAX_MONTHS:
            raise serializers.ValidationError({"period_to": [f"期间跨度不能超过 {self.MAX_MONTHS} 个月。"]})
        attrs["first"], attrs["last"] = first, last
        return attrs


class AggregateRowSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text="指标代码")
    indicator_name = serializers.CharField()
    unit = serializers.CharField()
    group = serializers.DictField(allow_null=True, help_text="分组：{type, id|code, name}；不分组时为 null")
    period = serializers.CharField(help_text="该数所属期间，如 2024-Q1 或 2024-01~2024-05")
    value = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    count = serializers.IntegerField(help_text="计入的数据个数")
    by_source = serializers.DictField(child=serializers.DecimalField(max_digits=24, decimal_places=4))


class AggregateSerializer(serializers.Serializer):
    region = serializers.DictField()
    period = serializers.CharField()
    period_label = serializers.CharField()
    group_by = serializers.CharField(allow_null=True)
    include_submitted = serializers.BooleanField()
    source = serializers.CharField(allow_null=True)
    results = AggregateRowSerializer(many=True)


class SummaryRequestSerializer(serializers.Serializer):
    region = serializers.IntegerField(help_text="区域 id；不在本人可见范围内返回 404")
    period = serializers.CharField(max_length=10, help_text="2024、2024-Q1 或 2024-03")
    campaign = serializers.CharField(max_length=80, required=False, allow_blank=True, help_text="活动代码（可选）")


class SummarySerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.display_name", read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    download_url = serializers.SerializerMethodField(help_text="生成完成后的下载地址")

    class Meta:
        model = Summary
        fields = [
            "id",
            "region",
            "region_name",
            "period",
            "campaign",
            "status",
            "status_display",
            "progress",
            "stage",
            "pages",
            "failure_reason",
            "created_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj: Summary) -> str | None:
        if obj.status != Summary.Status.DONE:
            return None
        return reverse("api:summary-download", kwargs={"pk": obj.pk})


# --- Monthly returns --------------------------------------------------------------------------


@extend_schema_field({"type": "string", "example": "2024-03", "pattern": r"^\d{4}-\d{2}$"})
class MonthField(serializers.Field):
    """A form's month as the pages and periods write it: 2024-03."""

    def to_representation(self, value) -> str:
        return f"{value:%Y-%m}"


def return_status_reason(ret: MonthlyReturn) -> str:
    """The one line the form page shows under its status: why it is waived, returned or locked."""
    if ret.waived:
        return gettext("免报原因：%(reason)s") % {"reason": ret.waiver_reason}
    if ret.locked:
        line = gettext("锁定方式：%(how)s") % {"how": ret.get_lock_reason_display()}
        # An administrator's lock keeps its reason in status_reason, as the page shows it.
        if ret.lock_reason == MonthlyReturn.LockReason.ADMIN and ret.status_reason:
            line += f"：{ret.status_reason}"
        return line
    if ret.status == MonthlyReturn.Status.RETURNED and ret.status_reason:
        return gettext("退回原因：%(reason)s") % {"reason": ret.status_reason}
    return ""


class MonthlyReturnSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.display_name", read_only=True)
    dataset = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="报表代码")
    dataset_name = serializers.CharField(source="dataset.name", read_only=True)
    month = MonthField(read_only=True)
    status_display = serializers.CharField(
        source="status_label", read_only=True, help_text="页面显示的状态，如“已锁定（超过截止日期锁定）”、“免报”"
    )
    status_reason = serializers.SerializerMethodField(help_text="页面状态下方的一行说明：免报、锁定或退回的原因")
    lock_reason = serializers.ChoiceField(
        choices=MonthlyReturn.LockReason.choices, allow_blank=True, read_only=True, help_text="未锁定时为空"
    )
    lock_reason_display = serializers.CharField(source="get_lock_reason_display", read_only=True)
    editable = serializers.BooleanField(read_only=True, help_text="数值当前能否修改（草稿或已退回，且未锁定、未免报）")
    deadline = serializers.SerializerMethodField(help_text="报送截止日期")
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    locked_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = MonthlyReturn
        fields = [
            "id",
            "region",
            "region_name",
            "dataset",
            "dataset_name",
            "month",
            "status",
            "status_display",
            "status_reason",
            "locked",
            "lock_reason",
            "lock_reason_display",
            "waived",
            "waiver_reason",
            "editable",
            "version",
            "deadline",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "locked_by",
            "locked_at",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"version": {"help_text": "乐观锁版本号：保存数值时原样带回，他人先保存则返回 409"}}

    def get_status_reason(self, obj: MonthlyReturn) -> str:
        return return_status_reason(obj)

    def get_deadline(self, obj: MonthlyReturn) -> date:
        return obj.dataset.deadline_for(obj.month)


class ReturnValueSerializer(serializers.Serializer):
    """One row of the form: this month's figure with the comparisons the page shows beside it."""

    indicator = serializers.CharField(source="indicator.code", help_text="指标代码")
    indicator_name = serializers.CharField(source="indicator.name")
    unit = serializers.CharField(source="indicator.unit")
    required = serializers.BooleanField(source="indicator.required", help_text="提交时必填")
    value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True, help_text="本月数值")
    comment = serializers.CharField(allow_blank=True)
    data_value = serializers.IntegerField(allow_null=True, help_text="对应的数据值 id")
    suggestion = serializers.DecimalField(
        max_digits=20, decimal_places=4, allow_null=True, help_text="新闻报道采纳、尚待报表确认的数值"
    )
    last_month = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True, help_text="上月数值")
    last_year = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True, help_text="去年同期数值")
    changes = serializers.IntegerField(help_text="修改记录条数")


class ReturnFindingsSerializer(serializers.Serializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="按指标代码列出的错误（阻止保存或提交）"
    )
    warnings = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="按指标代码列出的提示（偏离历史水平；提交前须在备注中说明）",
    )


class MonthlyReturnDetailSerializer(MonthlyReturnSerializer):
    values = ReturnValueSerializer(source="rows", many=True, read_only=True, help_text="每个指标一行，顺序同页面")
    findings = ReturnFindingsSerializer(read_only=True, help_text="按当前保存的数值校验的结果，同页面顶部的问题列表")

    class Meta(MonthlyReturnSerializer.Meta):
        fields = [*MonthlyReturnSerializer.Meta.fields, "values", "findings"]
        read_only_fields = fields


class MonthlyReturnCreateSerializer(serializers.Serializer):
    region = WriteRegionField(help_text="区域 id；不在本人填报范围内的区域返回 403")
    dataset = serializers.SlugRelatedField(slug_field="code", queryset=DataSet.objects.all(), help_text="报表代码")
    month = serializers.CharField(max_length=10, help_text="月份，如 2024-03")

    def validate_month(self, value: str) -> date:
        try:
            period = Period.parse(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
        if period.type != MONTH:
            raise serializers.ValidationError("月度报表只接受月份，如 2024-03。")
        return period.start


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"oneOf": [{"type": "number"}, {"type": "string"}], "nullable": True},
        "example": {"households_visited": 120, "people_visited": "1,500"},
    }
)
class ReturnValuesField(serializers.DictField):
    """Figures by indicator code, as typed; null or "" empties the cell."""

    child = RawValueField(max_length=40, allow_null=True, allow_blank=True)


class MonthlyReturnValuesSerializer(serializers.Serializer):
    """Figures and comments saved into a draft, with the version the client read (optimistic locking)."""

    # A PATCH changes only the cells it names but still needs the version: never partial, so that
    # neither DRF nor the schema (which marks every field of a partial serializer optional) drops it.
    partial = property(lambda self: False, lambda self, value: None)

    version = serializers.IntegerField(min_value=1, help_text="读取报表时的 version；他人已先保存则返回 409")
    values = ReturnValuesField(required=False, help_text="按指标代码的数值；null 或空串清空该格")
    comments = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True),
        required=False,
        help_text="按指标代码的备注（偏离历史水平的数值提交前须说明）",
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text="修改原因，记入历史")

    def validate(self, attrs):
        codes = {ind.code for ind in self.context["indicators"]}
        for name in ("values", "comments"):
            unknown = sorted(set(attrs.get(name, {})) - codes)
            if unknown:
                raise serializers.ValidationError({name: [f"指标“{code}”不在此报表中。" for code in unknown[:10]]})
        return attrs

    def to_representation(self, instance):
        # The browsable API pre-fills its form from the form being edited: the version to send back.
        return {"version": instance.version, "values": {}, "comments": {}, "reason": ""}


class ReturnSubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="读取报表时的 version；给出时，他人已修改则不提交并返回 409"
    )


class ReturnNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="", help_text="审核意见")


class ReturnReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text="原因（必填，记入流转记录）")
