"""The administration summary: every resource with its route and its number of rows."""


def summary(store):
    """``GET /api/admin/summary``: ``{entities: [{name, route, count}]}``."""
    with store.connect() as conn:
        entities = [
            {"name": resource.name, "route": resource.route, "count": store.count(conn, resource)}
            for resource in store.resources.values()
        ]
    return {"entities": entities}
