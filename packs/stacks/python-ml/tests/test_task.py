"""How the task is chosen from the entities, and how records become numbers."""
import pytest

from spec import ENTITIES
from task import UNKNOWN, Entity, Field, check_value, choose_task

NAME = Field("name", "string", required=True)
SCORE = Field("score", "float")
OWNER = Field("owner", "ref", ref="Owner")


def test_the_task_of_this_project_predicts_a_field_of_one_of_its_entities():
    task = choose_task(ENTITIES)
    assert task.kind in ("classification", "regression", "record_type")
    if task.kind == "record_type":
        assert set(task.classes) >= {entity.name for entity in ENTITIES}
        return
    entity = next(e for e in ENTITIES if e.name == task.entity)
    target = next(f for f in entity.fields if f.name == task.target)
    assert target.type == {"classification": target.type, "regression": target.type}[task.kind]
    assert target not in task.features
    assert all(f.type != "ref" for f in task.features)
    assert len(task.encode({})) == len(task.columns())


def test_classifies_the_first_enum_field_with_features():
    lonely = Entity("Tag", "/api/tags", (Field("kind", "enum", values=("a", "b")),))
    ticket = Entity("Ticket", "/api/tickets", (
        NAME, SCORE, OWNER, Field("done", "bool"), Field("status", "enum", values=("open", "closed")),
    ))
    task = choose_task([lonely, ticket])
    assert (task.kind, task.entity, task.target, task.classes) == (
        "classification", "Ticket", "status", ("open", "closed"))
    assert [f.name for f in task.features] == ["name", "score", "done"]
    assert task.columns() == ["name", "score", "done"]


def test_then_a_bool_field_then_a_number():
    task = choose_task([Entity("Ticket", "/api/tickets", (NAME, SCORE, Field("done", "bool")))])
    assert (task.kind, task.target, task.classes) == ("classification", "done", ("true", "false"))
    assert task.prediction_value("true") is True
    task = choose_task([Entity("Ticket", "/api/tickets", (NAME, OWNER, Field("hours", "int")))])
    assert (task.kind, task.target) == ("regression", "hours")
    assert task.prediction_value(3.6) == 4


def test_falls_back_to_telling_entities_apart():
    a = Entity("Author", "/api/authors", (NAME, Field("email", "email")))
    b = Entity("Note", "/api/notes", (Field("body", "text", required=True), OWNER))
    task = choose_task([a, b])
    assert (task.kind, task.target, task.classes) == ("record_type", "entity", ("Author", "Note"))
    assert [f.name for f in task.features] == ["name", "email", "body", "owner"]
    assert task.encode({"body": "four"}) == [0, 0, 0, 0, 1, 4, 0, 0]
    single = choose_task([a])
    assert single.classes == ("Author", UNKNOWN)


def test_encodes_each_type():
    entity = Entity("Row", "/api/rows", (
        Field("n", "int"), Field("on", "bool"), Field("day", "date"), Field("at", "datetime"),
        Field("size", "enum", values=("s", "m", "l")), Field("label", "string"), Field("target", "float"),
    ))
    task = choose_task([entity])
    assert task.target == "size"
    row = {"n": 3, "on": True, "day": "1970-01-11", "at": "1970-01-02T12:00:00Z", "label": "abc", "target": 1.5}
    assert task.encode(row) == [3.0, 1.0, 10.0, 1.5, 3.0, 1.5]
    assert task.encode({}, {"n": 7.0})[0] == 7.0  # a missing value becomes the training mean


@pytest.mark.parametrize("field, good, bad", [
    (Field("x", "string"), ["ok"], [1, "a" * 256]),
    (Field("x", "int"), [0, -4], [1.5, "1", True, 2**60]),
    (Field("x", "float"), [1, 2.5], ["1", float("nan"), False]),
    (Field("x", "bool"), [True], ["true", 0]),
    (Field("x", "date"), ["2024-02-29"], ["2023-02-29", "yesterday"]),
    (Field("x", "datetime"), ["2024-01-31T09:30:00Z", "2024-01-31T09:30+01:00"], ["2024-01-31T09:30:00", "x"]),
    (Field("x", "email"), ["a@b.example"], ["nope"]),
    (Field("x", "url"), ["https://example.com"], ["ftp://example.com", "example.com"]),
    (Field("x", "enum", values=("a", "b")), ["a"], ["c", 1]),
])
def test_checks_values_like_the_back_end(field, good, bad):
    for value in good:
        assert check_value(field, value) is None, value
    for value in bad:
        assert check_value(field, value) is not None, value


def test_validates_request_bodies():
    task = choose_task([Entity("Ticket", "/api/tickets", (
        NAME, SCORE, OWNER, Field("status", "enum", values=("open", "closed")),
    ))])
    record, errors = task.validate({"id": 3, "owner": 1, "status": "open", "score": 2.5, "name": "A"})
    assert errors == []
    assert record == {"name": "A", "score": 2.5}
    _, errors = task.validate({"score": "high", "colour": "red"})
    assert [e["field"] for e in errors] == ["colour", "name", "score"]
