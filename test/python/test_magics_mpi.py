"""%ipcluster start --mpi: the engines are the ranks of one MPI job (srun --mpi, mpi4py built against
Debian's Open MPI), in a real Slurm job; stopping the set leaves no job behind."""

from __future__ import annotations

from magics_kernel import (  # noqa: F401  (hpc and kernel are fixtures: module-scoped here too)
    HpcEnv,
    Kernel,
    hpc,
    kernel,
    needs_slurm,
    squeue_ids,
    wait_until,
)
from test_magics_sets import START, set_job_ids, started_set_id

pytestmark = needs_slurm


def test_ipcluster_engines_as_mpi_ranks(kernel: Kernel, hpc: HpcEnv) -> None:
    kernel.ok("rc = %ipcluster start -n 4 --mpi --time 10", timeout=START + 30)
    set_id = started_set_id(kernel, "ipyparallel")
    jobs = set_job_ids(hpc, set_id)
    try:
        assert hpc.api("GET", f"sets/{set_id}").json()["spec"]["mpi"] is True
        # engine i is rank i of one COMM_WORLD of 4: the ranks of one srun step, not 4 singletons
        assert kernel.eval("rc.ids") == [0, 1, 2, 3]
        ranks = kernel.eval("rc[:].apply_sync(lambda: __import__('mpi4py.MPI').MPI.COMM_WORLD.Get_rank())")
        assert ranks == [0, 1, 2, 3]
        sizes = kernel.eval("rc[:].apply_sync(lambda: __import__('mpi4py.MPI').MPI.COMM_WORLD.Get_size())")
        assert sizes == [4, 4, 4, 4]
        # and they talk MPI to each other: a sum over COMM_WORLD
        total = kernel.eval(
            "rc[:].apply_sync(lambda: __import__('mpi4py.MPI').MPI.COMM_WORLD.allreduce("
            "__import__('mpi4py.MPI').MPI.COMM_WORLD.Get_rank()))"
        )
        assert total == [6, 6, 6, 6]
    finally:
        kernel.ok(f"%ipcluster stop {set_id}", timeout=90)
    assert hpc.api("GET", f"sets/{set_id}").json()["state"] == "ended"
    wait_until(lambda: not (jobs & squeue_ids()), 30, f"the jobs {jobs} of the MPI set gone from squeue")
