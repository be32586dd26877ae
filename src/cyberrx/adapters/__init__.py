"""Adapters: what touches the world outside the process. ``store/`` (SQLAlchemy tables, the unit of work,
repositories, Alembic migrations) and ``passwords`` (argon2). The use cases in :mod:`cyberrx.app` take them as
arguments; :mod:`cyberrx.bootstrap` builds them."""
