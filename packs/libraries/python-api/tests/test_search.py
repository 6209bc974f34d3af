"""Search: ``GET <route>?q=text`` keeps the rows where a text field contains ``text``, ignoring
case, with ``limit``, ``offset`` and the ``total`` of the matches."""
import uuid

import pytest

from app.resources import RESOURCES

from .factories import build_row, create_row

SEARCHABLE = ("string", "text", "email", "url")


def _marked(field, marker):
    """A valid value of ``field`` that contains ``marker`` (in upper case)."""
    text = marker.upper()
    if field.type == "email":
        return f"x{text}@example.com"
    if field.type == "url":
        return f"https://example.com/{text}"
    return f"Row {text}%_off"


def _search_field(resource):
    return next((field for field in resource.fields if field.type in SEARCHABLE), None)


WITH_TEXT = [resource for resource in RESOURCES if _search_field(resource)]
WITHOUT_TEXT = [
    resource for resource in RESOURCES
    if not any(field.type in SEARCHABLE + ("enum",) for field in resource.fields)
]


@pytest.mark.parametrize("resource", WITH_TEXT, ids=[resource.table for resource in WITH_TEXT])
def test_finds_the_rows_whose_text_contains_the_query_ignoring_case(api, resource):
    field = _search_field(resource)
    marker = uuid.uuid4().hex[:12]
    ids = []
    for _ in range(3):
        body = {**build_row(api, resource.name), field.name: _marked(field, f"{marker}{len(ids)}")}
        response = api.post(resource.route, body)
        assert response.status_code == 201, response.json()
        ids.append(response.json()["id"])
    create_row(api, resource.name)  # one that does not match

    page = api.get(f"{resource.route}?q={marker}").json()
    assert [row["id"] for row in page["items"]] == ids
    assert page["total"] == 3
    one = api.get(f"{resource.route}?q={marker.lower()}1").json()
    assert [row["id"] for row in one["items"]] == [ids[1]]
    paged = api.get(f"{resource.route}?q={marker}&limit=1&offset=2").json()
    assert ([row["id"] for row in paged["items"]], paged["total"]) == ([ids[2]], 3)
    assert api.get(f"{resource.route}?q=no-such-text-{marker}").json()["total"] == 0
    # Blank queries find every row; the LIKE wildcards % and _ are plain characters.
    assert api.get(f"{resource.route}?q=%20").json()["total"] == api.get(resource.route).json()["total"]
    if field.type in ("string", "text"):
        assert api.get(f"{resource.route}?q={marker}0%25_off").json()["total"] == 1
        assert api.get(f"{resource.route}?q={marker}0__off").json()["total"] == 0


@pytest.mark.parametrize("resource", WITHOUT_TEXT, ids=[resource.table for resource in WITHOUT_TEXT])
def test_a_resource_without_text_fields_finds_nothing(api, resource):
    create_row(api, resource.name)
    assert api.get(f"{resource.route}?q=anything").json()["total"] == 0


def test_rejects_a_query_longer_than_255_characters(api):
    resource = RESOURCES[0]
    response = api.get(f"{resource.route}?q={'a' * 256}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "q"
