"""Layouts say the right things in the customer's language, from the records alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiosk import __version__
from kiosk.i18n import LANGUAGES
from printers.document import Qr
from printers.layouts import customer_receipt, printer_test_page, refund_slip, shift_report
from printers.profiles import load_profile
from printers.samples import DEMO_KIOSK, SALE_TIME, demo_refund, demo_sale, demo_shift
from printers.shift import ReportKind

ROOT = Path(__file__).resolve().parents[2]
TOTAL = {"en": "Total", "ru": "Итого", "zh_Hans": "合计", "zh_Hant": "合計"}
AMOUNT = {"en": "RUB\xa01,350.00", "ru": "1\xa0350,00\xa0₽", "zh_Hans": "RUB\xa01,350.00",
          "zh_Hant": "RUB\xa01,350.00"}


def rows(document):
    return {block.label: block.value for block in document.blocks if hasattr(block, "value")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_receipt_in_the_customers_language_with_locale_amounts(lang):
    document = customer_receipt(demo_sale(lang))
    assert rows(document)[TOTAL[lang]] == AMOUNT[lang]
    texts = " ".join(document.texts())
    assert demo_sale(lang).offer.name(lang) in texts
    assert demo_sale(lang).price.promotion.name(lang) in texts
    assert "****1234" in texts and "+7 ******4567" in texts
    qr = [block for block in document.blocks if isinstance(block, Qr)]
    assert [q.data for q in qr] == [demo_sale(lang).e_receipt_url]


def test_receipt_time_is_on_the_kiosks_clock():
    # 11:42 UTC is 14:42 in Moscow, where the demo kiosk stands
    assert "14:42:07" in rows(customer_receipt(demo_sale("ru")))["Дата"]
    assert "2:42:07" in rows(customer_receipt(demo_sale("en")))["Date"]


def test_refund_slip_states_what_was_returned():
    document = refund_slip(demo_refund("ru"), SALE_TIME)
    assert "Отмена платежа" in document.texts()
    assert rows(document)["Возвращено"] == "1\xa0350,00\xa0₽"
    assert rows(document)["Причина"] == "Оператор не смог применить продление"


def test_shift_report_totals():
    document = shift_report(demo_shift(ReportKind.Z), DEMO_KIOSK, "en")
    values = rows(document)
    assert values["Gross"] == "RUB\xa027,650.00"
    assert values["Net"] == "RUB\xa026,300.00"
    assert values["Sales"] == "22"
    assert "Z report (shift closed)" in document.texts()


def test_test_page_names_version_and_profile():
    document = printer_test_page(DEMO_KIOSK, load_profile("POS-5890"), SALE_TIME, "zh_Hans")
    values = rows(document)
    assert values["软件版本"] == __version__
    assert values["打印机型号"] == "POS-5890"
    assert values["纸宽"] == "58 mm / 384 dots"


def test_every_printer_message_is_translated_in_every_language():
    msgids = {msg if isinstance(msg, str) else msg[0]
              for _, _, msg, _, _ in extract_from_dir(
                  ROOT / "printers", method_map=[("**.py", "python")], keywords={"N_": None})}
    for lang in LANGUAGES:
        with (ROOT / "assets" / "locale" / lang / "printers.po").open("rb") as po:
            catalog = read_po(po, locale=lang)
        translated = set()
        for message in catalog:
            ids = (message.id,) if isinstance(message.id, str) else message.id
            strings = (message.string,) if isinstance(message.string, str) else message.string
            if message.id and all(strings):
                translated.update(ids)
        missing = sorted(msgids - translated)
        assert not missing, f"{lang}: untranslated {missing}"
