from .enterprises import Enterprise
from .organisation import Meeting, Officer, Rating, SubCommittee
from .orgunits import OrgUnit

__all__ = ["Enterprise", "Meeting", "Officer", "OrgUnit", "Rating", "SubCommittee"]
