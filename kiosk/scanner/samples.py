"""Synthetic camera pictures of SIM carrier cards: for the demo camera, tests and the benchmark.

A card is drawn flat (background, brand strip, barcode with its quiet zone, printed digits),
then placed into a 1280x720 scene the way a hand holds it under the kiosk camera: turned,
tilted, near or far, blurred by focus or motion, noisy, dim, with glare. Everything is drawn
from a seeded ``numpy.random.Generator``, so a seed always gives the same pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import barcode
import cv2
import numpy as np
import segno
import zxingcpp

from kiosk.core.iccid import luhn_check_digit

FRAME_SIZE = (1280, 720)
CARD_SIZE = (1028, 648)  # ID-1 card, 85.6 x 54 mm, at 12 px/mm
SYMBOLOGIES = ("code128", "qr", "datamatrix")


def with_check_digit(body: str) -> str:
    """``body`` plus its Luhn digit: how sample ICCIDs are made valid."""
    return body + str(luhn_check_digit(body))


DEFAULT_DEMO_ICCIDS = (
    with_check_digit("8970199250000000017"),
    with_check_digit("897019925000000002"),
)


def code128_modules(text: str) -> np.ndarray:
    """One row of bar modules (True = dark) as python-barcode encodes ``text``."""
    pattern = barcode.get_barcode_class("code128")(text).build()[0]
    return np.frombuffer(pattern.encode(), dtype=np.uint8) == ord("1")


def matrix_modules(text: str, symbology: str) -> np.ndarray:
    """The module grid (True = dark) of a QR code (segno) or a Data Matrix (zxing-cpp)."""
    if symbology == "qr":
        return np.array(segno.make(text, error="m", micro=False).matrix, dtype=bool)
    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.DataMatrix)
    return np.array(symbol.to_image(scale=1, add_quiet_zones=False)) < 128


def symbol_image(text: str, symbology: str, module_px: int) -> np.ndarray:
    """The barcode alone, dark on white, with its quiet zone: uint8 grayscale."""
    if symbology == "code128":
        row = np.repeat(np.pad(code128_modules(text), 10), module_px)
        grid = np.repeat(row[None, :], int(row.size * 0.25), axis=0)
    else:
        quiet = 4 if symbology == "qr" else 2
        grid = np.pad(matrix_modules(text, symbology), quiet)
        grid = np.repeat(np.repeat(grid, module_px, axis=0), module_px, axis=1)
    return np.where(grid, 20, 250).astype(np.uint8)


@dataclass(frozen=True)
class CardArt:
    """A flat card picture and where its barcode lies on it (x0, y0, x1, y1)."""

    image: np.ndarray
    symbol_box: tuple[int, int, int, int]


def render_card(payload: str, symbology: str, rng: np.random.Generator) -> CardArt:
    """A carrier card carrying ``payload`` in ``symbology``, with random but plausible colours."""
    width, height = CARD_SIZE
    base = rng.integers(200, 245, size=3)
    card = np.empty((height, width, 3), np.uint8)
    card[:] = base
    accent = tuple(int(c) for c in rng.integers(40, 200, size=3))
    cv2.rectangle(card, (0, 0), (width, int(height * 0.22)), accent, -1)
    cv2.putText(card, "TRAVEL SIM", (40, 100), cv2.FONT_HERSHEY_DUPLEX, 2.2, (255, 255, 255), 4)
    module_px = 3 if symbology == "code128" else int(rng.integers(7, 10))
    symbol = symbol_image(payload, symbology, module_px)
    sh, sw = symbol.shape
    x0 = (width - sw) // 2 if symbology == "code128" else width - sw - 60
    y0 = int(height * 0.36)
    card[y0:y0 + sh, x0:x0 + sw] = symbol[:, :, None]
    digits = "".join(ch for ch in payload if ch.isdigit())[:20]
    text_x = x0 + 20 if symbology == "code128" else 40
    cv2.putText(card, digits, (text_x, min(y0 + sh + 45, height - 20)),
                cv2.FONT_HERSHEY_SIMPLEX, 1.0, (30, 30, 30), 2)
    return CardArt(card, (x0, y0, x0 + sw, y0 + sh))


@dataclass(frozen=True)
class Pose:
    """How the card sits in the camera picture and what the optics do to it."""

    center: tuple[float, float] = (640.0, 360.0)
    width_px: float = 760.0  # card width in the frame
    rotation_deg: float = 0.0
    tilt: float = 0.0  # perspective: -0.3..0.3, one edge nearer the lens
    blur_sigma: float = 0.0  # defocus
    motion_px: float = 0.0  # motion blur length, horizontal
    noise_sigma: float = 2.0  # sensor noise, grey levels
    contrast: float = 1.0  # 1 = full range, 0.3 = dim and washed out
    glare: float = 0.0  # peak brightness added by a reflection, 0..1.5 of full scale
    glare_at: tuple[float, float] = (0.5, 0.5)  # glare centre, fraction of the card


def card_corners(pose: Pose, size: tuple[int, int] = CARD_SIZE) -> np.ndarray:
    """The card's four corners in the frame (clockwise from top-left), float32."""
    scale = pose.width_px / size[0]
    half_w, half_h = size[0] * scale / 2, size[1] * scale / 2
    near, far = 1 + pose.tilt / 2, 1 - pose.tilt / 2
    corners = np.array([[-half_w * far, -half_h], [half_w * far, -half_h * near / far],
                        [half_w * near, half_h * near / far], [-half_w * near, half_h]])
    turn = np.deg2rad(pose.rotation_deg)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    return (corners @ rotation.T + np.array(pose.center)).astype(np.float32)


def background(rng: np.random.Generator, size: tuple[int, int] = FRAME_SIZE) -> np.ndarray:
    """A smooth, mottled desk or hand-shadow backdrop."""
    coarse = rng.integers(40, 170, size=(9, 16, 3)).astype(np.uint8)
    return cv2.resize(coarse, size, interpolation=cv2.INTER_CUBIC)


def render_scene(card: CardArt | None, pose: Pose, rng: np.random.Generator,
                 backdrop: np.ndarray | None = None) -> np.ndarray:
    """One BGR camera frame showing ``card`` (or nothing) in ``pose``."""
    frame = (backdrop if backdrop is not None else background(rng)).copy()
    if card is not None:
        _place(frame, card, pose)
    return _optics(frame, pose, rng)


def symbol_corners(card: CardArt, pose: Pose) -> np.ndarray:
    """Where the barcode's corners land in the frame: to tell when it is fully in view."""
    x0, y0, x1, y1 = card.symbol_box
    points = np.array([[[x0, y0]], [[x1, y0]], [[x1, y1]], [[x0, y1]]], np.float32)
    return cv2.perspectiveTransform(points, _homography(card, pose)).reshape(4, 2)


def symbol_in_view(card: CardArt, pose: Pose, size: tuple[int, int] = FRAME_SIZE) -> bool:
    corners = symbol_corners(card, pose)
    return bool(np.all(corners >= 0) and np.all(corners[:, 0] < size[0])
                and np.all(corners[:, 1] < size[1]))


def _homography(card: CardArt, pose: Pose) -> np.ndarray:
    h, w = card.image.shape[:2]
    flat = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    return cv2.getPerspectiveTransform(flat, card_corners(pose, (w, h)))


def _place(frame: np.ndarray, card: CardArt, pose: Pose) -> None:
    size = (frame.shape[1], frame.shape[0])
    matrix = _homography(card, pose)
    warped = cv2.warpPerspective(card.image, matrix, size, flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full(card.image.shape[:2], 255, np.uint8), matrix, size)
    np.copyto(frame, warped, where=(mask > 127)[:, :, None])
    if pose.glare > 0:
        spot = cv2.warpPerspective(_glare_spot(card, pose), matrix, size)
        cv2.add(frame, cv2.merge([spot, spot, spot]), dst=frame)


def _glare_spot(card: CardArt, pose: Pose) -> np.ndarray:
    """A soft reflection, drawn small and enlarged (its blur is wide, so detail is not lost)."""
    h, w = card.image.shape[:2]
    small = np.zeros((h // 8, w // 8), np.float32)
    centre = (int(pose.glare_at[0] * w / 8), int(pose.glare_at[1] * h / 8))
    cv2.ellipse(small, centre, (w // 56, h // 72), 30, 0, 360, 1.0, -1)
    small = cv2.GaussianBlur(small, (0, 0), w / 200)
    spot = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(spot * pose.glare * 255, 0, 255).astype(np.uint8)


def _optics(frame: np.ndarray, pose: Pose, rng: np.random.Generator) -> np.ndarray:
    if pose.motion_px >= 1:
        length = round(pose.motion_px)
        frame = cv2.filter2D(frame, -1, np.full((1, length), 1.0 / length, np.float32))
    if pose.blur_sigma > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), pose.blur_sigma)
    frame = cv2.convertScaleAbs(frame, alpha=pose.contrast, beta=128 * (1 - pose.contrast))
    if pose.noise_sigma > 0:
        noise = np.empty(frame.shape, np.int16)
        cv2.setRNGSeed(int(rng.integers(2**31)))
        cv2.randn(noise, 0, pose.noise_sigma)
        frame = np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    return frame


CONDITIONS = ("rotation", "perspective", "blur", "noise", "low_contrast", "glare", "small")


def degraded_pose(condition: str, rng: np.random.Generator) -> Pose:
    """A pose with one named degradation at a physically plausible strength, plus mild others."""
    pose = Pose(
        center=(640 + rng.uniform(-120, 120), 360 + rng.uniform(-60, 60)),
        width_px=rng.uniform(620, 900),
        rotation_deg=rng.uniform(-8, 8) + (180 if rng.random() < 0.15 else 0),
        tilt=rng.uniform(-0.08, 0.08),
        blur_sigma=rng.uniform(0, 0.8),
        noise_sigma=rng.uniform(1, 4),
        contrast=rng.uniform(0.8, 1.0),
    )
    strong = {
        "rotation": lambda: {"rotation_deg": rng.uniform(-30, 30) + rng.choice([0, 90, 180, 270])},
        "perspective": lambda: {"tilt": rng.choice([-1, 1]) * rng.uniform(0.15, 0.35)},
        "blur": lambda: {"blur_sigma": rng.uniform(1.2, 2.2), "motion_px": rng.uniform(0, 6)},
        "noise": lambda: {"noise_sigma": rng.uniform(8, 16)},
        "low_contrast": lambda: {"contrast": rng.uniform(0.25, 0.45)},
        "glare": lambda: {"glare": rng.uniform(0.5, 1.2),
                          "glare_at": (rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8))},
        "small": lambda: {"width_px": rng.uniform(380, 480)},
    }[condition]()
    return replace(pose, **strong)


def random_symbology(rng: np.random.Generator, choices: Sequence[str] = SYMBOLOGIES) -> str:
    return str(choices[int(rng.integers(len(choices)))])
