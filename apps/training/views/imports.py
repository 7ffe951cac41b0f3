"""The sign-in sheet's import pages (签到表): upload for a programme, the job's page with its
dry run, confirm, retry and the per-row report — the shared import rails (apps.core.import_views);
this module only says which importer, which jobs the user sees (those of the programmes their
area organises) and which permission (recording attendance)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core import import_views
from apps.core.forms import submit_helper

from .. import imports
from ..selectors import attendance_import_list, programmes_for_attendance_import


class AttendanceUploadForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "请选择本单位举办、已开课的培训班。"},
    )
    file = forms.FileField(
        label=_("Sign-in sheet (.xlsx or .xls)"),
        help_text=_(
            "One row per trainee and session: 姓名 and 课程日期 at least; 签到 and 学时 if the sheet has them."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_for_attendance_import(user=user)
        self.helper = submit_helper(_("Upload and check"))


class AttendanceImportViewMixin:
    permission_required = "training.add_attendance"
    selector = attendance_import_list
    importer = imports.ATTENDANCE_SHEET
    url_prefix = "training:import_"


class AttendanceUploadView(AttendanceImportViewMixin, import_views.ImportUploadView):
    form_class = AttendanceUploadForm
    template_name = "training/import_upload.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        # The programme page's "导入签到表" link names its programme (?programme=pk); a pk the
        # user may not import is simply not among the choices.
        return {**super().get_initial(), "programme": self.request.GET.get("programme", "")[:12]}

    def start_fields(self, form) -> dict:
        return {"programme": form.cleaned_data["programme"]}


class AttendanceImportDetailView(AttendanceImportViewMixin, import_views.ImportDetailView):
    template_name = "training/import_detail.html"


class AttendanceImportProgressView(AttendanceImportViewMixin, import_views.ImportProgressView):
    pass


class AttendanceImportConfirmView(AttendanceImportViewMixin, import_views.ImportConfirmView):
    pass


class AttendanceImportRetryView(AttendanceImportViewMixin, import_views.ImportRetryView):
    pass


class AttendanceImportReportView(AttendanceImportViewMixin, import_views.ImportReportView):
    report_filename = "sign-in-sheet-report"
