from .enterprises import Enterprise
from .organisation import Election, Meeting, Officer, Rating, SubCommittee
from .orgunits import OrgUnit

__all__ = ["Election", "Enterprise", "Meeting", "Officer", "OrgUnit", "Rating", "SubCommittee"]
