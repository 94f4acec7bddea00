"""Keeping secrets out of what the client hands out.

httpx masks only `Authorization` in a `Headers` repr; Cal.com's platform
credentials travel as `x-cal-secret-key`. Every request the client builds and
every response it returns gets headers whose repr masks all credential
headers (the class is swapped in place: no copy on the hot path). Texts the
client writes from an answer (error messages) have known secrets scrubbed.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from ._auth import CREDENTIAL_HEADERS

_MASKED = CREDENTIAL_HEADERS | {"proxy-authorization", "set-cookie"}


class MaskedHeaders(httpx.Headers):
    """`httpx.Headers` whose repr shows no credential."""

    def __repr__(self) -> str:
        items = [
            (name, "[secure]" if name.lower() in _MASKED else value)
            for name, value in self.multi_items()
        ]
        as_dict = dict(items)
        return f"Headers({as_dict!r})" if len(as_dict) == len(items) else f"Headers({items!r})"


def mask_headers(message: httpx.Request | httpx.Response) -> None:
    headers = message.headers
    if type(headers) is httpx.Headers:
        headers.__class__ = MaskedHeaders


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret replaced by ***."""
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, "***")
    return text
