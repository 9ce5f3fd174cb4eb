"""The shapes every process shares, as Python reads them: ``protocol.json``, which the build
writes from the TypeScript definitions in ``protocol/`` (jobs.ts, records.ts, comm.ts, clusters.ts,
history.ts)
into this package.

Nothing here is written by hand: a job field, state or separator is changed in ``protocol/``
and reaches the companion, the Lab frontend and this module alike.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, TypedDict


class _JobFieldPlaces(TypedDict, total=False):
    queueColumn: dict[str, Any]
    notebookColumn: int


class JobField(_JobFieldPlaces):
    name: str
    spec: str
    label: str
    header: str
    freeText: bool


class JobColumn(TypedDict):
    key: str
    label: str
    header: str


class PartitionColumn(TypedDict):
    key: str
    header: str


def _load() -> dict[str, Any]:
    try:
        text = resources.files(__package__).joinpath("protocol.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ImportError("jupyterlab_hpc/protocol.json is missing: build the package (npm run build:lib)") from None
    data: dict[str, Any] = json.loads(text)
    return data


_PROTOCOL = _load()
_JOBS: dict[str, Any] = _PROTOCOL["jobs"]
_RECORDS: dict[str, Any] = _PROTOCOL["records"]
_POLL: dict[str, Any] = _PROTOCOL["poll"]
_COMM: dict[str, Any] = _PROTOCOL["comm"]
_CLUSTERS: dict[str, Any] = _PROTOCOL["clusters"]
_HISTORY: dict[str, Any] = _PROTOCOL["history"]

# protocol/jobs.ts
JOB_FIELDS: tuple[JobField, ...] = tuple(_JOBS["JOB_FIELDS"])
JOB_FIELD_NAMES: tuple[str, ...] = tuple(_JOBS["JOB_FIELD_NAMES"])
NONE_VALUES: frozenset[str] = frozenset(_JOBS["NONE_VALUES"])
STATE_CODES: dict[str, str] = dict(_JOBS["STATE_CODES"])
FINAL_STATES: frozenset[str] = frozenset(_JOBS["FINAL_STATES"])
ACTIVE_STATES: frozenset[str] = frozenset(_JOBS["ACTIVE_STATES"])
NOTEBOOK_JOB_COLUMNS: tuple[JobColumn, ...] = tuple(_JOBS["NOTEBOOK_JOB_COLUMNS"])
JOBS_MIME_TYPE: str = _JOBS["JOBS_MIME_TYPE"]
JOBS_MIME_VERSION: int = _JOBS["JOBS_MIME_VERSION"]

# protocol/records.ts
FIELD_SEP: str = _RECORDS["FIELD_SEP"]
RECORD_SEP: str = _RECORDS["RECORD_SEP"]
RECORD_END: str = _RECORDS["RECORD_END"]
RECORDS_CONTENT_TYPE: str = _RECORDS["RECORDS_CONTENT_TYPE"]

# protocol/poll.ts
POLL_LIMIT_DEFAULTS: dict[str, Any] = dict(_POLL["POLL_LIMIT_DEFAULTS"])
QUIET_MAX_INTERVAL: float = _POLL["QUIET_MAX_INTERVAL"]

# protocol/comm.ts
COMM_TARGET: str = _COMM["COMM_TARGET"]
COMM_PROTOCOL: int = _COMM["COMM_PROTOCOL"]
KERNEL_EVENTS: dict[str, str] = dict(_COMM["KERNEL_EVENTS"])
LAB_MESSAGES: dict[str, str] = dict(_COMM["LAB_MESSAGES"])

# protocol/clusters.ts
TRANSPORTS: tuple[str, ...] = tuple(_CLUSTERS["TRANSPORTS"])
CLUSTER_SCHEMA: dict[str, Any] = _CLUSTERS["CLUSTER_SCHEMA"]
CLUSTER_FIELDS: tuple[str, ...] = tuple(CLUSTER_SCHEMA["properties"])
PARTITION_COLUMNS: tuple[PartitionColumn, ...] = tuple(_CLUSTERS["PARTITION_COLUMNS"])

# protocol/history.ts
HISTORY_COLUMNS: tuple[JobColumn, ...] = tuple(_HISTORY["HISTORY_COLUMNS"])
NO_ACCOUNTING_MESSAGE: str = _HISTORY["NO_ACCOUNTING_MESSAGE"]
