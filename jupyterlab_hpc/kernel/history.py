"""``%sacct``'s answer: the user's jobs from Slurm's accounting as a sequence of dicts for code
(one per job or array task, as the companion sent it: steps folded in, efficiency computed by
``protocol/history.ts``) and a table for people. Runs in the kernel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Optional

from ..protocol import HISTORY_COLUMNS
from .display import DISPLAY_ROWS, _LazyJobs, _Shown, html_table, text_table, visible

COLUMNS: Sequence[tuple[str, str]] = tuple((c["key"], c["header"]) for c in HISTORY_COLUMNS)


def _share(share: Optional[float]) -> str:
    """As the Lab shows it (protocol/history.ts formatShare): '7 %', '0.4 %'."""
    if share is None:
        return ""
    pct = share * 100
    return f"{round(pct, 1) if pct < 1 else round(pct)} %"


def _megabytes(mb: Optional[float]) -> str:
    """As protocol/history.ts formatMegabytes: '300 MB', '1.5 GB'."""
    if mb is None:
        return ""
    return f"{round(mb / 1024, 1):g} GB" if mb >= 1024 else f"{round(mb)} MB"


def _elapsed(seconds: int) -> str:
    days, rest = divmod(int(seconds), 86400)
    hms = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    return f"{days}-{hms}" if days else hms


def shown(job: Mapping[str, Any]) -> dict[str, Any]:
    """A job's table row: its members plus the shown forms of HISTORY_COLUMNS."""
    eff = job.get("efficiency") or {}
    code, signal = job.get("exitCode"), job.get("signal")
    return dict(
        job,
        exit="" if code is None else f"{code}:{signal}",
        elapsed=_elapsed(job.get("elapsedSeconds") or 0),
        cpuEfficiency=_share(eff.get("cpu")),
        memoryEfficiency=_share(eff.get("memory")),
        maxRss=_megabytes(job.get("maxRssMB")),
        reqMem=_megabytes(job.get("reqMemMB")),
        hint=eff.get("hint") or "",
    )


class HistoryList(_Shown, _LazyJobs):
    """The jobs ``%sacct`` found (array tasks one by one), each dict built when first asked
    for; ``notice`` is the one line of a cluster without accounting."""

    def __init__(self, reply: Mapping[str, Any], cluster: str) -> None:
        self.cluster = cluster
        self.query = dict(reply.get("query") or {})
        self.notice: Optional[str] = None if reply.get("accounting") else str(reply.get("message") or "")
        self._groups = [g["jobs"] for g in reply.get("groups") or () if g.get("jobs")]
        self._segments(len(jobs) for jobs in self._groups)

    def _build(self, segment: int, index: int) -> dict:
        return dict(self._groups[segment][index], cluster=self.cluster)

    def caption(self) -> str:
        what = f"{len(self)} job{'s' if len(self) != 1 else ''}"
        asked = ", ".join(f"{k}={v}" for k, v in self.query.items() if v)
        return visible(f"{what} in {self.cluster}'s accounting (your jobs{'; ' + asked if asked else ''})")

    def notes(self) -> list[str]:
        if len(self) > DISPLAY_ROWS:
            return [f"The first {DISPLAY_ROWS} of {len(self)} jobs are shown; the value holds them all."]
        return []

    def text(self) -> str:
        if self.notice is not None:
            return visible(f"{self.cluster}: {self.notice}")
        rows = [shown(j) for j in self[:DISPLAY_ROWS]]
        return "\n".join([self.caption(), text_table(rows, COLUMNS), *self.notes()])

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        if self.notice is not None:
            return {"text/plain": self.text()}
        rows = [shown(j) for j in self[:DISPLAY_ROWS]]
        return {
            "text/plain": self.text(),
            "text/html": html_table(rows, COLUMNS, self.caption(), "jp-Hpc-historyTable", self.notes()),
        }
