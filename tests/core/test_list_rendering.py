"""The shared list stack's shortcuts read exactly as the libraries they replace (issue 11).

Rows are built by apps.core.tables.table_rows instead of django-tables2's cell loop, filter fields
by apps.core.forms.filter_field instead of crispy's templates: each is compared here with what
the library itself renders, for every table and filter the portal has.
"""

import datetime
from html.parser import HTMLParser

import django_tables2 as tables
import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.db import connection
from django.template import Context
from django.template.base import render_value_in_context
from django.test.utils import CaptureQueriesContext

from apps.branches import selectors as branch_selectors
from apps.branches.filters import EnterpriseFilter, MeetingFilter, OrgUnitFilter, UnionFilter
from apps.branches.tables import EnterpriseTable, MeetingTable, OrgUnitTable, UnionTable
from apps.core.forms import filter_field, widget_html
from apps.core.pagination import CappedCountPaginator
from apps.core.tables import table_rows
from apps.members.filters import MemberFilter
from apps.members.models import Member
from apps.members.selectors import member_list
from apps.members.tables import MemberTable
from tests.complaints.conftest import factories, register  # noqa: F401 - fixtures
from tests.members.conftest import add_members


def tables2_rows(table) -> str:
    """The rows as django-tables2's own BoundRow.get_cell and `{{ cell }}` render them."""
    context = Context()
    return "\n".join(
        "<tr>"
        + "".join(f"<td>{render_value_in_context(row.get_cell(column.name), context)}</td>" for column in table.columns)
        + "</tr>"
        for row in table.paginated_rows
    )


def paged(table):
    table.paginate(paginator_class=CappedCountPaginator, per_page=50)
    return table


@pytest.fixture
def portal_data(county_tree, chair_a, factories):  # noqa: F811
    add_members(county_tree["union_a"], 5, join_date=datetime.date(2019, 5, 6))
    Member.objects.filter(real_name="张1").update(hardship=True, sex="female", union=county_tree["union_b"])
    return county_tree


def test_every_portal_table_renders_the_rows_django_tables2_renders(portal_data, county_user):
    tables_and_rows = [
        (MemberTable, member_list(user=county_user)),
        (EnterpriseTable, branch_selectors.enterprise_list(user=county_user)),
        (UnionTable, branch_selectors.union_list(user=county_user)),
        (OrgUnitTable, branch_selectors.orgunit_list(user=county_user)),
        (MeetingTable, branch_selectors.meeting_list(user=county_user)),
    ]
    for table_class, queryset in tables_and_rows:
        ours = table_rows(paged(table_class(queryset)), Context())
        theirs = tables2_rows(paged(table_class(queryset)))
        assert ours == theirs, table_class.__name__
    assert "<a href=" in table_rows(paged(MemberTable(member_list(user=county_user))), Context())
    assert '<span class="true">✔</span>' in table_rows(paged(MemberTable(member_list(user=county_user))), Context())


def test_detail_links_reversed_once_per_table_are_each_rows_own_page(portal_data, county_user, register):  # noqa: F811
    import datetime as dt
    import re

    from apps.complaints.selectors import complaint_list
    from apps.complaints.tables import ComplaintTable

    register(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    tables_and_rows = [
        (MemberTable, member_list(user=county_user)),
        (EnterpriseTable, branch_selectors.enterprise_list(user=county_user)),
        (UnionTable, branch_selectors.union_list(user=county_user)),
        (OrgUnitTable, branch_selectors.orgunit_list(user=county_user)),
        (ComplaintTable, complaint_list(user=county_user)),
    ]
    for table_class, queryset in tables_and_rows:
        table = paged(table_class(queryset))
        html = table_rows(table, Context())
        links = re.findall(r'<a href="([^"]+)">', html)
        expected = [row.record.get_absolute_url() for row in table.paginated_rows]
        assert links == expected and expected, table_class.__name__


def test_the_complaint_table_renders_the_rows_django_tables2_renders(portal_data, county_user, register):  # noqa: F811
    import datetime as dt

    from apps.complaints.selectors import complaint_list
    from apps.complaints.tables import ComplaintTable

    register(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    register(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC), anonymous=True)
    queryset = complaint_list(user=county_user)
    ours = table_rows(paged(ComplaintTable(queryset, user=county_user)), Context())
    theirs_table = paged(ComplaintTable(queryset, user=county_user))
    context = Context()
    theirs = "\n".join(
        f"<tr {row.attrs.as_html()}>"
        + "".join(
            f"<td>{render_value_in_context(row.get_cell(column.name), context)}</td>" for column in theirs_table.columns
        )
        + "</tr>"
        for row in theirs_table.paginated_rows
    )
    assert ours == theirs and ours.count("<tr") == 2


def test_a_pattern_that_does_not_take_every_key_alike_is_reversed_for_each(settings):
    from apps.core.tables import pk_url_function

    settings.ROOT_URLCONF = "tests.core.odd_urls"
    url = pk_url_function("odd")
    # The stand-in key takes the second pattern, the first row's key the first: each is reversed.
    assert [url(7), url(12), url(12345)] == ["/odd/7/", "/odd/12/", "/odd/long/12345/"]


class AwkwardTable(tables.Table):
    """Columns the shortcuts must leave to django-tables2: dotted accessors, callables, defaults, templates."""

    union_name = tables.Column(accessor="union__name", linkify=lambda record: f"/u/{record.union_id}/")
    display = tables.Column(accessor="get_status_display")
    status = tables.Column()
    left_on = tables.Column(default="—")
    joined = tables.DateColumn(accessor="join_date")
    card = tables.TemplateColumn("<b>{{ record.card_number }}</b>")
    name = tables.Column(accessor="real_name", linkify=True, attrs={"a": {"class": "x"}})
    hardship = tables.BooleanColumn(attrs={"span": {"class": "flag"}})

    class Meta:
        model = Member
        fields = ["union_name", "display", "status", "left_on", "joined", "card", "name", "hardship"]

    def render_status(self, value, record):
        return f"{value}/{record.pk}"


def test_columns_the_shortcuts_cannot_decide_read_as_django_tables2_reads_them(portal_data, county_user):
    queryset = member_list(user=county_user).order_by("pk")
    ours, theirs = paged(AwkwardTable(queryset)), paged(AwkwardTable(queryset))
    ours.context = theirs.context = Context()  # what {% render_table %} sets for a TemplateColumn
    assert table_rows(ours, Context()) == tables2_rows(theirs)


class _Markup(HTMLParser):
    """Tags, attributes and text of a piece of HTML, whitespace between them ignored."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items = []

    def handle_starttag(self, tag, attrs):
        self.items.append(("start", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.items.append(("end", tag))

    def handle_data(self, data):
        if text := " ".join(data.split()):
            self.items.append(("text", text))


def markup(html) -> list:
    parser = _Markup()
    parser.feed(str(html))
    parser.close()
    return parser.items


FILTER_DATA = [
    {},
    {"status": "active", "q": '张<"', "joined_from": "2020-01-01", "hardship": "true", "kind": "enterprise"},
    {"joined_from": "not a date", "kind": "no such kind", "township": "999999"},
]


@pytest.mark.parametrize("role", ["county_user", "chair_a", "officer_a"])
def test_every_filter_field_reads_as_crispy_renders_it(portal_data, role, request):
    user = request.getfixturevalue(role)
    checked = 0
    for filter_class in (MemberFilter, EnterpriseFilter, UnionFilter, OrgUnitFilter, MeetingFilter):
        kwargs = {"user": user} if "township" in filter_class.base_filters else {}
        for data in FILTER_DATA:
            ours = filter_class(data, queryset=filter_class._meta.model.objects.none(), **kwargs).form
            theirs = filter_class(data, queryset=filter_class._meta.model.objects.none(), **kwargs).form
            for our_field, their_field in zip(ours, theirs, strict=True):
                assert widget_html(our_field) == str(their_field), (filter_class.__name__, our_field.name, data)
                expected = markup(as_crispy_field(their_field))
                assert markup(filter_field(our_field)) == expected, (filter_class.__name__, our_field.name, data)
                checked += 1
    assert checked > 50


def test_a_list_reads_its_filter_choices_without_a_server_side_cursor(portal_data, client_for, chair_a):
    client = client_for(chair_a)
    client.get("/members/")
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/members/").content.decode()
    assert "白塔化工建材厂工会</option>" in page  # the chair's unions are offered
    assert not [query for query in captured if query["sql"].startswith("DECLARE")]


def test_a_filters_choices_read_only_the_columns_their_labels_show(portal_data, client_for, chair_a):
    import re

    from apps.branches.choices import GRASSROOTS_KINDS

    client = client_for(chair_a)
    client.get("/members/")
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/members/").content.decode()
    unit_reads = [query["sql"] for query in captured if query["sql"].startswith('SELECT "branches_orgunit"."id"')]
    assert unit_reads and all(
        sql.startswith('SELECT "branches_orgunit"."id", "branches_orgunit"."name" FROM') for sql in unit_reads
    )
    union_select = re.search(r'<select[^>]* name="union">.*?</select>', page, re.S).group(0)
    offered = re.findall(r'<option value="(\d+)">([^<]*)</option>', union_select)
    unions = branch_selectors.orgunit_list(user=chair_a).filter(kind__in=GRASSROOTS_KINDS).order_by("path")
    assert offered == [(str(unit.pk), unit.name) for unit in unions] and offered


def test_a_first_page_that_is_not_full_is_its_own_count(portal_data, django_assert_num_queries):
    members = Member.objects.order_by("pk")
    with django_assert_num_queries(1):
        paginator = CappedCountPaginator(members, 50)
        page = paginator.page(1)
        assert len(page.object_list) == 5 and paginator.count == 5 and not paginator.count_is_capped
    with django_assert_num_queries(2):  # a full first page: its rows, then the capped count
        paginator = CappedCountPaginator(members, 2)
        page = paginator.page(1)
        assert len(page.object_list) == 2 and paginator.count == 5 and paginator.num_pages == 3
    last = members.last().pk
    with django_assert_num_queries(2):  # any other page is counted first, as before
        paginator = CappedCountPaginator(members, 2)
        assert [m.pk for m in paginator.page(3).object_list] == [last]


class EveryInput(forms.Form):
    """Django's input widgets, bound and unbound, with attributes that must be escaped or left bare."""

    text = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": 'x"<', "disabled": True}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    number = forms.IntegerField(min_value=1)
    email = forms.EmailField()
    secret = forms.CharField(widget=forms.PasswordInput)
    url = forms.URLField(assume_scheme="https")
    at = forms.DateTimeField()
    time = forms.TimeField()
    choice = forms.ChoiceField(choices=[("a", "甲<"), ("b", "乙")], required=False)
    grouped = forms.ChoiceField(choices=[("组", [("x", "X")]), ("y", "Y")])


@pytest.mark.parametrize(
    "data",
    [None, {"text": "<b>'\"", "day": "2020-01-01", "number": "0", "email": "a@b", "secret": "s", "choice": "b"}],
)
def test_input_and_select_widgets_read_as_django_renders_them(data):
    for field in EveryInput(data):
        assert widget_html(field) == str(field), field.name


@pytest.mark.parametrize("query", [{}, {"sort": "-join_date", "status": "active", "q": "张&<"}, {"sort": "union"}])
def test_header_cells_read_as_django_tables2_renders_them(portal_data, county_user, rf, query):
    from django.template import RequestContext, Template

    request = rf.get("/members/", query)
    request.user = county_user
    table = MemberTable(member_list(user=county_user))
    tables.RequestConfig(request, paginate={"per_page": 50, "paginator_class": CappedCountPaginator}).configure(table)

    def thead(template_name):
        html = Template("{% load django_tables2 %}{% render_table table " + f'"{template_name}"' + " %}").render(
            RequestContext(request, {"table": table})
        )
        return markup(html[html.index("<thead") : html.index("</thead>")])

    ours, theirs = thead("includes/table.html"), thead("django_tables2/bootstrap5.html")
    assert ours == theirs
    assert ("start", "th", (("class", "orderable"), ("scope", "col"))) in ours
