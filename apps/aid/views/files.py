"""The hardship-file pages: the list (masked for those who may not see the details) with its
Excel export, one file (its reviews and aid), opening a file for a member, correcting it, the
yearly review and closing. Views stay thin: the form, one service, a message, a redirect."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView

from apps.core.exports import XlsxExportMixin
from apps.core.mixins import ScopedListView, ScopedPermissionMixin, ServiceFormMixin
from apps.members.selectors import member_list

from .. import selectors, services
from ..filters import FileFilter
from ..forms import FileCloseForm, FileOpenForm, FileUpdateForm, ReviewForm
from ..selectors import MASK
from ..tables import FileTable


class FileListView(ScopedListView):
    permission_required = "aid.view_hardshipfile"
    selector = selectors.file_list
    table_class = FileTable
    filterset_class = FileFilter
    template_name = "aid/file_list.html"
    page_title = gettext_lazy("Hardship files")
    export_url = "aid:file_export"

    def get_table_kwargs(self):
        return {"details": selectors.may_see_details(self.request.user)}


class FileExportView(XlsxExportMixin, FileListView):
    """The files the list shows under the same filters; the details masked as on screen."""

    export_filename = "hardship-files"

    @property
    def export_columns(self):
        details = selectors.may_see_details(self.request.user)

        def masked(value):
            return (lambda f: value(f)) if details else (lambda f: MASK)

        return [
            (_("Member"), lambda f: f.member.real_name),
            (_("Township"), lambda f: f.township.name),
            (_("Reason for hardship"), masked(lambda f: f.get_reason_display())),
            (_("Household size"), masked(lambda f: f.household_size)),
            (_("Monthly income per head (yuan)"), masked(lambda f: f.income_per_head)),
            (_("Opened on"), lambda f: f.opened_on),
            (_("Next review due"), lambda f: f.review_due_on if f.is_open else None),
            (_("Closed on"), lambda f: f.closed_on),
            (_("Reason for closing"), lambda f: f.get_close_reason_display()),
        ]


class FileMixin(ScopedPermissionMixin):
    """One file from the user's scope: another township's file is a 404."""

    selector = selectors.file_list

    @cached_property
    def file(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(file=self.file, details=selectors.may_see_details(self.request.user), **kwargs)


class FileDetailView(FileMixin, DetailView):
    permission_required = "aid.view_hardshipfile"
    template_name = "aid/file_detail.html"
    context_object_name = "file"

    def get_object(self, queryset=None):
        return self.file

    def get_context_data(self, **kwargs):
        user, file = self.request.user, self.file
        return super().get_context_data(
            reviews=list(selectors.file_reviews(file)),
            records=list(selectors.file_records(file)),
            may_change=file.is_open and user.has_perm("aid.change_hardshipfile"),
            may_review=file.is_open and user.has_perm("aid.add_hardshipreview"),
            may_record=user.has_perm("aid.add_aidrecord"),
            **kwargs,
        )


class MemberMixin(ScopedPermissionMixin):
    """A member of the user's area, from the URL (another township's member is a 404)."""

    selector = member_list

    @cached_property
    def member(self):
        return get_object_or_404(self.get_queryset().select_related("union"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)


class FileOpenView(MemberMixin, ServiceFormMixin, FormView):
    """建立困难职工档案 for a member (the member page's panel links here)."""

    permission_required = "aid.add_hardshipfile"
    form_class = FileOpenForm
    template_name = "aid/file_form.html"
    success_message = gettext_lazy("Hardship file opened. The member is marked in hardship.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Open a hardship file"), **kwargs)

    def save(self, form):
        return services.file_open(user=self.request.user, member=self.member, **form.cleaned_data)


class FileUpdateView(FileMixin, ServiceFormMixin, FormView):
    permission_required = "aid.change_hardshipfile"
    form_class = FileUpdateForm
    template_name = "aid/file_form.html"
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "file": self.file}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Correct the hardship file"), **kwargs)

    def save(self, form):
        return services.file_update(user=self.request.user, file=self.file, **form.cleaned_data)


class FileReviewView(FileMixin, ServiceFormMixin, FormView):
    permission_required = "aid.add_hardshipreview"
    form_class = ReviewForm
    template_name = "aid/file_form.html"
    success_message = gettext_lazy("Review recorded.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Yearly review"), **kwargs)

    def save(self, form):
        services.file_review(user=self.request.user, file=self.file, **form.cleaned_data)
        return self.file


class FileCloseView(FileMixin, ServiceFormMixin, FormView):
    permission_required = "aid.change_hardshipfile"
    form_class = FileCloseForm
    template_name = "aid/file_form.html"
    success_message = gettext_lazy("File closed: the member is out of hardship.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=gettext_lazy("Close the file (out of hardship)"), **kwargs)

    def save(self, form):
        return services.file_close(user=self.request.user, file=self.file, **form.cleaned_data)
