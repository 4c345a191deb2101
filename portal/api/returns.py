"""Monthly returns (月报) through the API: the form pages' services, rights and refusals, as JSON.

Every queryset starts from ``access.filter_for_user``, so another district's form is a 404 as on
the pages; each write calls one ``metrics.services`` function, which checks the caller's right
itself, and its refusal becomes the bilingual error body with its own code.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from metrics import selectors
from metrics import services as return_services
from metrics.models import MonthlyReturn
from portal import access
from portal.api import filters
from portal.api import serializers as api_serializers
from portal.api.exceptions import MESSAGES, ApiError
from portal.api.views import not_editable_error, valid_data

_NUMBER = serializers.DecimalField(max_digits=20, decimal_places=4)


def in_chinese() -> translation.override:
    """The services word their refusals in the active language; the body's ``message`` is Chinese
    whatever Accept-Language says (``message_en`` carries the English)."""
    return translation.override(settings.LANGUAGE_CODE)


def _refusal(exc: return_services.ReturnError, *, status_code: int | None = None, **extra) -> ApiError:
    """The service's own Chinese message (it names states and regions) with its code's English."""
    if isinstance(exc, return_services.ReturnNotEditable):
        return not_editable_error(exc)
    return ApiError(str(exc), MESSAGES[exc.code][1], code=exc.code, status_code=status_code, extra=extra)


def _findings_refusal(exc: return_services.ReturnInvalid) -> ApiError:
    findings = exc.findings
    return ApiError(
        str(exc),
        MESSAGES[exc.code][1],
        code=exc.code,
        status_code=status.HTTP_400_BAD_REQUEST,
        extra={
            "fields": {"values": findings.errors},
            "findings": {"errors": findings.errors, "warnings": findings.warnings},
        },
    )


def _number(value: Decimal | None) -> str | None:
    return None if value is None else _NUMBER.to_representation(value)


def _with_sheet(ret: MonthlyReturn) -> MonthlyReturn:
    """Attach the rows and findings the form page shows, for the detail serializer."""
    rows = selectors.return_form_rows(region=ret.region, dataset=ret.dataset, month=ret.month, monthly_return=ret)
    ret.rows = [
        {
            "indicator": row["indicator"],
            "value": row["value"].value if row["value"] else None,
            "comment": row["value"].comment if row["value"] else "",
            "data_value": row["value"].pk if row["value"] else None,
            "suggestion": row["suggestion"].value if row["suggestion"] else None,
            "last_month": row["last_month"],
            "last_year": row["last_year"],
            "changes": row["changes"],
        }
        for row in rows
    ]
    ret.findings = return_services.return_check(monthly_return=ret, submitting=False)
    return ret


DETAIL = api_serializers.MonthlyReturnDetailSerializer


@extend_schema_view(
    list=extend_schema(
        summary="月度报表列表",
        description="调用者可见范围内已创建的月度报表，按区域子树、报表、月份、状态筛选；未开始的报表不在列表中。",
    ),
    retrieve=extend_schema(
        summary="月度报表详情",
        description=(
            "状态、页面状态下方的原因说明（退回、锁定或免报原因）、每个指标的数值（含上月、去年同期和新闻报道建议值）、"
            "校验结果，以及保存时须带回的 version。与页面一样，已过截止日期且设置了截止后锁定的草稿在读取时即锁定。"
        ),
    ),
    create=extend_schema(
        summary="创建或取得月度报表草稿",
        description=(
            "按区域 × 报表 × 月份取得该月报表，尚无时创建草稿（201），已有时原样返回（200）。"
            "不在本人填报范围内的区域与不存在的区域同样返回 403；该层级不填报此报表、未来月份返回 400。"
        ),
        request=api_serializers.MonthlyReturnCreateSerializer,
        responses={200: DETAIL, 201: DETAIL},
    ),
    update=extend_schema(
        summary="保存整张报表的数值",
        description=(
            "与页面“保存草稿”同一服务：同样的校验、修改记录和乐观锁。"
            "PUT 替换整张报表，未给出的指标数值和备注被清空。"
            "version 必须是读取时的版本：他人已先保存时返回 409 version_conflict，"
            "并附对方的数值（theirs），什么也不写入；"
            "有错误时返回 400，fields.values 按指标列出错误，什么也不写入。"
            "已提交、已审核、已锁定或免报的报表返回 409。"
        ),
        request=api_serializers.MonthlyReturnValuesSerializer,
        responses=DETAIL,
    ),
    partial_update=extend_schema(
        summary="保存部分指标的数值",
        description="同 PUT，但只修改给出的指标，其余数值和备注保持不变；version 同样必填。",
        request=api_serializers.MonthlyReturnValuesSerializer,
        responses=DETAIL,
    ),
)
class MonthlyReturnViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = filters.MonthlyReturnFilter

    def get_queryset(self):
        qs = MonthlyReturn.objects.select_related(
            "region__parent", "dataset", "submitted_by", "approved_by", "locked_by", "updated_by"
        )
        qs = access.filter_for_user(self.request.user, qs)
        return qs.order_by("-month", "region__path", "dataset__order", "id")

    def get_serializer_class(self):
        if self.action == "list":
            return api_serializers.MonthlyReturnSerializer
        if self.action == "create":
            return api_serializers.MonthlyReturnCreateSerializer
        if self.action in ("update", "partial_update"):
            return api_serializers.MonthlyReturnValuesSerializer
        return DETAIL

    def _answer(self, ret: MonthlyReturn, code: int = status.HTTP_200_OK) -> Response:
        ret = self.get_queryset().get(pk=ret.pk)
        return Response(DETAIL(_with_sheet(ret)).data, status=code)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        ret = self.get_object()
        # As the page does: a draft past a locking deadline shows as locked as soon as it is read.
        return_services.return_refresh_deadline_lock(monthly_return=ret)
        return Response(DETAIL(_with_sheet(ret)).data)

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = valid_data(api_serializers.MonthlyReturnCreateSerializer, request)
        key = {"region": data["region"], "dataset": data["dataset"], "month": data["month"]}
        existed = MonthlyReturn.objects.filter(**key).exists()
        with in_chinese():
            ret = return_services.return_get_or_create(user=request.user, **key)
        return self._answer(ret, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        partial = kwargs.pop("partial", False)
        ret = self.get_object()
        indicators = selectors.return_indicators(dataset=ret.dataset)
        serializer = api_serializers.MonthlyReturnValuesSerializer(
            data=request.data, context={"request": request, "indicators": indicators}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        values, comments = dict(data.get("values", {})), dict(data.get("comments", {}))
        if not partial:
            if "values" not in data:
                raise ValidationError({"values": ["PUT 须给出整张报表的数值；只修改部分指标请用 PATCH。"]})
            # PUT replaces the whole form: a figure or comment left out is emptied.
            for ind in indicators:
                values.setdefault(ind.code, None)
                comments.setdefault(ind.code, "")
        with in_chinese():
            try:
                return_services.return_save_values(
                    user=request.user,
                    monthly_return=ret,
                    values=values,
                    comments=comments,
                    expected_version=data["version"],
                    reason=data.get("reason", ""),
                )
            except return_services.ReturnInvalid as exc:
                raise _findings_refusal(exc) from None
            except return_services.ReturnConflict as exc:
                # Like the page's conflict: the other person's figures, to compare before saving again.
                raise _refusal(
                    exc,
                    version=exc.monthly_return.version,
                    theirs={code: _number(v) for code, v in exc.values.items()},
                    theirs_comments=exc.comments,
                ) from None
            except return_services.ReturnError as exc:
                raise _refusal(exc) from None
        return self._answer(ret)

    # --- Workflow -----------------------------------------------------------------------------

    @extend_schema(
        summary="提交审核",
        description=(
            "草稿或已退回 → 已提交，通知上级审核员。未通过校验（必填项、关系、偏离历史水平未在备注中说明）时返回 400 "
            "checks_failed 与按指标的问题；没有任何数值返回 409 empty_return；给出 version 而他人已修改时返回 409。"
        ),
        request=api_serializers.ReturnSubmitSerializer,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request: Request, pk=None) -> Response:
        ret = self.get_object()
        expected = valid_data(api_serializers.ReturnSubmitSerializer, request).get("version")
        with in_chinese():
            try:
                return_services.return_submit(user=request.user, monthly_return=ret, expected_version=expected)
            except return_services.ReturnInvalid as exc:
                raise _findings_refusal(exc) from None
            except return_services.ReturnError as exc:
                if exc.code == "version_conflict":
                    raise _refusal(exc, version=exc.monthly_return.version) from None
                raise _refusal(exc) from None
        return self._answer(ret)

    @extend_schema(
        summary="审核通过",
        description=(
            "已提交 → 已审核并锁定，数值计入看板与汇总。只有上级区域的审核员可以审核（否则 403）；"
            "下级区域的同一报表尚未全部审核或免报时返回 409 children_pending，blocking 列出这些区域；"
            "提交人或最后修改数值的人不能审核自己的报表（403 self_approval）。"
        ),
        request=api_serializers.ReturnNoteSerializer,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def approve(self, request: Request, pk=None) -> Response:
        ret = self.get_object()
        note = valid_data(api_serializers.ReturnNoteSerializer, request)["note"]
        with in_chinese():
            try:
                return_services.return_approve(user=request.user, monthly_return=ret, note=note)
            except return_services.ReturnSelfApproval as exc:
                raise _refusal(exc, status_code=status.HTTP_403_FORBIDDEN) from None
            except return_services.ReturnChildrenPending as exc:
                cells = [
                    {"region": c.region.pk, "region_name": c.region.display_name, "state": c.state}
                    for c in exc.blocking
                ]
                raise _refusal(exc, blocking=cells) from None
            except return_services.ReturnError as exc:
                raise _refusal(exc) from None
        return self._answer(ret)

    @extend_schema(
        summary="退回修改",
        description=(
            "已提交 → 已退回，原因必填；填报人读取报表时在 status_reason 中看到退回原因。只有上级区域的审核员可以退回。"
        ),
        request=api_serializers.ReturnReasonSerializer,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filterset_class=None)
    def send_back(self, request: Request, pk=None) -> Response:
        return self._with_reason(request, return_services.return_send_back)

    @extend_schema(
        summary="解锁",
        description=(
            "解除审核、截止日期或管理员锁定，原因必填并记录在案；已审核的报表解锁后退回填报人修改。"
            "上级区域的审核员或本辖区管理员可以解锁。"
        ),
        request=api_serializers.ReturnReasonSerializer,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def unlock(self, request: Request, pk=None) -> Response:
        return self._with_reason(request, return_services.return_unlock)

    @extend_schema(
        summary="管理员锁定",
        description="管理员冻结报表（如检查期间），原因必填，显示在 status_reason 中。",
        request=api_serializers.ReturnReasonSerializer,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def lock(self, request: Request, pk=None) -> Response:
        return self._with_reason(request, return_services.return_lock)

    @extend_schema(
        summary="设为免报",
        description="免除该区域本月的这张报表，上级报表即可不等它而审核；原因必填。只有上级区域的审核员可以设置。",
        request=api_serializers.ReturnReasonSerializer,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def waive(self, request: Request, pk=None) -> Response:
        ret = self.get_object()
        reason = valid_data(api_serializers.ReturnReasonSerializer, request)["reason"]
        with in_chinese():
            try:
                return_services.return_waive(
                    user=request.user, region=ret.region, dataset=ret.dataset, month=ret.month, reason=reason
                )
            except return_services.ReturnError as exc:
                raise _refusal(exc) from None
        return self._answer(ret)

    @extend_schema(
        summary="取消免报",
        description="原因必填，记入流转记录。只有上级区域的审核员可以取消。",
        request=api_serializers.ReturnReasonSerializer,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def unwaive(self, request: Request, pk=None) -> Response:
        return self._with_reason(request, return_services.return_unwaive)

    def _with_reason(self, request: Request, service: Callable[..., MonthlyReturn]) -> Response:
        """A workflow step whose only refusal is its one wrong state (rights are a 403 from the service)."""
        ret = self.get_object()
        reason = valid_data(api_serializers.ReturnReasonSerializer, request)["reason"]
        with in_chinese():
            try:
                service(user=request.user, monthly_return=ret, reason=reason)
            except return_services.ReturnError as exc:
                raise _refusal(exc) from None
        return self._answer(ret)
