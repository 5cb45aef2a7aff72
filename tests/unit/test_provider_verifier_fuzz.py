"""The simulator's authentication reads four headers that a client can fill with anything:
whatever they hold, the answer is the kiosk id or an AuthError, never another exception."""

from hypothesis import given
from hypothesis import strategies as st

from kiosk.provider.signing import (
    HEADER_KIOSK,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    AuthError,
    NonceCache,
    Verifier,
    sign_headers,
)

KEY = "k" * 32
NOW = 1_800_000_000
values = st.one_of(st.text(max_size=300), st.text("0123456789abcdef", min_size=1, max_size=200),
                   st.integers(min_value=-(10**30), max_value=10**30).map(str))


@given(st.dictionaries(st.sampled_from([HEADER_KIOSK, HEADER_TIMESTAMP, HEADER_NONCE,
                                        HEADER_SIGNATURE]), values))
def test_any_header_values_are_a_verdict_not_a_crash(override):
    headers = sign_headers(KEY, "K-1", "GET", "/v1/cards/1", b"", now=NOW) | override
    verifier = Verifier({"K-1": KEY}, clock=lambda: NOW, nonces=NonceCache())
    try:
        assert verifier.verify("GET", "/v1/cards/1", headers, b"") == "K-1"
    except AuthError as exc:
        assert exc.code.startswith("auth_")


def test_a_correct_request_passes_the_same_verifier():
    headers = sign_headers(KEY, "K-1", "GET", "/v1/cards/1", b"", now=NOW)
    verifier = Verifier({"K-1": KEY}, clock=lambda: NOW, nonces=NonceCache())
    assert verifier.verify("GET", "/v1/cards/1", headers, b"") == "K-1"
