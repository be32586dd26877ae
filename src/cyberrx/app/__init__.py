"""Use cases, one module per noun, for every interface (the library, the CLI, the API, the web pages).

Runs that keep nothing: :mod:`~cyberrx.app.assess` (a practice's annual loss and program),
:mod:`~cyberrx.app.underwrite` (quote options, control ROI, market estimates), :mod:`~cyberrx.app.fair` (Open FAIR
models). Stored use cases (practices, assessments, quotes, policies, claims, incidents, accounts, audit, jobs)
call the same runs and keep their results.

Each use case takes a unit of work (:class:`cyberrx.app.ports.UnitOfWork`: repositories scoped to the caller's
tenant, committed once) and the ports it needs (:class:`cyberrx.app.ports.Ports`: clock, id generator, password
hasher; a job queue where work runs later). :mod:`cyberrx.bootstrap` wires the real ones; tests pass in-memory
fakes (``tests/app/fakes.py``).
"""
