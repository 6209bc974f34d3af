"""Search: ``GET <route>?q=text`` keeps the rows where a text field contains ``text``, ignoring
case, with ``limit``, ``offset`` and the ``total`` of the matches."""
from urllib.parse import quote

from django.db import connection
from django.test import TestCase

from app.resources import RESOURCES

from .factories import build_row, create_row, reset
from .helpers import admin_client

SEARCHABLE = ("string", "text", "email", "url")


def _marked(field, marker):
    """A valid value of ``field`` that contains ``marker`` (in upper case; with accented capitals in
    text)."""
    text = marker.upper()
    if field.type == "email":
        return f"x{text}@example.com"
    if field.type == "url":
        return f"https://example.com/{text}"
    return f"Row {text}%_off ÉTÉ"


def _search_field(resource):
    return next((field for field in resource.fields if field.type in SEARCHABLE), None)


WITH_TEXT = [resource for resource in RESOURCES if _search_field(resource)]
WITHOUT_TEXT = [
    resource for resource in RESOURCES
    if not any(field.type in SEARCHABLE + ("enum",) for field in resource.fields)
]


class SearchTests(TestCase):
    def setUp(self):
        reset()
        self.api = admin_client()

    def test_finds_the_rows_whose_text_contains_the_query_ignoring_case(self):
        for resource in WITH_TEXT:
            with self.subTest(resource=resource.name):
                field = _search_field(resource)
                marker = f"mark{resource.table}".replace("_", "")
                ids = []
                for _ in range(3):
                    body = {**build_row(self.api, resource.name), field.name: _marked(field, f"{marker}{len(ids)}")}
                    response = self.api.post(resource.route, body)
                    self.assertEqual(response.status_code, 201, response.get_json())
                    ids.append(response.get_json()["id"])
                create_row(self.api, resource.name)  # one that does not match

                page = self.api.get(f"{resource.route}?q={marker}").get_json()
                self.assertEqual([row["id"] for row in page["items"]], ids)
                self.assertEqual(page["total"], 3)
                one = self.api.get(f"{resource.route}?q={marker.lower()}1").get_json()
                self.assertEqual([row["id"] for row in one["items"]], [ids[1]])
                paged = self.api.get(f"{resource.route}?q={marker}&limit=1&offset=2").get_json()
                self.assertEqual(([row["id"] for row in paged["items"]], paged["total"]), ([ids[2]], 3))
                self.assertEqual(self.api.get(f"{resource.route}?q=no-such-text-{marker}").get_json()["total"], 0)
                # Blank queries find every row; the LIKE wildcards % and _ are plain characters.
                everything = self.api.get(resource.route).get_json()["total"]
                self.assertEqual(self.api.get(f"{resource.route}?q=%20").get_json()["total"], everything)
                if field.type in ("string", "text"):
                    found = self.api.get(f"{resource.route}?q={quote(marker + '0%_off')}").get_json()
                    self.assertEqual(found["total"], 1)
                    wildcards = self.api.get(f"{resource.route}?q={quote(marker + '0__off')}").get_json()
                    self.assertEqual(wildcards["total"], 0)
                    if connection.vendor == "sqlite":  # (PostgreSQL folds what its locale folds)
                        accents = self.api.get(f"{resource.route}?q={quote(marker + '0%_off été')}").get_json()
                        self.assertEqual(accents["total"], 1, "letters outside ASCII match across case")

    def test_a_resource_without_text_fields_finds_nothing(self):
        for resource in WITHOUT_TEXT:
            with self.subTest(resource=resource.name):
                create_row(self.api, resource.name)
                self.assertEqual(self.api.get(f"{resource.route}?q=anything").get_json()["total"], 0)

    def test_rejects_a_query_longer_than_255_characters(self):
        resource = RESOURCES[0]
        response = self.api.get(f"{resource.route}?q={'a' * 256}")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.get_json()["errors"][0]["field"], "q")
