"""The voice in readable lines (label, value): what ``drafter voice show`` prints and what the
app's voice dialog shows, one definition for both."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..common.safe_text import one_line

if TYPE_CHECKING:
    from .voice import Profile, Spread, Voice

_ORIGINS = {"linkedin": "from LinkedIn", "folder": "from files", "published": "published drafts"}


def summary(stored: "Voice", where: str, *, enabled: bool = True) -> list[tuple[str, str]]:
    """The voice in readable lines (label, value): what ``drafter voice show`` prints."""
    p = stored.profile
    origins: dict[str, int] = {}
    for post in stored.posts:
        origins[post.origin] = origins.get(post.origin, 0) + 1
    kinds = ", ".join(f"{n} {_ORIGINS[o]}" for o, n in origins.items())
    dates = (f", {p.first_date:%Y-%m-%d} to {p.last_date:%Y-%m-%d}" if p.first_date and p.last_date else "")
    rows = [
        ("file", where + ("" if enabled else " (not used: the voice setting is off)")),
        ("posts", f"{p.posts} ({kinds}){dates}"),
        ("length", f"{_range(p.chars)} characters, {_range(p.lines, whole=True)} lines"),
        ("hook", f"{_range(p.hook_chars)} characters"),
        ("paragraphs", _range(p.paragraphs, whole=True)),
        ("sentences", f"{_range(p.sentence_words)} words"),
        ("lists", _lists(p)),
        ("emoji", "none" if p.emoji.high == 0 else f"{_range(p.emoji, whole=True)} a post"),
        ("hashtags", _hashtags(p)),
        ("closing", _closing(p)),
    ]
    if p.openers:
        rows.append(("openers", ", ".join(one_line(w) for w in p.openers)))
    if p.phrases:
        rows.append(("phrases", ", ".join(one_line(w) for w in p.phrases)))
    return rows


def _n(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _range(s: "Spread", *, whole: bool = False) -> str:
    """"900–1,300 (median 1,100)"; one number when the range is one. ``whole``: a count of things
    (lines, paragraphs, emoji), said in whole numbers ("2–4", not "2.5–4")."""
    show = (lambda v: f"{round(v):,}") if whole else _n
    low, median, high = show(s.low), show(s.median), show(s.high)
    if low == high:
        return median
    return f"{low}–{high} (median {median})"


def _lists(p: "Profile") -> str:
    if not p.bullet_marker:
        return "none"
    items = f", usually {p.takeaways} items" if p.takeaways else ""
    return f"in {p.bullets:.0%} of posts, marker {p.bullet_marker}{items}"


def _hashtags(p: "Profile") -> str:
    if p.hashtags.high == 0:
        return "none"
    case = {"camel": "#CamelCase", "lower": "#lowercase", "upper": "#UPPERCASE", "mixed": "mixed case"}
    where = {"end": "in a last block", "inline": "inside sentences", "none": ""}
    return ", ".join(x for x in (f"{_range(p.hashtags, whole=True)} a post", case.get(p.hashtag_case or "", ""),
                                 where[p.hashtag_place]) if x)


def _closing(p: "Profile") -> str:
    if p.question_close == 0:
        return "never a question"
    usual = f', usually starting "{one_line(p.closing)}"' if p.closing else ""
    share = "under 1%" if p.question_close < 0.005 else f"{p.question_close:.0%}"
    return f"a question in {share} of posts{usual}"
