"""Replace secrets and personal data in recorded exchanges with stable placeholders.

`scripts/record.py` runs every live exchange through a `Scrubber` before it is
written; tests/contract/test_scrubber.py pins what it catches and
tests/contract/test_no_secrets_in_recordings.py scans the committed recordings.

What is replaced:

- credentials: the values of the Authorization / x-cal-secret-key /
  x-cal-client-id (and cookie) headers, wherever they occur later; API keys
  (`cal_live_…`, `cal_test_…`, Stripe `sk_…`, `whsec_…`) and JWTs anywhere in a
  string; `Bearer <token>`; the value of every key that names a secret
  (accessToken, refresh_token, token, secret, clientSecret, password, apiKey,
  …, see `_rule`); secret-looking query parameters of URLs (token, code, state,
  signature, …) and the password of a URL;
- personal data: e-mail addresses anywhere (`person-1@example.com`; addresses
  at reserved domains such as example.com stay), phone numbers by key (phone*,
  smsReminderNumber, numberToCall, …) and E.164 numbers in strings
  (`+12025550101`, fictional 555-01xx numbers), names by key (firstName,
  lastName, displayName, attendeeName, …, and `name` inside a person: an object
  with an e-mail / username, or one listed under hosts, attendees, users, owner,
  bookingFieldsResponses, …), usernames (`person-1`), IP addresses
  (`192.0.2.1`). A name or username found by key is also replaced where it
  recurs in free text ("30 min between Dana Okafor and …", booking URLs).

Placeholders are stable within one `Scrubber`: the same real value always maps
to the same placeholder, so relations between fields survive (the host's address
in `hosts` and in `bookingFieldsResponses`, a uid in the call and in the path).
Ids, uids, timestamps, statuses, slugs, titles (apart from the names in them)
are left alone, and only strings change: numbers, booleans and nulls keep their
value, so a scrubbed answer still fits its schema.

Everything here is a pure function of its input (nothing is mutated).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

PLACEHOLDER = "REDACTED"

# Domains reserved for documentation and tests (RFC 2606 / RFC 6761): never personal.
RESERVED_EMAIL_DOMAIN = re.compile(
    r"(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost)$", re.I
)

EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![\w-])"
)
API_KEY = re.compile(
    r"\b(?:cal_(?:live|test)_[A-Za-z0-9_]+|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}"
    r"|whsec_[A-Za-z0-9+/=]{8,})"
)
JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?")
BEARER = re.compile(r"\b([Bb]earer|BEARER)([ \t]+)([A-Za-z0-9._~+/=-]{8,})")
# E.164, optionally with single spaces / dashes between digits; not inside a word.
PHONE = re.compile(r"(?<![\w+])\+[1-9](?:[ -]?\d){6,14}(?!\d)")
URL = re.compile(r"\bhttps?://[^\s\"'<>`]+")
PLACEHOLDER_TEXT = re.compile(
    rf"\b{PLACEHOLDER}_[A-Z_]+_\d+\b|\bperson-\d+(?:@example\.com)?\b|\bPerson \d+\b"
    r"|\+1202555\d{4}\b|\b192\.0\.2\.\d+\b"
)

# Query parameters of URLs whose values are credentials (normalised names).
SECRET_QUERY = {
    "token",
    "code",
    "state",
    "key",
    "apikey",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "secret",
    "clientsecret",
    "password",
    "pwd",
    "passcode",
    "sig",
    "signature",
    "xamzsignature",
    "xamzcredential",
    "xamzsecuritytoken",
    "xgoogsignature",
    "xgoogcredential",
    "auth",
    "session",
    "sessionid",
    "codeverifier",
}
SECRET_HEADERS = {
    "x-cal-secret-key",
    "x-api-key",
    "cookie",
    "set-cookie",
    "x-cal-access-token",
}
BEARER_HEADERS = {"authorization", "proxy-authorization"}
CLIENT_ID_HEADERS = {"x-cal-client-id"}

# Names by key, wherever they are; `name` only inside a person (see _is_person).
NAME_KEYS = {
    "firstname",
    "lastname",
    "middlename",
    "fullname",
    "displayname",
    "givenname",
    "familyname",
    "nickname",
    "attendeename",
    "attendeenames",
    "organizername",
    "guestname",
    "bookername",
    "ownername",
    "membername",
    "inviteename",
    "schedulername",
    "cancelledby",
    "rescheduledby",
}
USERNAME_KEYS = {"username", "usernames", "userslug"}
IP_KEYS = {"ip", "ipaddress", "clientip", "remoteip", "remoteaddress", "userip"}
PHONE_KEYS = {"smsremindernumber", "numbertocall", "whatsappnumber", "mobile", "mobilenumber"}
# An object is a person if it has one of these keys, or sits under one of the
# container keys below.
PERSON_MARKERS = {
    "email",
    "displayemail",
    "username",
    "firstname",
    "lastname",
    "phonenumber",
    "phone",
    "attendeephonenumber",
}
PERSON_CONTAINERS = {
    "host",
    "hosts",
    "attendee",
    "attendees",
    "guest",
    "guests",
    "user",
    "users",
    "owner",
    "owners",
    "organizer",
    "organizers",
    "member",
    "members",
    "profile",
    "booker",
    "bookingfieldsresponses",
    "responses",
    "createdby",
    "updatedby",
    "author",
    "creator",
    "invitee",
    "invitees",
    "assignee",
    "participant",
    "participants",
    "recipient",
    "recipients",
    "contact",
    "me",
}

MIN_LITERAL = {"name": 3, "username": 3, "secret": 6, "phone": 5}


def normalise_key(key: object) -> str:
    """`access_token`, `accessToken`, `Access-Token` -> `accesstoken`."""
    return re.sub(r"[^a-z0-9]", "", str(key).lower())


def _rule(key: object, person: bool) -> str | None:
    """What a string under `key` is, by the key alone (None: look at the text)."""
    if key is None:
        return None
    k = normalise_key(key)
    if (
        k.endswith(("token", "secret", "apikey", "privatekey", "secretkey", "verificationcode"))
        or "password" in k
        or k in {"authorization", "cookie", "setcookie", "codeverifier", "serviceaccountkey"}
        or k in {"otp", "signature"}
    ):
        return "secret"
    if k in USERNAME_KEYS:
        return "username"
    if k in NAME_KEYS or (k == "name" and person):
        return "name"
    if "phone" in k or k in PHONE_KEYS:
        return "phone"
    if k in IP_KEYS:
        return "ip"
    if k.endswith("uid"):
        return "uid"  # iCalendar UIDs look like addresses (<uid>@Cal.com): not e-mails
    return None


def _is_person(value: Mapping[str, Any], parent_key: object) -> bool:
    keys = {normalise_key(k) for k in value}
    return bool(keys & PERSON_MARKERS) or normalise_key(parent_key) in PERSON_CONTAINERS


def is_placeholder(text: str) -> bool:
    """Whether `text` is entirely a placeholder this module writes."""
    return bool(PLACEHOLDER_TEXT.fullmatch(text))


class Scrubber:
    """One scrubbing context: use one per recording, so placeholders are stable in it.

    `secrets` / `client_ids`: values known to be credentials (what the recorder
    authenticated with); they are replaced wherever they occur.
    """

    def __init__(self, *, secrets: Iterable[str] = (), client_ids: Iterable[str] = ()) -> None:
        self._map: dict[tuple[str, str], str] = {}
        self._kinds: dict[tuple[str, str], str] = {}
        self._used: set[tuple[str, str]] = set()
        self._numbers: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()  # distinct values replaced, by kind
        self._literals: dict[str, str] = {}  # known real values -> placeholder, for free text
        self._literal_re: re.Pattern[str] | None = None
        for secret in secrets:
            if secret:
                kind = "API_KEY" if API_KEY.fullmatch(secret) else "SECRET"
                self._secret(secret, kind, use=False)
        for client_id in client_ids:
            if client_id:
                self._secret(client_id, "CLIENT_ID", use=False)

    # --- placeholders -----------------------------------------------------------------

    def _placeholder(
        self, space: str, real: str, make: Callable[[int], str], kind: str, use: bool = True
    ) -> str:
        """The placeholder of `real` in `space` (one numbering per space; secrets are
        numbered per kind: REDACTED_API_KEY_1, REDACTED_TOKEN_1, ...). `use=False` only
        reserves it (a known credential that may never show up)."""
        key = (space, real)
        found = self._map.get(key)
        if found is None:
            counter = f"{space}:{kind}" if space == "secret" else space
            self._numbers[counter] += 1
            found = make(self._numbers[counter])
            self._map[key] = found
            self._kinds[key] = kind
        if use and key not in self._used:
            self._used.add(key)
            self.counts[self._kinds[key]] += 1
        return found

    def _secret(self, value: str, kind: str = "SECRET", use: bool = True) -> str:
        if not value or is_placeholder(value):
            return value

        def make(n: int) -> str:
            return f"{PLACEHOLDER}_{kind}_{n}"

        placeholder = self._placeholder("secret", value, make, kind, use)
        self._literal(value, placeholder, "secret")
        return placeholder

    def _email(self, address: str) -> str:
        domain = address.rsplit("@", 1)[1]
        if RESERVED_EMAIL_DOMAIN.search(domain):
            return address
        return self._placeholder(
            "email", address.lower(), lambda n: f"person-{n}@example.com", "e-mail"
        )

    def _phone(self, number: str) -> str:
        digits = re.sub(r"\D", "", number)
        if is_placeholder(number) or len(digits) < MIN_LITERAL["phone"]:
            return number
        placeholder = self._placeholder(
            "phone", digits, lambda n: f"+1202555{100 + n:04d}", "phone"
        )
        self._literal(number, placeholder, "phone")
        return placeholder

    def _name(self, name: str, kind: str) -> str:
        if not name.strip() or is_placeholder(name):
            return name
        if kind == "username":
            placeholder = self._placeholder("username", name, lambda n: f"person-{n}", "username")
        else:
            placeholder = self._placeholder("name", name, lambda n: f"Person {n}", "name")
        self._literal(name, placeholder, kind)
        return placeholder

    def _ip(self, address: str) -> str:
        if not address or is_placeholder(address):
            return address
        return self._placeholder("ip", address, lambda n: f"192.0.2.{n}", "ip")

    def _literal(self, real: str, placeholder: str, kind: str) -> None:
        if len(real.strip()) >= MIN_LITERAL[kind] and real not in self._literals:
            self._literals[real] = placeholder
            self._literal_re = None

    # --- free text --------------------------------------------------------------------

    def text(self, text: str, *, emails: bool = True) -> str:
        """`text` with every secret, address, phone number and known name replaced."""
        if not text or is_placeholder(text):
            return text
        passes: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
            (URL, self._url_match),
            (BEARER, lambda m: f"{m[1]}{m[2]}{self._secret(m[3], 'TOKEN')}"),
            (JWT, lambda m: self._secret(m[0], "JWT")),
            (API_KEY, lambda m: self._secret(m[0], "API_KEY")),
        ]
        if emails:
            passes.append((EMAIL, lambda m: self._email(m[0])))
        passes.append((PHONE, lambda m: self._phone(m[0])))
        # Segments: (text, protected). A replacement is protected from later passes.
        segments: list[tuple[str, bool]] = [(text, False)]
        for pattern, replace in passes:
            segments = _split(segments, pattern, replace)
        literal = self._literal_pattern()
        if literal is not None:
            segments = _split(segments, literal, lambda m: self._literals[m[0]])
        return "".join(part for part, _ in segments)

    def _literal_pattern(self) -> re.Pattern[str] | None:
        if self._literal_re is None and self._literals:
            alternatives = sorted(self._literals, key=len, reverse=True)
            self._literal_re = re.compile(
                r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)"
            )
        return self._literal_re

    def _url_match(self, match: re.Match[str]) -> str:
        url = match[0]
        tail = ""
        while url and url[-1] in ".,;:!?)]}'\"":
            tail = url[-1] + tail
            url = url[:-1]
        return self.url(url) + tail

    def url(self, url: str) -> str:
        """A URL without credentials: no password, secret query values replaced, and
        addresses / phone numbers / names in its path and query scrubbed."""
        try:
            parts = urlsplit(url)
        except ValueError:  # e.g. a broken IPv6 host
            return self._inner_text(url)
        netloc = parts.netloc
        if "@" in netloc:  # user:password@host
            userinfo, host = netloc.rsplit("@", 1)
            netloc = f"{self._secret(userinfo)}@{host}"
        path = "/".join(self._segment(segment) for segment in parts.path.split("/"))
        query = self._query(parts.query)
        fragment = self._query(parts.fragment) if "=" in parts.fragment else parts.fragment
        return urlunsplit((parts.scheme, netloc, path, query, fragment))

    def _segment(self, segment: str) -> str:
        raw = unquote(segment)
        scrubbed = self._inner_text(raw)
        return segment if scrubbed == raw else quote(scrubbed, safe="@:+,;=")

    def _query(self, query: str) -> str:
        if not query:
            return query
        pairs = parse_qsl(query, keep_blank_values=True)
        out = []
        for name, value in pairs:
            if normalise_key(name) in SECRET_QUERY and value:
                out.append((name, self._secret(value)))
            else:
                out.append((name, self._string(value, name, person=False)))
        return query if out == pairs else urlencode(out)

    def _inner_text(self, text: str) -> str:
        """Text inside a URL: everything but the URL pass (no recursion)."""
        segments: list[tuple[str, bool]] = [(text, False)]
        for pattern, replace in (
            (JWT, lambda m: self._secret(m[0], "JWT")),
            (API_KEY, lambda m: self._secret(m[0], "API_KEY")),
            (EMAIL, lambda m: self._email(m[0])),
            (PHONE, lambda m: self._phone(m[0])),
        ):
            segments = _split(segments, pattern, replace)
        literal = self._literal_pattern()
        if literal is not None:
            segments = _split(segments, literal, lambda m: self._literals[m[0]])
        return "".join(part for part, _ in segments)

    # --- JSON-like data ---------------------------------------------------------------

    def _string(self, value: str, key: object, person: bool) -> str:
        rule = _rule(key, person)
        if rule == "secret":
            return self._secret(value)
        if rule in ("name", "username"):
            if "," in value and normalise_key(key).endswith("s"):  # usernames=a,b
                return ",".join(self._name(part, rule) for part in value.split(","))
            return self._name(value, rule)
        if rule == "phone" and len(re.sub(r"\D", "", value)) >= MIN_LITERAL["phone"]:
            if "," in value:
                return ",".join(self._phone(part) for part in value.split(","))
            return self._phone(value)
        if rule == "ip":
            return self._ip(value)
        return self.text(value, emails=rule != "uid")

    def _collect(self, value: Any, key: object = None, person: bool = False) -> None:
        """First pass: learn the names, usernames, phone numbers and secrets found by
        key, so they are also replaced where they recur in free text seen earlier."""
        if isinstance(value, Mapping):
            inner = _is_person(value, key)
            for k, v in value.items():
                self._collect(v, k, inner)
        elif isinstance(value, list | tuple):
            for item in value:
                self._collect(item, key, person)
        elif isinstance(value, str) and _rule(key, person) in ("name", "username", "phone"):
            self._string(value, key, person)
        elif isinstance(value, str) and _rule(key, person) == "secret":
            self._secret(value)

    def _data(self, value: Any, key: object = None, person: bool = False) -> Any:
        if isinstance(value, Mapping):
            inner = _is_person(value, key)
            if _rule(key, person) == "secret":  # a credential object: every string goes
                return {k: self._data(v, key, inner) for k, v in value.items()}
            return {
                self.text(k) if isinstance(k, str) else k: self._data(v, k, inner)
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [self._data(item, key, person) for item in value]
        if isinstance(value, str):
            return self._string(value, key, person)
        return value

    def data(self, value: Any) -> Any:
        """A scrubbed copy of JSON-like `value` (dicts, lists, scalars)."""
        self._collect(value)
        return self._data(value)

    def _parameters(self, parameters: Mapping[str, Any]) -> dict[str, Any]:
        """Query parameters (or the call's keyword arguments that become them): those
        named like credentials (`code`, `state`, `token`, ... of OAuth callbacks) are
        secrets; the rest are data."""
        out: dict[str, Any] = {}
        for name, value in parameters.items():
            if normalise_key(name) in SECRET_QUERY and isinstance(value, str | list):
                out[name] = (
                    [self._secret(v) if isinstance(v, str) else v for v in value]
                    if isinstance(value, list)
                    else self._secret(value)
                )
            else:
                out[name] = self._data(value, name)
        return out

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """A scrubbed copy of HTTP headers: credentials replaced (and remembered, so the
        same values are replaced in bodies and paths), other values as free text."""
        out: dict[str, str] = {}
        for name, value in headers.items():
            lower = name.lower()
            if lower in BEARER_HEADERS:
                scheme, _, token = value.partition(" ")
                if token:
                    kind = "API_KEY" if API_KEY.fullmatch(token.strip()) else "TOKEN"
                    out[name] = f"{scheme} {self._secret(token.strip(), kind)}"
                else:
                    out[name] = self._secret(value, "TOKEN")
            elif lower in SECRET_HEADERS:
                out[name] = self._secret(value)
            elif lower in CLIENT_ID_HEADERS:
                out[name] = self._secret(value, "CLIENT_ID")
            else:
                out[name] = self.text(value)
        return out

    def path(self, path: str) -> str:
        """A percent-encoded URL path with each segment scrubbed (re-encoded as the
        generated client encodes path parameters: `quote(value, safe="")`)."""
        out = []
        for segment in path.split("/"):
            raw = unquote(segment)
            scrubbed = self.text(raw)
            out.append(segment if scrubbed == raw else quote(scrubbed, safe=""))
        return "/".join(out)

    def recording(self, recording: Mapping[str, Any]) -> dict[str, Any]:
        """A scrubbed copy of a recording (tests/recordings/README.md): call, request and
        response share one context, so the call still produces the recorded request."""
        call = dict(recording.get("call") or {})
        request = dict(recording.get("request") or {})
        response = dict(recording.get("response") or {})
        expect = dict(recording.get("expect") or {})
        for name in ("headers",):
            for part in (request, response):
                if isinstance(part.get(name), Mapping):
                    part[name] = self.headers(part[name])
        self._collect([call.get("args"), call.get("kwargs")])
        self._collect([request.get("query"), request.get("body"), response.get("body")])
        self._collect(expect.get("details"))
        out = dict(recording)
        if "call" in recording:
            call["args"] = [self._data(arg) for arg in call.get("args") or []]
            call["kwargs"] = self._parameters(call.get("kwargs") or {})
            out["call"] = call
        if "request" in recording:
            if isinstance(request.get("path"), str):
                request["path"] = self.path(request["path"])
            if "query" in request:
                request["query"] = self._parameters(request["query"])
            if "body" in request:
                request["body"] = self._data(request["body"])
            out["request"] = request
        if "response" in recording:
            if "body" in response:
                response["body"] = self._data(response["body"])
            out["response"] = response
        if "expect" in recording:
            for name, value in expect.items():
                if name in ("message", "details"):
                    expect[name] = self._data(value)
            out["expect"] = expect
        return out

    def summary(self) -> str:
        """What was replaced, e.g. "3 e-mail, 2 name, 1 API_KEY" (distinct values)."""
        return ", ".join(f"{count} {kind}" for kind, count in sorted(self.counts.items()))


def _split(
    segments: list[tuple[str, bool]],
    pattern: re.Pattern[str],
    replace: Callable[[re.Match[str]], str],
) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for text, protected in segments:
        if protected:
            out.append((text, True))
            continue
        last = 0
        for match in pattern.finditer(text):
            if match.start() > last:
                out.append((text[last : match.start()], False))
            out.append((replace(match), True))
            last = match.end()
        if last < len(text):
            out.append((text[last:], False))
    return out


# --- one-shot helpers -------------------------------------------------------------------


def scrub(value: Any, *, secrets: Iterable[str] = ()) -> Any:
    """A scrubbed copy of JSON-like `value`, with its own placeholder context."""
    return Scrubber(secrets=secrets).data(value)


def scrub_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return Scrubber().headers(headers)


def scrub_recording(
    recording: Mapping[str, Any], *, secrets: Iterable[str] = (), client_ids: Iterable[str] = ()
) -> dict[str, Any]:
    """A scrubbed copy of a recording (see `Scrubber.recording`)."""
    return Scrubber(secrets=secrets, client_ids=client_ids).recording(recording)
