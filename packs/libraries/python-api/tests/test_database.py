"""The database: the first migration creates the schema of ``app/tables.py``, the database itself
enforces the model's rules (NOT NULL, UNIQUE, foreign keys), and the data outlives the app."""
import os
import subprocess
import sys
import warnings

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.db import BASE_DIR, alembic_config, create_engine, database_url
from app.resources import RESOURCES
from app.tables import metadata

from .factories import build_row, create_row
from .helpers import ApiClient
from .transport import client_for, core_of

BY_NAME = {resource.name: resource for resource in RESOURCES}
REQUIRED = [(r, f) for r in RESOURCES for f in r.fields if f.required]
UNIQUE = [(r, f) for r in RESOURCES for f in r.fields if f.unique]
REFS = [(r, f) for r in RESOURCES for f in r.fields if f.type == "ref"]


def _ids(pairs):
    return [f"{resource.table}.{field.name}" for resource, field in pairs]


@pytest.fixture(scope="module")
def engine(app):
    return core_of(app).engine


def _schema_differences(connection):
    options = {
        "compare_type": True,
        "include_name": lambda name, type_, parents: not (type_ == "table" and name.startswith("sqlite_")),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)  # tables that refer to one another
        return compare_metadata(MigrationContext.configure(connection, opts=options), metadata)


def test_database_url_else_sqlite_file_else_data_dir_else_data_beside_app():
    assert database_url({}) == f"sqlite:///{(BASE_DIR / 'data' / 'app.db').resolve()}"
    assert database_url({"DATA_DIR": "/data"}) == "sqlite:////data/app.db"
    assert database_url({"DATA_DIR": "/data", "SQLITE_FILE": "/srv/x.db"}) == "sqlite:////srv/x.db"
    assert database_url({"DATA_DIR": "/data", "DATABASE_URL": "postgres://u@h/db"}) == "postgresql://u@h/db"


def test_the_migrations_create_the_schema_of_the_model(engine):
    with engine.connect() as connection:
        assert _schema_differences(connection) == []


def test_the_migrations_run_from_the_command_line_and_back(tmp_path):
    """``python3 -m alembic upgrade head`` in the project folder, on a new SQLite file; then
    ``downgrade base`` and ``upgrade head`` again."""
    database = tmp_path / "cli.db"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["SQLITE_FILE"] = str(database)
    for args in (["upgrade", "head"], ["current"]):
        result = subprocess.run([sys.executable, "-m", "alembic", *args], cwd=BASE_DIR, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
    assert "(head)" in result.stdout
    url = f"sqlite:///{database}"
    engine = create_engine(url)
    try:
        assert set(sa.inspect(engine).get_table_names()) >= {table for table in metadata.tables}
        command.downgrade(alembic_config(url), "base")
        assert set(sa.inspect(engine).get_table_names()) & set(metadata.tables) == set()
        command.upgrade(alembic_config(url), "head")
        with engine.connect() as connection:
            assert _schema_differences(connection) == []
    finally:
        engine.dispose()


def test_rows_outlive_the_app(api, make_app):
    """A new app on the same database (a restart) finds the rows of the previous one."""
    for resource in RESOURCES:
        row_id = create_row(api, resource.name)
        row = api.get(f"{resource.route}/{row_id}").json()
        restarted = ApiClient(client_for(make_app()))
        assert restarted.get(f"{resource.route}/{row_id}").json() == row


def _write(engine, statement):
    with engine.begin() as connection:
        connection.execute(statement)


@pytest.mark.parametrize("resource, field", REQUIRED, ids=_ids(REQUIRED))
def test_the_database_refuses_null_in_a_required_field(api, engine, resource, field):
    table = metadata.tables[resource.table]
    row_id = create_row(api, resource.name)
    with pytest.raises(sa.exc.IntegrityError):
        _write(engine, table.update().where(table.c.id == row_id).values({field.name: None}))


@pytest.mark.parametrize("resource, field", UNIQUE, ids=_ids(UNIQUE))
def test_the_database_refuses_a_duplicate_unique_value(api, engine, resource, field):
    table = metadata.tables[resource.table]
    first, second = create_row(api, resource.name), create_row(api, resource.name)
    with engine.connect() as connection:
        value = connection.execute(sa.select(table.c[field.name]).where(table.c.id == first)).scalar()
    if value is None:
        pytest.skip(f"{field.name} is optional and was left empty")
    with pytest.raises(sa.exc.IntegrityError):
        _write(engine, table.update().where(table.c.id == second).values({field.name: value}))


@pytest.mark.parametrize("resource, field", REFS, ids=_ids(REFS))
def test_the_database_enforces_references(api, engine, resource, field):
    table = metadata.tables[resource.table]
    target = metadata.tables[BY_NAME[field.ref].table]
    row_id = create_row(api, resource.name)
    referenced = create_row(api, field.ref)
    _write(engine, table.update().where(table.c.id == row_id).values({field.name: referenced}))
    with pytest.raises(sa.exc.IntegrityError):
        _write(engine, table.update().where(table.c.id == row_id).values({field.name: 999999999}))
    # ON DELETE RESTRICT: the referenced row stays.
    with pytest.raises(sa.exc.IntegrityError):
        _write(engine, target.delete().where(target.c.id == referenced))


def test_a_write_the_database_refuses_is_answered_as_the_checks_would(api, app, monkeypatch):
    """Another request may write between the checks and the write: the database then refuses
    it, and the answer is the checks' (409 naming the field), not a 500. Here the checks are
    skipped once to let the duplicate reach the database."""
    if not UNIQUE:
        pytest.skip("no unique field in this model")
    resource, field = UNIQUE[0]
    existing = api.get(f"{resource.route}/{create_row(api, resource.name)}").json()
    if existing[field.name] is None:
        pytest.skip(f"{field.name} is optional and was left empty")
    body = {**build_row(api, resource.name), field.name: existing[field.name]}
    service = next(s for s in core_of(app).services if s.resource is resource)
    checks = service._check_constraints
    calls = []

    def skipped_once(*args):
        calls.append(args)
        if len(calls) > 1:
            checks(*args)

    monkeypatch.setattr(service, "_check_constraints", skipped_once)
    response = api.post(resource.route, body)
    assert response.status_code == 409, response.json()
    assert field.name in [error["field"] for error in response.json()["errors"]]
    assert len(calls) == 2
