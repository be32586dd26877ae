"""Persistence: SQLAlchemy tables, the unit of work (:class:`Store`), repositories and Alembic migrations.

Only :mod:`cyberrx.services` uses this package.
"""

from cyberrx.store.db import Store

__all__ = ["Store"]
