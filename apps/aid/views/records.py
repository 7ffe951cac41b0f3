"""The aid-record pages: the list with its Excel export, one record, recording aid for a member,
reversing a wrong record (the reason required)."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import DetailView, FormView

from apps.core.exports import XlsxExportMixin
from apps.core.forms import int_param
from apps.core.mixins import ScopedListView, ScopedPermissionMixin, ServiceFormMixin

from .. import selectors, services
from ..filters import RecordFilter
from ..forms import RecordForm, ReverseForm
from ..selectors import MASK
from ..tables import RecordTable
from .files import MemberMixin


class RecordListView(ScopedListView):
    permission_required = "aid.view_aidrecord"
    selector = selectors.record_list
    table_class = RecordTable
    filterset_class = RecordFilter
    template_name = "aid/record_list.html"
    page_title = gettext_lazy("Aid records")
    export_url = "aid:record_export"

    def get_table_kwargs(self):
        return {"details": selectors.may_see_details(self.request.user)}


class RecordExportView(XlsxExportMixin, RecordListView):
    export_filename = "aid-records"

    @property
    def export_columns(self):
        details = selectors.may_see_details(self.request.user)

        def reason(record):
            if record.file_id is None:
                return ""
            return record.file.get_reason_display() if details else MASK

        return [
            (_("Given on"), lambda r: r.given_on),
            (_("Member"), lambda r: r.member.real_name),
            (_("Township"), lambda r: r.township.name),
            (_("Kind of aid"), lambda r: r.get_kind_display()),
            (_("Amount (yuan)"), lambda r: r.amount),
            (_("Goods given"), lambda r: r.goods),
            (pgettext("aid", "Fund"), lambda r: r.get_fund_display()),
            (_("Approved by"), lambda r: r.approved_by),
            (_("Campaign"), lambda r: r.campaign.name if r.campaign_id else ""),
            (_("Reason for hardship"), reason),
            (_("Reversal of"), lambda r: str(r.reverses_id or "")),
            (_("Note"), lambda r: r.note),
        ]


class RecordMixin(ScopedPermissionMixin):
    selector = selectors.record_list

    @cached_property
    def record(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=self.record, **kwargs)


class RecordDetailView(RecordMixin, DetailView):
    permission_required = "aid.view_aidrecord"
    template_name = "aid/record_detail.html"
    context_object_name = "record"

    def get_object(self, queryset=None):
        return self.record

    def get_context_data(self, **kwargs):
        user, record = self.request.user, self.record
        reversed_by = getattr(record, "reversed_by", None) if not record.is_reversal else None
        return super().get_context_data(
            details=selectors.may_see_details(user),
            reversed_by=reversed_by,
            may_reverse=not record.is_reversal and reversed_by is None and user.has_perm("aid.add_aidrecord"),
            **kwargs,
        )


class RecordCreateView(MemberMixin, ServiceFormMixin, FormView):
    """帮扶登记 for a member; `?campaign=<pk>` preselects a campaign."""

    permission_required = "aid.add_aidrecord"
    form_class = RecordForm
    template_name = "aid/record_form.html"
    success_message = gettext_lazy("Aid recorded.")

    @cached_property
    def campaign(self):
        pk = int_param(self.request.GET.get("campaign"))
        if pk is None:
            return None
        return selectors.campaign_list(user=self.request.user).filter(pk=pk).first()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "campaign": self.campaign}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Record aid given"), **kwargs)

    def save(self, form):
        return services.aid_record(user=self.request.user, member=self.member, **form.cleaned_data)


class RecordReverseView(RecordMixin, ServiceFormMixin, FormView):
    permission_required = "aid.add_aidrecord"
    form_class = ReverseForm
    template_name = "aid/record_form.html"
    success_message = gettext_lazy("Record reversed.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Reverse the aid record"), **kwargs)

    def save(self, form):
        services.aid_reverse(user=self.request.user, record=self.record, reason=form.cleaned_data["reason"])
        return self.record
