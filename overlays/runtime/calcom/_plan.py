"""The plan of a call: every decision the sync and async clients share.

A call runs one *plan* (`Planner._plan`, a generator): it builds the request,
decides what to send, what to read, when to wait, follow a redirect, refresh
the token or give up, and yields each I/O step to a small driver (`Cal._run`,
`AsyncCal._run` in calcom/_client.py) that performs it and sends the outcome
(or throws the error) back. The token refresh is a plan of its own
(`_refresh_plan`), run by the same drivers. No operation is special here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator
from typing import Any, TypeVar

import httpx

from . import _exceptions as exc
from ._auth import Credentials, TokenPair
from ._endpoint import Operation, RequestOptions
from ._query import bracketed, needs_brackets
from ._reading import TooLarge
from ._redact import MaskedHeaders, mask_headers, scrub
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

logger = logging.getLogger("calcom")
R = TypeVar("R")

# Of an error or redirect answer only this much is read: enough for any message.
ERROR_BODY_LIMIT = 64 * 1024
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NO_CREDENTIALS_HINT = (
    "no credentials were given: pass api_key=… (or access_token=…), or set CAL_API_KEY"
)
# Parsed request URLs kept per client (httpx parses a str URL on every request).
URL_CACHE_SIZE = 512

# The I/O steps a plan yields to its driver.
SEND, READ, SLEEP, REFRESH, HAND_OVER = range(5)
Step = tuple[Any, ...]
Plan = Generator[Step, Any, R]


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _where(request: httpx.Request) -> str:
    url = request.url
    return f"{request.method} {url.scheme}://{url.netloc.decode('ascii')}{url.path}"


class RefreshAttempt:
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


class Planner:
    """The decisions of `_BaseClient` (calcom/_client.py), which sets these attributes."""

    _http: Any
    _credentials: Credentials
    _urls: dict[str, httpx.URL]
    base_url: str
    timeout: float | httpx.Timeout
    deadline: float | None
    retry: RetryPolicy
    max_response_size: int
    api_versions: dict[str, str]
    default_headers: dict[str, str]

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
                if len(self._urls) >= URL_CACHE_SIZE:
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
            yield (HAND_OVER,)
        tokens = creds.tokens
        # The refreshes that ended before this call began: one that fails after it
        # began is this call's outcome too, not a reason to send the token again.
        seen = creds.refresh_attempts
        if tokens is not None and tokens.expiring():
            yield (REFRESH, tokens, deadline, seen)
        max_retries = self._retries(options)
        attempt = 0
        refreshed = False
        hops = 0
        tokens_used = tokens
        request: httpx.Request | None = None
        while True:
            if request is None:
                tokens_used = creds.tokens
                seen = creds.refresh_attempts
                request = self._build_request(self._http, operation, kwargs, options)
                hops = 0
            started = time.perf_counter()
            capped = False
            try:
                capped = deadline.cap(request)
                response: httpx.Response = yield (SEND, request, deadline, capped)
            except DeadlineExceeded:
                self._log(request, "deadline", started, attempt)
                raise self._deadline_error(request, deadline) from None
            except httpx.HTTPError as error:
                timed_out = isinstance(error, httpx.TimeoutException)
                if timed_out and (
                    deadline.expired()
                    or (capped and (deadline.remaining() or 0.0) <= self.retry.initial_delay)
                ):
                    # The timeout was the deadline's (it shrank the timeouts, or the
                    # socket waits of calcom._deadline_io ended at it).
                    self._log(request, "deadline", started, attempt)
                    raise self._deadline_error(request, deadline) from error
                self._log(request, "timeout" if timed_out else "connection error", started, attempt)
                wait = self._no_answer_wait(request, error, attempt, max_retries, deadline)
                if wait is None:
                    raise self._connection_error(request, error, attempt) from error
                yield (SLEEP, wait, deadline)
                attempt += 1
                request = None
                continue
            if type(response.headers) is httpx.Headers:  # mask_headers, inlined
                response.headers.__class__ = MaskedHeaders
            status = response.status_code
            self._log(request, status, started, attempt)
            if 200 <= status < 300:
                try:
                    yield (READ, response, self.max_response_size, deadline, False, capped)
                except DeadlineExceeded:
                    raise self._deadline_error(request, deadline) from None
                except TooLarge as error:
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
                    if isinstance(error, httpx.TimeoutException) and deadline.expired():
                        raise self._deadline_error(request, deadline) from error
                    # The status arrived, the body did not: for a GET, ask again.
                    wait = self._no_answer_wait(request, error, attempt, max_retries, deadline)
                    if wait is None:
                        raise self._connection_error(
                            request, error, attempt, f"the {status} answer was cut off: "
                        ) from error
                    yield (SLEEP, wait, deadline)
                    attempt += 1
                    request = None
                    continue
                return response
            # Error and redirect bodies are small and only read for their message.
            yield (READ, response, ERROR_BODY_LIMIT, deadline, True, capped)
            if 300 <= status < 400:
                request = self._redirected(request, response, hops)
                hops += 1
                continue
            if self._refresh_may_help(response, refreshed):
                refreshed = True
                yield (REFRESH, tokens_used, deadline, seen)
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
            yield (SLEEP, wait, deadline)
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

    def _refresh_failed(self, attempt: RefreshAttempt, error: BaseException) -> None:
        creds = self._credentials
        # Counted when it ends: a caller that queued during it knows it is a waiter.
        creds.refresh_attempts += 1
        creds.refresh_failure = (attempt.pair, error, attempt.maybe_spent, creds.refresh_attempts)
        if attempt.maybe_spent:
            error.add_note(
                "The refresh token is not sent again by this client: the server may have "
                "spent it. Create the client with a new token pair."
            )

    def _refresh_plan(self, deadline: Deadline, attempt: RefreshAttempt) -> Plan[TokenPair]:
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
                response: httpx.Response = yield (SEND, request, deadline, capped)
            except DeadlineExceeded:
                attempt.maybe_spent = True
                raise self._deadline_error(shown, deadline, what) from None
            except httpx.HTTPError as error:
                self._log(request, "connection error", started, tries)
                if was_not_sent(error):
                    wait = self.retry.backoff(tries)
                    if tries < self.retry.max_retries and deadline.allows(wait):
                        yield (SLEEP, wait, deadline)
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
                yield (READ, response, ERROR_BODY_LIMIT, deadline, False, capped)
            except (httpx.HTTPError, DeadlineExceeded, TooLarge) as error:
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
                    yield (SLEEP, pause, deadline)
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
