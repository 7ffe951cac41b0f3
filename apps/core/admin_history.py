"""Django admin's history, read as the portal reads it (apps.core.history.read_events).

`ReadableHistoryAdminMixin` makes a tracked model's "历史" page the audit history (every change,
also those made in the portal, by imports and by the system) instead of Django's own log of admin
edits; `EventsAdmin` (settings.PGHISTORY_ADMIN_CLASS) is pghistory's list of all events with the
same readable columns instead of raw JSON.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from pghistory.admin import EventsAdmin as PghistoryEventsAdmin
from pghistory.admin import core as pghistory_admin

from .history import EVENT_LABELS, object_history, read_events
from .pagination import CappedCountPaginator


def _is_tracked(model) -> bool:
    from pghistory.models import Event

    concrete = model._meta.concrete_model
    return any(
        issubclass(m, Event) and m.pgh_tracked_model and m.pgh_tracked_model._meta.concrete_model == concrete
        for m in apps.get_models()
    )


def changes_html(changes):
    if not changes:
        return "—"
    return format_html_join(
        mark_safe("<br>"),
        "{}: {} → {}",
        (
            (field, before if before not in (None, "") else "—", after if after not in (None, "") else "—")
            for field, before, after in changes
        ),
    )


class ReadableHistoryAdminMixin:
    """The change page's "历史" shows the object's audit history: field names, choice labels,
    related rows and who acted by name, Shanghai times. A model that is not tracked keeps
    Django's page. The admin site adds this to every model admin (apps.core.admin_site); a model
    admin's `readable_history(request, obj)`, if it has one, gives the rows instead (to mask what
    the user may not see)."""

    readable_history_template = "admin/core/readable_history.html"

    def admin_history(self, request, obj):
        own = getattr(self, "readable_history", None)
        return own(request, obj) if own is not None else object_history(obj)

    def history_view(self, request, object_id, extra_context=None):
        if not _is_tracked(self.model):
            return super().history_view(request, object_id, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %s") % obj,
            "subtitle": None,
            "history": self.admin_history(request, obj),
            "module_name": str(self.opts.verbose_name_plural),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.readable_history_template, context)


def _model_name(label):
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def _encrypted(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if type(f).__name__.startswith("Encrypted")]


def _named_rows(model, pks):
    """The rows to name, with what a name usually reads (the required foreign keys) joined, and
    without their encrypted columns (a member's ID number is neither needed nor decrypted)."""
    joined = [f for f in model._meta.concrete_fields if f.many_to_one and not f.null]
    deferred = _encrypted(model) + [f"{f.name}__{name}" for f in joined for name in _encrypted(f.related_model)]
    queryset = model._default_manager.select_related(*(f.name for f in joined)).defer(*deferred)
    return queryset.in_bulk(pks)


class ReadableEventsChangeList(pghistory_admin.EventsChangeList):
    """Each event of the page carries its readable row (`event.readable`) and its object's name
    (`event.object_name`), read for the page at once: one query per model."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)
        for event, row in zip(self.result_list, read_events(self.result_list), strict=True):
            event.readable = row
        ids = {}
        for event in self.result_list:
            ids.setdefault(event.pgh_obj_model, set()).add(event.pgh_obj_id)
        names = {}
        for label, pks in ids.items():
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                continue
            names[label] = {str(pk): str(obj) for pk, obj in _named_rows(model, pks).items()}
        for event in self.result_list:
            event.object_name = names.get(event.pgh_obj_model, {}).get(str(event.pgh_obj_id))


# pghistory's filters, in Chinese: their titles and what they list.
class LabelFilter(pghistory_admin.LabelFilter):
    title = _("What")

    def lookups(self, request, model_admin):
        return [(label, EVENT_LABELS.get(label, label)) for label, _label in super().lookups(request, model_admin)]


class EventModelFilter(pghistory_admin.EventModelFilter):
    title = _("Record type")

    def lookups(self, request, model_admin):
        rows = []
        for value, _label in super().lookups(request, model_admin):
            try:
                tracked = apps.get_model(value).pgh_tracked_model
            except (LookupError, ValueError, AttributeError):
                tracked = None
            rows.append((value, tracked._meta.verbose_name if tracked is not None else value))
        return rows


class MethodFilter(pghistory_admin.MethodFilter):
    title = _("Scope")

    def lookups(self, request, model_admin):
        return (("tracks", _("Of the record itself")), ("references", _("Referring to the record")))


class ObjFilter(pghistory_admin.ObjFilter):
    title = _("Record")

    def lookups(self, request, model_admin):
        value = request.GET.get(self.parameter_name, "")
        label, _sep, pk = value.partition(":")
        return [(value, f"{_model_name(label)} #{pk}")] if value else []


class ModelFilter(pghistory_admin.ModelFilter):
    title = _("Record type")

    def lookups(self, request, model_admin):
        value = request.GET.get(self.parameter_name, "")
        return [(value, _model_name(value))] if value else []


class EventsAdmin(PghistoryEventsAdmin):
    """Every recorded change across the deployment: for superusers only (it crosses every
    township's scope and names members)."""

    list_display = ["when", "object_model", "object_shown", "what", "who", "changes"]
    list_display_links = None
    # Every event of every tracked table: counted like the portal's lists, at most 2,000 rows.
    paginator = CappedCountPaginator
    show_full_result_count = False
    change_list_template = "admin/core/events_change_list.html"

    def get_list_display(self, request):
        return self.list_display

    def get_list_filter(self, request):
        filters = [LabelFilter, EventModelFilter]
        if "obj" in request.GET:
            filters.extend([MethodFilter, ObjFilter, pghistory_admin.BackFilter])
        elif "model" in request.GET:
            filters.extend([ModelFilter, pghistory_admin.BackFilter])
        return filters

    def get_changelist(self, request, **kwargs):
        return ReadableEventsChangeList

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": str(_("Change history")), **(extra_context or {})}
        response = super().changelist_view(request, extra_context=extra_context)
        # pghistory's own title is the model's English plural and its subtitle "Tracks <object>".
        if hasattr(response, "context_data"):
            response.context_data["title"] = str(_("Change history"))
            response.context_data.pop("subtitle", None)
        return response

    @admin.display(description=_("When"), ordering="pgh_created_at")
    def when(self, event):
        from django.utils import timezone

        return timezone.localtime(event.pgh_created_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("Record type"))
    def object_model(self, event):
        try:
            return apps.get_model(event.pgh_obj_model)._meta.verbose_name
        except (LookupError, ValueError):
            return event.pgh_obj_model

    @admin.display(description=_("Record"))
    def object_shown(self, event):
        return getattr(event, "object_name", None) or f"#{event.pgh_obj_id}"

    @admin.display(description=_("What"))
    def what(self, event):
        row = getattr(event, "readable", None)
        return row.label if row is not None else _("Changed")

    @admin.display(description=_("Who"))
    def who(self, event):
        row = getattr(event, "readable", None)
        return (row.who if row is not None else "") or _("system")

    @admin.display(description=_("Changes"))
    def changes(self, event):
        row = getattr(event, "readable", None)
        return changes_html(row.changes if row is not None else [])
