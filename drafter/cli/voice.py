"""``drafter voice import|show|clear`` and ``drafter drafts publish``: the creator's voice from the
command line (the work is :mod:`drafter.service.voice_import`'s)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..common.safe_text import one_line, safe_json
from .options import PATH, Group, json_option, make_drafter, say

if TYPE_CHECKING:
    from ..models.voice import Profile, Spread, Voice


@click.group("voice", cls=Group, help="import your published posts, show or clear the voice drafts follow")
def voice() -> None:
    pass


@voice.command("import", help="Import your posts: LinkedIn's data export (the zip, or the Shares.csv in it), "
                              "a folder of .txt/.md posts (one a file), and/or the drafts marked published.")
@click.argument("path", required=False, type=PATH)
@click.option("--published", is_flag=True, help="also import the drafts marked published (drafter drafts publish)")
def voice_import(path: str | None, published: bool) -> int:
    from ..service.voice_import import import_voice

    report = import_voice(make_drafter(), path, published=published)
    for note in report.notes:
        say(note)
    say(report.line())
    return 0


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


# ---- what show prints -------------------------------------------------------------------------


def _as_json(stored: "Voice | None", where: str) -> dict[str, Any]:
    if stored is None:
        return {"file": where, "posts": 0, "origins": {}, "updated": None, "profile": None}
    origins: dict[str, int] = {}
    for post in stored.posts:
        origins[post.origin] = origins.get(post.origin, 0) + 1
    return {"file": where, "posts": len(stored.posts), "origins": origins,
            "updated": stored.updated.isoformat(timespec="seconds"), "profile": stored.profile.model_dump(mode="json")}


_ORIGINS = {"linkedin": "from LinkedIn", "folder": "from files", "published": "published drafts"}


def summary(stored: "Voice", where: str, *, enabled: bool = True) -> list[tuple[str, str]]:
    """The voice in readable lines (label, value): what ``drafter voice show`` prints."""
    p = stored.profile
    origins: dict[str, int] = {}
    for post in stored.posts:
        origins[post.origin] = origins.get(post.origin, 0) + 1
    kinds = ", ".join(f"{n} {_ORIGINS[o]}" for o, n in origins.items())
    dates = (f", {p.first_date:%Y-%m-%d} to {p.last_date:%Y-%m-%d}" if p.first_date and p.last_date else "")
    rows = [
        ("file", where + ("" if enabled else " (not used: the voice setting is off)")),
        ("posts", f"{p.posts} ({kinds}){dates}"),
        ("length", f"{_range(p.chars)} characters, {_range(p.lines)} lines"),
        ("hook", f"{_range(p.hook_chars)} characters"),
        ("paragraphs", _range(p.paragraphs)),
        ("sentences", f"{_range(p.sentence_words)} words"),
        ("lists", _lists(p)),
        ("emoji", "none" if p.emoji.high == 0 else f"{_range(p.emoji)} a post"),
        ("hashtags", _hashtags(p)),
        ("closing", _closing(p)),
    ]
    if p.openers:
        rows.append(("openers", ", ".join(one_line(w) for w in p.openers)))
    if p.phrases:
        rows.append(("phrases", ", ".join(one_line(w) for w in p.phrases)))
    return rows


def _n(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _range(s: "Spread") -> str:
    """"900–1,300 (median 1,100)"; one number when the range is one."""
    if _n(s.low) == _n(s.high):
        return _n(s.median)
    return f"{_n(s.low)}–{_n(s.high)} (median {_n(s.median)})"


def _lists(p: "Profile") -> str:
    if not p.bullet_marker:
        return "none"
    items = f", usually {p.takeaways} items" if p.takeaways else ""
    return f"in {p.bullets:.0%} of posts, marker {p.bullet_marker}{items}"


def _hashtags(p: "Profile") -> str:
    if p.hashtags.high == 0:
        return "none"
    case = {"camel": "#CamelCase", "lower": "#lowercase", "upper": "#UPPERCASE", "mixed": "mixed case"}
    where = {"end": "in a last block", "inline": "inside sentences", "none": ""}
    return ", ".join(x for x in (f"{_range(p.hashtags)} a post", case.get(p.hashtag_case or "", ""),
                                 where[p.hashtag_place]) if x)


def _closing(p: "Profile") -> str:
    if p.question_close == 0:
        return "never a question"
    usual = f', usually starting "{one_line(p.closing)}"' if p.closing else ""
    return f"a question in {p.question_close:.0%} of posts{usual}"
