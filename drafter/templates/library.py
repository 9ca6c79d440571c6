"""The template library: built-in templates plus the user's ``prompts/`` folder, by name."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from ..common.errors import TemplateError
from ..settings.config import DEFAULT_TEMPLATE
from .files import already_exists, display_path, read_file, same_path, toml_files, write_atomic
from .model import NAME_RE, Origin, Template
from .parse import parse_template

BUILTIN_NAMES = ("classic", "contrarian", "how-to", "news-takeaways", "story")
"""The templates shipped in prompts/ (a test keeps this in step with the folder)."""


class TemplateInfo(BaseModel):
    """One line of ``drafter templates``."""

    name: str
    description: str
    origin: Origin
    path: Path
    overrides_builtin: bool = False
    """A user template that replaces the built-in of the same name."""


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise TemplateError(
            f"invalid template name {name!r}: use 1 to 48 lowercase letters, digits and hyphens, "
            "starting with a letter or digit"
        )
    return name


class TemplateLibrary:
    """Built-in templates plus the user's ``prompts/`` folder; user files win by name.

    When the user folder *is* the built-in folder (running inside the repo), the files named
    in :data:`BUILTIN_NAMES` count as built-in and the others as the user's.
    """

    def __init__(self, user_dir: Path | None, builtin_dir: Path | None = None) -> None:
        if builtin_dir is None:
            from ..settings.paths import builtin_prompts_dir

            builtin_dir = builtin_prompts_dir()
        self.user_dir = Path(user_dir) if user_dir is not None else None
        self.builtin_dir = Path(builtin_dir)

    @property
    def _shared(self) -> bool:
        return self.user_dir is not None and same_path(self.user_dir, self.builtin_dir)

    def is_builtin_path(self, path: Path) -> bool:
        """Whether ``path`` (existing or not) is, or links to, a built-in template file."""
        try:
            resolved = path.resolve()
        except OSError:
            return False
        if not same_path(resolved.parent, self.builtin_dir):
            return False
        return not self._shared or resolved.stem in BUILTIN_NAMES

    def _files(self) -> dict[str, tuple[Path, Origin, bool]]:
        """name -> (path, origin, overrides_builtin) for every *.toml file, user files winning."""
        found: dict[str, tuple[Path, Origin, bool]] = {}
        for path in toml_files(self.builtin_dir):
            if not self._shared or path.stem in BUILTIN_NAMES:
                found[path.stem] = (path, "built-in", False)
        if self.user_dir is not None:
            for path in toml_files(self.user_dir):
                if not self.is_builtin_path(path):
                    found[path.stem] = (path, "user", path.stem in found)
        return dict(sorted(found.items()))

    def _load(self, path: Path, origin: Origin) -> Template:
        return parse_template(read_file(path), path, origin=origin)

    def list(self) -> tuple[list[TemplateInfo], list[str]]:
        """Valid templates, and one line per invalid file. Never raises."""
        infos: list[TemplateInfo] = []
        problems: list[str] = []
        for path, origin, overrides in self._files().values():
            try:
                t = self._load(path, origin)
            except TemplateError as exc:
                problems.append(str(exc))
                continue
            except Exception as exc:  # noqa: BLE001 - list() must never raise
                problems.append(f"{display_path(path)}: {exc}")
                continue
            infos.append(TemplateInfo(name=t.name, description=t.description, origin=origin, path=path,
                                      overrides_builtin=overrides))
        return infos, problems

    def names(self) -> list[str]:
        return [info.name for info in self.list()[0]]

    def _locate(self, name: str) -> tuple[Path, Origin]:
        found = self._files().get(name) if isinstance(name, str) and NAME_RE.match(name) else None
        if found is None:
            raise TemplateError(f"no template named {name!r} (available: {', '.join(self.names()) or 'none'})")
        return found[0], found[1]

    def get(self, name: str) -> Template:
        return self._load(*self._locate(name))

    def read_text(self, name: str) -> str:
        return read_file(self._locate(name)[0])

    def _target(self, name: str) -> Path:
        check_name(name)
        if self.user_dir is None:
            raise TemplateError("no user template folder is set (use a workspace)")
        return self.user_dir / f"{name}.toml"

    def validate_text(self, text: str, path: Path) -> Template:
        return parse_template(text, path, origin="built-in" if self.is_builtin_path(path) else "user")

    def new(self, name: str, from_name: str | None = None) -> Path:
        """Copy a template (default: classic) to the user folder as ``name``. Never overwrites."""
        target = self._target(name)
        if target.exists() or target.is_symlink():
            raise already_exists(target)
        if self.is_builtin_path(target):
            raise TemplateError(f"'{name}' is a built-in template name here; choose another name")
        text = self.read_text(from_name or DEFAULT_TEMPLATE)
        text, count = re.subn(r"^([ \t]*name[ \t]*=[ \t]*)(\"[^\"\n]*\"|'[^'\n]*')", rf'\g<1>"{name}"', text,
                              count=1, flags=re.M)
        if not count:
            text = f'name = "{name}"\n' + text
        self.validate_text(text, target)
        write_atomic(target, text, overwrite=False)
        return target

    def save_text(self, name: str, text: str) -> Template:
        """Validate ``text`` and write it as the user template ``name`` (atomic). Never a built-in."""
        target = self._target(name)
        if self.is_builtin_path(target):
            raise TemplateError(
                f"'{name}' is a built-in template and cannot be overwritten; save it under another name "
                f"(for example {name}-mine)"
            )
        template = parse_template(text, target, origin="user")
        write_atomic(target, text, overwrite=True)
        return template
