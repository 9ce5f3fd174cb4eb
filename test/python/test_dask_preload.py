"""The Dask preload's pure parts (server/src/sets/py/dask_preload.py, which runs in a set's
scheduler and workers). The dashboard and the workers route on a real scheduler are tested by
the set tests on the real Slurm (test/integration/sets.test.ts, test_dashboards.py)."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import dask
import pytest

PRELOAD = Path(__file__).resolve().parents[2] / "server" / "src" / "sets" / "py" / "dask_preload.py"
ROUTES = "distributed.scheduler.http.routes"


@pytest.fixture
def preload() -> Iterator[ModuleType]:
    with dask.config.set({ROUTES: ["distributed.http.scheduler.prometheus", "distributed.http.proxy"]}):
        spec = importlib.util.spec_from_file_location("hpc_dask_preload", PRELOAD)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module


def test_importing_it_takes_the_proxy_route_out(preload: ModuleType) -> None:
    # what a scheduler imports in its constructor, before it builds its HTTP routes
    assert dask.config.get(ROUTES) == ["distributed.http.scheduler.prometheus"]
    assert preload.safe_routes(["a", "distributed.http.proxy", "b"]) == ["a", "b"]


def test_changes_wake_a_waiting_reader_once_per_change(preload: ModuleType) -> None:
    async def scenario() -> list[int]:
        changes = preload.Changes()
        seen = []
        waiting = asyncio.ensure_future(asyncio.shield(changes.next))
        await asyncio.sleep(0)
        assert not waiting.done()
        changes.bump()
        await asyncio.wait_for(waiting, 1)
        seen.append(changes.version)
        changes.bump()
        changes.bump()  # two changes before the reader asks again: it sees the last version
        seen.append(changes.version)
        assert not changes.next.done()  # the next reader waits for a change still to come
        return seen

    assert asyncio.run(scenario()) == [1, 3]
