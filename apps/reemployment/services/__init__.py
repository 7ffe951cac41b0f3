"""Writes of the re-employment app: `from apps.reemployment.services import case_register`.

cases: registration, the help given (a placement at a base under the base year's row lock), the
outcome and closing; bases: bases, their yearly places; targets: the townships' yearly targets.
"""

from .bases import *  # noqa: F403
from .cases import *  # noqa: F403
from .targets import *  # noqa: F403
