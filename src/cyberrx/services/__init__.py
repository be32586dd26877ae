"""The stateless runners the CLI and the library call: ``assess``, ``quote``/``improve``, ``run_fair``.

Stored use cases (practices, assessments, quotes, policies, claims, incidents, accounts, audit, jobs) are in
:mod:`cyberrx.app`."""
