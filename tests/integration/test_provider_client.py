"""The operator client against the simulator over loopback HTTP: every endpoint, as used."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.card import CardStatus
from kiosk.core.errors import Category
from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.core.offers import OfferKind
from kiosk.core.phone import Phone
from kiosk.core.promotions import PromoKind, best_price
from kiosk.core.renewal import RenewalStatus
from kiosk.flow.ports import OperatorError
from kiosk.provider import demo_data as demo
from kiosk.provider.sim.clock import SimClock
from kiosk.provider.testing import add_fault, client_for, running_simulator, sent_code

# A Wednesday at noon in Moscow: no weekend, holiday or night promotion is active.
WEDNESDAY = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
ACTIVE = Iccid.parse(demo.ICCID_ACTIVE)


@pytest.fixture
def sim(tmp_path):
    with running_simulator(tmp_path / "sim", clock=SimClock(WEDNESDAY)) as sim:
        yield sim


@pytest.fixture
def client(sim):
    with client_for(sim) as client:
        yield client


def verified_token(sim, client, iccid=ACTIVE, phone=None):
    challenge = client.send_otp(iccid, phone)
    return client.verify_otp(challenge.challenge_id, sent_code(sim, challenge.challenge_id))


def renew(sim, client, tx, offer_id, promotion_id=None, iccid=ACTIVE, amount=None):
    offer = next(o for o in demo.OFFERS if o.id == offer_id)
    if amount is None:
        promos = [p for p in demo.PROMOTIONS if p.id == promotion_id]
        amount = best_price(offer, promos, sim.now(), ZoneInfo(demo.TIMEZONE)).total
    token = verified_token(sim, client, iccid).verification_token
    return client.create_renewal(tx, iccid, offer_id, amount, token, promotion_id)


def test_lookup_reads_every_demo_status(client):
    statuses = {
        iccid: client.lookup(Iccid.parse(iccid)).status
        for iccid in (demo.ICCID_ACTIVE, demo.ICCID_EXPIRED, demo.ICCID_BLOCKED,
                      demo.ICCID_NO_PHONE, demo.ICCID_UNKNOWN)
    }
    assert statuses == {
        demo.ICCID_ACTIVE: CardStatus.ACTIVE,
        demo.ICCID_EXPIRED: CardStatus.EXPIRED,
        demo.ICCID_BLOCKED: CardStatus.BLOCKED,
        demo.ICCID_NO_PHONE: CardStatus.ACTIVE,
        demo.ICCID_UNKNOWN: CardStatus.UNKNOWN,
    }


def test_lookup_maps_the_card(client):
    card = client.lookup(ACTIVE)
    assert card.iccid == ACTIVE
    assert card.plan.id == "travel-plus"
    assert card.plan.name("en") == "Travel Plus"
    assert card.validity_end == WEDNESDAY + timedelta(days=12)
    assert card.balance == Money(15000, "RUB")
    assert (card.allowances.data_mb, card.allowances.voice_min, card.allowances.sms) == (
        3500, 45, 20)
    assert card.phone_masked == "+7 ******4567"
    assert client.lookup(Iccid.parse(demo.ICCID_NO_PHONE)).phone_masked is None


def test_the_plan_name_comes_back_in_all_four_languages(client):
    """The operator names the plan in every language; the card keeps them all, not just en."""
    card = client.lookup(ACTIVE)
    assert {lang: card.plan.name(lang) for lang in ("en", "ru", "zh_Hans", "zh_Hant")} == {
        "en": "Travel Plus", "ru": "Турист Плюс", "zh_Hans": "旅行加强套餐",
        "zh_Hant": "旅行加強方案"}
    basic = client.lookup(Iccid.parse(demo.ICCID_EXPIRED))
    assert (basic.plan.id, basic.plan.name("ru")) == ("travel-basic", "Турист Базовый")


def test_unknown_card_is_a_status_not_an_error(client):
    card = client.lookup(Iccid.parse(demo.ICCID_UNKNOWN))
    assert card.status is CardStatus.UNKNOWN
    assert card.balance == Money(0, "RUB")
    with pytest.raises(OperatorError) as caught:
        client.offers(Iccid.parse(demo.ICCID_UNKNOWN))
    assert (caught.value.code, caught.value.category) == ("card_not_found", Category.USER)


def test_offers_come_with_names_and_promotions(client):
    catalog = client.offers(ACTIVE)
    assert {o.id for o in catalog.offers} == {o.id for o in demo.OFFERS}
    assert {p.id for p in catalog.promotions} == {p.id for p in demo.PROMOTIONS}
    week = next(o for o in catalog.offers if o.id == "validity-7d")
    assert (week.kind, week.validity_days) == (OfferKind.VALIDITY, 7)
    assert week.price == Money(60000, "RUB")
    assert week.name("ru") == "7 дней" and week.name("zh_Hant") == "7天有效期"
    first = next(p for p in catalog.promotions if p.id == "first-renewal-15")
    assert (first.kind, first.value, first.once_per_card) == (PromoKind.PERCENT, 1500, True)
    assert catalog.promotions == demo.PROMOTIONS


def test_code_goes_to_the_bound_number(sim, client):
    challenge = client.send_otp(ACTIVE)
    assert challenge.phone_masked == "+7 ******4567"
    assert (challenge.attempts_left, challenge.resends_left) == (5, 3)
    assert challenge.expires_at == WEDNESDAY + timedelta(seconds=300)
    verification = client.verify_otp(challenge.challenge_id, sent_code(sim, challenge.challenge_id))
    assert verification.verification_token
    assert verification.expires_at > WEDNESDAY


def test_binding_a_number_needs_the_code(sim, client):
    iccid = Iccid.parse(demo.ICCID_NO_PHONE)
    with pytest.raises(OperatorError) as caught:
        client.send_otp(iccid)
    assert caught.value.code == "phone_required"
    challenge = client.send_otp(iccid, Phone.parse(demo.PHONE_TO_BIND))
    assert challenge.phone_masked == "+7 ******8899"
    assert client.lookup(iccid).phone_masked is None  # not bound before the code is checked
    client.verify_otp(challenge.challenge_id, sent_code(sim, challenge.challenge_id))
    assert client.lookup(iccid).phone_masked == "+7 ******8899"


def test_a_bound_card_refuses_another_number(client):
    with pytest.raises(OperatorError) as caught:
        client.send_otp(ACTIVE, Phone.parse(demo.PHONE_TO_BIND))
    assert caught.value.code == "phone_already_bound"
    assert caught.value.category is Category.USER


def test_blocked_card_gets_no_code(client):
    with pytest.raises(OperatorError) as caught:
        client.send_otp(Iccid.parse(demo.ICCID_BLOCKED))
    assert caught.value.code == "card_blocked"


def test_renewal_applies_once_and_the_card_shows_it(sim, client):
    before = client.lookup(ACTIVE)
    result = renew(sim, client, "tx-apply", "combo-7d")
    assert result.status is RenewalStatus.APPLIED
    assert result.validity_end == before.validity_end + timedelta(days=7)
    assert result.allowances.data_mb == before.allowances.data_mb + 5120
    after = client.lookup(ACTIVE)
    assert after.validity_end == result.validity_end
    assert after.allowances == result.allowances
    assert [(e.transaction_id, e.status) for e in sim.ledger()] == [
        ("tx-apply", RenewalStatus.APPLIED)]


def test_same_transaction_id_returns_the_first_result(sim, client):
    token = verified_token(sim, client).verification_token
    args = ("tx-twice", ACTIVE, "validity-3d", Money(30000, "RUB"), token, None)
    first = client.create_renewal(*args)
    second = client.create_renewal(*args)
    assert second == first
    assert len(sim.ledger()) == 1
    assert client.lookup(ACTIVE).validity_end == WEDNESDAY + timedelta(days=12 + 3)


def test_same_transaction_id_with_another_body_conflicts(sim, client):
    token = verified_token(sim, client).verification_token
    client.create_renewal("tx-conflict", ACTIVE, "validity-3d", Money(30000, "RUB"), token, None)
    with pytest.raises(OperatorError) as caught:
        client.create_renewal("tx-conflict", ACTIVE, "validity-5d", Money(45000, "RUB"), token,
                              None)
    assert (caught.value.code, caught.value.category) == (
        "idempotency_conflict", Category.OPERATIONAL)
    assert len(sim.ledger()) == 1


def test_get_renewal_by_our_id(sim, client):
    assert client.get_renewal("tx-never-sent") is None
    created = renew(sim, client, "tx-read", "sms-50")
    assert client.get_renewal("tx-read") == created


def test_cancel_undoes_the_renewal_and_is_idempotent(sim, client):
    before = client.lookup(ACTIVE)
    renew(sim, client, "tx-cancel", "combo-7d", promotion_id="first-renewal-15")
    assert "first-renewal-15" in client.lookup(ACTIVE).used_promotions
    cancelled = client.cancel_renewal("tx-cancel", "payment_reversed")
    assert cancelled.status is RenewalStatus.CANCELLED
    after = client.lookup(ACTIVE)
    assert (after.validity_end, after.allowances) == (before.validity_end, before.allowances)
    assert "first-renewal-15" not in after.used_promotions
    assert client.cancel_renewal("tx-cancel", "payment_reversed") == cancelled
    assert [e.status for e in sim.ledger()] == [RenewalStatus.CANCELLED]


def test_a_failed_renewal_cannot_be_cancelled(sim, client):
    add_fault(sim, kind="renewal_failed")
    failed = renew(sim, client, "tx-failed", "validity-3d")
    assert (failed.status, failed.reason_code) == (RenewalStatus.FAILED, "provisioning")
    assert client.lookup(ACTIVE).validity_end == WEDNESDAY + timedelta(days=12)
    with pytest.raises(OperatorError) as caught:
        client.cancel_renewal("tx-failed", "payment_reversed")
    assert caught.value.code == "renewal_not_cancellable"


def test_pending_renewal_completes_when_read_back(sim, client):
    add_fault(sim, kind="renewal_pending")
    pending = renew(sim, client, "tx-pending", "validity-5d")
    assert pending.status is RenewalStatus.PENDING and not pending.is_final
    assert client.lookup(ACTIVE).validity_end == WEDNESDAY + timedelta(days=12)
    applied = client.get_renewal("tx-pending")
    assert applied.status is RenewalStatus.APPLIED
    assert client.lookup(ACTIVE).validity_end == WEDNESDAY + timedelta(days=17)


def test_promotion_price_is_checked_and_used_once(sim, client):
    result = renew(sim, client, "tx-promo", "validity-30d", promotion_id="first-renewal-15")
    assert result.status is RenewalStatus.APPLIED
    assert sim.ledger()[0].amount_minor == 190000 - 28500
    with pytest.raises(OperatorError) as caught:
        renew(sim, client, "tx-promo-again", "validity-3d", promotion_id="first-renewal-15")
    assert caught.value.code == "promotion_already_used"


def test_a_card_that_used_the_promotion_is_refused_it(sim, client):
    with pytest.raises(OperatorError) as caught:
        renew(sim, client, "tx-used", "validity-3d", promotion_id="first-renewal-15",
              iccid=Iccid.parse(demo.ICCID_PROMO_USED))
    assert caught.value.code == "promotion_already_used"
    assert sim.ledger() == []


def test_weekend_bonus_days_extend_validity(tmp_path):
    saturday = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)
    with running_simulator(tmp_path, clock=SimClock(saturday)) as sim, client_for(sim) as client:
        result = renew(sim, client, "tx-bonus", "validity-7d", promotion_id="weekend-bonus-2d")
        assert result.validity_end == saturday + timedelta(days=12 + 7 + 2)


def test_a_promotion_outside_its_window_is_refused(sim, client):
    with pytest.raises(OperatorError) as caught:
        renew(sim, client, "tx-may", "validity-7d", promotion_id="may-holidays-20",
              amount=Money(48000, "RUB"))
    assert caught.value.code == "promotion_not_applicable"


def test_wrong_amount_is_refused_and_changes_nothing(sim, client):
    with pytest.raises(OperatorError) as caught:
        renew(sim, client, "tx-cheap", "validity-7d", amount=Money(100, "RUB"))
    assert (caught.value.code, caught.value.category) == ("amount_mismatch", Category.USER)
    assert caught.value.message.key == "The price has changed. Please choose again."
    assert sim.ledger() == []
    assert client.lookup(ACTIVE).validity_end == WEDNESDAY + timedelta(days=12)


def test_expired_card_buys_validity_first(sim, client):
    expired = Iccid.parse(demo.ICCID_EXPIRED)
    with pytest.raises(OperatorError) as caught:
        renew(sim, client, "tx-data", "data-1gb-daily", iccid=expired)
    assert caught.value.code == "offer_not_eligible"
    result = renew(sim, client, "tx-revive", "validity-5d", iccid=expired)
    assert result.validity_end == WEDNESDAY + timedelta(days=5)
    assert client.lookup(expired).status is CardStatus.ACTIVE


def test_verification_token_is_single_use(sim, client):
    token = verified_token(sim, client).verification_token
    client.create_renewal("tx-a", ACTIVE, "sms-50", Money(10000, "RUB"), token, None)
    with pytest.raises(OperatorError) as caught:
        client.create_renewal("tx-b", ACTIVE, "sms-50", Money(10000, "RUB"), token, None)
    assert caught.value.code == "verification_invalid"
    assert len(sim.ledger()) == 1


def test_ledger_survives_a_restart(tmp_path):
    clock = SimClock(WEDNESDAY)
    with running_simulator(tmp_path, clock=clock) as sim, client_for(sim) as client:
        token = verified_token(sim, client).verification_token
        args = ("tx-restart", ACTIVE, "validity-7d", Money(60000, "RUB"), token, None)
        first = client.create_renewal(*args)
    with running_simulator(tmp_path, clock=clock) as sim, client_for(sim) as client:
        assert client.get_renewal("tx-restart") == first
        assert client.create_renewal(*args) == first
        assert len(sim.ledger()) == 1
        assert client.lookup(ACTIVE).validity_end == first.validity_end


def test_renewals_since_lists_this_kiosks_renewals_only(tmp_path):
    from datetime import UTC, datetime, timedelta

    from kiosk.provider.testing import client_for, running_simulator, signed_request

    with running_simulator(tmp_path) as sim, client_for(sim) as client:
        before = datetime.now(UTC) - timedelta(minutes=1)
        assert client.renewals_since(before) == []
        answer = signed_request(sim, "GET", "/v1/renewals?since=2026-13-01T00:00:00Z")
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, "since_invalid")
        assert signed_request(sim, "GET", "/v1/renewals").status_code == 400
