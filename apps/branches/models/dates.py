"""How far back and ahead each date of the branches app may plausibly lie (apps.core.dates).

The database holds every one of them to the fixed 1900-2099 window; these validators narrow it
per field, relative to today, in every form (model and plain), every service (`full_clean()`)
and the admin. An upper bound relative to today only widens as time passes, so a row once
valid stays valid.
"""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator

from apps.core.dates import DB_EARLIEST, PlausibleDateValidator

# A term starts at an election, recorded when held or up to a year before the new term begins.
TERM_START_DAYS_AHEAD = 366
# A term is 3 or 5 years (工会法): it ends at most five years after a start a year ahead.
TERM_END_DAYS_AHEAD = TERM_START_DAYS_AHEAD + 5 * 366

# Unions and their sub-committees are recorded once they exist: founded not in the future;
# old unions (the network dates from the 1920s-1950s) are within the window.
FOUNDED_RANGE = PlausibleDateValidator(earliest=DB_EARLIEST, max_days_ahead=0)
ESTABLISHED_RANGE = PlausibleDateValidator(earliest=DB_EARLIEST, max_days_ahead=0)
TERM_START_RANGE = PlausibleDateValidator(earliest=DB_EARLIEST, max_days_ahead=TERM_START_DAYS_AHEAD)
TERM_END_RANGE = PlausibleDateValidator(earliest=DB_EARLIEST, max_days_ahead=TERM_END_DAYS_AHEAD)
# A meeting is recorded after it is held (a day of slack, as the database's own rule); the
# yearly rhythm the county checks is not older than the People's Republic's first unions law.
HELD_RANGE = PlausibleDateValidator(earliest=datetime.date(1950, 1, 1), max_days_ahead=1)
# Approvals, archiving, credit-code confirmations: set by a service to the moment it happens;
# imported unions carry approvals as old as the union itself.
RECORDED_RANGE = PlausibleDateValidator(earliest=DB_EARLIEST, max_days_ahead=0)
# A title is awarded for a year the database allows (1950-2100, its own constraint).
RATING_YEARS = [
    MinValueValidator(1950, message="年度不合理：应在 1950 年至 2100 年之间。"),
    MaxValueValidator(2100, message="年度不合理：应在 1950 年至 2100 年之间。"),
]
