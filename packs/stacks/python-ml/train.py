#!/usr/bin/env python3
"""Trains the model of this service and writes it to model.joblib.

    python train.py                       # synthetic rows derived from spec.py, seed 42
    python train.py --seed 7 --rows 2000  # another sample
    python train.py --data rows.json      # your rows (see dataset.py)

The same seed and rows give the same model. The summary line tells what was learnt and how well it
predicts the held-out fifth of the rows.
"""
import argparse
import sys
from collections import Counter
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, mean_absolute_error, r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from dataset import load_rows, synthetic_rows
from spec import ENTITIES
from task import choose_task

HERE = Path(__file__).resolve().parent
DEFAULT_MODEL = HERE / "model.joblib"
DEFAULT_SEED = 42
DEFAULT_ROWS = 1200


def prepare(task, rows):
    """The rows that have a label, cleaned, with their feature matrix and labels."""
    kept = []
    for row in rows:
        label_key = "__entity__" if task.kind == "record_type" else task.target
        if row.get(label_key) is None:
            continue
        row = task.clean(row)
        if task.kind != "record_type" and task.target_type == "enum" and row.get(task.target) not in task.classes:
            continue
        kept.append(row)
    return kept


def build_pipeline(task, seed):
    if task.kind == "regression":
        estimator = Ridge(alpha=1.0)
    else:
        estimator = LogisticRegression(max_iter=2000, random_state=seed)
    return Pipeline([("scale", StandardScaler()), ("model", estimator)])


def train(seed=DEFAULT_SEED, rows=DEFAULT_ROWS, data=None, out=DEFAULT_MODEL, entities=ENTITIES):
    """Trains and saves the model; returns the bundle written to ``out``."""
    task = choose_task(entities)
    source = load_rows(task, data) if data else synthetic_rows(task, entities, rows, seed)
    examples = prepare(task, source)
    labels = [task.label_of(row) for row in examples]
    if task.kind != "regression":
        counts = Counter(labels)
        if len(counts) < 2:
            raise ValueError(f"the rows need at least two different values of {task.target} (found {sorted(counts)})")
        stratify = labels if min(counts.values()) >= 2 else None
    else:
        stratify = None
    if len(examples) < 10:
        raise ValueError(f"at least 10 labelled rows are needed (found {len(examples)})")

    train_rows, test_rows, train_labels, test_labels = train_test_split(
        examples, labels, test_size=0.2, random_state=seed, stratify=stratify
    )
    means = task.means(train_rows)
    x_train = np.array([task.encode(row, means) for row in train_rows], dtype=float)
    x_test = np.array([task.encode(row, means) for row in test_rows], dtype=float)
    pipeline = build_pipeline(task, seed)
    pipeline.fit(x_train, train_labels)
    predicted = pipeline.predict(x_test)
    if task.kind == "regression":
        metrics = {
            "r2": round(float(r2_score(test_labels, predicted)), 4),
            "mae": round(float(mean_absolute_error(test_labels, predicted)), 4),
        }
    else:
        majority = Counter(test_labels).most_common(1)[0][1] / len(test_labels)
        metrics = {
            "accuracy": round(float(accuracy_score(test_labels, predicted)), 4),
            "baseline_accuracy": round(float(majority), 4),  # always answering the most frequent class
        }
    metrics.update({"train_rows": len(train_rows), "test_rows": len(test_rows)})
    bundle = {
        "task": task,
        "pipeline": pipeline,
        "means": means,
        "metrics": metrics,
        "seed": seed,
        "data": "file" if data else "synthetic",
        "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
    }
    joblib.dump(bundle, out)
    return bundle


def summary(bundle, out):
    task, metrics = bundle["task"], bundle["metrics"]
    what = "the entity of a record" if task.kind == "record_type" else f"{task.entity}.{task.target}"
    scores = ", ".join(f"{key} {value}" for key, value in metrics.items())
    return f"trained {task.kind} of {what} on {bundle['data']} rows (seed {bundle['seed']}): {scores} -> {out}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="synthetic rows (default %(default)s)")
    parser.add_argument("--data", help="a JSON file of rows to learn from instead of synthetic ones")
    parser.add_argument("--out", default=str(DEFAULT_MODEL), help="where to write the model (default model.joblib)")
    args = parser.parse_args(argv)
    try:
        bundle = train(seed=args.seed, rows=args.rows, data=args.data, out=args.out)
    except (ValueError, OSError) as error:
        print(f"train.py: {error}", file=sys.stderr)
        return 2
    print(summary(bundle, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
