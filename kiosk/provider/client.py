"""The operator API client: ``OperatorClient`` implements ``kiosk.flow.ports.OperatorPort``.

One ``requests.Session`` with connect and read timeouts, TLS verified, every request signed
(``kiosk.provider.signing``). Only what is safe to repeat is retried: reads, the renewal
create (idempotent by our transaction id) and the cancel (idempotent too). A create whose
answer never arrived raises ``RenewalOutcomeUnknown``: the engine reads it back by the same
id, and no second renewal is ever created under a new one. Every answer is checked field by
field (``kiosk.provider.wire``); whatever is wrong becomes an ``OperatorError`` that names it.

A client that moves money believes only the host it was configured for: redirects are never
followed (a 3xx is an operational error, and a create that got one is unknown). Every call
has one overall deadline across its attempts and reads (``kiosk.provider.deadline``), every
answer is streamed and refused past ``max_answer_bytes``, JSON is read strictly
(``kiosk.provider.strict_json``), and nothing that fails below the client escapes it untyped.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import requests

from kiosk import __version__
from kiosk.config import DEADLINE_MARGIN_S, Config
from kiosk.core.card import NO_PLAN, Allowances, CardInfo, CardStatus
from kiosk.core.errors import Category
from kiosk.core.iccid import Iccid
from kiosk.core.messages import Message
from kiosk.core.money import Money
from kiosk.core.phone import Phone
from kiosk.core.renewal import OtpChallenge, OtpVerification, RenewalResult
from kiosk.flow.ports import OfferCatalog, OperatorError, RenewalOutcomeUnknown
from kiosk.logs import event, redact_text
from kiosk.provider import strict_json, wire
from kiosk.provider.client_messages import BAD_ANSWER, BY_CATEGORY, UNREACHABLE, message_for
from kiosk.provider.deadline import BoundedAdapter, Deadline, attempt
from kiosk.provider.demo_data import DEMO_KIOSK_KEY
from kiosk.provider.retry_after import retry_after_s
from kiosk.provider.signing import sign_headers

log = logging.getLogger(__name__)
T = TypeVar("T")
# Names the client sets itself; an operator detail of that name is dropped, not let clash.
_RESERVED = {"code", "message", "category", "http_status", "operator_message"}
MAX_ANSWER_BYTES = 1024 * 1024
_CHUNK = 64 * 1024


class _SigningAuth(requests.auth.AuthBase):
    """Signs each prepared request as it is sent, so every retry gets a fresh nonce."""

    def __init__(self, kiosk_id: str, key: str, clock: Callable[[], float]) -> None:
        self.kiosk_id = kiosk_id
        self.key = key
        self.clock = clock

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body if isinstance(request.body, bytes | str) else None
        request.headers.update(
            sign_headers(self.key, self.kiosk_id, request.method or "GET", request.path_url,
                         body, now=self.clock())
        )
        return request


@dataclass
class _Failed(Exception):
    """One attempt failed; ``maybe_sent``: the operator may have acted; ``final``: a retry
    cannot cure it; ``retry_after``: how long the operator asked us to wait (seconds)."""

    error: OperatorError
    maybe_sent: bool
    final: bool = False
    retry_after: float | None = None


class _Oversize(Exception):
    """The answer is larger than the client reads."""


def bad_answer(
    reason: str, category: Category = Category.OPERATIONAL, **details: Any
) -> OperatorError:
    return OperatorError(
        "operator_bad_answer", Message(BAD_ANSWER), category, reason=reason, **details
    )


def unreachable(reason: str) -> OperatorError:
    return OperatorError("operator_unreachable", Message(UNREACHABLE), Category.TRANSIENT,
                         reason=reason)


def redirected(status: int) -> OperatorError:
    return OperatorError("operator_redirected", Message(BY_CATEGORY[Category.OPERATIONAL]),
                         Category.OPERATIONAL, http_status=status,
                         reason=f"HTTP {status}: the client follows no redirect")


def request_invalid(exc: Exception) -> OperatorError:
    """The request could not even be put on the wire (a header no HTTP can carry, say)."""
    return OperatorError("operator_request_invalid", Message(BY_CATEGORY[Category.OPERATIONAL]),
                         Category.OPERATIONAL, reason=type(exc).__name__)


# Failures of the network itself; anything else raised before a byte went out is our request.
_NETWORK = (requests.ConnectionError, requests.Timeout, OSError)


class OperatorClient:
    """The kiosk's side of docs/operator-api.yaml."""

    def __init__(
        self,
        base_url: str,
        kiosk_id: str,
        kiosk_key: str,
        *,
        currency: str = "RUB",
        connect_timeout_s: float = 3.0,
        read_timeout_s: float = 10.0,
        verify: bool | str = True,
        attempts: int = 3,
        backoff_s: float = 0.25,
        deadline_s: float | None = None,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``clock`` is wall time (signatures, HTTP dates); ``monotonic`` times the deadline."""
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        if deadline_s is None:
            deadline_s = connect_timeout_s + read_timeout_s + DEADLINE_MARGIN_S
        if not deadline_s > connect_timeout_s + read_timeout_s:
            raise ValueError(f"deadline_s ({deadline_s}) must be above connect + read timeouts "
                             f"({connect_timeout_s + read_timeout_s})")
        self.base_url = base_url.rstrip("/")
        self.currency = currency
        self.timeout = (connect_timeout_s, read_timeout_s)
        self.deadline_s = deadline_s
        self.max_answer_bytes = max_answer_bytes
        self.attempts = attempts
        self.backoff_s = backoff_s
        self._sleep = sleep
        self._clock = clock
        self._monotonic = monotonic
        self.session = requests.Session()
        self.session.mount("http://", BoundedAdapter())
        self.session.mount("https://", BoundedAdapter())
        self.session.verify = verify
        self.session.auth = _SigningAuth(kiosk_id, kiosk_key, clock)
        self.session.headers.update(
            {"Accept": "application/json", "Accept-Encoding": "identity",
             "User-Agent": f"travel-card-kiosk/{__version__}"}
        )

    @classmethod
    def from_config(
        cls, config: Config, base_url: str | None = None, **options: Any
    ) -> OperatorClient:
        """From the ``[operator]`` section; ``base_url`` overrides it (the demo's simulator).

        With the simulator backend and no key configured, the demo kiosk key is used.
        """
        section = config.section("operator")
        url = base_url or section["url"]
        if not url:
            raise ValueError("operator.url is not set and no base_url was given")
        key = section["kiosk_key"]
        if not key and section["backend"] == "simulator":
            key = DEMO_KIOSK_KEY
        verify: bool | str = section["verify_tls"]
        if verify and section["ca_bundle"]:
            verify = section["ca_bundle"]
        return cls(
            url, config["kiosk.id"], key, currency=config["kiosk.currency"],
            connect_timeout_s=float(section["connect_timeout_s"]),
            read_timeout_s=float(section["read_timeout_s"]),
            deadline_s=section.get("deadline_s"),  # None: derived from the two timeouts
            verify=verify, **options,
        )

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> OperatorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the port -------------------------------------------------------------------------

    def lookup(self, iccid: Iccid) -> CardInfo:
        try:
            return self._call("GET", f"/v1/cards/{iccid.digits}", None,
                              lambda obj: self._card(obj, iccid), retry=True)
        except OperatorError as exc:
            if exc.code != "card_not_found":
                raise
        return CardInfo(iccid, CardStatus.UNKNOWN, NO_PLAN, None, Money.zero(self.currency),
                        Allowances(), None)

    def offers(self, iccid: Iccid) -> OfferCatalog:
        return self._call("GET", f"/v1/cards/{iccid.digits}/offers", None, self._catalog,
                          retry=True)

    def send_otp(self, iccid: Iccid, phone: Phone | None = None) -> OtpChallenge:
        body = {"phone": phone.e164} if phone else {}
        return self._call("POST", f"/v1/cards/{iccid.digits}/otp", body, wire.decode_challenge)

    def verify_otp(self, challenge_id: str, code: str) -> OtpVerification:
        return self._call("POST", f"/v1/otp/{quote(challenge_id, safe='')}/verify",
                          {"code": code}, wire.decode_verification)

    def create_renewal(
        self,
        transaction_id: str,
        iccid: Iccid,
        offer_id: str,
        amount: Money,
        verification_token: str,
        promotion_id: str | None,
    ) -> RenewalResult:
        body = {
            "transaction_id": transaction_id,
            "iccid": iccid.digits,
            "offer_id": offer_id,
            "amount": wire.money_json(amount),
            "verification_token": verification_token,
            "promotion_id": promotion_id,
        }
        try:
            return self._call("POST", "/v1/renewals", body,
                              lambda obj: self._renewal(obj, transaction_id, amount),
                              retry=True, unknown_outcome=transaction_id)
        except RenewalOutcomeUnknown as exc:
            cause = exc.__cause__
            event(log, "operator.renewal_outcome_unknown", level=logging.WARNING,
                  tx=transaction_id, cause=getattr(cause, "code", None))
            raise

    def get_renewal(self, transaction_id: str) -> RenewalResult | None:
        try:
            return self._call("GET", f"/v1/renewals/{quote(transaction_id, safe='')}", None,
                              lambda obj: self._renewal(obj, transaction_id), retry=True)
        except OperatorError as exc:
            if exc.code == "renewal_not_found":
                return None
            raise

    def renewals_since(self, since: datetime) -> list[RenewalResult]:
        query = urlencode({"since": wire.rfc3339(since)})
        return self._call("GET", f"/v1/renewals?{query}", None, self._renewal_list, retry=True)

    def cancel_renewal(self, transaction_id: str, reason: str) -> RenewalResult:
        return self._call("POST", f"/v1/renewals/{quote(transaction_id, safe='')}/cancel",
                          {"reason": reason}, lambda obj: self._renewal(obj, transaction_id),
                          retry=True)

    # --- answers --------------------------------------------------------------------------

    def _currency_here(self, currency: str, where: str) -> None:
        if currency != self.currency:
            raise wire.WireError(where, f"{currency}, but this kiosk sells in {self.currency}")

    def _money_here(self, money: Money, where: str) -> Money:
        self._currency_here(money.currency, where)
        return money

    def _card(self, obj: wire.Obj, iccid: Iccid) -> CardInfo:
        if obj.req_str("iccid") != iccid.digits:
            raise wire.WireError(obj.at("iccid"), "the answer is about another card")
        balance = self._money_here(obj.money("balance"), obj.at("balance"))
        if obj.req_str("currency") != balance.currency:
            raise wire.WireError(obj.at("currency"), "differs from the balance's currency")
        used = []
        for where, item in obj.items("used_promotions"):
            if not isinstance(item, str):
                raise wire.WireError(where, "expected a string")
            used.append(item)
        return CardInfo(
            iccid=iccid,
            status=obj.enum("status", CardStatus),
            plan=wire.decode_plan(obj.obj("plan")),
            validity_end=obj.time("validity_end", optional=True),
            balance=balance,
            allowances=wire.decode_allowances(obj.obj("allowances")),
            phone_masked=obj.str("phone_masked", optional=True),
            used_promotions=frozenset(used),
        )

    def _catalog(self, obj: wire.Obj) -> OfferCatalog:
        currency = obj.req_str("currency")
        self._currency_here(currency, obj.at("currency"))
        offers = []
        for where, item in obj.items("offers"):
            offer = wire.decode_offer(wire.Obj(item, where))
            offers.append(offer)
            self._money_here(offer.price, f"{where}.price")
        promotions = []
        for where, item in obj.items("promotions"):
            promo = wire.decode_promotion(wire.Obj(item, where))
            if promo.currency is not None and promo.currency != currency:
                raise wire.WireError(f"{where}.amount", f"{promo.currency}, not {currency}")
            promotions.append(promo)
        return OfferCatalog(tuple(offers), tuple(promotions))

    def _renewal_list(self, obj: wire.Obj) -> list[RenewalResult]:
        renewals = []
        for where, item in obj.items("renewals"):
            entry = wire.Obj(item, where)
            renewals.append(self._renewal(entry, entry.req_str("transaction_id")))
        return renewals

    def _renewal(
        self, obj: wire.Obj, transaction_id: str, amount: Money | None = None
    ) -> RenewalResult:
        result = wire.decode_renewal(obj)
        if result.transaction_id != transaction_id:
            raise wire.WireError(obj.at("transaction_id"), "the answer is about another renewal")
        charged = obj.money("amount")
        self._money_here(charged, obj.at("amount"))
        if amount is not None and charged != amount:
            raise wire.WireError(obj.at("amount"), f"{charged}, but the kiosk asked for {amount}")
        return result


    # --- transport ------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        decode: Callable[[wire.Obj], T],
        *,
        retry: bool = False,
        unknown_outcome: str | None = None,
    ) -> T:
        """One API call within one deadline, retried when ``retry``; ``unknown_outcome`` names
        a renewal whose fate is unknown when no attempt brought a readable answer."""
        deadline = Deadline.after(self.deadline_s, self._monotonic, self.timeout[1])
        maybe_sent = False
        wait: float | None = None
        last: OperatorError | None = None
        for number in range(1, (self.attempts if retry else 1) + 1):
            if wait is not None:
                if wait >= deadline.left():
                    break  # it could not end in time: give up now, not at the deadline
                self._sleep(wait)
            try:
                return self._attempt(method, path, body, decode, deadline)
            except _Failed as failure:
                maybe_sent = maybe_sent or failure.maybe_sent
                last = failure.error
                event(log, "operator.attempt_failed", level=logging.WARNING, method=method,
                      path=redact_text(path), attempt=number, error_code=last.code,
                      reason=last.details.get("reason"))
                if failure.final or deadline.passed():
                    break
                wait = failure.retry_after
                if wait is None:
                    wait = self.backoff_s * 2 ** (number - 1)
        assert last is not None
        if unknown_outcome is not None and maybe_sent:
            raise RenewalOutcomeUnknown(unknown_outcome) from last
        raise last

    def _attempt(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        decode: Callable[[wire.Obj], T],
        deadline: Deadline,
    ) -> T:
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        with attempt(deadline) as current:
            try:
                response = self.session.request(
                    method, self.base_url + path, data=data, headers=headers, stream=True,
                    allow_redirects=False, timeout=deadline.timeouts(*self.timeout),
                    verify=self.session.verify)  # else REQUESTS_CA_BUNDLE would override it
            except Exception as exc:
                raise self._failure(exc, current.sent, deadline) from None
            try:
                status = response.status_code
                event(log, "operator.answer", method=method, path=redact_text(path),
                      http_code=status)
                content_type = response.headers.get("Content-Type", "")
                retry_after = retry_after_s(response.headers.get("Retry-After"), self._clock())
                answer = b"" if 300 <= status < 400 else self._read(response, deadline)
            except _Oversize:
                raise _Failed(bad_answer(f"larger than the {self._cap_text()} cap"),
                              maybe_sent=True) from None
            except Exception as exc:
                raise self._failure(exc, True, deadline) from None
            finally:
                response.close()  # an answer not read to its end closes the connection
        return self.read_answer(status, content_type, answer, decode, retry_after)

    def _cap_text(self) -> str:
        cap = self.max_answer_bytes
        return f"{cap // (1024 * 1024)} MB" if cap % (1024 * 1024) == 0 else f"{cap} byte"

    def _read(self, response: requests.Response, deadline: Deadline) -> bytes:
        """The body, streamed: refused past the cap, and the deadline checked per chunk."""
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise _Failed(bad_answer(f"content encoding {encoding[:40]!r}, asked for identity",
                                     Category.TRANSIENT), maybe_sent=True)
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isascii() and declared.isdigit() and (
                len(declared) > 12 or int(declared) > self.max_answer_bytes):
            raise _Oversize
        parts, size = [], 0
        for chunk in response.iter_content(_CHUNK):  # nothing to decode: encodings refused
            deadline.wait_s()
            size += len(chunk)
            if size > self.max_answer_bytes:
                raise _Oversize
            parts.append(chunk)
        return b"".join(parts)

    @staticmethod
    def _failure(exc: Exception, sent: bool, deadline: Deadline) -> _Failed:
        """Whatever requests, urllib3, http.client or a socket raised, as a typed failure."""
        if isinstance(exc, _Failed):
            return exc
        if deadline.passed():
            return _Failed(unreachable("deadline"), maybe_sent=sent, final=True)
        if not sent and not isinstance(exc, _NETWORK):
            return _Failed(request_invalid(exc), maybe_sent=False, final=True)
        return _Failed(unreachable(type(exc).__name__), maybe_sent=sent)

    def read_answer(
        self,
        status: int,
        content_type: str,
        body: bytes,
        decode: Callable[[wire.Obj], T],
        retry_after: float | None = None,
    ) -> T:
        """What one HTTP answer means: the decoded value, or a typed failure.

        A refusal (4xx) is raised as the operator's ``OperatorError``; what a retry may cure
        or what leaves the outcome open comes as ``_Failed``. Nothing else is raised.
        """
        if 300 <= status < 400:
            raise _Failed(redirected(status), maybe_sent=True, final=True)
        if status == 429:  # refused before it was looked at: nothing happened
            raise _Failed(self._error(status, content_type, body), maybe_sent=False,
                          retry_after=retry_after)
        if status >= 500:
            raise _Failed(self._error(status, content_type, body), maybe_sent=True,
                          retry_after=retry_after)
        if status >= 400:
            raise self._error(status, content_type, body)
        if not 200 <= status < 300:
            raise _Failed(bad_answer(f"HTTP {status}", Category.TRANSIENT, http_status=status),
                          maybe_sent=True)
        try:
            return decode(wire.Obj(self._json(status, content_type, body)))
        except wire.WireError as exc:
            raise _Failed(bad_answer(str(exc)), maybe_sent=True) from None
        except OperatorError as exc:
            raise _Failed(exc, maybe_sent=True) from None
        except Exception as exc:  # a decoder bug must not turn an answer into a crash
            event(log, "operator.decode_crashed", level=logging.ERROR, error=type(exc).__name__)
            raise _Failed(bad_answer(f"unexpected {type(exc).__name__}"),
                          maybe_sent=True) from None

    @staticmethod
    def _json(status: int, content_type: str, body: bytes) -> Any:
        if content_type.split(";")[0].strip().lower() != "application/json":
            shown = content_type[:60] or "missing"
            raise bad_answer(f"content type {shown!r}, expected JSON", Category.TRANSIENT,
                             http_status=status)
        try:
            return strict_json.loads(body)
        except strict_json.JsonRefused as exc:
            raise bad_answer(str(exc), Category.TRANSIENT, http_status=status) from None

    def _error(self, status: int, content_type: str, body: bytes) -> OperatorError:
        """The operator's error envelope as an ``OperatorError``; a broken one is a bad answer."""
        transient = status >= 500 or status == 429
        try:
            envelope = wire.Obj(self._json(status, content_type, body)).obj("error")
            code = envelope.req_str("code")
            category = envelope.enum("category", Category)
            details = envelope.obj("details").data
            operator_message = envelope.str("message", optional=True) or ""
        except OperatorError as exc:
            return exc
        except wire.WireError as exc:
            category = Category.TRANSIENT if transient else Category.OPERATIONAL
            return bad_answer(f"HTTP {status}, {exc}", category, http_status=status)
        if transient and category is not Category.TRANSIENT:
            category = Category.TRANSIENT  # a busy or failing server is not the customer's fault
        event(log, "operator.refused", level=logging.WARNING, http_code=status,
              error_code=code, category=category.value)
        extra = {k: v for k, v in details.items() if k not in _RESERVED}
        return OperatorError(code[:80], message_for(code, category, details), category,
                             http_status=status, operator_message=operator_message[:500],
                             **extra)
