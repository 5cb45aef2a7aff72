"""What the simulated operator does for each API call, apart from HTTP.

It answers with the JSON bodies of docs/operator-api.yaml and refuses with ``ApiError``.
Renewals are idempotent per kiosk and transaction id: a repeat with the same body returns
the first result, a repeat with another body is a conflict, and nothing is applied twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.core.card import CardStatus
from kiosk.core.errors import InvalidInput
from kiosk.core.extension import days_added, extended_until
from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.core.offers import Offer
from kiosk.core.phone import Phone, mask_e164
from kiosk.core.promotions import PromoKind, Promotion, applicable, discount_for
from kiosk.core.renewal import OtpChallenge, RenewalStatus
from kiosk.faults import crash_point
from kiosk.logs import event
from kiosk.provider import wire
from kiosk.provider.demo_data import OFFERS, PLANS, PROMOTIONS
from kiosk.provider.sim.errors import operational_error, user_error
from kiosk.provider.sim.otp import Challenge, OtpDesk
from kiosk.provider.sim.store import LedgerEntry, SimCard, SimStore

log = logging.getLogger(__name__)

TRANSACTION_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
SINCE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$", re.ASCII)
LIST_LIMIT = 1000
ICCID_SHAPE = re.compile(r"89[0-9]{17,18}")  # the contract's pattern; the check digit is ours
OFFERS_BY_ID = {offer.id: offer for offer in OFFERS}
PROMOTIONS_BY_ID = {promo.id: promo for promo in PROMOTIONS}


def read_body(body: Any, fields: tuple[str, ...] = (), required: tuple[str, ...] = ()) -> wire.Obj:
    """A request's JSON object with only the contract's ``fields`` (and the ``required`` ones
    present, null or not); a malformed request is the kiosk's bug, not the customer's."""
    try:
        request = wire.Obj(body)
    except wire.WireError as exc:
        raise operational_error(400, "bad_request", str(exc)) from None
    _only(request, fields, required)
    return request


def _only(obj: wire.Obj, fields: tuple[str, ...], required: tuple[str, ...]) -> None:
    unknown = sorted(set(obj.data) - set(fields))
    if unknown:
        raise operational_error(400, "bad_request", f"{obj.at(unknown[0])}: not in the contract",
                                field=obj.at(unknown[0]))
    missing = [name for name in required if name not in obj.data]
    if missing:
        raise operational_error(400, "bad_request", f"{obj.at(missing[0])}: missing",
                                field=obj.at(missing[0]))


RENEWAL_FIELDS = ("transaction_id", "iccid", "offer_id", "amount", "verification_token",
                  "promotion_id")
MONEY_FIELDS = ("minor", "currency")
PHONE_SHAPE = re.compile(r"\+[0-9]{6,15}")


def _field(reader: Callable[[], Any]) -> Any:
    try:
        return reader()
    except wire.WireError as exc:
        raise operational_error(400, "bad_request", str(exc), field=exc.where) from None


def parse_iccid(text: str) -> Iccid:
    try:
        return Iccid.parse(text)
    except InvalidInput as exc:
        # Well formed but not a card number (the check digit) is 422: the request kept the
        # contract's shape; 400 is for what the contract itself rules out.
        status = 422 if ICCID_SHAPE.fullmatch(text) else 400
        raise user_error(status, "iccid_invalid", exc.message.key, reason=exc.code) from None


def _fingerprint(body: wire.Obj) -> str:
    return hashlib.sha256(json.dumps(body.data, sort_keys=True).encode()).hexdigest()


def _effective_status(card: SimCard, now: datetime) -> CardStatus:
    if card.status is CardStatus.ACTIVE and (card.validity_end is None or card.validity_end <= now):
        return CardStatus.EXPIRED
    return card.status


def _add(current: int | None, amount: int) -> int | None:
    return current if not amount else (current or 0) + amount


def _take(current: int | None, amount: int) -> int | None:
    return current if not amount or current is None else max(current - amount, 0)


class SimOperator:
    def __init__(
        self, store: SimStore, clock: Callable[[], datetime], timezone: ZoneInfo, otp: OtpDesk
    ) -> None:
        self.store = store
        self.clock = clock
        self.timezone = timezone
        self.otp = otp
        self._lock = threading.RLock()

    # --- cards and offers -----------------------------------------------------------------

    def _card(self, iccid_text: str) -> SimCard:
        iccid = parse_iccid(iccid_text)
        card = self.store.card(iccid.digits)
        if card is None:
            raise user_error(404, "card_not_found", "the operator does not know this card")
        return card

    def card_json(self, iccid_text: str) -> dict[str, Any]:
        card = self._card(iccid_text)
        return {
            "iccid": card.iccid,
            "status": _effective_status(card, self.clock()).value,
            "plan": wire.plan_json(PLANS[card.plan_id]),
            "validity_end": wire.rfc3339(card.validity_end),
            "balance": {"minor": card.balance_minor, "currency": card.currency},
            "currency": card.currency,
            "allowances": {"data_mb": card.data_mb, "voice_min": card.voice_min, "sms": card.sms},
            "phone_masked": mask_e164(card.phone) if card.phone else None,
            "used_promotions": sorted(card.used_promotions),
        }

    def offers_json(self, iccid_text: str) -> dict[str, Any]:
        card = self._card(iccid_text)
        return {
            "iccid": card.iccid,
            "currency": card.currency,
            "timezone": self.timezone.key,
            "offers": [wire.offer_json(o) for o in OFFERS if o.price.currency == card.currency],
            "promotions": [wire.promotion_json(p) for p in PROMOTIONS],
        }

    # --- one-time codes -------------------------------------------------------------------

    def send_otp(self, iccid_text: str, body: Any) -> dict[str, Any]:
        card = self._card(iccid_text)
        request = read_body(body, ("phone",))
        phone_text = _field(lambda: request.str("phone", optional=True))
        if _effective_status(card, self.clock()) is CardStatus.BLOCKED:
            raise user_error(409, "card_blocked", "the card is blocked")
        if phone_text and card.phone:
            raise user_error(409, "phone_already_bound", "the card already has a bound number")
        if not phone_text and not card.phone:
            raise user_error(409, "phone_required", "the card has no bound number: send one")
        phone = card.phone or self._phone(phone_text or "")
        challenge = self.otp.send(card.iccid, phone, binding=card.phone is None, now=self.clock())
        event(log, "sim.otp.sent", challenge=challenge.id, iccid=Iccid(card.iccid).masked(),
              phone=mask_e164(phone), binding=challenge.binding)
        return wire.challenge_json(self._as_core(challenge))

    @staticmethod
    def _phone(text: str) -> str:
        try:
            return Phone.parse(text, default_region=None).e164
        except InvalidInput:
            status = 422 if PHONE_SHAPE.fullmatch(text) else 400  # the contract's shape: 422
            raise user_error(status, "phone_invalid", "not a valid E.164 phone number") from None

    @staticmethod
    def _as_core(challenge: Challenge) -> OtpChallenge:
        return OtpChallenge(
            challenge.id, mask_e164(challenge.phone), challenge.expires_at,
            challenge.resend_after, challenge.resends_left, challenge.attempts_left,
        )

    def verify_otp(self, challenge_id: str, body: Any) -> dict[str, Any]:
        request = read_body(body, ("code",), ("code",))
        code = _field(lambda: request.req_str("code"))
        with self._lock:
            challenge, value, token = self.otp.verify(challenge_id, code, self.clock())
            if challenge.binding:
                card = self.store.card(challenge.iccid)
                if card is not None and card.phone is None:
                    self.store.save_card(replace(card, phone=challenge.phone))
        event(log, "sim.otp.verified", challenge=challenge_id, bound=challenge.binding)
        return {"verification_token": value, "expires_at": wire.rfc3339(token.expires_at)}

    # --- renewals -------------------------------------------------------------------------

    def create_renewal(
        self, kiosk_id: str, body: Any, outcome: RenewalStatus | None = None
    ) -> tuple[int, dict[str, Any]]:
        """(201, record) for a new renewal, (200, the first record) for a repeat.

        ``outcome`` forces a FAILED or PENDING result (the simulator's faults).
        """
        request = read_body(body, RENEWAL_FIELDS)
        transaction_id = _field(lambda: request.req_str("transaction_id"))
        if not TRANSACTION_ID.fullmatch(transaction_id):
            raise operational_error(400, "bad_request", "transaction_id: 1-64 of [A-Za-z0-9._:-]")
        with self._lock:
            existing = self.store.entry(kiosk_id, transaction_id)
            if existing is not None:
                if existing.fingerprint != _fingerprint(request):
                    raise operational_error(
                        409, "idempotency_conflict",
                        "this transaction id was used with a different request",
                    )
                return 200, self.renewal_json(existing)
            # In the demo the simulator shares the kiosk's process: dying here is the kiosk
            # dying after its request went out and before the operator applied it.
            crash_point("after_renewal_sent")
            entry = self._new_renewal(kiosk_id, transaction_id, request, outcome)
            return 201, self.renewal_json(entry)

    def _new_renewal(
        self, kiosk_id: str, transaction_id: str, request: wire.Obj,
        outcome: RenewalStatus | None,
    ) -> LedgerEntry:
        now = self.clock()
        card = self._card(_field(lambda: request.req_str("iccid")))
        offer = OFFERS_BY_ID.get(_field(lambda: request.req_str("offer_id")))
        if offer is None:
            raise user_error(404, "offer_not_found", "no such offer")
        _only(_field(lambda: request.obj("amount")), MONEY_FIELDS, MONEY_FIELDS)
        amount = _field(lambda: request.money("amount"))
        token_value = _field(lambda: request.req_str("verification_token"))
        token = self.otp.check_token(token_value, card.iccid, now)
        promo = self._promotion(request, card, offer, now)
        discount = discount_for(promo, offer.price) if promo else Money.zero(offer.price.currency)
        expected = offer.price - discount
        if amount != expected:  # dataclass equality: another currency is simply unequal
            raise user_error(
                409, "amount_mismatch", "the amount is not this offer's price",
                expected=wire.money_json(expected),
            )
        status = _effective_status(card, now)
        if status is CardStatus.EXPIRED and not offer.extends_validity:
            raise user_error(422, "offer_not_eligible", "an expired card needs validity first")
        entry = LedgerEntry(
            kiosk_id=kiosk_id, transaction_id=transaction_id, fingerprint=_fingerprint(request),
            iccid=card.iccid, offer_id=offer.id, amount_minor=amount.minor,
            currency=amount.currency, promotion_id=promo.id if promo else None,
            status=RenewalStatus.PENDING, reason_code=None,
            bonus_days=promo.value if promo and promo.kind is PromoKind.BONUS_DAYS else 0,
            validity_end=None, data_mb=None, voice_min=None, sms=None,
            operator_reference=f"SIM-{secrets.token_hex(5).upper()}",
            created_at=now, updated_at=now,
        )
        self.otp.spend(token_value, token)
        if status is CardStatus.BLOCKED or outcome is RenewalStatus.FAILED:
            entry.status = RenewalStatus.FAILED
            entry.reason_code = "card_blocked" if status is CardStatus.BLOCKED else "provisioning"
            self.store.record(entry, None)
        elif outcome is RenewalStatus.PENDING:
            self.store.record(entry, None)
        else:
            self._apply(entry, card, offer, now)
        event(log, "sim.renewal.created", tx=transaction_id, iccid=Iccid(card.iccid).masked(),
              offer=offer.id, status=entry.status.value, reason_code=entry.reason_code)
        return entry

    def _promotion(
        self, request: wire.Obj, card: SimCard, offer: Offer, now: datetime
    ) -> Promotion | None:
        _only(request, RENEWAL_FIELDS, ("promotion_id",))  # null for none, but always there
        promo_id = _field(lambda: request.str("promotion_id", optional=True))
        if promo_id is None:
            return None
        promo = PROMOTIONS_BY_ID.get(promo_id)
        if promo is None or not applicable([promo], offer, now, self.timezone):
            raise user_error(422, "promotion_not_applicable", "the promotion does not apply")
        if promo.once_per_card and promo.id in card.used_promotions:
            raise user_error(422, "promotion_already_used", "this card already used it")
        return promo

    def _apply(self, entry: LedgerEntry, card: SimCard, offer: Offer, now: datetime) -> None:
        days = days_added(offer.validity_days, entry.bonus_days)
        new = replace(card, used_promotions=list(card.used_promotions))
        if days:  # the rule the kiosk's confirm screen previews (kiosk.core.extension)
            new.validity_end = extended_until(card.validity_end, now, days)
            if new.status is CardStatus.EXPIRED:
                new.status = CardStatus.ACTIVE
        new.data_mb = _add(card.data_mb, offer.data_mb)
        new.voice_min = _add(card.voice_min, offer.voice_min)
        new.sms = _add(card.sms, offer.sms)
        if entry.promotion_id and entry.promotion_id not in new.used_promotions:
            new.used_promotions.append(entry.promotion_id)
        self._settle(entry, new, RenewalStatus.APPLIED, now)

    def _settle(
        self, entry: LedgerEntry, card: SimCard, status: RenewalStatus, now: datetime
    ) -> None:
        entry.status = status
        entry.updated_at = now
        entry.validity_end = card.validity_end
        entry.data_mb, entry.voice_min, entry.sms = card.data_mb, card.voice_min, card.sms
        self.store.record(entry, card)

    def renewal(self, kiosk_id: str, transaction_id: str) -> LedgerEntry:
        """The entry; a pending one completes when it is next read."""
        with self._lock:
            entry = self.store.entry(kiosk_id, transaction_id)
            if entry is None:
                raise user_error(404, "renewal_not_found", "no renewal with this transaction id")
            card = self.store.card(entry.iccid)
            if entry.status is RenewalStatus.PENDING and card is not None:
                self._apply(entry, card, OFFERS_BY_ID[entry.offer_id], self.clock())
            return entry

    def cancel_renewal(self, kiosk_id: str, transaction_id: str, body: Any) -> dict[str, Any]:
        request = read_body(body, ("reason",), ("reason",))
        reason = _field(lambda: request.req_str("reason"))
        with self._lock:
            entry = self.renewal(kiosk_id, transaction_id)
            if entry.status is RenewalStatus.CANCELLED:
                return self.renewal_json(entry)
            if entry.status is not RenewalStatus.APPLIED:
                raise operational_error(
                    409, "renewal_not_cancellable", f"a {entry.status.value} renewal cannot be "
                    "cancelled", renewal_status=entry.status.value,
                )
            card = self.store.card(entry.iccid)
            assert card is not None  # cards are never deleted
            self._undo(entry, card, reason)
        event(log, "sim.renewal.cancelled", tx=transaction_id, reason=reason)
        return self.renewal_json(entry)

    def _undo(self, entry: LedgerEntry, card: SimCard, reason: str) -> None:
        now = self.clock()
        offer = OFFERS_BY_ID[entry.offer_id]
        days = offer.validity_days + entry.bonus_days
        new = replace(card, used_promotions=[
            p for p in card.used_promotions if p != entry.promotion_id
        ])
        if days and card.validity_end is not None:
            new.validity_end = card.validity_end - timedelta(days=days)
        new.data_mb = _take(card.data_mb, offer.data_mb)
        new.voice_min = _take(card.voice_min, offer.voice_min)
        new.sms = _take(card.sms, offer.sms)
        entry.cancel_reason = reason
        self._settle(entry, new, RenewalStatus.CANCELLED, now)

    def renewals_json(self, kiosk_id: str, since_text: str | None) -> dict[str, Any]:
        """This kiosk's renewals created at or after ``since``, oldest first, at most
        ``LIST_LIMIT`` (``truncated`` says there are more)."""
        if not since_text or not SINCE.match(since_text):
            raise operational_error(400, "bad_request", "give ?since=<RFC 3339 with offset>")
        try:
            since = datetime.fromisoformat(since_text.replace("Z", "+00:00"))
        except ValueError:
            raise user_error(422, "since_invalid", "since is not a real moment") from None
        mine = [e for e in self.store.ledger() if e.kiosk_id == kiosk_id and e.created_at >= since]
        return {"renewals": [self.renewal_json(e) for e in mine[:LIST_LIMIT]],
                "truncated": len(mine) > LIST_LIMIT}

    @staticmethod
    def renewal_json(entry: LedgerEntry) -> dict[str, Any]:
        settled = entry.status in (RenewalStatus.APPLIED, RenewalStatus.CANCELLED)
        allowances = {"data_mb": entry.data_mb, "voice_min": entry.voice_min, "sms": entry.sms}
        return {
            "transaction_id": entry.transaction_id,
            "status": entry.status.value,
            "offer_id": entry.offer_id,
            "amount": {"minor": entry.amount_minor, "currency": entry.currency},
            "promotion_id": entry.promotion_id,
            "bonus_days": entry.bonus_days,
            "reason_code": entry.reason_code,
            "validity_end": wire.rfc3339(entry.validity_end),
            "allowances": allowances if settled else None,
            "operator_reference": entry.operator_reference,
            "created_at": wire.rfc3339(entry.created_at),
            "updated_at": wire.rfc3339(entry.updated_at),
        }
