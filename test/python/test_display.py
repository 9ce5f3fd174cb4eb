"""The magics' tables show other users' text as text: never markup, never a forged row."""

from __future__ import annotations

import re
from typing import cast

from jupyterlab_hpc.kernel.display import JobList, SetList, visible
from jupyterlab_hpc.kernel.records import JobRecords

HOSTILE = (
    "<script>alert('x')</script>\"&amp;\nx 99 debug forged root RUNNING\r\x1b[8mhidden\x1b[0m\x00\x7f\x85\u202eevil"
)


class Answer:
    """One cluster's jobs, as JobList reads them (records.JobRecords' len and job)."""

    def __init__(self, jobs: list[dict]) -> None:
        self.jobs = jobs

    def __len__(self) -> int:
        return len(self.jobs)

    def job(self, index: int) -> dict:
        return dict(self.jobs[index])


def hostile_jobs() -> JobList:
    jobs = [
        {"id": "7", "partition": "debug", "name": HOSTILE, "user": "hpcuser", "state": "PENDING", "reason": HOSTILE},
        {"id": "8", "partition": "debug", "name": "mine", "user": "root", "state": "RUNNING", "nodeList": "vm"},
    ]
    clusters = [{"name": "local", "status": "ok", "error": f"record refused: {HOSTILE}"}]
    return JobList([cast(JobRecords, Answer(jobs))], {"cluster": "local", "all": True, "user": HOSTILE}, clusters)


def test_visible_shows_every_invisible_or_layout_character() -> None:
    assert (
        visible("a\x1fb\x1ec\nd\te\x00\x7f\x85\u202ef") == "a\u241fb\u241ec\u2424d\u2409e\u2400\u2421⟨U+0085⟩⟨U+202E⟩f"
    )
    assert visible("plain ünïcode ✓") == "plain ünïcode ✓"
    assert visible(visible(HOSTILE)) == visible(HOSTILE)


def test_html_table_escapes_every_value() -> None:
    page = hostile_jobs()._repr_mimebundle_()["text/html"]
    text = re.sub(r"<(/?)(div|table|caption|thead|tbody|tr|th|td)( [^<>]*)?>", "", page)
    assert "<" not in text and ">" not in text, "no markup but the table's own"
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&quot;&amp;amp;" in page
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202e]", page), "no control or bidi character reaches the page"
    assert page.count("<tr>") == 3  # the header and two jobs: the newline forged nothing
    assert page.count('class="jp-Hpc-tableNote"') == 1


def test_text_table_keeps_one_line_per_job() -> None:
    jobs = hostile_jobs()
    lines = jobs.text().split("\n")
    assert len(lines) == 1 + 3 + 1  # caption, header and two jobs, the cluster's note
    assert not any(re.search("[\x00-\x1f\x7f-\x9f\u202e]", line) for line in lines)
    assert "\u2424x 99 debug forged" in lines[2] and "\u241b[8mhidden" in lines[2]
    assert lines[3].startswith("8 ")


def test_set_table_escapes_too() -> None:
    sets = SetList([{"id": "s1", "kind": "dask", "name": HOSTILE, "state": "running", "cluster": "local"}], "Sets\n")
    page = sets._repr_mimebundle_()["text/html"]
    assert "<script>" not in page and "&lt;script&gt;" in page and "\n" not in page
    assert len(sets.text().split("\n")) == 3


def test_every_field_protocol_places_in_squeue_tables_is_shown_with_its_value() -> None:
    """A field protocol/jobs.ts gives a notebookColumn shows in %squeue's text and HTML tables
    (read from protocol.json: no list of columns here or in display.py)."""
    from jupyterlab_hpc.protocol import JOB_FIELDS

    shown = [f for f in JOB_FIELDS if f.get("notebookColumn") is not None]
    assert len(shown) > 5
    job = {f["name"]: f"v-{f['name']}" for f in JOB_FIELDS}
    jobs = JobList([cast(JobRecords, Answer([job]))], {"cluster": "local"}, [{"name": "local", "status": "ok"}])
    header, row = jobs.text().splitlines()[1:3]
    html = jobs._repr_mimebundle_()["text/html"]
    for f in shown:
        assert f["header"] in header.split(), f["name"]
        assert f"v-{f['name']}" in row.split(), f["name"]
        assert f"<th>{f['header']}</th>" in html and f"<td>v-{f['name']}</td>" in html, f["name"]
