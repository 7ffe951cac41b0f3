from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnitKind(models.TextChoices):
    PROVINCE = "province", _("Provincial federation of trade unions")
    CITY = "city", _("City federation of trade unions")
    COUNTY = "county", _("County federation of trade unions")
    TOWNSHIP = "township", _("Township union")
    ENTERPRISE = "enterprise", _("Enterprise union")
    VILLAGE = "village", _("Village union")
    JOINT = "joint", _("Joint union")
    REGIONAL = "regional", _("Regional union")
    INDUSTRY = "industry", _("Industry union")


# Kinds that are grassroots unions (基层工会): the leaves of the county's network.
GRASSROOTS_KINDS = frozenset(
    {OrgUnitKind.ENTERPRISE, OrgUnitKind.VILLAGE, OrgUnitKind.JOINT, OrgUnitKind.REGIONAL, OrgUnitKind.INDUSTRY}
)


# Kinds whose staff oversee several townships: their choice lists ask for a township first.
COUNTY_AND_ABOVE_KINDS = frozenset({OrgUnitKind.PROVINCE, OrgUnitKind.CITY, OrgUnitKind.COUNTY})


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    PRIVATE = "private", _("Private")
    FOREIGN = "foreign", _("Foreign-funded")
    HMT = "hmt", _("Hong Kong, Macao or Taiwan funded")
    INDIVIDUAL = "individual", _("Individual business")
    PUBLIC_INSTITUTION = "public_institution", _("Government or public institution")


class UnionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


class FormationForm(models.TextChoices):
    """工会法: 25 or more members form a committee; fewer may also choose an organiser."""

    COMMITTEE = "committee", _("Union committee")
    ORGANISER = "organiser", _("Union organiser")


# A grassroots union with 25 or more members must elect a committee.
COMMITTEE_REQUIRED_FROM_MEMBERS = 25
TERM_YEARS_CHOICES = [(3, _("3 years")), (5, _("5 years"))]


class SubCommitteeKind(models.TextChoices):
    WOMEN = "women", _("Women workers' committee")
    FUND_AUDIT = "fund_audit", _("Fund audit committee")
    MEDIATION = "mediation", _("Labour-dispute mediation committee")


class OfficerPosition(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    COMMITTEE_MEMBER = "member", _("Committee member")
    ORGANISER = "organiser", _("Organiser")
    FULL_TIME = "full_time", _("Full-time cadre")


# The positions an election (换届) fills; full-time cadres are staff, not elected.
ELECTED_POSITION_CHOICES = [
    (p.value, p.label)
    for p in (
        OfficerPosition.CHAIR,
        OfficerPosition.VICE_CHAIR,
        OfficerPosition.COMMITTEE_MEMBER,
        OfficerPosition.ORGANISER,
    )
]


class MeetingKind(models.TextChoices):
    WORKERS_CONGRESS = "workers_congress", _("Workers' congress")
    MEMBERS_ASSEMBLY = "members_assembly", _("Members' assembly")
    COMMITTEE = "committee", _("Union committee meeting")
    TOWNSHIP_ASSEMBLY = "township_assembly", _("Township union assembly")
    JOINT_MEETING = "joint_meeting", _("Party–government–union joint meeting")


# Kinds held by a township union itself, and the one held in an enterprise.
TOWNSHIP_MEETING_KINDS = frozenset({MeetingKind.TOWNSHIP_ASSEMBLY, MeetingKind.JOINT_MEETING})


class RatingTitle(models.TextChoices):
    MODEL_TOWNSHIP = "model_township", _("Qualified model township union")
    PROVINCIAL_TOP100 = "provincial_top100", _("Provincial top-100 model township union")
    WORKERS_HOME = "workers_home", _("Workers' home")
