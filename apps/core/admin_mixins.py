class ScopedAdminMixin:
    """Non-superuser staff see in Django admin only the rows their org unit covers.

    `scope_selector` is the same selector function the portal's views use.
    """

    scope_selector = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=type(self).scope_selector(user=request.user).values("pk"))
