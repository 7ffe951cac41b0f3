"""Writes of the contracts app: `from apps.contracts.services import contract_sign`.

steps: the clock's steps a user records; documents: uploaded files; sweep: what the milestone
sweep does on its own (deemed in force, expired); register: contracts entered after the fact.
"""

from .documents import *  # noqa: F403
from .register import *  # noqa: F403
from .steps import *  # noqa: F403
from .sweep import *  # noqa: F403
