"""Decodes the companion's records encoding (``protocol/records.ts``); runs in the kernel. The kernel's decoder,
tested with the TypeScript one on ``test/fixtures/wire/``.

A whole queue travels as one JSON header line (the poll's status, ``fields``, and ``none``:
Slurm's placeholders for "nothing"), then the jobs as squeue printed them: fields split by
FIELD_SEP, each record ended by RECORD_END. At 100k jobs, splitting the records is all the
kernel does up front; a job's dict is built when code or a table asks for it.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from ..protocol import FIELD_SEP, RECORD_END


class JobRecords:
    """One cluster's answer: its poll status and its jobs' raw records."""

    def __init__(self, text: str, cluster: Optional[str] = None) -> None:
        newline = text.find("\n")
        if newline < 0:
            raise ValueError("not a records answer: no header line")
        header = json.loads(text[:newline])
        if not isinstance(header, dict) or not isinstance(header.get("fields"), list):
            raise ValueError("not a records answer: the header has no fields")
        if len(text) > newline + 1 and not text.endswith(RECORD_END):
            raise ValueError("not a records answer: the last record is cut")
        self.header: dict[str, Any] = header
        self.fields: list[str] = [str(f) for f in header["fields"]]
        self._none = frozenset(header.get("none") or ())
        # split the whole text (no 14 MB copy of the body), then take the header off the first
        self._records = text.split(RECORD_END)
        self._records.pop()  # after the last RECORD_END (or the header, when there is no job)
        if self._records:
            self._records[0] = self._records[0][newline + 1 :]
        self.cluster = cluster

    def __len__(self) -> int:
        return len(self._records)

    def job(self, index: int) -> dict[str, str]:
        """The job at ``index`` as a dict of its fields (plus ``cluster`` when known)."""
        values = self._records[index].split(FIELD_SEP)
        if len(values) != len(self.fields):
            raise ValueError(f"a job record has {len(values)} fields, expected {len(self.fields)}")
        none = self._none
        job = {f: ("" if v in none else v) for f, v in zip(self.fields, values)}
        if self.cluster is not None:
            job["cluster"] = self.cluster
        return job
