"""A hand-written voice for the tests: ten posts by one author on distinct topics (two on
database backups, neither of them among the newest three), and a profile built by hand (the profile builder is tested elsewhere)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from drafter.models.voice import Profile, Spread, Voice, VoicePost, post_hash
from drafter.storage.voice import save_voice

POSTS = {
    "sourdough": (
        "My sourdough starter is older than my laptop.\n\n"
        "→ Feed it rye flour once a day and it forgives a lot.\n"
        "→ A warm oven light doubles its speed in winter.\n"
        "→ Bake when it smells like green apples, not vinegar.\n\n"
        "Curious: what do you bake on a Sunday morning?\n\n#sourdough #baking"
    ),
    "marathon": (
        "Training for a marathon taught me more about pacing than any project plan.\n\n"
        "→ Easy runs stay easy, even when the legs feel fresh.\n"
        "→ The long run on Sunday builds the race, not the intervals.\n"
        "→ Taper weeks feel lazy and they work.\n\n"
        "Curious: what is your slowest comfortable pace?\n\n#running #marathon"
    ),
    "tomatoes": (
        "Our balcony grew eleven kilos of tomatoes this summer.\n\n"
        "→ Cherry tomatoes beat the big ones in a pot.\n"
        "→ Water in the morning, deeply, every second day.\n"
        "→ Pinch the side shoots or you get leaves, not fruit.\n\n"
        "Curious: which vegetable surprised you in your garden?\n\n#gardening #tomatoes"
    ),
    "backups-restore": (
        "A backup you never restored is a hope, not a backup.\n\n"
        "Last quarter we ran a restore drill on the orders database.\n"
        "→ The nightly dump was fine, the restore took six hours.\n"
        "→ Nobody had the decryption key for the offsite copy.\n"
        "→ The runbook pointed at a server we retired in spring.\n\n"
        "Curious: when did your team last restore a backup on purpose?\n\n#backups #postgres"
    ),
    "interviews": (
        "We stopped asking candidates to reverse a linked list at the whiteboard.\n\n"
        "→ A paid take-home task of two hours, reviewed together.\n"
        "→ The same rubric for every interviewer.\n"
        "→ Feedback to every candidate within a week.\n\n"
        "Curious: what was the fairest interview you ever had?\n\n#hiring #interviews"
    ),
    "backups-retention": (
        "Most teams keep database backups for thirty days because the default says so.\n\n"
        "→ Ask legal how long snapshots of customer data may live.\n"
        "→ Keep one monthly backup in another region.\n"
        "→ Test that an expired backup really is deleted.\n\n"
        "Curious: who decides the retention of your database backups?\n\n#backups #dataretention"
    ),
    "pricing": (
        "We raised our subscription price by a fifth and churn went down.\n\n"
        "→ Customers read a higher price as a longer commitment from us.\n"
        "→ The annual plan got a real discount, not a token one.\n"
        "→ Support answered every pricing email within a day.\n\n"
        "Curious: have you ever paid more and stayed longer?\n\n#pricing #saas"
    ),
    "cycling": (
        "I cycle twelve kilometres to the office in every season.\n\n"
        "→ Mudguards matter more than the frame.\n"
        "→ Good lights in November, even at noon.\n"
        "→ A spare inner tube at the desk saves the day.\n\n"
        "Curious: how do you get to work when it rains?\n\n#cycling #commute"
    ),
    "speaking": (
        "My first conference talk had forty slides for twenty minutes.\n\n"
        "→ One idea per slide, said out loud before it appears.\n"
        "→ Rehearse standing up, with a timer, three times.\n"
        "→ End on the question you want the room to discuss.\n\n"
        "Curious: what is the best talk you saw this year?\n\n#publicspeaking #conferences"
    ),
    "chess": (
        "Playing chess with my daughter taught me to lose gracefully.\n\n"
        "→ Let the clock run, no taking back moves.\n"
        "→ Replay the game together afterwards.\n"
        "→ Praise the plan, not only the result.\n\n"
        "Curious: which game did you learn from your kids?\n\n#chess #parenting"
    ),
}
"""Topic key -> post text. The keys are for the tests; the posts are listed newest first."""

ARTICLE = (
    "Backups of a production database are only useful if a restore works. The operations team at "
    "Fernhill Logistics tested a full restore of their Postgres database in March. The restore "
    "took four hours, and the team found that the offsite backup copies were encrypted with a key "
    "nobody could find. They now run a restore drill every month and keep the backup keys in two places."
)
"""An article about database backups: the two backup posts are the most similar."""


def posts(texts: dict[str, str] | None = None) -> list[VoicePost]:
    """The posts, newest first (one day apart, the first on 2026-10-10)."""
    texts = POSTS if texts is None else texts
    return [VoicePost(id=post_hash(text), text=text, origin="folder", location=f"{key}.txt",
                      date=datetime(2026, 10, 10, 9, 30, tzinfo=timezone.utc) - timedelta(days=n))
            for n, (key, text) in enumerate(texts.items())]


def profile(n: int = 10) -> Profile:
    """What the posts share, written by hand."""
    return Profile(
        posts=n, chars=Spread(low=280, median=330, high=390), lines=Spread(low=6, median=7, high=7),
        paragraphs=Spread(low=4, median=4, high=4), hook_chars=Spread(low=45, median=60, high=80),
        sentence_words=Spread(low=6, median=9, high=14), bullets=1.0, bullet_marker="→", takeaways=3,
        emoji=Spread(low=0, median=0, high=0), hashtags=Spread(low=2, median=2, high=2),
        hashtag_case="lower", hashtag_place="end", question_close=1.0, closing="Curious:",
        openers=["Our", "We", "My"], phrases=["on purpose", "not a token one"],
    )


def voice(texts: dict[str, str] | None = None) -> Voice:
    chosen = posts(texts)
    return Voice(updated=datetime(2026, 10, 11, tzinfo=timezone.utc), posts=chosen, profile=profile(len(chosen)))


def ids(*keys: str, texts: dict[str, str] | None = None) -> list[str]:
    texts = POSTS if texts is None else texts
    return [post_hash(texts[k]) for k in keys]


def write_voice(workspace: Path, texts: dict[str, str] | None = None) -> Voice:
    """Save the fixture voice as the workspace's voice.json."""
    v = voice(texts)
    save_voice(workspace / "voice.json", v)
    return v
