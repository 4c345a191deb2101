"""Forms for submitting a report and correcting a mention; every message is translatable (Chinese source)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from metrics.models import Campaign
from metrics.periods import Period
from regions.models import Region
from reports import selectors
from reports.ingest import Ingested, IngestError, text_from_paste, text_from_upload
from reports.models import Report


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return "　" * max(0, obj.depth - 1) + obj.display_name


class ReportSubmitForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    source_kind = forms.ChoiceField(label=_("来源类型"), choices=Report.SourceKind.choices)
    source_name = forms.CharField(label=_("来源名称"), max_length=100, required=False, help_text=_("如：周口日报"))
    published = forms.DateField(label=_("发布日期"), widget=forms.DateInput(attrs={"type": "date"}))
    region = RegionChoiceField(label=_("所属区域"), queryset=Region.objects.none())
    campaign = forms.ModelChoiceField(label=_("所属活动"), queryset=Campaign.objects.all(), required=False)
    text = forms.CharField(
        label=_("正文（粘贴）"), required=False, widget=forms.Textarea(attrs={"rows": 12}), strip=False
    )
    file = forms.FileField(
        label=_("或上传文件"),
        required=False,
        error_messages={"empty": _("文件为空，请选择包含报道正文的文件。")},
        help_text=_("支持 .txt（UTF-8/GBK/UTF-16）、.docx、文字版 .pdf、.html；按内容识别，不看扩展名。"),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.editable_regions(user=user)
        limit = gettext("上限 %(mb)s MB。") % {"mb": settings.REPORT_MAX_UPLOAD_BYTES // (1024 * 1024)}
        self.fields["file"].help_text = f"{self.fields['file'].help_text} {limit}"
        self.ingested: Ingested | None = None

    def clean_published(self):
        published = self.cleaned_data["published"]
        if published > timezone.localdate():
            raise forms.ValidationError(gettext("发布日期不能晚于今天。"))
        return published

    def clean(self):
        cleaned = super().clean()
        if "file" in self.errors:
            return cleaned
        text, upload = cleaned.get("text") or "", cleaned.get("file")
        if upload and text.strip():
            raise forms.ValidationError(gettext("请只选择一种方式：粘贴正文或上传文件。"))
        try:
            if upload:
                if upload.size > settings.REPORT_MAX_UPLOAD_BYTES:
                    limit = settings.REPORT_MAX_UPLOAD_BYTES / 1024 / 1024
                    raise IngestError(
                        gettext("文件过大：%(size)s MB，上限为 %(limit)s MB。")
                        % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": f"{limit:.0f}"}
                    )
                self.ingested = text_from_upload(upload.read())
            elif text.strip():
                self.ingested = text_from_paste(text)
            else:
                raise forms.ValidationError(gettext("请粘贴报道正文或上传文件；正文不能为空。"))
        except IngestError as exc:
            self.add_error("file" if upload else "text", str(exc))
        return cleaned


class MentionCorrectForm(forms.Form):
    value = forms.DecimalField(label=_("数值"), max_digits=20, decimal_places=4, min_value=Decimal(0))
    unit = forms.CharField(label=_("单位"), max_length=10)
    indicator = forms.ModelChoiceField(label=_("指标"), queryset=selectors.active_indicators(), required=False)
    region = RegionChoiceField(label=_("区域"), queryset=Region.objects.none(), required=False)
    period = forms.CharField(
        label=_("期间"), max_length=10, required=False, help_text=_("年 2024、季 2024-Q2 或月 2024-06")
    )

    def __init__(self, *args, user, choices: tuple[list, list] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.editable_regions(user=user)
        if choices is not None:
            # One list per page instead of two queries per figure on a review page of many figures.
            self.fields["indicator"].choices, self.fields["region"].choices = choices
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"{self.prefix or 'm'}-{name}")

    def clean_period(self) -> Period | None:
        raw = (self.cleaned_data.get("period") or "").strip()
        if not raw:
            return None
        try:
            return Period.parse(raw)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


def correction_choices(*, user) -> tuple[list, list]:
    """The indicator and region options of every correction form on one page, read once."""
    blank = [("", "---------")]
    indicators = blank + [(i.pk, str(i)) for i in selectors.active_indicators()]
    field = RegionChoiceField(queryset=Region.objects.none())
    regions = blank + [(r.pk, field.label_from_instance(r)) for r in selectors.editable_regions(user=user)]
    return indicators, regions


class AcceptAboveForm(forms.Form):
    threshold = forms.DecimalField(
        label=_("置信度不低于"), min_value=Decimal(0), max_value=Decimal(1), decimal_places=2, initial=Decimal("0.7")
    )
