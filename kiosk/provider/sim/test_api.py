"""The simulator's ``/_sim/...`` endpoints: what a test or a demo needs to see and steer.

They exist only on the simulator: the real operator has no way to read a customer's code.

- ``GET /_sim/otp?challenge=ID`` or ``?iccid=ICCID``: the code last "sent" by SMS.
- ``GET /_sim/ledger``: every renewal the operator recorded.
- ``GET|POST|DELETE /_sim/faults``: list, add (a fault as JSON) or clear the faults.
- ``GET /_sim/clock``, ``POST /_sim/clock {"advance_s": N}``: read or move the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kiosk.provider import wire
from kiosk.provider.sim.errors import operational_error, user_error
from kiosk.provider.sim.faults import Fault
from kiosk.provider.sim.store import LedgerEntry

if TYPE_CHECKING:
    from kiosk.provider.sim.server import OperatorSimulator

Query = Mapping[str, list[str]]
Answer = tuple[int, Any]


def _otp(sim: OperatorSimulator, query: Query, data: Any) -> Answer:
    if "challenge" in query:
        challenge = sim.otp.challenge(query["challenge"][0])
    elif "iccid" in query:
        challenge = sim.otp.latest_for(query["iccid"][0])
    else:
        raise operational_error(400, "bad_request", "give ?challenge=ID or ?iccid=ICCID")
    if challenge is None:
        raise user_error(404, "otp_challenge_not_found", "no code was sent for this")
    return 200, {
        "challenge_id": challenge.id,
        "code": challenge.code,
        "expires_at": wire.rfc3339(challenge.expires_at),
        "verified": challenge.verified,
    }


def ledger_json(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "kiosk_id": entry.kiosk_id,
        "transaction_id": entry.transaction_id,
        "iccid": entry.iccid,
        "offer_id": entry.offer_id,
        "amount": {"minor": entry.amount_minor, "currency": entry.currency},
        "promotion_id": entry.promotion_id,
        "status": entry.status.value,
        "reason_code": entry.reason_code,
        "cancel_reason": entry.cancel_reason,
        "operator_reference": entry.operator_reference,
        "created_at": wire.rfc3339(entry.created_at),
        "updated_at": wire.rfc3339(entry.updated_at),
    }


def _ledger(sim: OperatorSimulator, query: Query, data: Any) -> Answer:
    return 200, {"renewals": [ledger_json(entry) for entry in sim.ledger()]}


def _faults(sim: OperatorSimulator) -> dict[str, Any]:
    return {"faults": [fault.as_json() for fault in sim.faults.pending()]}


def _list_faults(sim: OperatorSimulator, query: Query, data: Any) -> Answer:
    return 200, _faults(sim)


def _add_fault(sim: OperatorSimulator, query: Query, data: Any) -> Answer:
    try:
        fault = Fault.from_json(data)
    except (TypeError, ValueError) as exc:
        raise operational_error(400, "bad_fault", str(exc)) from None
    sim.faults.add(fault)
    return 201, _faults(sim)


def _clear_faults(sim: OperatorSimulator, query: Query, data: Any) -> Answer:
    sim.faults.clear()
    return 200, _faults(sim)


def _clock(sim: OperatorSimulator, query: Query, data: Any) -> Answer:
    return 200, {"now": wire.rfc3339(sim.now())}


def _advance_clock(sim: OperatorSimulator, query: Query, data: Any) -> Answer:
    step = data.get("advance_s") if isinstance(data, dict) else None
    if not isinstance(step, int | float) or isinstance(step, bool):
        raise operational_error(400, "bad_request", "give {\"advance_s\": seconds}")
    return 200, {"now": wire.rfc3339(sim.clock.advance(step))}


ENDPOINTS = {
    ("GET", "/_sim/otp"): _otp,
    ("GET", "/_sim/ledger"): _ledger,
    ("GET", "/_sim/faults"): _list_faults,
    ("POST", "/_sim/faults"): _add_fault,
    ("DELETE", "/_sim/faults"): _clear_faults,
    ("GET", "/_sim/clock"): _clock,
    ("POST", "/_sim/clock"): _advance_clock,
}


def dispatch(sim: OperatorSimulator, method: str, path: str, query: Query, data: Any) -> Answer:
    handler = ENDPOINTS.get((method, path))
    if handler is None:
        raise operational_error(404, "not_found", "no such test endpoint")
    return handler(sim, query, data)
