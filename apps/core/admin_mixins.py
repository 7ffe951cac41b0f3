from .pagination import CappedCountPaginator


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
