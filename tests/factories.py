"""Test data through the services (factory_boy): the one place that knows how each row is made.

Every factory's `_create` calls the service that owns the row's rules (`orgunit_create`,
`enterprise_register`, `member_create`, `complaint_register`...), so test data passes the same
validation as the portal's own writes; when a service's signature changes, this file is the
one to adapt. Rows that only a worker moves on (an import's dry run, a finished export) get
there the way the worker does, or, where a worker owns the state, by a `_finish` step named
as such.

    EnterpriseFactory(township=tree["a"], union=tree["union_a"])
    MemberFactory(union=tree["union_a"])
    ComplaintFactory(enterprise=enterprise, user=chair_a)
"""

import datetime
from pathlib import Path

import factory
from django.test import TestCase
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.services import user_create
from apps.branches.choices import MeetingKind, OfficerPosition, OrgUnitKind, RatingTitle, SubCommitteeKind
from apps.branches.demo import demo_credit_code
from apps.branches.models import Enterprise, Meeting, Officer, OrgUnit, Rating, SubCommittee
from apps.complaints.models import Complaint, ComplaintAttachment
from apps.core.models import ExportJob, Notification
from apps.members.models import Member, MembershipTransfer, RosterImport

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROSTER_SAMPLE = FIXTURES / "roster-baitabu-chemical.xlsx"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def valid_id_number(serial: int) -> str:
    """A valid, distinct citizen ID number for each serial (东海县, born 1970-1999)."""
    from apps.members.idnumbers import check_character

    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=(serial // 1000) * 37)
    first17 = f"320722{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + check_character(first17)


class ServiceFactory(factory.Factory):
    """A factory whose rows are written by a service: subclasses name it in `_create`."""

    class Meta:
        abstract = True

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("these factories write through the services: use create()")


class UserFactory(ServiceFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n:04d}")
    password = "test-pass-2026"
    real_name = factory.Sequence(lambda n: f"测试用户{n:04d}")
    org_unit = None
    role = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        kwargs.setdefault("user", None)  # made by the test set-up, not by a user
        return user_create(**kwargs)


class OrgUnitFactory(ServiceFactory):
    class Meta:
        model = OrgUnit

    parent = None
    name = factory.Sequence(lambda n: f"测试单位{n:04d}工会")
    kind = OrgUnitKind.ENTERPRISE
    code = ""

    @classmethod
    def _create(cls, model_class, **kwargs):
        from apps.branches.services import orgunit_create

        kwargs.setdefault("user", None)  # made by the test set-up, not by a user
        return orgunit_create(**kwargs)


class EnterpriseFactory(ServiceFactory):
    """An enterprise of `township` (optionally covered by `union`), with a valid credit code."""

    class Meta:
        model = Enterprise

    user = None  # who registers it; None is the system (a valid code needs no confirmation)
    township = None
    name = factory.Sequence(lambda n: f"测试企业{n:04d}有限公司")
    credit_code = factory.Sequence(lambda n: demo_credit_code(500_000 + n))
    ownership = "private"
    employee_count = 40
    union = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        from apps.branches.services import enterprise_register

        return enterprise_register(**kwargs)


class UnionFactory(ServiceFactory):
    """A grassroots union registered by a township (awaiting approval), covering one new enterprise.

    `approved_by=<county user>` has the county approve it as well.
    """

    class Meta:
        model = OrgUnit

    user = None
    township = None
    name = factory.Sequence(lambda n: f"测试登记{n:04d}工会")
    kind = OrgUnitKind.ENTERPRISE
    formation_form = "committee"
    declared_members = 30
    founded_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    term_years = 5
    enterprises = factory.LazyAttribute(lambda o: [EnterpriseFactory(township=o.township)])
    approved_by = None

    @classmethod
    def _create(cls, model_class, *, approved_by, **kwargs):
        from apps.branches.services import union_approve, union_register

        union = union_register(**kwargs)
        if approved_by is not None:
            union = union_approve(user=approved_by, union=union)
        return union


class SubCommitteeFactory(ServiceFactory):
    class Meta:
        model = SubCommittee

    union = None
    kind = SubCommitteeKind.WOMEN
    established_on = datetime.date(2022, 3, 8)
    head_name = "李敏"

    @classmethod
    def _create(cls, model_class, **kwargs):
        from apps.branches.services import subcommittee_add

        kwargs.setdefault("user", None)  # made by the test set-up, not by a user
        return subcommittee_add(**kwargs)


class OfficerFactory(ServiceFactory):
    class Meta:
        model = Officer

    union = None
    name = factory.Sequence(lambda n: f"干部{n:04d}")
    position = OfficerPosition.CHAIR
    term_start = datetime.date(2023, 1, 1)
    term_end = datetime.date(2027, 12, 31)

    @classmethod
    def _create(cls, model_class, **kwargs):
        from apps.branches.services import officer_add

        kwargs.setdefault("user", None)  # made by the test set-up, not by a user
        return officer_add(**kwargs)


class MeetingFactory(ServiceFactory):
    class Meta:
        model = Meeting

    user = None
    org_unit = None
    kind = MeetingKind.MEMBERS_ASSEMBLY
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    title = factory.Sequence(lambda n: f"第{n}次会员大会")
    attendees = 30

    @classmethod
    def _create(cls, model_class, **kwargs):
        from apps.branches.services import meeting_record

        return meeting_record(**kwargs)


class RatingFactory(ServiceFactory):
    class Meta:
        model = Rating

    user = None
    org_unit = None
    title = RatingTitle.WORKERS_HOME
    year = factory.Sequence(lambda n: 2000 + n % 100)
    checklist = "制度健全；活动阵地达标。"

    @classmethod
    def _create(cls, model_class, **kwargs):
        from apps.branches.services import rating_record

        return rating_record(**kwargs)


class MemberFactory(ServiceFactory):
    class Meta:
        model = Member

    union = None
    real_name = factory.Sequence(lambda n: f"会员{n:04d}")
    id_number = factory.Sequence(valid_id_number)
    join_date = datetime.date(2020, 1, 1)
    employment_form = "regular"
    mobile = "13812345678"

    @classmethod
    def _create(cls, model_class, **kwargs):
        from apps.members.services import member_create

        kwargs.setdefault("user", None)  # made by the test set-up, not by a user
        return member_create(**kwargs)


class TransferFactory(ServiceFactory):
    """A transfer started by the releasing side (`user`): pending when it crosses townships."""

    class Meta:
        model = MembershipTransfer

    user = None
    member = None
    to_union = None
    reason = "调入新单位"

    @classmethod
    def _create(cls, model_class, **kwargs):
        from apps.members.services import transfer_request

        return transfer_request(**kwargs)


class RosterImportFactory(ServiceFactory):
    """The sample roster uploaded to `union`; `checked=True` also runs its dry run (as the worker would)."""

    class Meta:
        model = RosterImport

    user = None
    union = None
    file_name = "花名册.xlsx"
    content = factory.LazyFunction(ROSTER_SAMPLE.read_bytes)
    checked = False

    @classmethod
    def _create(cls, model_class, *, checked, **kwargs):
        from apps.members.imports import roster_import_start

        if not checked:
            return roster_import_start(**kwargs)
        # The queued task runs eagerly once the (captured) commit callbacks run.
        with TestCase.captureOnCommitCallbacks(execute=True):
            roster_import = roster_import_start(**kwargs)
        roster_import.refresh_from_db()
        return roster_import


class ComplaintFactory(ServiceFactory):
    class Meta:
        model = Complaint

    user = None
    enterprise = None
    received_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    channel = "hotline"
    category = "punishment"
    description = "迟到被扣全勤奖"
    complainant_name = "王强"
    complainant_mobile = "13912345678"

    @classmethod
    def _create(cls, model_class, **kwargs):
        from apps.complaints.services import complaint_register

        return complaint_register(**kwargs)


def complaint_posted(complaint, *, user):
    """Walk a complaint to 已张榜公布 (the public notice exists from then on)."""
    from apps.complaints.services import complaint_transition

    complaint = complaint_transition(user=user, complaint=complaint, to_status="investigating")
    notice = {"posted_where": "厂区公示栏", "posted_text": "经调查，企业已纠正。"}
    return complaint_transition(user=user, complaint=complaint, to_status="posted", **notice)


class AttachmentFactory(ServiceFactory):
    class Meta:
        model = ComplaintAttachment

    user = None
    complaint = None
    file_name = "evidence.png"
    content = PNG

    @classmethod
    def _create(cls, model_class, **kwargs):
        from apps.complaints.services import attachment_add

        return attachment_add(**kwargs)


class ExportJobFactory(ServiceFactory):
    """A large export as `export_job_start` records it (pending; the worker is not run).

    `finished="done"` or `finished="failed"` puts it where the worker leaves it: done with a
    file, or failed after an interruption (so it may be retried).
    """

    class Meta:
        model = ExportJob

    user = None
    path = "/members/export/"
    query = ""
    rows = 25_000
    finished = None

    @classmethod
    def _create(cls, model_class, *, finished, **kwargs):
        from apps.core.exports import xlsx_bytes
        from apps.core.models import ExportStatus
        from apps.core.services import export_job_start

        job = export_job_start(**kwargs)
        if finished == "done":  # what export_job_run leaves
            job.status, job.file_name = ExportStatus.DONE, "members-export.xlsx"
            job.content = xlsx_bytes(headers=["姓名"], rows=[["张三"]])
            job.processed_rows, job.finished_at = job.total_rows, timezone.now()
        elif finished == "failed":  # what the job sweep leaves after a lost worker
            job.status, job.error, job.retryable, job.finished_at = ExportStatus.FAILED, "中断", True, timezone.now()
        if finished:
            job.save()
        return job


class NotificationFactory(ServiceFactory):
    class Meta:
        model = Notification

    recipient = None
    title = factory.Sequence(lambda n: f"请在七日内答复投诉 {n}")
    link = "/complaints/"
    email = False

    @classmethod
    def _create(cls, model_class, **kwargs):
        from apps.core.services import notification_send

        return notification_send(**kwargs)
