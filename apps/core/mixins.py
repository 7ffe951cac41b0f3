"""View plumbing shared by every app."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .errors import ApplicationError
from .pagination import CappedCountPaginator


class ScopedQuerysetMixin(LoginRequiredMixin):
    """Take the queryset from the app's selector, limited to the user's subtree.

    `selector` is a function `(*, user) -> QuerySet`. Detail, edit and export views get
    their object from this queryset, so an object outside the user's scope is a 404 by
    construction, not by a check someone has to remember.
    """

    selector = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user)


class ScopedPermissionMixin(PermissionRequiredMixin, ScopedQuerysetMixin):
    """Scoping plus the model permission (the verb) that the view needs."""


class ServiceFormMixin:
    """form_valid calls `save(form)` (one service); its errors land on the form in Chinese."""

    success_message = gettext_lazy("Saved.")

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            obj = self.save(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            return self.form_invalid(form)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(obj)


class ScopedListView(ScopedPermissionMixin, SingleTableMixin, FilterView):
    """A scoped, filtered, sortable, paginated list; filters know the user's townships.

    Rendered by `list_page.html` from the title, create and export attributes below.
    """

    # The table paginates (capped count); ListView's own pagination is off, or it would count again.
    paginate_by = None
    table_pagination = {"per_page": 50, "paginator_class": CappedCountPaginator}
    template_name = "list_page.html"
    page_title = ""
    create_url = None
    create_label = ""
    create_permission = None
    export_url = None

    def get_context_data(self, **kwargs):
        from django.urls import reverse

        can_create = self.create_url and self.request.user.has_perm(self.create_permission)
        return super().get_context_data(
            page_title=self.page_title,
            create_href=reverse(self.create_url) if can_create else None,
            create_label=self.create_label,
            export_href=reverse(self.export_url) if self.export_url else None,
            **kwargs,
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if "township" in filterset_class.base_filters:
            kwargs["user"] = self.request.user
        return kwargs
