"""The checks a platform's own version gets, post by post: its length by the platform's own
count, hashtags against the platform's habit (each post is read on its own: the habit is per
post), links where the platform limits them, no empty post, and no [placeholder] left. (LinkedIn's post, the draft itself, gets the whole linter, fold rules included:
LinkedIn is the only platform with a fold.)

Each finding is a :class:`~.report.Finding` whose offsets point into that post's text.
"""

from __future__ import annotations

from ..models.platforms import Platform
from ..models.text_rules import HASHTAG, link_spans
from .report import Finding, sort_findings
from .rules_style import PLACEHOLDER

WHY = {
    "platform-length": "The platform refuses a post over its limit (or cuts it), so the end would be lost.",
    "platform-hashtags": "Each platform has its own habit: more tags than its readers expect reads as spam "
                         "(Threads shows only one topic tag).",
    "platform-links": "The platform refuses a post with more links than it allows.",
    "platform-empty": "An empty post cannot be published; it would break the thread.",
    "platform-placeholder": "A [bracketed placeholder] would be published as it is; fill it in first.",
}
"""Why each platform rule matters (every finding carries its line)."""


def _finding(rule: str, severity: str, message: str, text: str, start: int, end: int) -> Finding:
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return Finding(rule=rule, severity=severity, message=message, start=start, end=end, why=WHY[rule],  # type: ignore[arg-type]
                   line=line, col=col)


def _offset_at_count(text: str, platform: Platform, limit: int) -> int:
    """The first offset where the platform's count of ``text[:offset]`` passes ``limit``."""
    low, high = 0, len(text)
    while low < high:  # the count grows with the prefix: bisect (about 12 counts for a post)
        mid = (low + high) // 2
        if platform.count(text[:mid]) > limit:
            high = mid
        else:
            low = mid + 1
    return max(0, low - 1)


def check_posts(posts: list[str], platform: Platform) -> list[list[Finding]]:
    """Findings for each post of ``platform``'s version, in the posts' order."""
    out: list[list[Finding]] = []
    many = len(posts) > 1
    for i, text in enumerate(posts, 1):
        found: list[Finding] = []
        which = f"post {i} of {len(posts)}" if many else "post"
        if not text.strip():
            found.append(_finding("platform-empty", "error", f"{which} is empty", text, 0, len(text)))
        count = platform.count(text)
        if count > platform.limit:
            cut = _offset_at_count(text, platform, platform.limit)
            found.append(_finding(
                "platform-length", "error",
                f"{which} is {count:,} {platform.counts.split(' (')[0]}; {platform.label} allows "
                f"{platform.limit:,} (cut {count - platform.limit:,})", text, cut, len(text)))
        over_bytes = platform.over_bytes(text)
        if over_bytes:
            found.append(_finding(
                "platform-length", "error",
                f"{which} is {platform.byte_limit + over_bytes:,} bytes of UTF-8; {platform.label} allows "
                f"{platform.byte_limit:,} (emoji take 4 bytes or more each)", text, 0, len(text)))
        tags = list(HASHTAG.finditer(text))
        if len(tags) > platform.hashtags_max:
            found.append(_finding(
                "platform-hashtags", "warning",
                f"{which} has {len(tags)} hashtags; {platform.label}: {platform.hashtag_advice}",
                text, tags[platform.hashtags_max].start(), tags[-1].end()))
        for m in PLACEHOLDER.finditer(text):
            found.append(_finding("platform-placeholder", "warning",
                                  f"{which}: placeholder left to fill in: {m.group()[:60]}", text, m.start(), m.end()))
        if platform.links_max is not None:
            links = link_spans(text)
            if len(links) > platform.links_max:
                start, _ = links[platform.links_max]
                found.append(_finding(
                    "platform-links", "error",
                    f"{which} has {len(links)} links; {platform.label} allows {platform.links_max}",
                    text, start, links[-1][1]))
        out.append(sort_findings(found))
    return out
