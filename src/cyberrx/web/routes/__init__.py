"""The page routers, one module per noun; :func:`cyberrx.web.app.mount` includes every router listed in
:data:`ROUTERS` (add a new module there)."""

from __future__ import annotations

from cyberrx.web.routes import auth, claims, clients, policies, practices, quotes, threats, underwriter
from cyberrx.web.routes.manager import MANAGER_ROUTERS

ROUTERS = [auth.router, practices.router, clients.router, quotes.router, policies.router, claims.router,
           threats.router]
ROUTERS += MANAGER_ROUTERS
ROUTERS += [underwriter.router]

__all__ = ["ROUTERS"]
