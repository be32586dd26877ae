"""Use cases, one module per noun, for every interface (the CLI, the API, later the web pages).

Each use case takes a unit of work (:class:`cyberrx.app.ports.UnitOfWork`: repositories scoped to the caller's
tenant, committed once) and the ports it needs (:class:`cyberrx.app.ports.Ports`: clock, id generator, password
hasher; a job queue where work runs later). :mod:`cyberrx.bootstrap` wires the real ones; tests pass in-memory
fakes (``tests/app/fakes.py``).
"""
