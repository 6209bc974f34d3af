"""The HTTP service: health, the model card, predictions and their validation."""
import json

import pytest

import dataset
import service
from spec import ENTITIES


def _example(bundle):
    """A valid /predict body: a synthetic record of the task's entity (as the back end returns rows)."""
    task = bundle["task"]
    row = dataset.synthetic_rows(task, ENTITIES, 1, 123)[0]
    row.pop("__entity__", None)
    return row


def test_reports_health(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_describes_the_model(client, bundle):
    card = client.get("/model").get_json()
    task = bundle["task"]
    assert (card["kind"], card["entity"], card["target"]) == (task.kind, task.entity, task.target)
    assert [f["name"] for f in card["features"]] == [f.name for f in task.features]
    assert card["metrics"] == bundle["metrics"]
    assert card["seed"] == bundle["seed"]
    assert card["versions"]["scikit-learn"]


def test_predicts_with_probabilities(client, bundle):
    task = bundle["task"]
    response = client.post("/predict", json=_example(bundle))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["entity"], body["target"]) == (task.entity, task.target)
    if task.kind == "regression":
        assert isinstance(body["prediction"], (int, float))
        assert body["probabilities"] is None
    else:
        assert list(body["probabilities"]) == list(task.classes)
        assert sum(body["probabilities"].values()) == pytest.approx(1.0, abs=1e-4)
        best = max(body["probabilities"], key=body["probabilities"].get)
        assert body["prediction"] == task.prediction_value(best)


def test_the_same_record_gets_the_same_answer(client, bundle):
    record = _example(bundle)
    assert client.post("/predict", json=record).get_json() == client.post("/predict", json=record).get_json()


def test_rejects_invalid_records_with_problem_details(client, bundle):
    task = bundle["task"]
    response = client.post("/predict", json={**_example(bundle), "no_such_field": 1})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"] == [{"field": "no_such_field", "message": "is not a known field"}]

    wrong = {"string": 12, "text": 12, "email": "nope", "url": "ftp://x", "int": "x", "float": "x",
             "bool": "x", "date": "2023-02-29", "datetime": "noon", "enum": "not-a-value", "ref": "x"}
    feature = task.features[0]
    response = client.post("/predict", json={**_example(bundle), feature.name: wrong[feature.type]})
    assert response.status_code == 400
    assert [error["field"] for error in response.get_json()["errors"]] == [feature.name]

    required = [f.name for f in task.features if f.required]
    if required and task.kind != "record_type":
        response = client.post("/predict", json={})
        assert response.status_code == 400
        assert [error["field"] for error in response.get_json()["errors"]] == required


@pytest.mark.parametrize("data, content_type, detail", [
    ('{"broken": ', "application/json", "Malformed JSON in request body"),
    ("[1, 2]", "application/json", "Request body must be a JSON object"),
    ("a=1", "application/x-www-form-urlencoded", "Request body must be a JSON object (Content-Type: application/json)"),
])
def test_rejects_bodies_that_are_not_json_objects(client, data, content_type, detail):
    response = client.post("/predict", data=data, content_type=content_type)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == detail


def test_answers_unknown_routes_and_methods_with_problem_details(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    response = client.get("/predict")
    assert response.status_code == 405
    assert response.headers["Allow"]
    response = client.post("/predict", data=json.dumps({"x": "a" * 70_000}), content_type="application/json")
    assert response.status_code == 413


def test_refuses_to_start_without_a_trained_model(tmp_path):
    with pytest.raises(RuntimeError, match="train.py"):
        service.create_app(tmp_path / "missing.joblib")
