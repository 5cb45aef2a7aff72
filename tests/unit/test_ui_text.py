"""Screen wording that depends on the locale, checked without a window."""

import pytest

from kiosk.i18n import Translator
from kiosk.ui.text import data_amount


@pytest.mark.parametrize(("lang", "mb", "shown"), [
    ("en", 3482, "3.4 GB"), ("ru", 3482, "3,4 ГБ"), ("zh_Hant", 3482, "3.4 GB"),
    ("en", 5120, "5 GB"), ("ru", 20480, "20 ГБ"), ("ru", 500, "500 МБ"), ("en", 0, "0 MB"),
])
def test_data_amounts_use_the_locale_decimal_sign(lang, mb, shown):
    assert data_amount(Translator(lang), mb) == shown
