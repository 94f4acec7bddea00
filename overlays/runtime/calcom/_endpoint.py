"""How a generated endpoint becomes a typed method on a namespace.

A generated endpoint module gives two functions: `_get_kwargs(...)` builds the
request and `_parse_response(response)` parses a 2xx answer. The namespaces
(calcom/_resources, generated) bind them with `Endpoint(...)`; this module
turns that into `cal.bookings.list(...)`, `cal.bookings.list.with_raw_response(...)`,
`cal.bookings.list.with_options(...)(...)` and, for paginated operations,
`cal.bookings.list.iter(...)`. ParamSpec keeps each method's exact signature
for type checkers.
"""

from __future__ import annotations

import functools
import inspect
import logging
import operator
import re
import sys
import types
import typing
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import import_module
from importlib.util import resolve_name
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, Self, TypeVar, cast, overload

import httpx

from . import _exceptions as exc
from ._arguments import ArgumentChecker, check_timeout
from ._generated.types import Unset

if TYPE_CHECKING:
    from ._client import AsyncCal, Cal

logger = logging.getLogger("calcom")
P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Operation:
    """Facts about one operation, from the overlaid spec."""

    operation_id: str
    method: str
    path: str
    namespace: str
    api_version: str | None = None
    auth: str = "bearer"
    page_params: tuple[str, str] | None = None
    """(offset name, page-size name) of the Python parameters, e.g. ("skip", "take")."""
    comma_params: tuple[str, ...] = ()
    """Query parameters (wire names) Cal.com expects as one comma-separated value."""


class _ClientDefault:
    """The default of `timeout=` in `with_options`: "the client's" (None means no timeout)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "CLIENT_DEFAULT"

    def __reduce__(self) -> str:
        return "CLIENT_DEFAULT"


# A named sentinel, so help() shows `timeout=CLIENT_DEFAULT`, not `<object object at 0x…>`.
CLIENT_DEFAULT: Any = _ClientDefault()
_DEFAULT: Any = CLIENT_DEFAULT


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Per-call settings; None means "the client's"."""

    api_version: str | None = None
    timeout: float | httpx.Timeout | None = _DEFAULT
    max_retries: int | None = None
    extra_headers: Mapping[str, str] | None = None
    deadline: float | None = _DEFAULT
    """Seconds the whole call may take, retries included (None: no limit)."""

    @property
    def has_timeout(self) -> bool:
        return self.timeout is not _DEFAULT

    @property
    def has_deadline(self) -> bool:
        return self.deadline is not _DEFAULT


NO_OPTIONS = RequestOptions()


class APIResponse(Generic[R]):
    """The raw answer of a call, parsed on demand."""

    __slots__ = ("http_response", "_parse", "_client", "_parsed")

    def __init__(
        self, http_response: httpx.Response, parse: Callable[[httpx.Response], R], client: Any
    ) -> None:
        self.http_response = http_response
        self._parse = parse
        self._client = client
        self._parsed: list[R] = []

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    def json(self) -> Any:
        """The body as JSON; a body that is not JSON (or nests too deep for Python's
        parser) raises ResponseParseError, a CalError like every other failure."""
        try:
            return self.http_response.json()
        except (ValueError, RecursionError) as error:
            request = self.http_response.request
            raise exc.ResponseParseError(
                f"{request.method} {request.url.path}: the {self.status_code} answer is not "
                f"JSON: {type(error).__name__}: {str(error)[: exc.MAX_MESSAGE]}",
                response=self.http_response,
            ) from None

    def parse(self) -> R:
        if not self._parsed:
            self._parsed.append(self._client._parse(self._parse, self.http_response))
        return self._parsed[0]

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self.http_response.request.url.path}>"


class SyncResource:
    """A namespace of a `Cal` client."""

    def __init__(self, client: Cal) -> None:
        self._client = client


class AsyncResource:
    """A namespace of an `AsyncCal` client."""

    def __init__(self, client: AsyncCal) -> None:
        self._client = client


class _Ref:
    """A function of a generated endpoint module that is not imported yet."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    def resolve(self) -> Any:
        return getattr(import_module(self.module), self.name)


class LazyModule:
    """Stands for a generated endpoint module in a namespace (at runtime only;
    type checkers see the real import): `module._get_kwargs` is a reference
    that `Endpoint` imports on first use, so `cal.bookings` does not import
    the modules (and models) of all its operations."""

    __slots__ = ("_module",)

    def __init__(self, name: str, package: str | None) -> None:
        self._module = resolve_name(name, package)

    def __getattr__(self, name: str) -> Any:
        return _Ref(self._module, name)


class Endpoint(Generic[P, R]):
    """Descriptor binding a generated request builder and parser to a namespace."""

    def __init__(
        self,
        build: Callable[P, dict[str, Any]],
        parse: Callable[[httpx.Response], R],
        operation: Operation,
    ) -> None:
        self._build = build
        self._parse = parse
        self.operation = operation
        self._name = operation.operation_id
        self._signature: inspect.Signature | None = None
        self._checker: ArgumentChecker | None = None
        self._needs_check = True

    def request(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """The request of a call, its arguments checked first (calcom._arguments)."""
        if args or kwargs or self._needs_check:
            checker = self._checker
            if checker is None:
                checker = self._checker = ArgumentChecker(
                    f"cal.{self.operation.namespace}.{self._name}()",
                    self.signature(),
                    self.build.__globals__.get("_BODY_FIELDS", ()),
                )
                self._needs_check = bool(checker.required)
            checker(args, kwargs)
        build: Callable[..., dict[str, Any]] = self.build
        return build(*args, **kwargs)

    def signature(self) -> inspect.Signature:
        """The call's real signature: the generated builder's, with the body fields every
        variant requires marked required, and the parsed result as return annotation."""
        signature = self._signature
        if signature is None:
            build = self.build
            required = build.__globals__.get("_REQUIRED_BODY_FIELDS", ())
            params = [
                param.replace(
                    default=inspect.Parameter.empty, annotation=_without_unset(param.annotation)
                )
                if param.name in required
                else param
                for param in inspect.signature(build).parameters.values()
            ]
            result = inspect.signature(self.parse).return_annotation
            signature = self._signature = _Signature(params, return_annotation=result)
        return signature

    def doc(self) -> str:
        """What help() shows: summary, route, api version, result, then the parameters."""
        op = self.operation
        text = inspect.getdoc(self.build) or op.operation_id
        summary, _, rest = text.partition("\n\n")
        result = self.signature().return_annotation
        version = f", cal-api-version {op.api_version}" if op.api_version else ""
        lines = [summary, "", f"`{op.method} {op.path}`{version}. Returns `{_name_of(result)}`."]
        if isinstance(self, PaginatedEndpoint):
            lines.append(
                "`.iter(...)` yields every item of `data` across pages; `.pages(...)` each page."
            )
        required = self.build.__globals__.get("_REQUIRED_BODY_FIELDS", ())
        if required:
            fields = ", ".join(f"`{name}`" for name in required)
            lines.append(f"Required: {fields} (or a model as `body=`).")
        return "\n".join(lines) + (f"\n\n{rest.strip()}" if rest.strip() else "")

    @property
    def build(self) -> Callable[P, dict[str, Any]]:
        """The generated `_get_kwargs` (imported on first use)."""
        build = self._build
        if isinstance(build, _Ref):
            build = self._build = build.resolve()
        return build

    @property
    def parse(self) -> Callable[[httpx.Response], R]:
        """The generated `_parse_response` (imported on first use)."""
        parse = self._parse
        if isinstance(parse, _Ref):
            parse = self._parse = parse.resolve()
        return parse

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type) -> Endpoint[P, R]: ...
    @overload
    def __get__(self, obj: AsyncResource, owner: type) -> AsyncBoundEndpoint[P, R]: ...
    @overload
    def __get__(self, obj: SyncResource, owner: type) -> BoundEndpoint[P, R]: ...
    def __get__(self, obj: object, owner: type) -> Any:
        if obj is None:
            return self
        bound: Any
        if isinstance(obj, AsyncResource):
            bound = AsyncBoundEndpoint(self, obj._client, NO_OPTIONS)
        else:
            bound = BoundEndpoint(self, obj._client, NO_OPTIONS)  # type: ignore[attr-defined]
        # Cache on the instance: the next access skips this descriptor entirely.
        obj.__dict__[self._name] = bound
        return bound


class PaginatedEndpoint(Endpoint[P, R], Generic[P, R, T]):
    """An endpoint with skip/take paging whose page lists its items in `data`."""

    def __init__(
        self,
        build: Callable[P, dict[str, Any]],
        parse: Callable[[httpx.Response], R],
        operation: Operation,
        items: Callable[[R], Sequence[T]],
    ) -> None:
        super().__init__(build, parse, operation)
        self.items = items

    @overload
    def __get__(self, obj: None, owner: type) -> PaginatedEndpoint[P, R, T]: ...
    @overload
    def __get__(self, obj: AsyncResource, owner: type) -> AsyncBoundPaginatedEndpoint[P, R, T]: ...
    @overload
    def __get__(self, obj: SyncResource, owner: type) -> BoundPaginatedEndpoint[P, R, T]: ...
    def __get__(self, obj: object, owner: type) -> Any:
        if obj is None:
            return self
        bound: Any
        if isinstance(obj, AsyncResource):
            bound = AsyncBoundPaginatedEndpoint(self, obj._client, NO_OPTIONS)
        else:
            bound = BoundPaginatedEndpoint(self, obj._client, NO_OPTIONS)  # type: ignore[attr-defined]
        obj.__dict__[self._name] = bound
        return bound


def _options(
    base: RequestOptions,
    api_version: str | None,
    timeout: float | httpx.Timeout | None,
    max_retries: int | None,
    extra_headers: Mapping[str, str] | None,
    deadline: float | None = _DEFAULT,
) -> RequestOptions:
    changes: dict[str, Any] = {}
    if deadline is not _DEFAULT:
        if deadline is not None and not deadline > 0:
            raise ValueError(f"deadline must be a number of seconds > 0 or None, got {deadline}")
        changes["deadline"] = deadline
    if api_version is not None:
        changes["api_version"] = api_version
    if timeout is not _DEFAULT:
        changes["timeout"] = check_timeout(timeout, "with_options()")
    if max_retries is not None:
        changes["max_retries"] = max_retries
    if extra_headers is not None:
        changes["extra_headers"] = {**(base.extra_headers or {}), **extra_headers}
    return replace(base, **changes)


class _Method:
    """What every bound method shares: per-call options and what help(), inspect
    and IDEs read (the real signature and docstring, from the endpoint module)."""

    __slots__ = ("_endpoint", "_client", "_options")

    def __init__(self, endpoint: Endpoint[Any, Any], client: Any, options: RequestOptions) -> None:
        self._endpoint = endpoint
        self._client = client
        self._options = options

    def with_options(
        self,
        *,
        api_version: str | None = None,
        timeout: float | httpx.Timeout | None = CLIENT_DEFAULT,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        deadline: float | None = CLIENT_DEFAULT,
    ) -> Self:
        """This method with per-call settings, e.g. `.with_options(timeout=60)(...)`;
        `deadline` bounds the whole call, retries included."""
        options = _options(
            self._options, api_version, timeout, max_retries, extra_headers, deadline
        )
        return type(self)(self._endpoint, self._client, options)

    @property
    def operation(self) -> Operation:
        return self._endpoint.operation

    # Introspection: a routine-like object (pydoc documents it as a function).
    @property
    def __signature__(self) -> inspect.Signature:
        return self._endpoint.signature()

    @property
    def __name__(self) -> str:
        return self._endpoint._name


def _itself(self: _Method, obj: object, owner: type | None = None) -> _Method:
    return self


# A `__get__` makes a bound method a "method descriptor" to inspect, so pydoc documents it
# as a routine (signature and docstring). Set from outside the class body: static tools
# (jedi) would apply it to the stubs' `create: BookingsCreate` and lose the method's type.
setattr(_Method, "__get__", _itself)  # noqa: B010


# Every bound class sets it: a class without a docstring would have `__doc__ = None`.
_DOC = property(lambda self: self._endpoint.doc(), doc="The method's documentation.")


class SyncMethod(_Method):
    """A method of a `Cal` namespace: call it; `.with_raw_response(...)`, `.with_options(...)`."""

    __slots__ = ()


class AsyncMethod(_Method):
    """A method of an `AsyncCal` namespace: await it, or `.with_raw_response(...)`."""

    __slots__ = ()


class BoundEndpoint(SyncMethod, Generic[P, R]):
    """`cal.<namespace>.<method>`: call it to send the request."""

    __slots__ = ()

    __doc__ = _DOC

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        endpoint = self._endpoint
        response = self._client._send(
            endpoint.operation, endpoint.request(args, kwargs), self._options
        )
        return self._client._parse(endpoint.parse, response)  # type: ignore[no-any-return]

    def with_raw_response(self, *args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        """Send the request; return the HTTP answer (status, headers) with `.parse()`."""
        endpoint = self._endpoint
        response = self._client._send(
            endpoint.operation, endpoint.request(args, kwargs), self._options
        )
        return APIResponse(response, endpoint.parse, self._client)

    def __repr__(self) -> str:
        op = self._endpoint.operation
        return f"<{op.namespace}.{self._endpoint._name}: {op.method} {op.path}>"


class BoundPaginatedEndpoint(BoundEndpoint[P, R], Generic[P, R, T]):
    __slots__ = ()
    __doc__ = _DOC

    def _paged(self) -> PaginatedEndpoint[P, R, T]:
        return cast("PaginatedEndpoint[P, R, T]", self._endpoint)

    def pages(self, *args: P.args, **kwargs: P.kwargs) -> Iterator[R]:
        """Every page, from the given `skip` on, until the server has no more."""
        endpoint = self._paged()
        pager = _Pager(endpoint, kwargs)
        while True:
            response = self._client._send(endpoint.operation, pager.request(args), self._options)
            page = self._client._parse(endpoint.parse, response)
            if pager.repeats(page):
                return
            yield page
            if not pager.advance(page):
                return

    def iter(self, *args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        """Every item of every page: `for booking in cal.bookings.list.iter(...)`."""
        for page in self.pages(*args, **kwargs):
            yield from _items_of(self._paged(), page)


class AsyncBoundEndpoint(AsyncMethod, Generic[P, R]):
    """`async_cal.<namespace>.<method>`: await it to send the request."""

    __slots__ = ()

    __doc__ = _DOC

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        endpoint = self._endpoint
        response = await self._client._send(
            endpoint.operation, endpoint.request(args, kwargs), self._options
        )
        return self._client._parse(endpoint.parse, response)  # type: ignore[no-any-return]

    async def with_raw_response(self, *args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        """Send the request; return the HTTP answer (status, headers) with `.parse()`."""
        endpoint = self._endpoint
        response = await self._client._send(
            endpoint.operation, endpoint.request(args, kwargs), self._options
        )
        return APIResponse(response, endpoint.parse, self._client)

    def __repr__(self) -> str:
        op = self._endpoint.operation
        return f"<async {op.namespace}.{self._endpoint._name}: {op.method} {op.path}>"


class AsyncBoundPaginatedEndpoint(AsyncBoundEndpoint[P, R], Generic[P, R, T]):
    __slots__ = ()
    __doc__ = _DOC

    def _paged(self) -> PaginatedEndpoint[P, R, T]:
        return cast("PaginatedEndpoint[P, R, T]", self._endpoint)

    async def pages(self, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[R]:
        endpoint = self._paged()
        pager = _Pager(endpoint, kwargs)
        while True:
            response = await self._client._send(
                endpoint.operation, pager.request(args), self._options
            )
            page = self._client._parse(endpoint.parse, response)
            if pager.repeats(page):
                return
            yield page
            if not pager.advance(page):
                return

    async def iter(self, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[T]:
        """Every item of every page: `async for booking in cal.bookings.list.iter(...)`."""
        async for page in self.pages(*args, **kwargs):
            for item in _items_of(self._paged(), page):
                yield item


class _Pager:
    """Offset paging state. Stops on an empty page, on the server's
    `hasNextPage: false` (without it: on a page shorter than asked for), or
    when the server ignores the offset."""

    __slots__ = ("endpoint", "kwargs", "offset_name", "size_name", "offset", "size", "first_key")

    def __init__(
        self, endpoint: PaginatedEndpoint[Any, Any, Any], kwargs: Mapping[str, Any]
    ) -> None:
        assert endpoint.operation.page_params is not None
        self.endpoint = endpoint
        self.kwargs = dict(kwargs)
        self.offset_name, self.size_name = endpoint.operation.page_params
        offset = self.kwargs.get(self.offset_name)
        self.offset = int(offset) if isinstance(offset, int | float) else 0
        size = self.kwargs.get(self.size_name, _default_of(endpoint.build, self.size_name))
        self.size = size if isinstance(size, int | float) else None
        self.first_key: Any = None

    def request(self, args: tuple[Any, ...]) -> dict[str, Any]:
        self.kwargs[self.offset_name] = self.offset
        return self.endpoint.request(args, self.kwargs)

    def repeats(self, page: Any) -> bool:
        """The server ignored the offset and sent the previous page again."""
        items = _items_of(self.endpoint, page)
        if self.first_key is None or not items:
            return False
        return bool(_identity(items[0]) == self.first_key)

    def advance(self, page: Any) -> bool:
        items = _items_of(self.endpoint, page)
        if not items:
            return False
        self.first_key = _identity(items[0])
        self.offset += len(items)
        # The server's word first: a server that caps the page size answers fewer
        # items than asked although more follow.
        pagination = getattr(page, "pagination", None)
        has_next = getattr(pagination, "has_next_page", None)
        if isinstance(has_next, bool):
            return has_next
        has_more = getattr(pagination, "has_more", None)
        if isinstance(has_more, bool):
            # A cursor page (cal-api-version 2026-05-01): the pinned spec documents no
            # cursor parameter to ask for the next one, and offsets do not apply.
            if has_more:
                logger.warning(
                    "calcom: %s answered a cursor page; iteration stops after it. Use the "
                    "operation's default cal-api-version for offset paging.",
                    self.endpoint.operation.path,
                )
            return False
        return self.size is None or len(items) >= self.size


def _items_of(endpoint: PaginatedEndpoint[Any, Any, T], page: Any) -> Sequence[T]:
    """A page's items; none when the page has no list where they belong (a lenient
    parse kept something else there), so iteration ends instead of failing."""
    try:
        items = endpoint.items(page)
    except AttributeError:
        return ()
    if isinstance(items, Sequence) and not isinstance(items, str | bytes):
        return items
    return ()


class _Signature(inspect.Signature):
    """A signature that prints the way a user writes the types (`BookingOutput | Unset`,
    `Literal['asc', 'desc']`), not their modules (`calcom._generated.models.booking_output.
    BookingOutput`). The annotations themselves stay the real types: argument checks,
    type-aware tools and `typing.get_type_hints` users read those."""

    __slots__ = ()

    def __str__(self) -> str:
        return _QUALIFIERS.sub("", super().__str__())

    if sys.version_info >= (3, 13):
        # pydoc of 3.13 prints long signatures one parameter a line, through format().
        def format(self, *, max_width: int | None = None) -> str:
            return _QUALIFIERS.sub("", super().format(max_width=max_width))


# Module paths inspect puts before a class name: the generated models' and types',
# typing's, and datetime's (`datetime.datetime` reads as `datetime`).
_QUALIFIERS = re.compile(
    r"\b(?:calcom\._generated\.(?:models\.\w+|types)|typing|datetime(?=\.date))\."
)


def _without_unset(annotation: Any) -> Any:
    """`X | Unset` -> `X` (a required argument cannot be left unset)."""
    if isinstance(annotation, types.UnionType):
        kept = [member for member in typing.get_args(annotation) if member is not Unset]
        return functools.reduce(operator.or_, kept) if kept else annotation
    return annotation


def _name_of(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation)


def _default_of(function: Callable[..., Any], name: str) -> Any:
    """The default of a parameter (the page size the server gets when none is given)."""
    parameter = inspect.signature(function).parameters.get(name)
    return None if parameter is None else parameter.default


def _identity(item: Any) -> Any:
    for name in ("uid", "id"):
        value = getattr(item, name, None)
        if isinstance(value, str | int):
            return (name, value)
    return None
