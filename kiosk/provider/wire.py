"""The JSON shapes of the operator API, both ways, for the core types.

The simulator encodes with these functions and the client decodes with them, so the two
cannot drift from each other; docs/operator-api.yaml describes the same shapes and a test
holds the simulator's answers to it. Decoding checks every field and names the one that is
wrong (``WireError``), so a bad answer becomes a clear error instead of a KeyError.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, time
from enum import StrEnum
from typing import Any, TypeVar

from kiosk.core.card import Allowances, Plan
from kiosk.core.money import Money
from kiosk.core.offers import Offer, OfferKind, Period
from kiosk.core.promotions import PromoKind, Promotion, Window
from kiosk.core.renewal import OtpChallenge, OtpVerification, RenewalResult, RenewalStatus

E = TypeVar("E", bound=StrEnum)
LOCAL_FORMAT = "%Y-%m-%dT%H:%M:%S"


class WireError(ValueError):
    """A field of an answer is missing or malformed; ``where`` is its JSON path."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


# --- encoding -------------------------------------------------------------------------------


def rfc3339(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("API times carry their offset")
    return moment.isoformat(timespec="seconds")


def money_json(money: Money) -> dict[str, Any]:
    return {"minor": money.minor, "currency": money.currency}


def allowances_json(allowances: Allowances) -> dict[str, int | None]:
    return {"data_mb": allowances.data_mb, "voice_min": allowances.voice_min, "sms": allowances.sms}


def plan_json(plan: Plan) -> dict[str, Any]:
    return {"id": plan.id, "names": dict(plan.names)}


def offer_json(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.id,
        "kind": offer.kind.value,
        "period": offer.period.value,
        "price": money_json(offer.price),
        "validity_days": offer.validity_days,
        "data_mb": offer.data_mb,
        "voice_min": offer.voice_min,
        "sms": offer.sms,
        "names": dict(offer.names),
    }


def window_json(window: Window) -> dict[str, Any]:
    return {
        "start": window.start.strftime(LOCAL_FORMAT),
        "end": window.end.strftime(LOCAL_FORMAT),
        "weekdays": sorted(window.weekdays),
        "daily_from": window.daily_from.strftime("%H:%M") if window.daily_from else None,
        "daily_to": window.daily_to.strftime("%H:%M") if window.daily_to else None,
    }


def promotion_json(promo: Promotion) -> dict[str, Any]:
    body: dict[str, Any] = {"id": promo.id, "kind": promo.kind.value}
    if promo.kind is PromoKind.PERCENT:
        body["basis_points"] = promo.value
    elif promo.kind is PromoKind.FIXED:
        body["amount"] = money_json(Money(promo.value, promo.currency or ""))
    else:
        body["days"] = promo.value
    body.update(
        windows=[window_json(w) for w in promo.windows],
        offer_kinds=sorted(kind.value for kind in promo.offer_kinds),
        offer_ids=sorted(promo.offer_ids),
        once_per_card=promo.once_per_card,
        names=dict(promo.names),
    )
    return body


def challenge_json(challenge: OtpChallenge) -> dict[str, Any]:
    return {
        "challenge_id": challenge.challenge_id,
        "phone_masked": challenge.phone_masked,
        "expires_at": rfc3339(challenge.expires_at),
        "resend_after": rfc3339(challenge.resend_after),
        "resends_left": challenge.resends_left,
        "attempts_left": challenge.attempts_left,
    }


def verification_json(verification: OtpVerification) -> dict[str, Any]:
    return {
        "verification_token": verification.verification_token,
        "expires_at": rfc3339(verification.expires_at),
    }


# --- decoding -------------------------------------------------------------------------------


class Obj:
    """A JSON object being read; every failure names the field's path."""

    def __init__(self, data: Any, where: str = "$") -> None:
        if not isinstance(data, Mapping):
            raise WireError(where, "expected an object")
        self.data = data
        self.where = where

    def at(self, name: str) -> str:
        """The JSON path of a field, for error messages."""
        return f"{self.where}.{name}"

    def _get(self, name: str, optional: bool) -> Any:
        if name not in self.data:
            if optional:
                return None
            raise WireError(self.at(name), "missing")
        value = self.data[name]
        if value is None and not optional:
            raise WireError(self.at(name), "must not be null")
        return value

    def str(self, name: str, optional: bool = False) -> str | None:
        value = self._get(name, optional)
        if value is not None and (not isinstance(value, str) or not value):
            raise WireError(self.at(name), "expected a non-empty string")
        return value

    def req_str(self, name: str) -> str:
        return self.str(name) or ""

    def int(self, name: str, optional: bool = False, minimum: int | None = 0) -> int | None:
        value = self._get(name, optional)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise WireError(self.at(name), "expected an integer")
        if minimum is not None and value < minimum:
            raise WireError(self.at(name), f"must be at least {minimum}")
        return value

    def req_int(self, name: str, minimum: int | None = 0) -> int:
        value = self.int(name, minimum=minimum)
        return 0 if value is None else value

    def bool(self, name: str, default: bool) -> bool:
        value = self._get(name, optional=True)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise WireError(self.at(name), "expected true or false")
        return value

    def obj(self, name: str) -> Obj:
        return Obj(self._get(name, optional=False), self.at(name))

    def opt_obj(self, name: str) -> Obj | None:
        value = self._get(name, optional=True)
        return None if value is None else Obj(value, self.at(name))

    def items(self, name: str) -> Iterator[tuple[str, Any]]:
        value = self._get(name, optional=False)
        if not isinstance(value, list):
            raise WireError(self.at(name), "expected a list")
        for index, item in enumerate(value):
            yield f"{self.at(name)}[{index}]", item

    def enum(self, name: str, enum_type: type[E]) -> E:
        text = self.req_str(name)
        try:
            return enum_type(text)
        except ValueError:
            raise WireError(self.at(name), f"unknown value {text!r}") from None

    def money(self, name: str) -> Money:
        amount = self.obj(name)
        minor = amount.req_int("minor", minimum=None)
        try:
            return Money(minor, amount.req_str("currency"))
        except ValueError as exc:
            raise WireError(amount.at("currency"), str(exc)) from None

    def time(self, name: str, optional: bool = False) -> datetime | None:
        text = self.str(name, optional)
        if text is None:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise WireError(self.at(name), "expected an RFC 3339 time") from None
        if moment.tzinfo is None:
            raise WireError(self.at(name), "the time has no UTC offset")
        return moment

    def req_time(self, name: str) -> datetime:
        moment = self.time(name)
        assert moment is not None  # time() raises for a missing required field
        return moment

    def names(self, name: str) -> dict[str, str]:
        """Text per language; unknown languages are kept, non-strings refused."""
        value = self.obj(name)
        for lang, text in value.data.items():
            if not isinstance(text, str):
                raise WireError(value.at(lang), "expected a string")
        return dict(value.data)


@contextmanager
def core_rules(obj: Obj) -> Iterator[None]:
    """A core type refusing the decoded values (a zero price, say) is a bad answer too."""
    try:
        yield
    except WireError:
        raise
    except ValueError as exc:
        raise WireError(obj.where, str(exc)) from None


def decode_allowances(obj: Obj) -> Allowances:
    return Allowances(
        data_mb=obj.int("data_mb", optional=True),
        voice_min=obj.int("voice_min", optional=True),
        sms=obj.int("sms", optional=True),
    )


def decode_plan(obj: Obj) -> Plan:
    """The card's plan with every name the operator sent, so any language can be shown later.

    A plan with no usable name still has its id to show (``Plan.name`` falls back to it).
    """
    return Plan(id=obj.req_str("id"), names=obj.names("names"))


def decode_offer(obj: Obj) -> Offer:
    with core_rules(obj):
        return Offer(
            id=obj.req_str("id"),
            kind=obj.enum("kind", OfferKind),
            period=obj.enum("period", Period),
            price=obj.money("price"),
            validity_days=obj.req_int("validity_days"),
            data_mb=obj.req_int("data_mb"),
            voice_min=obj.req_int("voice_min"),
            sms=obj.req_int("sms"),
            names=obj.names("names"),
        )


def _local(obj: Obj, name: str) -> datetime:
    text = obj.req_str(name)
    try:
        return datetime.strptime(text, LOCAL_FORMAT)
    except ValueError:
        raise WireError(obj.at(name), "expected local time YYYY-MM-DDTHH:MM:SS") from None


def _clock(obj: Obj, name: str) -> time | None:
    text = obj.str(name, optional=True)
    if text is None:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise WireError(obj.at(name), "expected HH:MM") from None


def decode_window(obj: Obj) -> Window:
    weekdays = set()
    for where, day in obj.items("weekdays"):
        if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
            raise WireError(where, "expected a weekday 0 (Monday) to 6")
        weekdays.add(day)
    with core_rules(obj):
        return Window(
            start=_local(obj, "start"),
            end=_local(obj, "end"),
            weekdays=frozenset(weekdays),
            daily_from=_clock(obj, "daily_from"),
            daily_to=_clock(obj, "daily_to"),
        )


def _strings(obj: Obj, name: str) -> list[str]:
    values = []
    for where, item in obj.items(name):
        if not isinstance(item, str):
            raise WireError(where, "expected a string")
        values.append(item)
    return values


def decode_promotion(obj: Obj) -> Promotion:
    kind = obj.enum("kind", PromoKind)
    currency = None
    if kind is PromoKind.PERCENT:
        value = obj.req_int("basis_points", minimum=1)
    elif kind is PromoKind.FIXED:
        amount = obj.money("amount")
        value, currency = amount.minor, amount.currency
    else:
        value = obj.req_int("days", minimum=1)
    kinds = []
    for text in _strings(obj, "offer_kinds"):
        try:
            kinds.append(OfferKind(text))
        except ValueError:
            raise WireError(obj.at("offer_kinds"), f"unknown offer kind {text!r}") from None
    with core_rules(obj):
        return Promotion(
            id=obj.req_str("id"),
            kind=kind,
            value=value,
            windows=tuple(decode_window(Obj(item, where)) for where, item in obj.items("windows")),
            currency=currency,
            offer_kinds=frozenset(kinds),
            offer_ids=frozenset(_strings(obj, "offer_ids")),
            once_per_card=obj.bool("once_per_card", default=False),
            names=obj.names("names"),
        )


def decode_challenge(obj: Obj) -> OtpChallenge:
    return OtpChallenge(
        challenge_id=obj.req_str("challenge_id"),
        phone_masked=obj.req_str("phone_masked"),
        expires_at=obj.req_time("expires_at"),
        resend_after=obj.req_time("resend_after"),
        resends_left=obj.req_int("resends_left"),
        attempts_left=obj.req_int("attempts_left"),
    )


def decode_verification(obj: Obj) -> OtpVerification:
    return OtpVerification(
        verification_token=obj.req_str("verification_token"),
        expires_at=obj.req_time("expires_at"),
    )


def decode_renewal(obj: Obj) -> RenewalResult:
    allowances = obj.opt_obj("allowances")
    return RenewalResult(
        transaction_id=obj.req_str("transaction_id"),
        status=obj.enum("status", RenewalStatus),
        offer_id=obj.req_str("offer_id"),
        reason_code=obj.str("reason_code", optional=True),
        validity_end=obj.time("validity_end", optional=True),
        allowances=decode_allowances(allowances) if allowances else None,
        operator_reference=obj.str("operator_reference", optional=True),
    )
