"""Alembic's environment: which database, and the schema to compare it with (autogenerate)."""
from logging.config import fileConfig

from alembic import context

from app.db import create_engine, database_url
from app.tables import metadata

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url():
    # Set by app.db.migrate(); from the command line, DATABASE_URL or SQLITE_FILE decide.
    return config.get_main_option("sqlalchemy.url") or database_url()


def _include_name(name, type_, parent_names):
    # SQLite's own bookkeeping (sqlite_sequence) is not part of the schema.
    return not (type_ == "table" and name.startswith("sqlite_"))


def _configure(**options):
    context.configure(
        target_metadata=metadata,
        include_name=_include_name,
        compare_type=True,
        # SQLite cannot alter most of a table: batch operations copy it into a new one.
        render_as_batch=True,
        **options,
    )


def run_migrations_offline():
    """Prints the SQL instead of running it (``alembic upgrade head --sql``)."""
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    # Foreign keys off on SQLite while tables are rebuilt; PostgreSQL runs each migration in a
    # transaction.
    engine = create_engine(_url(), foreign_keys=False)
    try:
        with engine.connect() as connection:
            _configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
