"""The prediction service: a small Flask app around the model written by train.py.

    flask --app service run --port 8001                               # development
    gunicorn --bind 0.0.0.0:8001 --workers 2 'service:create_app()'   # production

GET /healthz      {"status": "ok"}
GET /model        what the model predicts, from which fields, and how well (held-out rows)
POST /predict     a record as JSON → {"entity", "target", "prediction", "probabilities"}

Errors are problem details (``application/problem+json``) with an ``errors`` list of
``{field, message}``, like the back end's.
"""
import os
from http import HTTPStatus
from pathlib import Path

import joblib
import numpy as np
from flask import Flask, request
from werkzeug.exceptions import BadRequest, HTTPException

HERE = Path(__file__).resolve().parent
MAX_BODY_BYTES = 64 * 1024


class ApiError(Exception):
    def __init__(self, status, detail, errors=None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors


def problem(status, detail, errors=None, headers=None):
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body, status, {"Content-Type": "application/problem+json", **(headers or {})}


def load_model(path=None):
    """The bundle train.py wrote (MODEL_PATH, or model.joblib beside this file); it refers to task.py."""
    path = Path(path or os.environ.get("MODEL_PATH") or HERE / "model.joblib")
    if not path.is_file():
        raise RuntimeError(f"no trained model at {path}: run `python train.py` first")
    return joblib.load(path)


def predict(bundle, record):
    """The answer of /predict for a validated record."""
    task, pipeline = bundle["task"], bundle["pipeline"]
    features = np.array([task.encode(record, bundle["means"])], dtype=float)
    answer = {"entity": task.entity, "target": task.target}
    if task.kind == "regression":
        answer["prediction"] = task.prediction_value(pipeline.predict(features)[0])
        answer["probabilities"] = None
        return answer
    probabilities = dict(zip(pipeline.classes_, pipeline.predict_proba(features)[0]))
    best = max(task.classes, key=lambda label: probabilities.get(label, 0.0))
    answer["prediction"] = task.prediction_value(best)
    answer["probabilities"] = {label: round(float(probabilities.get(label, 0.0)), 6) for label in task.classes}
    return answer


def create_app(model_path=None):
    bundle = load_model(model_path)
    task = bundle["task"]
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False

    @app.errorhandler(ApiError)
    def api_error(error):
        return problem(error.status, error.detail, error.errors)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code == 404:
            return problem(404, f"No route for {request.method} {request.path}")
        headers = {}
        if error.code == 405 and getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)
        return problem(error.code or 500, error.description or "", headers=headers)

    @app.errorhandler(Exception)
    def internal_error(error):
        app.logger.exception("Internal server error")
        return problem(500, "Internal server error")

    @app.get("/healthz")
    def health():
        return {"status": "ok"}

    @app.get("/model")
    def model_card():
        return {
            **task.describe(),
            "metrics": bundle["metrics"],
            "seed": bundle["seed"],
            "data": bundle["data"],
            "versions": bundle["versions"],
        }

    @app.post("/predict")
    def predict_view():
        if not request.is_json:
            raise ApiError(400, "Request body must be a JSON object (Content-Type: application/json)")
        if (request.content_length or 0) > MAX_BODY_BYTES:
            raise ApiError(413, f"Request body is larger than {MAX_BODY_BYTES} bytes")
        try:
            body = request.get_json()
        except BadRequest:
            raise ApiError(400, "Malformed JSON in request body") from None
        if not isinstance(body, dict):
            raise ApiError(400, "Request body must be a JSON object")
        record, errors = task.validate(body)
        if errors:
            raise ApiError(400, "Validation failed", errors)
        return predict(bundle, record)

    return app
