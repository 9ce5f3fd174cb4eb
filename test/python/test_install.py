"""After `pip install` of the built wheel, Jupyter sees both extensions.

The install itself is done by the lead's test script. Locally, without an installed
distribution, these tests skip; set JUPYTERLAB_HPC_REQUIRE_INSTALLED=1 (the full suite
does) to make a missing install a failure instead.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ANSI = re.compile(r"\x1b\[[0-9;]*m")
JUPYTER = str(Path(sys.executable).with_name("jupyter"))


@pytest.fixture(autouse=True)
def require_installed() -> None:
    try:
        importlib.metadata.distribution("jupyterlab_hpc")
    except importlib.metadata.PackageNotFoundError:
        if os.environ.get("JUPYTERLAB_HPC_REQUIRE_INSTALLED") == "1":
            pytest.fail("jupyterlab_hpc is not installed (pip install the built wheel first)")
        pytest.skip("jupyterlab_hpc is not installed; set JUPYTERLAB_HPC_REQUIRE_INSTALLED=1 to require it")


def jupyter(tmp_path: Path, *args: str) -> str:
    """Run the jupyter CLI isolated from the user's config, return its output sans colours."""
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_DATA_DIR=str(tmp_path / "data"))
    env.pop("PYTHONPATH", None)  # see the installed package, not a source tree
    out = subprocess.run(
        [JUPYTER, *args],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return ANSI.sub("", out.stdout + out.stderr)


def test_labextension_is_prebuilt_and_enabled(tmp_path: Path) -> None:
    out = jupyter(tmp_path, "labextension", "list")
    assert re.search(r"jupyterlab-hpc v\S+ enabled OK \(python, jupyterlab_hpc\)", out), out


def test_server_extension_is_enabled(tmp_path: Path) -> None:
    out = jupyter(tmp_path, "server", "extension", "list")
    assert re.search(r"^\s*jupyterlab_hpc enabled\s*$", out, re.M), out
    assert re.search(r"^\s*jupyterlab_hpc \S+ OK\s*$", out, re.M), out  # imported and validated
