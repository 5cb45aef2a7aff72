"""Pictures of any size, depth and channel count: read or refused with a message, and a
batch of files never stops at one bad file."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.cli import main
from kiosk.scanner import samples
from kiosk.scanner.pipeline import MAX_SIDE, DecodePipeline

ICCID = samples.DEFAULT_DEMO_ICCIDS[0]


def _card_frame(seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return samples.render_scene(samples.render_card(ICCID, "qr", rng), samples.Pose(), rng)


def _read_iccids(frame: np.ndarray) -> list[str]:
    return [d.identity.iccid.digits for d in DecodePipeline().decode(frame) if d.identity]


@pytest.mark.parametrize("side", [1, 2, 4, 15])
def test_tiny_picture_is_refused_and_the_batch_goes_on(tmp_path, capsys, side):
    tiny = tmp_path / "tiny.png"
    cv2.imwrite(str(tiny), np.full((side, side, 3), 255, np.uint8))
    good = tmp_path / "card.png"
    cv2.imwrite(str(good), _card_frame())
    code = main(["scan", str(tiny), str(good)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0] == f"{tiny}: This picture is too small to hold a card's barcode."
    assert out[1].startswith(f"{good}: ****{ICCID[-4:]} (qr")


def test_tiny_frame_decodes_to_nothing():
    for shape in [(0, 0), (4, 4), (4, 600, 3), (600, 3)]:
        assert DecodePipeline().decode(np.zeros(shape, np.uint8)) == []


def test_damaged_file_is_reported_and_the_batch_goes_on(tmp_path, capsys):
    broken = tmp_path / "broken.png"
    broken.write_bytes(cv2.imencode(".png", _card_frame())[1].tobytes()[:200])
    good = tmp_path / "card.png"
    cv2.imwrite(str(good), _card_frame())
    main(["scan", str(broken), str(good)])
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{broken}: This file is not a picture or a video that can be opened."
    assert out[1].startswith(f"{good}: ****{ICCID[-4:]}")


def test_every_depth_and_channel_count_is_read():
    bgr = _card_frame()
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    frames = {
        "gray": gray,
        "gray, one channel": gray[:, :, None],
        "gray and alpha": np.dstack([gray, np.full_like(gray, 255)]),
        "bgra": cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA),
        "16-bit bgr": bgr.astype(np.uint16) * 257,
        "16-bit gray": gray.astype(np.uint16) * 257,
    }
    for name, frame in frames.items():
        assert _read_iccids(frame) == [ICCID], name


def test_huge_picture_is_scaled_down_and_its_box_is_in_frame_pixels():
    small = _card_frame()
    frame = cv2.resize(small, None, fx=4.0, fy=4.0, interpolation=cv2.INTER_LINEAR)
    assert max(frame.shape[:2]) > MAX_SIDE  # 5120 x 2880
    found = [d for d in DecodePipeline().decode(frame) if d.identity]
    assert [d.identity.iccid.digits for d in found] == [ICCID]
    reference = next(d for d in DecodePipeline().decode(small) if d.identity)
    # The code's box in the huge picture is the small picture's box times four, give or take
    # the few pixels the downscale blurs.
    for big, ref in zip(found[0].candidate.box, reference.candidate.box, strict=True):
        assert abs(big - 4 * ref) <= 4 * 8
