"""Serializers of the API: the shapes other systems read and write."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from metrics.models import Campaign, DataSet, DataValue, Indicator, Organisation, Region
from metrics.periods import MONTH, Period
from portal import access
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
