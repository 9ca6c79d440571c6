"""Cleaning an article: markup and page furniture out, body paragraphs and the title kept.

Boilerplate is found line by line (menus, share boxes, cookie notices, bylines, dates, URLs,
copyright lines, non-English lines); headings are dropped, hard-wrapped lines joined.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from ....models.text_rules import ENDS_SENTENCE, STOPWORDS

_BLOCK_TAGS = re.compile(r"(?is)<(script|style|head|noscript|svg|template)\b.*?</\1\s*>")
_BREAK_TAGS = re.compile(r"(?i)</?(p|div|br|h[1-6]|li|ul|ol|tr|td|th|section|article|header|footer|nav|aside|main|form|button|blockquote|pre|figure|figcaption|title)\b[^<>]*>")
_ANY_TAG = re.compile(r"<[^<>]+>")
"""A tag ends at ``>`` and never spans another ``<``: one scan of a run of unclosed ``<a``."""
URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\[\]]*\)")
"""A label stops at the next bracket, a URL at the next bracket or parenthesis: linear on ``[[[``."""
_MD_BOLD = re.compile(r"\*\*([^*\n]+?)\*\*|__([^_\n]+?)__")
"""Bold text stops at the next ``*``/``_``: linear on a long run of them."""
_CODE_BLOCK = re.compile(r"(?ms)^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$")
"""A fence opens after spaces or tabs only (``\\s*`` would rescan every blank line: quadratic)."""
_FURNITURE = re.compile(  # page furniture, whatever the length of the line
    r"(?i)^(?:related (?:posts?|articles?|stories|content)|read (?:more|also|next)\b|sign (?:up|in)\b|log ?in\b|"
    r"we use cookies|accept (?:all|cookies)|manage (?:preferences|cookies)|cookie (?:policy|settings|preferences)|"
    r"privacy policy|terms (?:of|and) (?:use|service|conditions)|all rights reserved|copyright\b|©|\(c\) ?\d{4}|"
    r"follow us|skip to|back to top|filed under|posted (?:in|on|by)\b|most (?:read|popular|viewed)|"
    r"you (?:may|might) (?:also )?like|contact (?:us|the newsroom)|about us\b|click here|download (?:the|our) app|"
    r"\d+ ?min(?:ute)?s? read|(?:tags?|topics?|photo(?:graph)?|image|credit|source|watch):)"
)
_FURNITURE_SHORT = re.compile(  # words that open furniture lines, but also real sentences: short lines only
    r"(?i)^(?:share|subscribe|register|privacy|advertisement|sponsored|comments?|recommended|trending|newsletter|"
    r"home|menu|updated|published|print|listen)\b"
)
_FURNITURE_ANYWHERE = re.compile(
    r"(?i)\b(?:(?:we|this site|our site) uses? cookies|use of cookies|(?:our|this) newsletter|in your inbox|"
    r"all rights reserved|sign up for|subscribe to (?:our|the)|follow us on|share on|privacy policy|terms of use|"
    r"impressum|datenschutz|mentions légales)\b"
)
_BYLINE = re.compile(
    r"^(?i:by|von|par|written by|words by|reporting by)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
    r"\s*(?:[,|·•-]\s*.{0,60})?(?<![.!?])$"
)
_DATE = re.compile(
    r"(?i)\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4})\b"
)


@dataclass(frozen=True)
class Cleaned:
    title: str | None
    paragraphs: list[str]


def _sub_closed(pattern: str, repl: Any, text: str, close: str) -> str:
    """``re.sub`` of a pattern that ends with ``close``, on the text up to the last ``close``
    only: no match can end later, and every opener after it would rescan the rest (quadratic
    on a run of unclosed ``<h1>`` or ``<!--``)."""
    last = text.lower().rfind(close)
    if last < 0:
        return text
    cut = text.find(">", last + len(close) - 1) + 1 if not close.endswith(">") else last + len(close)
    cut = cut if cut > 0 else len(text)
    return re.sub(pattern, repl, text[:cut]) + text[cut:]


def _strip_markup(text: str) -> str:
    if re.search(r"(?i)<(?:p|div|html|body|article|br|h1|span|a)\b[^<>]*>", text):
        text = _BLOCK_TAGS.sub("\n", text)
        text = _sub_closed(r"(?is)<!--.*?-->", "", text, "-->")
        text = _sub_closed(r"(?is)<h1\b[^<>]*>(.*?)</h1>", lambda m: "\n\n# " + _ANY_TAG.sub("", m.group(1)).strip() + "\n\n", text, "</h1>")
        text = _sub_closed(r"(?is)<h([2-6])\b[^<>]*>(.*?)</h\1>", lambda m: "\n\n## " + _ANY_TAG.sub("", m.group(2)).strip() + "\n\n", text, "</h")
        text = _BREAK_TAGS.sub("\n\n", text)
        text = _ANY_TAG.sub("", text)
    text = html.unescape(text)
    text = _CODE_BLOCK.sub("\n", text)  # code blocks are not prose
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])", r"\1", text)
    text = re.sub(r"`([^`\n]*)`", r"\1", text)
    return text.replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n")


def is_boilerplate(line: str) -> bool:
    """True for page furniture: menus, share/subscribe boxes, cookie notices, bylines,
    dates, URLs, copyright lines, headings and non-English lines."""
    s = line.strip()
    words = _LETTER_WORD.findall(s)
    if not words:
        return True
    n = len(words)
    if _FURNITURE.match(s) or _BYLINE.match(s) or (n < 25 and _FURNITURE_ANYWHERE.search(s)):
        return True
    if n < 8 and _FURNITURE_SHORT.match(s):
        return True
    if ("http" in s or "www." in s or "@" in s) and len(URL.sub("", EMAIL.sub("", s))) < 0.5 * len(s):
        return True
    if (n <= 8 and _DATE.search(s)) or len(_SEPARATORS.findall(s)) >= 2 or s.startswith("|") or s.count("|") >= 3:
        return True
    if not s.isascii():
        letters = [c for c in s if c.isalpha()]
        if sum(c.isascii() for c in letters) < 0.85 * len(letters):
            return True
    if n >= 4 and sum(w.lower() in STOPWORDS for w in words) < 0.12 * n:
        return True
    return n < 5 and not ENDS_SENTENCE.search(s)


_LETTER_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SEPARATORS = re.compile(r"\s[|·•>»/]\s")


def _is_heading(line: str) -> bool:
    words = line.split()
    return bool(words) and len(words) < 18 and not ENDS_SENTENCE.search(line) and not line.endswith(",")


def clean_text(text: str, title: str | None = None) -> Cleaned:
    """Split an article into body paragraphs, dropping boilerplate and headings.

    The title is the one given, else the first heading, with a " | Site name" tail cut off.
    """
    found_title = title
    fallback_title: str | None = None
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", _strip_markup(text)):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if _hard_wrapped(lines):
            lines = [" ".join(lines)]
        units: list[str] = []
        for ln in lines:
            heading = bool(re.match(r"#{1,6}\s", ln))
            if found_title is None and re.match(r"#\s", ln) and _title_ok(ln[2:]):
                found_title = _site_suffix(ln[2:].strip())
            ln = re.sub(r"^(?:#{1,6}\s+|>\s*|[-*+•]\s+|\d{1,2}[.)]\s+)", "", ln).strip()
            if not ln:
                continue
            prev = units[-1] if units else ""
            if not heading and prev and not prev.startswith("\x00") and not ENDS_SENTENCE.search(prev[-32:]) and ln[:1].islower():
                # a hard-wrapped line continues the previous one (only its tail is checked: the
                # unit grows line by line, and searching all of it each time would be quadratic)
                units[-1] = prev + " " + ln
            else:
                units.append(("\x00" if heading else "") + ln)
        for unit in units:
            heading = unit.startswith("\x00")
            unit = unit.lstrip("\x00")
            if heading or _is_heading(unit):
                if fallback_title is None and _title_ok(unit) and len(unit.split()) >= 4:
                    fallback_title = _site_suffix(unit)
                continue
            if not is_boilerplate(unit):
                paragraphs.append(re.sub(r"\s+", " ", unit))
    return Cleaned(found_title or fallback_title, paragraphs)


def _hard_wrapped(lines: list[str]) -> bool:
    """One paragraph wrapped at a fixed width: every line but the last long, none very long,
    no headings or list items."""
    return (
        len(lines) >= 2
        and all(40 <= len(ln) <= 100 for ln in lines[:-1])
        and len(lines[-1]) <= 100
        and not any(re.match(r"#|[-*+•]\s|\d{1,2}[.)]\s|>", ln) for ln in lines)
    )


def _title_ok(line: str) -> bool:
    s = line.strip()
    return bool(re.search(r"[^\W\d_]{2}", s)) and not (
        _FURNITURE.match(s) or _BYLINE.match(s) or URL.search(s) or EMAIL.search(s) or (len(s.split()) <= 8 and _DATE.search(s))
    )


def _site_suffix(title: str) -> str:
    """ "Heat pumps double | The Ledger" -> "Heat pumps double"."""
    return re.split(r"\s[|·–—-]\s(?=[^|·–—-]*$)", title)[0].strip() if re.search(r"\s[|·–—]\s", title) else title

