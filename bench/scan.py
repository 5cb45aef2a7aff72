"""Benchmark of camera barcode decoding: prints one JSON document.

Generates seeded 1280x720 frames of ICCID cards under each degradation (rotation, perspective,
blur, noise, low contrast, glare, small size), decodes them on one core with each backend, the
combined pipeline and the naive design (pyzbar on every full frame, all formats), and plays
generated videos of cards entering the view to count frames until the first read.
Detection is over the frames that show the whole code (a pose can push part of it out of
the picture); the rate over every frame is reported beside it.

    .venv/bin/python bench/scan.py [--per-condition 40] [--videos 6] [--seed 2026]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.scanner import samples  # noqa: E402
from kiosk.scanner.confirm import ReadConfirmer, ScanRead  # noqa: E402
from kiosk.scanner.decoders import NaivePyzbarDecoder, PyzbarDecoder, ZxingDecoder  # noqa: E402
from kiosk.scanner.demo import card_pass  # noqa: E402
from kiosk.scanner.pipeline import Decoded, DecodePipeline, single_decoder  # noqa: E402
from kiosk.scanner.track import RegionTracker  # noqa: E402

TARGETS = {"median_ms": 10.0, "p95_ms": 30.0, "detection": 0.97, "false_reads": 0,
           "frames_to_first_read": 3, "times_naive_detection": 2.0}


def single_core() -> None:
    cv2.setNumThreads(1)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def random_iccid(rng: np.random.Generator) -> str:
    return samples.with_check_digit("8970199" + "".join(map(str, rng.integers(0, 10, 12))))


def degraded_set(per_condition: int, rng: np.random.Generator) -> list[dict]:
    frames = []
    for condition in samples.CONDITIONS:
        for _ in range(per_condition):
            iccid, symbology = random_iccid(rng), samples.random_symbology(rng)
            card = samples.render_card(iccid, symbology, rng)
            pose = samples.degraded_pose(condition, rng)
            image = samples.render_scene(card, pose, rng)
            frames.append({"condition": condition, "symbology": symbology, "iccid": iccid,
                           "frame": image, "in_view": samples.symbol_in_view(card, pose)})
    return frames


Decode = Callable[[np.ndarray], list[Decoded]]


def decoders() -> dict[str, Decode]:
    return {
        "zxing-cpp": single_decoder(ZxingDecoder()).decode,
        "pyzbar": single_decoder(PyzbarDecoder()).decode,
        "pyzbar-blur1": single_decoder(PyzbarDecoder(blur_sigma=1.0)).decode,
        "combined": DecodePipeline().decode,
        "naive": single_decoder(NaivePyzbarDecoder()).decode,
    }


def measure(decode: Decode, frames: list[dict]) -> dict:
    times, outcomes = [], []
    for item in frames:
        start = time.perf_counter()
        decoded = decode(item["frame"])
        times.append((time.perf_counter() - start) * 1000)
        read = [d.identity.iccid.digits for d in decoded if d.identity]
        outcomes.append("ok" if item["iccid"] in read else "false" if read else "miss")
    return {
        # A frame whose barcode is partly outside the picture holds no whole code for any
        # decoder to read: detection counts the frames that show the code whole, and the
        # rate over every frame (cut-off codes as misses) is beside it. False reads count
        # every frame, cut-off ones included.
        "detection": _in_view_rate(frames, outcomes),
        "detection_all_frames": round(outcomes.count("ok") / len(outcomes), 4),
        "frames_cut_off": sum(not f["in_view"] for f in frames),
        "false_reads": outcomes.count("false"),
        "median_ms": round(float(np.median(times)), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "by_condition": _rates(frames, outcomes, "condition"),
        "by_symbology": _rates(frames, outcomes, "symbology"),
    }


def _in_view_rate(frames: list[dict], outcomes: list[str]) -> float:
    shown = [o for item, o in zip(frames, outcomes, strict=True) if item["in_view"]]
    return round(shown.count("ok") / max(len(shown), 1), 4)


def _rates(frames: list[dict], outcomes: list[str], key: str) -> dict:
    groups: dict[str, list[str]] = {}
    for item, outcome in zip(frames, outcomes, strict=True):
        groups.setdefault(item[key], []).append(outcome)
    return {name: round(o.count("ok") / len(o), 3) for name, o in sorted(groups.items())}


def first_reads(videos: int, rng: np.random.Generator) -> dict:
    """Frames from the barcode being fully in view to the first confirmed read, per pass.

    Through ``RegionTracker``, the camera decode worker's own path: crops around the last seen
    code, whole frames now and then. Every frame is decoded (no drops), so the lag counts
    frames a decoder could not read, not frames skipped for time; ``decode_ms`` is what each
    frame cost, the crops and the whole frames separately.
    """
    lags, false_reads, crop_ms, whole_ms = [], 0, [], []
    for index in range(videos):
        iccid = random_iccid(rng)
        symbology = samples.SYMBOLOGIES[index % len(samples.SYMBOLOGIES)]
        frames, enters = card_pass(iccid, symbology, rng, hold_frames=20)
        tracker, confirmer, lag = RegionTracker(), ReadConfirmer(), None
        for number, frame in enumerate(frames):
            cropped = tracker.roi is not None
            start = time.perf_counter()
            decoded = tracker.decode(frame)
            (crop_ms if cropped else whole_ms).append((time.perf_counter() - start) * 1000)
            report = confirmer.offer(decoded)
            if isinstance(report, ScanRead):
                if report.identity.iccid.digits != iccid:
                    false_reads += 1
                elif lag is None:
                    lag = number - enters
        lags.append(lag)
    found = [lag for lag in lags if lag is not None]
    return {"passes": videos, "read": len(found), "false_reads": false_reads,
            "frames_after_in_view": lags,
            "median": float(np.median(found)) if found else None,
            "max": max(found) if found else None,
            "decode_ms": {"crop_frames": len(crop_ms), "whole_frames": len(whole_ms),
                          "crop_median": _median(crop_ms), "whole_median": _median(whole_ms),
                          "all_p95": round(float(np.percentile(crop_ms + whole_ms, 95)), 2)}}


def _median(values: list[float]) -> float | None:
    return round(float(np.median(values)), 2) if values else None


def verdict(report: dict) -> dict:
    combined, naive, video = report["combined"], report["naive"], report["video"]
    return {
        "median_ms": combined["median_ms"] <= TARGETS["median_ms"],
        "p95_ms": combined["p95_ms"] <= TARGETS["p95_ms"],
        "detection": combined["detection"] >= TARGETS["detection"],
        "false_reads": combined["false_reads"] + video["false_reads"] == 0,
        "frames_to_first_read": video["max"] is not None and video["read"] == video["passes"]
        and video["max"] <= TARGETS["frames_to_first_read"],
        "times_naive_detection": combined["detection"]
        >= TARGETS["times_naive_detection"] * naive["detection"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-condition", type=int, default=40)
    parser.add_argument("--videos", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    single_core()
    rng = np.random.default_rng(args.seed)
    frames = degraded_set(args.per_condition, rng)
    report: dict = {"frames": len(frames), "frame_size": list(samples.FRAME_SIZE),
                    "seed": args.seed, "threads": cv2.getNumThreads()}
    for name, decode in decoders().items():
        report[name] = measure(decode, frames)
    report["video"] = first_reads(args.videos, rng)
    report["naive_detection_ratio"] = round(
        report["combined"]["detection"] / max(report["naive"]["detection"], 1e-9), 2)
    report["targets"] = TARGETS
    report["met"] = verdict(report)
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
