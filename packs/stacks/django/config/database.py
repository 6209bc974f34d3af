"""The database settings: a SQLite file by default, the database of ``DATABASE_URL`` when it is set.

``DATABASE_URL`` takes the usual forms: ``postgresql://user:password@host:5432/name`` (also
``postgres://``; ``?sslmode=require`` and other query parameters become connection options) or
``sqlite:///absolute/path.sqlite3``. Without it, the SQLite file is ``SQLITE_PATH``, else
``db.sqlite3`` in ``DATA_DIR`` (the folder of the application's data, e.g. a mounted volume), else
``db.sqlite3`` beside ``manage.py``.
"""
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

POSTGRES_SCHEMES = ("postgres", "postgresql", "postgresql+psycopg2")


def sqlite_path(env, base_dir):
    """The SQLite file: ``SQLITE_PATH``, else ``DATA_DIR``/db.sqlite3, else ``db.sqlite3`` in ``base_dir``."""
    if env.get("SQLITE_PATH"):
        return Path(env["SQLITE_PATH"])
    if env.get("DATA_DIR"):
        return Path(env["DATA_DIR"]) / "db.sqlite3"
    return Path(base_dir) / "db.sqlite3"


def database_settings(url, default_sqlite_path):
    """The ``DATABASES["default"]`` entry for ``url`` (or the SQLite file when ``url`` is empty)."""
    if not url:
        # SQLite creates the file, not its folder.
        Path(default_sqlite_path).parent.mkdir(parents=True, exist_ok=True)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite_path)}
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc or not path.startswith("/") or path == "/":
            raise ValueError("DATABASE_URL: write a SQLite file as sqlite:////absolute/path.sqlite3")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(path))}
    if parts.scheme not in POSTGRES_SCHEMES:
        raise ValueError(
            f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgresql:// or sqlite:///)"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ValueError("DATABASE_URL: the database name is missing (postgresql://host/NAME)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
    }
