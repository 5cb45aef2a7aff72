"""An operator keeps its promises across a restart: ledger, cards and verification tokens."""

import pytest

from kiosk.core.iccid import Iccid
from kiosk.flow.ports import OperatorError
from kiosk.provider import demo_data
from kiosk.provider.testing import client_for, running_simulator, sent_code

ICCID = Iccid.parse(demo_data.ICCID_ACTIVE)


def test_verification_token_survives_restart_and_is_single_use(tmp_path):
    with running_simulator(tmp_path) as sim, client_for(sim) as client:
        challenge = client.send_otp(ICCID)
        token = client.verify_otp(challenge.challenge_id, sent_code(sim, challenge.challenge_id))
        offer = client.offers(ICCID).offers[0]
    with running_simulator(tmp_path) as sim, client_for(sim) as client:
        result = client.create_renewal("tx-restart-1", ICCID, offer.id, offer.price,
                                       token.verification_token, None)
        assert result.status == "applied"
        assert client.get_renewal("tx-restart-1").status == "applied"
    with running_simulator(tmp_path) as sim, client_for(sim) as client:
        with pytest.raises(OperatorError) as info:
            client.create_renewal("tx-restart-2", ICCID, offer.id, offer.price,
                                  token.verification_token, None)
        assert info.value.code == "verification_invalid"
        assert [e.transaction_id for e in sim.ledger()] == ["tx-restart-1"]
