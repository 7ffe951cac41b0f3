"""The contract register's import pages (集体合同台账): upload, template, the job and its report.

The flow and its pages are the shared import rails' (apps.core.import_views); this module only
says which importer, which jobs the user sees (their unit's subtree) and which permission
(recording contracts, contracts.add_contract).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.views import View

from apps.core import import_views
from apps.core.forms import submit_helper
from apps.core.mixins import ScopedPermissionMixin

from .. import imports
from ..selectors import contract_import_list


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Contract register (.xlsx or .xls)"),
        help_text=_("The township's 集体合同台账 as it is: title rows above the header and blank rows are fine."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Upload and check"))


class RegisterImportViewMixin:
    permission_required = "contracts.add_contract"
    selector = contract_import_list
    importer = imports.REGISTER
    url_prefix = "contracts:import_"


class RegisterUploadView(RegisterImportViewMixin, import_views.ImportUploadView):
    form_class = RegisterUploadForm
    template_name = "contracts/import_upload.html"


class RegisterImportDetailView(RegisterImportViewMixin, import_views.ImportDetailView):
    template_name = "contracts/import_detail.html"


class RegisterTemplateView(ScopedPermissionMixin, View):
    """下载台账模板: the header row, an example row and a sheet explaining each column (.xlsx)."""

    permission_required = "contracts.add_contract"
    selector = contract_import_list
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        from apps.core.exports import xlsx_download

        return xlsx_download(imports.register_template_bytes(), "contract-register-template.xlsx")


class RegisterImportProgressView(RegisterImportViewMixin, import_views.ImportProgressView):
    pass


class RegisterImportConfirmView(RegisterImportViewMixin, import_views.ImportConfirmView):
    pass


class RegisterImportRetryView(RegisterImportViewMixin, import_views.ImportRetryView):
    pass


class RegisterImportReportView(RegisterImportViewMixin, import_views.ImportReportView):
    report_filename = "contract-register-report"
