"""The database connection and its migrations (SQLAlchemy 1.4 Core, Alembic).

A SQLite file by default: the file named by ``SQLITE_FILE``, else ``app.db`` in ``DATA_DIR``
(the data volume the kubernetes and terraform packs mount), else ``data/app.db`` beside ``app/``.
PostgreSQL when ``DATABASE_URL`` is ``postgresql://...`` (``postgres://`` is accepted too), through
psycopg2. The schema is the one of ``app/tables.py``; the migrations in ``app/migrations/versions/``
create and change it, and ``migrate()`` applies those not applied yet (at start, and with
``python3 -m alembic upgrade head``).
"""
import os
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

APP_DIR = Path(__file__).resolve().parent
BASE_DIR = APP_DIR.parent
MIGRATIONS_DIR = APP_DIR / "migrations"


def database_url(env=None):
    """The SQLAlchemy URL of the database named by the environment."""
    env = os.environ if env is None else env
    url = (env.get("DATABASE_URL") or "").strip()
    if url:
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        return url
    path = Path(env.get("SQLITE_FILE") or data_dir(env) / "app.db").expanduser().resolve()
    return f"sqlite:///{path}"


def data_dir(env=None):
    """Where the application keeps its files: ``DATA_DIR``, else ``data/`` beside ``app/``."""
    env = os.environ if env is None else env
    return Path(env.get("DATA_DIR") or BASE_DIR / "data")


def _sqlite_file(url):
    database = sa.engine.make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _on_sqlite_connect(dbapi_connection, _record):
    # SQLite checks foreign keys only when asked to, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()
    # SQLite's lower() folds ASCII letters only: Python's folds every alphabet (search).
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def create_engine(url, foreign_keys=True):
    """An engine for ``url``. On SQLite the file's folder is created, and foreign keys are
    enforced unless ``foreign_keys`` is false (migrations rebuild tables with them off)."""
    if url.startswith("sqlite"):
        path = _sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite" and foreign_keys:
        sa.event.listen(engine, "connect", _on_sqlite_connect)
    return engine


def alembic_config(url=None):
    """Alembic's configuration without alembic.ini (which is for the command line)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url):
    """Applies the migrations not applied yet to the database at ``url``."""
    command.upgrade(alembic_config(url), "head")
