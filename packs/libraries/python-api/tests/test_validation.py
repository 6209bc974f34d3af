import math

import pytest

from app.schema import FIELD_TYPES, Field, Resource
from app.validation import check_field, validate_body

from .contract import CASES, field_options, invalid_cases, valid_cases

# Values JSON cannot carry, which Python's json module would still decode, and an integer too large
# for a float.
NOT_JSON = {"int": [math.nan, math.inf], "float": [math.inf, -math.inf, math.nan, 10**400]}


@pytest.mark.parametrize("field_type", sorted(CASES["field_types"]))
def test_field_types_follow_the_contract(field_type):
    field = Field("value", field_type, **field_options(field_type))
    for value, _ in valid_cases(field_type):
        assert check_field(field, value) is None, f"{field_type} {value!r}"
    for value, _, why in invalid_cases(field_type):
        assert check_field(field, value) is not None, f"{field_type} {value!r} ({why})"
    for value in NOT_JSON.get(field_type, []):
        assert check_field(field, value) is not None, f"{field_type} {value!r}"


def test_the_contract_covers_every_field_type():
    # Files are uploaded on their own URL, never in JSON bodies.
    assert set(CASES["field_types"]) == set(FIELD_TYPES) - {"file"}


def test_ignores_file_fields_in_bodies():
    resource = Resource(name="Scan", table="scans", route="/api/scans",
                        fields=(Field("title", "string"), Field("image", "file")))
    assert validate_body(resource, {"title": "A", "image": {"url": "x"}}) == ({"title": "A"}, [])


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
