"""API endpoints: parse the request, ask portal.access and the services, serialise the answer.

Every queryset starts from ``access.filter_for_user`` (or ``regions_visible_to``), so another
district's row is a 404 exactly as on the pages, and ``ScopedAccess`` refuses writes by
read-only roles with 403.
"""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import Length
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics import aggregation, selectors
from metrics import services as return_services
from metrics.models import Campaign, DataSet, DataValue, Indicator, MonthlyReturn
from metrics.periods import MONTH
from portal import access
from portal import services as portal_services
from portal.api import filters
from portal.api import serializers as api_serializers
from portal.api.exceptions import MESSAGES, ApiError, error_body
from portal.services import audit_record
from regions.models import PATH_STEP, Organisation, Region
from reports import services as report_services
from reports.models import Mention, Report


def audit(request: Request, action_name: str, target: str, **detail) -> None:
    """Record an API write in the audit log, marked as coming through the API."""
    audit_record(user=request.user, action=action_name, target=target, detail={"via": "api", **detail}, request=request)


@extend_schema_view(
    list=extend_schema(
        summary="区域列表", description="调用者可见的区域；?parent= 列出直接下级，?within= 列出整棵子树。"
    ),
    retrieve=extend_schema(summary="区域详情"),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = api_serializers.RegionSerializer
    filterset_class = filters.RegionFilter

    def get_queryset(self):
        return access.regions_visible_to(self.request.user).annotate(children_count=Count("children")).order_by("path")

    class TreeQuery(serializers.Serializer):
        within = serializers.IntegerField(required=False, help_text="树根区域，默认为调用者的可见范围顶层")
        depth = serializers.IntegerField(
            required=False, min_value=0, max_value=4, default=2, help_text="向下展开的层数"
        )

    @extend_schema(
        summary="区域树",
        parameters=[TreeQuery],
        responses=api_serializers.RegionTreeNodeSerializer,
    )
    @action(detail=False, pagination_class=None, filterset_class=None)
    def tree(self, request: Request) -> Response:
        query = self.TreeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        if "within" in query.validated_data:
            root = access.get_region_for_user(request.user, query.validated_data["within"])
        else:
            root = access.scope_root(request.user)
            if root is None:
                raise NotFound()
        max_len = len(root.path) + query.validated_data["depth"] * (PATH_STEP + 1)
        rows = (
            Region.objects.filter(path__startswith=root.path)
            .annotate(path_len=Length("path"))
            .filter(path_len__lte=max_len)
            .order_by("path")
            .values("id", "name", "level", "code", "parent_id")
        )
        nodes: dict[int, dict] = {}
        for row in rows:
            node = {"id": row["id"], "name": row["name"], "level": row["level"], "code": row["code"], "children": []}
            nodes[row["id"]] = node
            parent = nodes.get(row["parent_id"])
            if parent is not None and row["id"] != root.pk:
                parent["children"].append(node)
        return Response(nodes[root.pk])


@extend_schema_view(
    list=extend_schema(summary="党组织列表", description="?region= 取该区域整棵子树中的党组织。"),
    retrieve=extend_schema(summary="党组织详情"),
)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = api_serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter

    def get_queryset(self):
        return access.filter_for_user(self.request.user, Organisation.objects.select_related("region"))


@extend_schema_view(
    list=extend_schema(summary="指标目录"),
    retrieve=extend_schema(summary="指标详情（按代码）"),
)
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = api_serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    queryset = Indicator.objects.select_related("numerator", "denominator", "per_capita_base")


@extend_schema_view(
    list=extend_schema(
        summary="数据值",
        description="按指标、区域子树、期间范围、来源和状态筛选；每个指标×区域×期间只有一个数（最多报一次）。",
    ),
    retrieve=extend_schema(summary="数据值详情"),
    create=extend_schema(
        summary="填报一个月度数值",
        description=(
            "写入该区域当月月度报表的草稿，与页面填报同一条路径（同样的校验、历史和乐观锁）。"
            "该格已有数值时返回 409 already_reported（最多报一次），请改用 PATCH；"
            "报表已提交、已审核或已锁定时返回 409。新闻报道采纳的待确认数值会被确认，而不是另存一份。"
        ),
        request=api_serializers.DataValueCreateSerializer,
        responses={201: api_serializers.DataValueWriteResultSerializer},
    ),
    update=extend_schema(
        summary="修改一个月度数值",
        request=api_serializers.DataValueWriteSerializer,
        responses=api_serializers.DataValueWriteResultSerializer,
    ),
    partial_update=extend_schema(
        summary="修改一个月度数值（部分字段）",
        request=api_serializers.DataValueWriteSerializer,
        responses=api_serializers.DataValueWriteResultSerializer,
    ),
    destroy=extend_schema(summary="清空一个月度数值", description="在草稿中清空该格；已提交或锁定的报表返回 409。"),
)
class DataValueViewSet(viewsets.ModelViewSet):
    serializer_class = api_serializers.DataValueSerializer
    filterset_class = filters.DataValueFilter

    def get_queryset(self):
        qs = DataValue.objects.select_related(
            "indicator", "region", "campaign", "updated_by", "monthly_return", "mention"
        )
        qs = access.filter_for_user(self.request.user, qs)
        return qs.order_by("-period_start", "indicator__order", "region__path", "id")

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = valid_data(api_serializers.DataValueCreateSerializer, request)
        indicator, region, period = data["indicator"], data["region"], data["period"]
        return_services.return_require_editor(user=request.user, region=region)
        dataset = _dataset_for(indicator, region, data.get("dataset"))
        ret = return_services.return_get_or_create(
            user=request.user, region=region, dataset=dataset, month=period.start
        )
        existing = DataValue.objects.filter(
            indicator=indicator, region=region, period_type=MONTH, period_start=period.start
        ).first()
        # A news figure nobody has confirmed is a suggestion in this cell: saving confirms it.
        # Anything else already fills the cell, and a figure is reported once (最多报一次).
        if existing is not None and not selectors.return_is_suggestion(existing, ret):
            raise ApiError(
                f"{region.display_name} {period.label}的“{indicator.name}”已有数值，请用 PATCH 修改该数值。",
                f"This cell already holds a figure (id {existing.pk}); change it with PATCH.",
                code="already_reported",
                extra={"existing_id": existing.pk},
            )
        dv, warnings = _save_cell(request, ret, indicator, data)
        return Response(_write_result(dv, ret, warnings), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        dv = self.get_object()
        partial = kwargs.get("partial", False)
        data = valid_data(api_serializers.DataValueWriteSerializer, request, partial=partial)
        ret = _return_of(request, dv)
        dv, warnings = _save_cell(request, ret, dv.indicator, data)
        return Response(_write_result(dv, ret, warnings))

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        dv = self.get_object()
        ret = _return_of(request, dv)
        _save_cell(request, ret, dv.indicator, {"value": None, "reason": request.query_params.get("reason", "")})
        return Response(status=status.HTTP_204_NO_CONTENT)


def valid_data(serializer_class, request: Request, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _dataset_for(indicator: Indicator, region: Region, requested: DataSet | None) -> DataSet:
    """The form of the region's level that holds the indicator (or the one the client named)."""
    datasets = selectors.return_datasets_for(region=region, datasets=DataSet.objects.filter(indicators=indicator))
    if requested is not None:
        if requested not in datasets:
            raise ValidationError(
                {"dataset": [f"“{requested.name}”不含该指标，或{region.get_level_display()}不填报。"]}
            )
        return requested
    if not datasets:
        raise ValidationError({"indicator": [f"{region.get_level_display()}的月度报表中没有指标“{indicator.name}”。"]})
    return datasets[0]


def _return_of(request: Request, dv: DataValue) -> MonthlyReturn:
    return_services.return_require_editor(user=request.user, region=dv.region)
    if dv.period_type != MONTH:
        raise ApiError(
            "只有月度数值可以通过月度报表修改；年度、季度数值来自新闻报道，请在报道审核中更正。",
            "Only monthly figures belong to a monthly return; correct annual or quarterly figures in report review.",
            code="not_a_monthly_figure",
        )
    dataset = dv.monthly_return.dataset if dv.monthly_return_id else _dataset_for(dv.indicator, dv.region, None)
    return return_services.return_get_or_create(
        user=request.user, region=dv.region, dataset=dataset, month=dv.period_start
    )


def not_editable_error(exc: return_services.ReturnNotEditable) -> ApiError:
    """The service's refusal of a write to a form in the API's words, by the code it carries."""
    ret = exc.monthly_return
    form = {"id": ret.pk, "status": ret.status, "locked": ret.locked, "lock_reason": ret.lock_reason}
    if exc.code == "waived":
        return ApiError(
            "该报表已设为免报，不能填报。", "This monthly return is waived.", code="waived", extra={"form": form}
        )
    if exc.code == "locked":
        why = ret.get_lock_reason_display() or "已审核"
        return ApiError(
            f"报表已锁定（{why}），不能修改；如需修改请联系审核员解锁。",
            f"The monthly return is locked ({ret.lock_reason or 'approved'}); ask an approver to unlock it.",
            code="locked",
            extra={"form": form},
        )
    if exc.code == "submitted":
        return ApiError(
            "报表已提交，等待审核，不能修改；如需修改请联系审核员退回。",
            "The monthly return is submitted and awaits approval; ask the approver to send it back first.",
            code="submitted",
            extra={"form": form},
        )
    return ApiError(str(exc), MESSAGES["not_editable"][1], code="not_editable")


def _save_cell(request: Request, ret: MonthlyReturn, indicator: Indicator, data: dict):
    """One cell through the returns service; its refusals become the API's error bodies."""
    comments = {indicator.code: data["comment"]} if "comment" in data else None
    values = {indicator.code: data["value"]} if "value" in data else {}
    try:
        findings = return_services.return_save_values(
            user=request.user,
            monthly_return=ret,
            values=values,
            comments=comments,
            expected_version=data.get("form_version") or ret.version,
            reason=data.get("reason", ""),
        )
    except return_services.ReturnInvalid as exc:
        fields = {("value" if code == indicator.code else code): msgs for code, msgs in exc.findings.errors.items()}
        raise ValidationError(fields) from None
    except return_services.ReturnConflict as exc:
        theirs = exc.values.get(indicator.code)
        raise ApiError(
            str(exc),
            "Someone else saved this monthly return first; nothing was written. Check their figure and retry.",
            code="version_conflict",
            extra={
                "current_value": None if theirs is None else str(theirs),
                "form_version": exc.monthly_return.version,
            },
        ) from None
    except return_services.ReturnNotEditable as exc:
        raise not_editable_error(exc) from None
    except return_services.ReturnError as exc:
        raise ApiError(str(exc), MESSAGES[exc.code][1], code=exc.code) from None
    ret.refresh_from_db()
    dv = (
        DataValue.objects.select_related("indicator", "region", "campaign", "updated_by")
        .filter(indicator=indicator, region=ret.region, period_type=MONTH, period_start=ret.month)
        .first()
    )
    return dv, findings.warnings.get(indicator.code, [])


def _write_result(dv: DataValue, ret: MonthlyReturn, warnings: list[str]) -> dict:
    body = dict(api_serializers.DataValueSerializer(dv).data)
    body["warnings"] = warnings
    body["form"] = {"id": ret.pk, "status": ret.status, "version": ret.version}
    return body


@extend_schema_view(
    list=extend_schema(summary="新闻报道列表"),
    retrieve=extend_schema(summary="新闻报道详情（含解析出的指标提及）"),
    create=extend_schema(
        summary="提交新闻报道",
        description=(
            "JSON 或表单提交粘贴的正文，或 multipart 上传文件（按内容识别格式）。报道先保存，再排队解析；"
            "状态 pending → parsing → parsed / failed，可轮询详情。与已提交报道正文相同的，关联到原报道，不重复解析。"
        ),
        request={
            "application/json": api_serializers.ReportSubmitSerializer,
            "multipart/form-data": api_serializers.ReportSubmitSerializer,
        },
        responses={201: api_serializers.ReportSerializer},
    ),
)
class ReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = filters.ReportFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = Report.objects.select_related("region", "campaign")
        if self.action == "retrieve":
            qs = qs.prefetch_related("mentions__indicator", "mentions__region")
        return access.filter_for_user(self.request.user, qs)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return api_serializers.ReportDetailSerializer
        if self.action == "create":
            return api_serializers.ReportSubmitSerializer
        return api_serializers.ReportSerializer

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = valid_data(api_serializers.ReportSubmitSerializer, request)
        upload = data.get("file")
        report = report_services.report_submit(
            user=request.user,
            title=data["title"],
            source_kind=data["source_kind"],
            source_name=data["source_name"],
            published=data["published"],
            region=data["region"],
            campaign=data.get("campaign"),
            text=data["ingested"].text,
            original_filename=upload.name if upload else "",
        )
        report.refresh_from_db()
        return Response(api_serializers.ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="重新解析失败的报道", request=None, responses=api_serializers.ReportSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk=None) -> Response:
        report = report_services.report_retry(user=request.user, report=self.get_object())
        return Response(api_serializers.ReportSerializer(report).data)


@extend_schema_view(
    list=extend_schema(summary="指标提及列表", description="新闻报道中解析出的数字，按报道、审核状态或指标筛选。"),
    retrieve=extend_schema(summary="指标提及详情"),
)
class MentionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = api_serializers.MentionSerializer
    filterset_class = filters.MentionFilter

    def get_queryset(self):
        qs = Mention.objects.select_related("indicator", "region")
        return access.filter_for_user(self.request.user, qs, "report__region").order_by("report_id", "start")

    @extend_schema(
        summary="采纳指标提及",
        description="采纳后填入该指标×区域×期间唯一的数据值；该格已有数据时只作关联，不重复录入（最多报一次）。",
        request=None,
        responses=api_serializers.MentionOutcomeSerializer,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def accept(self, request: Request, pk=None) -> Response:
        outcome = report_services.mention_accept(user=request.user, mention=self.get_object())
        dv = outcome.data_value
        return self._outcome(outcome.status, outcome.message, dv.pk if dv is not None else None)

    @extend_schema(
        summary="驳回指标提及",
        description="驳回；由它生成且尚未审核的数据值一并撤回。",
        request=None,
        responses=api_serializers.MentionOutcomeSerializer,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def reject(self, request: Request, pk=None) -> Response:
        message = report_services.mention_reject(user=request.user, mention=self.get_object())
        return self._outcome("rejected", message, None)

    def _outcome(self, outcome: str, message: str, data_value: int | None) -> Response:
        mention = self.get_queryset().get(pk=self.kwargs["pk"])
        body = {"status": outcome, "message": message, "data_value": data_value, "mention": mention}
        return Response(api_serializers.MentionOutcomeSerializer(body).data)


class AggregateViewSet(viewsets.ViewSet):
    """The dashboards' aggregation service, with the same covering rule (no figure counted twice)."""

    @extend_schema(
        summary="汇总",
        description=(
            "指标 × 区域子树 × 期间范围 × 分组，按各指标自己的汇总规则（流量求和、存量取期末、比率重算）。"
            "默认只计已审核数据。与数据看板使用同一汇总服务。"
        ),
        parameters=[api_serializers.AggregateQuerySerializer],
        responses=api_serializers.AggregateSerializer,
    )
    def list(self, request: Request) -> Response:
        params = {**request.query_params.dict(), "indicator": request.query_params.getlist("indicator")}
        query = api_serializers.AggregateQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        if q.get("region") is not None:
            region = access.get_region_for_user(request.user, q["region"])
        else:
            region = access.scope_root(request.user)
            if region is None:
                raise NotFound()
        totals = aggregation.indicator_totals(
            indicators=q["indicator"],
            region=region,
            period_range=aggregation.MonthRange.of(q["first"], q["last"]),
            group_by=q.get("group_by"),
            include_submitted=q["include_submitted"],
            source=q.get("source"),
        )
        rng = aggregation.MonthRange.of(q["first"], q["last"])
        body = {
            "region": {"id": region.pk, "name": region.display_name},
            "period": rng.code,
            "period_label": rng.label,
            "group_by": q.get("group_by"),
            "include_submitted": q["include_submitted"],
            "source": q.get("source"),
            "results": [_aggregate_row(total) for total in totals],
        }
        return Response(api_serializers.AggregateSerializer(body).data)


def _aggregate_row(total) -> dict:
    key = total.key
    if isinstance(key, Region):
        group = {"type": "region", "id": key.pk, "name": key.display_name}
    elif isinstance(key, Campaign):
        group = {"type": "campaign", "code": key.code, "name": key.name}
    elif key is not None:
        group = {"type": "period", "code": key.code, "name": key.label}
    else:
        group = None
    return {
        "indicator": total.indicator.code,
        "indicator_name": total.indicator.name,
        "unit": total.indicator.unit,
        "group": group,
        "period": total.range.code,
        "value": total.value,
        "count": total.count,
        "by_source": total.by_source,
    }


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="当前用户", responses=api_serializers.MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        root = access.scope_root(user)
        data = {
            "username": user.get_username(),
            "name": user.get_full_name(),
            "role": access.role_of(user),
            "region": root.pk if root else None,
            "region_name": root.display_name if root else None,
            "can_write": access.can_write(user),
            "can_approve": access.can_approve(user),
        }
        return Response(api_serializers.MeSerializer(data).data)


class MeTokenView(APIView):
    """A user issues (or rotates) their own token; an administrator revokes any in the admin."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="签发或轮换本人的 API 令牌",
        description=(
            "签发新令牌并吊销原有令牌。令牌只在本响应中出现一次：服务器只保存其摘要，无法再次查看或找回，"
            "遗失时请重新签发。prefix 为令牌前 8 位，用于在管理后台辨认令牌。"
        ),
        request=None,
        responses={201: api_serializers.TokenSerializer},
    )
    def post(self, request: Request) -> Response:
        issued = portal_services.api_token_issue(user=request.user)
        audit(request, "api_token_issue", request.user.get_username(), rotated=issued.rotated)
        body = api_serializers.TokenSerializer(
            {"token": issued.key, "prefix": issued.token.prefix, "created": issued.token.created}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="吊销本人的 API 令牌",
        description="吊销后该令牌立即失效；没有令牌时同样返回 204。",
        request=None,
        responses={204: None},
    )
    def delete(self, request: Request) -> Response:
        if portal_services.api_token_revoke(user=request.user):
            audit(request, "api_token_revoke", request.user.get_username(), by="self")
        return Response(status=status.HTTP_204_NO_CONTENT)


def not_found(request, path: str = ""):
    """Unknown paths under /api/v1/ answer in the API's error shape, not with an HTML page."""
    zh, en = MESSAGES["not_found"]
    return JsonResponse(error_body("not_found", zh, en), status=404, json_dumps_params={"ensure_ascii": False})


def docs(request):
    """A reference page rendered from the OpenAPI schema on the server: no JavaScript, no CDN."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            responses = [
                {"status": code, "description": body.get("description", "")}
                for code, body in sorted(op.get("responses", {}).items())
            ]
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "tag": (op.get("tags") or ["其他"])[0],
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [_describe_parameter(p) for p in op.get("parameters", [])],
                    "request": _describe_body(op.get("requestBody")),
                    "responses": responses,
                    "anchor": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                }
            )
    context = {
        "info": schema.get("info", {}),
        "operations": operations,
        "components": sorted(schema.get("components", {}).get("schemas", {}).items()),
        "now": timezone.now(),
    }
    return render(request, "api/docs.html", context)


def _describe_parameter(param: dict) -> dict:
    sch = param.get("schema", {})
    kind = sch.get("type", "")
    if sch.get("enum"):
        kind += " · " + " | ".join(str(v) for v in sch["enum"] if v not in ("", None))
    if sch.get("type") == "array":
        kind = "array of " + sch.get("items", {}).get("type", "")
    return {
        "name": param.get("name"),
        "in": param.get("in"),
        "required": param.get("required", False),
        "type": kind,
        "description": param.get("description", ""),
    }


def _describe_body(body: dict | None) -> list[str]:
    if not body:
        return []
    out = []
    for media, spec in body.get("content", {}).items():
        ref = spec.get("schema", {}).get("$ref", "")
        out.append(f"{media}: {ref.rsplit('/', 1)[-1] or spec.get('schema', {}).get('type', '')}")
    return out
