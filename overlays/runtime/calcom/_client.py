"""`Cal` and `AsyncCal`: the entry points.

They own the HTTP client, the credentials and the policies (api versions,
retries, redirects, the deadline, timeouts, error mapping, strictness). The
namespaces (`cal.bookings`, …) are generated in calcom/_resources and created
on first access.

Every call runs one *plan* (`_BaseClient._plan`, a generator): it decides what
to send, what to read, when to wait, refresh or give up, and yields each I/O
step to a small driver (`Cal._run`, `AsyncCal._run`) that performs it. So the
sync and async clients share every decision, and no operation is special.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from . import _exceptions as exc
from ._arguments import check_timeout
from ._auth import Credentials, OnTokenRefresh, RefreshFlow, TokenPair
from ._endpoint import Operation, RequestOptions
from ._lenient import StrictParseError, strict_parsing
from ._query import bracketed, needs_brackets
from ._redact import MaskedHeaders, mask_headers, scrub
from ._resources._root import AsyncRoot, Root
from ._retry import (
    IDEMPOTENT_METHODS,
    Deadline,
    DeadlineExceeded,
    RetryPolicy,
    retryable_status,
    retryable_transport_error,
    server_wait,
    was_not_sent,
)

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

logger = logging.getLogger("calcom")
R = TypeVar("R")

DEFAULT_BASE_URL = "https://api.cal.com"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# A whole call (every attempt, wait, redirect and refresh) ends within this.
DEFAULT_DEADLINE = 90.0
# The largest answer read: the biggest Cal.com page (250 bookings) is ~300 KB.
DEFAULT_MAX_RESPONSE_SIZE = 16 * 1024 * 1024
# Of an error or redirect answer only this much is read: enough for any message.
ERROR_BODY_LIMIT = 64 * 1024
MAX_REDIRECTS = 5
# What an httpx client has when nobody set its timeout.
_HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)
USER_AGENT = "calcom-client-python/0.1.0"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# An empty 2xx answer (204, a DELETE's empty 200) parses as this envelope.
_EMPTY_SUCCESS = b'{"status": "success"}'
_NO_CREDENTIALS_HINT = (
    "no credentials were given: pass api_key=… (or access_token=…), or set CAL_API_KEY"
)

# The I/O steps a plan yields to its driver.
_SEND, _READ, _SLEEP, _REFRESH, _HAND_OVER = range(5)
_URL_CACHE_SIZE = 512
Step = tuple[Any, ...]
Plan = Generator[Step, Any, R]


def _clean_base_url(value: str) -> str:
    """An absolute http(s) URL without query, fragment, credentials or trailing
    `/v2` (every operation path starts with /v2; keeping it would double it)."""
    problem = "must be an absolute http(s) URL such as https://api.cal.com"
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, TypeError) as error:
        raise ValueError(f"base_url {problem}: {error}") from None
    if url.scheme not in ("http", "https") or not url.host:
        hint = " (the scheme is missing)" if "://" not in value else ""
        raise ValueError(f"base_url {problem}, got {value!r}{hint}")
    if url.userinfo:
        raise ValueError("base_url must not carry credentials (user:password@); pass api_key=…")
    if url.query or url.fragment:
        raise ValueError(f"base_url {problem}, without a query or fragment, got {value!r}")
    path = url.path.rstrip("/")
    if path.endswith("/v2"):
        path = path[: -len("/v2")]
    return f"{url.scheme}://{url.netloc.decode('ascii')}{path}"


def _checked_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    if not headers:
        return {}
    try:
        httpx.Headers(headers)
    except (UnicodeEncodeError, TypeError) as error:
        raise ValueError(
            f"default_headers: every name and value must be ASCII text ({error})"
        ) from None
    return dict(headers)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _where(request: httpx.Request) -> str:
    url = request.url
    return f"{request.method} {url.scheme}://{url.netloc.decode('ascii')}{url.path}"


class _TooLarge(Exception):
    """Internal: the body passed the size cap while it was read."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class _Body:
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
            raise _TooLarge(self.size)
        self.chunks.append(chunk)
        if self.deadline.expired():
            raise DeadlineExceeded

    def keep(self, response: httpx.Response) -> None:
        # What Response.read() stores; set here because the body was read in chunks.
        response._content = b"".join(self.chunks)[: self.limit]


class _RefreshAttempt:
    """What one refresh learnt: whether the server may have spent the refresh token."""

    __slots__ = ("pair", "maybe_spent")

    def __init__(self, pair: TokenPair) -> None:
        self.pair = pair
        self.maybe_spent = False


def _stand_in(request: httpx.Request) -> httpx.Request:
    """A copy of a refresh request without its body (the body is the refresh token)."""
    copy = httpx.Request(request.method, request.url, headers=request.headers)
    mask_headers(copy)
    return copy


def _withheld(response: httpx.Response, request: httpx.Request) -> httpx.Response:
    """A refresh answer handed out in an error: a 2xx body holds tokens, so it is dropped."""
    content = b"" if response.is_success else response.content
    copy = httpx.Response(response.status_code, headers=response.headers, content=content)
    copy.request = request
    mask_headers(copy)
    return copy


class _BaseClient:
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
        self.base_url = _clean_base_url(base_url)
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
        self.default_headers = {"User-Agent": USER_AGENT, **_checked_headers(default_headers)}
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

    # --- building -------------------------------------------------------------------

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
        if params and needs_brackets(params):
            params = bracketed(params)  # deepObject parameters (calendarsToLoad[0][…])
        timeout = options.timeout if options.has_timeout else self.timeout
        try:
            target = self.base_url + kwargs["url"]
            url = self._urls.get(target)
            if url is None:
                url = httpx.URL(target)
                if len(self._urls) >= _URL_CACHE_SIZE:
                    self._urls.clear()
                self._urls[target] = url
            request = http.build_request(
                kwargs["method"],
                url,
                params=params,
                json=kwargs.get("json"),
                data=kwargs.get("data"),
                content=kwargs.get("content"),
                files=kwargs.get("files"),
                headers=headers,
                timeout=timeout,
            )
        except UnicodeEncodeError:
            raise ValueError(
                f"{operation.method} {operation.path}: a header value is not ASCII text "
                "(extra_headers or a header parameter)"
            ) from None
        if type(request.headers) is httpx.Headers:  # mask_headers, inlined: the hot path
            request.headers.__class__ = MaskedHeaders
        return request

    def _redirected(
        self, request: httpx.Request, response: httpx.Response, hops: int
    ) -> httpx.Request:
        """The request a 3xx answer asks for, when it stays on the same origin.
        Credentials never leave for another origin, and a body is never re-sent
        anywhere but where it was sent first, so other redirects are errors."""
        status = response.status_code
        where = f"{request.method} {request.url.path}"
        location = response.headers.get("location")
        if status not in _REDIRECTS or not location:
            raise exc.RedirectError(
                f"{where}: answered {status} with no redirect to follow", response=response
            )
        try:
            target = request.url.join(location)
        except httpx.InvalidURL:
            raise exc.RedirectError(
                f"{where}: answered {status} with an invalid Location", response=response
            ) from None
        if _origin(target) != _origin(request.url):
            there = f"{target.scheme}://{target.netloc.decode('ascii')}"
            raise exc.RedirectError(
                f"{where}: answered {status}, redirecting to another origin ({there}); not "
                "followed, so credentials and the request body stay with "
                f"{request.url.scheme}://{request.url.netloc.decode('ascii')}. If {there} is "
                "the right server, pass it as base_url",
                response=response,
            )
        if hops >= MAX_REDIRECTS:
            raise exc.RedirectError(
                f"{where}: more than {MAX_REDIRECTS} redirects", response=response
            )
        method = request.method
        if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
            method = "GET"  # what browsers and httpx do; the body is dropped
        headers = httpx.Headers(request.headers)
        content: bytes | None = None
        if method == request.method:
            content = request.content
        else:
            for name in ("content-length", "content-type", "transfer-encoding"):
                headers.pop(name, None)
        follow = httpx.Request(method, target, headers=headers, content=content)
        follow.extensions = dict(request.extensions)
        mask_headers(follow)
        return follow

    # --- answers --------------------------------------------------------------------

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

    def _status_error(self, response: httpx.Response, note: str | None) -> exc.APIStatusError:
        creds = self._credentials
        hint = None
        if response.status_code == 401 and not creds.given:
            hint = _NO_CREDENTIALS_HINT
        error = exc.error_for(response, hint=hint, secrets=creds.secrets())
        if note:
            error.add_note(note)
        return error

    def _connection_error(
        self, request: httpx.Request, error: BaseException, attempt: int, what: str = ""
    ) -> exc.APIConnectionError:
        url = request.url
        cause = scrub(str(error).strip(), self._credentials.secrets()) or type(error).__name__
        if isinstance(error, httpx.ConnectError):
            port = url.port or (443 if url.scheme == "https" else 80)
            text = f"cannot connect to {url.host}:{port}: {cause}"
        else:
            text = f"{type(error).__name__}: {cause}"
        message = f"{what}{_where(request)}: {text}"
        if attempt:
            message += f" (after {attempt} {'retry' if attempt == 1 else 'retries'})"
        if not was_not_sent(error) and request.method not in IDEMPOTENT_METHODS:
            message += "; not resent: the server may have received it"
        cls = (
            exc.APITimeoutError
            if isinstance(error, httpx.TimeoutException)
            else exc.APIConnectionError
        )
        return cls(message, request=request)

    def _deadline_error(
        self, request: httpx.Request, deadline: Deadline, what: str = ""
    ) -> exc.APITimeoutError:
        return exc.APITimeoutError(
            f"{what}{_where(request)}: the call's deadline of {deadline.seconds:g} s passed",
            request=request,
        )

    def _retries(self, options: RequestOptions) -> int:
        return self.retry.max_retries if options.max_retries is None else options.max_retries

    def _retry_wait(self, response: httpx.Response, attempt: int, max_retries: int) -> float | None:
        """An error answer: seconds to wait before a retry, None to raise it."""
        if attempt < max_retries and retryable_status(
            response.status_code, response.request.method
        ):
            wait = server_wait(response.headers)
            if wait is None:
                return self.retry.backoff(attempt)
            # A server asking for longer than we are willing to wait gets its error raised.
            return wait if wait <= self.retry.max_wait else None
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

    # --- the plan of a call -----------------------------------------------------------

    def _plan(
        self, operation: Operation, kwargs: dict[str, Any], options: RequestOptions
    ) -> Plan[httpx.Response]:
        creds = self._credentials
        deadline = Deadline(options.deadline if options.has_deadline else self.deadline)
        if creds.pending is not None:
            yield (_HAND_OVER,)
        tokens = creds.tokens
        if tokens is not None and tokens.expiring():
            yield (_REFRESH, tokens, deadline)
        max_retries = self._retries(options)
        attempt = 0
        refreshed = False
        hops = 0
        tokens_used = tokens
        request: httpx.Request | None = None
        while True:
            if request is None:
                tokens_used = creds.tokens
                request = self._build_request(self._http, operation, kwargs, options)
                hops = 0
            started = time.perf_counter()
            capped = False
            try:
                capped = deadline.cap(request)
                response: httpx.Response = yield (_SEND, request, deadline, capped)
            except DeadlineExceeded:
                self._log(request, "deadline", started, attempt)
                raise self._deadline_error(request, deadline) from None
            except httpx.TimeoutException as error:
                if capped and (deadline.remaining() or 0.0) <= self.retry.initial_delay:
                    # The timeout was the deadline's (it shrank the timeouts).
                    self._log(request, "deadline", started, attempt)
                    raise self._deadline_error(request, deadline) from error
                self._log(request, "timeout", started, attempt)
                wait = self._no_answer_wait(request, error, attempt, max_retries, deadline)
                if wait is None:
                    raise self._connection_error(request, error, attempt) from error
                yield (_SLEEP, wait, deadline)
                attempt += 1
                request = None
                continue
            except httpx.HTTPError as error:
                self._log(request, "connection error", started, attempt)
                wait = self._no_answer_wait(request, error, attempt, max_retries, deadline)
                if wait is None:
                    raise self._connection_error(request, error, attempt) from error
                yield (_SLEEP, wait, deadline)
                attempt += 1
                request = None
                continue
            if type(response.headers) is httpx.Headers:  # mask_headers, inlined
                response.headers.__class__ = MaskedHeaders
            status = response.status_code
            self._log(request, status, started, attempt)
            if 200 <= status < 300:
                try:
                    yield (_READ, response, self.max_response_size, deadline, False, capped)
                except DeadlineExceeded:
                    raise self._deadline_error(request, deadline) from None
                except _TooLarge as error:
                    raise exc.ResponseTooLargeError(
                        f"{request.method} {request.url.path}: the {status} answer is larger "
                        f"than max_response_size ({error.size} > {self.max_response_size} "
                        "bytes); it was not read",
                        response=response,
                    ) from None
                except httpx.DecodingError as error:
                    raise exc.ResponseParseError(
                        f"{request.method} {request.url.path}: the {status} answer cannot be "
                        f"decoded (Content-Encoding {response.headers.get('content-encoding')!r})"
                        + (
                            "; the server has handled the request"
                            if request.method not in IDEMPOTENT_METHODS
                            else ""
                        ),
                        response=response,
                    ) from error
                except httpx.HTTPError as error:
                    # The status arrived, the body did not: for a GET, ask again.
                    wait = self._no_answer_wait(request, error, attempt, max_retries, deadline)
                    if wait is None:
                        raise self._connection_error(
                            request, error, attempt, f"the {status} answer was cut off: "
                        ) from error
                    yield (_SLEEP, wait, deadline)
                    attempt += 1
                    request = None
                    continue
                return response
            # Error and redirect bodies are small and only read for their message.
            yield (_READ, response, ERROR_BODY_LIMIT, deadline, True, capped)
            if 300 <= status < 400:
                request = self._redirected(request, response, hops)
                hops += 1
                continue
            if self._refresh_may_help(response, refreshed):
                refreshed = True
                yield (_REFRESH, tokens_used, deadline)
                request = None
                continue
            wait = self._retry_wait(response, attempt, max_retries)
            if wait is None:
                raise self._status_error(response, None)
            if not deadline.allows(wait):
                raise self._status_error(
                    response,
                    f"not retried: waiting {wait:.1f} s would pass the call's deadline "
                    f"of {deadline.seconds:g} s",
                )
            yield (_SLEEP, wait, deadline)
            attempt += 1
            request = None

    def _no_answer_wait(
        self,
        request: httpx.Request,
        error: httpx.HTTPError,
        attempt: int,
        max_retries: int,
        deadline: Deadline,
    ) -> float | None:
        """Seconds to wait before resending a request that got no (full) answer,
        or None when it must not be resent (a POST may have arrived)."""
        if attempt < max_retries and retryable_transport_error(request.method, error):
            wait = self.retry.backoff(attempt)
            if deadline.allows(wait):
                return wait
        return None

    # --- token refresh --------------------------------------------------------------

    def _refresh_due(self, stale: TokenPair | None, seen: int) -> bool:
        """Under the refresh lock: whether this caller must refresh now. Raises the
        outcome of a refresh that failed while it waited, or that may have spent the
        refresh token: that token is never sent twice."""
        creds = self._credentials
        current = creds.tokens
        if current is None or (current is not stale and not current.expiring()):
            return False  # refreshed by someone else meanwhile
        error = creds.failed_refresh(current, seen)
        if error is not None:
            raise error.with_traceback(None)
        return True

    def _refresh_deadline(self, call: Deadline) -> Deadline:
        """A refresh in flight is not cut short by one call's (maybe tiny) deadline:
        cut off after sending, its refresh token may be spent for every caller. It
        gets the client's deadline, and starts only if the call has time left."""
        if call.expired():
            raise self._refresh_too_late(call, "before it")
        return Deadline(self.deadline)

    def _refresh_too_late(self, call: Deadline, when: str) -> exc.APITimeoutError:
        url = self.base_url + self._credentials.refresh_request()["url"]
        return exc.APITimeoutError(
            f"token refresh: the call's deadline of {call.seconds:g} s passed {when}",
            request=httpx.Request("POST", url),
        )

    def _refresh_failed(self, attempt: _RefreshAttempt, error: BaseException) -> None:
        creds = self._credentials
        # Counted when it ends: a caller that queued during it knows it is a waiter.
        creds.refresh_attempts += 1
        creds.refresh_failure = (attempt.pair, error, attempt.maybe_spent, creds.refresh_attempts)
        if attempt.maybe_spent:
            error.add_note(
                "The refresh token is not sent again by this client: the server may have "
                "spent it. Create the client with a new token pair."
            )

    def _refresh_plan(self, deadline: Deadline, attempt: _RefreshAttempt) -> Plan[TokenPair]:
        creds = self._credentials
        spec = creds.refresh_request()
        headers = {**self.default_headers, **spec.get("headers", {})}
        what = "token refresh: "
        tries = 0
        while True:
            request = self._http.build_request(
                spec["method"],
                self.base_url + spec["url"],
                json=spec["json"],
                headers=headers,
                timeout=self.timeout,
            )
            mask_headers(request)
            shown = _stand_in(request)
            started = time.perf_counter()
            capped = False
            try:
                capped = deadline.cap(request)
                response: httpx.Response = yield (_SEND, request, deadline, capped)
            except DeadlineExceeded:
                attempt.maybe_spent = True
                raise self._deadline_error(shown, deadline, what) from None
            except httpx.HTTPError as error:
                self._log(request, "connection error", started, tries)
                if was_not_sent(error):
                    wait = self.retry.backoff(tries)
                    if tries < self.retry.max_retries and deadline.allows(wait):
                        yield (_SLEEP, wait, deadline)
                        tries += 1
                        continue
                else:
                    attempt.maybe_spent = True
                raise self._connection_error(shown, error, tries, what) from None
            mask_headers(response)
            self._log(request, response.status_code, started, tries)
            # From here on the server has the token, unless it says it failed or refused.
            attempt.maybe_spent = True
            try:
                yield (_READ, response, ERROR_BODY_LIMIT, deadline, False, capped)
            except (httpx.HTTPError, DeadlineExceeded, _TooLarge) as error:
                raise exc.ResponseParseError(
                    f"{what}the {response.status_code} answer could not be read "
                    f"({type(error).__name__})",
                    response=_withheld(response, shown),
                ) from None
            handed = _withheld(response, shown)
            if response.status_code == 429 or response.status_code >= 500:
                attempt.maybe_spent = False
                pause = self._retry_wait(response, tries, self.retry.max_retries)
                if response.status_code == 429 and pause is not None and deadline.allows(pause):
                    yield (_SLEEP, pause, deadline)
                    tries += 1
                    continue
            if not response.is_success:
                if response.is_redirect or 300 <= response.status_code < 400:
                    attempt.maybe_spent = False
                    raise exc.RedirectError(
                        f"{what}answered {response.status_code}; redirects are not followed "
                        "with a refresh token",
                        response=handed,
                    )
                raise exc.error_for(handed, hint="token refresh", secrets=creds.secrets())
            try:
                return creds.accept_refresh(response.json())
            except (ValueError, RecursionError) as error:
                message = str(error) if isinstance(error, ValueError) else "JSON nested too deep"
                raise exc.ResponseParseError(
                    f"{what}{scrub(message, creds.secrets())[: exc.MAX_MESSAGE]}",
                    response=handed,
                ) from None

    def _callback_failed(self, error: Exception) -> exc.TokenCallbackError:
        return exc.TokenCallbackError(
            f"on_token_refresh raised {type(error).__name__}; the new token pair is kept in "
            "pending_tokens and handed over again before the next request"
        )


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
                    if kind == _SEND:
                        result = opened = self._http.send(
                            step[1], stream=True, follow_redirects=False
                        )
                    elif kind == _READ:
                        opened = None
                        _read(step[1], step[2], step[3], step[4])
                        result = None
                    elif kind == _SLEEP:
                        self._sleep_for(step[1], step[2])
                        result = None
                    elif kind == _REFRESH:
                        self._ensure_fresh_token(step[1], step[2])
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

    def _ensure_fresh_token(self, stale: TokenPair | None, deadline: Deadline) -> None:
        creds = self._credentials
        if not creds.can_refresh:
            return
        seen = creds.refresh_attempts
        # Concurrent calls queue here; the first refreshes, the others share its outcome.
        left = deadline.remaining()
        if not self._refresh_lock.acquire(timeout=-1 if left is None else max(left, 0.0)):
            raise self._refresh_too_late(deadline, "waiting for another call's refresh")
        try:
            if not self._refresh_due(stale, seen):
                return
            assert creds.tokens is not None
            attempt = _RefreshAttempt(creds.tokens)
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


def _declared_too_large(response: httpx.Response, limit: int) -> int | None:
    """The announced size of a body that will not fit (checked before reading a byte)."""
    declared = response.headers.get("content-length")
    if declared is None or not declared.isdigit() or "content-encoding" in response.headers:
        return None
    return int(declared) if int(declared) > limit else None


def _read(response: httpx.Response, limit: int, deadline: Deadline, lenient: bool) -> None:
    """Read a streamed body under the cap and the deadline. `lenient` (error bodies):
    keep what arrived instead of raising."""
    if hasattr(response, "_content"):
        response.close()  # already in memory (a transport that answered with bytes)
        return
    body = _Body(limit, deadline)
    try:
        size = None if lenient else _declared_too_large(response, limit)
        if size is not None:
            raise _TooLarge(size)
        for chunk in response.iter_bytes():
            body.add(chunk)
    except Exception:
        body.keep(response)
        response.close()
        if lenient:
            return
        raise
    body.keep(response)


async def _aread(response: httpx.Response, limit: int, deadline: Deadline, lenient: bool) -> None:
    if hasattr(response, "_content"):
        await response.aclose()
        return
    body = _Body(limit, deadline)
    try:
        size = None if lenient else _declared_too_large(response, limit)
        if size is not None:
            raise _TooLarge(size)
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
                    if kind == _SEND:
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
                    elif kind == _READ:
                        opened = None
                        left = step[3].remaining() if step[5] else None
                        if left is None or hasattr(step[1], "_content"):
                            # No deadline, or nothing left to wait for (already in memory).
                            await _aread(step[1], step[2], step[3], step[4])
                        else:
                            try:
                                async with asyncio.timeout(left):
                                    await _aread(step[1], step[2], step[3], step[4])
                            except TimeoutError:
                                # An error body cut short keeps what came; a 2xx body is lost.
                                if not step[4]:
                                    raise DeadlineExceeded from None
                        result = None
                    elif kind == _SLEEP:
                        await self._sleep_for(step[1], step[2])
                        result = None
                    elif kind == _REFRESH:
                        await self._ensure_fresh_token(step[1], step[2])
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

    async def _ensure_fresh_token(self, stale: TokenPair | None, deadline: Deadline) -> None:
        creds = self._credentials
        if not creds.can_refresh:
            return
        seen = creds.refresh_attempts
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
            attempt = _RefreshAttempt(creds.tokens)
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
