"""The demo notebook runs headless (`jupyter nbconvert --execute`), against real Slurm, with
no browser and no Jupyter server: the kernel's magics find or start the companion themselves."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from magics_kernel import JOBS_MIME, make_env, needs_slurm, squeue_ids, stop_companion

from jupyterlab_hpc.shared.launcher import default_main_js

NOTEBOOK = REPO / "examples" / "slurm-from-a-notebook.ipynb"


def outputs(nb: dict) -> list[dict]:
    return [o for cell in nb["cells"] if cell["cell_type"] == "code" for o in cell.get("outputs", [])]


def joined(data: dict) -> dict:
    """nbformat stores text as lists of lines."""
    return {k: "".join(v) if isinstance(v, list) else v for k, v in data.items()}


def text_of(output: dict) -> str:
    if output["output_type"] == "stream":
        return "".join(output["text"])
    return joined(output.get("data", {})).get("text/plain", "")


@needs_slurm
def test_demo_notebook_executes_headless(tmp_path: Path) -> None:
    if not default_main_js().is_file():
        pytest.fail(f"companion not built: {default_main_js()} (npm run build:companion)")
    hpc = make_env(tmp_path)
    shutil.copy(NOTEBOOK, hpc.work_dir / NOTEBOOK.name)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=300",
                "--output",
                "executed.ipynb",
                NOTEBOOK.name,
            ],
            cwd=hpc.work_dir,
            env=hpc.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    finally:
        stop_companion(hpc)  # it exits with its kernel anyway; be sure

    nb = json.loads((hpc.work_dir / "executed.ipynb").read_text())
    outs = outputs(nb)
    assert not [o for o in outs if o["output_type"] == "error"]
    printed = "".join(text_of(o) for o in outs)

    # Both submissions printed their job ids ...
    ids = re.findall(r"Submitted batch job (\d+) on local", printed)
    assert len(ids) == 2, printed
    hello_id, job_id = ids
    # ... and the %squeue --jobs table shows the second one, as HTML and as our JSON.
    tables = [joined(o["data"]) for o in outs if "data" in o and JOBS_MIME in o["data"]]
    assert tables, "no %squeue table in the outputs"
    first = tables[0]
    assert [j["id"] for j in first[JOBS_MIME]["jobs"]] == [job_id]
    assert job_id in first["text/html"] and "analysis" in first["text/html"]
    assert "<table" in first["text/html"]
    # the text table: the job's row has its name under NAME (columns as protocol/jobs.ts places them)
    lines = first["text/plain"].splitlines()
    name_at = next(line for line in lines if line.startswith("JOBID")).index(" NAME ") + 1
    row = next(line for line in lines if line.startswith(f"{job_id} "))
    assert row[name_at:].split()[0] == "analysis", first["text/plain"]

    # The IPyParallel part ran on two engines, then the set and the job were cleaned up.
    assert "Connected: ipyparallel.Client with 2 engines" in printed
    assert f"Cancelled {job_id} on local" in printed
    assert job_id not in squeue_ids("PD,R")
    # The %%sbatch job ran in the notebook's directory.
    out_file = hpc.work_dir / f"hello-{hello_id}.out"
    assert out_file.exists() or hello_id in squeue_ids()
