"""The real-server report: every capture and real response through the client, strictly.

    python scripts/live_report.py [--captures DIR] [--real-responses DIR] [--lenient] [--only NAME]
    nox -s live-report

For each capture of shared/live-server (a real self-hosted Cal.com server, see
its README) the call it records is made again through the public client
(`Cal(..., strict=True)`) on a transport that answers what the server
answered; for each body of shared/real-responses (live api.cal.com) the
operation is found by method and path and called the same way, with the
arguments of its spec-derived recording. One line per exchange:

    ok    get_booking                      200  GetBookingOutput
    FAIL  get_booking--x                   200  data.hosts[0].displayEmail: missing (BookingHost)
    ok    get_booking--not-found           404  raised NotFoundError
    skip  create_schedule--bad-body        -    never sent (the client refused the call)

A 2xx is ok when it parses strictly and `to_dict()` gives back the body
(date-times compare as instants, numbers by value); unknown fields are listed
after it (`+ Model.field`), they do not fail it. An error answer is ok when the
client raises the typed error for its status. Totals close the report; the exit
code is 1 when anything failed. This is the table to read after re-recording.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests")]

import live_captures  # noqa: E402
from _compare import differences  # noqa: E402  (tests/_compare.py: how bodies compare)

API_KEY = "cal_test_live_report"


@dataclass
class Outcome:
    name: str
    status: int | None
    verdict: str  # ok | FAIL | skip
    detail: str
    unknown: list[str] = field(default_factory=list)

    def line(self) -> str:
        status = "-" if self.status is None else str(self.status)
        return f"{self.verdict:<5} {self.name:<60} {status:>4}  {self.detail}"


def _client(answer: Callable[[httpx.Request], httpx.Response], *, strict: bool) -> Any:
    from calcom import Cal

    return Cal(
        api_key=API_KEY,
        client_id="live-report-client",
        client_secret="live-report-secret",
        base_url=live_captures.BASE_URL,
        http_client=httpx.Client(transport=httpx.MockTransport(answer)),
        max_retries=0,
        strict=strict,
    )


def _response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    headers = {k: v for k, v in (headers or {}).items() if k.lower() == "content-type"}
    if body is None:
        return httpx.Response(status, headers=headers)
    if isinstance(body, str) and not headers.get("content-type", "").startswith("application/json"):
        return httpx.Response(status, headers=headers, content=body.encode())
    headers.setdefault("content-type", "application/json")
    return httpx.Response(status, headers=headers, content=json.dumps(body).encode())


def _method(cal: Any, attrs: tuple[str, ...]) -> Any:
    target = cal
    for name in attrs:
        target = getattr(target, name)
    return target


def prepare(
    cal: Any, attrs: tuple[str, ...], args: list[Any], kwargs: dict[str, Any], version: str | None
) -> Callable[[], Any]:
    """`cal.<attrs>(*args, **kwargs)` ready to call: JSON arguments converted to what
    the signature asks for (models, datetimes), with the given cal-api-version.
    (Converting the arguments parses models too: that stays out of the report.)"""
    import recordings

    method = _method(cal, attrs)
    if version and method.operation.api_version and version != method.operation.api_version:
        method = method.with_options(api_version=version)
    build = _build_of(cal, attrs)
    py_args, py_kwargs = recordings.call_arguments(build, {"args": args, "kwargs": kwargs})
    build(*py_args, **py_kwargs)  # a call the client refuses fails here, before sending
    return lambda: method(*py_args, **py_kwargs)


def call(
    cal: Any, attrs: tuple[str, ...], args: list[Any], kwargs: dict[str, Any], version: str | None
) -> Any:
    return prepare(cal, attrs, args, kwargs, version)()


def _build_of(cal: Any, attrs: tuple[str, ...]) -> Any:
    from calcom._endpoint import Endpoint

    resource = _method(cal, attrs[:-1])
    for cls in type(resource).__mro__:
        endpoint = vars(cls).get(attrs[-1])
        if isinstance(endpoint, Endpoint):
            return endpoint.build
    raise LookupError(".".join(attrs))


def judge(
    name: str,
    status: int | None,
    body: Any,
    run: Callable[[], Callable[[], Any]],
) -> Outcome:
    from calcom import CalError
    from calcom._lenient import collect_surprises

    try:
        send = run()
    except (TypeError, ValueError, LookupError) as error:
        if status is not None and status >= 300:
            # Today's client refuses, before sending, the call that got this error
            # answer: the request it made then was fixed since.
            return Outcome(name, status, "skip", f"the client now refuses the call: {error}")
        return Outcome(name, status, "FAIL", f"call failed: {type(error).__name__}: {error}")
    try:
        with collect_surprises() as surprises:
            result = send()
    except CalError as error:
        answered = getattr(error, "status_code", None)
        if status is not None and status >= 300 and (answered == status or status < 400):
            return Outcome(name, status, "ok", f"raised {type(error).__name__}")
        return Outcome(name, status, "FAIL", f"raised {type(error).__name__}: {error}")
    if status is not None and status >= 300:
        return Outcome(name, status, "FAIL", f"no error raised for {status}")
    # Strict mode raised on anything else; lenient mode lists what it tolerated.
    unknown = sorted({f"{s.model}.{s.field}: {s.detail}" for s in surprises})
    dumped = result.to_dict() if hasattr(result, "to_dict") else result
    found = differences(None if body == "" else body, dumped)  # "": no content (204)
    if found:
        return Outcome(name, status, "FAIL", f"to_dict() differs: {found[0]}", unknown)
    return Outcome(name, status, "ok", type(result).__name__, unknown)


def capture_outcome(capture: live_captures.Capture, *, strict: bool = True) -> Outcome:
    if not capture.sent:
        return Outcome(capture.name, None, "skip", "never sent (the client refused the call)")
    status = capture.status
    data = capture.data
    if capture.other_api_version:
        return Outcome(
            capture.name,
            status,
            "skip",
            f"answer of cal-api-version {data.get('cal_api_version_sent')}, a contract "
            "this client's models do not describe",
        )

    def answer(request: httpx.Request) -> httpx.Response:
        return _response(
            int(data["status"]), data.get("response_body"), data.get("response_headers")
        )

    def run() -> Callable[[], Any]:
        cal = _client(answer, strict=strict)
        version = data.get("cal_api_version_sent")
        return prepare(cal, capture.attrs, capture.args, capture.kwargs, version)

    return judge(capture.name, status, capture.body, run)


def real_response_outcome(path: Path, record: dict[str, Any], *, strict: bool = True) -> Outcome:
    import recordings

    name = f"real-responses/{path.stem}"
    status = int(record["status"])
    spec = json.loads((recordings._generated_dir(None) / "openapi.json").read_text())
    operations = recordings.spec_operations(spec)
    op = recordings.operation_serving(operations, record["method"], record["path"])
    if op is None:
        return Outcome(
            name, status, "FAIL", f"no operation serves {record['method']} {record['path']}"
        )
    spec_derived = recordings.load(recordings.recording_path(op.namespace, op.operation_id))

    def answer(request: httpx.Request) -> httpx.Response:
        return _response(status, record.get("body"))

    def run() -> Callable[[], Any]:
        cal = _client(answer, strict=strict)
        attrs = (*op.namespace.split("."), op.name)
        args, kwargs = spec_derived.call.get("args") or [], spec_derived.call.get("kwargs") or {}
        return prepare(cal, attrs, args, kwargs, record.get("cal_api_version"))

    if status >= 300:
        return Outcome(name, status, "skip", "not a 2xx")
    return judge(name, status, record.get("body"), run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--captures", type=Path, default=None)
    parser.add_argument("--real-responses", type=Path, default=None)
    parser.add_argument("--lenient", action="store_true", help="parse leniently (as users run)")
    parser.add_argument("--only", help="only exchanges whose name contains this")
    parser.add_argument("--failures", action="store_true", help="print only failed lines")
    options = parser.parse_args(argv)
    strict = not options.lenient
    outcomes: list[Outcome] = []
    captures = options.captures or live_captures.captures_dir()
    if captures.is_dir():
        for capture in live_captures.load_all(captures):
            if options.only and options.only not in capture.name:
                continue
            outcomes.append(capture_outcome(capture, strict=strict))
    else:
        print(f"no captures at {captures}")
    real = options.real_responses or live_captures.real_responses_dir()
    if real.is_dir():
        for path, record in live_captures.real_responses(real):
            if options.only and options.only not in path.stem:
                continue
            outcomes.append(real_response_outcome(path, record, strict=strict))
    else:
        print(f"no real responses at {real}")
    for outcome in outcomes:
        if options.failures and outcome.verdict != "FAIL":
            continue
        print(outcome.line())
        for key in outcome.unknown:
            print(f"{'':6}+ {key}")
    counts = {
        verdict: sum(o.verdict == verdict for o in outcomes) for verdict in ("ok", "FAIL", "skip")
    }
    unknown = sum(len(o.unknown) for o in outcomes)
    mode = "lenient" if options.lenient else "strict"
    print(
        f"{len(outcomes)} exchanges ({mode}): {counts['ok']} ok, {counts['FAIL']} failed, "
        f"{counts['skip']} skipped; {unknown} unknown fields reported"
    )
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
