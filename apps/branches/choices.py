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


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    PRIVATE = "private", _("Private")
    FOREIGN = "foreign", _("Foreign-funded")
    HMT = "hmt", _("Hong Kong, Macao or Taiwan funded")
    INDIVIDUAL = "individual", _("Individual business")
    PUBLIC_INSTITUTION = "public_institution", _("Government or public institution")
