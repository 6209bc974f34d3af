"""In-app notifications: every create, update and delete of a row records one for the
administrator role, to read with ``GET /api/notifications``."""
from datetime import datetime, timezone

import sqlalchemy as sa

from .params import pagination, parse_id
from .problems import not_found
from .validation import format_datetime
from .tables import notifications


def _json(row):
    return {
        "id": row["id"],
        "entity": row["entity"],
        "action": row["action"],
        "record_id": row["record_id"],
        "message": row["message"],
        "read": bool(row["read"]),
        "created_at": format_datetime(row["created_at"]),
    }


class Notifications:
    """The notifications of ``role`` (the administrator's). A ``viewer`` is the role of the
    signed-in user, or None when the application has no sign-in (everyone sees them all)."""

    def __init__(self, engine, role):
        self.engine = engine
        self.role = role

    def record(self, conn, resource, action, row_id):
        """Records a notification in the write's transaction; returns it."""
        values = {
            "role": self.role,
            "entity": resource.segment,
            "action": action,
            "record_id": row_id,
            "message": f"{resource.name} {row_id} {action}",
            "read": False,
            "created_at": datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0),
        }
        result = conn.execute(notifications.insert().values(values))
        return _json({"id": result.inserted_primary_key[0], **values})

    def _mine(self, viewer):
        return sa.true() if viewer is None else notifications.c.role == viewer

    def list(self, viewer, params):
        """``GET /api/notifications``: newest first, paged like lists, with the ``unread`` count."""
        limit, offset = pagination(params)
        mine = self._mine(viewer)
        count = sa.select(sa.func.count()).select_from(notifications)
        query = sa.select(notifications).where(mine).order_by(notifications.c.id.desc())
        with self.engine.connect() as conn:
            items = [_json(row) for row in conn.execute(query.limit(limit).offset(offset)).mappings()]
            total = conn.execute(count.where(mine)).scalar_one()
            unread = conn.execute(count.where(mine & ~notifications.c.read)).scalar_one()
        return {"items": items, "total": total, "limit": limit, "offset": offset, "unread": unread}

    def mark_read(self, viewer, raw_id):
        """``POST /api/notifications/{id}/read``: the notification, now read."""
        notification_id = parse_id(raw_id, "Notification")
        where = (notifications.c.id == notification_id) & self._mine(viewer)
        with self.engine.begin() as conn:
            conn.execute(notifications.update().where(where).values(read=True))
            row = conn.execute(sa.select(notifications).where(where)).mappings().first()
        if row is None:
            raise not_found(f"Notification {raw_id} not found")
        return _json(row)

    def mark_all_read(self, viewer):
        """``POST /api/notifications/read-all``."""
        with self.engine.begin() as conn:
            conn.execute(notifications.update().where(self._mine(viewer) & ~notifications.c.read).values(read=True))
