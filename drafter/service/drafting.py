"""The drafting service the CLI and the TUI share.

source + template + settings -> :class:`Job` (rendered prompt, spec, layout, notes)
-> engine events -> :class:`~drafter.engines.base.DraftResult` -> draft on disk.

Nothing here prints or touches a widget: callers render the events.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Mapping

from ..settings.config import Settings, load_settings
from ..engines.base import (
    AdaptRequest,
    Chunk,
    Completed,
    DraftRequest,
    DraftResult,
    Event,
    HookVariantsRequest,
    Progress,
    Prompt,
    RegenerateRequest,
    every_answer,
)
from ..common.errors import EngineError, InputError
from ..models.post import Layout, Parts, PostSpec, assemble
from ..models.source import Source
from ..settings.paths import Workspace, resolve_workspace, user_cache_dir

if TYPE_CHECKING:
    from ..engines.base import Engine
    from ..models.platforms import Platform
    from .adapting import Version
    from ..lint import LintReport
    from ..models.draft import Draft
    from ..models.voice import Profile, Voice, VoiceUse
    from ..storage.store import Store
    from ..storage.unsaved import Kept
    from ..templates import Template, TemplateLibrary

PROMPT_MARGIN_TOKENS = 256
"""Room kept free in the context window for message framing and format instructions."""
MAX_ARTICLE_TOKENS = 12_000
"""Articles longer than this are trimmed at sentence boundaries even for huge context windows
(cost and latency); the user is told."""


@dataclass(frozen=True)
class RepairOutcome:
    """What the repair pass did: scores before and after, and which version was kept."""

    before: int
    after: int | None
    kept: str
    note: str


@dataclass
class Transcript:
    """What a generation has produced so far, read from its events (feed it every event).

    For keeping work that is cut short where no error carries it, such as a cancelled task:
    ``text`` is the answer text of the stream in progress, ``result`` the last finished one
    (the first draft, while a repair round streams).
    """

    text: str = ""
    result: DraftResult | None = None
    earlier: list[str] = field(default_factory=list)
    """Answers of earlier streams of the same generation (another output mode), oldest first."""

    def add(self, event: Event) -> None:
        if isinstance(event, Chunk):
            # received_chars counts the whole answer so far: equal to this chunk's length, a new stream began.
            if event.received_chars == len(event.text):
                if self.result is None and self.text.strip():
                    self.earlier.append(self.text)
                self.text = event.text
            else:
                self.text += event.text
        elif isinstance(event, Completed):
            self.result = event.result

    @property
    def received(self) -> str:
        """Every answer received before a finished draft, the latest first (see :func:`every_answer`)."""
        return every_answer(self.text, [("an earlier attempt", text) for text in self.earlier])


@dataclass
class Job:
    """One drafting task, fully resolved before any engine runs."""

    source: Source
    template: "Template"
    variables: dict[str, Any]
    spec: PostSpec
    layout: Layout
    prompt: Prompt
    notes: list[str] = field(default_factory=list)
    voice: "VoiceUse | None" = None
    """The creator's voice this job drafts in (its profile and examples), None without one."""

    def request(self, settings: Settings) -> DraftRequest:
        return DraftRequest(
            source=self.source,
            spec=self.spec,
            prompt=self.prompt,
            temperature=self.template.temperature if self.template.temperature is not None else settings.temperature,
            max_tokens=settings.max_tokens,
            voice=self.profile,
            layout=self.layout,
        )

    @property
    def profile(self) -> "Profile | None":
        """The voice's profile every request of this job carries (None without a voice)."""
        return self.voice.profile if self.voice else None

    def voiced(self, prompt: Prompt, platform: "Platform | None" = None) -> Prompt:
        """``prompt`` with this job's voice block (unchanged without a voice)."""
        if self.voice is None:
            return prompt
        from .voice import with_voice

        return with_voice(prompt, self.voice, platform)


class Drafter:
    """Settings, workspace, templates, store and engine, each resolved once and on demand."""

    def __init__(self, settings: Settings, workspace: Workspace, *, origins: Mapping[str, str] | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.workspace = workspace
        self.origins = dict(origins or {})
        self._env = os.environ if env is None else env

    @classmethod
    def from_environment(
        cls,
        workspace: str | os.PathLike[str] | None = None,
        flags: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> "Drafter":
        env = os.environ if env is None else env
        ws = resolve_workspace(workspace, env)
        settings, origins = load_settings(ws, flags, env)
        return cls(settings, ws, origins=origins, env=env)

    def with_model(self, model: str) -> "Drafter":
        """This drafter with ``model`` instead of the setting (a batch followed later drafts with
        the model it was sent with)."""
        return Drafter(self.settings.model_copy(update={"model": model}), self.workspace, origins=self.origins,
                       env=self._env)

    # ---- collaborators, built lazily (the offline path never loads openai) ----------

    @cached_property
    def templates(self) -> "TemplateLibrary":
        from ..templates import TemplateLibrary

        return TemplateLibrary(self.workspace.prompts_dir)

    @cached_property
    def store(self) -> "Store":
        from ..storage.store import Store

        return Store(self.workspace.drafts_dir)

    @cached_property
    def voice_file(self) -> "tuple[Voice | None, str | None]":
        """The workspace's voice (None without one) and, when its file is unreadable, why (one
        line; drafting goes on without it)."""
        from ..common.errors import VoiceError
        from ..storage.voice import load_voice

        try:
            return load_voice(self.workspace.voice_file), None
        except VoiceError as exc:
            return None, str(exc)

    @property
    def voice(self) -> "Voice | None":
        """The voice new drafts use: the workspace's, unless the ``voice`` setting is off."""
        return self.voice_file[0] if self.settings.voice else None

    def forget_voice(self) -> None:
        """Read the voice file again next time (after an import or a clear)."""
        self.__dict__.pop("voice_file", None)

    @property
    def cache_dir(self) -> Path:
        return user_cache_dir(self._env)

    @cached_property
    def engine(self) -> "Engine":
        from ..engines import make_engine

        return make_engine(self.settings, cache_dir=self.cache_dir)

    @property
    def engine_name(self) -> str:
        return self.settings.resolved_engine()

    @property
    def engine_label(self) -> str:
        """What the UI shows: "offline (extractive)" or "openai · gpt-4.1-mini @ host"."""
        if self.engine_name == "offline":
            return "offline (extractive, no LLM)"
        return f"openai · {self.settings.model} @ {self.server}"

    @property
    def server(self) -> str:
        """The LLM server as shown: the base URL without user info or query, or "api.openai.com"."""
        from ..common.urls import display_url

        return display_url(self.settings.base_url) if self.settings.base_url else "api.openai.com"

    # ---- preparing work ---------------------------------------------------------------

    def template(self, name: str | None = None) -> "Template":
        return self.templates.get(name or self.settings.template)

    def prepare(self, source: Source, template: str | None = None,
                overrides: Mapping[str, str] | None = None) -> Job:
        """Resolve template variables (the voice's shape where the user set none), render the
        prompt with the voice block, fit the article to the token budget."""
        tpl = self.template(template)
        variables = tpl.resolve_variables(dict(overrides or {}))
        spec = tpl.spec(variables)
        layout = tpl.layout(spec, self.settings.bullet)
        notes = list(source.notes)
        voice, problem = self.voice_file if self.settings.voice else (None, None)
        if problem:
            notes.append(f"{problem}; drafting without the voice")
        use = None
        if voice is not None:
            from ..models.voice_shape import shape
            from .voice import voice_use

            explicit = set(overrides or ()) | ({"bullet"} if self.settings.bullet is not None else set())
            use = voice_use(voice, source, examples=self.engine_name != "offline", model=tpl.model or self.settings.model)
            spec, layout = shape(spec, layout, use.profile, explicit)
            variables = {**variables, "takeaways": spec.takeaways, "hashtags": spec.hashtags}
        job = Job(source, tpl, variables, spec, layout, Prompt(system="", user=""), notes, voice=use)
        if self.engine_name == "openai" and source.has_article:
            job.source, note = self._fit_article(job)
            if note:
                notes.append(note)
        job.prompt = job.voiced(tpl.render_draft(job.source, variables))
        return job

    def _fit_article(self, job: Job) -> tuple[Source, str | None]:
        from . import tokens

        tpl, source = job.template, job.source
        model = tpl.model or self.settings.model
        window = tokens.context_window(model)
        empty = job.voiced(tpl.render_draft(source.model_copy(update={"text": "x"}), job.variables))
        overhead = tokens.count(empty.system + empty.user, model) + PROMPT_MARGIN_TOKENS
        budget = min(MAX_ARTICLE_TOKENS, window - self.settings.max_tokens - overhead)
        if budget < 200:
            raise InputError(
                f"the prompt leaves no room for the article in {model}'s context window "
                f"({window} tokens); lower --max-tokens or pick a model with a larger window"
            )
        text, before, after = tokens.trim_to_budget(source.text, budget, model)
        if after >= before:
            return source, None
        note = f"article trimmed from {before:,} to {after:,} tokens at a sentence boundary to fit the budget"
        return source.model_copy(update={"text": text}), note

    def job_from_draft(self, draft: "Draft") -> Job:
        """Rebuild the job of a saved draft (to regenerate parts after reopening it).

        Falls back to the default template when the draft's template no longer exists.
        """
        src = draft.source
        source = Source(kind=src.kind, topic=src.topic or "", text=src.text or "",
                        location=src.location, title=src.title)
        names = set(self.templates.names())
        template = draft.template if draft.template in names else None
        overrides = {k: str(v) for k, v in draft.variables.items()} if template else {}
        try:
            return self.prepare(source, template, overrides)
        except InputError:
            return self.prepare(source, template)

    def regenerate_request(self, job: Job, current: Parts, part: str, instruction: str = "") -> RegenerateRequest:
        if part not in job.spec.part_names():
            raise InputError(f"unknown part {part!r}: use {', '.join(job.spec.part_names())}")
        prompt = job.voiced(job.template.render_part(part, job.source, job.variables, current, instruction))
        return RegenerateRequest(
            part=part, current=current, source=job.source, spec=job.spec, prompt=prompt,
            instruction=instruction, temperature=job.request(self.settings).temperature,
            max_tokens=self.settings.max_tokens, voice=job.profile,
        )

    def variants_request(self, job: Job, current: Parts | None, n: int = 5) -> HookVariantsRequest:
        prompt = job.voiced(job.template.render_variants(job.source, job.variables, current, n))
        return HookVariantsRequest(
            n=n, current=current, source=job.source, spec=job.spec, prompt=prompt,
            temperature=job.request(self.settings).temperature, max_tokens=self.settings.max_tokens,
            voice=job.profile,
        )

    def platforms(self, names: "list[str] | tuple[str, ...]") -> "list[Platform]":
        """The platforms named (``all``: every one), Mastodon with the ``mastodon_limit`` setting.
        InputError (one line, naming the platforms) for an unknown name."""
        from ..models.platforms import platforms

        try:
            return platforms(names, mastodon_limit=self.settings.mastodon_limit)
        except ValueError as exc:
            raise InputError(str(exc)) from None

    def adapt_request(self, job: Job, text: str, platform: "Platform") -> AdaptRequest:
        """The request that adapts the LinkedIn post ``text`` for ``platform``."""
        numbering = self.settings.thread_numbering
        prompt = job.voiced(job.template.render_platform(platform, job.source, job.variables, text,
                                                         numbering=numbering), platform)
        return AdaptRequest(
            source=job.source, spec=job.spec, prompt=prompt, platform=platform.name, limit=platform.limit,
            text=text, numbering=numbering, temperature=job.request(self.settings).temperature,
            max_tokens=self.settings.max_tokens, voice=job.profile,
        )

    async def adapt(self, job: Job, text: str, platform: "Platform", on_event: Callable[[Event], None] | None = None,
                    *, repair: bool | None = None, deadline: float | None = None) -> "Version":
        """``text`` adapted for ``platform`` (see :func:`drafter.service.adapting.adapt`)."""
        from .adapting import adapt

        return await adapt(self, job, text, platform, on_event, repair=repair, deadline=deadline)

    # ---- running ----------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the engine's connections (call before the event loop ends)."""
        engine = self.__dict__.pop("engine", None)
        close = getattr(engine, "aclose", None)
        if close is not None:
            await close()

    def run(self, coro_factory: Callable[[], Any]) -> Any:
        """Run one piece of async work to completion in a fresh event loop, then close the engine; a
        signal cancels it cleanly (:mod:`drafter.common.interrupts`)."""
        from ..common.interrupts import run

        async def main() -> Any:
            try:
                return await coro_factory()
            finally:
                await self.aclose()

        return run(main)

    def draft_events(self, job: Job) -> AsyncIterator[Event]:
        return self.engine.draft(job.request(self.settings))

    async def generate(self, job: Job, on_event: Callable[[Event], None] | None = None,
                       *, repair: bool | None = None) -> tuple[DraftResult, "RepairOutcome | None"]:
        """Run the engine to completion (events go to ``on_event``), then the repair pass
        (``repair`` None: the ``repair`` setting).

        The ``deadline`` setting bounds both together: the repair round gets what the draft left
        of it, and if it runs out the first draft is kept (see :meth:`repair`).
        """
        started = time.monotonic()
        result = await self.complete(self.draft_events(job), on_event)
        outcome = None
        if (self.settings.repair if repair is None else repair) and self.engine_name != "offline":
            left = self.settings.deadline - (time.monotonic() - started)
            result, outcome = await self.repair(job, result, on_event, deadline=left)
        return self.cased(job, result), outcome

    @staticmethod
    def cased(job: Job, result: DraftResult) -> DraftResult:
        """``result`` with its parts as the text prints them (a lower-case voice's #postmortems)."""
        cased = job.layout.cased(result.parts)
        return result if cased is result.parts else result.model_copy(update={"parts": cased})

    @staticmethod
    async def complete(events: AsyncIterator[Event], on_event: Callable[[Event], None] | None) -> DraftResult:
        """Consume a draft or regenerate stream (each event to ``on_event``); its final result."""
        result = None
        async for event in events:
            if on_event is not None:
                on_event(event)
            if isinstance(event, Completed):
                result = event.result
        if result is None:
            raise EngineError("the engine stopped without a post", kind="empty")
        return result

    def lint(self, job: Job | None, parts: Parts | None, text: str | None = None) -> "LintReport":
        """The linter with this workspace's settings and phrase files, and its voice when ``job``
        drafts in it (the voice rules; the author's own phrases are not AI tells). ``job`` and
        ``parts`` are optional when ``text`` is given (a hand-typed post, or a draft without its
        template)."""
        from ..lint import lint

        if text is None:
            assert job is not None and parts is not None, "lint needs text, or a job and parts"
            text = assemble(parts, job.layout)
        return lint(
            text, parts=parts, spec=job.spec if job else None,
            source_text=(job.source.text or None) if job else None,
            settings=self.settings.lint, extra_phrases_files=self.phrase_files(),
            voice=self.voice_file[0] if job is not None and job.voice is not None else None,
        )

    def phrase_files(self) -> list[Path]:
        """The workspace's own AI-tell phrases, if it has any (``<workspace>/ai_tells.toml``)."""
        path = self.workspace.root / "ai_tells.toml"
        return [path] if path.is_file() else []

    async def repair(self, job: Job, result: DraftResult, on_event: Callable[[Event], None] | None,
                      *, deadline: float | None = None) -> tuple[DraftResult, "RepairOutcome | None"]:
        """One repair round when the score is low or an error-level rule fires; keep the better.
        (After :meth:`generate`'s draft, or on a finished answer such as a Batch API one.)

        ``deadline``: seconds the round may take (None: the setting); none left, no round.
        """
        before = self.lint(job, result.parts)
        if before.score >= before.threshold and not before.errors:  # [lint] threshold
            return result, None
        if deadline is not None and deadline <= 0:
            return result, RepairOutcome(before.score, None, kept="original",
                                         note=f"repair skipped: the {self.settings.deadline:g} s deadline was used up")
        from ..templates.render import fence

        findings = "\n".join(f"- {f.rule}: {f.message}" for f in before.findings)
        current = assemble(result.parts, job.layout)
        prompt = Prompt(
            system=job.prompt.system,
            user=(f"{job.prompt.user}\n\nYou already wrote this draft. {fence(current, 'DRAFT')}\n"
                  f"A checker found these problems:\n{findings}\n"
                  "Write the post again, fixing every problem, keeping the facts and the same parts."),
        )
        if on_event is not None:
            on_event(Progress(f"score {before.score}/100: one repair round"))
        request = job.request(self.settings).model_copy(update={"prompt": prompt, "deadline": deadline})
        try:
            repaired = await self.complete(self.engine.draft(request), on_event)
        except EngineError as exc:  # the round's tokens were spent all the same
            spent = result.usage + exc.usage if exc.usage is not None else result.usage
            return (result.model_copy(update={"usage": spent}),
                    RepairOutcome(before.score, None, kept="original", note=f"repair failed: {exc}"))
        after = self.lint(job, repaired.parts)
        better = (len(after.errors), -after.score) < (len(before.errors), -before.score)
        kept = "repaired" if better else "original"
        chosen = (repaired if better else result).model_copy(update={"usage": result.usage + repaired.usage})
        note = f"repair pass: score {before.score} -> {after.score}, kept the {kept} version"
        return chosen, RepairOutcome(before.score, after.score, kept=kept, note=note)

    def keep_unsaved(self, text: str, what: str) -> "Kept":
        """Write generated text that is not (or could not be) a saved draft where it can be found
        again: ``drafts/.unsaved/``, else the user cache (see :mod:`drafter.storage.unsaved`)."""
        from ..storage.unsaved import keep, places

        return keep(text, what, places(self.workspace.drafts_dir, self.cache_dir))

    def new_draft(self, job: Job, result: DraftResult) -> "Draft":
        """A draft record for a finished generation (not yet saved)."""
        from ..models.draft import Draft
        from ..models.titles import default_title

        text = assemble(result.parts, job.layout)
        title = job.source.topic or default_title(job.source, result.parts)
        return Draft.new(  # no title: it follows the hook until the user renames the draft
            None, job.source, job.template.name, job.variables,
            parts=result.parts, text=text, engine=result.engine, model=result.model,
            id=self.store.new_id(title), note="; ".join(result.notes),
        )
