"""``/claims/{id}/money``: the claim's reserves and payments (the claims adjuster's; the carrier's admin reads it).

Each form carries the claim's version as read and an idempotency key made when the page was drawn, and calls
:func:`cyberrx.app.claims.change` as the API does (``If-Match`` and ``Idempotency-Key``): sending the same form
twice records one entry, and when another adjuster changed the claim first the page answers 409 with the
conflict, the claim's current version and a fresh form to send again. The ledger shows each entry with the
running totals (allowed, reserve, paid to date, what adjudication still allows).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from cyberrx.app import claim_file, claims
from cyberrx.app.claims import PreconditionFailed
from cyberrx.claims import EntryKind
from cyberrx.errors import Conflict, InvalidInput
from cyberrx.web.deps import PrincipalDep, ServiceDep
from cyberrx.web.errors import PageRoute
from cyberrx.web.routes.adjuster import form_key
from cyberrx.web.templating import render, usd

router = APIRouter(route_class=PageRoute)
#: the most whole-dollar digits an amount may have (the store keeps Numeric(14, 2))
MAX_DIGITS = 12
KINDS = {"reserve": EntryKind.RESERVE, "payment": EntryKind.PAYMENT, "close": EntryKind.CLOSED}
DONE = {"reserve": "Reserve set.", "payment": "Payment recorded.", "close": "Claim closed.",
        "replayed": "That form had already been sent: it was recorded once, and nothing more was done."}
ENTRY_LABELS = {"opened": "Opened", "allowed": "Adjudicated", "reserve": "Reserve set", "payment": "Payment",
                "closed": "Closed", "reopened": "Reopened"}


def running(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ledger with its running totals: ``allowed`` as of each entry and ``remaining`` (allowed - paid)."""
    out = []
    allowed = Decimal(0)
    for e in entries:
        if e["kind"] in ("opened", "allowed"):
            allowed = Decimal(e["amount"])
        paid = Decimal(e["paid_after"])
        out.append({**e, "label": ENTRY_LABELS.get(e["kind"], e["kind"]), "allowed": allowed,
                    "remaining": allowed - paid})
    return out


def _page(request: Request, service: Any, principal: Any, claim_id: str, *, values: dict[str, str] | None = None,
          errors: dict[str, str] | None = None, conflict: str = "", status: int = 200) -> Response:
    f = claim_file.claim_file(service.uow, principal, claim_id)
    entries = running(f.ledger)
    payments = [e for e in entries if e["kind"] == "payment"]
    done = request.query_params.get("done", "")
    paid_total = sum((Decimal(e["amount"]) for e in payments), Decimal(0))
    return render(request, "adjuster/money.html", {
        "page_title": f"Claim {f.claim['claim_number']}: reserves and payments", "f": f, "claim": f.claim,
        "entries": entries, "payments": payments, "paid_total": paid_total,
        "remaining": Decimal(f.claim["allowed"]) - Decimal(f.claim["paid"]), "values": values or {},
        "errors": errors or {}, "conflict": conflict, "key": form_key(), "done": DONE.get(done, ""),
        "tab": "money"}, status_code=status)


@router.get("/claims/{claim_id}/money")
def money(request: Request, service: ServiceDep, principal: PrincipalDep, claim_id: str) -> Response:
    return _page(request, service, principal, claim_id)


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "").removeprefix("$"))
    except InvalidOperation:
        raise InvalidInput(f"{text!r} is not an amount", field="amount",
                           allowed="dollars and cents, such as 12500.00") from None
    if not value.is_finite() or value.adjusted() > MAX_DIGITS - 1:
        raise InvalidInput(f"{text!r} is not an amount", field="amount",
                           allowed=f"dollars and cents, below {10 ** MAX_DIGITS:,}")
    return value


@router.post("/claims/{claim_id}/money/{kind}")
async def money_change(request: Request, service: ServiceDep, principal: PrincipalDep, claim_id: str,
                       kind: str) -> Response:
    if kind not in KINDS:
        raise InvalidInput(f"{kind} is not a change of a claim's money", field="kind", allowed=", ".join(KINDS))
    claims.require_carrier(principal, "claim.file.read")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str) and k != "csrf_token"}
    values = {f"{kind}-{k}": v for k, v in form.items()}
    note = form.get("note", "").strip()[:2000]
    version = form.get("version", "")
    if_match = claims.etag(int(version)) if version.isdigit() else None
    try:
        amount = _amount(form.get("amount", "")) if kind != "close" else None
        _, _, created = claims.change(service.uow, principal, claim_id, KINDS[kind], amount, form.get("key", ""),
                                      note, if_match, ports=service.ports)
    except PreconditionFailed:
        current = claims.get(service.uow, principal, claim_id)
        last = claims.ledger(service.uow, principal, claim_id)[-1]
        latest = f"{ENTRY_LABELS.get(last['kind'], last['kind']).lower()} of {usd(last['amount'])}" + (
            f" ({last['note']})" if last["note"] else "")
        return _page(request, service, principal, claim_id, values=values, status=409, conflict=(
            f"Another change reached this claim first: it is now at version {current['version']} (the latest "
            f"entry: {latest}), with {usd(current['paid'])} paid and a reserve of {usd(current['reserve'])}. "
            "Nothing was recorded from your form. Check the ledger below; if it is still due, send it again (the "
            "form now carries the current version)."))
    except Conflict as exc:
        return _page(request, service, principal, claim_id, values=values, status=409,
                     errors={f"{kind}-amount" if kind != "close" else "close-note": str(exc)})
    except InvalidInput as exc:
        return _page(request, service, principal, claim_id, values=values, status=422,
                     errors={f"{kind}-amount" if kind != "close" else "close-note":
                             str(exc.args[0]) + (f" ({exc.allowed})" if exc.allowed else "")})
    return RedirectResponse(f"/claims/{claim_id}/money?done={kind if created else 'replayed'}#ledger",
                            status_code=303)


__all__ = ["router", "running"]
