"""drafter.models.platforms: each platform's count, on cases built by hand from its published rules.

Each expected figure is worked out here from the rule it names (not read off the library), so a
counting library that drifts from the rules fails these tests.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drafter.models.platforms import PLATFORMS, URL_WEIGHT, count_x, platform
from drafter.models.post import FOLD_DESKTOP, FOLD_MOBILE, MAX_CHARS

FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"  # man ZWJ woman ZWJ girl ZWJ boy
THUMB_MEDIUM = "\U0001F44D\U0001F3FD"  # thumbs up + skin tone modifier (type 4)
FLAG_FR = "\U0001F1EB\U0001F1F7"  # regional indicators F + R
KEYCAP_1 = "1\ufe0f\u20e3"
DECOMPOSED = "cafe\u0301"  # e + combining acute accent: NFC makes it "café"
BOLD = "\U0001D5EF\U0001D5FC\U0001D5F9\U0001D5F1"  # mathematical sans-serif bold "bold"


X_CASES = [
    # (text, weighted length, why) — twitter-text v3: weight 1 for U+0000-10FF, U+2000-200D,
    # U+2010-201F, U+2032-2037; 2 for every other code point; an emoji (sequence) 2; a URL 23; NFC first
    ("hello", 5, "ASCII letters weigh 1 each"),
    ("x" * 280, 280, "the limit itself"),
    ("日本語", 6, "CJK is outside the weight-1 ranges: 2 each"),
    ("café", 4, "é (U+00E9) is inside U+0000-10FF"),
    (DECOMPOSED, 4, "NFC turns e + U+0301 into one é before counting"),
    ("a \u2014 b", 5, "an em dash (U+2014) is inside U+2010-201F"),
    ("\u201cok\u201d", 4, "curly quotes (U+201C/D) are inside U+2010-201F"),
    (BOLD, 8, "Unicode 'bold' letters (U+1D5xx) weigh 2 each"),
    (FAMILY, 2, "a ZWJ family sequence is one emoji: 2"),
    (THUMB_MEDIUM, 2, "an emoji with a skin tone is one emoji: 2"),
    (FLAG_FR, 2, "a flag (two regional indicators) is one emoji: 2"),
    ("Hi \U0001F44B 日本", 10, "H i space (3) + wave (2) + space (1) + 2 CJK (4)"),
    ("see example.com now", 4 + URL_WEIGHT + 4, "a bare domain is a URL: 23"),
    ("https://example.com/a/very/long/path?q=1", URL_WEIGHT, "a URL weighs 23 whatever its length"),
    ("a https://a.com/x b https://b.org/y", 2 + 23 + 3 + 23, "two URLs, 23 each"),
    ("see https://a.example/x", 4 + 19, "twitter-text knows a URL by its TLD: .example is none, so it is text"),
]


@pytest.mark.parametrize(("text", "expected", "why"), X_CASES, ids=[c[2] for c in X_CASES])
def test_x_weighted_count(text: str, expected: int, why: str) -> None:
    assert PLATFORMS["x"].count(text) == expected, why


GRAPHEME_CASES = [
    ("hello", 5, "one grapheme per ASCII letter"),
    (DECOMPOSED, 4, "e + combining accent is one grapheme"),
    (FAMILY, 1, "a ZWJ sequence is one grapheme"),
    (THUMB_MEDIUM, 1, "emoji + skin tone is one grapheme"),
    (FLAG_FR + FLAG_FR, 2, "each flag is one grapheme"),
    ("日本語", 3, "CJK: one grapheme each"),
    ("https://example.com", 19, "Bluesky counts a link as its text"),
]


@pytest.mark.parametrize(("text", "expected", "why"), GRAPHEME_CASES, ids=[c[2] for c in GRAPHEME_CASES])
def test_bluesky_counts_graphemes(text: str, expected: int, why: str) -> None:
    assert PLATFORMS["bluesky"].count(text) == expected, why


MASTODON_CASES = [
    ("see https://example.com/a/very/long/path now", 4 + URL_WEIGHT + 4, "an http(s) URL counts 23"),
    ("see example.com now", 19, "a bare domain is not a link on Mastodon: counted as text"),
    ("hi @alice@social.example", 9, "a remote mention counts as @alice"),
    (FAMILY + " ok", 4, "graphemes: the family is one"),
    (DECOMPOSED, 4, "graphemes: e + accent is one"),
]


@pytest.mark.parametrize(("text", "expected", "why"), MASTODON_CASES, ids=[c[2] for c in MASTODON_CASES])
def test_mastodon_count(text: str, expected: int, why: str) -> None:
    assert PLATFORMS["mastodon"].count(text) == expected, why


THREADS_CASES = [
    ("hello", 5, "characters"),
    ("日本語", 3, "CJK: one character each"),
    ("\U0001F44D", 4, "an emoji counts its UTF-8 bytes: U+1F44D is 4"),
    (FAMILY, 4 * 4 + 3 * 3, "four 4-byte people and three 3-byte ZWJs"),
    (FLAG_FR, 8, "two 4-byte regional indicators"),
    (KEYCAP_1, 1 + 3 + 3, "a keycap is an emoji: 1 + U+FE0F (3) + U+20E3 (3)"),
]


@pytest.mark.parametrize(("text", "expected", "why"), THREADS_CASES, ids=[c[2] for c in THREADS_CASES])
def test_threads_count(text: str, expected: int, why: str) -> None:
    assert PLATFORMS["threads"].count(text) == expected, why


def test_linkedin_counts_code_points_and_keeps_its_limit_and_fold() -> None:
    linkedin = PLATFORMS["linkedin"]
    assert linkedin.count(DECOMPOSED) == 5 and linkedin.count(THUMB_MEDIUM) == 2
    assert linkedin.limit == MAX_CHARS == 3000 and linkedin.fold == (FOLD_DESKTOP, FOLD_MOBILE)


def test_limits_and_habits_are_the_published_ones() -> None:
    assert {p.name: p.limit for p in PLATFORMS.values()} == {
        "linkedin": 3000, "x": 280, "threads": 500, "bluesky": 300, "mastodon": 500}
    assert PLATFORMS["threads"].hashtags_max == 1 and PLATFORMS["threads"].links_max == 5
    assert [p.name for p in PLATFORMS.values() if p.fold] == ["linkedin"]
    assert not PLATFORMS["linkedin"].threads and all(p.threads for n, p in PLATFORMS.items() if n != "linkedin")


def test_a_mastodon_server_sets_its_own_limit_and_an_unknown_platform_is_named() -> None:
    assert platform("mastodon", mastodon_limit=11_000).limit == 11_000
    assert platform("mastodon").limit == 500 and platform("x", mastodon_limit=9).limit == 280
    with pytest.raises(ValueError, match="no platform 'myspace' \\(platforms: linkedin, x, threads"):
        platform("myspace")


# -- X: drafter's own sum agrees with twitter-text-parser ---------------------------------------
_X_ALPHABET = ("abc XYZ 019 .,;:!?'\"()-_/#@\n\r\t" "éüßñçØ" "ـعربى" "Ωπ" "Жж" "中文日本語한국어" "ｶﾀｶﾅ"
               "•·–—‘’“”…′″‰" "\u200b\u200c\u200d\u2060" "\u0301\u0308" "©®™‼⁉↔" "😀👍🏽👨‍👩‍👧🇫🇷1️⃣#️⃣☺️✈"
               "\U0001f9d1\u200d\U0001f4bb" "ℹ️⌚" "\u3000\u00a0")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_X_ALPHABET, max_size=60))
def test_count_x_matches_twitter_text_on_any_text(text: str) -> None:
    from twitter_text import parse_tweet

    assert count_x(text) == parse_tweet(text).weightedLength


@pytest.mark.parametrize("text", [
    "Plain ASCII post with a list:\n- one\n- two\n\n#Tag",
    "• A bullet weighs two — and so does an em dash",
    "Prices rose 3.5 percent; see example.com or www.example.org/report",
    "Café, naïve, résumé: one each after NFC (e\u0301 too)",
    "Emoji ©️ and ™ and 👍🏽 in one line",
])
def test_count_x_matches_twitter_text_on_post_like_text(text: str) -> None:
    from twitter_text import parse_tweet

    assert count_x(text) == parse_tweet(text).weightedLength


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_X_ALPHABET, max_size=60))
def test_the_quick_paths_of_every_count_agree_with_the_full_count(text: str) -> None:
    """Graphemes, Threads and Mastodon skip work on plain text: the answer is the full count's."""
    from drafter.models import platforms as p

    clusters = p._graphemes().findall(text)
    assert p.count_graphemes(text) == len(clusters)
    assert p.count_threads(text) == sum(len(c.encode()) if p._pictographic().search(c) else len(c) for c in clusters)
    with_url = f"{text} https://example.com/{len(text)}"
    assert p.count_mastodon(with_url) == p.count_graphemes(p._mastodon_countable(with_url))
