"""Platform versions on the command line (``draft --platform``, ``adapt``, ``drafts export
--platform``): adapting the post for each platform asked for, the text a creator copies from,
and what a failure keeps.

The text on stdout puts every line drafter adds on a line of its own, starting ``===`` (one per
platform) or ``---`` (one per post); everything between a post's ``---`` line and the blank
line before the next ``===``/``---`` line is that post, exactly as it is copied::

    === X · a thread of 3 posts · weighted characters (URLs 23, emoji and CJK 2), limit 280 ===
    --- post 1/3 · 280/280 ---
    Aldermoor's network of protected bike lanes ...

    --- post 2/3 · 152/280 ---
    ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from .options import load_draft, say

if TYPE_CHECKING:
    from ..common.errors import DrafterError
    from ..engines.base import Event
    from ..models.draft import Draft
    from ..models.platforms import Platform
    from ..service.adapting import Version
    from ..service.drafting import Drafter, Job


def version_text(platform: "Platform", posts: list[str]) -> str:
    """One platform's block: its :func:`header_line`, then its posts."""
    from ..models.draft import header_line, posts_text

    return f"{header_line(platform, len(posts))}\n{posts_text(platform, posts)}"


def versions_text(versions: "list[Version]") -> str:
    """Every version, in the order given, a blank line between platforms."""
    return "\n\n".join(version_text(v.platform, v.posts) for v in versions)


def with_linkedin(text: str, versions: "list[Version]") -> "list[Version]":
    """The LinkedIn post first (the post of record the others came from), then the other versions."""
    from ..models.platforms import PLATFORMS
    from ..service.adapting import linkedin_version

    first = next((v for v in versions if v.platform.name == "linkedin"), None)
    return [first or linkedin_version(text, PLATFORMS["linkedin"]), *(v for v in versions if v is not first)]


@dataclass
class Failure:
    """A platform whose adaptation failed, and where the text that had arrived went."""

    platform: "Platform"
    error: "DrafterError"
    """An EngineError (its ``partial`` holds what arrived), or another error for that platform alone."""
    kept: str | None = None
    """The file holding the text that arrived (None: nothing arrived, or no place took it)."""

    def as_json(self) -> dict[str, Any]:
        return {"platform": self.platform.name, "error": str(self.error), "kind": getattr(self.error, "kind", "error"),
                "partial": getattr(self.error, "partial", ""), "kept": self.kept}


@dataclass
class Adapting:
    """The versions made so far and the platforms that failed; filled in as each one finishes, so
    an interrupt keeps what was done."""

    versions: "list[Version]" = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every platform was adapted; else the failures' own code (1 for an engine, 2 for bad input)."""
        return max((f.error.exit_code for f in self.failures), default=0)

    async def run(self, drafter: "Drafter", job: "Job", text: str, platforms: "list[Platform]") -> None:
        """Adapt ``text`` for each platform in turn. A failure is one stderr line (the text that
        arrived is kept under ``drafts/.unsaved/``) and the next platform still runs."""
        from ..common.errors import DrafterError

        for platform in platforms:
            if platform.name != "linkedin" and drafter.engine_name != "offline":
                say(f"adapting for {platform.label}")
            try:
                version = await drafter.adapt(job, text, platform, _progress)
            except DrafterError as exc:
                self.failures.append(_failed(drafter, platform, exc))
                continue
            for note in version.notes:
                say(note)
            self.versions.append(version)


def _progress(event: "Event") -> None:
    from ..engines.base import Progress

    if isinstance(event, Progress):
        say(event.message)


def _failed(drafter: "Drafter", platform: "Platform", exc: "DrafterError") -> Failure:
    failure = Failure(platform, exc)
    partial = getattr(exc, "partial", "")
    if partial.strip():
        kept = drafter.keep_unsaved(partial, f"{platform.name} version")
        failure.kept = None if kept.path is None else str(kept.path)
        say(f"{platform.label}: not adapted: {exc}; the text received is {kept.where()}")
    else:
        say(f"{platform.label}: not adapted: {exc}")
    return failure


def run_adapting(drafter: "Drafter", job: "Job", text: str, platforms: "list[Platform]",
                 on_interrupt: Callable[[Adapting, KeyboardInterrupt], int]) -> tuple[Adapting, int | None]:
    """Run :meth:`Adapting.run` to its end; after an interrupt, ``on_interrupt`` shows and keeps
    what was done and gives the exit code (returned second; None when the run finished)."""
    adapting = Adapting()
    try:
        drafter.run(lambda: adapting.run(drafter, job, text, platforms))
    except KeyboardInterrupt as exc:
        return adapting, on_interrupt(adapting, exc)
    return adapting, None


def with_version(record: "Draft", version: "Version") -> "Draft":
    """``record`` with an adapted version (LinkedIn's is the post itself: nothing to add)."""
    return version.into(record)


def offline_note(drafter: "Drafter") -> None:
    """The note ``draft`` gives when ``auto`` fell back to the offline engine."""
    if drafter.settings.engine == "auto" and drafter.engine_name == "offline":
        say("no OPENAI_API_KEY or base URL set: using the offline extractive engine "
            "(set OPENAI_API_KEY, or --base-url for a local server, to draft with an LLM)")


def adapt_saved(drafter: "Drafter", draft_id: str, names: tuple[str, ...], *, force: bool, as_json: bool) -> int:
    """``drafter adapt``: the saved draft's post adapted for each platform named, printed as
    ``draft --platform`` prints them (only the platforms named) and saved in the draft.

    A version edited by hand is kept unless ``force``: one stderr line says so and how to
    replace it, and the exit is 1 (not everything asked for was done), as it is when a
    platform fails (2 when its failure was bad input, such as a template's prompt). Exit 0
    when every platform named was adapted and saved."""
    from ..common.errors import InputError, StoreError
    from ..models.draft import validate_id
    from .output import OutputError, keep_and_print, print_result, voice_json, voice_line

    chosen = drafter.platforms(names)
    draft_id = validate_id(draft_id)
    record = load_draft(drafter.store, draft_id)
    if not record.text.strip():
        raise InputError(f"draft {draft_id!r} has no post to adapt: write or draft its LinkedIn post first")
    skipped = [p for p in chosen if not force and p.name in record.versions and record.versions[p.name].edited]
    for p in skipped:
        say(f"{p.label}: kept the version you edited, in the draft (replace it with drafter adapt {draft_id} "
            f"--platform {p.name} --force)")
    for p in chosen:
        if force and p.name in record.versions and record.versions[p.name].edited:
            say(f"{p.label}: replacing the version you edited; its text stays in the draft's history "
                f"(drafter drafts export {draft_id} --format json: \"revisions\")")
    job = drafter.job_from_draft(record)
    offline_note(drafter)
    if job.voice is not None and not as_json:  # as draft says it
        say(voice_line(job.voice, offline=drafter.engine_name == "offline"))

    def interrupted(done: Adapting, exc: KeyboardInterrupt) -> int:
        from .main import interrupt_exit_code

        payload = ({"draft_id": draft_id, "error": "interrupted", "kind": "interrupted",
                    "platforms": [v.as_json() for v in done.versions]} if as_json else None)
        say(f"interrupted: {len(done.versions)} finished version(s) are on stdout and "
            f"{keep_and_print(drafter, versions_text(done.versions), 'interrupted', payload)}; nothing was saved")
        return interrupt_exit_code(exc)

    adapting, code = run_adapting(drafter, job, record.text, [p for p in chosen if p not in skipped], interrupted)
    if code is not None:
        return code
    shown = versions_text(adapting.versions)
    payload = None
    if as_json:
        payload = {"draft_id": draft_id, "voice": voice_json(job.voice),
                   "platforms": [v.as_json() for v in adapting.versions],
                   "skipped": [{"platform": p.name, "reason": "edited"} for p in skipped],
                   "platform_errors": [f.as_json() for f in adapting.failures]}
    added = [v for v in adapting.versions if v.platform.name != "linkedin"]
    if added:
        for version in added:
            record = with_version(record, version)
        try:
            if drafter.store.load(draft_id).updated != record.updated:  # saved elsewhere (the app) meanwhile
                raise StoreError(f"draft {draft_id!r} was saved elsewhere while adapting, so the versions were "
                                 "not saved in it (run drafter adapt again)")
            drafter.store.save(record)
        except StoreError as exc:
            where = keep_and_print(drafter, shown, "versions", payload)
            raise StoreError(f"{exc}; the versions are on stdout and {where}") from exc
        say(f"saved {len(added)} version(s) in draft {draft_id}")
    try:
        print_result(shown, payload)
    except OutputError as exc:
        where = f"saved in draft {draft_id}" if added else drafter.keep_unsaved(shown, "versions").where()
        raise OutputError(f"{exc}; the versions are {where}") from None
    return max(adapting.exit_code, 1 if skipped else 0)


def versions_note(record: "Draft") -> str:
    """The platform versions a draft holds, in a line: "versions: X (3 posts), Threads (1 post, edited) ..."."""
    from ..models.platforms import PLATFORM_NAMES

    shown = []
    for name in PLATFORM_NAMES:
        version = record.versions.get(name)
        if version is None:
            continue
        marks = [f"{len(version.posts)} post" + ("s" if len(version.posts) != 1 else "")]
        marks += ["edited"] * version.edited + ["the post changed since"] * version.stale(record.text)
        shown.append(f"{version.label} ({', '.join(marks)})")
    return (f"versions: {', '.join(shown)}; print one with drafter drafts export {record.id} --platform NAME")


def check_exportable(record: "Draft", platform: "Platform") -> None:
    """InputError (exit 2) saying how to make it when ``record`` has no ``platform`` version; a
    note when the version was adapted from an earlier post."""
    from ..common.errors import InputError

    if platform.name == "linkedin":
        return
    version = record.versions.get(platform.name)
    if version is None:
        raise InputError(f"draft {record.id!r} has no {platform.label} version: make one with "
                         f"drafter adapt {record.id} --platform {platform.name}")
    if version.stale(record.text):
        say(f"the {platform.label} version was adapted from an earlier LinkedIn post; adapt it again with "
            f"drafter adapt {record.id} --platform {platform.name}" + (" --force" if version.edited else ""))
