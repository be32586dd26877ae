"""Alembic environment: runs on the connection the caller passes (``config.attributes["connection"]``) or on
``sqlalchemy.url``; always online."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from cyberrx.adapters.store.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic: no sqlalchemy.url and no connection given")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
