"""`Cal` and `AsyncCal`: the entry points.

They own the HTTP client, the credentials and the policies (api versions,
retries, timeouts, error mapping, strictness). The namespaces (`cal.bookings`,
…) are generated in calcom/_resources and created on first access.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from . import _exceptions as exc
from ._auth import Credentials, OnTokenRefresh, RefreshFlow, TokenPair
from ._endpoint import Operation, RequestOptions
from ._lenient import StrictParseError, strict_parsing
from ._resources._root import AsyncRoot, Root
from ._retry import RetryPolicy, retryable_status, retryable_transport_error, server_wait

if TYPE_CHECKING:
    # Imported where AsyncCal needs it: a sync program does not pay for asyncio.
    import asyncio

__all__ = ["Cal", "AsyncCal", "DEFAULT_BASE_URL", "DEFAULT_TIMEOUT"]

logger = logging.getLogger("calcom")
R = TypeVar("R")

DEFAULT_BASE_URL = "https://api.cal.com"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# What an httpx client has when nobody set its timeout.
_HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)
USER_AGENT = "calcom-client-python/0.1.0"


class _BaseClient:
    """What the sync and async clients share: configuration and request building."""

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
        max_retries: int,
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
        self.base_url = (base_url or os.environ.get("CAL_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        if timeout is None and http_client is not None:
            # An injected client's timeout is honoured when it was set on purpose.
            if http_client.timeout != _HTTPX_DEFAULT_TIMEOUT:
                timeout = http_client.timeout
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self.retry = RetryPolicy(max_retries=max_retries)
        self.api_versions = dict(api_versions or {})
        self.default_headers = {"User-Agent": USER_AGENT, **(default_headers or {})}
        self.strict = strict
        self._sleep = sleep

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

    def _version_for(self, operation: Operation, options: RequestOptions) -> str | None:
        if options.api_version is not None:
            return options.api_version
        if operation.api_version is None:
            return None
        versions = self.api_versions
        if versions:
            if operation.operation_id in versions:
                return versions[operation.operation_id]
            parts = operation.namespace.split(".")
            for end in range(len(parts), 0, -1):
                override = versions.get(".".join(parts[:end]))
                if override is not None:
                    return override
        return operation.api_version

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        operation: Operation,
        kwargs: dict[str, Any],
        options: RequestOptions,
    ) -> httpx.Request:
        headers = {**self.default_headers, **kwargs.get("headers", {})}
        headers.update(self._credentials.headers(operation.auth))
        version = self._version_for(operation, options)
        if version is not None:
            headers["cal-api-version"] = version
        if options.extra_headers:
            headers.update(options.extra_headers)
        params = kwargs.get("params")
        if params and operation.comma_params:
            # Cal.com reads these as one comma-separated value (explode: false).
            params = dict(params)
            for key in operation.comma_params:
                value = params.get(key)
                if isinstance(value, list):
                    params[key] = ",".join(map(str, value))
        timeout = options.timeout if options.has_timeout else self.timeout
        return http.build_request(
            kwargs["method"],
            self.base_url + kwargs["url"],
            params=params,
            json=kwargs.get("json"),
            data=kwargs.get("data"),
            content=kwargs.get("content"),
            files=kwargs.get("files"),
            headers=headers,
            timeout=timeout,
        )

    def _parse(self, parse: Callable[[httpx.Response], R], response: httpx.Response) -> R:
        try:
            if self.strict:
                with strict_parsing():
                    return parse(response)
            return parse(response)
        except StrictParseError as error:
            raise exc.ResponseParseError(str(error), response=response) from error
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise exc.ResponseParseError(
                f"{response.request.method} {response.request.url.path}: cannot parse the "
                f"{response.status_code} answer: {type(error).__name__}: {error}",
                response=response,
            ) from error

    def _retries(self, options: RequestOptions) -> int:
        return self.retry.max_retries if options.max_retries is None else options.max_retries

    def _wait_before_retry(self, response: httpx.Response | None, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None when the server asks
        for longer than we are willing to wait."""
        if response is not None:
            wait = server_wait(response.headers)
            if wait is not None:
                return wait if wait <= self.retry.max_wait else None
        return self.retry.backoff(attempt)

    def _no_answer(
        self,
        request: httpx.Request,
        error: httpx.TransportError,
        started: float,
        attempt: int,
        max_retries: int,
    ) -> float:
        """A request got no answer: seconds to wait before sending it again, or
        the typed error when it must not be resent (a POST may have arrived)."""
        timed_out = isinstance(error, httpx.TimeoutException)
        self._log(request, "timeout" if timed_out else "connection error", started, attempt)
        if attempt < max_retries and retryable_transport_error(request.method):
            return self.retry.backoff(attempt)
        where = f"{request.method} {request.url.path}"
        if timed_out:
            raise exc.APITimeoutError(f"{where} timed out", request=request) from error
        raise exc.APIConnectionError(f"{where}: {type(error).__name__}", request=request) from error

    def _retry_wait(self, response: httpx.Response, attempt: int, max_retries: int) -> float | None:
        """An error answer: seconds to wait before a retry, None to raise it."""
        if attempt < max_retries and retryable_status(
            response.status_code, response.request.method
        ):
            return self._wait_before_retry(response, attempt)
        return None

    def _refresh_may_help(self, response: httpx.Response, refreshed: bool) -> bool:
        # A 401 is refused before any work is done, so one resend after a refresh is safe.
        return response.status_code == 401 and not refreshed and self._credentials.can_refresh

    @staticmethod
    def _log(request: httpx.Request, status: int | str, started: float, attempt: int) -> None:
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "%s %s -> %s in %.0f ms (retry %d)",
                request.method,
                request.url.path,
                status,
                (time.perf_counter() - started) * 1000,
                attempt,
            )

    def _refresh_answer(self, response: httpx.Response) -> TokenPair:
        if response.is_error:
            raise exc.error_for(response)
        try:
            return self._credentials.accept_refresh(response.json())
        except ValueError as error:
            raise exc.ResponseParseError(f"token refresh: {error}", response=response) from error


class Cal(_BaseClient, Root):
    """Synchronous Cal.com API v2 client.

    >>> cal = Cal(api_key="cal_live_…")
    >>> bookings = cal.bookings.list(take=10)
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
        max_retries: int = 2,
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
            max_retries=max_retries,
            api_versions=api_versions,
            default_headers=default_headers,
            strict=strict,
            sleep=sleep,
            http_client=http_client,
        )
        Root.__init__(self, self)
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client()
        self._refresh_lock = threading.Lock()

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Cal:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

    def _sleep_for(self, seconds: float) -> None:
        (self._sleep or time.sleep)(seconds)

    def _ensure_fresh_token(self, stale: TokenPair | None = None) -> None:
        creds = self._credentials
        if not creds.can_refresh:
            return
        with self._refresh_lock:
            # Another thread may have refreshed while we waited for the lock.
            current = creds.tokens
            if current is None or (current is not stale and not current.expiring()):
                return
            spec = creds.refresh_request()
            request = self._http.build_request(
                **{**spec, "url": self.base_url + spec["url"]}, timeout=self.timeout
            )
            pair = self._refresh_answer(self._http.send(request))
            if creds.on_refresh is not None:
                creds.on_refresh(pair)

    def _send(
        self, operation: Operation, kwargs: dict[str, Any], options: RequestOptions
    ) -> httpx.Response:
        creds = self._credentials
        if creds.tokens is not None and creds.tokens.expiring():
            self._ensure_fresh_token(creds.tokens)
        max_retries = self._retries(options)
        attempt = 0
        refreshed = False
        while True:
            tokens_used = creds.tokens
            request = self._build_request(self._http, operation, kwargs, options)
            started = time.perf_counter()
            try:
                response = self._http.send(request)
            except httpx.TransportError as error:
                self._sleep_for(self._no_answer(request, error, started, attempt, max_retries))
                attempt += 1
                continue
            self._log(request, response.status_code, started, attempt)
            if response.is_success:
                return response
            if self._refresh_may_help(response, refreshed):
                refreshed = True
                self._ensure_fresh_token(tokens_used)
                continue
            wait = self._retry_wait(response, attempt, max_retries)
            if wait is None:
                response.read()
                raise exc.error_for(response)
            response.close()
            self._sleep_for(wait)
            attempt += 1


class AsyncCal(_BaseClient, AsyncRoot):
    """Asynchronous Cal.com API v2 client; the same surface as `Cal`, awaited."""

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
        max_retries: int = 2,
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
            max_retries=max_retries,
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

    async def _sleep_for(self, seconds: float) -> None:
        if self._sleep is not None:
            await self._sleep(seconds)
        else:
            import asyncio

            await asyncio.sleep(seconds)

    async def _ensure_fresh_token(self, stale: TokenPair | None = None) -> None:
        creds = self._credentials
        if not creds.can_refresh:
            return
        import asyncio

        loop = asyncio.get_running_loop()
        lock = self._refresh_locks.get(loop)
        if lock is None:
            self._refresh_locks = {loop: asyncio.Lock()}  # drop locks of finished loops
            lock = self._refresh_locks[loop]
        async with lock:
            # Concurrent calls queue here; only the first one refreshes.
            current = creds.tokens
            if current is None or (current is not stale and not current.expiring()):
                return
            spec = creds.refresh_request()
            request = self._http.build_request(
                **{**spec, "url": self.base_url + spec["url"]}, timeout=self.timeout
            )
            pair = self._refresh_answer(await self._http.send(request))
            if creds.on_refresh is not None:
                result = creds.on_refresh(pair)
                if asyncio.iscoroutine(result):
                    await result

    async def _send(
        self, operation: Operation, kwargs: dict[str, Any], options: RequestOptions
    ) -> httpx.Response:
        creds = self._credentials
        if creds.tokens is not None and creds.tokens.expiring():
            await self._ensure_fresh_token(creds.tokens)
        max_retries = self._retries(options)
        attempt = 0
        refreshed = False
        while True:
            tokens_used = creds.tokens
            request = self._build_request(self._http, operation, kwargs, options)
            started = time.perf_counter()
            try:
                response = await self._http.send(request)
            except httpx.TransportError as error:
                await self._sleep_for(
                    self._no_answer(request, error, started, attempt, max_retries)
                )
                attempt += 1
                continue
            self._log(request, response.status_code, started, attempt)
            if response.is_success:
                return response
            if self._refresh_may_help(response, refreshed):
                refreshed = True
                await self._ensure_fresh_token(tokens_used)
                continue
            wait = self._retry_wait(response, attempt, max_retries)
            if wait is None:
                await response.aread()
                raise exc.error_for(response)
            await response.aclose()
            await self._sleep_for(wait)
            attempt += 1
