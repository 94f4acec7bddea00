"""Item 13: a DELETE answered 204, or an empty 200, succeeded."""

from __future__ import annotations

from typing import Any

import pytest
from _faultserver import FaultServer, reply
from calcom import ResponseParseError


@pytest.mark.parametrize("status", [200, 204])
def test_empty_delete_answer_is_success(api: FaultServer, make_cal: Any, status: int) -> None:
    api.route("DELETE", "/v2/schedules/5", reply(status, body=b""))
    result = make_cal().schedules.delete(5)
    assert result.status == "success"


async def test_async_204(api: FaultServer, make_async_cal: Any) -> None:
    api.route("DELETE", "/v2/schedules/5", reply(204, body=b""))
    cal = make_async_cal()
    assert (await cal.schedules.delete(5)).status == "success"
    await cal.close()


def test_empty_get_answer_is_still_an_error(api: FaultServer, make_cal: Any) -> None:
    """A GET with nothing in it has lost its data: that is not a success."""
    api.route("GET", "/v2/me", reply(200, body=b""))
    with pytest.raises(ResponseParseError):
        make_cal().me.get()


def test_strict_mode_accepts_the_204_too(api: FaultServer, make_cal: Any) -> None:
    api.route("DELETE", "/v2/schedules/5", reply(204, body=b""))
    assert make_cal(strict=True).schedules.delete(5).status == "success"
