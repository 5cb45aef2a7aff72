"""Plain-dict forms of the offer and price types, for the journal's durable sale record.

The journal must rebuild a receipt after a crash, long after the operator's answer is gone,
so it keeps what was sold in a self-contained form rather than a reference to live objects.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from kiosk.core.card import Allowances
from kiosk.core.money import Money
from kiosk.core.offers import Offer, OfferKind, Period
from kiosk.core.promotions import PriceBreakdown, PromoKind, Promotion, Window


def money_to_dict(m: Money) -> dict[str, Any]:
    return {"minor": m.minor, "currency": m.currency}


def money_from_dict(d: dict[str, Any]) -> Money:
    return Money(int(d["minor"]), str(d["currency"]))


def offer_to_dict(o: Offer) -> dict[str, Any]:
    return {
        "id": o.id, "kind": str(o.kind), "price": money_to_dict(o.price), "period": str(o.period),
        "validity_days": o.validity_days, "data_mb": o.data_mb, "voice_min": o.voice_min,
        "sms": o.sms, "names": dict(o.names),
    }


def offer_from_dict(d: dict[str, Any]) -> Offer:
    return Offer(
        d["id"], OfferKind(d["kind"]), money_from_dict(d["price"]), Period(d["period"]),
        d["validity_days"], d["data_mb"], d["voice_min"], d["sms"], d["names"],
    )


def _window_to_dict(w: Window) -> dict[str, Any]:
    return {
        "start": w.start.isoformat(), "end": w.end.isoformat(), "weekdays": sorted(w.weekdays),
        "daily_from": w.daily_from.isoformat() if w.daily_from else None,
        "daily_to": w.daily_to.isoformat() if w.daily_to else None,
    }


def _window_from_dict(d: dict[str, Any]) -> Window:
    return Window(
        datetime.fromisoformat(d["start"]), datetime.fromisoformat(d["end"]),
        frozenset(d["weekdays"]),
        time.fromisoformat(d["daily_from"]) if d["daily_from"] else None,
        time.fromisoformat(d["daily_to"]) if d["daily_to"] else None,
    )


def promotion_to_dict(p: Promotion) -> dict[str, Any]:
    return {
        "id": p.id, "kind": str(p.kind), "value": p.value, "currency": p.currency,
        "windows": [_window_to_dict(w) for w in p.windows],
        "offer_kinds": sorted(str(k) for k in p.offer_kinds), "offer_ids": sorted(p.offer_ids),
        "once_per_card": p.once_per_card, "names": dict(p.names),
    }


def promotion_from_dict(d: dict[str, Any]) -> Promotion:
    return Promotion(
        d["id"], PromoKind(d["kind"]), d["value"],
        tuple(_window_from_dict(w) for w in d["windows"]), d["currency"],
        frozenset(OfferKind(k) for k in d["offer_kinds"]), frozenset(d["offer_ids"]),
        d["once_per_card"], d["names"],
    )


def price_to_dict(p: PriceBreakdown) -> dict[str, Any]:
    return {
        "offer_id": p.offer_id, "list_price": money_to_dict(p.list_price),
        "discount": money_to_dict(p.discount), "total": money_to_dict(p.total),
        "bonus_days": p.bonus_days,
        "promotion": promotion_to_dict(p.promotion) if p.promotion else None,
    }


def price_from_dict(d: dict[str, Any]) -> PriceBreakdown:
    return PriceBreakdown(
        d["offer_id"], money_from_dict(d["list_price"]), money_from_dict(d["discount"]),
        money_from_dict(d["total"]), d["bonus_days"],
        promotion_from_dict(d["promotion"]) if d["promotion"] else None,
    )


def allowances_to_dict(a: Allowances | None) -> dict[str, Any] | None:
    return None if a is None else {"data_mb": a.data_mb, "voice_min": a.voice_min, "sms": a.sms}


def allowances_from_dict(d: dict[str, Any] | None) -> Allowances | None:
    return None if d is None else Allowances(d["data_mb"], d["voice_min"], d["sms"])
