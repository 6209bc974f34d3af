"""The API contract's validation cases (``validation-cases.json``, beside this file), which the tests
of every generated back end read: per field type, the values the API accepts and refuses, and whole
request bodies with the answer they get."""
import json
from pathlib import Path

CASES = json.loads((Path(__file__).parent / "validation-cases.json").read_text(encoding="utf-8"))
REQUESTS = CASES["requests"]


def _value(case):
    return case["value"] * case["repeat"] if "repeat" in case else case["value"]


def field_options(field_type):
    """What a field of this type needs besides its type in the unit cases (enum values, ref)."""
    return CASES["field_types"][field_type].get("field", {})


def valid_cases(field_type):
    """``[(value, returned)]``: values a field of ``field_type`` accepts, and how the API answers
    them."""
    cases = CASES["field_types"][field_type]["valid"]
    return [(_value(case), case.get("returned", _value(case))) for case in cases]


def invalid_cases(field_type, over_http=False):
    """``[(value, status, why)]``: values a field of ``field_type`` refuses. ``over_http`` adds
    those that only the API can refuse (e.g. a ref to no row)."""
    cases = CASES["field_types"][field_type]["invalid"]
    return [
        (_value(case), case["status"], case["why"])
        for case in cases
        if over_http or not case.get("over_http")
    ]
