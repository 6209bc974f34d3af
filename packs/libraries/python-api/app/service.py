"""What the API does with a resource, whatever the web framework: list, read, create, replace,
update and delete rows. Bodies are validated from the field types; the database's rules
(references, unique values) become API errors before the database has to refuse anything.

The views of ``app/crud.py`` call these methods and turn their results into responses; an
``ApiError`` becomes a problem response.
"""
import sqlalchemy as sa

from .params import pagination, parse_id, search_text
from .problems import bad_request, conflict, not_found
from .validation import validate_body


def _read(body):
    return body() if callable(body) else body


class ResourceService:
    """The operations on one resource.

    A request ``body`` is the decoded JSON object, or a function that reads it: then it is
    called only once the row is known to exist (an unknown id is 404 whatever the body).
    ``changes``, when given, is told of every write inside its transaction
    (``changes.record(conn, resource, action, id)``) and may return a function to call once the
    transaction is committed. ``files`` (``app/uploads.py``) stores the files of ``file`` fields."""

    def __init__(self, resource, store, changes=None, search=False, files=None):
        self.resource = resource
        self.store = store
        self.changes = changes
        self.search = search
        self.files = files

    # -- reading ---------------------------------------------------------------------------

    def list(self, params):
        limit, offset = pagination(params)
        text = search_text(params) if self.search else ""
        with self.store.connect() as conn:
            items, total = self.store.list(conn, self.resource, limit, offset, text)
        return {"items": items, "total": total, "limit": limit, "offset": offset}

    def get(self, raw_id):
        row_id = parse_id(raw_id, self.resource.name)
        with self.store.connect() as conn:
            row = self.store.get(conn, self.resource, row_id)
        if row is None:
            raise not_found(f"{self.resource.name} {raw_id} not found")
        return row

    # -- writing ---------------------------------------------------------------------------

    def create(self, body):
        data = self._validate(_read(body))

        def work(conn):
            self._check_constraints(conn, data)
            row = self.store.insert(conn, self.resource, data)
            return row, self._record(conn, "created", row["id"])

        return self._write(work, lambda conn: self._check_constraints(conn, data))

    def replace(self, raw_id, body):
        """PUT: every field (missing optional fields become null)."""
        row_id = self.get(raw_id)["id"]
        return self._save(row_id, self._validate(_read(body)))

    def update(self, raw_id, body):
        """PATCH: only the fields in ``body``."""
        row_id = self.get(raw_id)["id"]
        return self._save(row_id, self._validate(_read(body), partial=True))

    def delete(self, raw_id):
        row_id = parse_id(raw_id, self.resource.name)

        def work(conn):
            values = self.store.raw(conn, self.resource, row_id)
            if values is None:
                raise not_found(f"{self.resource.name} {raw_id} not found")
            self._check_unreferenced(conn, row_id)
            self.store.delete(conn, self.resource, row_id)
            return values, self._record(conn, "deleted", row_id)

        values = self._write(work, lambda conn: self._check_unreferenced(conn, row_id))
        for field in self.resource.file_fields:
            meta = self.store.file_of(values, field)
            if meta:
                self.files.remove(meta)

    # -- files -----------------------------------------------------------------------------

    def _file_field(self, name):
        field = next((f for f in self.resource.file_fields if f.name == name), None)
        if field is None:
            raise not_found(f"{self.resource.name} has no file field {name}")
        return field

    def put_file(self, raw_id, field_name, data, content_type, filename=None):
        """``PUT <route>/{id}/<field>``: stores the file (replacing the previous one); returns
        the row."""
        field = self._file_field(field_name)
        row_id = self.get(raw_id)["id"]
        media_type = self.files.check(data, content_type)
        meta = self.files.save(self.resource, data, media_type, self.files.name(filename, field.name, media_type))
        try:
            row, previous = self._replace_file(row_id, field, meta)
        except BaseException:
            self.files.remove(meta)
            raise
        if previous:
            self.files.remove(previous)
        return row

    def get_file(self, raw_id, field_name):
        """``GET <route>/{id}/<field>``: ``(bytes, response headers)``."""
        field = self._file_field(field_name)
        row_id = parse_id(raw_id, self.resource.name)
        with self.store.connect() as conn:
            values = self.store.raw(conn, self.resource, row_id)
        meta = values and self.store.file_of(values, field)
        if not meta:
            raise not_found(f"{self.resource.name} {raw_id} has no {field.name}")
        return self.files.read(meta), self.files.headers(meta)

    def delete_file(self, raw_id, field_name):
        """``DELETE <route>/{id}/<field>``."""
        field = self._file_field(field_name)
        row_id = self.get(raw_id)["id"]
        _, previous = self._replace_file(row_id, field, None)
        if not previous:
            raise not_found(f"{self.resource.name} {raw_id} has no {field.name}")
        self.files.remove(previous)

    def _replace_file(self, row_id, field, meta):
        def work(conn):
            values = self.store.raw(conn, self.resource, row_id)
            if values is None:  # deleted meanwhile
                raise not_found(f"{self.resource.name} {row_id} not found")
            previous = self.store.file_of(values, field)
            self.store.set_file(conn, self.resource, row_id, field, meta)
            if previous is None and meta is None:
                return (None, None), None
            row = self.store.get(conn, self.resource, row_id)
            return (row, previous), self._record(conn, "updated", row_id)

        return self._write(work, lambda conn: None)

    # -- helpers ---------------------------------------------------------------------------

    def _validate(self, body, partial=False):
        data, errors = validate_body(self.resource, body, partial=partial)
        if errors:
            raise bad_request("Validation failed", errors)
        return data

    def _save(self, row_id, data):
        def work(conn):
            self._check_constraints(conn, data, row_id)
            row = self.store.update(conn, self.resource, row_id, data)
            if row is None:  # deleted meanwhile
                raise not_found(f"{self.resource.name} {row_id} not found")
            return row, self._record(conn, "updated", row_id)

        return self._write(work, lambda conn: self._check_constraints(conn, data, row_id))

    def _check_constraints(self, conn, data, row_id=None):
        """References must point at existing rows (400); unique values must not repeat (409)."""
        resources = self.store.resources
        missing = [
            {"field": field.name, "message": f"no {field.ref} with id {data[field.name]}"}
            for field in self.resource.fields
            if field.type == "ref" and data.get(field.name) is not None
            and not self.store.has(conn, resources[field.ref], data[field.name])
        ]
        if missing:
            raise bad_request("Validation failed", missing)
        duplicates = [
            {"field": field.name, "message": "is already used by another row"}
            for field in self.resource.fields
            if field.unique and data.get(field.name) is not None
            and self.store.find_duplicate(conn, self.resource, field, data[field.name], row_id) is not None
        ]
        if duplicates:
            raise conflict("Duplicate value", duplicates)

    def _check_unreferenced(self, conn, row_id):
        referrer = self.store.find_referrer(conn, self.resource, row_id)
        if referrer is not None:
            other, other_id = referrer
            raise conflict(f"{self.resource.name} {row_id} is still referenced by {other.name} {other_id}")

    def _record(self, conn, action, row_id):
        return self.changes.record(conn, self.resource, action, row_id) if self.changes else None

    def _write(self, work, explain):
        """Runs ``work(conn)`` in a transaction; returns its row once committed. When another
        request made the database refuse the change meanwhile (a unique value, a reference),
        ``explain`` tells why in a new transaction, as the checks before would have."""
        try:
            with self.store.begin() as conn:
                row, after_commit = work(conn)
        except sa.exc.IntegrityError:
            with self.store.connect() as conn:
                explain(conn)
            raise conflict("The change conflicts with another change made at the same time") from None
        if after_commit is not None:
            after_commit()
        return row
