"""Item 12: a request that never (completely) left the client is resent, even a POST.

Connection refused, no pool slot in time: nothing reached any server. The
server counts what it received; a POST must arrive exactly once."""

from __future__ import annotations

import threading
from typing import Any

import httpx
from _faultserver import ME, FaultServer, answer, booking, hang, reply
from _scenarios import booking_kwargs
from calcom import APIConnectionError


def _created(api: FaultServer) -> None:
    api.route(
        "POST",
        "/v2/bookings",
        answer(
            lambda r: (
                201,
                {"status": "success", "data": booking("uid-1", r.json()["attendee"]["name"])},
            )
        ),
    )


def test_refused_connection_post_is_retried(late: Any, make_cal: Any) -> None:
    _created(late.server)
    waits: list[float] = []

    def come_up(seconds: float) -> None:
        waits.append(seconds)
        late.start()

    cal = make_cal(base_url=late.url, sleep=come_up)
    assert cal.bookings.create(**booking_kwargs("Ann")).data.title == "Ann"
    assert late.server.count("POST", "/v2/bookings") == 1
    assert len(waits) == 1


def test_pool_timeout_post_is_retried(api: FaultServer, make_cal: Any) -> None:
    """One connection, held by a slow GET: the POST times out waiting for it, then
    goes out once the GET is done."""
    api.route("GET", "/v2/me", hang(0.5))
    _created(api)
    http = httpx.Client(limits=httpx.Limits(max_connections=1))
    done = threading.Event()

    def slow() -> None:
        try:
            make_cal(http_client=http, max_retries=0).me.get()
        except APIConnectionError:
            pass
        done.set()

    holder = threading.Thread(target=slow)
    holder.start()
    while api.count("GET", "/v2/me") == 0:
        done.wait(0.01)
    cal = make_cal(
        http_client=http, timeout=httpx.Timeout(5.0, pool=0.05), sleep=lambda seconds: done.wait(5)
    )
    assert cal.bookings.create(**booking_kwargs("Pat")).data.title == "Pat"
    holder.join(5)
    assert api.count("POST", "/v2/bookings") == 1
    http.close()


def test_refused_connection_names_host_and_cause(make_cal: Any, late: Any) -> None:
    """Issue 11 item 8: the error says where it tried and why it failed."""
    cal = make_cal(base_url=late.url, max_retries=1)
    try:
        cal.me.get()
    except APIConnectionError as error:
        text = str(error)
    else:
        raise AssertionError("a refused connection must raise")
    assert f"127.0.0.1:{late.port}" in text
    assert "Connection refused" in text
    assert "after 1 retry" in text


def test_the_retried_post_arrives_once_even_when_the_first_answer_is_fine(
    api: FaultServer, make_cal: Any
) -> None:
    api.route("GET", "/v2/me", reply(200, ME))
    _created(api)
    cal = make_cal()
    cal.me.get()
    cal.bookings.create(**booking_kwargs())
    assert api.count("POST", "/v2/bookings") == 1
