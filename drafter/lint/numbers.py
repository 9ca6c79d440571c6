"""Numbers in a post, and whether the source article backs them.

A number is compared by value, at the precision it is written with: "1.2 million" matches
1,214,000 in the source (it is that number rounded to 100,000), "45%" matches "45 percent"
and "45.3%", "1,200" matches "1200", "$3.5B" matches "3.5 billion", "1990s" matches 1990.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

_SCALES = {
    "k": 1e3, "thousand": 1e3,
    "m": 1e6, "mn": 1e6, "mm": 1e6, "million": 1e6, "millions": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9,
    "t": 1e12, "tn": 1e12, "trillion": 1e12,
}
_UNIT = (
    r"(?:\s?(?P<pct>%|percent\b|per\s+cent\b|pct\b|percentage\s+points?\b)"
    r"|\s(?P<word>thousand|millions?|billions?|trillion)\b"
    r"|(?P<short>[kKmMbBtT]|mn|bn|tn|MM)(?![\w])"
    r"|(?P<times>x|×)(?![\w])"
    r"|(?P<decade>['’]?s)(?![\w]))?"
)
_NUMBER = r"(?P<cur>[$€£¥])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
# In the post: not glued to a word ("GPT-4", "Q3", "#Web3"), a path, a time ("9:30") or a
# ratio ("24/7").
_POST = re.compile(r"(?<![\w.,/:#@$€£¥])(?<![^\W\d_]-)" + _NUMBER + _UNIT + r"(?![\w%/]|:\d)")
# In the source: any number at all.
_SOURCE = re.compile(_NUMBER + _UNIT)


@dataclass(frozen=True, slots=True)
class Number:
    start: int
    end: int
    text: str
    value: float
    precision: float
    """Half the unit of the last written digit (times the scale): the rounding allowance."""
    bare: bool
    """No unit, currency or scale: a plain count like "3"."""
    year: bool


def _parse(m: re.Match[str]) -> tuple[float, float, bool, bool] | None:
    num = m.group("num")
    try:
        value = float(num.replace(",", ""))
    except ValueError:
        return None
    decimals = len(num.split(".", 1)[1]) if "." in num else 0
    scale = 1.0
    unit = m.group("word") or m.group("short")
    if unit:
        scale = _SCALES.get(unit.lower(), 1.0)
    decade = m.group("decade")
    if decade and not (len(num) == 4 and num.isdigit()):
        return None
    bare = not any(m.group(g) for g in ("cur", "pct", "word", "short", "times"))
    year = bool(bare and len(num) == 4 and num.isdigit() and 1800 <= value <= 2199)
    precision = 0.5 * (10.0 ** -decimals) * scale
    if decade:
        precision = 5.0  # "the 1990s" matches any year of the decade
        value += 4.5
    return value * scale, precision, bare, year


def post_numbers(text: str) -> list[Number]:
    """Numbers as a reader sees them in the post; list markers ("1.") are skipped."""
    out: list[Number] = []
    for m in _POST.finditer(text):
        parsed = _parse(m)
        if parsed is None:
            continue
        value, precision, bare, year = parsed
        line_start = text.rfind("\n", 0, m.start()) + 1
        after = text[m.end() : m.end() + 1]
        if bare and not text[line_start : m.start()].strip() and after in (".", ")"):
            continue
        out.append(Number(m.start(), m.end(), m.group().strip(), value, precision, bare, year))
    return out


@functools.lru_cache(maxsize=8)
def source_values(source: str) -> tuple[float, ...]:
    """Every value the source states, scaled and unscaled, sorted (cached per source)."""
    values: set[float] = set()
    for m in _SOURCE.finditer(source):
        try:
            raw = float(m.group("num").replace(",", ""))
        except ValueError:
            continue
        values.add(raw)
        parsed = _parse(m)
        if parsed is not None:
            values.add(parsed[0])
    return tuple(sorted(values))


def backed(number: Number, values: tuple[float, ...]) -> bool:
    """True when some source value rounds to ``number`` at the precision it is written."""
    low = number.value - number.precision - 1e-9
    high = number.value + number.precision + 1e-9
    i = bisect.bisect_left(values, low)
    return i < len(values) and values[i] <= high
