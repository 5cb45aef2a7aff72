"""Decoders and the combined pipeline on generated card pictures."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.core.card_payload import PayloadRejected
from kiosk.scanner import samples
from kiosk.scanner.confirm import ReadConfirmer, ScanRead, ScanRejected
from kiosk.scanner.deblur import (
    BLUR_GUESSES,
    DEFOCUS_GUESSES,
    MIN_NOISE_TO_SIGNAL,
    MOTION_GUESSES,
    line_noise_to_signal,
)
from kiosk.scanner.decoders import PyzbarDecoder, ZxingDecoder
from kiosk.scanner.pipeline import Decoded, DecodePipeline, Guide, single_decoder

ICCID = samples.DEFAULT_DEMO_ICCIDS[0]
PHONE_PAYLOAD = f"{ICCID};+79161234567"


def frame(payload: str, symbology: str, seed: int = 1, **pose) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return samples.render_scene(samples.render_card(payload, symbology, rng),
                                samples.Pose(**pose), rng)


def iccids(results: list[Decoded]) -> list[str]:
    return [r.identity.iccid.digits for r in results if r.identity]


@pytest.mark.parametrize("symbology", samples.SYMBOLOGIES)
def test_pipeline_reads_each_card_symbology(symbology):
    assert iccids(DecodePipeline().decode(frame(ICCID, symbology))) == [ICCID]


def test_zxing_alone_reads_clean_code128_and_pyzbar_alone_reads_qr():
    assert iccids(single_decoder(ZxingDecoder()).decode(frame(ICCID, "code128"))) == [ICCID]
    assert iccids(single_decoder(PyzbarDecoder()).decode(frame(ICCID, "qr"))) == [ICCID]


def test_turned_code128_is_rescued_by_straightening():
    turned = frame(ICCID, "code128", rotation_deg=40)
    assert iccids(single_decoder(ZxingDecoder()).decode(turned)) == []
    results = DecodePipeline().decode(turned)
    assert iccids(results) == [ICCID]
    assert results[-1].candidate.backend.endswith(("/straightened", "/profile"))


def test_empty_scene_and_noise_give_nothing():
    rng = np.random.default_rng(5)
    empty = samples.render_scene(None, samples.Pose(noise_sigma=12), rng)
    assert DecodePipeline().decode(empty) == []


def test_non_card_barcode_is_decoded_but_rejected():
    results = DecodePipeline().decode(frame("WIFI:S:cafe;T:WPA;P:x;;", "qr"))
    assert results and isinstance(results[0].outcome, PayloadRejected)


def test_guide_limits_the_search_to_its_region():
    card_right = frame(ICCID, "qr", center=(1000.0, 360.0), width_px=500)
    assert iccids(DecodePipeline(Guide(0.0, 0.0, 0.45, 1.0)).decode(card_right)) == []
    assert iccids(DecodePipeline(Guide(0.4, 0.0, 1.0, 1.0)).decode(card_right)) == [ICCID]


def test_lone_valid_iccid_is_a_read_and_is_not_repeated():
    pipeline, confirmer = DecodePipeline(), ReadConfirmer()
    image = frame(ICCID, "code128")
    first = confirmer.offer(pipeline.decode(image))
    assert isinstance(first, ScanRead) and first.identity.iccid.digits == ICCID
    assert confirmer.offer(pipeline.decode(image)) is None
    confirmer.rearm()
    assert isinstance(confirmer.offer(pipeline.decode(image)), ScanRead)


def test_phone_riding_along_needs_two_agreeing_frames():
    pipeline, confirmer = DecodePipeline(), ReadConfirmer()
    decoded = pipeline.decode(frame(PHONE_PAYLOAD, "qr"))
    assert confirmer.offer(decoded) is None
    assert confirmer.offer([]) is None
    second = confirmer.offer(pipeline.decode(frame(PHONE_PAYLOAD, "qr", seed=2)))
    assert isinstance(second, ScanRead) and second.identity.phone.e164 == "+79161234567"


def test_rejection_is_reported_after_two_sightings():
    confirmer = ReadConfirmer()
    decoded = DecodePipeline().decode(frame("not a card", "code128"))
    assert confirmer.offer(decoded) is None
    report = confirmer.offer(decoded)
    assert isinstance(report, ScanRejected) and report.rejection.reason == "not_a_card"


def test_focus_blurred_code128_is_restored_by_deconvolution():
    blurred = frame(ICCID, "code128", blur_sigma=1.8)
    assert iccids(single_decoder(ZxingDecoder()).decode(blurred)) == []
    results = DecodePipeline().decode(blurred)
    assert iccids(results) == [ICCID]
    assert results[-1].candidate.backend.endswith("/deblurred")


def test_code128_both_out_of_focus_and_moving_is_restored():
    """Defocus and hand motion come together: a mix the old diagonal guess list did not cover
    (it read none of these five frames; the full grid reads at least three)."""
    pipeline = DecodePipeline()
    read = [iccids(pipeline.decode(frame(ICCID, "code128", seed, blur_sigma=1.7, motion_px=5.0)))
            == [ICCID] for seed in range(1, 6)]
    assert sum(read) >= 3


def test_every_defocus_guess_is_tried_with_every_motion_guess():
    assert set(BLUR_GUESSES) == {(s, m) for s in DEFOCUS_GUESSES for m in MOTION_GUESSES}
    assert BLUR_GUESSES[0][1] == 0.0  # stillest first: most frames are not moving


def test_averaged_band_noise_falls_with_its_rows_but_not_below_the_floor():
    rng = np.random.default_rng(3)
    bars = np.where(np.arange(600) // 6 % 2, 40.0, 220.0)
    noisy = bars[None, :] + rng.normal(0, 20, (400, 600))
    few, many = line_noise_to_signal(noisy[:64]), line_noise_to_signal(noisy)
    assert few > 4 * many  # the mean of 400 rows has under a sixth of 64 rows' noise power
    # noise 20 / sqrt(64) against a square wave of amplitude 90 (the range widens a little)
    assert few == pytest.approx((20 / 8 / 90) ** 2, rel=0.2)
    assert line_noise_to_signal(np.repeat(bars[None, :], 100, axis=0)) == MIN_NOISE_TO_SIGNAL


def test_small_code128_with_one_pixel_modules_is_read_once_the_pixels_softness_is_undone():
    """A card 390 px wide gives modules of 1.1 px: sharp-looking bars that the pixel's own
    aperture and the lens still soften too much for the row scanners."""
    small = frame(ICCID, "code128", seed=3, width_px=390, rotation_deg=4.0, blur_sigma=0.2,
                  noise_sigma=2.5)
    assert iccids(single_decoder(ZxingDecoder()).decode(small)) == []
    results = DecodePipeline().decode(small)
    assert iccids(results) == [ICCID]
    assert results[-1].candidate.backend.endswith("/deblurred")
