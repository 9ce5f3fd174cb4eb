"""Launcher unit tests against fake_companion.js (fast; no Jupyter server)."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conftest import FAKE_COMPANION, REPO, kill_pid, node_env, wait_gone

from jupyterlab_hpc.shared import launcher as launcher_mod
from jupyterlab_hpc.shared import process
from jupyterlab_hpc.shared.config import HpcConfig
from jupyterlab_hpc.shared.launcher import CompanionError, Launcher, NodeNotFoundError, check_node
from jupyterlab_hpc.shared.process import pid_alive


@pytest.fixture
def runtime_dir(tmp_path: Path) -> Path:
    return tmp_path / "runtime"


@pytest.fixture
def make_launcher(runtime_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """Launchers of the fake companion; every companion they start is stopped afterwards."""
    monkeypatch.setenv("NODE_PATH", node_env()["NODE_PATH"])
    started: list[Launcher] = []

    def make(**kwargs) -> Launcher:
        kwargs.setdefault("main_js", FAKE_COMPANION)
        kwargs.setdefault("runtime_dir", str(runtime_dir))
        launcher = Launcher(kwargs.pop("config", None) or HpcConfig(), **kwargs)
        started.append(launcher)
        return launcher

    yield make
    for launcher in started:
        info = launcher.read_connection()
        if info:
            kill_pid(info.pid)
        if launcher._proc is not None and launcher._proc.poll() is None:
            kill_pid(launcher._proc.pid)
            launcher._proc.wait(5)


def fake_node(tmp_path: Path, version_line: str) -> Path:
    """An executable that answers --version like an old Node.js would."""
    path = tmp_path / "old-node"
    path.write_text(f"#!{sys.executable}\nprint({version_line!r})\n")
    path.chmod(0o755)
    return path


def test_start_writes_private_files_and_answers_with_token(make_launcher, runtime_dir: Path) -> None:
    config = HpcConfig(
        clusters=[{"name": "c1", "transport": "ssh", "host": "login1"}],
        poll_interval=7,
        idle_timeout=0,
        template_dirs=[],
    )
    info = make_launcher(config=config).ensure()

    host = socket.gethostname()
    assert stat.S_IMODE(runtime_dir.stat().st_mode) == 0o700
    for name in (f"jupyterlab-hpc-{host}.json", f"jupyterlab-hpc-{host}-config.json", f"jupyterlab-hpc-{host}.log"):
        assert stat.S_IMODE((runtime_dir / name).stat().st_mode) == 0o600, name

    assert requests.get(info.url + "/api/echo", timeout=5).status_code == 401
    echo = requests.get(info.url + "/api/echo", headers=info.headers, timeout=5).json()
    assert echo["config"] == {
        "clusters": [{"name": "c1", "transport": "ssh", "host": "login1"}],
        "pollInterval": 7.0,
        "templateDirs": [],
        "limits": config.limits_config(),
        "stopSetsOnExit": False,
    }
    assert echo["argv"]["parent-pid"] == str(os.getpid())
    assert echo["argv"]["idle-timeout"] == "0"  # always passed: the companion's default is not 0
    # memory settings for a process holding a 100k-job queue (issue 7), named for the companion to drop
    assert echo["execArgv"] == list(process.NODE_FLAGS)
    assert echo["mmapThreshold"] == "131072" and echo["onlyEnv"] == "MALLOC_MMAP_THRESHOLD_"


def test_companion_env_keeps_what_the_user_set() -> None:
    env = process.companion_env({"MALLOC_MMAP_THRESHOLD_": "65536", "PATH": "/bin"})
    assert env["MALLOC_MMAP_THRESHOLD_"] == "65536" and env["HPC_COMPANION_ONLY_ENV"] == ""
    assert env["PATH"] == "/bin" and env["HPC_SET_PYTHON"] == sys.executable
    assert process.companion_env({"HPC_SET_PYTHON": "/opt/py"})["HPC_SET_PYTHON"] == "/opt/py"


def test_second_launcher_reuses_running_companion(make_launcher) -> None:
    first = make_launcher().ensure()
    again = make_launcher().ensure()  # as another process would: fresh Launcher, same runtime dir
    assert again == first


def test_concurrent_processes_start_only_one_companion(make_launcher, runtime_dir: Path) -> None:
    """The flock: three processes racing to find-or-start end up sharing one companion."""
    code = textwrap.dedent(
        f"""
        import sys; sys.path.insert(0, {str(REPO)!r})
        from jupyterlab_hpc.shared.launcher import Launcher
        info = Launcher(runtime_dir={str(runtime_dir)!r}, main_js={str(FAKE_COMPANION)!r}, parent_pid={os.getpid()}).ensure()
        print(info.pid)
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=node_env())
        for _ in range(3)
    ]
    pids = {int(p.communicate(timeout=60)[0].strip()) for p in procs}
    make_launcher()  # so the fixture cleans the companion up
    assert len(pids) == 1
    log = (runtime_dir / f"jupyterlab-hpc-{socket.gethostname()}.log").read_text()
    assert log.count("starting companion") == 1


def test_dead_companion_is_replaced(make_launcher) -> None:
    launcher = make_launcher()
    first = launcher.ensure()
    os.kill(first.pid, 9)
    assert wait_gone(first.pid)  # our child: ensure() reaps it, pid_alive sees the zombie
    second = launcher.ensure()
    assert second.pid != first.pid and pid_alive(second.pid)


def test_connection_file_of_other_host_is_ignored(make_launcher, runtime_dir: Path) -> None:
    launcher = make_launcher()
    first = launcher.ensure()
    data = json.loads(launcher.connection_file.read_text())
    data["hostname"] = "some-other-node"
    launcher.connection_file.write_text(json.dumps(data))
    second = launcher.ensure()
    assert second.pid != first.pid
    kill_pid(first.pid)


def test_alive_but_unreachable_companion_is_replaced(make_launcher) -> None:
    launcher = make_launcher()
    first = launcher.ensure()
    requests.post(first.url + "/api/stop-listening", headers=first.headers, timeout=5)
    second = launcher.ensure()
    assert second.pid != first.pid
    kill_pid(first.pid)  # not main.js, so the launcher left it alone (recycled-pid safety)


def test_crash_at_startup_reports_log_lines(make_launcher, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_COMPANION_MODE", "crash")
    with pytest.raises(CompanionError) as err:
        make_launcher().ensure()
    assert "exited during startup with code 3" in err.value.message
    assert "simulated startup failure" in str(err.value)  # the log tail, for logs and kernels


def test_startup_timeout(make_launcher, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_COMPANION_MODE", "silent")
    monkeypatch.setattr(launcher_mod, "START_TIMEOUT", 1.5)
    launcher = make_launcher()
    with pytest.raises(CompanionError, match="did not become ready"):
        launcher.ensure()
    assert launcher._proc is not None
    launcher._proc.wait(5)  # terminated by the launcher


def test_missing_companion_bundle(make_launcher, tmp_path: Path) -> None:
    with pytest.raises(CompanionError, match="npm run build:companion"):
        make_launcher(main_js=tmp_path / "nope" / "main.js").ensure()


def test_node_missing_is_a_clear_error(make_launcher, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-node")
    with pytest.raises(NodeNotFoundError) as err:
        make_launcher(config=HpcConfig(node=missing)).ensure()
    message = err.value.message
    assert missing in message and "was not found" in message
    assert "c.HpcConfig.node" in message and "JUPYTERLAB_HPC_NODE" in message


def test_node_not_on_path_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NodeNotFoundError, match=r"'node' was not found.*c\.HpcConfig\.node"):
        check_node("node")


def test_old_node_is_a_clear_error(make_launcher, tmp_path: Path) -> None:
    old = fake_node(tmp_path, "v16.20.2")
    with pytest.raises(NodeNotFoundError) as err:
        make_launcher(config=HpcConfig(node=str(old))).ensure()
    message = err.value.message
    assert "Node.js >= 18" in message and "v16.20.2" in message and str(old) in message
    assert "c.HpcConfig.node" in message and "JUPYTERLAB_HPC_NODE" in message


def test_not_node_at_all_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NodeNotFoundError, match=r"did not report a Node\.js version"):
        check_node(str(fake_node(tmp_path, "Python 3.11")))


def test_node_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    old = fake_node(tmp_path, "v12.0.0")
    monkeypatch.setenv("JUPYTERLAB_HPC_NODE", str(old))
    assert HpcConfig().node == str(old)
    with pytest.raises(NodeNotFoundError, match=r"v12\.0\.0"):
        check_node(HpcConfig().node)


def test_kernel_style_use_reads_jupyter_config(make_launcher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ensure_companion() (for kernels) takes its settings from jupyter_server_config.json."""
    config_dir, runtime = tmp_path / "config", tmp_path / "rt"
    config_dir.mkdir()
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps({"HpcConfig": {"clusters": [{"name": "from-file", "transport": "local"}]}})
    )
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    info = launcher_mod.ensure_companion(main_js=FAKE_COMPANION)
    make_launcher(runtime_dir=str(runtime))  # so the fixture stops it
    echo = requests.get(info.url + "/api/echo", headers=info.headers, timeout=5).json()
    assert echo["config"]["clusters"] == [{"name": "from-file", "transport": "local"}]
    assert echo["argv"]["runtime-dir"] == str(runtime)
