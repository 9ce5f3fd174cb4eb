"""The records encoding as the kernel decodes it, and the JobList built on it (no kernel needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_hpc.kernel.display import DISPLAY_ROWS, JOBS_MIME, JobList
from jupyterlab_hpc.kernel.records import JobRecords

# Real output of the local Slurm: arrays, a name with spaces and '|', a newline in a name, N/A, (null).
CAPTURED = (Path(__file__).parent.parent / "fixtures" / "slurm" / "squeue-mixed.txt").read_text()
# The companion's wire order (server/src/slurm/squeue.ts): free text (account, name, comment) last.
FIELDS = [
    "id",
    "jobId",
    "arrayJobId",
    "arrayTaskId",
    "user",
    "partition",
    "state",
    "reason",
    "elapsed",
    "timeLimit",
    "timeLeft",
    "nodes",
    "cpus",
    "nodeList",
    "submitTime",
    "startTime",
    "account",
    "name",
    "comment",
]


def encoded(text: str, **header: object) -> str:
    return json.dumps(dict(header, fields=FIELDS, none=["(null)", "N/A", "n/a", "(None)"])) + "\n" + text


def test_decodes_squeue_records_with_placeholders_made_empty() -> None:
    answer = JobRecords(encoded(CAPTURED, status="ok", version=2), "local")
    assert answer.header["status"] == "ok" and len(answer) == 7
    jobs = {answer.job(i)["id"]: answer.job(i) for i in range(len(answer))}
    assert jobs["4"]["name"] == "name with spaces | and, commas"
    assert jobs["6"]["name"] == "new\nline"
    assert jobs["1"]["account"] == "" and jobs["1"]["cluster"] == "local"
    assert jobs["3"]["startTime"] == ""


@pytest.mark.parametrize("text", ["no header line", '{"status": "ok"}\n', encoded("1\x1f2\x1e")])
def test_refuses_what_is_not_the_encoding(text: str) -> None:
    with pytest.raises(ValueError):
        JobRecords(text)


def test_a_record_of_another_width_is_an_error_when_read() -> None:
    answer = JobRecords(encoded("1\x1f2\x1e\n"))
    with pytest.raises(ValueError, match="2 fields, expected 19"):
        answer.job(0)


def big(n: int, cluster: str) -> JobRecords:
    row = "\x1f".join(
        ["{i}", "{i}", "N/A", "N/A", "job-{i}", "me", "(null)", "debug", "PENDING", "JobHeldUser"] + ["x"] * 9
    )
    return JobRecords(encoded("".join(row.format(i=i) + "\x1e\n" for i in range(n))), cluster)


def test_joblist_builds_a_job_only_when_asked_and_reads_like_a_list() -> None:
    jobs = JobList([big(3, "a"), big(0, "b"), big(2, "c")], {"all": True}, [{"name": n} for n in "abc"])
    assert len(jobs) == 5 and jobs._jobs == [None] * 5  # nothing split yet
    assert jobs[3] == dict(jobs[3]) and jobs[3]["cluster"] == "c" and jobs[3]["id"] == "0"
    assert jobs[-1]["id"] == "1" and jobs[0]["arrayJobId"] == ""
    assert [j["id"] for j in jobs[1:3]] == ["1", "2"]
    assert jobs == list(jobs) and [j["cluster"] for j in jobs] == ["a", "a", "a", "c", "c"]
    assert jobs[0] is jobs[0]  # built once
    with pytest.raises(IndexError):
        jobs[5]


def test_tables_show_the_first_rows_and_say_how_many_exist() -> None:
    n = DISPLAY_ROWS + 5
    jobs = JobList([big(n, "a")], {"all": True}, [{"name": "a"}])
    bundle = jobs._repr_mimebundle_()
    assert len(bundle[JOBS_MIME]["jobs"]) == DISPLAY_ROWS and bundle[JOBS_MIME]["total"] == n
    note = f"The first {DISPLAY_ROWS} of {n} jobs are shown"
    assert note in bundle["text/html"] and note in jobs.text()
    assert bundle["text/html"].count("<tr>") == DISPLAY_ROWS + 1  # and the header
    assert jobs.caption().startswith(f"{n} jobs on a")
