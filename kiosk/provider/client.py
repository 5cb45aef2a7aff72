"""The operator API client: ``OperatorClient`` implements ``kiosk.flow.ports.OperatorPort``.

One ``requests.Session`` with connect and read timeouts, TLS verified, every request signed
(``kiosk.provider.signing``). Only what is safe to repeat is retried: reads, the renewal
create (idempotent by our transaction id) and the cancel (idempotent too). A create whose
answer never arrived raises ``RenewalOutcomeUnknown``: the engine reads it back by the same
id, and no second renewal is ever created under a new one. Every answer is checked field by
field (``kiosk.provider.wire``); whatever is wrong becomes an ``OperatorError`` that names it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from kiosk import __version__
from kiosk.config import Config
from kiosk.core.card import NO_PLAN, Allowances, CardInfo, CardStatus
from kiosk.core.errors import Category
from kiosk.core.iccid import Iccid
from kiosk.core.messages import Message
from kiosk.core.money import Money
from kiosk.core.phone import Phone
from kiosk.core.renewal import OtpChallenge, OtpVerification, RenewalResult
from kiosk.flow.ports import OfferCatalog, OperatorError, RenewalOutcomeUnknown
from kiosk.logs import event, redact_text
from kiosk.provider import wire
from kiosk.provider.client_messages import BAD_ANSWER, UNREACHABLE, message_for
from kiosk.provider.demo_data import DEMO_KIOSK_KEY
from kiosk.provider.signing import sign_headers

log = logging.getLogger(__name__)
T = TypeVar("T")
# Names the client sets itself; an operator detail of that name is dropped, not let clash.
_RESERVED = {"code", "message", "category", "http_status", "operator_message"}


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
    """One attempt failed in a way a retry may cure; ``maybe_sent``: the operator may have acted."""

    error: OperatorError
    maybe_sent: bool


def bad_answer(
    reason: str, category: Category = Category.OPERATIONAL, **details: Any
) -> OperatorError:
    return OperatorError(
        "operator_bad_answer", Message(BAD_ANSWER), category, reason=reason, **details
    )


def _not_sent(exc: requests.RequestException) -> bool:
    """True when the request surely never reached the operator (no connection was made)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


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
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.currency = currency
        self.timeout = (connect_timeout_s, read_timeout_s)
        self.attempts = attempts
        self.backoff_s = backoff_s
        self._sleep = sleep
        self.session = requests.Session()
        self.session.verify = verify
        self.session.auth = _SigningAuth(kiosk_id, kiosk_key, clock)
        self.session.headers.update(
            {"Accept": "application/json", "User-Agent": f"travel-card-kiosk/{__version__}"}
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
            read_timeout_s=float(section["read_timeout_s"]), verify=verify, **options,
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
        except RenewalOutcomeUnknown:
            event(log, "operator.renewal_outcome_unknown", level=logging.WARNING,
                  tx=transaction_id)
            raise

    def get_renewal(self, transaction_id: str) -> RenewalResult | None:
        try:
            return self._call("GET", f"/v1/renewals/{quote(transaction_id, safe='')}", None,
                              lambda obj: self._renewal(obj, transaction_id), retry=True)
        except OperatorError as exc:
            if exc.code == "renewal_not_found":
                return None
            raise

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
        """One API call, retried when ``retry``; ``unknown_outcome`` names a renewal whose
        fate is unknown when no attempt brought a readable answer."""
        maybe_sent = False
        attempts = self.attempts if retry else 1
        for attempt in range(attempts):
            if attempt:
                self._sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                return self._attempt(method, path, body, decode)
            except _Failed as failure:
                maybe_sent = maybe_sent or failure.maybe_sent
                last = failure.error
                event(log, "operator.attempt_failed", level=logging.WARNING, method=method,
                      path=redact_text(path), attempt=attempt + 1, error_code=last.code)
        if unknown_outcome is not None and maybe_sent:
            raise RenewalOutcomeUnknown(unknown_outcome)
        raise last

    def _attempt(
        self, method: str, path: str, body: dict[str, Any] | None, decode: Callable[[wire.Obj], T]
    ) -> T:
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        try:
            response = self.session.request(method, self.base_url + path, data=data,
                                            headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            sent = not _not_sent(exc)
            error = OperatorError("operator_unreachable", Message(UNREACHABLE), Category.TRANSIENT,
                                  reason=type(exc).__name__)
            raise _Failed(error, maybe_sent=sent) from None
        event(log, "operator.answer", method=method, path=redact_text(path),
              http_code=response.status_code)
        if response.status_code >= 500:
            raise _Failed(self._error(response), maybe_sent=True)
        if response.status_code >= 400:
            raise self._error(response)
        try:
            return decode(wire.Obj(self._json(response)))
        except wire.WireError as exc:
            raise _Failed(bad_answer(str(exc)), maybe_sent=True) from None
        except OperatorError as exc:
            raise _Failed(exc, maybe_sent=True) from None

    @staticmethod
    def _json(response: requests.Response) -> Any:
        content_type = response.headers.get("Content-Type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise bad_answer(f"content type {content_type or 'missing'!r}, expected JSON",
                             Category.TRANSIENT, http_status=response.status_code)
        try:
            return json.loads(response.content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise bad_answer(f"malformed JSON: {exc}", Category.TRANSIENT,
                             http_status=response.status_code) from None

    def _error(self, response: requests.Response) -> OperatorError:
        """The operator's error envelope as an ``OperatorError``; a broken one is a bad answer."""
        try:
            envelope = wire.Obj(self._json(response)).obj("error")
            code = envelope.req_str("code")
            category = envelope.enum("category", Category)
            details = envelope.obj("details").data
            operator_message = envelope.str("message", optional=True) or ""
        except OperatorError as exc:
            return exc
        except wire.WireError as exc:
            category = Category.TRANSIENT if response.status_code >= 500 else Category.OPERATIONAL
            return bad_answer(f"HTTP {response.status_code}, {exc}", category,
                              http_status=response.status_code)
        event(log, "operator.refused", level=logging.WARNING, http_code=response.status_code,
              error_code=code, category=category.value)
        extra = {k: v for k, v in details.items() if k not in _RESERVED}
        return OperatorError(code, message_for(code, category, details), category,
                             http_status=response.status_code, operator_message=operator_message,
                             **extra)
