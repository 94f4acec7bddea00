"""The real responses again, this time through the public client end to end.

test_real_responses.py parses each body with the endpoint's parser; here the
call goes through `cal.<namespace>.<method>(...)` on a mock transport that
answers the recorded body and status, with the cal-api-version the recording
was made with, in the default (lenient) mode and in strict mode. The call's
arguments come from the operation's spec-derived recording, which the
contract suite already proves valid.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
from _compare import differences
from _harness import RECORDINGS, bound_method, client_for, endpoint_index
from recordings import call_arguments
from test_real_responses import FILES, _load, find_operation

SPEC_DERIVED = {r.operation: r for r in RECORDINGS if r.provenance == "spec-derived"}


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_real_response_through_the_client(
    path: Path, strict: bool, overlaid_spec: dict[str, Any]
) -> None:
    record = _load(path)
    _, operation = find_operation(overlaid_spec, record["method"], record["path"])
    recording = SPEC_DERIVED[operation["operationId"]]
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(
            record["status"],
            content=json.dumps(record["body"]).encode(),
            headers={"content-type": "application/json"},
        )

    cal = client_for(recording, strict=strict, transport=httpx.MockTransport(answer))
    method = bound_method(cal, recording.operation)
    version = record.get("cal_api_version")
    if version and method.operation.api_version:
        method = method.with_options(api_version=version)
    args, kwargs = call_arguments(
        endpoint_index()[recording.operation].endpoint.build, recording.call
    )

    result = method(*args, **kwargs)

    assert len(sent) == 1
    assert sent[0].method == record["method"]
    if method.operation.api_version:
        assert sent[0].headers["cal-api-version"] == version
    assert attrs.has(type(result)), f"{path.name}: got {type(result).__name__}, not a model"
    assert differences(record["body"], result.to_dict()) == []
