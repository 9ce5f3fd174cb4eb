"""The admin's limits on how often the companion polls Slurm (``c.HpcConfig.min_poll_interval``, …).

Passed to the companion in its config as ``limits`` (protocol/poll.ts ``PollLimits``); the
companion clamps the users' own setting to them and refuses all users' jobs when they are off.
Defaults come from protocol/poll.ts through ``protocol.json``.
"""

from __future__ import annotations

from typing import Any

from traitlets import Bool, Float, Unicode
from traitlets.config import Configurable

from ..protocol import POLL_LIMIT_DEFAULTS


class PollLimits(Configurable):
    """Mixed into HpcConfig: the traits are set as ``c.HpcConfig.<name>``."""

    min_poll_interval = Float(
        POLL_LIMIT_DEFAULTS["minPollInterval"],
        help="Seconds: the shortest interval between polls of a user's own jobs (squeue --user, "
        "filtered inside slurmctld). A user's refresh setting below it is raised to it.",
    ).tag(config=True)

    min_all_users_interval = Float(
        POLL_LIMIT_DEFAULTS["minAllUsersInterval"],
        help="Seconds: the shortest interval between polls of every user's jobs (a full-queue squeue), "
        "which run only while someone shows all users.",
    ).tag(config=True)

    allow_all_users = Bool(
        POLL_LIMIT_DEFAULTS["allowAllUsers"],
        help="False: no view of all users' jobs (the sidebar's checkbox is gone, REST and "
        "WebSocket requests answer 403 with all_users_disabled_reason), e.g. with PrivateData=jobs.",
    ).tag(config=True)

    all_users_disabled_reason = Unicode(
        POLL_LIMIT_DEFAULTS["allUsersDisabledReason"],
        help="Why all users' jobs are not shown, in words users read (with allow_all_users = False).",
    ).tag(config=True)

    def limits_config(self) -> dict[str, Any]:
        """The ``limits`` entry of the companion's CONFIG.json (camelCase keys)."""
        return {
            "minPollInterval": self.min_poll_interval,
            "minAllUsersInterval": self.min_all_users_interval,
            "allowAllUsers": self.allow_all_users,
            "allUsersDisabledReason": self.all_users_disabled_reason,
        }
