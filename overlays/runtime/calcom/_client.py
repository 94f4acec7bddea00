"""`Cal` and `AsyncCal`: the entry points.

They own the HTTP client, the credentials and the policies (api versions,
retries, redirects, the deadline, timeouts, error mapping, strictness). The
namespaces (`cal.bookings`, …) are generated in calcom/_resources and created
on first access.

Every decision of a call is in calcom/_plan.py (a generator that yields I/O
steps); here are the two drivers that perform those steps, `Cal._run` with
blocking I/O and `AsyncCal._run` awaited, so the sync and async clients share
every decision. Bodies are read by calcom/_reading.py, the configuration is
checked by calcom/_config.py.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from . import _exceptions as exc
from ._arguments import check_timeout
from ._auth import Credentials, OnTokenRefresh, RefreshFlow, TokenPair
from ._config import checked_headers, clean_base_url
from ._deadline_io import bound_by_deadline
from ._deadline_io import current as _call_deadline
from ._endpoint import Operation, RequestOptions
from ._lenient import StrictParseError, strict_parsing
from ._plan import READ, REFRESH, SEND, SLEEP, Plan, Planner, RefreshAttempt
from ._reading import aread_body, read_body
from ._resources._root import AsyncRoot, Root
from ._retry import Deadline, DeadlineExceeded, RetryPolicy

if TYPE_CHECKING:
    # Imported where AsyncCal needs it: a sync program does not pay for asyncio.
    import asyncio

__all__ = [
    "Cal",
    "AsyncCal",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE_SIZE",
]

R = TypeVar("R")

DEFAULT_BASE_URL = "https://api.cal.com"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# A whole call (every attempt, wait, redirect and refresh) ends within this.
DEFAULT_DEADLINE = 90.0
# The largest answer read: the biggest Cal.com page (250 bookings) is ~300 KB.
DEFAULT_MAX_RESPONSE_SIZE = 16 * 1024 * 1024
# What an httpx client has when nobody set its timeout.
_HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)
USER_AGENT = "calcom-client-python/0.1.0"
# An empty 2xx answer (204, a DELETE's empty 200) parses as this envelope.
_EMPTY_SUCCESS = b'{"status": "success"}'


class _BaseClient(Planner):
    """What the sync and async clients share: configuration, request building and the plan."""

    _http: Any

    def __init__(
        self,
        *,
        api_key: str | None,
        access_token: str | None,
        refresh_token: str | None,
        token_expires_at: float | None,
        client_id: str | None,
        client_secret: str | None,
        refresh_flow: RefreshFlow,
        on_token_refresh: OnTokenRefresh | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | None,
        deadline: float | None,
        max_retries: int,
        max_response_size: int,
        api_versions: Mapping[str, str] | None,
        default_headers: Mapping[str, str] | None,
        strict: bool,
        sleep: Callable[[float], Any] | None,
        http_client: httpx.Client | httpx.AsyncClient | None,
    ) -> None:
        if api_key is None and access_token is None:
            api_key = os.environ.get("CAL_API_KEY") or None
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        if deadline is not None and not deadline > 0:
            raise ValueError(f"deadline must be a number of seconds > 0 or None, got {deadline}")
        if max_response_size <= 0:
            raise ValueError(f"max_response_size must be > 0, got {max_response_size}")
        tokens = None
        if access_token is not None:
            tokens = TokenPair(access_token, refresh_token, token_expires_at)
        self._credentials = Credentials(
            api_key=api_key,
            client_id=client_id,
            client_secret=client_secret,
            tokens=tokens,
            refresh_flow=refresh_flow,
            on_refresh=on_token_refresh,
        )
        if base_url is None:
            # An explicit "" is a mistake to report, not a wish for the default.
            base_url = os.environ.get("CAL_BASE_URL") or DEFAULT_BASE_URL
        self.base_url = clean_base_url(base_url)
        # Parsed request URLs: httpx parses a str URL on every request (a tenth of a
        # call's cost); an httpx.URL is reused as is. Bounded: ids make URLs vary.
        self._urls: dict[str, httpx.URL] = {}
        if timeout is None and http_client is not None:
            # An injected client's timeout is honoured when it was set on purpose.
            if http_client.timeout != _HTTPX_DEFAULT_TIMEOUT:
                timeout = http_client.timeout
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        check_timeout(self.timeout, f"{type(self).__name__}()")  # now, not at the first call
        self.deadline = deadline
        self.retry = RetryPolicy(max_retries=max_retries)
        self.max_response_size = max_response_size
        self.api_versions = dict(api_versions or {})
        self.default_headers = {"User-Agent": USER_AGENT, **checked_headers(default_headers)}
        self.strict = strict
        self._sleep = sleep
        self._handing_over = False

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, credentials={self._credentials!r})"
        )

    @property
    def credentials(self) -> Credentials:
        return self._credentials

    @property
    def tokens(self) -> TokenPair | None:
        """The current managed-user / OAuth2 tokens (rotated by refreshes)."""
        return self._credentials.tokens

    @property
    def pending_tokens(self) -> TokenPair | None:
        """A rotated pair `on_token_refresh` has not accepted yet (it raised): the
        client hands it over again before its next request. Persist it yourself
        if you are shutting down."""
        return self._credentials.pending

    def _parse(self, parse: Callable[[httpx.Response], R], response: httpx.Response) -> R:
        try:
            if self.strict:
                with strict_parsing():
                    return parse(response)
            return parse(response)
        except StrictParseError as error:
            raise exc.ResponseParseError(str(error), response=response) from error
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
            if not response.content and (
                response.status_code in (204, 205) or response.request.method not in ("GET", "HEAD")
            ):
                # No body is a success too (a DELETE answered 204): the output model
                # gets the bare envelope, without data.
                stand_in = httpx.Response(
                    response.status_code, content=_EMPTY_SUCCESS, request=response.request
                )
                with strict_parsing(False):
                    return parse(stand_in)
            text = str(error)[: exc.MAX_MESSAGE]
            raise exc.ResponseParseError(
                f"{response.request.method} {response.request.url.path}: cannot parse the "
                f"{response.status_code} answer: {type(error).__name__}: {text}",
                response=response,
            ) from error


class Cal(_BaseClient, Root):
    """Synchronous Cal.com API v2 client.

    >>> cal = Cal(api_key="cal_live_…")
    >>> bookings = cal.bookings.list(take=10)

    `timeout` bounds each network wait (default 30 s read, 5 s connect);
    `deadline` the whole call, retries, waits and redirects included (default
    90 s, None: no bound); `max_retries` the retries (429 always, the rest only
    where resending is safe); `max_response_size` the bytes of an answer that
    are read (default 16 MiB). `on_token_refresh` receives every rotated token
    pair; while it raises, the pair stays in `pending_tokens` and is handed
    over again before the next request. The README's "Failure contract" has
    the details.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        access_token: str | None = None,
        refresh_token: str | None = None,
        token_expires_at: float | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        refresh_flow: RefreshFlow = "platform",
        on_token_refresh: OnTokenRefresh | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        max_retries: int = 2,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        api_versions: Mapping[str, str] | None = None,
        default_headers: Mapping[str, str] | None = None,
        strict: bool = False,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            access_token=access_token,
            refresh_token=refresh_token,
            token_expires_at=token_expires_at,
            client_id=client_id,
            client_secret=client_secret,
            refresh_flow=refresh_flow,
            on_token_refresh=on_token_refresh,
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            max_response_size=max_response_size,
            api_versions=api_versions,
            default_headers=default_headers,
            strict=strict,
            sleep=sleep,
            http_client=http_client,
        )
        Root.__init__(self, self)
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client()
        if http_client is None:
            bound_by_deadline(self._http)
        # Reentrant: an on_token_refresh callback may itself use the client.
        self._refresh_lock = threading.RLock()

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Cal:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

    def _send(
        self, operation: Operation, kwargs: dict[str, Any], options: RequestOptions
    ) -> httpx.Response:
        return self._run(self._plan(operation, kwargs, options))

    def _run(self, plan: Plan[R]) -> R:
        """Perform the plan's steps; hand each outcome (or error) back to it."""
        opened: httpx.Response | None = None
        result: Any = None
        try:
            step = next(plan)
            while True:
                try:
                    kind = step[0]
                    if kind == SEND:
                        # The socket operations of this thread wait until the deadline
                        # at most (calcom._deadline_io, for a client it wraps).
                        token = _call_deadline.set(step[2])
                        try:
                            result = opened = self._http.send(
                                step[1], stream=True, follow_redirects=False
                            )
                        finally:
                            _call_deadline.reset(token)
                    elif kind == READ:
                        opened = None
                        token = _call_deadline.set(step[3])
                        try:
                            read_body(step[1], step[2], step[3], step[4])
                        finally:
                            _call_deadline.reset(token)
                        result = None
                    elif kind == SLEEP:
                        self._sleep_for(step[1], step[2])
                        result = None
                    elif kind == REFRESH:
                        self._ensure_fresh_token(step[1], step[2], step[3])
                        result = None
                    else:
                        self._hand_over()
                        result = None
                except BaseException as error:
                    step = plan.throw(error)
                else:
                    step = plan.send(result)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        finally:
            if opened is not None and not opened.is_closed:
                opened.close()

    def _sleep_for(self, seconds: float, deadline: Deadline) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
            deadline.slept(seconds)
        else:
            time.sleep(seconds)

    def _ensure_fresh_token(self, stale: TokenPair | None, deadline: Deadline, seen: int) -> None:
        """`seen`: the refreshes that had ended when the call began."""
        creds = self._credentials
        if not creds.can_refresh:
            return
        # Concurrent calls queue here; the first refreshes, the others share its outcome.
        left = deadline.remaining()
        if not self._refresh_lock.acquire(timeout=-1 if left is None else max(left, 0.0)):
            raise self._refresh_too_late(deadline, "waiting for another call's refresh")
        try:
            if not self._refresh_due(stale, seen):
                return
            assert creds.tokens is not None
            attempt = RefreshAttempt(creds.tokens)
            own = self._refresh_deadline(deadline)  # raises for this caller alone
            try:
                self._run(self._refresh_plan(own, attempt))
            except exc.CalError as error:
                self._refresh_failed(attempt, error)
                raise
        finally:
            self._refresh_lock.release()
        self._hand_over()

    def _hand_over(self) -> None:
        """Give a rotated pair to on_token_refresh until it accepts it."""
        creds = self._credentials
        if creds.pending is None or self._handing_over:
            return
        with self._refresh_lock:
            pair = creds.pending
            if pair is None:
                return
            if creds.on_refresh is not None:
                self._handing_over = True
                try:
                    creds.on_refresh(pair)
                except Exception as error:
                    raise self._callback_failed(error) from error
                finally:
                    self._handing_over = False
            if creds.pending is pair:
                creds.pending = None


class AsyncCal(_BaseClient, AsyncRoot):
    """Asynchronous Cal.com API v2 client; the same surface and options as `Cal`,
    awaited (`sleep` is a coroutine function; `on_token_refresh` may be one)."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        access_token: str | None = None,
        refresh_token: str | None = None,
        token_expires_at: float | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        refresh_flow: RefreshFlow = "platform",
        on_token_refresh: OnTokenRefresh | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        max_retries: int = 2,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        api_versions: Mapping[str, str] | None = None,
        default_headers: Mapping[str, str] | None = None,
        strict: bool = False,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            access_token=access_token,
            refresh_token=refresh_token,
            token_expires_at=token_expires_at,
            client_id=client_id,
            client_secret=client_secret,
            refresh_flow=refresh_flow,
            on_token_refresh=on_token_refresh,
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            max_response_size=max_response_size,
            api_versions=api_versions,
            default_headers=default_headers,
            strict=strict,
            sleep=sleep,
            http_client=http_client,
        )
        AsyncRoot.__init__(self, self)
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient()
        # One lock per event loop: an asyncio.Lock is bound to the loop it first waits on,
        # and a client may outlive one `asyncio.run()`.
        self._refresh_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncCal:
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.close()

    async def _send(
        self, operation: Operation, kwargs: dict[str, Any], options: RequestOptions
    ) -> httpx.Response:
        return await self._run(self._plan(operation, kwargs, options))

    async def _run(self, plan: Plan[R]) -> R:
        """Perform the plan's steps; hand each outcome (or error) back to it. The
        deadline cancels a send or read in flight (a server dripping its answer)."""
        import asyncio

        opened: httpx.Response | None = None
        result: Any = None
        try:
            step = next(plan)
            while True:
                try:
                    kind = step[0]
                    if kind == SEND:
                        # A timer only when the deadline is nearer than the timeouts:
                        # then it cancels the request in flight exactly (a server
                        # dripping its answer); otherwise the timeouts are the bound.
                        left = step[2].remaining() if step[3] else None
                        if left is None:
                            result = await self._http.send(
                                step[1], stream=True, follow_redirects=False
                            )
                        else:
                            try:
                                async with asyncio.timeout(left):
                                    result = await self._http.send(
                                        step[1], stream=True, follow_redirects=False
                                    )
                            except TimeoutError:
                                raise DeadlineExceeded from None
                        opened = result
                    elif kind == READ:
                        opened = None
                        left = step[3].remaining() if step[5] else None
                        if left is None or hasattr(step[1], "_content"):
                            # No deadline, or nothing left to wait for (already in memory).
                            await aread_body(step[1], step[2], step[3], step[4])
                        else:
                            try:
                                async with asyncio.timeout(left):
                                    await aread_body(step[1], step[2], step[3], step[4])
                            except TimeoutError:
                                # An error body cut short keeps what came; a 2xx body is lost.
                                if not step[4]:
                                    raise DeadlineExceeded from None
                        result = None
                    elif kind == SLEEP:
                        await self._sleep_for(step[1], step[2])
                        result = None
                    elif kind == REFRESH:
                        await self._ensure_fresh_token(step[1], step[2], step[3])
                        result = None
                    else:
                        await self._hand_over()
                        result = None
                except BaseException as error:
                    step = plan.throw(error)
                else:
                    step = plan.send(result)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        finally:
            if opened is not None and not opened.is_closed:
                await opened.aclose()

    async def _sleep_for(self, seconds: float, deadline: Deadline) -> None:
        if self._sleep is not None:
            await self._sleep(seconds)
            deadline.slept(seconds)
        else:
            import asyncio

            await asyncio.sleep(seconds)

    def _lock(self) -> asyncio.Lock:
        import asyncio

        loop = asyncio.get_running_loop()
        lock = self._refresh_locks.get(loop)
        if lock is None:
            self._refresh_locks = {loop: asyncio.Lock()}  # drop locks of finished loops
            lock = self._refresh_locks[loop]
        return lock

    async def _ensure_fresh_token(
        self, stale: TokenPair | None, deadline: Deadline, seen: int
    ) -> None:
        creds = self._credentials
        if not creds.can_refresh:
            return
        # Concurrent calls queue here; the first refreshes, the others share its outcome.
        lock = self._lock()
        left = deadline.remaining()
        if left is None:
            await lock.acquire()
        else:
            import asyncio

            try:
                async with asyncio.timeout(max(left, 0.0)):
                    await lock.acquire()
            except TimeoutError:
                raise self._refresh_too_late(
                    deadline, "waiting for another call's refresh"
                ) from None
        try:
            if not self._refresh_due(stale, seen):
                return
            assert creds.tokens is not None
            attempt = RefreshAttempt(creds.tokens)
            own = self._refresh_deadline(deadline)  # raises for this caller alone
            try:
                await self._run(self._refresh_plan(own, attempt))
            except exc.CalError as error:
                self._refresh_failed(attempt, error)
                raise
        finally:
            lock.release()
        await self._hand_over()

    async def _hand_over(self) -> None:
        """Give a rotated pair to on_token_refresh until it accepts it."""
        import asyncio

        creds = self._credentials
        if creds.pending is None or self._handing_over:
            return
        async with self._lock():
            pair = creds.pending
            if pair is None:
                return
            if creds.on_refresh is not None:
                self._handing_over = True
                try:
                    result = creds.on_refresh(pair)
                    if asyncio.iscoroutine(result):
                        await result
                except Exception as error:
                    raise self._callback_failed(error) from error
                finally:
                    self._handing_over = False
            if creds.pending is pair:
                creds.pending = None
