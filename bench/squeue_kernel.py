"""Row 5 of the bench: `%squeue` in a real IPython kernel, driven over jupyter_client.

Started by bench/src/row5-magic.ts with the environment it prepared (an isolated
JUPYTER_CONFIG_DIR whose jupyter_server_config.json configures the `bench` cluster,
JUPYTER_RUNTIME_DIR and JUPYTERLAB_HPC_DATA_DIR), so the kernel's companion is its own.
A line protocol on stdin/stdout, one JSON object per line, so the harness can interleave
raw squeue runs between measured cells:

  start                  → {"ready": true, "warmupMs": ...}   kernel up, %load_ext, one %squeue
  assign                 → {"ms", "rows", "updatedAt"}   `jobs = %squeue ...` (no display)
  display                → {"ms", "rows", "updatedAt", "bytes"}   `%squeue ...` as the cell's
                           value: the HTML table and the jobs mime bundle built and sent, to the
                           execute_result on iopub and the execute_reply both received
  parts                  → {"http", "json", "magic", "html", "mime", ...}   the parts, timed
                           inside the kernel (once per size; not part of the ratio)
  stop                   → kernel shut down, its companion stopped; the driver exits

`ms` runs from sending the execute_request to receiving its execute_reply (and, for
`display`, the execute_result): what a user waits for after shift-enter, minus the Lab.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import signal
import sys
import time
from typing import Any

from jupyter_client.manager import KernelManager

CELL = "%squeue --cluster bench -a -t all"
# Evaluated in the kernel after the cell, returned in the execute_reply: proves each %squeue
# ran (and whether the companion polled squeue for it: its updatedAt changes).
EXPRESSIONS = {"rows": "len(_hpc_bench_jobs)", "updatedAt": "_hpc_bench_jobs.clusters[0].get('updatedAt')"}

PARTS = r"""
import json as _j, time as _t
from jupyterlab_hpc.kernel import magics as _m
from jupyterlab_hpc.kernel.display import html_table as _ht
_mg = _m._loaded[id(get_ipython())][0]
_api = _mg.session.api
_info = _api.info()
import urllib.request as _u
_p = {}
_t0 = _t.perf_counter()
_req = _u.Request(_info.url + "/api/clusters/bench/jobs?format=records&all=true", headers=dict(_info.headers))
from jupyterlab_hpc.kernel.client import _opener as _op
with _op.open(_req) as _r:
    _raw = _r.read()
_p["http"] = (_t.perf_counter() - _t0) * 1000
_p["bytes"] = len(_raw)
from jupyterlab_hpc.kernel.records import JobRecords as _JR
_t0 = _t.perf_counter(); _d = _JR(_raw.decode("utf-8"), "bench"); _p["decode"] = (_t.perf_counter() - _t0) * 1000
_t0 = _t.perf_counter(); _l = _mg.squeue("--cluster bench -a -t all"); _p["magic"] = (_t.perf_counter() - _t0) * 1000
_t0 = _t.perf_counter(); _rows = _l._rows(); _p["rowsPrep"] = (_t.perf_counter() - _t0) * 1000
_t0 = _t.perf_counter(); _h = _ht(_rows, _l._columns(), _l.caption(), "jp-Hpc-jobsTable", _l.notes()); _p["html"] = (_t.perf_counter() - _t0) * 1000
_p["htmlBytes"] = len(_h)
_t0 = _t.perf_counter(); _b = _l._repr_mimebundle_(); _p["bundle"] = (_t.perf_counter() - _t0) * 1000
_t0 = _t.perf_counter(); _s = _j.dumps(_b); _p["bundleJson"] = (_t.perf_counter() - _t0) * 1000
_p["bundleBytes"] = len(_s)
_hpc_bench_parts = _j.dumps(_p)
del _raw, _d, _l, _rows, _h, _b, _s
"""


def emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class Driver:
    def __init__(self) -> None:
        self.km = KernelManager(kernel_name="python3")
        self.kc: Any = None

    def start(self) -> dict:
        t0 = time.perf_counter()
        self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.execute("%load_ext jupyterlab_hpc", timeout=60)
        bundle = os.environ.get("HPC_BENCH_BUNDLE")
        if bundle:
            # the harness's copy of the companion under test (the tree's own bundle may be
            # rebuilt under us by others): the launcher the session would make, with main_js
            self.execute(
                "import os as _os\n"
                "from jupyterlab_hpc.kernel import magics as _m\n"
                "from jupyterlab_hpc.shared.config import load_hpc_config as _lc\n"
                "from jupyterlab_hpc.shared.launcher import Launcher as _L\n"
                "_m._loaded[id(get_ipython())][0].session.api._launcher = "
                f"_L(_lc(), parent_pid=_os.getpid(), main_js={bundle!r})",
                timeout=60,
            )
        # warm-up: starts the kernel's companion (and warms slurmctld), untimed
        self.execute(f"_hpc_bench_jobs = {CELL}", timeout=300)
        return {"ready": True, "warmupMs": (time.perf_counter() - t0) * 1000}

    def execute(self, code: str, timeout: float = 300, expressions: dict | None = None, display: bool = False) -> dict:
        assert self.kc is not None
        # drain what earlier cells left on iopub
        while self.kc.iopub_channel.msg_ready():
            self.kc.get_iopub_msg(timeout=1)
        t0 = time.perf_counter()
        msg_id = self.kc.execute(code, silent=False, store_history=False, user_expressions=expressions or {})
        reply = None
        result_bytes = None
        while reply is None:
            msg = self.kc.get_shell_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") == msg_id:
                reply = msg
        reply_ms = (time.perf_counter() - t0) * 1000
        ms = reply_ms
        if display:
            deadline = time.monotonic() + timeout
            while result_bytes is None:
                msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "execute_result":
                    ms = max(reply_ms, (time.perf_counter() - t0) * 1000)
                    result_bytes = sum(len(json.dumps(v)) for v in msg["content"]["data"].values())
                elif msg["msg_type"] == "error":
                    raise RuntimeError("\n".join(msg["content"]["traceback"]))
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError(f"{code!r}: {content.get('ename')}: {content.get('evalue')}")
        out = {"ms": ms, "replyMs": reply_ms}
        for key, value in content.get("user_expressions", {}).items():
            if value.get("status") != "ok":
                raise RuntimeError(f"user expression {key}: {value}")
            out[key] = ast.literal_eval(value["data"]["text/plain"])
        if result_bytes is not None:
            out["bytes"] = result_bytes
        return out

    def assign(self) -> dict:
        return self.execute(f"_hpc_bench_jobs = {CELL}", expressions=EXPRESSIONS)

    def display(self) -> dict:
        # the cell's value is displayed; `_` is the JobList afterwards
        out = self.execute(CELL, expressions={}, display=True)
        more = self.execute("_hpc_bench_jobs = _", expressions=EXPRESSIONS)
        out.update(rows=more["rows"], updatedAt=more["updatedAt"])
        return out

    def parts(self) -> dict:
        out = self.execute(PARTS, expressions={"p": "_hpc_bench_parts"})
        return json.loads(out["p"])

    def stop(self) -> None:
        companion_pid = None
        runtime = os.environ.get("JUPYTER_RUNTIME_DIR")
        if runtime:
            for name in os.listdir(runtime):
                if name.startswith("jupyterlab-hpc-") and name.endswith(".json") and not name.endswith("-config.json"):
                    try:
                        with open(os.path.join(runtime, name)) as f:
                            companion_pid = json.load(f).get("pid")
                    except (OSError, ValueError):
                        pass
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km.has_kernel:
            self.km.shutdown_kernel(now=False)
        # the companion follows its parent (the kernel) out by itself; do not leave it to that
        if isinstance(companion_pid, int):
            with contextlib.suppress(ProcessLookupError):
                os.kill(companion_pid, signal.SIGTERM)


def main() -> None:
    driver = Driver()
    try:
        for line in sys.stdin:
            command = line.strip()
            if not command:
                continue
            try:
                if command == "start":
                    emit(driver.start())
                elif command == "assign":
                    emit(driver.assign())
                elif command == "display":
                    emit(driver.display())
                elif command == "parts":
                    emit(driver.parts())
                elif command == "stop":
                    break
                else:
                    emit({"error": f"unknown command {command!r}"})
            except Exception as e:  # reported to the harness, which fails the row
                emit({"error": f"{type(e).__name__}: {e}"})
    finally:
        driver.stop()
        emit({"stopped": True})


if __name__ == "__main__":
    main()
