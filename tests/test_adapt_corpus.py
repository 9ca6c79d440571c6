"""Issue 10's property: for every article in tests/corpus and every platform, the offline
adaptation of the offline draft fits the platform's limit post by post, leaves no post empty,
keeps the content in its order, and never splits inside a word, a URL or a hashtag.

The last two follow from one check: the words of the posts (without the "i/N" labels), read in
order, are the words of the LinkedIn post with only the hashtags past the platform's habit
left out. A cut inside a word or a URL would leave two fragments where there was one word.
Run with the numbering on and off, and with a server's own Mastodon limit.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from drafter.models.platforms import PLATFORM_NAMES
from drafter.models.post import assemble
from drafter.models.text_rules import HASHTAG
from drafter.service.drafting import Drafter
from drafter.settings.config import Settings
from drafter.settings.paths import Workspace
from drafter.sources.inputs import load

CORPUS = sorted((Path(__file__).parent / "corpus").iterdir())
_LABEL = re.compile(r"\n\n(\d+)/(\d+)$")


def drafter_for(tmp_path: Path, **settings: object) -> Drafter:
    return Drafter(Settings(engine="offline", **settings), Workspace(root=tmp_path, origin="--workspace"))


def linkedin_post(drafter: Drafter, article: Path) -> tuple[object, str]:
    job = drafter.prepare(load(article=str(article)))
    result, _ = asyncio.run(drafter.generate(job))
    return job, assemble(result.parts, job.layout)


def expected_words(text: str, keep_tags: int) -> list[str]:
    """The post's words with the hashtags past the first ``keep_tags`` of the last line left out."""
    paragraphs = text.strip().split("\n\n")
    last = paragraphs[-1].split()
    if last and all(HASHTAG.fullmatch(w) for w in last):
        paragraphs[-1] = " ".join(last[:keep_tags])
    return " ".join(paragraphs).split()


@pytest.mark.parametrize("numbering", [True, False], ids=["numbered", "plain"])
@pytest.mark.parametrize("article", CORPUS, ids=[p.name for p in CORPUS])
def test_every_offline_version_fits_keeps_order_and_never_cuts_a_word(tmp_path: Path, article: Path,
                                                                      numbering: bool) -> None:
    drafter = drafter_for(tmp_path, thread_numbering=numbering, mastodon_limit=400)
    job, text = linkedin_post(drafter, article)
    for platform in drafter.platforms(["all"]):
        version = asyncio.run(drafter.adapt(job, text, platform))
        posts = version.posts
        assert posts and all(p.strip() for p in posts), platform.name
        assert all(platform.count(p) <= platform.limit for p in posts), (platform.name, version.counts)
        assert version.fits and not any(version.findings()[i] and any(
            f.rule == "platform-length" for f in version.findings()[i]) for i in range(len(posts)))
        bodies = posts
        if numbering and len(posts) > 1:
            labels = [_LABEL.search(p) for p in posts]
            assert all(labels), platform.name
            assert [(int(m[1]), int(m[2])) for m in labels] == [(i, len(posts)) for i in range(1, len(posts) + 1)]
            bodies = [p[: m.start()] for p, m in zip(posts, labels)]
        elif not numbering:
            assert not any(_LABEL.search(p) for p in posts), platform.name
        got = " ".join(bodies).split()
        assert got == expected_words(text, platform.hashtags_max), platform.name
        if platform.name == "mastodon":
            assert platform.limit == 400


def test_the_corpus_makes_threads_on_every_threaded_platform(tmp_path: Path) -> None:
    """The property above is not vacuous: the long articles do become threads."""
    drafter = drafter_for(tmp_path)
    job, text = linkedin_post(drafter, Path(__file__).parent / "corpus" / "long-review-urban-trees.md")
    sizes = {p.name: len(asyncio.run(drafter.adapt(job, text, p)).posts) for p in drafter.platforms(["all"])}
    assert sizes["linkedin"] == 1 and all(sizes[name] > 1 for name in ("x", "bluesky")), sizes
    assert set(sizes) == set(PLATFORM_NAMES)


def test_a_word_longer_than_a_post_is_named_in_a_note_not_hidden(tmp_path: Path) -> None:
    """Nothing can split a 400-character word: the version keeps it whole, and a note says which
    post still does not fit and why (it used to say only that posts were split)."""
    drafter = drafter_for(tmp_path)
    job = drafter.prepare(load(topic="long words"))
    text = f"Start here {'x' * 400} end of it.\n\nAnother paragraph follows here."
    version = asyncio.run(drafter.adapt(job, text, drafter.platforms(["x"])[0]))
    assert not version.fits
    [note] = [n for n in version.notes if "still does not fit" in n]
    bad = [i for i, p in enumerate(version.posts, 1) if not version.platform.fits(p)]
    assert note.startswith(f"X: post {bad[0]}/{len(version.posts)} still does not fit (")
