"""Where a line of Chinese text may end: the basic CJK line-breaking (kinsoku) rules.

Kivy's Label wraps at spaces only, and so did the receipt's own wrapping. A Chinese sentence
has none, so it was cut at whatever character reached the width, and "。" or "）" could
begin a line and "（" end one, on the screen and on the printed receipt alike. This module
chooses the breaks itself and returns the text with "\n" where each line ends; every line
fits the width, so Kivy keeps the lines as they are and draws them, and the receipt prints
them as they are.

No Kivy here: the caller passes ``measure(text) -> width`` (the label's own font on the
screen, display columns on a receipt, a fake monospace font in the tests), so the rules are
checked without a window or a printer.

The rules, a small subset of JIS X 4051 and the W3C's Chinese layout requirements (clreq):

- A line may break between two CJK characters and between CJK and other text.
- Never before a closing mark (``NO_START``: "。", "，", "）", "」", small kana, ...) and
  never after an opening one (``NO_END``: "（", "「", "《", ...).
- A run of other text inside CJK text ("SIM", "5 GB", "+7 800", "……") is one piece that
  moves to the next line whole. Only a run wider than a whole line breaks, at its spaces as
  Kivy would, and a word wider than a line then breaks between any two characters.
- Spaces stay at the end of the line they follow (Kivy does not count them there): no line
  starts with a space the text did not start with.

Filling a line: pieces go on while they fit. When the next piece does not fit but may not
start a line, the line gives pieces back from its end until it ends where a break is allowed,
and those pieces go down with the closing mark (*oidashi*, "pushing out": usually one
character). The opposite (*oikomi*, "pulling in") squeezes the mark onto the full line by
narrowing its spacing, which a Kivy label cannot do, so a mark only stays up when it fits.
If a whole line has no allowed break (a run of marks wider than the width), it breaks where
it overflows, so every line takes at least one piece: no endless loop, no lost character.
A paragraph never ends on one lone character ("机。" alone under a full line reads as a
stray): the line above gives it a companion when the rules allow.

Text without CJK characters is returned as it is: Latin and Cyrillic keep Kivy's own word
wrapping unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Ideographs, kana, bopomofo, CJK punctuation and fullwidth forms: each is a piece of its own.
# Hangul is left out: Korean is written with spaces and wraps by words.
_CJK = (
    "\u2e80-\u2fff"  # radicals, ideographic description
    "\u3000-\u303f"  # CJK symbols and punctuation
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3100-\u312f\u3190-\u31ff"  # bopomofo, kanbun, strokes, small katakana
    "\u3200-\u4dbf"  # enclosed and compatibility forms, extension A
    "\u4e00-\u9fff\uf900-\ufaff"  # unified and compatibility ideographs
    "\ufe10-\ufe1f\ufe30-\ufe6f"  # vertical, compatibility and small forms
    "\uff00-\uffef"  # fullwidth and halfwidth forms
    "\U00020000-\U0003134f"  # extensions B to H
)
_HAS_CJK = re.compile(f"[{_CJK}]")
# A CJK character, a space, or a run of anything else (a "word" inside CJK text).
_PIECES = re.compile(f"[{_CJK}]| +|[^{_CJK} ]+(?: +[^{_CJK} ]+)*")

NO_START = frozenset(
    # closing brackets and quotes
    "）〕］｝〉》」』】〙〗〟｠)]}’”»"
    # stops, commas, and the marks that end a clause
    "、。，．：；？！‼⁇⁈⁉,.:;?!"
    # iteration marks, prolonged sound mark, interpunct, wave dash, percent. Not the
    # ellipsis: "……" is one run and never splits, and the screens put "…" before the last
    # digits of a card number ("有效 …0015"), where the line may break before it.
    "々〻ゝゞヽヾーｰ・･〜～%％"
    # small kana
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿｧｨｩｪｫｯｬｭｮ"
)
NO_END = frozenset(
    # opening brackets and quotes, and the currency signs written before an amount
    "（〔［｛〈《「『【〘〖〝｟([{‘“«￥＄£€$¥"
)


def has_cjk(text: str) -> bool:
    return _HAS_CJK.search(text) is not None


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> str:
    """``text`` with "\\n" inserted where lines end so that each fits ``width``.

    ``measure`` gives a piece's width in the same unit as ``width``; it is called once for
    each piece (a CJK character, a space run, a word), so the caller should cache it. Line
    widths are sums of piece widths: they grow piece by piece, no line is measured again.
    Existing "\\n" are kept. Text with no CJK character, or no room at all, comes back as is,
    and so does each paragraph (between "\\n") without one: Kivy wraps those by words.
    """
    if width <= 0 or not has_cjk(text):
        return text
    return "\n".join(_break_paragraph(paragraph, width, measure) if has_cjk(paragraph)
                     else paragraph for paragraph in text.split("\n"))


def _break_paragraph(text: str, width: float, measure: Callable[[str], float]) -> str:
    pieces, widths = _pieces(text, width, measure)
    lines: list[tuple[int, int]] = []  # each line's first piece and the one after its last
    start, count = 0, len(pieces)
    while start < count:
        end, used = start, 0.0
        while end < count:
            # a space hangs past the edge; anything else must fit (or be alone on its line)
            if not pieces[end].startswith(" ") and used + widths[end] > width and end > start:
                break
            used += widths[end]
            end += 1
        cut = end
        if end < count:
            while cut > start and not _may_break(pieces[cut - 1], pieces[cut]):
                cut -= 1  # oidashi: give pieces back until the line ends where it may
            if cut == start:
                cut = end  # no allowed break in the whole line: break where it overflows
        lines.append((start, cut))
        start = cut
    _no_lone_last_character(lines, pieces, widths, width)
    return "\n".join("".join(pieces[a:b]) for a, b in lines)


def _no_lone_last_character(lines: list[tuple[int, int]], pieces: list[str],
                            widths: list[float], width: float) -> None:
    """A paragraph does not end on a line holding one character (and its closing marks),
    such as "机。" under a full line: the line above gives its last piece down when a break
    is allowed there and the two still fit (clreq's rule against a lone last character)."""
    if len(lines) < 2:
        return
    (above_start, above_end), (last_start, last_end) = lines[-2], lines[-1]
    body = [piece for piece in pieces[last_start:last_end] if piece[0] not in NO_START]
    if len(body) != 1 or len(body[0]) != 1 or not has_cjk(body[0]):
        return
    moved = above_end - 1
    if moved <= above_start or pieces[moved].startswith(" "):
        return
    if not _may_break(pieces[moved - 1], pieces[moved]):
        return
    if sum(widths[moved:last_end]) > width:
        return
    lines[-2:] = [(above_start, moved), (moved, last_end)]


def _pieces(text: str, width: float,
            measure: Callable[[str], float]) -> tuple[list[str], list[float]]:
    """The unbreakable pieces of one paragraph and their widths; a run wider than a line
    is split at its spaces, and a word wider than a line into its characters."""
    pieces: list[str] = []
    widths: list[float] = []

    def add(piece: str, size: float) -> None:
        pieces.append(piece)
        widths.append(size)

    for piece in _PIECES.findall(text):
        size = measure(piece)
        if size <= width or len(piece) == 1 or piece.startswith(" "):
            add(piece, size)
            continue
        for word in re.findall(r" +|[^ ]+", piece):
            size = measure(word)
            if size <= width or word.startswith(" "):
                add(word, size)
            else:
                for char in word:  # wider than a line: any character may end it
                    add(char, measure(char))
    return pieces, widths


def _may_break(before: str, after: str) -> bool:
    """Whether a line may end between two pieces."""
    return not (after.startswith(" ") or after[0] in NO_START or before[-1] in NO_END)
