"""Training: the same seed gives the same model, and the model learns the planted relationship."""
import json

import numpy as np

import dataset
import train
from spec import ENTITIES
from task import choose_task


def _probe(bundle, count=25, seed=999):
    """Predictions of ``bundle`` for rows it never saw."""
    task = bundle["task"]
    rows = dataset.synthetic_rows(task, ENTITIES, count, seed)
    features = np.array([task.encode(task.clean(row), bundle["means"]) for row in rows], dtype=float)
    pipeline = bundle["pipeline"]
    if task.kind == "regression":
        return pipeline.predict(features)
    return pipeline.predict_proba(features)


def test_synthetic_rows_depend_only_on_the_seed():
    task = choose_task(ENTITIES)
    assert dataset.synthetic_rows(task, ENTITIES, 50, 7) == dataset.synthetic_rows(task, ENTITIES, 50, 7)
    assert dataset.synthetic_rows(task, ENTITIES, 50, 7) != dataset.synthetic_rows(task, ENTITIES, 50, 8)


def test_synthetic_rows_are_valid_records():
    task = choose_task(ENTITIES)
    for row in dataset.synthetic_rows(task, ENTITIES, 200, 3):
        assert task.clean(row) == row, row
        if task.kind != "record_type":
            _, errors = task.validate(row)
            assert errors == [], (row, errors)


def test_training_is_reproducible_with_a_fixed_seed(tmp_path, bundle):
    again = train.train(seed=train.DEFAULT_SEED, rows=600, out=tmp_path / "again.joblib")
    assert again["metrics"] == bundle["metrics"]
    assert again["means"] == bundle["means"]
    np.testing.assert_array_equal(_probe(again), _probe(bundle))
    other = train.train(seed=train.DEFAULT_SEED + 1, rows=600, out=tmp_path / "other.joblib")
    assert not np.array_equal(_probe(other), _probe(bundle))


def test_the_model_learns_more_than_the_base_rate(bundle):
    metrics = bundle["metrics"]
    if bundle["task"].kind == "regression":
        assert metrics["r2"] > 0.5, metrics
    else:
        assert metrics["accuracy"] > metrics["baseline_accuracy"] + 0.1, metrics
    assert metrics["train_rows"] + metrics["test_rows"] == 600


def test_trains_from_rows_in_a_file_as_the_back_end_lists_them(tmp_path):
    task = choose_task(ENTITIES)
    rows = dataset.synthetic_rows(task, ENTITIES, 300, 11)
    path = tmp_path / "rows.json"
    if task.kind == "record_type":
        by_entity = {}
        for row in rows:
            name = row.pop("__entity__")
            by_entity.setdefault(name, {"items": []})["items"].append(row)
        path.write_text(json.dumps(by_entity))
    else:
        path.write_text(json.dumps([{"items": rows[:150]}, {"items": rows[150:]}]))
    out = tmp_path / "from-file.joblib"
    assert train.main(["--data", str(path), "--out", str(out), "--seed", "5"]) == 0
    assert out.is_file()
    assert train.main(["--data", str(tmp_path / "missing.json"), "--out", str(out)]) == 2


def test_the_command_line_writes_the_model(tmp_path, capsys):
    out = tmp_path / "cli.joblib"
    assert train.main(["--rows", "200", "--seed", "3", "--out", str(out)]) == 0
    assert out.is_file()
    assert "seed 3" in capsys.readouterr().out
