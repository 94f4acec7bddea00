"""Reading an answer's body: under a size cap and the call's deadline.

The send plan streams every answer (`stream=True`) and reads it here, chunk by
chunk, so a huge or endlessly dripping body is cut off instead of filling the
memory or holding the call past its deadline.
"""

from __future__ import annotations

import httpx

from ._retry import Deadline, DeadlineExceeded


class TooLarge(Exception):
    """Internal: the body passed the size cap while it was read."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class Body:
    """Collects a body chunk by chunk, under a size cap and the call's deadline."""

    __slots__ = ("chunks", "size", "limit", "deadline")

    def __init__(self, limit: int, deadline: Deadline) -> None:
        self.chunks: list[bytes] = []
        self.size = 0
        self.limit = limit
        self.deadline = deadline

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise TooLarge(self.size)
        self.chunks.append(chunk)
        if self.deadline.expired():
            raise DeadlineExceeded

    def refuse_announced(self, response: httpx.Response) -> None:
        """Raise TooLarge for a body whose announced size will not fit (before a byte
        is read)."""
        size = declared_too_large(response, self.limit)
        if size is not None:
            raise TooLarge(size)

    def keep(self, response: httpx.Response) -> None:
        # What Response.read() stores; set here because the body was read in chunks.
        response._content = b"".join(self.chunks)[: self.limit]


def declared_too_large(response: httpx.Response, limit: int) -> int | None:
    """The announced size of a body that will not fit (checked before reading a byte)."""
    declared = response.headers.get("content-length")
    if declared is None or not declared.isdigit() or "content-encoding" in response.headers:
        return None
    return int(declared) if int(declared) > limit else None


def read_body(response: httpx.Response, limit: int, deadline: Deadline, lenient: bool) -> None:
    """Read a streamed body under the cap and the deadline. `lenient` (error bodies):
    keep what arrived instead of raising."""
    if hasattr(response, "_content"):
        response.close()  # already in memory (a transport that answered with bytes)
        return
    body = Body(limit, deadline)
    try:
        if not lenient:
            body.refuse_announced(response)
        for chunk in response.iter_bytes():
            body.add(chunk)
    except Exception:
        body.keep(response)
        response.close()
        if lenient:
            return
        raise
    body.keep(response)


async def aread_body(
    response: httpx.Response, limit: int, deadline: Deadline, lenient: bool
) -> None:
    if hasattr(response, "_content"):
        await response.aclose()
        return
    body = Body(limit, deadline)
    try:
        if not lenient:
            body.refuse_announced(response)
        async for chunk in response.aiter_bytes():
            body.add(chunk)
    except Exception:
        body.keep(response)
        await response.aclose()
        if lenient:
            return
        raise
    except BaseException:
        # Cancelled (the deadline): the partial body stays readable.
        body.keep(response)
        await response.aclose()
        raise
    body.keep(response)
