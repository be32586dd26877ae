"""The service fixtures (a migrated store on SQLite and PostgreSQL, the API client) for the alert tests."""

from tests.service.conftest import backend, client, service, store  # noqa: F401  (fixtures)
