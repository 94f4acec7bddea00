"""A small real HTTP/1.1 server on 127.0.0.1 for the fault suite, on raw asyncio sockets.

It runs its own event loop in a thread (sync and async clients both use it),
answers scripted *actions* per route, and records every request it received
(`server.received`, `server.count("POST", "/v2/bookings")`). Actions work at the
byte level: reset a connection mid-body, hang, drip, send bad gzip, redirect to
the second port (`server.other`, which counts what reaches it), deep or huge JSON.

    server.route("GET", "/v2/me", reset_mid_body(), reply(json=ME))  # in order; the last repeats
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import _answers as answers
from _answers import ME as ME  # re-exported to the fault tests

API_KEY = "cal_test_f4ult5u1t3s3cr3t0123456789"
CLIENT_ID = "clfault0clientid"
CLIENT_SECRET = "sk-f4ult-cl13nt-s3cr3t-99a1"
ACCESS_TOKEN = "at-f4ult-0ld-acc3ss-77c1"
REFRESH_TOKEN = "rt-f4ult-0ld-r3fr3sh-55e2"
NEW_ACCESS_TOKEN = "at-f4ult-n3w-acc3ss-33f3"
NEW_REFRESH_TOKEN = "rt-f4ult-n3w-r3fr3sh-11a4"
SECRETS = (API_KEY, CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN, NEW_ACCESS_TOKEN, NEW_REFRESH_TOKEN)
PLATFORM_REFRESH = f"/v2/oauth/{CLIENT_ID}/refresh"

BOOKING_INPUT: dict[str, Any] = {
    "start": "2026-09-01T10:00:00Z",
    "eventTypeId": 11,
    "attendee": {"name": "Bob", "email": "bob@example.com", "timeZone": "UTC"},
}


def booking(uid: str, title: str) -> dict[str, Any]:
    """A booking (tests/_answers.py) with the given uid and title."""
    return answers.booking(0, id=1000, uid=uid, title=title)


def platform_tokens(expires_in: float = 3600, now: float | None = None) -> dict[str, Any]:
    import time

    expires = ((now or time.time()) + expires_in) * 1000
    return {
        "status": "success",
        "data": {
            "accessToken": NEW_ACCESS_TOKEN,
            "refreshToken": NEW_REFRESH_TOKEN,
            "accessTokenExpiresAt": expires,
        },
    }


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    connection: int

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Conn:
    """What an action may do with the connection the request came on."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    server: FaultServer

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    def reset(self) -> None:
        """Abort with a TCP RST (SO_LINGER 0), not a clean FIN."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


# An action answers one request; it returns False when the connection must close.
Action = Callable[[Conn, Received], Awaitable[bool]]


def head(status: int, headers: dict[str, str] | None = None, length: int | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} X"]
    all_headers = {"content-type": "application/json", **(headers or {})}
    if length is not None:
        all_headers["content-length"] = str(length)
    lines += [f"{name}: {value}" for name, value in all_headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def reply(
    status: int = 200,
    json_body: Any = None,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Action:
    """A complete answer (JSON unless `body` is given)."""

    async def act(conn: Conn, request: Received) -> bool:
        content = (
            body
            if body is not None
            else json.dumps(
                {"status": "success", "data": {}} if json_body is None else json_body
            ).encode()
        )
        await conn.send(head(status, headers, len(content)) + content)
        return True

    return act


def answer(make: Callable[[Received], tuple[int, Any]]) -> Action:
    """An answer computed from the request: `make(request) -> (status, json)`."""

    async def act(conn: Conn, request: Received) -> bool:
        status, payload = make(request)
        content = json.dumps(payload).encode()
        await conn.send(head(status, None, len(content)) + content)
        return True

    return act


def reset_mid_body(status: int = 200, sent: int = 20) -> Action:
    """Status and headers promise 1000 bytes; `sent` arrive, then a reset."""

    async def act(conn: Conn, request: Received) -> bool:
        await conn.send(head(status, None, 1000) + b'{"status": "success", "data": '[:sent])
        await asyncio.sleep(0.01)
        conn.reset()
        return False

    return act


def reset_before_answer() -> Action:
    """The request arrives; the connection is reset without a byte of answer."""

    async def act(conn: Conn, request: Received) -> bool:
        conn.reset()
        return False

    return act


def hang(seconds: float = 30.0) -> Action:
    """Read the request and say nothing (until the server stops)."""

    async def act(conn: Conn, request: Received) -> bool:
        try:
            await asyncio.wait_for(conn.server.stopping.wait(), seconds)
        except TimeoutError:
            pass
        return False

    return act


def drip(status: int = 200, every: float = 0.2, size: int = 200) -> Action:
    """A valid answer sent one byte every `every` seconds: no read ever times out."""

    async def act(conn: Conn, request: Received) -> bool:
        content = json.dumps(ME).encode().ljust(size)[:size] if size < 300 else b" " * size
        await conn.send(head(status, None, len(content)))
        for byte in content:
            if conn.server.stopping.is_set():
                return False
            await conn.send(bytes([byte]))
            await asyncio.sleep(every)
        return True

    return act


def drip_head(status: int = 200, every: float = 0.1) -> Action:
    """The status line and headers sent one byte every `every` seconds (then ME):
    httpx reads headers inside one blocking call, and no single read times out."""

    async def act(conn: Conn, request: Received) -> bool:
        content = json.dumps(ME).encode()
        for byte in head(status, None, len(content)):
            if conn.server.stopping.is_set():
                return False
            await conn.send(bytes([byte]))
            await asyncio.sleep(every)
        await conn.send(content)
        return True

    return act


def bad_gzip(status: int = 200) -> Action:
    async def act(conn: Conn, request: Received) -> bool:
        content = b"this is not gzip at all"
        await conn.send(head(status, {"content-encoding": "gzip"}, len(content)) + content)
        return True

    return act


def deep_json(status: int = 200, depth: int = 2000) -> Action:
    return reply(status, body=b"[" * depth + b"]" * depth)


def huge(status: int = 200, size: int = 4 * 1024 * 1024, declare: bool = True) -> Action:
    """A JSON string of `size` bytes, sent in 64 KiB chunks (chunked when not declared)."""

    async def act(conn: Conn, request: Received) -> bool:
        payload = b'{"message": "' + b"x" * (size - 16) + b'"}'
        if declare:
            await conn.send(head(status, None, len(payload)))
        else:
            await conn.send(head(status, {"transfer-encoding": "chunked"}))
        for start in range(0, len(payload), 65536):
            chunk = payload[start : start + 65536]
            try:
                if declare:
                    await conn.send(chunk)
                else:
                    await conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except (ConnectionError, OSError):
                return False
        if not declare:
            await conn.send(b"0\r\n\r\n")
        return True

    return act


def slow(action: Action, seconds: float) -> Action:
    """`action`, after `seconds` of silence."""

    async def act(conn: Conn, request: Received) -> bool:
        await asyncio.sleep(seconds)
        return await action(conn, request)

    return act


def redirect(status: int, location: str) -> Action:
    return reply(status, {"message": "moved"}, headers={"location": location})


@dataclass
class FaultServer:
    """Two listening ports: `port` (the API) and `other.port` (another origin)."""

    routes: dict[tuple[str, str], list[Action]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    port: int = 0
    other: FaultServer | None = None

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.stopping = asyncio.Event()
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # --- scripting ------------------------------------------------------------------

    def route(self, method: str, path: str, *actions: Action) -> FaultServer:
        self.routes[(method.upper(), path)] = list(actions)
        return self

    def count(self, method: str, path: str) -> int:
        with self.lock:
            return sum(1 for r in self.received if r.method == method and r.path == path)

    def sent(self, method: str, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.method == method and r.path == path]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- serving --------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.close()
            self._server = None
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _next_action(self, request: Received) -> Action:
        with self.lock:
            queue = self.routes.get((request.method, request.path))
            if not queue:
                return reply(404, {"statusCode": 404, "message": "not scripted"})
            return queue.pop(0) if len(queue) > 1 else queue[0]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self.lock:
            self.connections += 1
            number = self.connections
        conn = Conn(reader, writer, self)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while not self.stopping.is_set():
                try:
                    head_bytes = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
                    return
                request_line, *header_lines = head_bytes.decode("latin-1").split("\r\n")
                method, target, _ = request_line.split(" ", 2)
                headers = {}
                for line in header_lines:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                body = await reader.readexactly(length) if length else b""
                request = Received(method, target.split("?", 1)[0], headers, body, number)
                with self.lock:
                    self.received.append(request)
                keep = await self._next_action(request)(conn, request)
                if not keep or headers.get("connection") == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, OSError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            if not writer.transport.is_closing():
                writer.close()


class Servers:
    """The API server and another origin, served by one event loop in a thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.api = FaultServer()
        self.api.other = FaultServer()
        self.call(self.api.start())
        self.call(self.api.other.start())

    def call(self, coroutine: Awaitable[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(10)  # type: ignore[arg-type]

    def close(self) -> None:
        assert self.api.other is not None
        self.call(self.api.stop())
        self.call(self.api.other.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()
