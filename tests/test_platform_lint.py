"""drafter.lint.platform: each platform version's checks, post by post, with the platform's own count."""

from __future__ import annotations

from drafter.lint.platform import check_posts
from drafter.models.platforms import platform


def rules(posts: list[str], name: str, **kw: int) -> list[list[str]]:
    return [[f.rule for f in found] for found in check_posts(posts, platform(name, **kw))]


def test_length_by_the_platforms_own_count_points_at_the_part_past_the_limit() -> None:
    x = platform("x")
    post = "日本語" * 50  # 150 code points, weighted 300 on X
    [found] = check_posts([post], x)
    assert [f.rule for f in found] == ["platform-length"] and "300 weighted characters" in found[0].message
    assert x.count(post[: found[0].start]) <= 280 < x.count(post[: found[0].start + 1])
    assert rules([post], "bluesky") == [[]]  # 150 graphemes fit Bluesky


def test_hashtags_are_counted_per_post_as_each_post_is_read_on_its_own() -> None:
    assert rules(["Post one #Alpha", "Post two #Beta"], "threads") == [[], []]  # one topic tag each
    assert rules(["Post one #Alpha #Beta", "Post two"], "threads") == [["platform-hashtags"], []]
    [[found], []] = check_posts(["Tags #A #B #C", "none"], platform("x"))
    assert found.message.startswith("post 1 of 2 has 3 hashtags; X:")
    assert "Tags #A #B #C"[found.start:found.end] == "#C"


def test_links_empty_posts_and_placeholders() -> None:
    links = " ".join(f"https://example.com/{i}" for i in range(6))
    assert rules([f"Read {links}"], "threads") == [["platform-links"]]
    assert rules([f"Read {links}"], "mastodon") == [[]]  # Mastodon sets no link limit
    assert rules(["Fine", "  "], "bluesky") == [[], ["platform-empty"]]
    [[found]] = check_posts(["We learned [what only you know] last year."], platform("mastodon"))
    assert found.rule == "platform-placeholder" and found.severity == "warning"
    assert "We learned [what only you know] last year."[found.start:found.end] == "[what only you know]"
