from django.contrib import messages
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.shortcuts import redirect

from .pagination import CappedCountPaginator
from .search import is_token, needs_tokenising, search_expired_message, search_token_resolve, tokenised_query


class NoDeleteAdminMixin:
    """Records are archived in the portal, never deleted; Django admin follows the same rule."""

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedAdminMixin:
    """Non-superuser staff see and pick in Django admin only the rows their org unit covers.

    `scope_selector` is the same selector function the portal's views use for the model;
    `scope_related` maps foreign-key field names to the selectors of their targets, so choice
    lists and raw-id inputs accept only in-scope rows.
    """

    scope_selector = None
    scope_related: dict = {}
    # Admin's change lists count like the portal's lists: at most 10,000 rows, and never the
    # whole table a second time for "N total" (a province holds 15 million members).
    paginator = CappedCountPaginator
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=type(self).scope_selector(user=request.user).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        selector = self.scope_related.get(db_field.name)
        if selector is not None and not request.user.is_superuser:
            kwargs["queryset"] = selector(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PrivateSearchChangeList(ChangeList):
    """The change list searches by the terms behind the `q` token; its links keep the token."""

    def get_queryset(self, request, exclude_parameters=None):
        if is_token(self.query):
            terms = search_token_resolve(request.session, self.query)
            if terms is None:
                messages.info(request, search_expired_message())
            self.query = terms or ""
        return super().get_queryset(request, exclude_parameters)


class PrivateSearchAdminMixin:
    """Django admin's search for names, card numbers or mobiles keeps the terms out of URLs.

    The search box submits `?q=<terms>`; that request is answered with a redirect to the same
    list at `?q=<token>` (apps.core.search), so the address bar, history, the change list's own
    links and the "back to the list" filters of each change page hold only the token.
    """

    def changelist_view(self, request, extra_context=None):
        if needs_tokenising(request.GET, (SEARCH_VAR,)):
            query = tokenised_query(request.session, request.GET, (SEARCH_VAR,))
            return redirect(f"{request.path}?{query.urlencode()}")
        return super().changelist_view(request, extra_context)

    def get_changelist(self, request, **kwargs):
        return PrivateSearchChangeList


class ServiceAdminMixin:
    """Django admin saves through the app's services, as `request.user` (Zulip's acting_user).

    `service_create(request, data)` and `service_update(request, obj, data)` write and return the
    object; `data` holds the form's fields (read-only fields are not in the form, so a crafted
    POST cannot set them). The service runs once the form and the model's own checks passed,
    inside the form's validation, so a refusal (ValidationError, ApplicationError) shows on the
    form like any other error and nothing is written; admin's own save then only logs the change.
    `obj` is the row as stored (the form has already copied its input onto its own instance).
    The default update is `model_update` of the form's fields; without `service_create` nothing
    is added here.
    """

    def service_create(self, request, data):
        raise NotImplementedError(f"{type(self).__name__} adds nothing by hand")

    def service_update(self, request, obj, data):
        from .services import model_update

        obj, _changed = model_update(instance=obj, fields=list(data), data=data, user=request.user)
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        admin = self

        class ServiceForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                admin._save_through_service(request, self)

        ServiceForm.__name__ = form_class.__name__
        return ServiceForm

    def _save_through_service(self, request, form):
        from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
        from django.db import transaction

        from .errors import ApplicationError

        data = {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}
        stored = form.instance.pk is not None
        try:
            with transaction.atomic():
                if stored:
                    original = type(form.instance)._default_manager.get(pk=form.instance.pk)
                    form.instance = self.service_update(request, original, data)
                else:
                    form.instance = self.service_create(request, data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
            for field, messages in errors.items():
                form.add_error(field if field in form.fields else None, ValidationError(messages))

    def save_model(self, request, obj, form, change):
        pass  # written by the service during the form's validation (above)
