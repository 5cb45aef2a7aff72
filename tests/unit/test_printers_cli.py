"""``kiosk print-sample`` writes a job the printer decodes and a preview at paper width."""

from __future__ import annotations

from PIL import Image

from kiosk.cli import main
from printers.decode import Raster, decode_job


def test_print_sample_writes_bytes_and_preview(tmp_path, capsys):
    args = ["print-sample", "--layout", "receipt", "--lang", "zh_Hans", "--profile", "POS-5890",
            "--out", str(tmp_path)]
    assert main(args) == 0
    job = tmp_path / "receipt-zh_Hans-POS-5890.bin"
    items = decode_job(job.read_bytes(), "POS-5890")
    assert any(isinstance(item, Raster) for item in items)
    with Image.open(tmp_path / "receipt-zh_Hans-POS-5890.png") as preview:
        assert preview.format == "PNG"
        assert preview.width > 384 and preview.height > preview.width
    assert str(job) in capsys.readouterr().out


def test_print_sample_refuses_an_unknown_profile(tmp_path, capsys):
    assert main(["print-sample", "--profile", "NOPE", "--out", str(tmp_path)]) == 2
    assert "unknown printer profile" in capsys.readouterr().err
