"""Forms of the 数据填报 pages: pickers, reasons for workflow steps and the spreadsheet upload.

The entry grid itself is not a Django form: its cells are read by name (v_<code>, c_<code>) and
checked by metrics.validation, which also produces warnings a form class has no place for.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrics.models import DataSet
from metrics.periods import MONTH, Period
from portal import access
from regions.models import Region

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class MonthField(forms.CharField):
    """A month typed or picked as 2025-03; cleans to the month's first day."""

    widget = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}", "placeholder": "2025-03"})

    def to_python(self, value) -> date | None:
        value = super().to_python(value)
        if not value:
            return None
        try:
            period = Period.parse(value)
        except ValueError:
            raise forms.ValidationError(_("月份格式应为 2025-03")) from None
        if period.type != MONTH:
            raise forms.ValidationError(_("请选择具体月份，如 2025-03"))
        if period.start > Period.containing(timezone.localdate()).start:
            raise forms.ValidationError(_("不能选择未来的月份"))
        return period.start


def default_month() -> date:
    """Returns are due for the month just ended."""
    return Period.containing(timezone.localdate()).previous().start


class ScopedRegionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return "　" * max(obj.depth - 1, 0) + obj.display_name


class ReturnPickerForm(forms.Form):
    """Region and month for the landing and completeness pages, limited to the user's subtree."""

    region = ScopedRegionField(label=_("区域"), queryset=Region.objects.none(), required=False)
    month = MonthField(label=_("月份"), required=False)
    dataset = forms.ModelChoiceField(
        label=_("报表"), queryset=DataSet.objects.all(), required=False, empty_label=_("全部报表")
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = access.regions_visible_to(user).order_by("path")
        self.fields["region"].empty_label = None
        self.user = user

    def clean_region(self) -> Region | None:
        return self.cleaned_data.get("region") or access.scope_root(self.user)

    def clean_month(self) -> date:
        return self.cleaned_data.get("month") or default_month()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("审核意见"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReminderForm(forms.Form):
    region = forms.IntegerField(widget=forms.HiddenInput)
    month = MonthField()
    message = forms.CharField(label=_("提醒内容"), max_length=300, required=False)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("表格文件"),
        validators=[FileExtensionValidator(["xlsx", "csv"], message=_("只支持 .xlsx 或 .csv 文件"))],
        help_text=_("可上传本平台下载的模板，或以指标中文名称为表头的台账。"),
    )
    month = MonthField(label=_("月份"), required=False, help_text=_("表中没有“月份”列时使用"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件超过 5 MB，请拆分后上传"))
        return upload
