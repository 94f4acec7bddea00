"""Record live exchanges with Cal.com as `provenance: live` recordings.

    CAL_API_KEY=cal_test_… python scripts/record.py list_bookings --kwargs '{"take": 3}'
    CAL_API_KEY=cal_test_… python scripts/record.py get_booking --args '["<booking uid>"]'
    CAL_API_KEY=cal_test_… python scripts/record.py --plan scripts/plans/read-only.yaml
    CAL_API_KEY=cal_test_… python scripts/record.py cancel_booking --args '["<uid>"]' \\
        --kwargs '{"body": {"cancellationReason": "test"}}' --allow-writes

(`nox -s record -- <arguments>` runs this with the generated package installed.)

Each call goes through the public client exactly as a user makes it
(`Cal(...).<namespace>.<method>.with_raw_response(*args, **kwargs)`); a wrapping
httpx transport keeps the request that went out and the answer that came back.
The exchange becomes a recording (format: tests/recordings/README.md) with
`provenance: live` and `source: {recorded: <UTC date>, base_url: …}`, is run
through scripts/scrub.py (credentials, e-mail addresses, names, phone numbers,
tokens in URLs replaced by stable placeholders) and written to
tests/recordings/<namespace>/<operationId>--live.yaml (`--variant NAME` for
another name; `--variant ''` writes the operation's own file, replacing its
spec-derived recording).

Safety:
- CAL_API_KEY must be set (CAL_BASE_URL defaults to https://api.cal.com;
  CAL_CLIENT_ID / CAL_CLIENT_SECRET are used for platform operations). The key
  never reaches a recording: the recording says `auth: bearer`, the contract
  tests supply their own fake key.
- Operations that change data (anything but GET, and GETs that save OAuth
  credentials) need `--allow-writes`; a plan is checked before anything is sent.
- An existing live or observed recording is not replaced without `--force`; a
  spec-derived one is.
- An error answer (4xx/5xx) is written only with an explicit `--variant`
  (e.g. `--variant not-found`); the recording then says which exception the
  client raises (`expect`).
- `--dry-run` sends nothing and writes nothing: it prints the requests; `--print`
  records and prints the scrubbed YAML without writing it.

A plan (`--plan FILE.yaml`) is a list of calls, each
`{operation, args, kwargs, variant, body_type, options, note, id}`; a string
`${<id>:<dotted.path>}` in args/kwargs takes a value from an earlier call's
answer (`${list_bookings:data.0.uid}`; `id` defaults to the operationId). A call
whose reference cannot be resolved (an empty list) is skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import recordings  # noqa: E402 - scripts/ is the import root
import scrub  # noqa: E402

DEFAULT_BASE_URL = "https://api.cal.com"
DEFAULT_VARIANT = "live"
KEEP_RESPONSE_HEADERS = ("content-type",)
LARGE_RECORDING = 100_000  # bytes: suggest a smaller page
# GET operations that are not reads: OAuth callbacks that store credentials.
SIDE_EFFECT_GET = re.compile(r"/(?:save|oauth/callback)$")
REFERENCE = re.compile(r"\$\{([^:}]+):([^}]*)\}")
MISSING: Any = object()  # no body


class RecordError(Exception):
    """A call that could not be recorded (reported, the next one goes on)."""


class Unresolved(Exception):
    """A `${id:path}` reference an earlier answer does not provide."""


@dataclass
class Step:
    operation: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    variant: str | None = None  # None: DEFAULT_VARIANT, and error answers are refused
    body_type: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    id: str | None = None

    @property
    def name(self) -> str:
        return self.id or self.operation

    @classmethod
    def from_mapping(cls, entry: Mapping[str, Any], where: str) -> Step:
        unknown = set(entry) - {
            "operation",
            "args",
            "kwargs",
            "variant",
            "body_type",
            "options",
            "note",
            "id",
        }
        if "operation" not in entry or unknown:
            raise RecordError(
                f"{where}: a plan step needs `operation`"
                + (f"; unknown keys {sorted(unknown)}" if unknown else "")
            )
        step = cls(
            operation=str(entry["operation"]),
            args=list(entry.get("args") or []),
            kwargs=dict(entry.get("kwargs") or {}),
            variant=None if entry.get("variant") is None else str(entry["variant"]),
            body_type=entry.get("body_type"),
            options=dict(entry.get("options") or {}),
            note=entry.get("note"),
            id=entry.get("id"),
        )
        return step


@dataclass
class Config:
    api_key: str
    base_url: str
    client_id: str | None
    client_secret: str | None
    directory: Path
    allow_writes: bool = False
    force: bool = False
    dry_run: bool = False
    print_only: bool = False
    today: str = ""


@dataclass
class Exchange:
    request: httpx.Request
    response: httpx.Response


class Capture(httpx.BaseTransport):
    """Passes requests on to `inner` and keeps each request and its (read) answer."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        response = self.inner.handle_request(request)
        response.read()
        self.exchanges.append(Exchange(request, response))
        return response

    def close(self) -> None:
        pass  # `inner` serves every call of a plan; whoever made it closes it


# --- what an operation is -------------------------------------------------------------


def is_write(op: recordings.SpecOperation) -> bool:
    return op.method not in ("GET", "HEAD", "OPTIONS") or bool(SIDE_EFFECT_GET.search(op.path))


def bound_method(cal: Any, op: recordings.SpecOperation) -> Any:
    """`cal.<namespace>.<method>`: the public method of the operation."""
    resource = cal
    for part in op.namespace.split("."):
        resource = getattr(resource, part)
    return getattr(resource, op.name)


def auth_of(headers: httpx.Headers) -> str:
    """The recording's `request.auth` for the credential headers actually sent."""
    kinds = []
    if "authorization" in headers:
        kinds.append("bearer")
    if "x-cal-client-id" in headers:
        kinds.append("client")
    elif "x-cal-secret-key" in headers:
        kinds.append("secret")
    return "+".join(kinds) or "none"


# --- references between plan steps ------------------------------------------------------


def resolve(value: Any, answers: Mapping[str, Any]) -> Any:
    """`value` with `${id:path}` references replaced from earlier answers; a string that
    is one reference takes the referenced value as it is (an int id stays an int)."""
    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value)
        if whole:
            return lookup(answers, whole[1], whole[2])
        return REFERENCE.sub(lambda m: str(lookup(answers, m[1], m[2])), value)
    if isinstance(value, list):
        return [resolve(item, answers) for item in value]
    if isinstance(value, dict):
        return {key: resolve(item, answers) for key, item in value.items()}
    return value


def lookup(answers: Mapping[str, Any], name: str, path: str) -> Any:
    if name not in answers:
        raise Unresolved(f"${{{name}:{path}}}: no earlier answer of {name!r}")
    node = answers[name]
    for part in [p for p in path.split(".") if p]:
        if (
            isinstance(node, list)
            and re.fullmatch(r"-?\d+", part)
            and -len(node) <= int(part) < len(node)
        ):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise Unresolved(f"${{{name}:{path}}}: the answer of {name} has no {part!r} there")
    if node is None or isinstance(node, dict | list):
        raise Unresolved(f"${{{name}:{path}}} is {json.dumps(node)[:60]}, not a value")
    return node


def has_reference(value: Any) -> bool:
    return REFERENCE.search(json.dumps(value)) is not None


# --- building the recording ---------------------------------------------------------------


def _query(url: httpx.URL) -> dict[str, Any]:
    out: dict[str, list[str]] = {}
    for key, value in url.params.multi_items():
        out.setdefault(key, []).append(value)
    return {key: values[0] if len(values) == 1 else values for key, values in out.items()}


def _path(request: httpx.Request, base_url: str) -> str:
    path = request.url.raw_path.decode().split("?", 1)[0]
    prefix = httpx.URL(base_url).raw_path.decode().rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]  # a self-hosted API under https://host/api
    return path


def _body(response: httpx.Response) -> Any:
    if not response.content:
        return MISSING
    content_type = response.headers.get("content-type", "")
    if "json" in content_type:
        try:
            return response.json()
        except ValueError:
            pass
    return response.text


def exchange_recording(
    step: Step, op: recordings.SpecOperation, exchange: Exchange, config: Config
) -> dict[str, Any]:
    """The unscrubbed recording of one exchange."""
    request, response = exchange.request, exchange.response
    call: dict[str, Any] = {"args": step.args, "kwargs": step.kwargs}
    if step.body_type:
        call["body_type"] = step.body_type
    if step.options:
        call["options"] = step.options

    recorded: dict[str, Any] = {"method": request.method, "path": _path(request, config.base_url)}
    query = _query(request.url)
    if query:
        recorded["query"] = query
    version = request.headers.get("cal-api-version")
    if version is not None:
        recorded["headers"] = {"cal-api-version": version}
    recorded["auth"] = auth_of(request.headers)
    if request.content:
        try:
            recorded["body"] = json.loads(request.content)
        except ValueError as error:
            raise RecordError(f"{op.operation_id}: the request body is not JSON") from error

    answer: dict[str, Any] = {"status": response.status_code}
    headers = {
        name: response.headers[name] for name in KEEP_RESPONSE_HEADERS if name in response.headers
    }
    if headers:
        answer["headers"] = headers
    body = _body(response)
    if body is not MISSING:
        answer["body"] = body

    source = {"recorded": config.today, "base_url": _public_base_url(config.base_url)}
    return {
        "operation": op.operation_id,
        "provenance": "live",
        "source": source,
        "call": call,
        "request": recorded,
        "response": answer,
    }


def _public_base_url(base_url: str) -> str:
    """The base URL without credentials or a query (a self-hosted URL may carry them)."""
    url = httpx.URL(base_url)
    return str(url.copy_with(username=None, password=None, query=None, fragment=None)).rstrip("/")


def expectation(recording: Mapping[str, Any]) -> dict[str, Any]:
    """`expect` of an error recording: what the client raises for the (scrubbed) answer."""
    from calcom._exceptions import error_for

    answer = recording["response"]
    request = httpx.Request(
        recording["request"]["method"], DEFAULT_BASE_URL + recording["request"]["path"]
    )
    body = answer.get("body", MISSING)
    content = b"" if body is MISSING else _encode(body, answer.get("headers") or {})
    error = error_for(
        httpx.Response(
            answer["status"], headers=answer.get("headers"), content=content, request=request
        )
    )
    expect: dict[str, Any] = {"raises": type(error).__name__}
    if error.code is not None:
        expect["code"] = error.code
    expect["message"] = error.message
    if error.details is not None:
        expect["details"] = error.details
    return expect


def _encode(body: Any, headers: Mapping[str, str]) -> bytes:
    if isinstance(body, str) and "json" not in str(headers.get("content-type", "")):
        return body.encode()
    return json.dumps(body).encode()


def parse_problem(recording: Mapping[str, Any], op: recordings.SpecOperation) -> str | None:
    """Why the scrubbed 2xx answer does not parse strictly (test_strict will say the
    same), or None."""
    from calcom._lenient import strict_parsing

    answer = recording["response"]
    body = answer.get("body", MISSING)
    content = b"" if body is MISSING else _encode(body, answer.get("headers") or {})
    response = httpx.Response(
        answer["status"],
        headers=answer.get("headers"),
        content=content,
        request=httpx.Request(op.method, DEFAULT_BASE_URL + recording["request"]["path"]),
    )
    parse = recordings.endpoint_module(op)._parse_response
    try:
        with strict_parsing():
            parse(response)
    except Exception as error:  # noqa: BLE001 - reported, not raised
        return f"{type(error).__name__}: {str(error)[:300]}"
    return None


# --- running a step -------------------------------------------------------------------------


def send(
    step: Step,
    op: recordings.SpecOperation,
    config: Config,
    transport: httpx.BaseTransport,
) -> Exchange:
    """Call the operation through the public client; the exchange it made."""
    from calcom import Cal, CalError
    from calcom._exceptions import APIStatusError

    capture = Capture(transport)
    with httpx.Client(transport=capture) as http:
        cal = Cal(
            api_key=config.api_key,
            client_id=config.client_id,
            client_secret=config.client_secret,
            base_url=config.base_url,
            http_client=http,
            max_retries=0,
        )
        method = bound_method(cal, op)
        if step.options:
            method = method.with_options(**step.options)
        build = recordings.endpoint_module(op)._get_kwargs
        try:
            args, kwargs = recordings.call_arguments(build, recording_call(step))
        except Exception as error:  # noqa: BLE001 - a user's bad arguments
            raise RecordError(
                f"{step.operation}: arguments: {type(error).__name__}: {error}"
            ) from error
        try:
            method.with_raw_response(*args, **kwargs)
        except APIStatusError:
            pass  # an error answer is an exchange too
        except TypeError as error:
            raise RecordError(f"{step.operation}: {error}") from error
        except CalError as error:
            raise RecordError(f"{step.operation}: {type(error).__name__}: {error}") from error
    if not capture.exchanges:
        raise RecordError(f"{step.operation}: no request was sent")
    return capture.exchanges[-1]


def sent_secrets(exchange: Exchange) -> list[str]:
    """The credentials the request carried (replaced wherever they recur)."""
    headers = exchange.request.headers
    out = [headers.get("x-cal-secret-key", "")]
    scheme, _, token = headers.get("authorization", "").partition(" ")
    out.append(token.strip() or scheme)
    return [value for value in out if value]


def recording_call(step: Step) -> dict[str, Any]:
    call: dict[str, Any] = {"args": step.args, "kwargs": step.kwargs}
    if step.body_type:
        call["body_type"] = step.body_type
    return call


def record_step(
    step: Step,
    op: recordings.SpecOperation,
    config: Config,
    transport: httpx.BaseTransport,
) -> tuple[dict[str, Any], Any, scrub.Scrubber]:
    """Send, build and scrub one recording: (recording, the raw answer body, scrubber)."""
    exchange = send(step, op, config, transport)
    raw = exchange_recording(step, op, exchange, config)
    scrubber = scrub.Scrubber(
        secrets=[s for s in (config.api_key, config.client_secret, *sent_secrets(exchange)) if s],
        client_ids=[
            s for s in (config.client_id, exchange.request.headers.get("x-cal-client-id")) if s
        ],
    )
    recording = scrubber.recording(raw)
    if recording["response"]["status"] >= 400:
        recording["expect"] = expectation(recording)
    note = "recorded by scripts/record.py; scrubbed by scripts/scrub.py"
    summary = scrubber.summary()
    note += f" (replaced: {summary})" if summary else " (nothing to replace)"
    if step.note:
        note = f"{step.note}. {note}"
    recording["note"] = note
    ordered = {key: recording[key] for key in recordings.TOP_LEVEL_KEYS if key in recording}
    return ordered, raw["response"].get("body"), scrubber


def target_path(step: Step, op: recordings.SpecOperation, config: Config) -> Path:
    variant = DEFAULT_VARIANT if step.variant is None else step.variant
    return recordings.recording_path(
        op.namespace, op.operation_id, variant or None, config.directory
    )


def may_write(path: Path, force: bool) -> str | None:
    """Why `path` must not be replaced, or None."""
    if not path.exists() or force:
        return None
    try:
        existing = recordings.load(path)
    except Exception:  # noqa: BLE001 - unreadable: do not guess
        return f"{path} exists and does not load; pass --force to replace it"
    if existing.provenance == "spec-derived":
        return None
    return f"{path} exists ({existing.provenance}); pass --force to replace it"


def _show(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def dry_run(step: Step, op: recordings.SpecOperation, config: Config) -> None:
    if has_reference([step.args, step.kwargs]):
        print(
            f"would call {op.operation_id} ({op.method} {op.path}) with "
            f"args={json.dumps(step.args)} kwargs={json.dumps(step.kwargs)}, resolved at run time"
        )
        return

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(204, request=request)

    exchange = send(step, op, config, httpx.MockTransport(handler))
    request = exchange.request
    parts = [f"auth: {auth_of(request.headers)}"]
    if "cal-api-version" in request.headers:
        parts.append(f"cal-api-version: {request.headers['cal-api-version']}")
    print(f"would send {request.method} {request.url} ({', '.join(parts)})")
    if request.content:
        print(f"  body: {request.content.decode(errors='replace')[:500]}")
    print(f"  and write {_show(target_path(step, op, config))}")
    if is_write(op) and not config.allow_writes:
        print("  (it changes data: recording it needs --allow-writes)")


# --- CLI ------------------------------------------------------------------------------------


def load_plan(path: Path) -> list[Step]:
    data = recordings.load_yaml(path.read_text())
    if isinstance(data, dict):
        data = data.get("steps")
    if not isinstance(data, list):
        raise RecordError(f"{path}: a plan is a list of calls (or a mapping with `steps:`)")
    return [Step.from_mapping(entry, f"{path} step {n}") for n, entry in enumerate(data, 1)]


def _json_option(text: str | None, name: str, kind: type) -> Any:
    if text is None:
        return kind()
    try:
        value = json.loads(text)
    except ValueError as error:
        raise RecordError(f"{name} is not JSON: {error}") from error
    if not isinstance(value, kind):
        raise RecordError(f"{name} must be a JSON {'list' if kind is list else 'object'}")
    return value


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="record.py",
        description="Record live Cal.com exchanges as scrubbed `provenance: live` recordings.",
        epilog="Environment: CAL_API_KEY (required), CAL_BASE_URL (default "
        f"{DEFAULT_BASE_URL}), CAL_CLIENT_ID / CAL_CLIENT_SECRET (platform operations).",
    )
    parser.add_argument("operation", nargs="?", help="operationId of the overlaid spec")
    parser.add_argument("--args", help="positional arguments as a JSON list")
    parser.add_argument("--kwargs", help="keyword arguments as a JSON object (Python names)")
    parser.add_argument("--body-type", help="the member of a union-typed body")
    parser.add_argument("--api-version", help="send this cal-api-version (call.options)")
    parser.add_argument(
        "--variant",
        help=f"file variant (default {DEFAULT_VARIANT!r}; '' for the operation's own file)",
    )
    parser.add_argument("--note", help="a note for the recording")
    parser.add_argument("--plan", type=Path, help="a YAML list of calls to record")
    parser.add_argument("--allow-writes", action="store_true", help="allow calls that change data")
    parser.add_argument("--force", action="store_true", help="replace live/observed recordings")
    parser.add_argument("--dry-run", action="store_true", help="send nothing, write nothing")
    parser.add_argument("--print", dest="print_only", action="store_true", help="print, no write")
    parser.add_argument("--generated", help="generated package folder (has openapi.json)")
    parser.add_argument("--dir", type=Path, default=recordings.RECORDINGS_DIR)
    options = parser.parse_args(argv)
    if bool(options.operation) == bool(options.plan):
        parser.error("give an operationId or --plan FILE, not both")
    if options.plan and (options.args or options.kwargs or options.body_type):
        parser.error("--args / --kwargs / --body-type go into the plan's steps")
    return options


def main(
    argv: list[str] | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    environ: Mapping[str, str] | None = None,
    today: str | None = None,
) -> int:
    """Run the CLI. `transport` replaces the network (tests), `environ` os.environ."""
    options = parse_arguments(argv)
    env = os.environ if environ is None else environ
    api_key = (env.get("CAL_API_KEY") or "").strip()
    if not api_key:
        print(
            "record.py: CAL_API_KEY is not set: export the API key of the Cal.com account to "
            "record from (e.g. CAL_API_KEY=cal_test_… nox -s record -- list_bookings)",
            file=sys.stderr,
        )
        return 2
    try:
        return _run(options, api_key, env, transport, today)
    except RecordError as error:
        print(f"record.py: {error}", file=sys.stderr)
        return 2


def _run(
    options: argparse.Namespace,
    api_key: str,
    env: Mapping[str, str],
    transport: httpx.BaseTransport | None,
    today: str | None,
) -> int:
    config = Config(
        api_key=api_key,
        base_url=(env.get("CAL_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
        client_id=env.get("CAL_CLIENT_ID") or None,
        client_secret=env.get("CAL_CLIENT_SECRET") or None,
        directory=options.dir,
        allow_writes=options.allow_writes,
        force=options.force,
        dry_run=options.dry_run,
        print_only=options.print_only,
        today=today or dt.datetime.now(dt.UTC).date().isoformat(),
    )
    if options.plan:
        steps = load_plan(options.plan)
    else:
        steps = [
            Step(
                operation=options.operation,
                args=_json_option(options.args, "--args", list),
                kwargs=_json_option(options.kwargs, "--kwargs", dict),
                variant=options.variant,
                body_type=options.body_type,
                note=options.note,
            )
        ]
    if options.api_version:
        for step in steps:
            step.options.setdefault("api_version", options.api_version)

    spec = recordings._load_spec(recordings._generated_dir(options.generated))
    ops = recordings.spec_operations(spec)
    problems = []
    for step in steps:
        op = ops.get(step.operation)
        if op is None:
            close = difflib.get_close_matches(step.operation, list(ops), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.append(f"no operation {step.operation!r} in the overlaid spec{hint}")
        elif is_write(op) and not (config.allow_writes or config.dry_run):
            problems.append(
                f"{step.operation} is {op.method} {op.path}: it changes data on "
                f"{_public_base_url(config.base_url)}; pass --allow-writes to record it"
            )
    if problems:
        raise RecordError("; ".join(problems))

    network = transport or httpx.HTTPTransport(retries=0)
    try:
        return _run_steps(steps, ops, config, network)
    finally:
        if transport is None:
            network.close()


def _run_steps(
    steps: list[Step],
    ops: dict[str, recordings.SpecOperation],
    config: Config,
    network: httpx.BaseTransport,
) -> int:
    answers: dict[str, Any] = {}
    failed = 0
    for step in steps:
        op = ops[step.operation]
        if config.dry_run:
            dry_run(step, op, config)
            continue
        try:
            step.args = resolve(step.args, answers)
            step.kwargs = resolve(step.kwargs, answers)
        except Unresolved as skip:
            print(f"skipped {step.name}: {skip}")
            continue
        try:
            failed += not _record(step, op, config, network, answers)
        except RecordError as error:
            print(f"record.py: {error}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


def _record(
    step: Step,
    op: recordings.SpecOperation,
    config: Config,
    transport: httpx.BaseTransport,
    answers: dict[str, Any],
) -> bool:
    recording, raw_body, scrubber = record_step(step, op, config, transport)
    status = recording["response"]["status"]
    if status < 400:
        answers[step.name] = raw_body
    elif step.variant is None:
        message = recording.get("expect", {}).get("message", "")
        print(
            f"record.py: {step.operation} answered {status} ({message}); not written. To record "
            "the error answer, pass --variant NAME (e.g. not-found)",
            file=sys.stderr,
        )
        return False
    text = recordings.dump_yaml(recording)
    path = target_path(step, op, config)
    if config.print_only:
        print(f"# {_show(path)}\n{text}", end="")
        return True
    refusal = may_write(path, config.force)
    if refusal:
        print(f"record.py: {step.operation}: not written: {refusal}", file=sys.stderr)
        return False
    replaced = path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    size = len(text.encode())
    print(
        f"{'replaced' if replaced else 'wrote'} {_show(path)}: {op.method} "
        f"{recording['request']['path']} -> {status}, {size / 1000:.1f} kB; "
        f"scrubbed: {scrubber.summary() or 'nothing'}"
    )
    if size > LARGE_RECORDING:
        print("  large: ask for a smaller page (e.g. --kwargs '{\"take\": 3}')")
    if status < 400:
        problem = parse_problem(recording, op)
        if problem:
            print(
                f"  the answer does not parse strictly ({problem}); test_strict will fail until "
                "the overlays describe it or tests/contract/test_contract.py lists it in "
                "STRICT_XFAIL with the reason"
            )
    return True


if __name__ == "__main__":
    raise SystemExit(main())
