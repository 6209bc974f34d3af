import math

import pytest

from app.schema import Field, Resource
from app.validation import MAX_LENGTH, check_field, validate_body

CASES = {
    "string": ({}, ["x", "a" * MAX_LENGTH["string"]], [1, True, "a" * (MAX_LENGTH["string"] + 1)]),
    "text": ({}, ["long text\nwith lines"], [42, "a" * (MAX_LENGTH["text"] + 1)]),
    "int": ({}, [0, -3, 42], [1.5, "1", True, math.nan, 2**60]),
    "float": ({}, [0, 1.5, -2], ["1.5", math.inf, math.nan, False]),
    "bool": ({}, [True, False], ["true", 0]),
    "date": ({}, ["2024-02-29"], ["2023-02-29", "2024-1-5", "2024-01-05T00:00:00Z", 20240105, "2024-01-05\n"]),
    "datetime": (
        {},
        ["2024-01-31T09:30:00Z", "2024-01-31T09:30:00.123+02:00", "2024-01-31T09:30Z"],
        ["2024-01-31", "2024-01-31T25:00:00Z", "2024-01-31T09:30:00", "2024-02-30T09:30:00Z", "yesterday"],
    ),
    "email": ({}, ["someone@example.com"], ["someone", "a b@example.com", 7]),
    "url": (
        {},
        ["https://example.com/x?y=1", "http://localhost:3000"],
        ["ftp://example.com", "example.com", "https://", "http://exa mple.com", 1],
    ),
    "enum": ({"values": ("small", "large")}, ["small"], ["huge", "smal", 1]),
    "ref": ({"ref": "Thing"}, [1, 42], [0, -1, 1.5, "1", True]),
}


@pytest.mark.parametrize("field_type", sorted(CASES))
def test_field_types(field_type):
    extra, valid, invalid = CASES[field_type]
    field = Field("value", field_type, **extra)
    for value in valid:
        assert check_field(field, value) is None, f"{field_type} {value!r}"
    for value in invalid:
        assert check_field(field, value) is not None, f"{field_type} {value!r}"


RESOURCE = Resource(
    name="Book",
    table="books",
    route="/api/books",
    fields=(Field("title", "string", required=True), Field("rating", "int")),
)


def test_reports_missing_required_and_unknown_fields():
    _, errors = validate_body(RESOURCE, {"rating": "high", "colour": "red"})
    assert [error["field"] for error in errors] == ["colour", "title", "rating"]


def test_fills_missing_optional_fields_except_for_partial_updates():
    assert validate_body(RESOURCE, {"title": "A"}) == ({"title": "A", "rating": None}, [])
    assert validate_body(RESOURCE, {"rating": 3}, partial=True) == ({"rating": 3}, [])
    _, errors = validate_body(RESOURCE, {"title": None}, partial=True)
    assert errors == [{"field": "title", "message": "is required"}]


def test_rejects_unknown_field_types():
    with pytest.raises(ValueError):
        Field("value", "colour")
