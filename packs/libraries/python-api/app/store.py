"""The rows of the resources in the database (SQLAlchemy Core, tables of ``app/tables.py``).

Rows travel as dicts of JSON values, ``id`` first and then the fields in their declared order:
``date`` as ``YYYY-MM-DD``, ``datetime`` as RFC 3339 in UTC (``2024-01-31T09:30:00Z``, with milliseconds when there are
some), ``ref`` as the id of the referenced row. Every method takes the connection to work on, so that the
caller decides what one transaction covers (``with store.begin() as conn: ...``).
"""
import json
from datetime import date

import sqlalchemy as sa

from .tables import metadata
from .validation import format_datetime, parse_datetime


def _to_json(field, value):
    if value is None:
        return None
    if field.type == "date":
        return value.isoformat()
    if field.type == "datetime":
        return format_datetime(value)
    if field.type == "float":
        return float(value)
    if field.type == "bool":
        return bool(value)
    return value


def _to_database(field, value):
    if value is None:
        return None
    if field.type == "date":
        return date.fromisoformat(value)
    if field.type == "datetime":
        moment = parse_datetime(value)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)  # milliseconds
    return value


class Store:
    def __init__(self, engine, resources):
        self.engine = engine
        self.resources = {resource.name: resource for resource in resources}

    def begin(self):
        """A connection in a transaction, committed at the end of the ``with`` block."""
        return self.engine.begin()

    def connect(self):
        return self.engine.connect()

    @staticmethod
    def table(resource):
        return metadata.tables[resource.table]

    @staticmethod
    def to_json(resource, values):
        """A database row → the resource's JSON object (a file as ``{name, type, size, url}``)."""
        row = {"id": values["id"]}
        for field in resource.fields:
            if field.type == "file":
                meta = Store.file_of(values, field)
                row[field.name] = meta and {
                    "name": meta["name"], "type": meta["type"], "size": meta["size"],
                    "url": f"{resource.route}/{values['id']}/{field.name}",
                }
            else:
                row[field.name] = _to_json(field, values[field.name])
        return row

    @staticmethod
    def file_of(values, field):
        """What a row keeps of its ``field`` file (``{name, type, size, key}``), or None."""
        text = values[field.name]
        return json.loads(text) if text else None

    def raw(self, conn, resource, row_id):
        """A row as its columns, or None."""
        table = self.table(resource)
        return conn.execute(sa.select(table).where(table.c.id == row_id)).mappings().first()

    def set_file(self, conn, resource, row_id, field, meta):
        """Keeps ``meta`` (or None) as the row's ``field`` file."""
        table = self.table(resource)
        value = json.dumps(meta, separators=(",", ":")) if meta else None
        return conn.execute(table.update().where(table.c.id == row_id).values({field.name: value})).rowcount > 0

    @staticmethod
    def to_database(resource, data):
        """Validated JSON values → column values."""
        by_name = {field.name: field for field in resource.fields}
        return {name: _to_database(by_name[name], value) for name, value in data.items()}

    def _matching(self, resource, text):
        """Rows where a textual field contains ``text``, ignoring case."""
        table = self.table(resource)
        needle = text.lower()
        conditions = [
            sa.func.lower(table.c[field.name]).contains(needle, autoescape=True)
            for field in resource.textual_fields
        ]
        return sa.or_(*conditions) if conditions else sa.false()

    def list(self, conn, resource, limit=50, offset=0, text=""):
        """``(items, total)`` for one page of the table, oldest first; with ``text``, only the
        rows where a textual field contains it."""
        table = self.table(resource)
        query = sa.select(table).order_by(table.c.id).limit(limit).offset(offset)
        count = sa.select(sa.func.count()).select_from(table)
        if text:
            query = query.where(self._matching(resource, text))
            count = count.where(self._matching(resource, text))
        items = [self.to_json(resource, row) for row in conn.execute(query).mappings()]
        return items, conn.execute(count).scalar_one()

    def count(self, conn, resource):
        return conn.execute(sa.select(sa.func.count()).select_from(self.table(resource))).scalar_one()

    def get(self, conn, resource, row_id):
        table = self.table(resource)
        row = conn.execute(sa.select(table).where(table.c.id == row_id)).mappings().first()
        return self.to_json(resource, row) if row is not None else None

    def has(self, conn, resource, row_id):
        table = self.table(resource)
        return conn.execute(sa.select(table.c.id).where(table.c.id == row_id)).first() is not None

    def find_duplicate(self, conn, resource, field, value, row_id=None):
        """The id of another row whose ``field`` already has ``value``, or None."""
        table = self.table(resource)
        column = table.c[field.name]
        query = sa.select(table.c.id).where(column == _to_database(field, value))
        if row_id is not None:
            query = query.where(table.c.id != row_id)
        return conn.execute(query.order_by(table.c.id).limit(1)).scalar()

    def find_referrer(self, conn, resource, row_id):
        """The first row of any resource that references ``row_id``, as ``(resource, id)``."""
        for other in self.resources.values():
            table = self.table(other)
            for field in other.fields:
                if field.type != "ref" or field.ref != resource.name:
                    continue
                query = sa.select(table.c.id).where(table.c[field.name] == row_id)
                referrer = conn.execute(query.order_by(table.c.id).limit(1)).scalar()
                if referrer is not None:
                    return other, referrer
        return None

    def insert(self, conn, resource, data):
        result = conn.execute(self.table(resource).insert().values(self.to_database(resource, data)))
        return self.get(conn, resource, result.inserted_primary_key[0])

    def update(self, conn, resource, row_id, data):
        """Changes the fields of ``data``; returns the row, or None when there is no such row."""
        table = self.table(resource)
        if data:
            statement = table.update().where(table.c.id == row_id)
            if conn.execute(statement.values(self.to_database(resource, data))).rowcount == 0:
                return None
        return self.get(conn, resource, row_id)

    def delete(self, conn, resource, row_id):
        table = self.table(resource)
        return conn.execute(table.delete().where(table.c.id == row_id)).rowcount > 0
