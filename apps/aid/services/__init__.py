"""Writes of the hardship-aid app: `from apps.aid.services import file_open`.

files: opening, reviewing and closing a member's hardship file (the member's hardship flag follows
it, in the same transaction); records: aid given and its reversal; campaigns: campaigns and the
yearly thresholds.
"""

from .campaigns import *  # noqa: F403
from .files import *  # noqa: F403
from .records import *  # noqa: F403
