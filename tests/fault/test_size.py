"""Item 10: answers are read under a size cap; error messages are cut short."""

from __future__ import annotations

from typing import Any

import pytest
from _faultserver import FaultServer, huge, reply
from calcom import APIStatusError, ResponseParseError, ResponseTooLargeError

MIB = 1024 * 1024


@pytest.mark.parametrize("declare", [True, False])
def test_an_answer_over_the_cap_is_not_read(api: FaultServer, make_cal: Any, declare: bool) -> None:
    api.route("GET", "/v2/me", huge(200, size=4 * MIB, declare=declare))
    with pytest.raises(ResponseTooLargeError, match="max_response_size") as caught:
        make_cal(max_response_size=MIB).me.get()
    assert isinstance(caught.value, ResponseParseError)
    assert len(caught.value.response.content) <= MIB


async def test_async_answer_over_the_cap(api: FaultServer, make_async_cal: Any) -> None:
    api.route("GET", "/v2/me", huge(200, size=4 * MIB, declare=False))
    cal = make_async_cal(max_response_size=MIB)
    with pytest.raises(ResponseTooLargeError):
        await cal.me.get()
    await cal.close()


def test_default_cap_is_far_above_any_page() -> None:
    from calcom import Cal

    assert Cal(api_key="cal_x").max_response_size >= 16 * MIB


@pytest.mark.parametrize("size", [2 * MIB, 100_000])
def test_a_huge_error_message_is_truncated(api: FaultServer, make_cal: Any, size: int) -> None:
    api.route("GET", "/v2/me", huge(500, size=size))
    with pytest.raises(APIStatusError) as caught:
        make_cal(max_retries=0).me.get()
    assert len(str(caught.value)) < 1000


def test_a_huge_json_message_is_truncated(api: FaultServer, make_cal: Any) -> None:
    api.route("GET", "/v2/me", reply(400, {"statusCode": 400, "message": "y" * 50_000}))
    with pytest.raises(APIStatusError) as caught:
        make_cal().me.get()
    assert len(str(caught.value)) < 1000 and len(caught.value.message) < 1000
    assert "50000 characters" in caught.value.message
