"""The call's deadline on every socket operation of a `Cal` that owns its HTTP client.

httpx gives each read its own timeout, so a server that drips the status line
and headers a byte at a time never trips one, and a blocking `send` cannot be
interrupted from outside. Wrapping httpcore's network backend makes every
connect, TLS handshake, read and write wait at most until the deadline of the
call in progress (set by the sync driver, `Cal._run`, for the thread it runs
in). The async client cancels at the deadline instead and needs none of this.

A client passed as `http_client=` is left as it is (its transport is the
caller's); there the deadline is checked between the reads of a body.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

from ._retry import Deadline

# The deadline of the call this thread is sending or reading for (Cal._run sets it).
current: ContextVar[Deadline | None] = ContextVar("calcom_call_deadline", default=None)


def _bounded(timeout: float | None) -> float | None:
    deadline = current.get()
    left = None if deadline is None else deadline.remaining()
    if left is None:
        return timeout
    left = max(left, 0.001)  # 0 would mean "do not wait" to a socket: time out now
    return left if timeout is None or timeout > left else timeout


class _Stream(httpcore.NetworkStream):
    __slots__ = ("_stream",)

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _bounded(timeout), local_address, socket_options
        )
        return _Stream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._backend.connect_unix_socket(path, _bounded(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def bound_by_deadline(client: httpx.Client) -> bool:
    """Wrap the network backend of a client this package created. httpx has no
    public hook for it, so this reaches into its transport; if a future httpx
    lays it out differently, nothing is wrapped (False) and the deadline is
    still checked between the reads of a body."""
    pools = [getattr(client, "_transport", None)]
    pools += list(getattr(client, "_mounts", {}).values())
    wrapped = False
    for transport in pools:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend) and not isinstance(backend, _Backend):
            pool._network_backend = _Backend(backend)  # type: ignore[union-attr]
            wrapped = True
    return wrapped
