"""``drafter voice import|show|clear`` and ``drafter drafts publish``: the creator's voice from the
command line (the work is :mod:`drafter.service.voice_import`'s)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..common.safe_text import safe_json
from ..models.voice_summary import summary
from .options import PATH, Group, json_option, make_drafter, say

if TYPE_CHECKING:
    from ..models.voice import Voice


@click.group("voice", cls=Group, help="import your published posts, show or clear the voice drafts follow")
def voice() -> None:
    pass


@voice.command("import", help="Import your posts: LinkedIn's data export (the zip, or the Shares.csv in it), "
                              "a folder of .txt/.md posts (one a file), and/or the drafts marked published.")
@click.argument("path", required=False, type=PATH)
@click.option("--published", is_flag=True, help="also import the drafts marked published (drafter drafts publish)")
def voice_import(path: str | None, published: bool) -> int:
    import os

    from ..common.errors import InputError
    from ..service.voice_import import import_voice

    if published and path is not None and not os.path.lexists(path):
        raise InputError(f"voice import: no such file or folder: {path} (--published takes no value: it imports "
                         "the drafts marked published; give PATH for your posts)")
    drafter = make_drafter()
    where = drafter.workspace.voice_file
    before = _stamp(where)
    try:
        report = import_voice(drafter, path, published=published)
    except KeyboardInterrupt as exc:
        from .main import interrupt_exit_code

        done = _stamp(where) != before  # written atomically: the old file or the new one, whole
        say(f"interrupted: {'the import was written' if done else 'the voice is unchanged'} ({where})")
        return interrupt_exit_code(exc)
    for note in report.notes:
        say(note)
    say(report.line())
    return 0


def _stamp(path) -> tuple[int, int, int] | None:
    """What tells a rewritten file from the one that was there (None: no file)."""
    import os

    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


@voice.command("show", help="Summarise the voice: how many posts, their dates, the profile, where it is stored.")
@json_option
def voice_show(as_json: bool) -> int:
    from ..storage.voice import load_voice

    drafter = make_drafter()
    where = drafter.workspace.voice_file
    stored = load_voice(where)  # a VoiceError (unreadable file) is the one line, exit 1
    if as_json:
        print(safe_json(_as_json(stored, str(where)), ensure_ascii=False, indent=2))
        return 0
    if stored is None:
        say(f"no voice in this workspace ({where}): drafter voice import PATH makes one")
        return 0
    for label, value in summary(stored, str(where), enabled=drafter.settings.voice):
        print(f"{label:<12} {value}")
    return 0


@voice.command("clear", help="Remove the voice file (the imported posts and their profile).")
def voice_clear() -> int:
    from ..service.voice_import import clear

    drafter = make_drafter()
    where = drafter.workspace.voice_file
    removed, count = clear(drafter)
    if not removed:
        say(f"no voice file at {where}: nothing removed")
    elif count is None:
        say(f"removed {where} (it could not be read)")
    else:
        say(f"removed {where} ({count} post{'' if count == 1 else 's'})")
    return 0


@click.command("publish", help="Mark a saved draft as published and add its post to your voice.")
@click.argument("id")
def drafts_publish(id: str) -> int:  # noqa: A002 - the argument's name in the usage line
    from ..service.voice_import import publish

    say(publish(make_drafter(), id).line())
    return 0


# ---- what show prints (its lines: drafter.models.voice_summary, the app's too) -----------------


def _as_json(stored: "Voice | None", where: str) -> dict[str, Any]:
    if stored is None:
        return {"file": where, "posts": 0, "origins": {}, "updated": None, "profile": None}
    origins: dict[str, int] = {}
    for post in stored.posts:
        origins[post.origin] = origins.get(post.origin, 0) + 1
    return {"file": where, "posts": len(stored.posts), "origins": origins,
            "updated": stored.updated.isoformat(timespec="seconds"), "profile": stored.profile.model_dump(mode="json")}
