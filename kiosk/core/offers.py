"""What a card can buy, and which of it this card may buy now."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.core.card import CardInfo, CardStatus
from kiosk.core.errors import InvalidInput
from kiosk.core.messages import N_, Message
from kiosk.core.money import Money
from kiosk.core.names import localized


class OfferKind(StrEnum):
    VALIDITY = "validity"
    DATA = "data"
    VOICE = "voice"
    SMS = "sms"
    COMBO = "combo"


class Period(StrEnum):
    ONCE = "once"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Offer:
    id: str
    kind: OfferKind
    price: Money
    period: Period = Period.ONCE
    validity_days: int = 0
    data_mb: int = 0
    voice_min: int = 0
    sms: int = 0
    names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.price.minor <= 0:
            raise ValueError(f"offer {self.id}: price must be positive")
        amounts = (self.validity_days, self.data_mb, self.voice_min, self.sms)
        if min(amounts) < 0 or not any(amounts):
            raise ValueError(f"offer {self.id}: gives nothing")

    def name(self, lang: str) -> str:
        """The operator's own name in ``lang``, falling back to English, then the id."""
        return localized(self.names, lang, self.id)

    @property
    def extends_validity(self) -> bool:
        return self.validity_days > 0


INELIGIBLE = {
    "blocked": N_("This card is blocked. Please contact the operator's support."),
    "unknown": N_("We could not find this card. Check the number or ask for help."),
    "expired_validity_first": N_(
        "This card has expired. Choose a validity extension first; packs can be added after."
    ),
    "currency": N_("This offer is not sold for this card."),
}


def ineligibility(card: CardInfo, offer: Offer) -> Message | None:
    """Why ``card`` may not buy ``offer`` now, or None when it may."""
    if card.status is CardStatus.BLOCKED:
        return Message(INELIGIBLE["blocked"])
    if card.status is CardStatus.UNKNOWN:
        return Message(INELIGIBLE["unknown"])
    if card.status is CardStatus.EXPIRED and not offer.extends_validity:
        return Message(INELIGIBLE["expired_validity_first"])
    if offer.price.currency != card.currency:
        return Message(INELIGIBLE["currency"])
    return None


def eligible_offers(card: CardInfo, offers: Iterable[Offer]) -> list[Offer]:
    return [offer for offer in offers if ineligibility(card, offer) is None]


def require_eligible(card: CardInfo, offer: Offer) -> None:
    reason = ineligibility(card, offer)
    if reason is not None:
        raise InvalidInput("offer_not_eligible", reason)
