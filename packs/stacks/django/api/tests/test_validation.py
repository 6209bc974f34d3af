"""The field type checks of app/validation.py against the API contract's cases
(api/tests/validation-cases.json, the same file every generated back end's tests read), without
the database."""
import math

from django.test import SimpleTestCase

from api.crud import to_model
from app.schema import FIELD_TYPES, Field, Resource
from app.validation import check_field, format_datetime, validate_body

from .contract import CASES, field_options, invalid_cases, valid_cases

# Values JSON cannot carry, which Python's json module would still decode, and an integer too large
# for a float.
NOT_JSON = {"int": [math.nan, math.inf], "float": [math.inf, -math.inf, math.nan, 10**400]}

RESOURCE = Resource(
    name="Book",
    table="books",
    route="/api/books",
    fields=(Field("title", "string", required=True), Field("rating", "int")),
)


class ValidationTests(SimpleTestCase):
    def test_field_types_follow_the_contract(self):
        for field_type in sorted(CASES["field_types"]):
            field = Field("value", field_type, **field_options(field_type))
            for value, _ in valid_cases(field_type):
                with self.subTest(field_type=field_type, valid=value):
                    self.assertIsNone(check_field(field, value))
            for value, _, why in invalid_cases(field_type):
                with self.subTest(field_type=field_type, invalid=value, why=why):
                    self.assertIsNotNone(check_field(field, value))
            for value in NOT_JSON.get(field_type, []):
                with self.subTest(field_type=field_type, invalid=value):
                    self.assertIsNotNone(check_field(field, value))

    def test_the_contract_covers_every_field_type(self):
        # Files are uploaded on their own URL, never in JSON bodies.
        self.assertEqual(set(CASES["field_types"]), set(FIELD_TYPES) - {"file"})

    def test_ignores_file_fields_in_bodies(self):
        resource = Resource(name="Scan", table="scans", route="/api/scans",
                            fields=(Field("title", "string"), Field("image", "file")))
        self.assertEqual(validate_body(resource, {"title": "A", "image": {"url": "x"}}), ({"title": "A"}, []))

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

    def test_keeps_date_times_in_utc_to_the_millisecond(self):
        field = Field("at", "datetime")
        for value, returned in valid_cases("datetime"):
            with self.subTest(value=value):
                self.assertEqual(format_datetime(to_model(field, value)), returned)
