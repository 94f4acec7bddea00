"""Turn the captures of a real self-hosted Cal.com server into `live` recordings.

    python scripts/import_live.py [--captures DIR] [--dry-run] [--prune]

Reads shared/live-server (scripts/live_captures.py; the folder's README says
which server, when and how) and writes, per capture worth keeping,
`tests/recordings/<namespace>/<operationId>--live[-<variant>].yaml` with
`provenance: live` and a `source` naming the capture date, the self-hosted base
URL, the server commit and the capture file. Each recording is scrubbed by
scripts/scrub.py before it is written, exactly as scripts/record.py does, so
re-running this after re-capturing gives the same files (and `git diff` shows
what the server now answers differently). `--prune` deletes `--live*`
recordings whose capture is gone.

What is kept:
- every 2xx answer, except those of a call that deliberately sent an older
  cal-api-version than the operation's (`--old-api-version` variants: another
  contract, which the client's models do not describe);
- error answers (4xx/5xx) of the named error variants (`--not-found`,
  `--bad-key`, ...): they pin the exception each maps to. An error answer of an
  operation's plain call (the route does not exist at this server commit, or it
  needs an external service) is left out: it says nothing about the operation.
- never: 3xx answers, and calls the client refuses before sending (then, or
  today: a call whose request was fixed since cannot be replayed).

What is changed, and said in `note`:
- the request body is what the capture sent, less fields the caller never
  passed that this client no longer adds (the schema defaults issue 14 removed
  from request bodies): a recording states what the client must send;
- arrays longer than MAX_ITEMS in a response body are cut to MAX_ITEMS items,
  keeping tests/recordings under the coverage gate's 2 MB (the recording then
  shows fewer items than the server sent; the shape is unchanged).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import live_captures  # noqa: E402
import record  # noqa: E402
import recordings  # noqa: E402
import scrub  # noqa: E402

MAX_ITEMS = 25
LIVE = "live"
KEEP_RESPONSE_HEADERS = ("content-type",)


def recording_variant(capture: live_captures.Capture) -> str:
    return LIVE if not capture.variant else f"{LIVE}-{capture.variant}"


def keep(capture: live_captures.Capture) -> str | None:
    """Why the capture is left out, or None to keep it."""
    if not capture.sent:
        return "never sent"
    status = capture.status or 0
    if capture.other_api_version:
        return "answer of an older cal-api-version"
    if 300 <= status < 400:
        return f"a {status} redirect"
    if status >= 400 and not capture.variant:
        return f"{status} for the operation's plain call (route or service missing here)"
    return None


def refused(capture: live_captures.Capture) -> str | None:
    """Why today's client refuses the capture's call before sending it (the
    request that call made was fixed since), or None."""
    import live_report

    cal = live_report._client(lambda request: httpx.Response(599), strict=False)
    version = capture.data.get("cal_api_version_sent")
    try:
        live_report.prepare(cal, capture.attrs, capture.args, capture.kwargs, version)
    except (TypeError, ValueError, LookupError) as error:
        return f"the client now refuses the call ({error})"
    return None


def _trim(value: Any, trimmed: list[str], where: str = "$") -> Any:
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            trimmed.append(f"{where} ({len(value)} items)")
            value = value[:MAX_ITEMS]
        return [_trim(item, trimmed, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: _trim(item, trimmed, f"{where}.{key}") for key, item in value.items()}
    return value


def _query(pairs: list[list[str]] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs or []:
        if key in out:
            out[key] = [*out[key], value] if isinstance(out[key], list) else [out[key], value]
        else:
            out[key] = value
    return out


def _sent_now(capture: live_captures.Capture, ops: dict[str, recordings.SpecOperation]) -> Any:
    """The JSON body today's client sends for the capture's call (None: no body)."""
    import live_report

    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        request.read()
        sent.append(request)
        return httpx.Response(599)

    cal = live_report._client(answer, strict=False)
    try:
        live_report.call(
            cal,
            capture.attrs,
            capture.args,
            capture.kwargs,
            capture.data.get("cal_api_version_sent"),
        )
    except Exception:  # noqa: BLE001 -- the 599 answer raises; only the request matters
        pass
    if not sent or not sent[0].content:
        return None
    return json.loads(sent[0].content)


def _dropped_defaults(captured: Any, now: Any, where: str, out: list[str]) -> Any:
    """`captured` less the keys `now` lacks (recursively in objects): fields the
    client sent at capture time without being asked, and no longer sends."""
    if isinstance(captured, dict) and isinstance(now, dict):
        kept = {}
        for key, value in captured.items():
            if key not in now:
                out.append(f"{where}.{key}")
                continue
            kept[key] = _dropped_defaults(value, now[key], f"{where}.{key}", out)
        return kept
    if isinstance(captured, list) and isinstance(now, list) and len(captured) == len(now):
        return [
            _dropped_defaults(c, n, f"{where}[{i}]", out)
            for i, (c, n) in enumerate(zip(captured, now, strict=True))
        ]
    return captured


def convert(
    capture: live_captures.Capture, ops: dict[str, recordings.SpecOperation]
) -> dict[str, Any]:
    data = capture.data
    op = ops[capture.operation]
    notes: list[str] = []

    call: dict[str, Any] = {"args": capture.args, "kwargs": capture.kwargs}
    version = data.get("cal_api_version_sent")
    if version and op.api_version and version != op.api_version:
        call["options"] = {"api_version": version}
    if "body" in capture.kwargs:
        member = recordings.body_union_member(_build(op), capture.kwargs["body"])
        if member:
            call["body_type"] = member

    request: dict[str, Any] = {"method": data["method"], "path": data["path"]}
    query = _query(data.get("query"))
    if query:
        request["query"] = query
    if version:
        request["headers"] = {"cal-api-version": version}
    request["auth"] = data.get("auth_sent") or "none"
    body = data.get("request_body")
    if body is not None:
        dropped: list[str] = []
        body = _dropped_defaults(body, _sent_now(capture, ops), "$", dropped)
        if dropped:
            notes.append(
                "request body: the capture also sent "
                + ", ".join(d.removeprefix("$.") for d in dropped)
                + ", which the caller never passed (schema defaults this client no longer adds)"
            )
        request["body"] = body

    response: dict[str, Any] = {"status": int(data["status"])}
    headers = {
        k.lower(): v
        for k, v in (data.get("response_headers") or {}).items()
        if k.lower() in KEEP_RESPONSE_HEADERS
    }
    if headers:
        response["headers"] = headers
    answer = data.get("response_body")
    if answer not in (None, ""):
        trimmed: list[str] = []
        response["body"] = _trim(answer, trimmed)
        if trimmed:
            notes.append(
                f"response arrays cut to {MAX_ITEMS} items (size gate): " + ", ".join(trimmed)
            )

    out: dict[str, Any] = {
        "operation": capture.operation,
        "provenance": LIVE,
        "source": {
            "recorded": str(data.get("captured_at", ""))[:10],
            "base_url": live_captures.BASE_URL,
            "server": (f"Cal.com API v2 @{live_captures.SERVER_COMMIT} (2025-12-19), self-hosted"),
            "capture": f"shared/live-server/{capture.path.name}",
        },
    }
    if notes:
        out["note"] = "; ".join(notes)
    out.update(call=call, request=request, response=response)
    out = scrub.scrub_recording(out)
    if response["status"] >= 400:
        out["expect"] = record.expectation(out)
    return out


def _build(op: recordings.SpecOperation) -> Any:
    return recordings.endpoint_module(op)._get_kwargs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--captures", type=Path, default=None)
    parser.add_argument("--dry-run", action="store_true", help="say what would be written")
    parser.add_argument("--prune", action="store_true", help="delete stale --live recordings")
    options = parser.parse_args(argv)
    folder = options.captures or live_captures.captures_dir()
    if not folder.is_dir():
        print(f"no captures at {folder}", file=sys.stderr)
        return 2
    spec = json.loads((recordings._generated_dir(None) / "openapi.json").read_text())
    ops = recordings.spec_operations(spec)
    written: set[Path] = set()
    skipped = 0
    for capture in live_captures.load_all(folder):
        reason = keep(capture)
        if reason is None and capture.operation not in ops:
            reason = "operation unknown to the overlaid spec"
        if reason is None:
            reason = refused(capture)
        if reason is not None:
            skipped += 1
            print(f"skip  {capture.name}: {reason}")
            continue
        op = ops[capture.operation]
        path = recordings.recording_path(op.namespace, op.operation_id, recording_variant(capture))
        written.add(path)
        if options.dry_run:
            print(f"would write {path.relative_to(ROOT)}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(recordings.dump_yaml(convert(capture, ops)))
    stale = [
        p
        for p in recordings.RECORDINGS_DIR.rglob(f"*{recordings.VARIANT_SEPARATOR}{LIVE}*.yaml")
        if p not in written and recordings.load(p).provenance == LIVE
    ]
    for path in stale:
        if options.prune and not options.dry_run:
            path.unlink()
        print(f"{'pruned' if options.prune else 'stale (no capture)'}  {path.relative_to(ROOT)}")
    print(f"{len(written)} live recording(s), {skipped} capture(s) left out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
