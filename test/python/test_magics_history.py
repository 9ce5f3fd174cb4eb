"""``%sacct`` in a real kernel against the real companion and the fixture's Slurm accounting:
the same jobs as sacct for the user, and the one-line notice on a cluster without accounting."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from magics_kernel import (  # noqa: F401  (cancel_after and kernel are fixtures: module-scoped here too)
    SLURM_CONF_LOCAL,
    HpcEnv,
    Kernel,
    cancel_after,
    kernel,
    make_env,
    needs_slurm,
    slurm,
    stop_companion,
    submitted_id,
    wait_until,
)

from jupyterlab_hpc.shared.launcher import default_main_js

SLURM_CONF_SCALE = os.environ.get("HPC_SLURM_CONF_SCALE")


@pytest.fixture(scope="module")
def hpc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HpcEnv]:
    """local (with accounting) and scale (the fixture's cluster without)."""
    if not default_main_js().is_file():
        pytest.fail(f"companion not built: {default_main_js()} (npm run build:companion)")
    clusters = [
        {"name": "local", "transport": "local", "env": {"SLURM_CONF": SLURM_CONF_LOCAL}},
        {"name": "scale", "transport": "local", "env": {"SLURM_CONF": SLURM_CONF_SCALE}},
    ]
    env = make_env(tmp_path_factory.mktemp("history"), {"clusters": clusters, "idle_timeout": 0})
    yield env
    stop_companion(env)


def sacct_jobs(*args: str) -> dict[str, tuple[str, str, int]]:
    """sacct's own answer for root (the kernel's user): job or task id → (state, exit, elapsed)."""
    out = slurm("sacct", "-n", "-P", "-X", "--user=root", "--format=JobID,State,ExitCode,ElapsedRaw", *args)
    rows = [line.split("|") for line in out.splitlines() if line]
    return {r[0]: (r[1].split(" ")[0], r[2], int(r[3])) for r in rows}


@needs_slurm
def test_sacct_returns_the_jobs_sacct_shows(kernel: Kernel, cancel_after: list[str]) -> None:
    job_id = submitted_id(kernel.ok("%%sbatch -p debug --job-name=hist-exit3\nexit 3\n"))
    cancel_after.append(job_id)
    # a time window finds a job a few seconds after `sacct -j` does (slurmdbd's own lag)
    wait_until(
        lambda: sacct_jobs("-S", "now-1hours").get(job_id, ("",))[0] == "FAILED", 60, f"job {job_id} FAILED in sacct"
    )

    before = sacct_jobs("-S", "now-1hours")
    ours = kernel.eval(
        "{j['id']: (j['state'], str(j['exitCode']) + ':' + str(j['signal']), j['elapsedSeconds']) for j in _v}",
        "%sacct -S now-1hours",
    )
    after = sacct_jobs("-S", "now-1hours")
    # other tests' jobs start and end meanwhile: every job sacct listed before is ours, every one
    # of ours is in sacct after, and each ended job reads the same
    assert set(before) <= set(ours) <= set(after)
    ended = {i: v for i, v in before.items() if v[0] not in ("PENDING", "RUNNING", "REQUEUED", "SUSPENDED")}
    assert {i: tuple(ours[i]) for i in ended} == ended
    assert ours[job_id][:2] == ["FAILED", "3:0"]

    # the dicts carry the efficiency, the table the sacct-like columns
    job = kernel.eval(f"[j for j in _v if j['id'] == {job_id!r}][0]")
    assert job["cluster"] == "local" and job["name"] == "hist-exit3" and "efficiency" in job
    table = kernel.ok(f"%sacct -j {job_id}").results[-1]
    assert "JOBID" in table["text/plain"] and "EXITCODE" in table["text/plain"] and "3:0" in table["text/plain"]
    assert "<table" in table["text/html"] and "hist-exit3" in table["text/html"]
    assert kernel.eval("[j['id'] for j in _v]", f"%sacct -j {job_id} -s F") == [job_id]
    # a state over a time window (sacct alone would end the window at its start: nothing)
    assert job_id in kernel.eval("[j['id'] for j in _v]", "%sacct -S now-1hours -s F")
    assert kernel.eval("[j['id'] for j in _v]", f"%sacct --name hist-exit3 -S now-1hours -j {job_id}") == [job_id]


@needs_slurm
def test_sacct_on_a_cluster_without_accounting_says_so_in_one_line(kernel: Kernel) -> None:
    run = kernel.ok("%sacct --cluster scale")
    text = run.results[-1]["text/plain"]
    assert text == "scale: Job history is not available: accounting is not enabled on this cluster."
    assert kernel.eval("len(_v)", "%sacct --cluster scale") == 0
