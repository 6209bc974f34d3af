"""The administration summary: every resource with its route and its number of rows."""
from app.resources import RESOURCES

from .errors import json_response
from .resources import model_of


def summary(request):
    """``GET /api/admin/summary``: ``{entities: [{name, route, count}]}``, in the model's order."""
    entities = [
        {"name": resource.name, "route": resource.route, "count": model_of(resource)._default_manager.count()}
        for resource in RESOURCES
    ]
    return json_response({"entities": entities})
