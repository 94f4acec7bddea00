"""Mistakes a type checker must catch before anything is sent (lines marked `# E`)."""

from __future__ import annotations

from calcom import Cal


def wrong_calls(cal: Cal) -> None:
    cal.bookings.list(stauts=["upcoming"])  # E: misspelt parameter
    cal.bookings.list(take="10")  # E: str where an int is expected
    cal.bookings.get()  # E: the path parameter is required
