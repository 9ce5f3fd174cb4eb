"""HpcConfig defaults and loading it from Jupyter config files without a server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from traitlets.config import Config

from jupyterlab_hpc import _jupyter_labextension_paths, _jupyter_server_extension_points
from jupyterlab_hpc.shared.config import HpcConfig, load_hpc_config


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUPYTERLAB_HPC_NODE", raising=False)
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    config = HpcConfig()
    assert config.clusters == [{"name": "local", "transport": "local"}]
    assert config.node == "node"
    assert (config.poll_interval, config.idle_timeout) == (5.0, 3600)
    # the shipped example centre templates, until an admin names their own
    [examples] = config.template_dirs
    shipped = sorted(p.name for p in Path(examples).glob("*.json"))
    assert shipped == ["mpi-application.json", "spark-standalone.json", "thalamus-analysis.json"]
    assert config.companion_config() == {
        "clusters": [{"name": "local", "transport": "local"}],
        "pollInterval": 5.0,
        "templateDirs": [examples],
        "limits": {
            "minPollInterval": 1.0,
            "minAllUsersInterval": 30.0,
            "allowAllUsers": True,
            "allUsersDisabledReason": "Your administrator has turned off the view of all users' jobs.",
        },
        "stopSetsOnExit": False,
    }


def test_sets_stop_with_a_server_jupyterhub_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Hub stops servers (culling, the user's Stop, the job's end): their sets end with them."""
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
    assert HpcConfig().companion_config()["stopSetsOnExit"] is True
    assert HpcConfig(config=Config({"HpcConfig": {"stop_sets_with_server": False}})).stop_sets_with_server is False


def test_load_from_config_files(tmp_path: Path) -> None:
    """Kernels read the server's settings: later dirs lose, .json beats .py in one dir."""
    user, system = tmp_path / "user", tmp_path / "system"
    user.mkdir()
    system.mkdir()
    (system / "jupyter_server_config.json").write_text(
        json.dumps({"HpcConfig": {"poll_interval": 30, "template_dirs": ["/site/templates"]}})
    )
    (user / "jupyter_server_config.py").write_text(
        "c.HpcConfig.clusters = [{'name': 'py', 'transport': 'local'}]\nc.HpcConfig.idle_timeout = 60\n"
    )
    (user / "jupyter_server_config.json").write_text(
        json.dumps({"HpcConfig": {"clusters": [{"name": "hpc", "transport": "ssh", "host": "login"}]}})
    )
    config = load_hpc_config([str(user), str(system)])
    assert config.clusters == [{"name": "hpc", "transport": "ssh", "host": "login"}]
    assert config.idle_timeout == 60
    assert config.poll_interval == 30
    assert config.template_dirs == ["/site/templates"]


def test_extension_points() -> None:
    assert _jupyter_labextension_paths() == [{"src": "labextension", "dest": "jupyterlab-hpc"}]
    assert _jupyter_server_extension_points() == [{"module": "jupyterlab_hpc"}]
