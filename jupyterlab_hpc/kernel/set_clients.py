"""Connected Python clients of running sets (runs in the kernel): ``ipyparallel.Client`` and
``distributed.Client``, imported only when a set is connected, to keep ``%load_ext`` light.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from typing import Any

from .client import HpcError

CONNECT_TIMEOUT = 30.0  # connecting a Python client to a running set
# A Dask client that lost its scheduler (the set reached its time limit, or was stopped) tries to
# reconnect for this long, then closes: its calls fail with an error instead of waiting 30 s.
DASK_RECONNECT_TIMEOUT = 8.0
COUNT_TIMEOUT = 10.0  # asking a Dask scheduler for its workers


def make_client(kind: str, info: Mapping[str, Any]) -> Any:
    """An ``ipyparallel.Client`` or ``distributed.Client`` from the set's connection info."""
    if kind == "ipyparallel":
        try:
            import ipyparallel
        except ImportError:
            raise HpcError("ipyparallel is not installed in this kernel's environment") from None
        client_file = info.get("clientFile") or info.get("path")
        if not client_file:
            raise HpcError("the set reported no ipcontroller client file")
        try:
            connection = dict(client_file) if isinstance(client_file, Mapping) else str(client_file)
            return ipyparallel.Client(connection, timeout=CONNECT_TIMEOUT)
        except Exception as e:  # zmq/ipyparallel raise many types; the user needs the message
            raise HpcError(f"could not connect to the ipyparallel controller: {e}") from None
    if kind == "dask":
        try:
            import distributed
        except ImportError:
            raise HpcError("distributed is not installed in this kernel's environment") from None
        address = info.get("address")
        if not address:
            raise HpcError("the set reported no Dask scheduler address")
        try:
            return _dask_client(distributed, str(address), dask_security(info))
        except Exception as e:
            raise HpcError(f"could not connect to the Dask scheduler at {address}: {e}") from None
    raise HpcError(f"unknown set kind {kind!r}")


def _dask_client(distributed: Any, address: str, security: Any) -> Any:
    """A client whose ``timeout`` (also how long it reconnects to a lost scheduler) is short; the
    first connection is still given CONNECT_TIMEOUT in all, by retrying."""
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while True:
        try:
            return distributed.Client(address, timeout=DASK_RECONNECT_TIMEOUT, security=security)
        except OSError:  # TimeoutError included
            if time.monotonic() + DASK_RECONNECT_TIMEOUT > deadline:
                raise


def dask_security(info: Mapping[str, Any]) -> Any:
    """The set's ``Security`` (mutual TLS with its own certificate), None for a plain tcp:// set.

    The companion hands the PEM contents to the owner's kernel through its authenticated API,
    so this works for a remote cluster too; distributed accepts contents in place of paths.
    """
    tls = info.get("tls")
    if not str(info.get("address", "")).startswith("tls://"):
        return None
    if not isinstance(tls, Mapping) or not all(isinstance(tls.get(k), str) for k in ("ca", "cert", "key")):
        raise HpcError("the set's scheduler speaks TLS but the companion gave no certificate for it")
    from distributed.security import Security

    return Security(
        require_encryption=True, tls_ca_file=tls["ca"], tls_client_cert=tls["cert"], tls_client_key=tls["key"]
    )


def count_workers(client: Any) -> int:
    """Engines of an ipyparallel Client, workers of a distributed Client."""
    try:
        if hasattr(client, "ids"):
            return len(client.ids)  # ipyparallel: local state, no round trip
        return len(client.nthreads(callback_timeout=COUNT_TIMEOUT))  # a dead scheduler must not hang us
    except Exception:  # a client whose controller went away: count nothing, the set state says why
        return 0


def wait_for_workers(client: Any, workers: int, timeout: float) -> bool:
    """Whether the client sees ``workers`` engines/workers within ``timeout`` seconds."""
    try:
        if hasattr(client, "ids"):
            client.wait_for_engines(workers, timeout=timeout)
        else:
            client.wait_for_workers(n_workers=workers, timeout=timeout)
    except Exception:  # TimeoutError, or a controller/scheduler that went away: the count says
        return count_workers(client) >= workers
    return True


def describe_client(client: Any) -> str:
    n = count_workers(client)
    if hasattr(client, "ids"):
        return f"ipyparallel.Client with {n} engine{'s' if n != 1 else ''}"
    return f"distributed.Client with {n} worker{'s' if n != 1 else ''}"


def is_usable(client: Any) -> bool:
    if hasattr(client, "ids"):
        return not getattr(client, "_closed", False)
    return getattr(client, "status", "closed") == "running"


def close_quietly(client: Any) -> None:
    with contextlib.suppress(Exception):
        client.close()
