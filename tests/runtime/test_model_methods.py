"""The models' shared repr and eq (calcom._model_methods) behave as attrs' own would."""

from __future__ import annotations

import pickle

import pytest
from _calmock import booking
from calcom.models import BookingOutput, CreateBookingAttendee, PaginationMeta


def _attendee(**changes: str) -> CreateBookingAttendee:
    fields = {"name": "Ada", "email": "ada@example.com", "time_zone": "Europe/London"}
    return CreateBookingAttendee(**{**fields, **changes})


def test_equal_by_value_and_class() -> None:
    assert _attendee() == _attendee()
    assert _attendee() != _attendee(name="Grace")
    assert BookingOutput.from_dict(booking(1)) == BookingOutput.from_dict(booking(1))
    assert BookingOutput.from_dict(booking(1)) != BookingOutput.from_dict(booking(2))
    assert _attendee() != "Ada"
    assert _attendee().__eq__(object()) is NotImplemented


def test_fields_kept_raw_do_not_count_but_additional_properties_do() -> None:
    plain = BookingOutput.from_dict(booking(1))
    extra = BookingOutput.from_dict(booking(1, somethingNew=1))
    assert plain != extra
    assert extra.additional_properties == {"somethingNew": 1}


def test_unhashable_like_any_mutable_value() -> None:
    with pytest.raises(TypeError, match="unhashable"):
        hash(_attendee())


def test_repr_names_every_field() -> None:
    assert repr(_attendee()) == (
        "CreateBookingAttendee(name='Ada', time_zone='Europe/London', phone_number=UNSET, "
        "language=UNSET, email='ada@example.com', additional_properties={})"
    )
    assert "additional_properties={}" in repr(PaginationMeta.from_dict({"totalItems": 1}))


def test_a_model_that_contains_itself_prints() -> None:
    meta = PaginationMeta.from_dict({"totalItems": 1})
    meta.additional_properties["self"] = meta
    assert "'self': ..." in repr(meta)


def test_pickle_round_trip_keeps_equality() -> None:
    original = BookingOutput.from_dict(booking(1))
    assert pickle.loads(pickle.dumps(original)) == original
