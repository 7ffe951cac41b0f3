"""View plumbing shared by every app."""

import copy
import functools
import types

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .errors import ApplicationError
from .pagination import CappedCountPaginator
from .search import needs_tokenising, resolved_query, search_expired_message, tokenised_query


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


def form_add_service_error(form, exc) -> None:
    """Show a service's refusal on the form: a field's message beside the field, the rest on top."""
    if isinstance(exc, ApplicationError):
        form.add_error(None, exc.message)
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ServiceFormMixin:
    """form_valid calls `save(form)` (one service); its errors land on the form in Chinese."""

    success_message = gettext_lazy("Saved.")

    def save(self, form):
        raise NotImplementedError

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A ModelForm writes its cleaned values onto its instance while it validates. The service
        # compares the form's values with the stored row (model_update writes only what changed),
        # so the form is given a copy and the view's object stays the row as stored.
        if kwargs.get("instance") is not None:
            instance = copy.copy(kwargs["instance"])
            instance._state = copy.copy(instance._state)
            instance._state.fields_cache = dict(instance._state.fields_cache)
            kwargs["instance"] = instance
        return kwargs

    def form_valid(self, form):
        try:
            obj = self.save(form)
        except (ValidationError, ApplicationError) as exc:
            form_add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(obj)


class PrivateSearchMixin:
    """Filters named in `private_filters` (searches for names, ID numbers, mobiles) stay out of URLs.

    The filter form posts; the view keeps those terms in the session under a token
    (apps.core.search) and redirects to the list with `?q=<token>`, the other filters in the
    query string as before. A URL that carries the terms in the clear (an old bookmark) is
    redirected the same way; an expired token is dropped with a message.
    """

    private_filters: tuple[str, ...] = ()

    def post(self, request, *args, **kwargs):
        if not self.private_filters:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return self._redirect_tokenised(request.POST)

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and needs_tokenising(request.GET, self.private_filters):
            return self._redirect_tokenised(request.GET)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.filter_data_expired:
            messages.info(request, search_expired_message())
        return super().get(request, *args, **kwargs)

    def _redirect_tokenised(self, data):
        query = tokenised_query(self.request.session, data, self.private_filters)
        return redirect(f"{self.request.path}?{query.urlencode()}" if query else self.request.path)

    @cached_property
    def _resolved(self):
        session = getattr(self.request, "session", None)
        return resolved_query(session, self.request.GET, self.private_filters)

    @property
    def filter_data(self):
        """The list's filters with the search terms behind their tokens: what filters the rows."""
        return self._resolved[0]

    @property
    def filter_data_expired(self) -> bool:
        return self._resolved[1]

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if self.private_filters:
            kwargs["data"] = self.filter_data
        return kwargs


class ScopedListView(PrivateSearchMixin, ScopedPermissionMixin, SingleTableMixin, FilterView):
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
    # A second export button, for users holding this permission: the export with `full=1`
    # (members: whole mobile numbers, county staff only). The export view checks it again.
    export_full_permission = None
    export_full_label = ""

    def get_context_data(self, **kwargs):
        from django.urls import reverse

        user = self.request.user
        can_create = self.create_url and user.has_perm(self.create_permission)
        can_export_full = self.export_url and self.export_full_permission and user.has_perm(self.export_full_permission)
        return super().get_context_data(
            page_title=self.page_title,
            create_href=reverse(self.create_url) if can_create else None,
            create_label=self.create_label,
            export_href=reverse(self.export_url) if self.export_url else None,
            export_full_label=self.export_full_label if can_export_full else "",
            private_search=bool(self.private_filters),
            **kwargs,
        )

    def get_table_data(self):
        """The page's rows with only the columns the table reads, when it says which (`loaded_fields`).

        A table's `loaded_fields` names every field its cells, links and row attributes read
        ("union__name" for a related row's); the selector's other columns are not loaded, and of
        its select_related only the relations named there are joined. The filters, the sorting and
        the count use the selector's whole query; exports and detail pages do not go through here.
        """
        data = super().get_table_data()
        fields = getattr(self.get_table_class(), "loaded_fields", None)
        if fields and isinstance(data, QuerySet):
            related = sorted({field.rsplit("__", 1)[0] for field in fields if "__" in field})
            data = data.select_related(None)
            data = (data.select_related(*related) if related else data).only(*fields)
        return data

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if "township" in filterset_class.base_filters:
            kwargs["user"] = self.request.user
        return kwargs

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        for field in filterset.form.fields.values():
            if isinstance(field, forms.ModelChoiceField) and not issubclass(field.iterator, ListedChoicesMixin):
                field.iterator = listed_choices(field.iterator)
                field.widget.choices = field.choices
        return filterset


class ListedChoicesMixin(forms.models.ModelChoiceIterator):
    """A filter's model choices read with one ordinary query.

    Django reads them with QuerySet.iterator(), which on PostgreSQL is a server-side cursor:
    DECLARE, FETCH and CLOSE, three round trips for the twenty townships or hundred unions a
    filter offers. The list of choices is as small as the filters keep it (one township's unions).
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        fields = _label_fields(queryset.model) if _default_label(self.field) and not queryset._fields else None
        if fields:  # an option needs its key and its label: not the twenty other columns of a unit
            queryset = queryset.only(*fields)
        for obj in queryset:
            yield self.choice(obj)


def _default_label(field) -> bool:
    """Whether the field labels an option with str(obj), as ModelChoiceField does unless told otherwise."""
    return (
        "label_from_instance" not in vars(field)
        and type(field).label_from_instance is forms.ModelChoiceField.label_from_instance
    )


@functools.cache
def _label_fields(model) -> tuple[str, ...] | None:
    """The fields `str(obj)` reads, when its __str__ reads nothing but plain fields of the row.

    `return self.name` or `return self.real_name or self.username`: the names its code looks up
    are all columns of the model, so loading those columns (and the key) gives the same text.
    Anything else (a call, a related row, a property, a nested function) loads the whole row.
    """
    code = getattr(model.__str__, "__code__", None)
    if code is None or code.co_argcount != 1 or any(isinstance(const, types.CodeType) for const in code.co_consts):
        return None
    columns = {field.attname for field in model._meta.concrete_fields if not field.is_relation}
    names = set(code.co_names)
    if not names or not names <= columns:
        return None
    return ("pk", *sorted(names))


@functools.cache
def listed_choices(iterator_class):
    """`iterator_class` (Django's or django-filter's ModelChoiceIterator) reading its choices as a list."""
    return type(f"Listed{iterator_class.__name__}", (iterator_class, ListedChoicesMixin), {})
