"""drafter.engines.offline.adapt: a post laid out for another platform, deterministically."""

from __future__ import annotations

import re

import pytest

from drafter.engines.offline.adapt import adapt_text
from drafter.models.platforms import PLATFORMS, platform
from drafter.models.post import Layout, Parts, assemble

SHORT = Parts(hook="Our library now opens at seven.", takeaways=["Commuters asked for it.", "Staff rotate shifts."],
              question="Would earlier hours change how you use yours?", hashtags=["#Libraries", "#CityLife", "#Reading"])
LONG = Parts(
    hook="We rebuilt our on-call rotation after a year of burned-out engineers and missed pages.",
    takeaways=[
        "Pages dropped by 62 percent once every alert had an owner, a runbook and a review date; the rest were "
        "deleted, merged or turned into tickets that someone reads in daylight, which is where they belonged.",
        "Shorter shifts helped more than money: a week on call became three days, with a named backup who takes "
        "over at once when the primary has been woken twice in one night, no questions asked.",
        "We publish the numbers every month at https://status.example.com/oncall-report-2026 so anyone can check "
        "whether the rotation is still humane, and the team votes on one change each quarter.",
    ],
    question="What is the one on-call rule your team would never give up again?",
    hashtags=["#OnCall", "#SiteReliability", "#EngineeringCulture", "#DevOps"],
)



def adapt(parts: Parts, target, *, numbering: bool = True, bullet: str = "•") -> list[str]:
    """The offline adaptation of the post these parts assemble into."""
    return adapt_text(assemble(parts, Layout(bullet=bullet)), target, numbering=numbering)

def words(posts: list[str]) -> list[str]:
    text = " ".join(re.sub(r"\n\n\d+/\d+$", "", p) for p in posts)
    return text.replace("•", " ").split()


def test_a_post_that_fits_is_one_post_with_the_platforms_hashtags() -> None:
    posts = adapt(SHORT, PLATFORMS["bluesky"])
    assert len(posts) == 1 and posts[0].startswith(SHORT.hook) and posts[0].endswith("#Libraries #CityLife")
    assert adapt(SHORT, PLATFORMS["threads"])[0].endswith("\n\n#Libraries")  # one topic tag on Threads


@pytest.mark.parametrize("name", ["x", "bluesky", "threads"])
def test_a_long_post_becomes_a_thread_whose_posts_all_fit(name: str) -> None:
    target = PLATFORMS[name]
    posts = adapt(LONG, target)
    assert len(posts) > 1
    assert all(target.count(p) <= target.limit for p in posts), [target.count(p) for p in posts]
    assert [p.rsplit("\n\n", 1)[1] for p in posts] == [f"{i}/{len(posts)}" for i in range(1, len(posts) + 1)]
    assert posts[0].startswith(LONG.hook) and LONG.question in posts[-1]
    # nothing lost, nothing cut inside a word, the URL and the hashtags whole
    kept = LONG.hashtags[: target.hashtags_max]
    expected = words(["\n\n".join([LONG.hook, *LONG.takeaways, LONG.question, " ".join(kept)])])
    assert words(posts) == expected
    assert any("https://status.example.com/oncall-report-2026" in p for p in posts)


def test_numbering_off_and_a_small_server_limit() -> None:
    small = platform("mastodon", mastodon_limit=120)
    posts = adapt(LONG, small, numbering=False)
    assert len(posts) > 3 and not any(re.search(r"\d+/\d+$", p) for p in posts)
    assert all(small.count(p) <= 120 for p in posts)
    assert adapt(LONG, small, numbering=False) == posts  # deterministic


def test_linkedin_has_no_threads_so_the_post_stays_one() -> None:
    long_parts = LONG.replace("takeaways", LONG.takeaways * 12)
    posts = adapt(long_parts, PLATFORMS["linkedin"])
    assert len(posts) == 1 and PLATFORMS["linkedin"].count(posts[0]) > 3000


@pytest.mark.parametrize("name", ["x", "bluesky"])
def test_the_numbering_is_counted_when_posts_are_full(name: str) -> None:
    """A run of words with no punctuation fills every post to the brim: the "i/n" label must fit too."""
    target = PLATFORMS[name]
    tight = SHORT.replace("takeaways", [" ".join(f"w{i}" for i in range(600))])
    posts = adapt(tight, target)
    assert len(posts) >= 10 and all(target.count(p) <= target.limit for p in posts)
    assert max(target.count(p) for p in posts) >= target.limit - 6  # they really are full


@pytest.mark.parametrize("name", ["x", "bluesky", "threads", "mastodon"])
def test_a_sentence_longer_than_a_post_is_cut_between_words_never_inside_a_url_or_hashtag(name: str) -> None:
    """No sentence end and no clause boundary to cut at: the cut falls between words, and the
    URL and the hashtag in the middle stay whole."""
    filler = " ".join(f"word{i}" for i in range(90))
    text = (f"Hook without a stop {filler} see https://example.com/a/very/long/path/to/the-report-2026 "
            f"and #CamelCaseTag then {filler} the end")
    target = platform(name)
    posts = adapt_text(text, target, numbering=False)
    assert len(posts) > 1 and all(target.count(p) <= target.limit for p in posts)
    assert " ".join(posts).split() == text.split()
    assert any("https://example.com/a/very/long/path/to/the-report-2026" in p for p in posts)


def test_split_posts_keeps_posts_that_fit_and_renumbers_after_cutting_the_long_one() -> None:
    from drafter.engines.offline.adapt import split_posts

    x = platform("x")
    long = " ".join(f"Sentence number {i} says one short thing." for i in range(20))
    posts = ["First post that fits. 1/3", long + " 2/3", "Last post asks a question? 3/3"]
    out = split_posts(posts, x, numbering=True)
    assert len(out) > 3 and all(x.count(p) <= x.limit for p in out)
    assert [p.rsplit("\n\n", 1)[1] for p in out] == [f"{i}/{len(out)}" for i in range(1, len(out) + 1)]
    assert out[0].startswith("First post that fits.") and "Last post asks a question?" in out[-1]
    assert " ".join(re.sub(r"\s*\d+/\d+$", "", p) for p in out).split() == " ".join(
        re.sub(r"\s*\d+/\d+$", "", p) for p in posts).split()
    assert split_posts(["fits 1/2", "fits too 2/2"], x) == ["fits 1/2", "fits too 2/2"]  # nothing over: untouched


def test_bluesky_splits_a_post_that_fits_300_graphemes_but_not_3000_bytes() -> None:
    """Bluesky's lexicon caps a post at 3,000 bytes too: 120 family emoji (25 bytes each, one
    grapheme each) fit 300 graphemes but not 3,000 bytes, so the version becomes a thread whose
    every post fits both limits."""
    from drafter.lint.platform import check_posts

    bluesky = platform("bluesky")
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 25 bytes, one grapheme
    text = "Families came. " + " ".join([family] * 120)  # 254 graphemes, 3,134 bytes
    assert bluesky.count(text) <= bluesky.limit and not bluesky.fits(text)
    assert [f.rule for f in check_posts([text], bluesky)[0]] == ["platform-length"]
    posts = adapt_text(text, bluesky)
    assert len(posts) > 1 and all(bluesky.fits(p) for p in posts)
    assert not any(check_posts(posts, bluesky))


def test_bullets_stay_a_list_and_paragraphs_stay_apart_in_every_post() -> None:
    """Lines of one bulleted paragraph keep their single line breaks in a post (and in one post
    that fits); paragraphs keep their blank line; a thread may still break between two bullets."""
    text = ("Our library now opens at seven.\n\n• Commuters asked for it.\n• Staff rotate shifts.\n"
            "• The café opens too.\n\nWould earlier hours change how you use yours?\n\n#Libraries #CityLife")
    one = adapt_text(text, platform("mastodon"))
    assert one == [text]  # it fits: the same layout (Mastodon keeps both tags)
    small = platform("mastodon", mastodon_limit=60)
    thread = adapt_text(text, small, numbering=False)
    assert len(thread) > 2 and all(small.fits(p) for p in thread)
    assert "• Staff rotate shifts.\n• The café opens too." in thread  # two bullets in one post: one list
    assert thread[0].endswith("\n\n• Commuters asked for it.")  # a paragraph keeps its blank line; a post ends between bullets


JAPANESE = "東京都の中央図書館は五月から日曜日も開館すると発表しました。"


@pytest.mark.parametrize("name", ["x", "bluesky", "threads"])
def test_japanese_and_chinese_are_cut_at_their_own_sentence_ends_then_between_characters(name: str) -> None:
    """CJK has no spaces: a post over the limit is cut after 。(then 、，), and a sentence longer
    than a post between two characters, never adding a space or a line break inside a sentence."""
    target = platform(name)
    text = JAPANESE * 12 + "\n\n" + "区は、来年から、すべての分館で、同じ時間に開館する予定で、" * 6 + "詳細は未定です。"
    posts = adapt_text(text, target, numbering=False)
    assert len(posts) > 1 and all(target.fits(p) for p in posts), [target.count(p) for p in posts]
    assert "".join(p.replace("\n", "") for p in posts) == text.replace("\n", "")
    assert all(p.endswith(("。", "、")) for p in posts)  # every cut after a full stop or a comma
    long_one = "長い文" * 200  # 600 characters, no punctuation at all
    pieces = adapt_text(long_one, target, numbering=False)
    assert len(pieces) > 1 and all(target.fits(p) for p in pieces) and "".join(pieces) == long_one


def test_pieces_of_one_sentence_sharing_a_post_stay_one_paragraph() -> None:
    """A sentence cut at clauses whose last piece shares a post with the next sentence is joined
    with the space it had, not a blank line (a paragraph break inside a sentence)."""
    small = platform("mastodon", mastodon_limit=60)
    text = ("Grandparents, parents and children all came, and the room was full by nine, "
            "which nobody expected. Then it rained.")
    posts = adapt_text(text, small, numbering=False)
    assert all(small.fits(p) for p in posts) and len(posts) > 1
    assert not any("\n" in p for p in posts)  # one paragraph in, no line break out
    assert " ".join(posts) == text


def test_threads_splits_a_post_with_more_links_than_it_allows() -> None:
    """Threads takes at most 5 links a post: seven short links that fit 500 characters become two
    posts, each within the limit of links, every link whole."""
    from drafter.lint.platform import check_posts

    threads = platform("threads")
    links = [f"https://ex.com/{i}" for i in range(7)]
    text = "Sources: " + " ".join(f"see {u} here." for u in links)
    assert threads.count(text) <= threads.limit and not threads.fits(text)
    posts = adapt_text(text, threads)
    assert len(posts) == 2 and all(threads.fits(p) for p in posts) and not any(check_posts(posts, threads))
    assert sum(p.count("https://") for p in posts) == 7 and all(u in " ".join(posts) for u in links)
