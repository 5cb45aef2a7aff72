"""Time to lay out and encode the customer receipt per language and profile; bytes per job.

Prints JSON. Run: .venv/bin/python bench/print.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from kiosk.i18n import LANGUAGES
from printers.encode import encode
from printers.layouts import customer_receipt
from printers.profiles import load_profile
from printers.samples import demo_sale

PROFILES = ("POS-5890", "TM-T88V")
SERIAL_BYTES_PER_S = 11_520  # 115200 baud


def measure(lang: str, profile_name: str, rounds: int) -> dict[str, object]:
    profile = load_profile(profile_name)
    sale = demo_sale(lang)
    encode(customer_receipt(sale), profile)  # warm the font and catalog caches
    times, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        size = len(encode(customer_receipt(sale), profile))
        times.append((time.perf_counter() - start) * 1000)
    return {
        "lang": lang,
        "profile": profile_name,
        "median_ms": round(statistics.median(times), 2),
        "max_ms": round(max(times), 2),
        "bytes": size,
        "seconds_at_115200_baud": round(size / SERIAL_BYTES_PER_S, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    results = [measure(lang, p, args.rounds) for p in PROFILES for lang in LANGUAGES]
    print(json.dumps({"target_median_ms": 30, "rounds": args.rounds, "results": results},
                     indent=2))


if __name__ == "__main__":
    main()
