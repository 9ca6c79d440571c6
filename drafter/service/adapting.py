"""Adapting a finished LinkedIn post for the other platforms, shared by the CLI and the app.

post text + platform -> engine ``adapt`` events -> :class:`~drafter.engines.base.PostsReady`
-> counted with the platform's own function -> (LLM: one repair round for over-limit posts)
-> a deterministic split of what still does not fit -> :class:`Version` with each post's count
and findings.

LinkedIn's own version is the post itself (one post, the whole linter checks it). Nothing here
prints or saves: callers render the events and store the versions in the draft
(:meth:`drafter.models.draft.Draft.with_version`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..common.errors import EngineError
from ..engines.base import AdaptRequest, Event, PostsReady, Progress, Prompt, Usage
from ..models.platforms import Platform

if TYPE_CHECKING:
    from ..lint.report import Finding
    from ..models.draft import Draft
    from .drafting import Drafter, Job


@dataclass
class Version:
    """One platform's posts, as adapted and made to fit, with what its checks say."""

    platform: Platform
    posts: list[str]
    engine: str
    model: str
    mode: str
    usage: Usage = field(default_factory=Usage)
    notes: list[str] = field(default_factory=list)
    raw: str = ""

    @property
    def counts(self) -> list[int]:
        return [self.platform.count(p) for p in self.posts]

    @property
    def fits(self) -> bool:
        return all(self.platform.fits(p) for p in self.posts)

    def findings(self) -> "list[list[Finding]]":
        from ..lint.platform import check_posts

        return check_posts(self.posts, self.platform)

    def into(self, record: "Draft", *, adapted_from: str | None = None) -> "Draft":
        """``record`` with this version saved in it (LinkedIn's is the post itself: nothing to add);
        ``adapted_from``: the SHA-256 of the text it was adapted from, when not the record's text now."""
        if self.platform.name == "linkedin":
            return record
        return record.with_version(self.platform.name, self.posts, kind="adapt", engine=self.engine,
                                   model=self.model, note="; ".join(self.notes), adapted_from=adapted_from)

    def as_json(self) -> dict[str, Any]:
        """What ``--json`` prints per platform: its name, the posts, each post's count and the limit."""
        return {
            "platform": self.platform.name,
            "posts": list(self.posts),
            "counts": self.counts,
            "limit": self.platform.limit,
            "counted": self.platform.counts,
            "fits": self.fits,
            "engine": self.engine,
            "model": self.model,
            "mode": self.mode,
            "notes": list(self.notes),
            "findings": [[f.model_dump() for f in post] for post in self.findings()],
        }


def not_adapted(drafter: "Drafter", platform: Platform, exc: Exception) -> str:
    """The one line saying ``platform``'s version was not made, and where the text that had
    arrived is kept (:meth:`Drafter.keep_unsaved`), when any had."""
    from ..common.safe_text import one_line

    partial = getattr(exc, "partial", "")
    kept = f"; the text received is {drafter.keep_unsaved(partial, f'{platform.name} version').where()}" \
        if partial.strip() else ""
    return f"{platform.label} not adapted: {one_line(str(exc))}{kept}"


def linkedin_version(text: str, platform: Platform, engine: str = "", model: str = "") -> Version:
    """LinkedIn's version: the post itself."""
    return Version(platform, [text], engine, model, "as-is")


def over_limit(posts: list[str], platform: Platform) -> list[tuple[int, int]]:
    """(1-based index, count) of each post that does not fit ``platform`` (its limit, or its bytes)."""
    return [(i, platform.count(p)) for i, p in enumerate(posts, 1) if not platform.fits(p)]


def excess(posts: list[str], platform: Platform) -> int:
    """How far, in all, ``posts`` go past the platform's limits (what a repair must remove): the
    count past the limit, or the bytes past the byte cap, and at least 1 for each post that does
    not fit."""
    return sum(max(1, platform.count(p) - platform.limit, platform.over_bytes(p))
               for p in posts if not platform.fits(p))


def problem(i: int, post: str, platform: Platform) -> str:
    """One line naming post ``i`` and why it does not fit: its count, or its bytes."""
    n = platform.count(post)
    if n > platform.limit:
        return f"- post {i} is {n:,} {platform.counts}; {platform.label} allows {platform.limit:,}"
    size = len(post.encode("utf-8", "surrogatepass"))
    return f"- post {i} is {size:,} bytes in UTF-8; {platform.label} allows {platform.byte_limit:,}"


def repair_prompt(prompt: Prompt, posts: list[str], platform: Platform, over: list[tuple[int, int]]) -> Prompt:
    """The adaptation prompt again (its source and post fences included), then the posts written
    (fenced as data too), each over-limit post named with its count, and what to do."""
    from ..templates.render import fence

    written = "\n\n".join(f"Post {i}:\n{p}" for i, p in enumerate(posts, 1))
    problems = "\n".join(problem(i, posts[i - 1], platform) for i, _ in over)
    how = ("shorten the long ones, or split them into more posts of the thread" if platform.threads
           else "shorten the long ones")
    return Prompt(system=prompt.system, user=(
        f"{prompt.user}\n\nYou already wrote these posts. {fence(written, 'DRAFT')}\n"
        f"They do not all fit:\n{problems}\n"
        f"Write all the posts again, in order, so that every post is at most {platform.limit:,} {platform.counts}: "
        f"{how}. Keep the facts, the numbers and the order; add nothing that is not in the post or the source."))


@dataclass
class Answer:
    """An engine's posts on their way to a :class:`Version`: the ones chosen so far."""

    posts: list[str]
    """The posts, stripped, empty ones left out."""
    ready: PostsReady
    """The engine's event they came in (engine, model, mode, raw text)."""
    usage: Usage
    """Tokens used by every request so far (the repair round's too)."""
    notes: list[str]


async def adapt(drafter: "Drafter", job: "Job", text: str, platform: Platform,
                on_event: Callable[[Event], None] | None = None, *, repair: bool | None = None,
                deadline: float | None = None) -> Version:
    """``text`` (the LinkedIn post as it is now) adapted for ``platform``.

    The engine writes the posts; every post is counted with the platform's own function. With
    an LLM, posts over the limit get one repair round naming each one and its count (``repair``
    None: the ``repair`` setting); the first request and the repair round share ``deadline``
    (None: the setting). Whatever still does not fit is split as the offline engine splits
    (sentence ends, clauses, words). Raises EngineError (its ``partial`` holds what arrived)
    when no post came back.
    """
    if platform.name == "linkedin":
        return linkedin_version(text, platform, drafter.engine.name, drafter.engine.model)
    started = time.monotonic()
    budget = drafter.settings.deadline if deadline is None else deadline
    request = drafter.adapt_request(job, text, platform).model_copy(update={"deadline": budget})
    first = await _posts(drafter.engine.adapt(request), on_event)
    return await version_of(drafter, request, first, platform, on_event, repair=repair, started=started)


async def version_of(drafter: "Drafter", request: AdaptRequest, first: PostsReady, platform: Platform,
                     on_event: Callable[[Event], None] | None = None, *, repair: bool | None = None,
                     started: float | None = None) -> Version:
    """The engine's answer to ``request`` (streamed, or a Batch API one) as a :class:`Version`:
    the posts counted, an LLM's over-limit posts given one repair round (``repair`` None: the
    setting) within what is left of the request's deadline since ``started`` (None: now), the
    rest fitted. Raises EngineError (its ``partial`` holds the answer) when it holds no post."""
    answer = Answer(_clean(first.posts), first, first.usage, list(first.notes))
    if not answer.posts:
        raise EngineError(f"the engine returned no {platform.label} post", kind="empty", partial=first.raw)
    wants_repair = drafter.settings.repair if repair is None else repair
    if over_limit(answer.posts, platform) and wants_repair and first.engine != "offline":
        budget = request.deadline or drafter.settings.deadline
        left = budget - (time.monotonic() - (time.monotonic() if started is None else started))
        answer = await repair_round(drafter, request, answer, platform, on_event, left=left, budget=budget)
    return fitted(answer, platform, numbering=drafter.settings.thread_numbering)


async def repair_round(drafter: "Drafter", request: AdaptRequest, answer: Answer, platform: Platform,
                       on_event: Callable[[Event], None] | None, *, left: float, budget: float) -> Answer:
    """One more request for the posts of ``answer`` that are over the limit, within ``left``
    seconds (none left: no request, and a note says so). The repaired posts are kept when they go
    less far past the limit in all; else the first answer, and a note says which."""
    over = over_limit(answer.posts, platform)
    notes = answer.notes
    if left <= 0:
        notes.append(f"repair skipped: the {budget:g} s deadline was used up")
        return answer
    if on_event is not None:
        on_event(Progress(f"{platform.label}: {len(over)} post(s) over {platform.limit:,}; one repair round"))
    fix = request.model_copy(update={"prompt": repair_prompt(request.prompt, answer.posts, platform, over),
                                     "deadline": left})
    try:
        second = await _posts(drafter.engine.adapt(fix), on_event)
    except EngineError as exc:  # the round's tokens were spent all the same
        notes.append(f"repair failed: {exc}")
        return Answer(answer.posts, answer.ready, answer.usage + exc.usage if exc.usage else answer.usage, notes)
    usage = answer.usage + second.usage
    again = _clean(second.posts)
    still = over_limit(again, platform)
    if again and excess(again, platform) < excess(answer.posts, platform):
        notes += [n for n in second.notes if n not in notes]
        notes.append(f"{platform.label} repair: {len(over)} post(s) over the limit -> {len(still)}")
        return Answer(again, second, usage, notes)
    notes.append(f"{platform.label} repair did not shorten the posts; kept the first answer")
    return Answer(answer.posts, answer.ready, usage, notes)


def fitted(answer: Answer, platform: Platform, *, numbering: bool) -> Version:
    """The chosen posts as a :class:`Version`: a thread numbered as the ``thread_numbering``
    setting says (whatever the model did), then the posts still over the limit split
    deterministically (:func:`drafter.engines.offline.adapt.split_posts`: every post then fits)."""
    from ..engines.offline.adapt import renumbered, split_posts

    posts, notes, ready = answer.posts, answer.notes, answer.ready
    if platform.threads:
        posts = renumbered(posts, numbering=numbering)
    over = over_limit(posts, platform)
    if over:
        split = split_posts(posts, platform, numbering=numbering)
        if split != posts:
            notes.append(f"{platform.label}: {len(over)} post(s) over {platform.limit:,} split at sentence ends, "
                         "clauses or words")
        posts = split
        for i, count in over_limit(posts, platform):
            notes.append(f"{platform.label}: post {i}/{len(posts)} still does not fit ({count:,}/{platform.limit:,}"
                         f"{', or over its bytes' if platform.over_bytes(posts[i - 1]) else ''}): a word or link "
                         "longer than a post cannot be split; shorten it before posting")
    return Version(platform, posts, ready.engine, ready.model, ready.mode, answer.usage, notes, ready.raw)


def _clean(posts: list[str]) -> list[str]:
    return [p.strip() for p in posts if p and p.strip()]


async def _posts(events: Any, on_event: Callable[[Event], None] | None) -> PostsReady:
    ready = None
    async for event in events:
        if on_event is not None:
            on_event(event)
        if isinstance(event, PostsReady):
            ready = event
    if ready is None:
        raise EngineError("the engine stopped without posts", kind="empty")
    return ready
