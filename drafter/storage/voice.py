"""The voice file: ``<workspace>/voice.json``, readable JSON with a schema version.

It holds the imported posts (newest first) and the profile built from them; it is written
whole, atomically, on every import (the profile rebuilt), and removed by ``drafter voice clear``.
Nothing else writes it and it never leaves the workspace.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from ..common.atomic import write_or_raise
from ..common.errors import VoiceError, first_error
from ..common.reading import read_bounded
from ..models.voice import VOICE_SCHEMA, Profile, Voice, VoicePost

MAX_VOICE_BYTES = 64_000_000
"""The largest voice file read (about 20,000 long posts)."""


def load_voice(path: Path) -> Voice | None:
    """The stored voice, or None when there is no file. A file that cannot be read, is not a
    voice or has a newer schema is a :class:`VoiceError` naming it (nothing is changed)."""
    from pydantic import ValidationError

    try:
        raw = read_bounded(path, MAX_VOICE_BYTES)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise VoiceError(f"cannot read the voice file {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise VoiceError(f"the voice file {path} is not JSON ({exc}); `drafter voice clear` removes it") from None
    if isinstance(data, dict) and isinstance(data.get("schema_version"), int) and data["schema_version"] > VOICE_SCHEMA:
        raise VoiceError(f"the voice file {path} was written by a newer drafter (schema {data['schema_version']})")
    try:
        return Voice.model_validate(data)
    except ValidationError as exc:
        raise VoiceError(f"the voice file {path} is not a voice: {first_error(exc)}") from None


def save_voice(path: Path, voice: Voice) -> None:
    """Write ``voice`` whole and atomically (VoiceError when it cannot be written)."""
    text = json.dumps(voice.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    write_or_raise(path, text, VoiceError)


def clear_voice(path: Path) -> bool:
    """Remove the voice file; False when there was none."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise VoiceError(f"cannot remove the voice file {path}: {exc.strerror or exc}") from None
    return True


def merged(old: Voice | None, new: Iterable[VoicePost], profile_of) -> tuple[Voice, int]:
    """``old``'s posts with the ``new`` ones not already there (by id), newest first, and the
    profile rebuilt by ``profile_of(posts) -> Profile``; also how many posts were added."""
    posts = list(old.posts) if old else []
    seen = {p.id for p in posts}
    added = 0
    for post in new:
        if post.id in seen:
            continue
        seen.add(post.id)
        posts.append(post)
        added += 1
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    posts.sort(key=lambda p: p.date or oldest, reverse=True)
    profile: Profile = profile_of(posts)
    return Voice(schema_version=VOICE_SCHEMA, updated=datetime.now(timezone.utc), posts=posts, profile=profile), added
