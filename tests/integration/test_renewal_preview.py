"""The confirm screen's new validity end agrees with what the operator simulator applies.

Over real HTTP: the preview is computed from what the kiosk knows before paying (the card as
looked up, the offer, the best promotion), then the renewal is made and the operator's own
answer compared with it: an active card (days on top), an expired one (days from now), with
and without weekend bonus days.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.extension import days_added, extended_until
from kiosk.core.iccid import Iccid
from kiosk.core.promotions import best_price
from kiosk.provider import demo_data
from kiosk.provider.sim.clock import SimClock
from kiosk.provider.testing import client_for, running_simulator, sent_code

SATURDAY = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)  # weekend: bonus days on 7/15/30 days
WEDNESDAY = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("when", [SATURDAY, WEDNESDAY])
@pytest.mark.parametrize("iccid", [demo_data.ICCID_ACTIVE, demo_data.ICCID_EXPIRED])
@pytest.mark.parametrize("offer_id", ["validity-7d", "validity-3d", "combo-7d"])
def test_the_preview_is_the_end_the_operator_applies(tmp_path, when, iccid, offer_id):
    tz = ZoneInfo(demo_data.TIMEZONE)
    with running_simulator(tmp_path / "sim", clock=SimClock(when)) as sim, \
            client_for(sim) as client:
        card = client.lookup(Iccid.parse(iccid))
        catalog = client.offers(card.iccid)
        offer = next(o for o in catalog.offers if o.id == offer_id)
        price = best_price(offer, catalog.promotions, when, tz, card.used_promotions)
        preview = extended_until(card.validity_end, when,
                                 days_added(offer.validity_days, price.bonus_days))
        challenge = client.send_otp(card.iccid)
        token = client.verify_otp(challenge.challenge_id,
                                  sent_code(sim, challenge.challenge_id)).verification_token
        result = client.create_renewal(f"T-{uuid.uuid4().hex[:8]}", card.iccid, offer.id,
                                       price.total, token,
                                       price.promotion.id if price.promotion else None)
    assert result.validity_end == preview
    if when is SATURDAY and offer_id == "validity-7d":
        assert price.bonus_days == 2  # the bonus is part of what is compared
