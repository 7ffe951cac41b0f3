"""Writes of the branches app, one module per area; import from here."""

from .enterprises import enterprise_archive, enterprise_register, enterprise_update
from .meetings import meeting_record, rating_record
from .orgunits import ALLOWED_CHILD_KINDS, CORRECTABLE_FIELDS, orgunit_create, orgunit_update
from .reminders import compliance_reminders_send
from .unions import (
    approval_number_next,
    approval_opinion_default,
    officer_add,
    subcommittee_add,
    term_end_for,
    union_approve,
    union_archive,
    union_decision_refusal,
    union_election_record,
    union_may_decide,
    union_new_term,
    union_register,
    union_reject,
    unions_user_may_decide,
)

__all__ = [
    "ALLOWED_CHILD_KINDS",
    "approval_number_next",
    "approval_opinion_default",
    "CORRECTABLE_FIELDS",
    "compliance_reminders_send",
    "enterprise_archive",
    "enterprise_register",
    "enterprise_update",
    "meeting_record",
    "officer_add",
    "orgunit_create",
    "orgunit_update",
    "rating_record",
    "subcommittee_add",
    "term_end_for",
    "union_approve",
    "union_archive",
    "union_decision_refusal",
    "union_election_record",
    "union_may_decide",
    "unions_user_may_decide",
    "union_new_term",
    "union_register",
    "union_reject",
]
