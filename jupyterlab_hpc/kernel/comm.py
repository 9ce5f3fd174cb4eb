"""Kernel side of the ``jupyterlab-hpc`` comm: the Lab sidebar and the magics share one brain.
Runs in the kernel.

Direction: the kernel opens the comm (``comm_open`` to the target ``jupyterlab-hpc`` that the
Lab registers on every notebook kernel), which works in JupyterLab 4 with any kernel that has
loaded the extension. The kernel also registers the same target, so a frontend that lost the
kernel's comm (a reloaded page) may open one itself.

The messages (kernel → Lab in ``comm_open`` and ``comm_msg`` data: hello, job-submitted,
set-started, set-connected, error; Lab → kernel: connect-set, ping) are defined in
protocol/comm.ts; their type names reach this module through protocol.json.
"""

from __future__ import annotations

import contextlib
import keyword
import os
import sys
import threading
from typing import Any, Callable, Optional

from .. import __version__
from ..protocol import COMM_PROTOCOL, COMM_TARGET, KERNEL_EVENTS, LAB_MESSAGES
from .client import HpcError, one_line
from .session import HpcSession
from .set_clients import count_workers, describe_client

TARGET = COMM_TARGET
PROTOCOL = COMM_PROTOCOL
DEFAULT_VARIABLES = {"ipyparallel": "rc", "dask": "client"}


class KernelBridge:
    """The kernel's comms with Lab frontends; forwards the session's events to them."""

    def __init__(self, shell: Any, session: HpcSession) -> None:
        import comm

        self.shell = shell
        self.session = session
        self._comm_module = comm
        self._comms: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._running_cells = 0
        self._deferred: list[Callable[[], None]] = []
        session.subscribe(self.send)
        shell.events.register("pre_run_cell", self._pre_run_cell)
        shell.events.register("post_run_cell", self._post_run_cell)
        comm.get_comm_manager().register_target(TARGET, self._on_frontend_open)

    # -- lifecycle -------------------------------------------------------------------

    def hello_data(self) -> dict:
        return {"type": KERNEL_EVENTS["hello"], "protocol": PROTOCOL, "version": __version__, "pid": os.getpid()}

    def open(self) -> Any:
        """Open a comm to the Lab; its open message is the 'hello'."""
        c = self._comm_module.create_comm(target_name=TARGET, data=self.hello_data())
        self._track(c)
        return c

    def close(self) -> None:
        """Undo everything (``%unload_ext``): comms closed, target and callbacks removed."""
        self.session.unsubscribe(self.send)
        for name, callback in (("pre_run_cell", self._pre_run_cell), ("post_run_cell", self._post_run_cell)):
            with contextlib.suppress(ValueError):
                self.shell.events.unregister(name, callback)
        manager = self._comm_module.get_comm_manager()
        if manager.targets.get(TARGET) == self._on_frontend_open:
            manager.unregister_target(TARGET, self._on_frontend_open)
        with self._lock:
            comms, self._comms = list(self._comms.values()), {}
        for c in comms:
            with contextlib.suppress(Exception):  # the kernel may be shutting down
                c.close()

    def _track(self, c: Any) -> None:
        c.on_msg(self._on_msg)
        c.on_close(lambda msg, comm_id=c.comm_id: self._forget(comm_id))
        with self._lock:
            self._comms[c.comm_id] = c

    def _forget(self, comm_id: str) -> None:
        with self._lock:
            self._comms.pop(comm_id, None)

    def _on_frontend_open(self, c: Any, msg: dict) -> None:
        self._track(c)
        c.send(self.hello_data())

    # -- kernel → Lab ----------------------------------------------------------------

    def send(self, event: dict) -> None:
        """Send an event to every Lab connected to this kernel.

        A Lab without the extension closes the comm; the next event opens a new one, so a
        frontend that registers the target later still hears about what follows.
        """
        with self._lock:
            comms = list(self._comms.values())
        if not comms:
            comms = [self.open()]
        for c in comms:
            c.send(event)

    # -- Lab → kernel ----------------------------------------------------------------

    def _on_msg(self, msg: dict) -> None:
        data = msg.get("content", {}).get("data") or {}
        kind = data.get("type")
        if kind == LAB_MESSAGES["connectSet"]:
            self._when_idle(lambda deferred: self._connect_set(data, deferred))
        elif kind == LAB_MESSAGES["ping"]:
            self.send(self.hello_data())

    def _pre_run_cell(self, info: Any = None) -> None:
        with self._lock:
            self._running_cells += 1

    def _post_run_cell(self, result: Any = None) -> None:
        with self._lock:
            self._running_cells = max(0, self._running_cells - 1)
            run = self._deferred if self._running_cells == 0 else []
            if run:
                self._deferred = []
        for action in run:
            action()

    def _when_idle(self, action: Callable[[bool], None]) -> None:
        """Run ``action`` now if no cell runs, else right after the running cell.

        On the main shell a comm message is only handled between cells anyway. JupyterLab
        (4.4+) sends comm messages through a subshell, and ipykernel routes a comm's messages
        to the subshell it last spoke from: then they arrive during a cell, and a variable
        must not change under a running cell.
        """
        with self._lock:
            busy = self._running_cells > 0 and threading.current_thread() is not threading.main_thread()
            if busy:
                self._deferred.append(lambda: action(True))
        if not busy:
            action(False)

    def _connect_set(self, data: dict, deferred: bool) -> None:
        set_id = str(data.get("setId") or "")
        request_id = data.get("requestId")
        reply: dict[str, Any] = {"setId": set_id}
        if request_id is not None:
            reply["requestId"] = request_id
        try:
            if not set_id:
                raise HpcError("connect-set needs a setId")
            record = self.session.get_set(set_id)
            kind = str(record.get("kind"))
            variable = str(data.get("variable") or DEFAULT_VARIABLES.get(kind, "client"))
            if not variable.isidentifier() or keyword.iskeyword(variable):
                raise HpcError(f"{variable!r} is not a valid Python variable name")
            client = self.session.connect(set_id, kind)
            self.shell.push({variable: client}, interactive=True)
            message = f"Defined {variable}: {describe_client(client)} of {kind} set {set_id} on {record.get('cluster')}"
            reply.update(
                type=KERNEL_EVENTS["setConnected"],
                variable=variable,
                kind=kind,
                cluster=record.get("cluster"),
                workers=count_workers(client),
                message=message,
            )
            if not deferred:  # deferred: stdout belongs to the cell that just ran
                print(message)
        except HpcError as e:
            reply.update(type=KERNEL_EVENTS["error"], request=LAB_MESSAGES["connectSet"], message=str(e))
        except Exception as e:  # anything else still ends as one line, never a silent failure
            reply.update(
                type=KERNEL_EVENTS["error"],
                request=LAB_MESSAGES["connectSet"],
                message=one_line(f"{type(e).__name__}: {e}"),
            )
        if reply["type"] == KERNEL_EVENTS["error"] and not deferred:
            print(f"jupyterlab-hpc: could not connect set {set_id or '?'}: {reply['message']}", file=sys.stderr)
        self.send(reply)


def attach(shell: Any, session: HpcSession) -> Optional[KernelBridge]:
    """A bridge for a kernel's shell, or None outside a kernel (terminal IPython)."""
    if getattr(shell, "kernel", None) is None:
        return None
    try:
        import comm  # noqa: F401  (ipykernel depends on it)
    except ImportError:
        return None
    return KernelBridge(shell, session)
