"""The signing scheme on its own: what is signed, and every reason a request is refused."""

import hashlib
import hmac

import pytest

from kiosk.provider.signing import (
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    AuthError,
    NonceCache,
    Verifier,
    canonical,
    sign_headers,
)

KEY = "k-123"
NOW = 1_800_000_000


def verifier(**options):
    return Verifier({"K1": KEY}, clock=lambda: NOW, **options)


def signed(method="POST", target="/v1/renewals?x=1", body=b'{"a":1}', now=NOW, **kw):
    return sign_headers(KEY, "K1", method, target, body, now=now, **kw)


def refusal(headers, method="POST", target="/v1/renewals?x=1", body=b'{"a":1}', v=None):
    with pytest.raises(AuthError) as caught:
        (v or verifier()).verify(method, target, headers, body)
    return caught.value.code


def test_the_signature_is_hmac_sha256_over_the_documented_lines():
    headers = signed(nonce="ab" * 16)
    lines = ["POST", "/v1/renewals?x=1", "K1", str(NOW), "ab" * 16,
             hashlib.sha256(b'{"a":1}').hexdigest()]
    expected = hmac.new(KEY.encode(), "\n".join(lines).encode(), hashlib.sha256).hexdigest()
    assert headers[HEADER_SIGNATURE] == f"v1={expected}"
    assert canonical("post", "/v1/renewals?x=1", "K1", str(NOW), "ab" * 16, '{"a":1}') == (
        "\n".join(lines).encode())


def test_a_good_request_names_its_kiosk():
    assert verifier().verify("POST", "/v1/renewals?x=1", signed(), b'{"a":1}') == "K1"


def test_every_part_of_the_request_is_covered():
    headers = signed()
    assert refusal(headers, body=b'{"a":2}') == "auth_bad_signature"
    assert refusal(signed(), target="/v1/renewals?x=2") == "auth_bad_signature"
    assert refusal(signed(), method="PUT") == "auth_bad_signature"
    assert refusal(sign_headers("other", "K1", "POST", "/v1/renewals?x=1", b'{"a":1}',
                                now=NOW)) == "auth_bad_signature"


def test_missing_headers_unknown_kiosk_and_bad_timestamps():
    assert refusal({}) == "auth_missing"
    headers = signed()
    del headers[HEADER_NONCE]
    assert refusal(headers) == "auth_missing"
    assert refusal(sign_headers(KEY, "K2", "POST", "/v1/renewals?x=1", b"", now=NOW)) == (
        "auth_unknown_kiosk")
    assert refusal(signed() | {HEADER_TIMESTAMP: "yesterday"}) == "auth_bad_timestamp"


def test_the_timestamp_window():
    assert verifier().verify("POST", "/v1/renewals?x=1", signed(now=NOW - 300), b'{"a":1}')
    assert refusal(signed(now=NOW - 301)) == "auth_stale_timestamp"
    assert refusal(signed(now=NOW + 301)) == "auth_stale_timestamp"
    assert refusal(signed(now=NOW - 31), v=verifier(window_s=30)) == "auth_stale_timestamp"


def test_a_replayed_request_is_refused():
    v = verifier()
    headers = signed()
    v.verify("POST", "/v1/renewals?x=1", headers, b'{"a":1}')
    assert refusal(headers, v=v) == "auth_replayed"


def test_nonce_cache_forgets_after_the_window():
    cache = NonceCache(window_s=10)
    assert cache.first_use("K1", "n", now=100)
    assert not cache.first_use("K1", "n", now=110)
    assert cache.first_use("K2", "n", now=110)
    assert cache.first_use("K1", "n", now=121)
