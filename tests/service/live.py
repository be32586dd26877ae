"""A live ``uvicorn`` serving the app in a subprocess, on a database the test shares."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from tests.service.world import PASSWORD, claim_doc, fast_ports, policy_terms, profile

from cyberrx.adapters.store import Store
from cyberrx.app import accounts, claims, policies, practices
from cyberrx.app.authz import OrgKind, Principal, Role


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_url(store: Store) -> str:
    """The database URL as a separate process must see it (a PostgreSQL schema as the search path)."""
    if store.schema is None:
        return store.url
    sep = "&" if "?" in store.url else "?"
    return f"{store.url}{sep}options=-csearch_path%3D{store.schema}"


class LiveServer:
    def __init__(self, store: Store, log: Path, port: int | None = None) -> None:
        self.store, self.log, self.port = store, log, port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 30.0) -> LiveServer:
        env = {**os.environ, "CYBERRX_DATABASE_URL": server_url(self.store), "CYBERRX_JOB_WORKERS": "0"}
        env.pop("CYBERRX_SETTINGS_FILE", None)
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "cyberrx.api.app:app_from_settings", "--host",
                 "127.0.0.1", "--port", str(self.port), "--log-level", "warning"], stdout=log, stderr=log, env=env)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not answer in time")

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def claim_setup(store: Store, tag: str) -> dict[str, Any]:
    """A carrier with an adjuster (and its token), a bound policy and an open claim (allowed 261,300.00)."""
    carrier = accounts.create_carrier(store, f"Live {tag}")
    user = accounts.create_user_unchecked(store, carrier["id"], f"adj-{tag}@example.org", "adj", "claims_adjuster",
                                          PASSWORD, ports=fast_ports())
    token = accounts.login(store, f"adj-{tag}@example.org", PASSWORD, 1.0, ports=fast_ports())["token"]
    uw = Principal("u" * 32, Role.UNDERWRITER, carrier["id"], OrgKind.CARRIER, carrier["id"])
    adj = Principal(user["id"], Role.CLAIMS_ADJUSTER, carrier["id"], OrgKind.CARRIER, carrier["id"])
    practice = practices.create(store, uw, profile(f"Live {tag}"))
    pol = policies.bind(store, uw, practice["id"], policy_terms(f"CRX-LIVE-{tag}"))
    claim = claims.open_claim(store, adj, pol["id"], claim_doc(f"CRX-LIVE-{tag}"))
    return {"token": token, "claim": claim, "adjuster": adj}
