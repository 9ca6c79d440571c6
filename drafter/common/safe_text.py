"""Untrusted text made safe for a terminal, and folded for look-alike checks.

Text from an article, a web page, a model's answer or a draft file may carry terminal control
codes: an OSC sequence (``ESC ] 0 ; title BEL``) retitles the window, ``ESC c`` resets it, a bare
carriage return lets one line be printed over another. :func:`strip_controls` removes them:

- escape sequences go as a whole (CSI ``ESC [ ... final``, the string sequences OSC, DCS, SOS,
  PM and APC up to their terminator, two-character escapes such as ``ESC c``), in their 7-bit
  and their C1 (8-bit) spellings;
- every other C0 control except tab and newline goes, and so do DEL and the C1 range;
- CR LF and a lone CR become a newline, vertical tab and form feed too (the text's line
  breaks are kept, nothing is printed over anything).

Sources are cleaned once when they are loaded (:mod:`drafter.sources.inputs`); the CLI passes what it
prints from stored or generated text through :func:`strip_controls` again, because a draft file
or a model's answer may never have been cleaned.

:func:`fold` is for comparisons only (never shown or stored): NFKC, without format characters
(zero-width spaces, joiners, bidi marks), case-folded, so ``ＡＲＴ\u200bICLE`` equals ``article``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

_STRING_SEQUENCE = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
)
"""OSC, DCS, SOS, PM and APC, up to BEL or ST (an unterminated one loses only its introducer)."""
_CSI = re.compile(r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?")
"""Control Sequence Introducer, its parameters, intermediates and final byte."""
_ESCAPE = re.compile(r"\x1b[\x20-\x2f]*[\x30-\x7e]?")
"""Any other escape: ESC, intermediates, a final byte (``ESC c``, ``ESC ( B``, ``ESC 7``)."""
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
"""What is left to drop after the sequences: C0 except tab/newline, DEL, C1."""
_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")
_SPACE = re.compile(r"\s+")


def has_controls(text: str) -> bool:
    """True when the text holds a control character :func:`strip_controls` would remove or change."""
    return _ANY_CONTROL.search(text) is not None


def strip_sequences(text: str) -> str:
    """``text`` without its escape sequences (each as a whole); lone control characters stay."""
    if "\x1b" not in text and not _C1.search(text):
        return text
    return _ESCAPE.sub("", _CSI.sub("", _STRING_SEQUENCE.sub("", text)))


def strip_controls(text: str) -> str:
    """``text`` without terminal control codes; tab and newline stay, CR becomes a newline."""
    if not has_controls(text):
        return text
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", strip_sequences(text)))


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def unicode_name(text: str) -> str:
    """``text`` with no lone surrogates: a file name the system gave as bytes that are not UTF-8
    (Python keeps each such byte as a surrogate) shows those bytes as U+FFFD, so it can be
    printed, written as JSON and saved (the path itself is kept elsewhere to open the file)."""
    if not _SURROGATE.search(text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte
        return _SURROGATE.sub("\ufffd", text)
    return raw.decode("utf-8", "replace")


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` on one line: control codes dropped, every run of white space (newlines included)
    one space, no space at either end; cut to ``limit`` characters with "…" when longer."""
    line = _SPACE.sub(" ", strip_controls(str(text))).strip()
    return line if limit is None or len(line) <= limit else line[: limit - 1] + "…"


def escape_json_controls(json_text: str) -> str:
    """JSON text with DEL and the C1 range written as ``\\u00XX`` (JSON escapes C0 itself):
    the same data when parsed, and no raw control reaches the terminal."""
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def safe_json(value: Any, **kwargs: Any) -> str:
    """``json.dumps`` that never emits a raw control character (see :func:`escape_json_controls`)."""
    return escape_json_controls(json.dumps(value, **kwargs))


def fold(text: str) -> str:
    """A comparison key: NFKC, format characters (category Cf) removed, case-folded."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    drop = {ord(c): None for c in set(text) if not c.isascii() and unicodedata.category(c) == "Cf"}
    return unicodedata.normalize("NFKC", text.translate(drop).casefold())
