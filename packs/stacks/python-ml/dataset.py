"""Training rows: synthetic ones derived from the entities' field types (the default), or your own.

No real data exists when the project is generated, so ``synthetic_rows`` makes rows shaped like the
back end's records, with a relationship planted between the features and the target (a hidden value
``t`` in [0, 1] moves every feature and decides the label), so the model has something to learn and
the whole pipeline works end to end. Replace them with real rows to get real predictions:
``python train.py --data rows.json``, where rows.json is what the back end's list route answers
(``{"items": [...]}``, e.g. ``curl 'http://localhost:8000/api/<route>?limit=200'``), a list of such
answers, or a plain list of rows; for a ``record_type`` task, an object mapping each entity name to
its rows.
"""
import json
import random
from datetime import date, timedelta

from task import MAX_LENGTH, UNKNOWN

_WORDS = ("alpha", "bravo", "cedar", "delta", "ember", "fjord", "grove", "harbor", "iris", "juniper",
          "kestrel", "lumen", "meadow", "nectar", "orchid", "prairie", "quartz", "river", "sierra", "tundra")
_START = date(2024, 1, 1)


def _text(rng, length):
    """Words up to about ``length`` characters (at least one word)."""
    words = [rng.choice(_WORDS)]
    while len(" ".join(words)) < length:
        words.append(rng.choice(_WORDS))
    return " ".join(words)


def _value(rng, fld, t):
    """A valid value of ``fld`` whose size follows ``t`` (0 to 1, or beyond for unusual records)."""
    noise = rng.gauss(0, 1)
    if fld.type == "int":
        return int(round(10 + 40 * t + 4 * noise))
    if fld.type == "float":
        return round(5 + 20 * t + 2 * noise, 2)
    if fld.type == "bool":
        return rng.random() < 0.15 + 0.7 * min(max(t, 0.0), 1.0)
    if fld.type in ("date", "datetime"):
        day = _START + timedelta(days=int(round(300 * t + 20 * noise)))
        if fld.type == "date":
            return day.isoformat()
        return f"{day.isoformat()}T{rng.randrange(8, 18):02d}:{rng.choice((0, 15, 30, 45)):02d}:00Z"
    if fld.type == "enum":
        count = len(fld.values)
        if rng.random() < 0.75:
            return fld.values[min(count - 1, max(0, int(t * count)))]
        return rng.choice(fld.values)
    if fld.type == "ref":
        return rng.randrange(1, 50)
    if fld.type == "email":
        local = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(max(1, int(3 + 20 * t + 2 * noise))))
        return f"{local[:60]}@example.com"
    if fld.type == "url":
        path = _text(rng, max(1, int(1 + 40 * t + 3 * noise))).replace(" ", "-")
        return f"https://example.com/{path[:200]}"
    scale = 400 if fld.type == "text" else 40
    return _text(rng, max(1, int(6 + scale * t + 3 * noise)))[:MAX_LENGTH[fld.type]]


def _row(rng, fields, t, row_id, fill=0.9):
    row = {"id": row_id}
    for fld in fields:
        missing = not fld.required and rng.random() > fill
        row[fld.name] = None if missing else _value(rng, fld, t)
    return row


def synthetic_rows(task, entities, count, seed):
    """``count`` rows for ``task`` (with their labels), the same for the same seed."""
    rng = random.Random(seed)
    by_name = {entity.name: entity for entity in entities}
    rows = []
    if task.kind == "record_type":
        names = [name for name in task.classes if name != UNKNOWN]
        for i in range(count):
            label = task.classes[i % len(task.classes)]
            if label == UNKNOWN:
                # Records unlike the entity's: fields filled at random, sizes far beyond its usual ones.
                row = _row(rng, task.features, rng.uniform(1.5, 3.0), i + 1, fill=0.5)
            else:
                index = names.index(label)
                t = (index + rng.random()) / len(names)
                row = _row(rng, by_name[label].fields, t, i + 1, fill=0.8)
            row["__entity__"] = label
            rows.append(row)
        rng.shuffle(rows)
        return rows

    entity = by_name[task.entity]
    target = next(f for f in entity.fields if f.name == task.target)
    others = [f for f in entity.fields if f is not target]
    for i in range(count):
        if task.kind == "classification":
            k = rng.randrange(len(task.classes))
            t = (k + rng.random()) / len(task.classes)
            label = task.classes[k]
            value = (label == "true") if target.type == "bool" else label
        else:
            t = rng.random()
            number = 10 + 90 * t + rng.gauss(0, 3)
            value = int(round(number)) if target.type == "int" else round(number, 3)
        row = _row(rng, others, t, i + 1)
        row[target.name] = value
        rows.append(row)
    return rows


def _rows_of(data):
    """Rows from a list answer of the back end, a list of them, or a list of rows."""
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return list(data["items"])
    if isinstance(data, list):
        rows = []
        for item in data:
            rows += _rows_of(item) if isinstance(item, dict) and "items" in item else [item]
        return rows
    raise ValueError("expected a list of rows or the back end's list answer ({\"items\": [...]})")


def load_rows(task, path):
    """Training rows from a JSON file (see the module's documentation)."""
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    if task.kind != "record_type":
        return [row for row in _rows_of(data) if isinstance(row, dict)]
    if not isinstance(data, dict):
        raise ValueError("for a record_type task, give an object mapping entity names to their rows")
    rows = []
    for name, value in data.items():
        if name not in task.classes:
            raise ValueError(f"unknown entity {name!r} (entities: {', '.join(task.classes)})")
        rows += [{**row, "__entity__": name} for row in _rows_of(value) if isinstance(row, dict)]
    return rows
