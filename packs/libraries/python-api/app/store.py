"""In-memory storage: one dict per table, with auto-increment ids.

Data lives as long as the process. Replace ``MemoryStore`` with a database-backed class
offering the same methods to persist it.
"""
import threading
from dataclasses import dataclass, field


@dataclass
class _Table:
    rows: dict = field(default_factory=dict)
    next_id: int = 1


class MemoryStore:
    def __init__(self):
        self._tables = {}
        # Held by the CRUD views around check-then-write sequences (unique values, references).
        self.lock = threading.RLock()

    def _table(self, name):
        return self._tables.setdefault(name, _Table())

    def list(self, name, limit=50, offset=0):
        """Returns ``(items, total)`` for one page of the table, in insertion order."""
        rows = list(self._table(name).rows.values())
        return [dict(row) for row in rows[offset:offset + limit]], len(rows)

    def get(self, name, row_id):
        row = self._table(name).rows.get(row_id)
        return dict(row) if row is not None else None

    def has(self, name, row_id):
        return row_id in self._table(name).rows

    def find(self, name, predicate):
        """The first row for which ``predicate(row)`` is true, or None."""
        for row in self._table(name).rows.values():
            if predicate(row):
                return dict(row)
        return None

    def insert(self, name, data):
        with self.lock:
            table = self._table(name)
            row = {"id": table.next_id, **data}
            table.rows[row["id"]] = row
            table.next_id += 1
            return dict(row)

    def update(self, name, row_id, data):
        with self.lock:
            table = self._table(name)
            if row_id not in table.rows:
                return None
            row = {**table.rows[row_id], **data, "id": row_id}
            table.rows[row_id] = row
            return dict(row)

    def delete(self, name, row_id):
        with self.lock:
            return self._table(name).rows.pop(row_id, None) is not None
