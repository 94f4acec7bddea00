"""What help(), inspect and IDEs (jedi) show of a method, on a sample across namespaces."""

from __future__ import annotations

import ast
import inspect
import pydoc
from pathlib import Path
from typing import Any

import calcom
import jedi
import pytest

# (call path, a parameter it has, a word of that parameter's description in the spec)
SAMPLE = [
    ("bookings.list", "status", "Example"),
    ("bookings.create", "start", "The start time of the booking"),
    ("bookings.cancel", "cancellation_reason", "Reason"),
    ("event_types.get", "event_type_id", None),
    ("schedules.update", "schedule_id", None),
    ("orgs.teams.memberships.list", "team_id", None),
    ("webhooks.create", "subscriber_url", None),
    ("slots.list", "start", None),
    ("me.get", None, None),
]
SOURCE = 'from calcom import Cal\ncal = Cal(api_key="x")\n'


def _method(cal: Any, path: str) -> Any:
    target = cal
    for part in path.split("."):
        target = getattr(target, part)
    return target


@pytest.fixture
def cal() -> calcom.Cal:
    return calcom.Cal(api_key="cal_test_introspection")


@pytest.mark.parametrize(("path", "param", "described"), SAMPLE, ids=[s[0] for s in SAMPLE])
def test_signature_and_doc(cal: calcom.Cal, path: str, param: str | None, described: str | None):
    method = _method(cal, path)
    signature = inspect.signature(method)
    assert "args" not in signature.parameters and "kwargs" not in signature.parameters
    if param is not None:
        assert param in signature.parameters
    assert signature.return_annotation is not inspect.Signature.empty
    doc = method.__doc__
    op = method.operation
    assert f"`{op.method} {op.path}`" in doc
    if op.api_version:
        assert f"cal-api-version {op.api_version}" in doc
    assert f"Returns `{signature.return_annotation.__name__}`" in doc
    if described:
        assert described in doc
    shown = pydoc.render_doc(method, renderer=pydoc.plaintext)
    assert f"{path.rsplit('.', 1)[1]}(" in shown and "object at 0x" not in shown


def test_required_body_fields_are_required_in_the_signature(cal: calcom.Cal) -> None:
    parameters = inspect.signature(cal.bookings.create).parameters
    for name in ("start", "attendee"):
        assert parameters[name].default is inspect.Parameter.empty
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["event_type_id"].default is calcom.UNSET
    assert "Required: `start`, `attendee`" in (cal.bookings.create.__doc__ or "")


def test_printed_signatures_name_types_as_a_user_writes_them(cal: calcom.Cal) -> None:
    shown = str(inspect.signature(cal.bookings.create))
    assert "calcom._generated" not in shown and "typing." not in shown
    assert "start: datetime," in shown and "attendee: CreateBookingAttendee," in shown
    assert "-> CreateBookingOutput" in shown
    listing = str(inspect.signature(cal.bookings.list))
    assert "after_start: date | datetime | Unset = UNSET" in listing
    assert "Literal['asc', 'desc']" in listing
    # The annotations stay the real types (argument checks and tools read them).
    from calcom.models import CreateBookingAttendee

    parameter = inspect.signature(cal.bookings.create).parameters["attendee"]
    assert parameter.annotation is CreateBookingAttendee
    shown = pydoc.render_doc(cal.bookings.create, renderer=pydoc.plaintext)
    assert "attendee: CreateBookingAttendee" in shown and "calcom._generated" not in shown


def test_help_of_with_options_names_its_default() -> None:
    shown = pydoc.render_doc(calcom.Cal(api_key="x").me.get.with_options, renderer=pydoc.plaintext)
    assert "= CLIENT_DEFAULT" in shown and "object at 0x" not in shown


def test_async_methods_have_the_same_signature(cal: calcom.Cal) -> None:
    async_cal = calcom.AsyncCal(api_key="cal_test_introspection")
    for path, _, _ in SAMPLE:
        assert inspect.signature(_method(async_cal, path)) == inspect.signature(_method(cal, path))


def test_jedi_completes_methods_only() -> None:
    names = {c.name for c in jedi.Script(SOURCE + "cal.bookings.").complete()}
    public = {name for name in names if not name.startswith("_")}
    assert {"create", "list", "get", "cancel", "attendees"} <= public
    assert not public & {"attrname", "func", "lock", "build", "parse"}
    assert public <= {n for n in dir(calcom.Cal(api_key="x").bookings) if not n.startswith("_")}


def test_jedi_signature_help_and_result_completion() -> None:
    signatures = jedi.Script(SOURCE + "cal.bookings.create(").get_signatures()
    params = {p.name for s in signatures for p in s.params}
    assert {"start", "attendee", "event_type_id", "body"} <= params
    assert any("POST /v2/bookings" in s.docstring() for s in signatures)
    items = {c.name for c in jedi.Script(SOURCE + "cal.bookings.list(take=1).data[0].").complete()}
    assert {"uid", "start", "title", "attendees"} <= items


def test_jedi_interpreter_sees_the_same(cal: calcom.Cal) -> None:
    names = {c.name for c in jedi.Interpreter("cal.bookings.", [{"cal": cal}]).complete()}
    assert {"create", "list"} <= names and "attrname" not in names
    signatures = jedi.Interpreter("cal.bookings.get(", [{"cal": cal}]).get_signatures()
    assert any(p.name == "booking_uid" for s in signatures for p in s.params)


def test_every_stub_matches_its_runtime_namespace() -> None:
    """The stubs (what checkers and IDEs read) name exactly what the runtime has."""
    resources = Path(calcom.__file__).parent / "_resources"
    stubs = sorted(resources.glob("*.pyi"))
    assert len(stubs) == len(list(resources.glob("*.py"))) - 1  # all but __init__.py
    for stub in stubs:
        module = __import__(f"calcom._resources.{stub.stem}", fromlist=["_"])
        for node in ast.parse(stub.read_text()).body:
            if (
                isinstance(node, ast.ClassDef)
                and node.bases
                and ast.unparse(node.bases[0]).endswith("Resource")
            ):
                declared = {
                    item.target.id if isinstance(item, ast.AnnAssign) else item.name
                    for item in node.body
                    if isinstance(item, ast.AnnAssign | ast.FunctionDef)
                    and isinstance(
                        getattr(item, "target", None) or item, ast.Name | ast.FunctionDef
                    )
                }
                runtime = getattr(module, node.name)
                public = {n for n in vars(runtime) if not n.startswith("_")}
                assert declared == public, f"{stub.name}: {node.name}"
