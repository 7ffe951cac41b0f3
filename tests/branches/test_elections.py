"""An election (换届) records its result and the new committee; the old committee leaves office."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.branches.models import Election, Officer, OrgUnit, SubCommittee
from apps.branches.services import officer_add, subcommittee_add, union_election_record
from apps.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

COMMITTEE = [
    {"name": "王建国", "position": "chair", "concurrent_post": "厂党支部副书记"},
    {"name": "李敏", "position": "vice_chair"},
    {"name": "赵刚", "position": "member"},
]


def _today():
    return timezone.localdate()


@pytest.fixture
def union(county_tree):
    """A's union in its second term, with its committee and a full-time cadre in post."""
    union = county_tree["union_a"]
    OrgUnit.objects.filter(pk=union.pk).update(
        formation_form="committee",
        term_years=5,
        term_start=datetime.date(2021, 5, 1),
        term_end=datetime.date(2026, 4, 30),
    )
    union.refresh_from_db()
    for name, position in (("孙老主席", "chair"), ("周委员", "member"), ("吴专干", "full_time")):
        officer_add(
            user=None,
            union=union,
            name=name,
            position=position,
            term_start=datetime.date(2021, 5, 1),
            term_end=datetime.date(2026, 4, 30),
        )
    return union


def _elect(union, user=None, **overrides):
    values = {
        "user": user,
        "union": union,
        "term_start": _today(),
        "term_years": 5,
        "result": "应到会员 45 人，实到 43 人；王建国 41 票当选主席。",
        "officers": COMMITTEE,
    }
    return union_election_record(**{**values, **overrides})


def test_the_new_committee_takes_office_and_the_old_one_leaves(union, county_user):
    election = _elect(union, county_user)
    union.refresh_from_db()
    assert (union.term_start, union.term_years, union.term_end) == (election.term_start, 5, election.term_end)
    in_post = Officer.objects.filter(union=union, ended_on__isnull=True)
    assert {(o.name, o.position) for o in in_post} == {
        ("王建国", "chair"),
        ("李敏", "vice_chair"),
        ("赵刚", "member"),
        ("吴专干", "full_time"),  # staff, not elected: stays in post
    }
    assert in_post.get(name="王建国").concurrent_post == "厂党支部副书记"
    assert all(o.election_id == election.pk and o.term_end == union.term_end for o in in_post.exclude(name="吴专干"))
    # The old committee is kept, ended on the election day.
    former = Officer.objects.filter(union=union, name__in=["孙老主席", "周委员"])
    assert former.count() == 2 and {o.ended_on for o in former} == {_today()}
    assert election.result.startswith("应到会员 45 人") and election.recorded_by == county_user


def test_the_heads_of_the_sub_committees_are_recorded(union):
    subcommittee_add(
        user=None, union=union, kind="fund_audit", established_on=datetime.date(2021, 5, 1), head_name="老钱"
    )
    _elect(union, subcommittee_heads={"fund_audit": "钱新", "women": "李敏"})
    assert SubCommittee.objects.get(union=union, kind="fund_audit").head_name == "钱新"
    women = SubCommittee.objects.get(union=union, kind="women")  # set up with the election
    assert women.head_name == "李敏" and women.established_on == _today()


@pytest.mark.parametrize(
    ("officers", "message"),
    [
        ([{"name": "李敏", "position": "vice_chair"}, {"name": "赵刚", "position": "member"}], "须选出一名主席"),
        ([*COMMITTEE, {"name": "钱二", "position": "chair"}], "须选出一名主席"),
        (COMMITTEE[:2], "至少由 3 名委员组成"),
        ([*COMMITTEE, {"name": "李敏", "position": "member"}], "填写了不止一次"),
        ([*COMMITTEE, {"name": "钱二", "position": ""}], "请为“钱二”选择职务"),
        ([*COMMITTEE, {"name": "钱二", "position": "full_time"}], "请为“钱二”选择职务"),
        ([*COMMITTEE, {"name": "钱二", "position": "organiser"}], "不设组织员"),
    ],
)
def test_the_committee_rules_and_nothing_half_saved(union, officers, message):
    with pytest.raises(ValidationError) as caught:
        _elect(union, officers=officers)
    assert message in " ".join(caught.value.messages)
    _assert_unchanged(union)


def _assert_unchanged(union):
    union.refresh_from_db()
    assert union.term_start == datetime.date(2021, 5, 1)
    assert not Election.objects.exists()
    assert Officer.objects.filter(union=union).count() == 3
    assert not Officer.objects.filter(union=union, ended_on__isnull=False).exists()


def test_a_union_with_an_organiser_elects_one_organiser(union):
    OrgUnit.objects.filter(pk=union.pk).update(formation_form="organiser", declared_members=12)
    union.refresh_from_db()
    with pytest.raises(ValidationError, match="组织员"):
        _elect(union)
    _elect(union, officers=[{"name": "钱二", "position": "organiser"}])
    assert Officer.objects.get(union=union, ended_on__isnull=True, position="organiser").name == "钱二"


def test_the_new_term_must_follow_the_current_one(union):
    for start in (datetime.date(2021, 5, 1), datetime.date(2020, 1, 1)):
        with pytest.raises(ValidationError) as caught:
            _elect(union, term_start=start)
        assert "新一届任期应晚于" in caught.value.message_dict["term_start"][0]
    _assert_unchanged(union)


def test_an_officer_who_took_office_after_the_election_day_is_refused(union):
    OrgUnit.objects.filter(pk=union.pk).update(term_start=None, term_end=None, term_years=None)
    officer_add(
        user=None,
        union=union,
        name="新来的",
        position="member",
        term_start=_today() + datetime.timedelta(days=10),
        term_end=_today() + datetime.timedelta(days=400),
    )
    with pytest.raises(ValidationError, match="才任职"):
        _elect(union)


def test_result_and_term_are_required(union):
    with pytest.raises(ValidationError) as caught:
        _elect(union, result="  ", term_years=4)
    assert set(caught.value.message_dict) == {"result", "term_years"}
    _assert_unchanged(union)


def test_only_an_approved_active_union_holds_an_election(union, county_user, chair_a, county_tree):
    from tests.factories import UnionFactory

    pending = UnionFactory(user=chair_a, township=county_tree["a"])
    with pytest.raises(ApplicationError):
        _elect(pending)
    with pytest.raises(ApplicationError):
        _elect(county_tree["a"])  # a township is not a grassroots union


def test_the_page_offers_the_election_to_an_approved_union_only(client_for, union, chair_a, county_tree):
    from tests.factories import UnionFactory

    pending = UnionFactory(user=chair_a, township=county_tree["a"])
    client = client_for(chair_a)
    link = reverse("branches:union_new_term", kwargs={"pk": pending.pk})
    assert link not in _html_of(client, pending)
    assert reverse("branches:union_new_term", kwargs={"pk": union.pk}) in _html_of(client, union)
    response = client.post(link, _post_data(COMMITTEE))
    assert response.status_code == 200 and "只有已批准成立" in response.content.decode()
    assert not Election.objects.exists()


def _html_of(client, unit):
    return client.get(unit.get_absolute_url()).content.decode()


def test_the_term_ending_todo_is_done_by_the_election(union, chair_a):
    from apps.branches.todos import terms_ending

    assert union in terms_ending(chair_a).queryset
    _elect(union, chair_a)
    assert union not in terms_ending(chair_a).queryset


# --- the page ------------------------------------------------------------------------------------


def _post_data(rows, **overrides):
    data = {
        "term_start": _today().isoformat(),
        "term_years": "5",
        "result": "应到 45 人，实到 43 人，全部当选。",
        "fund_audit_head": "",
        "women_head": "李敏",
        "officers-TOTAL_FORMS": str(len(rows)),
        "officers-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"officers-{index}-{key}"] = value
    return {**data, **overrides}


def test_the_form_offers_the_committee_in_post_and_empty_rows(client_for, union, chair_a):
    page = client_for(chair_a).get(reverse("branches:union_new_term", kwargs={"pk": union.pk})).content.decode()
    assert 'value="孙老主席"' in page and 'value="周委员"' in page
    assert 'value="吴专干"' not in page  # a full-time cadre is not elected
    assert 'name="officers-6-name"' in page and 'name="officers-7-name"' not in page  # 2 in post + 5 empty
    assert "请选择…" in page and "---------" not in page


def test_the_form_records_the_election(client_for, union, chair_a):
    rows = [{"name": o["name"], "position": o["position"]} for o in COMMITTEE] + [{"name": "", "position": ""}]
    response = client_for(chair_a).post(reverse("branches:union_new_term", kwargs={"pk": union.pk}), _post_data(rows))
    assert response.status_code == 302
    assert set(Officer.objects.filter(union=union, ended_on__isnull=True).values_list("name", flat=True)) == {
        "王建国",
        "李敏",
        "赵刚",
        "吴专干",
    }
    page = client_for(chair_a).get(union.get_absolute_url()).content.decode()
    assert "孙老主席" in page and 'data-testid="former-officers"' in page  # on record, as former officers
    in_post = page.split('data-testid="officers-in-post"')[1].split("</ul>")[0]
    assert in_post.index("王建国") < in_post.index("李敏") < in_post.index("赵刚") < in_post.index("吴专干")
    assert "应到 45 人" in page


@pytest.mark.parametrize(
    ("rows", "overrides", "message"),
    [
        (COMMITTEE[1:], {}, "须选出一名主席"),
        ([{"name": "王建国"}], {}, "请选择职务"),
        ([{"name": "王建国", "position": "boss"}], {}, "选择一个有效的选项"),
        (COMMITTEE, {"result": ""}, "这个字段是必填项"),
        (COMMITTEE, {"term_start": "9999-12-31"}, "日期不合理"),
        (COMMITTEE, {"term_start": "2026-02-30"}, "有效的日期"),
        (COMMITTEE, {"term_years": "4"}, "选择一个有效的选项"),
        (COMMITTEE, {"officers-TOTAL_FORMS": "abc"}, "ManagementForm"),
        (COMMITTEE, {"officers-TOTAL_FORMS": "5000"}, "请最多提交 30 个表单"),
        ([{"name": "王" * 51, "position": "chair"}, *COMMITTEE[1:]], {}, "最多 50 个字（现在是 51 个）。"),
    ],
)
def test_the_form_refuses_bad_input_in_chinese_and_saves_nothing(client_for, union, chair_a, rows, overrides, message):
    rows = [{"name": r.get("name", ""), "position": r.get("position", "")} for r in rows]
    response = client_for(chair_a).post(
        reverse("branches:union_new_term", kwargs={"pk": union.pk}), _post_data(rows, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    _assert_unchanged(union)


def test_another_townships_union_is_404(client_for, union, chair_b):
    client = client_for(chair_b)
    url = reverse("branches:union_new_term", kwargs={"pk": union.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, _post_data(COMMITTEE)).status_code == 404
    _assert_unchanged(union)
