"""django-tables2 tuned for the portal's lists."""

import functools
import html
import inspect
from urllib.parse import urlencode

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.template.base import render_value_in_context
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.html import escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django_tables2 import utils
from django_tables2.utils import Accessor


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


# --- the rows of a table, worked out column by column ---------------------------------------------
#
# django-tables2 works out every cell from scratch: it splits the column's accessor, looks the model
# field up, rebuilds the field's choice dictionary (Model.get_FOO_display), calls the render function
# through its signature and leaves the <td> to a template loop. A 50-row, 9-column member list spent
# about half of its time there. `table_rows` decides once per column and table how its cells are
# found and rendered, and builds the rows in Python; what cannot be decided up front (a dotted
# accessor, a callable attribute, a model that overrides get_FOO_display, a row that is not a model
# instance) goes through django-tables2's own BoundRow.get_cell, so every cell reads as before.

_MISSING = object()


def _generic_cell(bound_column):
    name = bound_column.name
    return lambda row, record: row.get_cell(name)


def _choice_labels(model, field):
    """{value: label} as the model's own get_FOO_display() finds them, or None if it is not Django's."""
    from django.db.models import Model

    display = inspect.getattr_static(model, f"get_{field.name}_display", None)
    if not (isinstance(display, functools.partialmethod) and display.func is Model._get_FIELD_display):
        return None
    if display.keywords.get("field") is not field:
        return None
    return {key: force_str(label, strings_only=True) for key, label in dict(make_hashable(field.flatchoices)).items()}


def _cell_function(bound_column, model):
    """A function (row, record) -> the cell's content, exactly what BoundRow.get_cell returns."""
    from django.db.models import Model

    accessor = str(bound_column.accessor)
    column = bound_column.column
    if (
        not isinstance(model, type)
        or not issubclass(model, Model)
        or not accessor
        or Accessor.SEPARATOR in accessor
        or hasattr(model, "__getitem__")
        or isinstance(column, tables.ManyToManyColumn)
    ):
        return _generic_cell(bound_column)
    try:
        field = model._meta.get_field(accessor)
    except FieldDoesNotExist:
        field = None
    labels = None
    if field is not None and getattr(field, "choices", ()) and hasattr(model, f"get_{accessor}_display"):
        labels = _choice_labels(model, field)
        if labels is None:
            return _generic_cell(bound_column)
    attname = field.attname if labels is not None else accessor
    empty_values = column.empty_values
    render = bound_column.render
    function = getattr(render, "__func__", render)
    if function is tables.Column.render:
        render = None
    elif function is IsoDateColumn.render:
        render = _isoformat
    elif function is tables.BooleanColumn.render and not column.attrs.get("span") and not getattr(field, "choices", 0):
        render = _boolean(column.yesno)
    else:
        render = _render_caller(render)
    link = bound_column.link
    quick_link = None
    if link is not None and not link.attrs:
        quick_link = _reversed_link(link, bound_column) if render is None else None
        link = functools.partial(_plain_link, link)
    generic = _generic_cell(bound_column)

    def cell(row, record):
        try:
            value = getattr(record, attname)
        except Exception:  # django-tables2 decides what a failed look-up shows
            return generic(row, record)
        if callable(value):
            return generic(row, record)
        if labels is not None:
            try:
                value = labels.get(value, _MISSING)
            except TypeError:  # unhashable
                return generic(row, record)
            if value is _MISSING:
                value = force_str(getattr(record, attname), strings_only=True)
        if value in empty_values:
            return bound_column.default
        if render is None and link is None:
            return value
        if quick_link is not None:
            return quick_link(value, row, record)
        kwargs = row._optional_cell_arguments(bound_column, value)
        content = value if render is None else render(kwargs)
        return link(content, **kwargs) if link else content

    return cell


def _isoformat(kwargs):
    return kwargs["value"].isoformat()


# The arguments a cell's render function may ask for (BoundRow._optional_cell_arguments).
_CELL_ARGUMENTS = frozenset({"value", "record", "column", "bound_column", "bound_row", "table"})


def _render_caller(render):
    """call_with_appropriate(render, kwargs), with the arguments the function takes worked out once."""
    args, catch_all = utils.signature(render)
    if catch_all or not set(args) <= _CELL_ARGUMENTS:
        return functools.partial(utils.call_with_appropriate, render)
    return lambda kwargs: render(**{name: kwargs[name] for name in args})


def _boolean(yesno):
    """BooleanColumn.render for a field without choices and a column without <span> attributes.

    Either of two pieces of HTML, built once per table.
    """
    shown = {
        value: format_html('<span class="{}">{}</span>', str(value).lower(), escape(yesno[int(not value)]))
        for value in (True, False)
    }
    return lambda kwargs: shown[bool(kwargs["value"])]


def _plain_link(link, content, **kwargs):
    """LinkTransform.__call__ for a link without attributes: `<a href="…">content</a>`."""
    href = link.compose_url(**kwargs)
    if href is None:
        return content
    return format_html('<a href="{}">{}</a>', href, content)


# --- links from one reversed URL per table --------------------------------------------------------
#
# A detail link declared as `linkify=("app:view", {"pk": A("pk")})` is reversed once per table with a
# stand-in primary key; each row's URL is the same text with the row's key in its place. A row whose
# key is not a non-negative integer, or a URL the pattern does not give exactly (checked on the
# first row), is reversed as django-tables2 reverses it.

_PK_STAND_IN = 9_081_726_354_657_483


def detail_link(viewname: str) -> tuple:
    """`linkify=` for a link to the row's own page: what `get_absolute_url()` gives, reversed once per table."""
    return (viewname, {"pk": Accessor("pk")})


def pk_url_function(viewname: str, kwarg: str = "pk"):
    """A function pk -> reverse(viewname, kwargs={kwarg: pk}) that reverses once, not once per key."""

    def reversed_url(pk):
        return reverse(viewname, kwargs={kwarg: pk})

    try:
        sample = reversed_url(_PK_STAND_IN)
    except NoReverseMatch:
        return reversed_url
    prefix, found, suffix = sample.partition(str(_PK_STAND_IN))
    if not found or str(_PK_STAND_IN) in suffix:
        return reversed_url
    checked = exact = False

    def url(pk):
        nonlocal checked, exact
        if type(pk) is not int or pk < 0:
            return reversed_url(pk)
        if not checked:  # the first key: a pattern that does not take every integer alike reverses each
            checked = True
            exact = reversed_url(pk) == f"{prefix}{pk}{suffix}"
        return f"{prefix}{pk}{suffix}" if exact else reversed_url(pk)

    return url


def _reversed_link(link, bound_column):
    """`<a href="…">content</a>` for a link of the form ("app:view", {"kwarg": A("attribute")}), else None.

    Called as (content, row, record) for a column without a render function (content is the value).
    """
    args = link.reverse_args
    if link.url is not None or set(args) != {"viewname", "kwargs"} or len(args["kwargs"]) != 1:
        return None
    if type(args["viewname"]) is not str:  # an Accessor is a str too: a view name read from the row
        return None
    ((kwarg, accessor),) = args["kwargs"].items()
    if not isinstance(accessor, Accessor) or Accessor.SEPARATOR in accessor or not accessor:
        return None
    url = pk_url_function(args["viewname"], kwarg)
    attribute = str(accessor)

    def linked(content, row, record):
        key = getattr(record, attribute, None)
        if type(key) is not int:
            return _plain_link(link, content, **row._optional_cell_arguments(bound_column, content))
        return format_html('<a href="{}">{}</a>', url(key), content)

    return linked


def _cell_html(value, context) -> str:
    """`{{ value }}` in a template: strings are escaped, anything else localised first."""
    if isinstance(value, SafeData):
        return str(value)
    if type(value) is str and context.autoescape:
        return html.escape(value)  # what django.utils.html.escape does, without its lazy-string wrapper
    return render_value_in_context(value, context)


def table_rows(table, context) -> str:
    """The <tr> rows of the table's current page, each cell rendered as `{{ cell }}` renders it."""
    columns = list(table.columns)
    plans = {}
    rows = []
    # A table that declares row attributes (the complaint list's red and yellow rows) gets them as
    # django-tables2 renders them; the others skip the per-row lookup.
    with_attrs = bool(getattr(table, "row_attrs", None))
    for row in table.paginated_rows:
        record = row.record
        model = type(record)
        functions = plans.get(model)
        if functions is None:
            functions = plans[model] = [_cell_function(column, model) for column in columns]
        cells = "".join([f"<td>{_cell_html(function(row, record), context)}</td>" for function in functions])
        rows.append(f"<tr {row.attrs.as_html()}>{cells}</tr>" if with_attrs else f"<tr>{cells}</tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 - every cell is escaped by _cell_html


def table_header_cells(table, context) -> str:
    """The <th> cells of django_tables2/bootstrap5.html's header row, sort links included.

    The template's loop resolves half a dozen variables and a `querystring_replace` per column;
    this builds the same cells from the same objects (BoundColumn.attrs, .orderable, .header,
    .order_by_alias.next) and the same query string (the request's, with the sort key replaced).
    """
    params = dict(context["request"].GET)
    cells = []
    for column in table.columns:
        header = render_value_in_context(column.header, context)
        if column.orderable:
            query = {**params, table.prefixed_order_by_field: column.order_by_alias.next}
            header = format_html('<a href="{}">{}</a>', "?" + urlencode(query, doseq=True), header)
        cells.append(format_html('<th {} scope="col">{}</th>', column.attrs["th"].as_html(), header))
    return mark_safe("\n".join(cells))  # noqa: S308 - each cell built by format_html
