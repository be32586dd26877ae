"""The web application: server-rendered pages (Jinja2) on the service's FastAPI app, complete without JavaScript,
with htmx for partial updates. Mounted by :func:`cyberrx.web.app.mount` from :func:`cyberrx.api.app.create_app`.

Layout::

    app.py          mount(app, service): the page routers, /static, /docs (Swagger UI from vendored files)
    routes/         one module per noun (auth, practices, quotes, policies, claims, underwriter); ROUTERS lists them
    deps.py         ServiceDep, PrincipalDep (current_principal), csrf_protect
    sessions.py     the signed session cookie (CSRF token; session token once signed in)
    errors.py       PageRoute: domain errors as HTML pages (404 for another tenant's object), sign-in redirects
    nav.py          the header's Viewer, each role's navigation and home page
    templating.py   render(request, "x.html", {...}) and the filters usd, day, pct
    templates/      base.html and one folder per noun; _name.html for htmx fragments
    static/         css/app.css, js/ (no inline scripts: the pages' CSP forbids them), vendor/ (htmx 2.0.11,
                    vega 6.4.0, vega-lite 6.4.1, vega-embed 7.3.0, swagger-ui-dist 5.35.0; from ``npm pack``,
                    with their licences)

Adding a page
-------------
1. In ``routes/<noun>.py`` (a new module: add its ``router`` to ``routes.ROUTERS``)::

       router = APIRouter(route_class=PageRoute)

       @router.get("/practices/{practice_id}/risk")
       def risk(request: Request, service: ServiceDep, principal: PrincipalDep, practice_id: str) -> Response:
           practice = practices.get(service.uow, principal, practice_id)   # the use case decides what is seen
           return render(request, "practices/risk.html", {"page_title": "Our risk", "practice": practice})

   ``PrincipalDep`` redirects a signed-out visitor to ``/sign-in?next=...`` and shows nothing; the use cases take
   the principal, so another tenant's object raises NotFound and PageRoute answers with the 404 page (Forbidden:
   403). Call the use cases of :mod:`cyberrx.app` only (never the store or the API): an import-linter contract
   holds it. Keep routes thin: parse, call one use case, render.
2. The template extends the layout and fills its blocks::

       {% extends "base.html" %}
       {% block content %}<h1>{{ page_title }}</h1> ... {% endblock %}

   Blocks: ``title`` (defaults to page_title), ``head`` (extra stylesheets/scripts from /static), ``content``
   (inside ``<main id="main">``), ``scripts`` (end of body). Label every form field, give tables a caption and
   ``<th scope>``, and check the page at 390 px and 1280 px wide.
3. Forms post and redirect (303). Every form carries the CSRF token: ``{{ csrf_field() }}``; htmx requests send
   it as a header already (``hx-headers`` on ``<body>``). Every page router is included with
   :func:`cyberrx.web.deps.csrf_protect`, so an unsafe request without the token is refused with 403 whatever
   the route does. Sign-out is a POST form in the header.
4. htmx: ``hx-get`` the same URL with ``hx-target``; in the route answer the fragment when
   ``request.headers.get("HX-Request")`` (see ``/practices``' active search and ``practices/_rows.html``).
5. Charts: put the Vega-Lite spec in ``<script type="application/json" id="...">`` and an element with
   ``data-vega-spec="that id"``; ``/static/js/charts.js`` (with the vendored vega scripts, block ``scripts``)
   embeds it. The element's own content (a table or an image) is what shows without JavaScript.
6. Tests: tests/web. TestClient tests (``tests/web/conftest.py``: the demo world in SQLite, ``sign_in``,
   ``browser_client``); ``test_web_security.py`` checks every POST route of ROUTERS for the CSRF refusal by
   itself. ``test_web_browser.py`` drives chromium over a live server with the demo world, following each
   user's navigation and the first detail link of each kind, with axe-core on every page it reaches: link a
   new page from a page it already visits (or add it there).
"""
