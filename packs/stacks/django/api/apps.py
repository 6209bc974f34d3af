from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _fold_case_like_python(sender, connection, **kwargs):
    """SQLite's lower() folds ASCII letters only: Python's folds every alphabet (search, ``?q=``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("lower", 1, _lower, deterministic=True)


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self):
        connection_created.connect(_fold_case_like_python)
