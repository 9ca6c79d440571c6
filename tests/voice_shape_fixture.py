"""A hand-built voice for the offline and lint tests: its profile is written here, not computed
(the profile builder is tested on its own), so each test knows the values it checks."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from drafter.models.voice import Profile, Spread, Voice, VoicePost, post_hash
from drafter.storage.voice import save_voice

UPDATED = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)

POSTS = [
    "Our release train left on time for the ninth week running.\n\n→ Small batches merged daily\n"
    "→ One owner per release\n→ Rollback rehearsed on Fridays\n\nHonestly, the boring rota was the game-changer.\n\n"
    "Curious: what keeps your releases dull?\n\n#releases #teams",
    "I rewrote our on-call handbook in a weekend.\n\n→ Pages now name a first step\n→ Every alert links a runbook\n"
    "→ Quiet hours are real\n\nThe game-changer was deleting half the alerts.\n\nCurious: which alert would you "
    "delete first?\n\n#oncall #sre",
    "A customer call taught me more than the dashboard did.\n\n→ They never saw the banner\n→ The export was the "
    "feature\n→ Support knew it already\n\nCurious: when did a call last change your roadmap?\n\n#product #customers",
]


def spread(low: float, median: float, high: float) -> Spread:
    return Spread(low=low, median=median, high=high)


def profile(**changes: Any) -> Profile:
    """An author with lists marked "→", three items, two lower-case hashtags at the end, no
    emoji, closing with "Curious:" questions, posts of 250-400 characters, hooks of 40-60."""
    values: dict[str, Any] = dict(
        posts=12, first_date=datetime(2025, 1, 6, tzinfo=timezone.utc), last_date=UPDATED,
        chars=spread(250, 320, 400), lines=spread(6, 7, 8), paragraphs=spread(4, 5, 5),
        hook_chars=spread(40, 50, 60), sentence_words=spread(5, 9, 14), bullets=0.9, bullet_marker="→",
        takeaways=3, emoji=spread(0, 0, 0), hashtags=spread(2, 2, 2), hashtag_case="lower", hashtag_place="end",
        question_close=0.9, closing="Curious:", openers=["I", "Our"], phrases=["release train"],
    )
    values.update(changes)
    return Profile(**values)


def voice(texts: list[str] | None = None, **changes: Any) -> Voice:
    """The fixture voice with ``texts`` as its posts (default :data:`POSTS`) and the profile
    with ``changes``."""
    texts = POSTS if texts is None else texts
    return Voice(updated=UPDATED, profile=profile(**changes), posts=[
        VoicePost(id=post_hash(t), text=t, date=UPDATED, origin="folder", location=f"post-{i}.txt")
        for i, t in enumerate(texts)])


def write_voice(workspace: Path, texts: list[str] | None = None, **changes: Any) -> Voice:
    """The voice saved as ``<workspace>/voice.json``, the way an import leaves it."""
    made = voice(texts, **changes)
    save_voice(workspace / "voice.json", made)
    return made
