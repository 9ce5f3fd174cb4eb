"""The records encoding as the kernel decodes it, and the JobList built on it (no kernel needed).

The golden files in test/fixtures/wire/ are decoded by test/unit/protocol-records.test.ts too:
answers captured from the real companion (capture.mjs), and encodings both decoders refuse.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_hpc.kernel.display import DISPLAY_ROWS, JOBS_MIME, JobList
from jupyterlab_hpc.kernel.records import JobRecords
from jupyterlab_hpc.protocol import FIELD_SEP, JOB_FIELD_NAMES, NONE_VALUES, RECORD_END

WIRE = Path(__file__).parent.parent / "fixtures" / "wire"
GOLDEN = sorted(WIRE.glob("*.records"))
REFUSED = sorted((WIRE / "refused").glob("*.records"))


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # as sent: no newline translation


def encoded(text: str, **header: object) -> str:
    return json.dumps(dict(header, fields=JOB_FIELD_NAMES, none=sorted(NONE_VALUES))) + "\n" + text


def test_there_are_golden_files() -> None:
    assert {p.name for p in GOLDEN} >= {"mixed.records", "filtered.records", "empty.records"}
    assert len(REFUSED) >= 5


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_decodes_every_golden_file_into_the_rows_the_companion_sent_as_json(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    answer = JobRecords(read(path))
    assert answer.header == expected["header"] and answer.fields == expected["header"]["fields"]
    assert len(answer) == len(expected["rows"])
    assert [list(answer.job(i).values()) for i in range(len(answer))] == expected["rows"]
    assert all(list(answer.job(i)) == answer.fields for i in range(len(answer)))


def test_free_text_is_data_and_placeholders_are_empty() -> None:
    answer = JobRecords(read(WIRE / "mixed.records"), "local")
    jobs = {answer.job(i)["name"]: answer.job(i) for i in range(len(answer))}
    assert {"name with spaces | and, commas", "two\nlines", "sep\u241fin\u241ename", "arr"} <= set(jobs)
    assert jobs["acct"]["account"] == "ac\u241fc" and jobs["acct"]["startTime"] == ""
    assert jobs["arr"]["arrayTaskId"] == "0-2" and jobs["arr"]["cluster"] == "local"


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.name)
def test_refuses_what_the_typescript_decoder_refuses(path: Path) -> None:
    with pytest.raises(ValueError):
        answer = JobRecords(read(path))
        for i in range(len(answer)):  # a record of another width is refused when read
            answer.job(i)


def test_a_record_of_another_width_is_an_error_when_read() -> None:
    answer = JobRecords(encoded("1" + FIELD_SEP + "2" + RECORD_END))
    with pytest.raises(ValueError, match=f"2 fields, expected {len(JOB_FIELD_NAMES)}"):
        answer.job(0)


def big(n: int, cluster: str) -> JobRecords:
    values = {"id": "{i}", "jobId": "{i}", "arrayJobId": "N/A", "arrayTaskId": "N/A", "name": "job-{i}"}
    row = FIELD_SEP.join(values.get(f, "x") for f in JOB_FIELD_NAMES)
    return JobRecords(encoded("".join(row.format(i=i) + RECORD_END for i in range(n))), cluster)


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
