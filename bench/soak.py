"""Soak: many renewals with random faults through the real engine, operator client and
simulators, then the journal reconciled against both simulators' ledgers.

    .venv/bin/python bench/soak.py --renewals 2000 --seed 7

Prints one JSON object: renewals per second, final states, faults injected, and every
money-rule problem found (the list must be empty). Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from kiosk import app, config, logs
from kiosk.flow.checkout import Retry
from kiosk.flow.runner import InlineRunner
from kiosk.flow.view import Step
from kiosk.journal.reconcile import charges_from_rows, reconcile, summary
from kiosk.payment.simulator import Script
from kiosk.provider import demo_data
from kiosk.provider.sim.faults import Fault, FaultKind
from kiosk.provider.testing import sent_code

CARDS = (demo_data.ICCID_ACTIVE, demo_data.ICCID_NO_PHONE, demo_data.ICCID_PROMO_USED,
         demo_data.ICCID_EXPIRED)
PAYMENTS = [Script.APPROVE] * 14 + [s for s in Script if s is not Script.APPROVE]
OPERATOR_FAULTS = [
    Fault(FaultKind.DROP_AFTER, "POST", "/v1/renewals"),
    Fault(FaultKind.DROP_BEFORE, "POST", "/v1/renewals"),
    Fault(FaultKind.SERVER_ERROR, "POST", "/v1/renewals"),
    Fault(FaultKind.MALFORMED_BODY, "POST", "/v1/renewals"),
    Fault(FaultKind.RENEWAL_FAILED),
    Fault(FaultKind.RENEWAL_PENDING),
    Fault(FaultKind.LATENCY, delay_ms=30),
    Fault(FaultKind.SERVER_ERROR, "GET", "/v1/cards"),
]


def one_renewal(kiosk, engine, rng: random.Random, stats: Counter) -> None:
    payment = rng.choice(PAYMENTS)
    kiosk.simulators["payment"].script_next(payment)
    stats[f"payment:{payment}"] += 1
    if rng.random() < 0.2:
        fault = rng.choice(OPERATOR_FAULTS)
        kiosk.simulators["operator"].faults.add(Fault(**{**fault.__dict__}))
        stats[f"operator:{fault.kind}"] += 1
    engine.identify(rng.choice(CARDS))
    if engine.view.step is Step.CARD and engine.view.offers:
        engine.choose_offer(rng.choice(engine.view.offers).offer.id)
        engine.confirm_offer()
        if engine.view.step is Step.PHONE:
            engine.enter_phone(demo_data.PHONE_TO_BIND)
        if engine.view.step is Step.CODE:
            code = sent_code(kiosk.simulators["operator"], engine.view.code.challenge_id)
            engine.submit_code(code)
    stats[f"screen:{engine.view.problem.code if engine.view.problem else engine.view.step}"] += 1
    kiosk.simulators["operator"].faults.clear()
    engine.finish()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renewals", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logs.setup("error")  # the injected faults would otherwise log a warning each
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as tmp:
        data_dir = Path(tmp)
        kiosk = app.build(config.load(None), data_dir)
        kiosk.retry = Retry(attempts=6, first_delay_s=0.01, max_delay_s=0.05)
        engine = kiosk.engine(InlineRunner())
        stats: Counter = Counter()
        started = time.perf_counter()
        try:
            for _ in range(args.renewals):
                one_renewal(kiosk, engine, rng, stats)
            elapsed = time.perf_counter() - started
            txs = kiosk.journal.all()
            charges = charges_from_rows(kiosk.simulators["payment"].ledger())
            applied = Counter(e.transaction_id for e in kiosk.simulators["operator"].ledger()
                              if e.status == "applied")
            problems = reconcile(txs, charges, applied)
        finally:
            kiosk.close()
    json.dump({
        "renewals_attempted": args.renewals,
        "seconds": round(elapsed, 2),
        "attempts_per_second": round(args.renewals / elapsed, 1),
        "transactions": len(txs),
        "final_states": summary(txs),
        "charges": dict(Counter(c.status for c in charges.values())),
        "refunds": sum(c.refunds for c in charges.values()),
        "renewals_applied": sum(applied.values()),
        "injected": dict(sorted(stats.items())),
        "money_rule_problems": problems,
    }, sys.stdout, indent=2)
    print()
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
