"""The field type checks of api/validation.py, without the database."""
import math

from django.test import SimpleTestCase

from api.crud import format_datetime
from api.schema import Field, Resource
from api.validation import MAX_LENGTH, check_field, validate_body

CASES = {
    "string": ({}, ["x", "a" * MAX_LENGTH["string"]], [1, True, "a" * (MAX_LENGTH["string"] + 1), "a\x00b"]),
    "text": ({}, ["long text\nwith lines"], [42, "a" * (MAX_LENGTH["text"] + 1)]),
    "int": ({}, [0, -3, 42, 2**53 - 1], [1.5, "1", True, math.nan, 2**60]),
    "float": ({}, [0, 1.5, -2], ["1.5", math.inf, math.nan, False, 10**400]),
    "bool": ({}, [True, False], ["true", 0]),
    "date": ({}, ["2024-02-29"], ["2023-02-29", "2024-1-5", "2024-01-05T00:00:00Z", 20240105, "2024-01-05\n"]),
    "datetime": (
        {},
        ["2024-01-31T09:30:00Z", "2024-01-31T09:30:00.123+02:00", "2024-01-31T09:30Z"],
        ["2024-01-31", "2024-01-31T25:00:00Z", "2024-01-31T09:30:00", "2024-02-30T09:30:00Z", "yesterday",
         "0001-01-01T00:00:00+01:00"],
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

RESOURCE = Resource(
    name="Book",
    route="/api/books",
    model=None,
    fields=(Field("title", "string", required=True), Field("rating", "int")),
)


class ValidationTests(SimpleTestCase):
    def test_field_types(self):
        for field_type, (extra, valid, invalid) in sorted(CASES.items()):
            field = Field("value", field_type, **extra)
            for value in valid:
                with self.subTest(field_type=field_type, valid=value):
                    self.assertIsNone(check_field(field, value))
            for value in invalid:
                with self.subTest(field_type=field_type, invalid=value):
                    self.assertIsNotNone(check_field(field, value))

    def test_reports_missing_required_and_unknown_fields(self):
        _, errors = validate_body(RESOURCE, {"rating": "high", "colour": "red"})
        self.assertEqual([error["field"] for error in errors], ["colour", "title", "rating"])

    def test_fills_missing_optional_fields_except_for_partial_updates(self):
        self.assertEqual(validate_body(RESOURCE, {"title": "A"}), ({"title": "A", "rating": None}, []))
        self.assertEqual(validate_body(RESOURCE, {"rating": 3}, partial=True), ({"rating": 3}, []))
        _, errors = validate_body(RESOURCE, {"title": None}, partial=True)
        self.assertEqual(errors, [{"field": "title", "message": "is required"}])

    def test_rejects_unknown_field_types(self):
        with self.assertRaises(ValueError):
            Field("value", "colour")

    def test_writes_date_times_in_utc(self):
        from django.utils.dateparse import parse_datetime

        self.assertEqual(format_datetime(parse_datetime("2024-01-31T09:30:00+02:00")), "2024-01-31T07:30:00Z")
        self.assertEqual(format_datetime(parse_datetime("2024-01-31T09:30:00.120Z")), "2024-01-31T09:30:00.12Z")
