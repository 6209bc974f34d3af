"""What the model predicts, chosen from the entities of spec.py, and how records become numbers.

The task is the first of these that the entities allow (entities and fields in specification order):

1. ``classification`` of the first enum field (with two values or more) whose entity has at least
   one other feature field (its values are the classes);
2. ``classification`` of the first such bool field (classes ``true`` and ``false``);
3. ``regression`` of the first such int or float field;
4. ``record_type`` (the fallback, when no entity has such a field): which entity a record belongs to,
   from the fields it fills and their values (with a single entity, the classes are that entity and
   ``unknown``, for records that do not look like it).

Features are the entity's other fields except references (ids mean nothing to a model): numbers as
they are, bools as 0/1, dates and date-times as days, enums one-hot, and free text (string, text,
email, url) by its length in characters. A missing optional value is replaced by the training mean.
For ``record_type``, every field of every entity (references too) counts by whether it is filled,
and by its value as above.
"""
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from urllib.parse import urlsplit

FIELD_TYPES = (
    "string", "text", "int", "float", "bool", "date", "datetime", "email", "url", "enum", "ref",
)
TEXTUAL = ("string", "text", "email", "url")
MAX_LENGTH = {"string": 255, "text": 10_000, "email": 254, "url": 2048}
MAX_SAFE_INTEGER = 2**53 - 1
UNKNOWN = "unknown"  # the extra class of a record_type task over a single entity

_EPOCH = date(1970, 1, 1)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATETIME = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})T([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(\.[0-9]{1,9})?)?"
    r"(Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False
    values: tuple = ()  # the values of an enum
    ref: str = ""  # the entity a ref points to

    def __post_init__(self):
        object.__setattr__(self, "values", tuple(self.values))
        if self.type not in FIELD_TYPES:
            raise ValueError(f"unknown field type {self.type!r} for field {self.name!r}")


@dataclass(frozen=True)
class Entity:
    name: str
    route: str
    fields: tuple = field(default_factory=tuple)


# ---------------------------------------------------------------------------
# Values: checks (as the back ends validate them) and numbers
# ---------------------------------------------------------------------------

def _is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_SAFE_INTEGER


def _calendar_date(text):
    match = _DATE.fullmatch(text) if isinstance(text, str) else None
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_datetime(text):
    """An aware datetime from RFC 3339 text (``2024-01-31T09:30:00Z``), or None."""
    match = _DATETIME.fullmatch(text) if isinstance(text, str) else None
    if not match or _calendar_date(match.group(1)) is None:
        return None
    day, hour, minute, second, fraction, zone = match.groups()
    iso = f"{day}T{hour}:{minute}:{second or '00'}{(fraction or '')[:7]}"
    iso += "+00:00" if zone == "Z" else zone
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


def check_value(fld, value):
    """An error message when ``value`` (not None) does not fit ``fld``, else None."""
    kind = fld.type
    if kind in TEXTUAL:
        if not isinstance(value, str):
            return "must be a string"
        if len(value) > MAX_LENGTH[kind]:
            return f"must be at most {MAX_LENGTH[kind]} characters"
        if kind == "email" and not _EMAIL.fullmatch(value):
            return "must be an email address"
        if kind == "url":
            try:
                parts = urlsplit(value)
                valid = parts.scheme in ("http", "https") and bool(parts.hostname)
            except ValueError:
                valid = False
            if not valid or any(char.isspace() for char in value):
                return "must be an http or https URL"
        return None
    if kind == "int":
        return None if _is_integer(value) else "must be an integer"
    if kind == "float":
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        try:
            return None if is_number and math.isfinite(value) else "must be a number"
        except OverflowError:
            return "must be a number"
    if kind == "bool":
        return None if isinstance(value, bool) else "must be a boolean"
    if kind == "date":
        return None if _calendar_date(value) else "must be a date in the form YYYY-MM-DD"
    if kind == "datetime":
        if parse_datetime(value) is None:
            return "must be an ISO 8601 date-time with a time zone, e.g. 2024-01-31T09:30:00Z"
        return None
    if kind == "enum":
        return None if isinstance(value, str) and value in fld.values else f"must be one of: {', '.join(fld.values)}"
    return None if _is_integer(value) and value > 0 else f"must be the id of a {fld.ref}"


def _number(fld, value):
    """The number standing for a valid, non-null value of a non-enum feature."""
    if fld.type in ("int", "float"):
        return float(value)
    if fld.type == "bool":
        return 1.0 if value else 0.0
    if fld.type == "date":
        return float((_calendar_date(value) - _EPOCH).days)
    if fld.type == "datetime":
        return parse_datetime(value).astimezone(timezone.utc).timestamp() / 86400.0
    if fld.type == "ref":
        return 1.0  # an id says nothing but that the reference is filled
    return float(len(value))  # free text: its length


# ---------------------------------------------------------------------------
# The task
# ---------------------------------------------------------------------------

def _feature_fields(entity, target=None):
    return tuple(f for f in entity.fields if f.type != "ref" and f is not target)


@dataclass(frozen=True)
class Task:
    kind: str  # classification | regression | record_type
    entity: str  # the entity whose records are predicted (record_type: "*")
    target: str  # the field predicted (record_type: "entity")
    target_type: str
    features: tuple  # Field objects
    classes: tuple = ()  # classification and record_type
    references: tuple = ()  # ref fields a /predict body may carry (ignored), as rows of the API have them

    def describe(self):
        return {
            "kind": self.kind,
            "entity": self.entity,
            "target": self.target,
            "target_type": self.target_type,
            "features": [{"name": f.name, "type": f.type, "required": f.required} for f in self.features],
            "classes": list(self.classes) if self.kind != "regression" else None,
        }

    # -- labels ------------------------------------------------------------

    def label_of(self, row):
        """The label of a training row: the class (a string) or the target number."""
        if self.kind == "record_type":
            return row["__entity__"]
        value = row.get(self.target)
        if self.kind == "regression":
            return float(value)
        return ("true" if value else "false") if self.target_type == "bool" else value

    def prediction_value(self, label):
        """The JSON value of a predicted label (a bool target answers true/false)."""
        if self.kind == "regression":
            value = float(label)
            return round(value) if self.target_type == "int" else value
        if self.target_type == "bool":
            return label == "true"
        return label

    # -- features ----------------------------------------------------------

    def columns(self):
        """The names of the numeric columns the features become."""
        names = []
        for f in self.features:
            if self.kind == "record_type":
                names += [f"{f.name}:present", f"{f.name}:value"]
            elif f.type == "enum":
                names += [f"{f.name}={v}" for v in f.values]
            else:
                names.append(f.name)
        return names

    def encode(self, row, means=None):
        """One record (a dict of JSON values) as a list of numbers; missing values become ``means``."""
        out = []
        for f in self.features:
            value = row.get(f.name)
            if self.kind == "record_type":
                present = value is not None
                # Another entity's field of the same name may hold another type: it counts as filled.
                fits = present and f.type != "enum" and check_value(f, value) is None
                out += [1.0 if present else 0.0, _number(f, value) if fits else (1.0 if present else 0.0)]
            elif f.type == "enum":
                out += [1.0 if value == v else 0.0 for v in f.values]
            elif value is None:
                out.append((means or {}).get(f.name, 0.0))
            else:
                out.append(_number(f, value))
        return out

    def clean(self, row):
        """``row`` with the feature values that do not fit their field removed (for rows from files)."""
        return {
            key: value for key, value in row.items()
            if key not in self.field_map or value is None or check_value(self.field_map[key], value) is None
        }

    @property
    def field_map(self):
        return {f.name: f for f in self.features}

    def means(self, rows):
        """The mean of each non-enum feature over ``rows`` (for missing values)."""
        result = {}
        for f in self.features:
            if f.type == "enum":
                continue
            numbers = [_number(f, row[f.name]) for row in rows if row.get(f.name) is not None]
            result[f.name] = sum(numbers) / len(numbers) if numbers else 0.0
        return result

    # -- requests ----------------------------------------------------------

    def validate(self, body):
        """Checks a /predict body; returns ``(record, errors)`` with errors as ``{field, message}``."""
        known = {f.name: f for f in self.features}
        ignored = {"id"}
        if self.kind != "record_type":
            ignored.add(self.target)
        ignored |= {f.name for f in self.references}
        errors = []
        record = {}
        for key in body:
            if key not in known and key not in ignored:
                errors.append({"field": key, "message": "is not a known field"})
        for f in self.features:
            value = body.get(f.name)
            if value is None or value == "":
                if f.required and self.kind != "record_type":
                    errors.append({"field": f.name, "message": "is required"})
                continue
            message = check_value(f, value)
            if message:
                errors.append({"field": f.name, "message": message})
            else:
                record[f.name] = value
        if self.kind == "record_type" and not record and not errors:
            errors.append({"field": "", "message": "give at least one field of a record"})
        return record, errors


def choose_task(entities):
    """The task for ``entities`` (see the module's documentation)."""
    for wanted in (("enum",), ("bool",), ("int", "float")):
        for entity in entities:
            for target in entity.fields:
                if target.type not in wanted or (target.type == "enum" and len(target.values) < 2):
                    continue
                features = _feature_fields(entity, target)
                if not features:
                    continue
                if target.type == "enum":
                    kind, classes = "classification", target.values
                elif target.type == "bool":
                    kind, classes = "classification", ("true", "false")
                else:
                    kind, classes = "regression", ()
                references = tuple(f for f in entity.fields if f.type == "ref")
                return Task(kind, entity.name, target.name, target.type, features, classes, references)
    # Fallback: which entity a record belongs to, from the fields of every entity (one column pair
    # per field name; the first entity's definition of a name wins).
    features = {}
    for entity in entities:
        for f in entity.fields:
            features.setdefault(f.name, f)
    names = tuple(entity.name for entity in entities)
    classes = names if len(names) > 1 else names + (UNKNOWN,)
    return Task("record_type", "*", "entity", "entity", tuple(features.values()), classes)
