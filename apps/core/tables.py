"""django-tables2 tuned for the portal's lists."""

import functools

import django_tables2 as tables


def install_signature_cache() -> None:
    """Remember the argument list of each column's render function instead of re-reading it per cell.

    django-tables2 3.0 calls inspect.signature() for every cell it renders: a 50-row, 9-column
    member list spent 17 ms of its ~45 ms there (issue 6's benchmark). A function's signature
    never changes, so it is looked up once per function; a bound method shares the entry of
    its function (tables are instantiated per request, their methods are new objects each time).
    """
    from django_tables2 import utils

    if getattr(utils.signature, "portal_cached", False):
        return
    uncached = utils.signature

    @functools.lru_cache(maxsize=2048)
    def by_function(function, bound):
        target = function.__get__(object()) if bound else function
        return uncached(target)

    def signature(fn):
        function = getattr(fn, "__func__", None)
        if function is not None and hasattr(function, "__get__"):
            return by_function(function, True)
        try:
            return by_function(fn, False)
        except TypeError:  # unhashable callable: no caching
            return uncached(fn)

    signature.portal_cached = True
    utils.signature = signature


class IsoDateColumn(tables.Column):
    """A date as YYYY-MM-DD. django-tables2's DateColumn compiles a template for every cell."""

    def render(self, value):
        return value.isoformat()

    def value(self, value):
        return value
