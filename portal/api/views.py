"""API endpoints: parse the request, ask portal.access and the services, serialise the answer.

Every queryset starts from ``access.filter_for_user`` (or ``regions_visible_to``), so another
district's row is a 404 exactly as on the pages, and ``ScopedAccess`` refuses writes by
read-only roles with 403.
"""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import Length
from django.shortcuts import render
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics.models import PATH_STEP, DataValue, Indicator, Organisation, Region
from portal import access
from portal.api import filters
from portal.api import serializers as api_serializers
from portal.models import AuditEvent
from portal.signals import client_ip
from reports.models import Mention, Report


def audit(request: Request, action_name: str, target: str, **detail) -> None:
    """Record an API write in the audit log, marked as coming through the API."""
    AuditEvent.objects.create(
        user=request.user,
        action=action_name,
        target=target[:200],
        detail={"via": "api", **detail},
        ip_address=client_ip(request),
    )


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
                return Response({})
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
)
class DataValueViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = api_serializers.DataValueSerializer
    filterset_class = filters.DataValueFilter

    def get_queryset(self):
        qs = DataValue.objects.select_related("indicator", "region", "campaign", "updated_by")
        qs = access.filter_for_user(self.request.user, qs)
        return qs.order_by("-period_start", "indicator__order", "region__path", "id")


@extend_schema_view(
    list=extend_schema(summary="新闻报道列表"),
    retrieve=extend_schema(summary="新闻报道详情（含解析出的指标提及）"),
)
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = filters.ReportFilter

    def get_queryset(self):
        qs = Report.objects.select_related("region", "campaign")
        if self.action == "retrieve":
            qs = qs.prefetch_related("mentions__indicator", "mentions__region")
        return access.filter_for_user(self.request.user, qs)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return api_serializers.ReportDetailSerializer
        return api_serializers.ReportSerializer


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

    @extend_schema(summary="签发或轮换本人的 API 令牌", request=None, responses={201: api_serializers.TokenSerializer})
    def post(self, request: Request) -> Response:
        rotated = Token.objects.filter(user=request.user).delete()[0] > 0
        token = Token.objects.create(user=request.user)
        audit(request, "api_token_issue", request.user.get_username(), rotated=rotated)
        body = api_serializers.TokenSerializer({"token": token.key, "created": token.created}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(summary="吊销本人的 API 令牌", request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        if Token.objects.filter(user=request.user).delete()[0]:
            audit(request, "api_token_revoke", request.user.get_username(), by="self")
        return Response(status=status.HTTP_204_NO_CONTENT)


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
