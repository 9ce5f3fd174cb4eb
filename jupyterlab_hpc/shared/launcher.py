"""Find or start the per-host companion process (Node.js) that does the Slurm work.

Runs in both processes, the Jupyter server extension and kernels: whoever comes first starts
the companion, everyone else reuses it through its connection file in the Jupyter
runtime directory. A ``flock`` on a lock file beside it makes sure that two processes
never start two companions at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from .config import NODE_ENV_VAR, HpcConfig
from .process import NODE_FLAGS, companion_env, pid_alive

MIN_NODE_MAJOR = 18
HEALTH_TIMEOUT = 2.0  # seconds; a healthy companion answers at once
START_TIMEOUT = 15.0  # seconds to wait for a fresh companion's connection file
LOCK_TIMEOUT = 30.0  # longer than START_TIMEOUT: another process may be starting one
LOG_TAIL_LINES = 20
MAX_LOG_BYTES = 1_000_000  # the log is appended to; start over beyond this

log = logging.getLogger(__name__)

# The companion is on 127.0.0.1: never route health checks through an http_proxy.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class CompanionError(RuntimeError):
    """The companion could not be found or started.

    ``message`` is safe and useful to show to users; ``str()`` adds the companion's
    last log lines, for logs and kernels.
    """

    def __init__(self, message: str, log_tail: str = "") -> None:
        self.message = message
        self.log_tail = log_tail
        super().__init__(message + (f"\nLast lines of the companion log:\n{log_tail}" if log_tail else ""))


class NodeNotFoundError(CompanionError):
    """Node.js is missing, broken or too old."""


@dataclass(frozen=True)
class CompanionInfo:
    """Contents of a companion's connection file."""

    pid: int
    port: int
    url: str
    token: str
    hostname: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    @property
    def ws_url(self) -> str:
        return "ws" + self.url[len("http") :] if self.url.startswith("http") else self.url


def default_main_js() -> Path:
    """The bundled companion, built into the package by ``npm run build:companion``."""
    return Path(__file__).resolve().parent.parent / "companion" / "main.js"


def check_node(node: str) -> tuple[str, str]:
    """Return (path, version) of a usable Node.js, or raise NodeNotFoundError."""
    fix = (
        f"Install Node.js >= {MIN_NODE_MAJOR} or point the setting c.HpcConfig.node "
        f"(or the environment variable {NODE_ENV_VAR}) at a suitable node executable."
    )
    path = node if os.sep in node else shutil.which(node)
    if not path or not os.path.isfile(path):
        raise NodeNotFoundError(
            f"jupyterlab-hpc needs Node.js to run its companion process, but the node "
            f"executable {node!r} was not found. {fix}"
        )
    try:
        out = subprocess.run(
            [path, "--version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as e:
        raise NodeNotFoundError(f"Could not run the node executable {path!r} ({e}). {fix}") from e
    version = out.stdout.strip()
    match = re.match(r"v?(\d+)\.", version)
    if out.returncode != 0 or not match:
        raise NodeNotFoundError(
            f"{path!r} --version did not report a Node.js version "
            f"(exit code {out.returncode}, output {version or out.stderr.strip()!r}). {fix}"
        )
    if int(match.group(1)) < MIN_NODE_MAJOR:
        raise NodeNotFoundError(
            f"jupyterlab-hpc needs Node.js >= {MIN_NODE_MAJOR}, but {path} is version {version}. {fix}"
        )
    return path, version


def _write_private(path: Path, text: str) -> None:
    """Write a 0600 file atomically (tokens and cluster settings are private)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o600)  # in case a stale tmp file existed with other bits
    os.replace(tmp, path)


class Launcher:
    """Find-or-start for the companion of this host.

    The blocking API (``ensure``) suits kernels; servers call ``ensure_async``, which runs
    it in an executor so the event loop never waits on locks, processes or sockets.
    """

    def __init__(
        self,
        config: Optional[HpcConfig] = None,
        *,
        runtime_dir: Optional[str] = None,
        data_dir: Optional[str] = None,
        parent_pid: Optional[int] = None,
        main_js: Optional[os.PathLike | str] = None,
        logger: Optional[logging.Logger] = None,
    ) -> None:
        from jupyter_core.paths import jupyter_data_dir, jupyter_runtime_dir

        self.config = config if config is not None else HpcConfig()
        self.runtime_dir = Path(runtime_dir or jupyter_runtime_dir())
        # durable per-user state (set records, personal templates) outlives the runtime dir
        self.data_dir = Path(
            data_dir or os.environ.get("JUPYTERLAB_HPC_DATA_DIR") or Path(jupyter_data_dir()) / "jupyterlab-hpc"
        )
        self.parent_pid = parent_pid if parent_pid is not None else os.getpid()
        self.main_js = Path(main_js) if main_js else default_main_js()
        self.log = logger or log
        self.hostname = socket.gethostname()
        base = f"jupyterlab-hpc-{self.hostname}"
        self.connection_file = self.runtime_dir / f"{base}.json"
        self.lock_file = self.runtime_dir / f"{base}.lock"
        self.log_file = self.runtime_dir / f"{base}.log"
        self.config_file = self.runtime_dir / f"{base}-config.json"
        self._thread_lock = threading.Lock()
        self._proc: Optional[subprocess.Popen] = None

    # -- reading and validating ---------------------------------------------------

    def read_connection(self) -> Optional[CompanionInfo]:
        """The connection file's contents, if it exists and is for this host."""
        try:
            data = json.loads(self.connection_file.read_text())
            info = CompanionInfo(
                pid=int(data["pid"]),
                port=int(data["port"]),
                url=str(data["url"]),
                token=str(data["token"]),
                hostname=str(data["hostname"]),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as e:
            self.log.warning("Ignoring unreadable companion connection file %s: %s", self.connection_file, e)
            return None
        return info if info.hostname == self.hostname else None

    def is_healthy(self, info: CompanionInfo) -> bool:
        """The process lives and answers /api/health with our token within 2 s."""
        if not pid_alive(info.pid):
            return False
        request = urllib.request.Request(info.url + "/api/health", headers=info.headers)
        try:
            with _opener.open(request, timeout=HEALTH_TIMEOUT) as response:
                body = json.loads(response.read())
            # The pid check catches a port now used by another companion.
            return body.get("ok") is True and int(body.get("pid", info.pid)) == info.pid
        except (OSError, ValueError, AttributeError, TypeError) as e:  # URLError, timeouts, bad JSON
            self.log.debug("Companion pid %s failed its health check: %s", info.pid, e)
            return False

    def find(self) -> Optional[CompanionInfo]:
        """A running, healthy companion for this host, if there is one."""
        info = self.read_connection()
        return info if info and self.is_healthy(info) else None

    # -- starting -----------------------------------------------------------------

    def ensure(self) -> CompanionInfo:
        """Return a healthy companion, starting one if needed (blocking, ≤ ~30 s)."""
        with self._thread_lock:
            if self._proc is not None:
                self._proc.poll()  # reap our previous companion if it died
            self.runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            with self._file_lock():
                # Checked under the lock: another process may just have started one.
                info = self.find()
                if info:
                    return info
                return self._start()

    async def ensure_async(self) -> CompanionInfo:
        """``ensure`` for event loops: the blocking work runs in the default executor."""
        return await asyncio.get_running_loop().run_in_executor(None, self.ensure)

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + LOCK_TIMEOUT
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as e:
                    if e.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() > deadline:
                        raise CompanionError(
                            f"Timed out after {LOCK_TIMEOUT:.0f} s waiting for the lock {self.lock_file} "
                            "held by another process starting the jupyterlab-hpc companion."
                        ) from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # also releases the lock

    def _start(self) -> CompanionInfo:
        if not self.main_js.is_file():
            raise CompanionError(
                f"The jupyterlab-hpc companion is missing ({self.main_js}); the package was "
                "built without it. Reinstall jupyterlab_hpc, or run `npm run build:companion` "
                "in a development checkout."
            )
        node, version = check_node(self.config.node)
        self._stop_stale()
        _write_private(self.config_file, json.dumps(self.config.companion_config(), indent=2))

        argv = [
            node,
            *NODE_FLAGS,
            str(self.main_js),
            "--runtime-dir",
            str(self.runtime_dir),
            "--parent-pid",
            str(self.parent_pid),
            "--config",
            str(self.config_file),
            "--data-dir",
            str(self.data_dir),
            "--idle-timeout",  # always passed: the companion's own default is not 0
            str(max(self.config.idle_timeout, 0)),
        ]

        log_offset = self._prepare_log()
        with open(self.log_file, "a", encoding="utf-8") as logf:
            started = datetime.now(timezone.utc).isoformat(timespec="seconds")
            logf.write(f"--- {started} starting companion with Node.js {version} for pid {os.getpid()}\n")
            logf.flush()
            try:
                proc = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=logf,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a Ctrl-C to the parent must not kill it
                    close_fds=True,
                    # Dask/IPyParallel sets on a local cluster run this Python unless told otherwise
                    env=companion_env(os.environ),
                )
            except OSError as e:
                raise CompanionError(f"Could not start the jupyterlab-hpc companion with {node}: {e}") from e
        self._proc = proc
        self.log.info("Starting jupyterlab-hpc companion (pid %s), log: %s", proc.pid, self.log_file)
        return self._wait_for(proc, log_offset)

    def _wait_for(self, proc: subprocess.Popen, log_offset: int) -> CompanionInfo:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            code = proc.poll()
            if code is not None:
                raise CompanionError(
                    f"The jupyterlab-hpc companion exited during startup with code {code}; see {self.log_file}.",
                    self._log_tail(log_offset),
                )
            info = self.read_connection()
            if info and info.pid == proc.pid and self.is_healthy(info):
                self.log.info("jupyterlab-hpc companion pid %s listening on %s", info.pid, info.url)
                return info
            time.sleep(0.1)
        proc.terminate()
        raise CompanionError(
            f"The jupyterlab-hpc companion did not become ready within {START_TIMEOUT:.0f} s; see {self.log_file}.",
            self._log_tail(log_offset),
        )

    def _stop_stale(self) -> None:
        """Terminate a companion that is alive but failed its health check (hung).

        Only if the pid still runs our main.js, so a recycled pid is never signalled.
        """
        info = self.read_connection()
        if not info or not pid_alive(info.pid):
            return
        try:
            cmdline = Path(f"/proc/{info.pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return
        if str(self.main_js).encode() in cmdline:
            self.log.warning("Stopping unresponsive jupyterlab-hpc companion pid %s", info.pid)
            with contextlib.suppress(OSError):
                os.kill(info.pid, signal.SIGTERM)

    def _prepare_log(self) -> int:
        """Create the log (0600) or trim it when large; return the size before this start."""
        try:
            size = self.log_file.stat().st_size
        except FileNotFoundError:
            size = 0
        if size > MAX_LOG_BYTES:
            self.log_file.unlink()
            size = 0
        fd = os.open(self.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        return size

    def _log_tail(self, offset: int) -> str:
        try:
            with open(self.log_file, encoding="utf-8", errors="replace") as f:
                f.seek(offset)
                lines = f.read().splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-LOG_TAIL_LINES:])


def ensure_companion(config: Optional[HpcConfig] = None, **kwargs) -> CompanionInfo:
    """Convenience for kernels: find or start the companion with the Jupyter config."""
    if config is None:
        from .config import load_hpc_config

        config = load_hpc_config()
    return Launcher(config, **kwargs).ensure()
