"""``kiosk scan``: per-file results, masking, JSON and translated reasons."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from kiosk.cli import main
from kiosk.scanner import samples
from kiosk.scanner.demo import write_card_video

ICCID = samples.DEFAULT_DEMO_ICCIDS[0]


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(2)
    good = tmp_path / "card.png"
    cv2.imwrite(str(good), samples.render_scene(
        samples.render_card(f"{ICCID};+79161234567", "qr", rng), samples.Pose(), rng))
    other = tmp_path / "wifi.png"
    cv2.imwrite(str(other), samples.render_scene(
        samples.render_card("WIFI:S:cafe;;", "qr", rng), samples.Pose(), rng))
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), samples.render_scene(None, samples.Pose(), rng))
    video = tmp_path / "card.avi"
    write_card_video(video, [ICCID], rng, hold_frames=8)
    return good, other, blank, video


def test_text_output_masks_and_explains(files, capsys):
    good, other, blank, video = files
    code = main(["scan", str(good), str(other), str(blank), str(video)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0] == f"{good}: ****{ICCID[-4:]} phone +7 ******4567 (qr, frame 0)"
    assert out[1] == f"{other}: This barcode does not carry a SIM card number."
    assert out[2] == f"{blank}: No card barcode found."
    assert out[3].startswith(f"{video}: ****{ICCID[-4:]} (code128, frame ")
    assert ICCID not in "\n".join(out)


def test_json_with_show_gives_full_numbers(files, capsys):
    good, other, _, _ = files
    main(["scan", "--json", "--show", str(good), str(other)])
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"path": str(good), "ok": True, "iccid": ICCID, "phone": "+79161234567",
                       "symbology": "qr", "backend": "zxing-cpp/half", "frame": 0}
    assert rows[1]["ok"] is False and "SIM" in rows[1]["reason"]


def test_reasons_in_another_language_and_unopenable_files(tmp_path, capfd):
    junk = tmp_path / "notes.png"  # not a picture, whatever its name says
    junk.write_text("hello")
    assert main(["scan", "--lang", "ru", str(junk), str(tmp_path / "missing.png")]) == 1
    out, err = capfd.readouterr()
    assert "PNG" not in err  # the video reader's own complaint is not printed as well
    out = out.splitlines()
    assert out == [f"{junk}: Этот файл не является изображением или видео, которое можно открыть.",
                   f"{tmp_path / 'missing.png'}: Такого файла нет."]


def test_all_read_exits_zero(files, capsys):
    assert main(["scan", str(files[0])]) == 0
