"""Writes of the training app: `from apps.training.services import nomination_create`.

programmes: programmes, their sessions and the townships' quotas; nominations: places and the
waiting list (under the programme's row lock); attendance: 签到 and completion by the programme's
rule; certificates: 结业证书 numbers drawn once from the shared serials.
"""

from .attendance import *  # noqa: F403
from .certificates import *  # noqa: F403
from .nominations import *  # noqa: F403
from .programmes import *  # noqa: F403
