"""The platforms a finished post is copied to, as data: limits, how each counts, hashtag habits.

Each platform counts text its own way (sources in ``README.md``, *Platforms*):

- **LinkedIn**: characters (code points), 3,000 at most, with the "see more" fold.
- **X**: twitter-text v3's weighted length (NFC first; most Latin, punctuation and symbols weigh
  1, other code points such as CJK weigh 2; an emoji, ZWJ sequences and flags included, weighs 2;
  every URL, bare domains too, weighs 23), 280 at most. Counted by ``twitter-text-parser``, which
  implements that configuration; ``tests/test_platforms.py`` checks it against cases built here.
- **Bluesky**: grapheme clusters, 300 at most.
- **Mastodon**: grapheme clusters, every ``http(s)://`` URL as 23 and a mention as its user name
  only; 500 by default, but each server sets its own (the ``mastodon_limit`` of a caller).
- **Threads**: characters, an emoji counting its UTF-8 bytes (Meta's Threads API), 500 at most.

Pure functions; ``twitter_text`` and ``regex`` are imported when a count needs them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Literal, get_args

PlatformName = Literal["linkedin", "x", "threads", "bluesky", "mastodon"]
PLATFORM_NAMES: tuple[PlatformName, ...] = get_args(PlatformName)
"""Every platform, in the order drafter shows them (LinkedIn, the post of record, first)."""

LINKEDIN_LIMIT = 3000
"""LinkedIn rejects longer posts (the API: "exceeded the maximum allowed (3000 characters)")."""
LINKEDIN_FOLD_DESKTOP = 210
"""Estimate: characters LinkedIn shows before "…see more" on desktop."""
LINKEDIN_FOLD_MOBILE = 140
"""Estimate: characters LinkedIn shows before "…see more" on a phone."""

URL_WEIGHT = 23
"""What one URL weighs on X and on Mastodon, whatever its length."""


@lru_cache(maxsize=1)
def _graphemes() -> Any:
    import regex

    return regex.compile(r"\X")


@lru_cache(maxsize=1)
def _pictographic() -> Any:
    import regex

    return regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3")


@lru_cache(maxsize=1)
def _remote_mention() -> Any:
    import regex

    return regex.compile(r"(?<![\w@])(@\w+)@[\w.-]+\w")  # @user@server.example counts as @user


def count_characters(text: str) -> int:
    """Code points: what LinkedIn counts (whether it counts UTF-16 units instead is unverified)."""
    return len(text)


def count_graphemes(text: str) -> int:
    """Grapheme clusters (what a reader sees as one character): ``é`` written as e + a combining
    accent is one, a family emoji joined by ZWJ is one, a flag is one."""
    if text.isascii() and "\r\n" not in text:
        return len(text)  # every ASCII code point is a cluster of its own, but CR LF
    return len(_graphemes().findall(text))


_X_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
"""twitter-text v3's ranges of code points that weigh 1 (every other code point weighs 2)."""
_URL_HINT = re.compile(r"\.[^\W\d_]")
"""A dot before a letter: where a URL could be (twitter-text finds bare domains too)."""


@lru_cache(maxsize=4096)
def _x_weight(ch: str) -> int | None:
    """What one code point weighs on X; None when it may be part of an emoji (a pictograph, a
    flag's letter, a keycap, VS16), which only twitter-text's parser counts right."""
    if ch in "\u20e3\ufe0f" or _pictographic().match(ch):
        return None
    return 1 if any(lo <= ord(ch) <= hi for lo, hi in _X_LIGHT) else 2


def count_x(text: str) -> int:
    """X's weighted length (twitter-text v3): NFC, then each code point by its range's weight,
    every URL 23 and every emoji 2. Text where a URL or an emoji may be goes through
    ``twitter-text-parser``; the rest (most of a post; a call is ~1.5 ms cheaper) is summed here
    by the same ranges (``tests/test_platforms.py`` checks that both agree on any text)."""
    normal = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    if not _URL_HINT.search(normal):
        if normal.isascii():
            return len(normal)
        total = len(normal)
        for ch in set(normal):
            weight = 1 if ch < "\x80" else _x_weight(ch)
            if weight is None:
                break
            if weight == 2:
                total += normal.count(ch)
        else:
            return total
    from twitter_text import parse_tweet

    return int(parse_tweet(text).weightedLength)


def _mastodon_countable(text: str) -> str:
    if "://" not in text:  # only http(s) URLs weigh 23 on Mastodon
        return _remote_mention().sub(r"\1", text) if "@" in text else text
    from twitter_text import extract_urls_with_indices

    out, at = [], 0
    for found in extract_urls_with_indices(text, extract_urls_without_protocol=False):
        start, end = found["indices"]
        out.append(text[at:start])
        out.append("x" * URL_WEIGHT)
        at = end
    out.append(text[at:])
    return _remote_mention().sub(r"\1", "".join(out))


def count_mastodon(text: str) -> int:
    """Graphemes, every http(s) URL as 23, a mention as its user name only."""
    return count_graphemes(_mastodon_countable(text))


def count_threads(text: str) -> int:
    """Characters, except that an emoji counts the UTF-8 bytes of its code points."""
    pictographic = _pictographic()
    if not pictographic.search(text):
        return len(text)
    total = 0
    for cluster in _graphemes().findall(text):
        if pictographic.search(cluster):
            total += len(cluster.encode("utf-8"))
        else:
            total += len(cluster)
    return total


@dataclass(frozen=True)
class Platform:
    """One platform's rules, as data."""

    name: PlatformName
    label: str
    limit: int
    """The most a post may count, by :attr:`count`."""
    count: Callable[[str], int]
    counts: str
    """How it counts, in a few words (shown beside the count)."""
    hashtags_max: int
    """How many hashtags the platform's readers expect at most (its habit, not a hard limit)."""
    fold: tuple[int, int] | None = None
    """Where the "see more" fold falls (desktop, mobile), if the platform has one."""
    threads: bool = False
    """Whether a post that does not fit can continue as a thread of posts."""
    links_max: int | None = None
    """The most links one post may carry, where the platform limits them."""
    hashtag_advice: str = ""
    """The platform's hashtag habit in a few words (what its prompt and its linter say)."""
    byte_limit: int | None = None
    """The most UTF-8 bytes a post may take, where the platform also limits those (Bluesky: 3,000)."""

    def over_bytes(self, text: str) -> int:
        """UTF-8 bytes past :attr:`byte_limit` (0 when within it, or when there is none)."""
        if self.byte_limit is None:
            return 0
        return max(0, len(text.encode("utf-8", "surrogatepass")) - self.byte_limit)

    def over_links(self, text: str) -> int:
        """Links past :attr:`links_max` (0 when within it, or when there is none)."""
        if self.links_max is None or "://" not in text and "www." not in text.lower():
            return 0
        from .text_rules import link_spans

        return max(0, len(link_spans(text)) - self.links_max)

    def fits(self, text: str) -> bool:
        """Whether ``text`` can be one post: its count, and its bytes and links where the platform limits them."""
        return self.count(text) <= self.limit and not self.over_bytes(text) and not self.over_links(text)


MASTODON_LIMIT = 500
"""Mastodon's default; a server's own is ``configuration.statuses.max_characters``."""

PLATFORMS: dict[PlatformName, Platform] = {
    "linkedin": Platform("linkedin", "LinkedIn", LINKEDIN_LIMIT, count_characters, "characters", 5,
                         fold=(LINKEDIN_FOLD_DESKTOP, LINKEDIN_FOLD_MOBILE),
                         hashtag_advice="three to five CamelCase hashtags on the last line"),
    "x": Platform("x", "X", 280, count_x, "weighted characters (URLs 23, emoji and CJK 2)", 2, threads=True,
                  hashtag_advice="one or two hashtags at most, CamelCase, or none"),
    "threads": Platform("threads", "Threads", 500, count_threads, "characters (emoji: their UTF-8 bytes)", 1,
                        threads=True, links_max=5,
                        hashtag_advice="one topic tag a post (1-50 characters, no '.' or '&')"),
    "bluesky": Platform("bluesky", "Bluesky", 300, count_graphemes, "graphemes", 2, threads=True, byte_limit=3000,
                        hashtag_advice="one or two CamelCase hashtags, or none"),
    "mastodon": Platform("mastodon", "Mastodon", MASTODON_LIMIT, count_mastodon, "graphemes (URLs 23)", 3,
                         threads=True,
                         hashtag_advice="two or three CamelCase hashtags of letters, digits and '_' (screen readers read CamelCase right)"),
}


def platform(name: str, *, mastodon_limit: int | None = None) -> Platform:
    """The platform called ``name`` (any case; Mastodon with the server's own limit when given).
    ValueError (one line, naming the platforms) for any other name."""
    try:
        found = PLATFORMS[name.strip().lower()]  # type: ignore[index]
    except KeyError:
        raise ValueError(f"no platform {name!r} (platforms: {', '.join(PLATFORMS)}, or all)") from None
    name = found.name
    if name == "mastodon" and mastodon_limit is not None:
        from dataclasses import replace

        return replace(found, limit=mastodon_limit)
    return found


def platforms(names: "list[str] | tuple[str, ...]", *, mastodon_limit: int | None = None) -> list[Platform]:
    """The platforms named (``all``: every one), in :data:`PLATFORM_NAMES` order, each once."""
    wanted: set[str] = set()
    for name in names:
        if name.strip().lower() == "all":
            wanted.update(PLATFORM_NAMES)
        else:
            wanted.add(platform(name).name)
    return [platform(n, mastodon_limit=mastodon_limit) for n in PLATFORM_NAMES if n in wanted]
