"""JSON as the operator API allows it, refused with a reason otherwise.

Python's ``json`` takes the last of two duplicate keys, reads ``NaN`` and ``Infinity``, turns
``1e999`` into infinity, raises a bare ``ValueError`` for a 5000-digit integer and a
``RecursionError`` for deep nesting. An answer that moves money must mean one thing: every
such case is a ``JsonRefused`` naming what was wrong, and nothing else comes out.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 32  # the API's deepest answer is 4 levels
MAX_NUMBER_CHARS = 32  # minor units fit in 19 digits


class JsonRefused(ValueError):
    """The bytes are not JSON the client accepts; the message says why."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonRefused(f"duplicate key {key[:40]!r}")
        result[key] = value
    return result


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonRefused(f"a number of {len(text)} characters")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonRefused(f"a number of {len(text)} characters")
    value = float(text)
    if not math.isfinite(value):
        raise JsonRefused(f"a number out of range ({text})")
    return value


def _constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not JSON")


def _depth(value: Any) -> int:
    """Nesting depth, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def loads(data: bytes) -> Any:
    """The value ``data`` holds; raises ``JsonRefused`` for anything else."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonRefused(f"malformed JSON: not UTF-8 at byte {exc.start}") from None
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_int=_int,
                           parse_float=_float, parse_constant=_constant)
    except JsonRefused:
        raise
    except json.JSONDecodeError as exc:
        raise JsonRefused(f"malformed JSON: {exc.msg} at {exc.pos}") from None
    except RecursionError:
        raise JsonRefused(f"nested deeper than {MAX_DEPTH}") from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise JsonRefused(f"malformed JSON: {type(exc).__name__}") from None
    if _depth(value) > MAX_DEPTH:
        raise JsonRefused(f"nested deeper than {MAX_DEPTH}")
    return value
