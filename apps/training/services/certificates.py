"""Completion certificates (结业证书): a number drawn once for each completed trainee.

Numbers come from a PostgreSQL sequence per programme (apps.core.serials), so two issues at once
never share a number and a number once drawn is never given out again, not even when the
transaction that drew it rolled back (numbers may have gaps; they are never reused). The
format is year, batch and serial: PX-2026-01-0001 for the county's first batch of 2026; a
township class carries its township's code (or id) before the batch, PX-2026-T12-01-0001, so
a township's class never takes a county batch's numbers.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.serials import serial_ensure, serial_format, serials_next

from ..choices import NominationStatus, ProgrammeKind
from ..models import Certificate, Nomination, Programme
from .common import check_manages

__all__ = [
    "CERTIFICATE_PREFIX",
    "certificate_issue",
    "certificate_number_part",
    "certificate_number_part_for",
    "certificate_serial_ensure",
    "certificates_issue",
]

CERTIFICATE_PREFIX = "PX"


def certificate_number_part(programme: Programme) -> str:
    """What sits between the year and the serial (certificate_number_part_for the programme)."""
    return certificate_number_part_for(kind=programme.kind, batch=programme.batch, organiser=programme.organiser)


def certificate_number_part_for(*, kind: str, batch: int, organiser) -> str:
    """The batch ("01"), after the organiser's code ("T12" from its id when it has none) for a
    township's class, and for a county batch when the county is not the top of the portal's
    tree (a city's or a province's portal: two counties' first batches must not share
    PX-2026-01-0001). A portal of one county keeps the short form."""
    batch_part = f"{batch:02d}"
    if kind == ProgrammeKind.TOWNSHIP_CLASS:
        return f"{organiser.code or f'T{organiser.pk}'}-{batch_part}"
    if organiser.depth > 1:
        return f"{organiser.code or f'C{organiser.pk}'}-{batch_part}"
    return batch_part


def _serial_key(programme: Programme) -> str:
    return f"training_certificate_{programme.pk}"


def certificate_serial_ensure(programme: Programme) -> None:
    """Create the programme's certificate sequence with the programme (programme_create), so the
    first certificate's number is not given out again if the transaction that drew it rolls back."""
    serial_ensure(_serial_key(programme))


def _issue(*, user, programme: Programme, nominations: list[Nomination], now) -> list[Certificate]:
    numbers = serials_next(_serial_key(programme), len(nominations))
    part = certificate_number_part(programme)
    certificates = [
        Certificate(
            nomination=nomination,
            number=serial_format(CERTIFICATE_PREFIX, number, year=programme.year, part=part),
            issued_at=now,
            issued_by=user,
        )
        for nomination, number in zip(nominations, numbers, strict=True)
    ]
    for certificate in certificates:
        certificate.full_clean(validate_constraints=False, exclude=["nomination"])
    with acting_user(user):
        Certificate.objects.bulk_create(certificates)
    return certificates


@transaction.atomic
def certificate_issue(*, user, nomination: Nomination, now: datetime.datetime | None = None) -> Certificate:
    """The certificate of a completed trainee: issued once; asked again, the same certificate."""
    nomination = (
        Nomination.objects.select_for_update(of=("self",)).select_related("programme__organiser").get(pk=nomination.pk)
    )
    programme = nomination.programme
    check_manages(user, programme.organiser)
    existing = nomination.certificates.first()
    if existing is not None:
        return existing
    if nomination.status != NominationStatus.NOMINATED or not nomination.completed:
        raise ApplicationError(f"{nomination.trainee_name}未结业，不能颁发结业证书。")
    return _issue(user=user, programme=programme, nominations=[nomination], now=now or timezone.now())[0]


@transaction.atomic
def certificates_issue(*, user, programme: Programme, now: datetime.datetime | None = None) -> list[Certificate]:
    """Certificates for every completed trainee of the programme who has none yet (the batch
    print), numbered in the order of the trainees' names; returns the new ones."""
    programme = Programme.objects.select_related("organiser").get(pk=programme.pk)
    check_manages(user, programme.organiser)
    nominations = list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(programme=programme, status=NominationStatus.NOMINATED, completed=True, certificates__isnull=True)
        .order_by("trainee_name", "pk")
    )
    if not nominations:
        return []
    return _issue(user=user, programme=programme, nominations=nominations, now=now or timezone.now())
