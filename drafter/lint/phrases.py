"""The AI-tell phrase list: ``drafter/data/ai_tells.toml`` plus the user's own files.

A phrase file is TOML with ``[[tell]]`` tables::

    [[tell]]
    phrase = "game changer"         # literal: case-insensitive, whole words; ' matches ’,
                                    # a space matches any run of white space, - matches - or a space
    suggestion = "say what changed"  # optional, shown in the message

    [[tell]]
    regex = '^\\W*when\\s+.+?\\s+meets\\b'   # Python regex, case-insensitive
    where = "hook"                   # "anywhere" (default) or "hook" (the first line only)
    label = "When X meets Y opener"  # optional name for the message

Lists are read lazily and cached; a user file is re-read when its modification time or
size changes, so edits show up in a running TUI. Missing user files are skipped.

Every tell, built-in or the user's, is compiled with the ``regex`` package (one code path) and
matched with a time bound (:data:`MATCH_TIMEOUT`): a user pattern that backtracks
catastrophically (``(a|aa)+$``) is skipped for that post with a note naming its file and
pattern (:func:`find_tell`), never a hang.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ..common.errors import ConfigError, first_problem
from ..common.reading import read_toml
from .settings import DATA_DIR

BUILTIN_FILE = DATA_DIR / "ai_tells.toml"
MATCH_TIMEOUT = 0.5
"""Seconds one tell may spend matching one post before it is skipped with a note."""
_FLAGS = "IGNORECASE", "MULTILINE"


class TellEntry(BaseModel):
    """One ``[[tell]]`` table as written in a phrase file."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    phrase: str | None = None
    """Literal text, matched case-insensitively on word boundaries."""
    regex: str | None = None
    """A Python regular expression, matched case-insensitively."""
    suggestion: str = ""
    """What to write instead (shown in the message)."""
    where: Literal["anywhere", "hook"] = "anywhere"
    """hook: only in the first line."""
    label: str = ""
    """Name used in messages and in the ai-phrase ``ignore`` option; defaults to the phrase."""

    @model_validator(mode="after")
    def _one_of(self) -> "TellEntry":
        if bool(self.phrase and self.phrase.strip()) == bool(self.regex):
            raise ValueError("give exactly one of `phrase` or `regex`")
        return self

    def compile(self, source: str = "") -> "Tell":
        """The compiled tell; ``source`` names its file in notes. Raises ``regex.error``."""
        import regex

        if self.regex is not None:
            pattern = regex.compile(self.regex, regex.IGNORECASE | regex.MULTILINE)
            needles = _required_literals(self.regex)
        else:
            body, needle = _literal(self.phrase or "")
            pattern = regex.compile(body, regex.IGNORECASE)
            needles = (needle,) if needle else ()
        name = self.label or self.phrase or self.regex or ""
        return Tell(name, self.label, self.suggestion, self.where, pattern, needles, source, self.regex or "")


@dataclass(frozen=True, slots=True)
class Tell:
    """A compiled tell, ready to match."""

    name: str
    label: str
    suggestion: str
    where: str
    pattern: Any
    """A ``regex`` pattern (it takes a ``timeout``)."""
    needles: tuple[str, ...]
    """Lowercase literals one of which every match contains (empty: always scan)."""
    source: str = ""
    """The file the tell came from (for notes)."""
    regex: str = ""
    """The pattern as the user wrote it (empty for a phrase)."""

    def may_match(self, lowered: str) -> bool:
        return not self.needles or any(n in lowered for n in self.needles)


def find_tell(tell: Tell, text: str, timeout: float | None = None) -> tuple[list[tuple[int, int, str]], str | None]:
    """Every match of ``tell`` in ``text`` as ``(start, end, matched)``, and a note when it
    ran past ``timeout`` seconds (default :data:`MATCH_TIMEOUT`): then no matches, the tell
    is skipped for this text."""
    limit = MATCH_TIMEOUT if timeout is None else timeout
    try:
        return [(m.start(), m.end(), m.group()) for m in tell.pattern.finditer(text, timeout=limit)], None
    except TimeoutError:
        shown = tell.regex or tell.name
        where = f"{tell.source}: " if tell.source else ""
        return [], f"{where}AI-tell pattern {shown!r} took over {limit:g} s on this post and was skipped; simplify it"


def _literal(phrase: str) -> tuple[str, str]:
    """The pattern text for a literal phrase, and its longest word (the prefilter)."""
    words = phrase.strip().split()
    parts = []
    for word in words:
        esc = re.escape(word).replace("'", "['’]").replace("’", "['’]")
        parts.append(esc.replace(r"\-", r"[-\s]?"))
    body = r"\s+".join(parts)
    if re.match(r"\w", words[0]):
        body = r"\b" + body
    if re.search(r"\w$", words[-1]):
        body += r"\b"
    needle = max(re.findall(r"\w+", phrase.lower()) or [""], key=len)
    return body, needle


def _required_literals(regex: str) -> tuple[str, ...]:
    """Literal strings one of which every match of ``regex`` must contain (a prefilter).

    Reads the pattern with the standard library's regex parser; anything unexpected
    gives ``()`` (no prefilter), never a wrong answer.
    """
    try:
        from re import _constants as c, _parser as parser  # type: ignore[attr-defined]

        tree = parser.parse(regex, re.IGNORECASE)
        repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}

        def best(seq: Any) -> frozenset[str] | None:
            options: list[frozenset[str]] = []
            run = ""
            for op, av in seq:
                if op is c.LITERAL:
                    run += chr(av)
                    continue
                if run:
                    options.append(frozenset([run]))
                    run = ""
                found: frozenset[str] | None = None
                if op is c.SUBPATTERN:
                    found = best(av[-1])
                elif op is c.BRANCH:
                    subs = [best(b) for b in av[1]]
                    if subs and all(subs):
                        found = frozenset().union(*subs)  # type: ignore[arg-type]
                elif op in repeats and av[0] >= 1:
                    found = best(av[2])
                if found:
                    options.append(found)
            if run:
                options.append(frozenset([run]))
            if not options:
                return None
            return max(options, key=lambda o: (min(len(x) for x in o), -len(o)))

        found = best(tree)
    except Exception:  # noqa: BLE001 - a private parser may change; fall back to scanning
        return ()
    if not found or min(len(x) for x in found) < 2:
        return ()
    lowered = tuple(sorted({x.lower() for x in found}))
    if any(x.lower() != x.casefold() for x in found):
        return ()
    return lowered


def _regex_error() -> type[Exception]:
    import regex

    return regex.error


def _line_of(raw: str, needle: str, nth: int = 0) -> int | None:
    """1-based line of the ``nth`` line containing ``needle`` (for messages)."""
    seen = 0
    for number, line in enumerate(raw.splitlines(), 1):
        if needle and needle in line:
            if seen == nth:
                return number
            seen += 1
    return None


def parse_phrases(data: dict[str, Any], path: Path, raw: str = "") -> tuple[Tell, ...]:
    """Validate a parsed phrase file; errors name the file, the entry and its line."""
    unknown = [k for k in data if k != "tell"]
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} (phrases go in [[tell]] tables)")
    entries = data.get("tell", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: `tell` must be an array of tables ([[tell]])")
    tells: list[Tell] = []
    for index, entry in enumerate(entries):
        line = _line_of(raw, "[[tell]]", index)
        where = f"{path}: line {line}" if line else f"{path}: tell #{index + 1}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: each tell must be a table")
        try:
            entry_model = TellEntry.model_validate(entry)
        except ValidationError as exc:
            err = first_problem(exc)
            problem = f"unknown key {err.where!r}" if err.kind == "extra_forbidden" else err.line()
            raise ConfigError(f"{where}: {problem}") from exc
        try:
            tells.append(entry_model.compile(str(path)))
        except (re.error, _regex_error()) as exc:
            at = _line_of(raw, entry_model.regex or "") or line
            raise ConfigError(f"{path}: line {at}: invalid regex {entry_model.regex!r}: {exc}") from exc
    return tuple(tells)


def read_phrase_file(path: Path | str) -> tuple[Tell, ...]:
    path = Path(path)
    data = read_toml(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raw = ""
    return parse_phrases(data, path, raw)


@functools.lru_cache(maxsize=32)
def _cached(path: str, mtime_ns: int, size: int) -> tuple[Tell, ...]:
    return read_phrase_file(path)


def _load_one(path: Path) -> tuple[Tell, ...]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return ()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return _cached(str(path), stat.st_mtime_ns, stat.st_size)


def load_phrases(paths: Iterable[Path | str] | Path | str = (), *, builtin: bool = True) -> tuple[Tell, ...]:
    """The built-in tells (unless ``builtin=False``) followed by those in ``paths``."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    tells: list[Tell] = list(_load_one(BUILTIN_FILE)) if builtin else []
    for path in paths:
        tells.extend(_load_one(Path(path)))
    return tuple(tells)
