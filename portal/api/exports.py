"""PDF summaries through the API: request one, poll its progress, download it (an audited export)."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from portal import access
from portal.api import serializers as api_serializers
from portal.api.exceptions import ApiError
from portal.api.views import audit, valid_data
from reports import summaries
from reports.models import Summary


class PdfRenderer(BaseRenderer):
    """Lets a client ask for application/pdf; refusals still go out as the JSON error body."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


@extend_schema_view(
    list=extend_schema(summary="PDF 摘要列表"),
    retrieve=extend_schema(summary="PDF 摘要状态（轮询）"),
    create=extend_schema(
        summary="申请 PDF 摘要",
        description=(
            "区域 × 期间（× 活动）的数据摘要，内容与数据看板一致。数据未变时直接复用已生成的文件（201）；"
            "小区域当即生成，大区域在后台生成（202），轮询详情直到 status 为 done，再从 download_url 下载。"
        ),
        request=api_serializers.SummaryRequestSerializer,
        responses={201: api_serializers.SummarySerializer, 202: api_serializers.SummarySerializer},
    ),
)
class SummaryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Leaders request summaries too, so reading roles may POST here; scope still decides what."""

    serializer_class = api_serializers.SummarySerializer
    permission_classes = [IsAuthenticated]
    filterset_class = None

    def get_queryset(self):
        qs = Summary.objects.select_related("region__parent", "campaign")
        return access.filter_for_user(self.request.user, qs)

    def get_serializer_class(self):
        if self.action == "create":
            return api_serializers.SummaryRequestSerializer
        return api_serializers.SummarySerializer

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = valid_data(api_serializers.SummaryRequestSerializer, request)
        region = summaries.summary_region(user=request.user, region_id=data["region"])
        try:
            period = summaries.summary_period(data["period"])
            campaign = summaries.summary_campaign(data.get("campaign"))
            summary = summaries.summary_request(user=request.user, region=region, period=period, campaign=campaign)
        except summaries.SummaryError as exc:
            raise ValidationError({"period": [str(exc)]}) from None
        summary = self.get_queryset().get(pk=summary.pk)
        done = summary.status == Summary.Status.DONE
        body = api_serializers.SummarySerializer(summary).data
        return Response(body, status=status.HTTP_201_CREATED if done else status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="下载 PDF 摘要",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, (409, "application/json"): OpenApiTypes.OBJECT},
    )
    @action(detail=True, renderer_classes=[JSONRenderer, PdfRenderer])
    def download(self, request: Request, pk=None):
        summary = self.get_object()
        if summary.status != Summary.Status.DONE or not summary.file:
            raise ApiError(
                f"摘要尚未生成完成（{summary.get_status_display()}），请稍后再下载。",
                f"The summary is not ready ({summary.status}); poll it and download when done.",
                code="not_ready",
            )
        audit(
            request,
            "export",
            f"数据摘要 {summary.region.display_name} {summary.period}",
            region=summary.region_id,
            period=summary.period,
            campaign=summary.campaign.code if summary.campaign else None,
            format="pdf",
        )
        name = f"党建数据摘要-{summary.region.display_name}-{summary.period}.pdf"
        return FileResponse(summary.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")

    @extend_schema(summary="重新生成失败的摘要", request=None, responses=api_serializers.SummarySerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk=None) -> Response:
        summary = summaries.summary_retry(user=request.user, summary_id=self.get_object().pk)
        return Response(api_serializers.SummarySerializer(self.get_queryset().get(pk=summary.pk)).data)
