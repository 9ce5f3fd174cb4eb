"""Rich displays of what the magics return: plain lists of dicts that render as tables.
Runs in the kernel.

``%squeue`` returns a ``JobList``: code gets a sequence of job dicts, and the notebook shows
a table as text, HTML and the JSON mime type ``application/vnd.jupyterlab-hpc.jobs+json``,
which the Lab extension may render as a live table (the query tells it what to watch).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional, Union, overload

from ..protocol import JOBS_MIME_TYPE as JOBS_MIME
from ..protocol import JOBS_MIME_VERSION, NOTEBOOK_JOB_COLUMNS, PARTITION_COLUMNS, STATE_CODES
from .records import JobRecords

# Rows a table shows (HTML, text, the mime bundle): a notebook keeps its outputs.
DISPLAY_ROWS = 1000

# (key in a job dict, header): squeue's default columns plus time left (protocol/jobs.ts); the
# key "where" is Slurm's NODELIST(REASON), made in JobList._rows.
JOB_COLUMNS: Sequence[tuple[str, str]] = tuple((c["key"], c["header"]) for c in NOTEBOOK_JOB_COLUMNS)

# (key, header) of %sinfo's tables: a partition's member or node count (protocol/clusters.ts).
SINFO_COLUMNS: Sequence[tuple[str, str]] = tuple((c["key"], c["header"]) for c in PARTITION_COLUMNS)

SET_COLUMNS: Sequence[tuple[str, str]] = (
    ("id", "SET"),
    ("kind", "KIND"),
    ("name", "NAME"),
    ("state", "STATE"),
    ("workers", "WORKERS"),
    ("why", "REASON"),
)


# C0 controls and DEL, C1 controls, and the bidirectional format characters that reorder
# the text around them: a job name (another user's) could otherwise break a table's rows,
# forge one (a newline), hide part of itself, or colour the output (ANSI escapes).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match) -> str:
    """The character made visible, as the Lab's tables show it (src/models/queue/visible.ts)."""
    code = ord(match.group())
    if code == 0x0A:
        return "\u2424"  # ␤
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode's Control Pictures: ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\u27e8U+{code:04X}\u27e9"  # ⟨U+202E⟩: no picture exists for the others


def visible(text: str) -> str:
    """``text`` with every invisible or layout-changing character shown as a visible glyph."""
    return _INVISIBLE.sub(_picture, text)


def _cell(value: Any) -> str:
    return "" if value is None else visible(str(value))


def text_table(rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """A fixed-width table like Slurm's own commands print."""
    body = [[_cell(row.get(key)) for key, _ in columns] for row in rows]
    widths = [max([len(header)] + [len(r[i]) for r in body]) for i, (_, header) in enumerate(columns)]
    lines = ["  ".join(h.ljust(w) for (_, h), w in zip(columns, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in body]
    return "\n".join(lines)


def html_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[tuple[str, str]],
    caption: str,
    css_class: str,
    notes: Sequence[str] = (),
) -> str:
    """An escaped HTML table: every value comes from Slurm or users, none is markup."""

    def esc(text: str) -> str:
        return html.escape(visible(text), quote=True)

    head = "".join(f"<th>{esc(h)}</th>" for _, h in columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(_cell(row.get(k)))}</td>" for k, _ in columns) + "</tr>" for row in rows)
    extra = "".join(f'<div class="jp-Hpc-tableNote">{esc(n)}</div>' for n in notes)
    return (
        f'<div class="{esc(css_class)}"><table><caption style="text-align:left">{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{extra}</div>"
    )


class _Shown:
    """Shown as a table: ``_repr_pretty_`` because IPython's list printer would otherwise
    win over the bundle's text/plain."""

    def text(self) -> str:
        raise NotImplementedError

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.text())

    # Here, not in subclasses: IPython would take a subclass's __repr__ over _repr_pretty_.
    def __repr__(self) -> str:  # short in logs and print(); indexing gives the dicts
        return f"<{type(self).__name__} of {len(self)}>"  # type: ignore[arg-type]


class _Table(_Shown, list):
    """A list shown as a table."""


def _with_cluster(columns: Sequence[tuple[str, str]], several: bool) -> Sequence[tuple[str, str]]:
    return ((("cluster", "CLUSTER"), *tuple(columns))) if several else columns


class _LazyJobs(Sequence[dict]):
    """Jobs in segments (a cluster's records, a history group), each job's dict built by
    ``_build(segment, index)`` when first asked for and kept."""

    def _segments(self, sizes: Iterable[int]) -> None:
        self._starts: list[int] = []
        total = 0
        for size in sizes:
            self._starts.append(total)
            total += size
        self._len = total
        self._jobs: list[Optional[dict]] = [None] * total

    def _build(self, segment: int, index: int) -> dict:
        raise NotImplementedError

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> dict: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[dict, list[dict]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._len))]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(f"{type(self).__name__} index out of range")
        job = self._jobs[index]
        if job is None:
            k = bisect.bisect_right(self._starts, index) - 1
            job = self._jobs[index] = self._build(k, index - self._starts[k])
        return job

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, type(self))):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class JobList(_Shown, _LazyJobs):
    """The jobs ``%squeue`` found: a sequence of dicts for code (``list(jobs)`` for a list),
    a table for people.

    ``answers`` are the clusters' records; a job's dict is built when first asked for, so a
    100k-job queue costs the kernel one split until code walks it. Tables show the first
    ``DISPLAY_ROWS`` jobs. ``query`` is what was asked (cluster, user, all, states),
    ``clusters`` the state of each cluster's poll (name, status, error, updatedAt).
    """

    def __init__(
        self, answers: Iterable[JobRecords], query: Mapping[str, Any], clusters: Sequence[Mapping[str, Any]]
    ) -> None:
        self._answers = [a for a in answers if len(a)]
        self._segments(len(a) for a in self._answers)
        self.query = dict(query)
        self.clusters = [dict(c) for c in clusters]

    def _build(self, segment: int, index: int) -> dict:
        return self._answers[segment].job(index)

    def _rows(self) -> list[dict]:
        # Slurm's NODELIST(REASON): the nodes of a running job, the reason of a waiting one.
        return [
            dict(j, where=j.get("nodeList") or (f"({j['reason']})" if j.get("reason") else ""))
            for j in self[:DISPLAY_ROWS]
        ]

    def caption(self) -> str:
        who = "all users" if self.query.get("all") else (self.query.get("user") or "your jobs")
        names = ", ".join(c["name"] for c in self.clusters)
        states = self.query.get("states")
        what = f"{len(self)} job{'s' if len(self) != 1 else ''}"
        return visible(f"{what} on {names} ({who}{'; ' + ','.join(states) if states else ''})")

    def notes(self) -> list[str]:
        notes = [visible(f"{c['name']}: {c['error']}") for c in self.clusters if c.get("error")]
        if len(self) > DISPLAY_ROWS:
            notes.append(f"The first {DISPLAY_ROWS} of {len(self)} jobs are shown; the value holds them all.")
        return notes

    def _columns(self) -> Sequence[tuple[str, str]]:
        return _with_cluster(JOB_COLUMNS, len(self.clusters) > 1)

    def text(self) -> str:
        return "\n".join([self.caption(), text_table(self._rows(), self._columns()), *self.notes()])

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {
            "text/html": html_table(self._rows(), self._columns(), self.caption(), "jp-Hpc-jobsTable", self.notes()),
            JOBS_MIME: {
                "version": JOBS_MIME_VERSION,
                "query": self.query,
                "clusters": self.clusters,
                "jobs": self[:DISPLAY_ROWS],
                "total": len(self),
            },
        }


class PartitionList(_Table):
    """``%sinfo``: one dict per partition (with its cluster), shown as a table."""

    def __init__(self, partitions: Iterable[dict], clusters: Sequence[Mapping[str, Any]]) -> None:
        super().__init__(partitions)
        self.clusters = [dict(c) for c in clusters]

    def _rows(self) -> list[dict]:
        return [dict(p, name=p["name"] + ("*" if p.get("default") else ""), **(p.get("nodes") or {})) for p in self]

    def notes(self) -> list[str]:
        return [visible(f"{c['name']}: {c['error']}") for c in self.clusters if c.get("error")]

    def text(self) -> str:
        return "\n".join([text_table(self._rows(), _with_cluster(SINFO_COLUMNS, True)), *self.notes()])

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        caption = "Partitions of " + ", ".join(c["name"] for c in self.clusters)
        columns = _with_cluster(SINFO_COLUMNS, True)
        return {"text/html": html_table(self._rows(), columns, caption, "jp-Hpc-partitionsTable", self.notes())}


class SetList(_Table):
    """``%ipcluster status`` / ``%dask status``: the set records, shown as a table."""

    def __init__(self, sets: Iterable[dict], caption: str) -> None:
        super().__init__(sets)
        self.caption = caption

    def _rows(self) -> list[dict]:
        from .session import set_reason

        rows = []
        for s in self:
            workers = s.get("workers") or {}
            if isinstance(workers, dict):
                workers = f"{workers.get('connected', '?')}/{workers.get('requested', '?')}"
            why = set_reason(s) if s.get("state") in ("pending", "ended") else ""
            rows.append(dict(s, workers=workers, why=why if why != s.get("state") else ""))
        return rows

    def text(self) -> str:
        if not self:
            return visible(f"{self.caption}: none")
        return "\n".join([visible(self.caption), text_table(self._rows(), _with_cluster(SET_COLUMNS, True))])

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        if not self:
            return {}
        columns = _with_cluster(SET_COLUMNS, True)
        return {"text/html": html_table(self._rows(), columns, self.caption, "jp-Hpc-setsTable")}


def job_state_filter(spec: Optional[str]) -> Optional[set[str]]:
    """``--state R,PD`` → {'RUNNING', 'PENDING'}; None shows every state ('all')."""
    if spec is None:
        return None
    states = {s.strip().upper() for s in spec.split(",") if s.strip()}
    if "ALL" in states:
        return None
    return {STATE_CODES.get(s, s) for s in states}
