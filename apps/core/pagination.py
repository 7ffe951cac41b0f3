"""Pagination that costs the same at 100 rows and at a province's 15 million."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Past this many rows a list says "more than 2,000" and asks for a filter: nobody pages
# through 40 pages of 50, and counting or skipping further is what makes big lists slow.
# Counting 2,001 rows costs 1-7 ms; 10,001 cost 5-35 ms (issue 6's benchmark, county to city).
COUNT_CAP = 2_000

# A page size from the query string (django-tables2 reads `per_page`) below 1 or not a number
# is replaced by the list's usual one and one above MAX_PER_PAGE by MAX_PER_PAGE: 0 divided by
# zero, -1 sliced backwards and 10**30 overflowed PostgreSQL's LIMIT, each a server error.
MAX_PER_PAGE = 200


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows and serves no page beyond COUNT_CAP rows.

    The count is `SELECT count(*) FROM (SELECT pk … LIMIT 2001)` without the ORDER BY, so it
    stops early instead of counting the whole table; the OFFSET of the deepest page is at
    most COUNT_CAP. Both are bounded whatever the table size. `count_is_capped` tells the
    template to say "more than" instead of a number.
    """

    count_cap = COUNT_CAP
    default_per_page = 50

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, _plausible_per_page(per_page, self.default_per_page), *args, **kwargs)

    @cached_property
    def count(self):
        queryset = _queryset_of(self.object_list)
        if queryset is not None:
            # Only the primary key: no ORDER BY and none of select_related's joins.
            found = queryset.order_by().values("pk")[: self.count_cap + 1].count()
        else:
            found = len(self.object_list)
        self.count_is_capped = found > self.count_cap
        return min(found, self.count_cap)

    count_is_capped = False

    def page(self, number):
        """The first page is read before anything is counted: when it is not full, its rows are the count.

        A search that finds one member, or a union's short list, then runs one query instead of
        two (for a name search the count was a second trigram search); a full first page is
        counted as before, and its rows are read once either way.
        """
        if "count" in self.__dict__ or self.orphans or not self.allow_empty_first_page or not _is_first(number):
            return super().page(number)
        rows = self.object_list[: self.per_page]
        found = len(rows)
        if found < self.per_page:
            self.count_is_capped = found > self.count_cap
            self.__dict__["count"] = min(found, self.count_cap)  # the cached_property's value
            if self.count_is_capped:
                rows = rows[: self.count_cap]
        else:
            self.count  # noqa: B018 - counted now, as before: count_is_capped is read before count
        return self._get_page(rows, 1, self)


def _is_first(number) -> bool:
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return False


def _plausible_per_page(per_page, default: int) -> int:
    try:
        per_page = int(per_page)
    except (TypeError, ValueError, OverflowError):
        return default
    if per_page < 1:
        return default
    return min(per_page, MAX_PER_PAGE)


def _queryset_of(object_list):
    """The QuerySet behind a list: itself, or django-tables2's rows (BoundRows → TableQuerysetData → QuerySet).

    len() of tables2's rows would run a full COUNT(*), which is what this paginator avoids.
    """
    if hasattr(object_list, "order_by"):
        return object_list
    data = getattr(getattr(object_list, "data", None), "data", None)
    return data if hasattr(data, "order_by") else None
