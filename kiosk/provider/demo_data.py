"""The simulated operator's catalogue and seeded cards, also used by the demo mode and tests.

The ICCIDs carry valid Luhn check digits, so the kiosk's own input checks accept them and
only the operator can say whether it knows a card. Validity ends are given relative to the
moment the simulator first seeds its data directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from kiosk.core.card import CardStatus, Plan
from kiosk.core.money import Money
from kiosk.core.offers import Offer, OfferKind, Period
from kiosk.core.promotions import PromoKind, Promotion, Window

DEMO_KIOSK_ID = "DEMO-0001"
DEMO_KIOSK_KEY = "demo-kiosk-key-0001-not-a-secret"
CURRENCY = "RUB"
TIMEZONE = "Europe/Moscow"  # promotion windows are read in the kiosk's local time

ICCID_ACTIVE = "8970199000000000015"
ICCID_EXPIRED = "8970199000000000023"
ICCID_BLOCKED = "8970199000000000031"
ICCID_NO_PHONE = "8970199000000000049"
ICCID_PROMO_USED = "8970199000000000056"  # active, the once-per-card promotion already used
ICCID_UNKNOWN = "8970199000000099991"  # valid by Luhn, unknown to the operator

PHONE_ACTIVE = "+79161234567"
PHONE_EXPIRED = "+79031112233"
PHONE_BLOCKED = "+79269876543"
PHONE_PROMO_USED = "+79857654321"
PHONE_TO_BIND = "+79057778899"  # a valid number to bind to ICCID_NO_PHONE in demos and tests


@dataclass(frozen=True)
class DemoCard:
    iccid: str
    status: CardStatus
    plan_id: str
    validity_days: int | None  # from seeding time; negative: already expired
    balance_minor: int
    data_mb: int | None
    voice_min: int | None
    sms: int | None
    phone: str | None
    used_promotions: tuple[str, ...] = ()


PLANS = {
    "travel-basic": Plan(
        "travel-basic",
        {"en": "Travel Basic", "ru": "Турист Базовый", "zh_Hans": "旅行基础套餐",
         "zh_Hant": "旅行基礎方案"},
    ),
    "travel-plus": Plan(
        "travel-plus",
        {"en": "Travel Plus", "ru": "Турист Плюс", "zh_Hans": "旅行加强套餐",
         "zh_Hant": "旅行加強方案"},
    ),
}

CARDS = (
    DemoCard(ICCID_ACTIVE, CardStatus.ACTIVE, "travel-plus", 12, 15000, 3500, 45, 20,
             PHONE_ACTIVE),
    DemoCard(ICCID_EXPIRED, CardStatus.EXPIRED, "travel-basic", -3, 0, 0, 0, 0, PHONE_EXPIRED),
    DemoCard(ICCID_BLOCKED, CardStatus.BLOCKED, "travel-basic", 20, 5000, 1000, 10, 5,
             PHONE_BLOCKED),
    DemoCard(ICCID_NO_PHONE, CardStatus.ACTIVE, "travel-basic", 2, 0, 200, 0, 0, None),
    DemoCard(ICCID_PROMO_USED, CardStatus.ACTIVE, "travel-plus", 6, 2500, 800, 30, 10,
             PHONE_PROMO_USED, used_promotions=("first-renewal-15",)),
)


def _names(en: str, ru: str, hans: str, hant: str) -> dict[str, str]:
    return {"en": en, "ru": ru, "zh_Hans": hans, "zh_Hant": hant}


def _rub(major: int) -> Money:
    return Money(major * 100, CURRENCY)


def _validity(days: int, price: int) -> Offer:
    return Offer(
        f"validity-{days}d", OfferKind.VALIDITY, _rub(price), validity_days=days,
        names=_names(f"{days} days", f"{days} дней" if days >= 5 else f"{days} дня",
                     f"{days}天有效期", f"{days}天有效期"),
    )


OFFERS = (
    _validity(3, 300),
    _validity(5, 450),
    _validity(7, 600),
    _validity(15, 1100),
    _validity(30, 1900),
    Offer("data-1gb-daily", OfferKind.DATA, _rub(100), Period.DAILY, data_mb=1024,
          names=_names("1 GB for a day", "1 ГБ на сутки", "1GB日流量包", "1GB日流量包")),
    Offer("data-5gb-weekly", OfferKind.DATA, _rub(350), Period.WEEKLY, data_mb=5120,
          names=_names("5 GB for a week", "5 ГБ на неделю", "5GB周流量包", "5GB週流量包")),
    Offer("data-20gb-monthly", OfferKind.DATA, _rub(900), Period.MONTHLY, data_mb=20480,
          names=_names("20 GB for a month", "20 ГБ на месяц", "20GB月流量包", "20GB月流量包")),
    Offer("voice-60-weekly", OfferKind.VOICE, _rub(150), Period.WEEKLY, voice_min=60,
          names=_names("60 minutes for a week", "60 минут на неделю", "60分钟周通话包",
                       "60分鐘週通話包")),
    Offer("voice-300-monthly", OfferKind.VOICE, _rub(450), Period.MONTHLY, voice_min=300,
          names=_names("300 minutes for a month", "300 минут на месяц", "300分钟月通话包",
                       "300分鐘月通話包")),
    Offer("sms-50", OfferKind.SMS, _rub(100), sms=50,
          names=_names("50 SMS", "50 SMS", "50条短信", "50則簡訊")),
    Offer("combo-7d", OfferKind.COMBO, _rub(950), Period.WEEKLY, validity_days=7, data_mb=5120,
          voice_min=100, sms=50,
          names=_names("Week combo: 7 days, 5 GB, 100 min, 50 SMS",
                       "Комбо на неделю: 7 дней, 5 ГБ, 100 мин, 50 SMS",
                       "周套餐：7天、5GB、100分钟、50条短信",
                       "週方案：7天、5GB、100分鐘、50則簡訊")),
    Offer("combo-30d", OfferKind.COMBO, _rub(2900), Period.MONTHLY, validity_days=30,
          data_mb=30720, voice_min=300, sms=100,
          names=_names("Month combo: 30 days, 30 GB, 300 min, 100 SMS",
                       "Комбо на месяц: 30 дней, 30 ГБ, 300 мин, 100 SMS",
                       "月套餐：30天、30GB、300分钟、100条短信",
                       "月方案：30天、30GB、300分鐘、100則簡訊")),
)

_YEARS = range(2024, 2032)
_ALWAYS = (Window(datetime(2024, 1, 1), datetime(2032, 1, 1)),)

PROMOTIONS = (
    Promotion(
        "may-holidays-20", PromoKind.PERCENT, 2000,
        tuple(Window(datetime(y, 5, 1), datetime(y, 5, 12)) for y in _YEARS),
        names=_names("May holidays: 20% off", "Майские праздники: скидка 20%",
                     "五一假期：八折", "五一假期：八折"),
    ),
    Promotion(
        "new-year-combo-200", PromoKind.FIXED, 20000,
        tuple(Window(datetime(y, 12, 25), datetime(y + 1, 1, 9)) for y in _YEARS),
        currency=CURRENCY, offer_kinds=frozenset({OfferKind.COMBO}),
        names=_names("New Year: 200 ₽ off combos", "Новый год: комбо на 200 ₽ дешевле",
                     "新年：套餐立减200卢布", "新年：方案立減200盧布"),
    ),
    Promotion(
        "weekend-bonus-2d", PromoKind.BONUS_DAYS, 2,
        (Window(datetime(2024, 1, 1), datetime(2032, 1, 1), weekdays=frozenset({5, 6})),),
        offer_ids=frozenset({"validity-7d", "validity-15d", "validity-30d"}),
        names=_names("Weekend: 2 bonus days", "Выходные: 2 дня в подарок",
                     "周末：赠送2天", "週末：贈送2天"),
    ),
    Promotion(
        "night-data-50", PromoKind.FIXED, 5000,
        (Window(datetime(2024, 1, 1), datetime(2032, 1, 1), daily_from=time(0, 0),
                daily_to=time(6, 0)),),
        currency=CURRENCY, offer_kinds=frozenset({OfferKind.DATA}),
        names=_names("Night owl: 50 ₽ off data", "Ночная скидка: интернет на 50 ₽ дешевле",
                     "夜猫子：流量包立减50卢布", "夜貓子：流量包立減50盧布"),
    ),
    Promotion(
        "first-renewal-15", PromoKind.PERCENT, 1500, _ALWAYS, once_per_card=True,
        names=_names("First renewal: 15% off", "Первое продление: скидка 15%",
                     "首次续费：八五折", "首次續費：八五折"),
    ),
)
