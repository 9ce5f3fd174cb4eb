"""The set monitor's pure parts (server/src/sets/py/monitor.py, which runs in a set's head job).

Its work with a live Dask scheduler or IPyParallel controller is tested by the set tests on
the real Slurm (test/integration/sets*.test.ts, test_magics_sets.py).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

MONITOR = Path(__file__).resolve().parents[2] / "server" / "src" / "sets" / "py" / "monitor.py"


@pytest.fixture
def monitor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("hpc_set_monitor", MONITOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # importing runs nothing: main() takes the command line
    monkeypatch.setattr(module, "REQUESTS", str(tmp_path))
    return module


class Retirer:
    """A probe whose retire() answers as told (the request handling is what is tested)."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.asked: list[list[str]] = []

    def workers(self) -> list[dict]:
        return []

    def retire(self, names: list[str]) -> list[str]:
        self.asked.append(names)
        if self.fail:
            raise RuntimeError("engines did not stop")
        return names

    def close(self) -> None:
        pass


def test_worker_names_give_their_slurm_job(monitor: ModuleType) -> None:
    assert monitor.worker_entries(["123-0", "124_7-1", "tcp://10.0.0.1:4000"]) == [
        {"name": "123-0", "job": "123"},
        {"name": "124_7-1", "job": "124_7"},
        {"name": "tcp://10.0.0.1:4000", "job": None},
    ]


def test_dashboard_http_from_the_scheduler_file(monitor: ModuleType) -> None:
    info = {"address": "tls://10.1.2.3:8786", "services": {"dashboard": 8787}}
    assert monitor.dashboard_http(info) == ("10.1.2.3", 8787)
    assert monitor.dashboard_http({"address": "tcp://[fe80::1]:8786", "services": {"dashboard": 9}}) == ("fe80::1", 9)
    assert monitor.dashboard_http({"address": "tcp://node:8786", "services": {}}) is None  # no dashboard port yet
    assert monitor.dashboard_http({"address": "inproc://x", "services": {"dashboard": 1}}) is None


def test_requests_are_answered_once_and_removed(monitor: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "0001.json").write_text(json.dumps({"op": "retire", "names": ["5-0", 7]}))
    (tmp_path / "0002.json").write_text(json.dumps({"op": "reboot"}))
    (tmp_path / "0003.json").write_text("{not json")
    probe = Retirer()
    status: dict = {"responses": {}}
    assert monitor.handle_requests(probe, status) is True
    assert probe.asked == [["5-0", "7"]]  # names as strings
    assert status["responses"]["0001"] == {"ok": True, "retired": ["5-0", "7"]}
    assert status["responses"]["0002"] == {"ok": False, "error": "ValueError: unknown request 'reboot'"}
    assert status["responses"]["0003"]["ok"] is False
    assert list(tmp_path.iterdir()) == []
    assert monitor.handle_requests(probe, status) is False  # nothing left to do


def test_a_failed_retirement_is_an_answer_and_old_answers_go(monitor: ModuleType, tmp_path: Path) -> None:
    status: dict = {"responses": {f"{i:04d}": {"ok": True} for i in range(30)}}
    (tmp_path / "0100.json").write_text(json.dumps({"op": "retire", "names": ["1"]}))
    monitor.handle_requests(Retirer(fail=True), status)
    assert status["responses"]["0100"] == {"ok": False, "error": "RuntimeError: engines did not stop"}
    assert len(status["responses"]) == 20 and "0000" not in status["responses"]


def test_status_is_replaced_whole(monitor: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    monitor.write_json(str(path), {"v": 1, "workers": []})
    monitor.write_json(str(path), {"v": 1, "workers": [{"name": "1-0"}]})
    assert json.loads(path.read_text()) == {"v": 1, "workers": [{"name": "1-0"}]}
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]  # no temporary file left
