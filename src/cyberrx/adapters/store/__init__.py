"""Persistence: SQLAlchemy tables (:mod:`.tables`), the unit of work (:class:`Store` makes them; see
:mod:`.unit_of_work`), tenant-scoped repositories (:mod:`.repositories`) and the Alembic migrations.

Only adapters touch the database: the use cases of :mod:`cyberrx.app` receive a unit of work and use its
repositories.
"""

from cyberrx.adapters.store.db import Store
from cyberrx.adapters.store.repositories import ConcurrentChange, Order
from cyberrx.adapters.store.scope import OrgKind, Scope
from cyberrx.adapters.store.unit_of_work import Duplicate, SqlUnitOfWork, StoreUnavailable

__all__ = ["ConcurrentChange", "Duplicate", "Order", "OrgKind", "Scope", "SqlUnitOfWork", "Store", "StoreUnavailable"]
