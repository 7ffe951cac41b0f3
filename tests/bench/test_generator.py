"""The dataset generator: valid rows, the same rows for the same seed, idempotent, refuses real data."""

import datetime
import hashlib
import random

import pytest
from django.db import transaction

from apps.bench.generator import DatasetRefused, bench_users, generate_dataset
from apps.branches.models import Enterprise, Meeting, Officer, OrgUnit, Rating, SubCommittee
from apps.branches.validators import credit_code_problem
from apps.complaints.choices import OPEN_STATUSES
from apps.complaints.deadlines import answer_due_at
from apps.complaints.models import Complaint, ComplaintReminder, ComplaintStep
from apps.contracts.models import Contract, ContractCoverage, ContractStep
from apps.members.choices import Education, Ethnicity, MemberStatus, PoliticalStatus, TransferStatus
from apps.members.idnumbers import check_character, china_today, mask_id_number, validate_id_number
from apps.members.models import Member, MembershipTransfer
from apps.members.selectors import id_hash_of
from apps.members.services import member_create, workplace_problem

SCALE = 0.005
TODAY = china_today()
MODELS = [OrgUnit, Enterprise, SubCommittee, Officer, Meeting, Rating, Member, MembershipTransfer, Complaint, Contract]

# Natural columns only: no primary keys, no encrypted bytes (Fernet adds a random IV each time).
FINGERPRINT = {
    OrgUnit: ["path", "name", "kind", "status", "declared_members", "formation_form", "founded_on", "term_end"],
    Enterprise: ["credit_code", "name", "ownership", "employee_count", "township__path", "union__path"],
    SubCommittee: ["union__path", "kind", "established_on", "head_name"],
    Officer: ["union__path", "name", "position", "term_start", "term_end"],
    Meeting: ["org_unit__path", "enterprise__credit_code", "kind", "held_on", "title", "attendees"],
    Rating: ["org_unit__path", "title", "year"],
    Member: ["id_hash", "id_masked", "card_number", "real_name", "birth_date", "join_date", "status", "hardship",
             "mobile", "union__path", "left_on"],
    MembershipTransfer: ["member__card_number", "from_union__path", "to_union__path", "status", "created_at",
                         "decided_at"],
    Complaint: ["tracking_number", "received_at", "due_at", "status", "is_overdue", "answered_at", "closed_at",
                "enterprise__credit_code", "complainant_name", "category", "satisfaction"],
    ComplaintStep: ["complaint__tracking_number", "from_status", "to_status", "at"],
    ComplaintReminder: ["complaint__tracking_number", "kind", "sent_at"],
    Contract: ["number", "kind", "scope", "status", "union__path", "enterprise__credit_code", "requested_on",
               "signed_on", "in_force_on", "term_end", "replaces__number", "workers_covered"],
    ContractCoverage: ["contract__number", "enterprise__credit_code"],
    ContractStep: ["contract__number", "kind", "happened_on", "voters_total", "voters_present", "votes_in_favour"],
}  # fmt: skip


def fingerprint() -> str:
    digest = hashlib.sha256()
    for model, columns in FINGERPRINT.items():
        for row in model.objects.order_by(*columns).values_list(*columns):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in FINGERPRINT}


@pytest.fixture
def dataset(db):
    generate_dataset(scale=SCALE, seed=7, today=TODAY)


def test_a_sample_of_every_model_passes_full_clean(dataset):
    rng = random.Random(1)
    for model in MODELS:
        ids = list(model.objects.values_list("pk", flat=True))
        assert ids, f"no {model.__name__} generated"
        for obj in model.objects.filter(pk__in=rng.sample(ids, min(25, len(ids)))):
            obj.full_clean()
    for step in ComplaintStep.objects.all()[:50]:
        step.full_clean()


def test_rows_are_consistent_with_the_portal_rules(dataset):
    for enterprise in Enterprise.objects.all():
        assert credit_code_problem(enterprise.credit_code) is None or (
            not enterprise.credit_code_checksum_ok and enterprise.credit_code_confirmed_by_id
        )
    for complaint in Complaint.objects.prefetch_related("steps"):
        assert complaint.due_at == answer_due_at(complaint.received_at)
        steps = list(complaint.steps.all())
        assert steps[0].from_status == "" and steps[-1].to_status == complaint.status
        assert [s.at for s in steps] == sorted(s.at for s in steps)
    assert Complaint.objects.filter(status__in=OPEN_STATUSES).exists()
    assert Complaint.objects.filter(is_overdue=True).exists()
    assert (
        MembershipTransfer.objects.filter(status=TransferStatus.PENDING).count()
        == Member.objects.filter(status=MemberStatus.TRANSFERRING).count()
    )
    assert Enterprise.objects.filter(union__isnull=True).exists()
    # 民族/文化程度/政治面貌 are the standard's codes; 工作单位 an enterprise the union covers.
    for field, choices in (("ethnicity", Ethnicity), ("education", Education), ("political_status", PoliticalStatus)):
        assert set(Member.objects.values_list(field, flat=True)) <= set(choices.values), field
    with_workplace = Member.objects.filter(workplace__isnull=False).select_related("union", "workplace")
    assert with_workplace.exists() and Member.objects.filter(workplace__isnull=True).exists()
    for member in with_workplace:
        assert workplace_problem(member.union, member.workplace) is None, member.pk
    users = bench_users()
    assert set(users) == {"county_staff", "township_staff", "grassroots_officer"}
    assert not users["county_staff"].has_usable_password()
    first_township = OrgUnit.objects.filter(kind="township").order_by("path").first()
    assert users["township_staff"].org_unit == first_township


def test_id_numbers_validate_and_decrypt_through_the_model(dataset):
    for member in Member.objects.order_by("?")[:200]:
        check = validate_id_number(member.id_number)
        assert check.is_valid, (member.id_number, check.errors)
        assert member.id_hash == id_hash_of(member.id_number)
        assert member.id_masked == mask_id_number(member.id_number)
        assert (member.sex, member.birth_date) == (check.sex, check.birth_date)


def test_the_same_seed_gives_the_same_rows(db):
    prints = []
    for seed in (3, 3, 4):
        with transaction.atomic():
            generate_dataset(scale=SCALE, seed=seed, today=TODAY)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_running_twice_adds_nothing(dataset):
    before = counts()
    assert generate_dataset(scale=SCALE, seed=7, today=TODAY) == {}
    assert counts() == before


def test_another_dataset_is_refused(dataset):
    with pytest.raises(DatasetRefused, match="already holds the generated dataset BENCH-0.005-7"):
        generate_dataset(scale=SCALE, seed=8, today=TODAY, force=True)


def _valid_id(first17="32072219900101123"):
    return first17 + check_character(first17)


def test_a_member_the_generator_did_not_write_is_real_data(dataset):
    union = OrgUnit.objects.filter(members__isnull=False).first()
    member_create(
        user=None,
        union=union,
        real_name="张三",
        id_number=_valid_id(),
        join_date=datetime.date(2020, 1, 1),
        employment_form="regular",
    )
    with pytest.raises(DatasetRefused, match="1 members"):
        generate_dataset(scale=SCALE, seed=7, today=TODAY)
    assert generate_dataset(scale=SCALE, seed=7, today=TODAY, force=True) == {}


def test_a_database_with_real_org_units_is_refused_unless_forced(county_tree):
    with pytest.raises(DatasetRefused, match="5 org units"):
        generate_dataset(scale=SCALE, seed=7, today=TODAY)
    assert not Member.objects.exists()
    generate_dataset(scale=SCALE, seed=7, today=TODAY, force=True)
    assert Member.objects.exists()
    assert OrgUnit.objects.filter(depth=1).count() == 2
