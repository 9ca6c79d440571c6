"""The voice file: ``<workspace>/voice.json``, readable JSON with a schema version.

It holds the imported posts (newest first) and the profile built from them; it is written
whole, atomically, on every import (the profile rebuilt), and removed by ``drafter voice clear``.
Nothing else writes it and it never leaves the workspace. Every change holds :func:`voice_lock`
(``flock`` on ``.voice.json.lock`` beside it) from reading the file to writing it, so two imports
at once cannot lose each other's posts. A file whose posts were edited by hand (they no longer
match its ``posts_digest``) gets its profile rebuilt when read (the next import writes it).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import ContextManager, Iterable

from ..common.atomic import write_or_raise
from ..common.errors import VoiceError, first_error
from ..common.reading import read_bounded
from ..models.voice import VOICE_SCHEMA, Profile, Voice, VoicePost, post_hash, posts_digest

MAX_VOICE_BYTES = 64_000_000
"""The largest voice file read (about 20,000 long posts); a larger one is never written."""
LOCK_WAIT = 30.0
"""Seconds a change waits for another one (an import, a publish) to finish before giving up."""
_CLEAR = "`drafter voice clear` removes it"


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
        raise VoiceError(f"the voice file {path} is not JSON ({exc}); {_CLEAR}") from None
    except RecursionError:  # [[[[... deeper than the parser goes
        raise VoiceError(f"the voice file {path} is not JSON (nested too deeply); {_CLEAR}") from None
    if isinstance(data, dict) and isinstance(data.get("schema_version"), int) and data["schema_version"] > VOICE_SCHEMA:
        raise VoiceError(f"the voice file {path} was written by a newer drafter (schema {data['schema_version']}): "
                         f"upgrade drafter, or {_CLEAR}")
    try:
        voice = Voice.model_validate(data)
    except ValidationError as exc:
        raise VoiceError(f"the voice file {path} is not a voice: {first_error(exc)}; {_CLEAR}") from None
    except RecursionError:
        raise VoiceError(f"the voice file {path} is not a voice (nested too deeply); {_CLEAR}") from None
    return _current(voice)


def _current(voice: Voice) -> Voice:
    """``voice`` with its profile rebuilt (and post ids recomputed) when the file was edited by
    hand since drafter wrote it: its posts are not the ones :attr:`Voice.posts_digest` says."""
    if not voice.posts_digest or voice.posts_digest == posts_digest(voice.posts):
        return voice
    from ..models.voice_profile import build_profile

    posts = [p if p.id == post_hash(p.text) else p.model_copy(update={"id": post_hash(p.text)}) for p in voice.posts]
    return voice.model_copy(update={"posts": posts, "profile": build_profile(posts)})


def save_voice(path: Path, voice: Voice) -> None:
    """Write ``voice`` whole and atomically (VoiceError when it cannot be written)."""
    voice = voice.model_copy(update={"posts_digest": posts_digest(voice.posts)})
    text = json.dumps(voice.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    size = len(text.encode("utf-8"))
    if size > MAX_VOICE_BYTES:  # never write a file drafter would then refuse to read
        raise VoiceError(f"the voice would be {size / 1_000_000:.1f} MB, over the {MAX_VOICE_BYTES // 1_000_000} MB "
                         f"drafter reads ({len(voice.posts):,} posts): not written, the voice file is unchanged ({path})")
    write_or_raise(path, text, VoiceError)


def lock_path(path: Path) -> Path:
    """The lock file of the voice file ``path`` (hidden, beside it)."""
    return path.with_name(f".{path.name}.lock")


def voice_lock(path: Path, *, wait: float | None = None) -> "ContextManager[None]":
    """Hold the voice file's lock (an exclusive ``flock`` on :func:`lock_path`) for one change:
    read, merge, write. Waits up to ``wait`` seconds (:data:`LOCK_WAIT`) for another change to
    finish, then a VoiceError says so. Where ``flock`` does not exist (Windows) nothing is locked."""
    from .locks import exclusive

    where = lock_path(path)
    return exclusive(where, what="the voice file", error=VoiceError, wait=LOCK_WAIT if wait is None else wait,
                     busy=lambda _holder: f"another drafter is changing the voice ({where} is locked): "
                                          "try again once it has finished")


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
    profile rebuilt by ``profile_of(posts) -> Profile``; also how many posts were added.

    A published draft is one post: a new post from a draft (origin "published", ``location`` its
    id) replaces the earlier text of that draft (published again after an edit)."""
    new = list(new)
    redrafted = {p.location for p in new if p.origin == "published" and p.location}
    posts = [p for p in (old.posts if old else []) if not (p.origin == "published" and p.location in redrafted)]
    seen = {p.id for p in posts}
    before = {p.id for p in old.posts} if old else set()
    added = 0
    for post in new:
        if post.id in seen:
            continue
        seen.add(post.id)
        posts.append(post)
        added += post.id not in before
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    posts.sort(key=lambda p: p.date or oldest, reverse=True)
    profile: Profile = profile_of(posts)
    return Voice(schema_version=VOICE_SCHEMA, updated=datetime.now(timezone.utc), posts=posts, profile=profile), added
