"""Parsing a template file: TOML to a validated :class:`Template`, errors naming file, line and field.

The rules are :class:`Template`'s (pydantic validates once); this module reads the TOML,
turns the first validation error into one line that names the file, the line of the TOML
key it is about and the field, and then checks what needs the whole file: the name against
the file name, and every ``{placeholder}`` against the variables each prompt is given.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, NoReturn, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..common.errors import TemplateError
from ..common.reading import TomlTooDeep, parse_toml
from .files import display_path
from .model import (
    DRAFT_PROMPT_PLACEHOLDERS,
    PART_PROMPT_PLACEHOLDERS,
    PLATFORM_PROMPT_PLACEHOLDERS,
    VARIABLE_RULE,
    VARIANTS_PART,
    VARIANTS_PROMPT_PLACEHOLDERS,
    Origin,
    Template,
)
from .render import PlaceholderError, scan

Loc = tuple[str | int, ...]

_RULES = {  # field -> what a value breaking its rule is told (a number given for a string aside)
    "name": "name {value!r} must be 1 to 48 lowercase letters, digits and hyphens",
    "temperature": "temperature must be a number from 0 to 2, not {value!r}",
    "extras.key": "extras.key {value!r} must be a-z, 0-9 and _ (starting with a letter)",
}
_TABLE_TYPES = frozenset({"model_type", "model_attributes_type", "dict_type", "list_type"})


class _Ctx:
    """The file being parsed, to raise errors that name it and the line."""

    def __init__(self, path: Path | str, text: str) -> None:
        self.shown = display_path(path)
        self.text = text

    def fail(self, message: str, *, line: int | None = None, column: int | None = None) -> NoReturn:
        where = f"{self.shown}: line {line}" if line else self.shown
        where += f", column {column}" if line and column else ""
        raise TemplateError(f"{where}: {message}")

    def line_at(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def key_match(self, table: str | None, key: str, index: int = 0) -> re.Match[str] | None:
        """Best effort: where ``key =`` is written in ``[table]`` (or at the top level)."""
        start, end = 0, len(self.text)
        if table is None:
            header = re.search(r"^[ \t]*\[", self.text, re.M)
            end = header.start() if header else end
        else:
            name = re.escape(table)
            pattern = rf"^[ \t]*\[\[[ \t]*{name}[ \t]*\]\]" if table == "extras" else rf"^[ \t]*\[[ \t]*{name}[ \t]*\]"
            headers = list(re.finditer(pattern, self.text, re.M))
            if len(headers) <= index:
                return None
            start = headers[index].end()
        pattern = re.compile(rf"^[ \t]*([\"']?){re.escape(key)}\1[ \t]*=[ \t]*", re.M)
        return pattern.search(self.text, start, end)

    def key_line(self, loc: Loc) -> int | None:
        """The line of the TOML key at ``loc``: ``("temperature",)``, ``("prompts", "user")``,
        ``("extras", 1, "key")``; for a table that is not one, the line of its key."""
        names = [p for p in loc if isinstance(p, str)]
        if len(names) >= 2:
            index = loc[1] if len(loc) > 2 and isinstance(loc[1], int) else 0
            m = self.key_match(names[0], names[1], index)
        else:
            m = self.key_match(None, names[0]) if names else None
        return self.line_at(m.start()) if m else None

    def value_line(self, table: str | None, key: str, value: str, pos: int) -> int | None:
        """Line in the file of character ``pos`` of a string value."""
        m = self.key_match(table, key)
        if m is None:
            return None
        rest = self.text[m.end() : m.end() + 5]
        if not rest.startswith(('"""', "'''")):  # one-line string: "\n" escapes are not lines
            return self.line_at(m.start())
        trimmed = rest[3:].startswith(("\n", "\r\n"))  # TOML drops a newline right after """
        return self.line_at(m.start()) + int(trimmed) + value.count("\n", 0, pos)


def _fields_at(loc: Loc) -> list[str]:
    """The keys allowed in the table at ``loc`` (a model's fields, by their names in the file)."""
    model: type[BaseModel] = Template
    for step in loc:
        if isinstance(step, int):
            continue
        field = next(f for n, f in model.model_fields.items() if (f.alias or n) == step)
        model = next(a for a in (field.annotation, *get_args(field.annotation))
                     if isinstance(a, type) and issubclass(a, BaseModel))
    return [f.alias or n for n, f in model.model_fields.items()]


def _explain(error: ErrorDetails) -> tuple[str, Loc]:
    """One validation error as today's message, and the location in the file it is about."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error["input"]
    loc: Loc = ctx.get("loc", error["loc"])
    if kind == "template":  # a rule of Template's own: the message is final
        return ctx["message"], loc
    variable = loc[:2] if loc[:1] == ("variables",) and len(loc) > 1 else None
    if variable:  # a variable's value of no usable type (each type it tried is an error)
        return f"variable '{variable[1]}' {VARIABLE_RULE}", variable
    field = ".".join(p for p in loc if isinstance(p, str))
    if kind == "missing":
        return f"missing required field {field}", loc
    if kind == "extra_forbidden":
        return f"unknown field '{field}' (allowed: {', '.join(_fields_at(loc[:-1]))})", loc
    if kind == "blank":
        return f"{field} is empty", loc
    if kind in _TABLE_TYPES:
        head = str(loc[0])
        if kind == "list_type" or (len(loc) > 1 and isinstance(loc[1], int)):
            return f"'{head}' must be an array of tables ([[{head}]])", loc[:1]
        return f"'{field}' must be a table ([{field}])", loc
    if kind == "string_type":
        return f"{field} must be a string, not {type(value).__name__}", loc
    if field in _RULES:
        return _RULES[field].format(value=value), loc
    return f"{field or 'template'}: {error['msg']}", loc


def _first_error(exc: ValidationError) -> ErrorDetails:
    """The error to report: a misspelt key first (it explains a missing one), else the first."""
    errors = exc.errors()
    return next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])


def _check_prompt(ctx: _Ctx, table: str, key: str, text: str, allowed: frozenset[str] | set[str]) -> None:
    field = f"{table}.{key}"
    try:
        tokens = scan(text)
    except PlaceholderError as exc:
        ctx.fail(f"{exc} (in {field})", line=ctx.value_line(table, key, text, exc.pos))
    for tok in tokens:
        if isinstance(tok, str) or tok[0] in allowed:
            continue
        name, pos = tok
        line = ctx.value_line(table, key, text, pos)
        if name in VARIANTS_PROMPT_PLACEHOLDERS:
            only = f"parts.{VARIANTS_PART}" if name == "n" else "[parts] prompts"
            ctx.fail(f"variable {{{name}}} in {field} is only supplied to {only}", line=line)
        ctx.fail(
            f"unknown variable {{{name}}} in {field}; declare it under [variables] "
            f"(known: {', '.join(sorted(allowed))})",
            line=line,
        )


def _read(ctx: _Ctx, text: str) -> dict[str, Any]:
    try:
        return parse_toml(text)
    except TomlTooDeep as exc:
        ctx.fail(f"TOML syntax error: {exc}")
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
        if m:
            ctx.fail(f"TOML syntax error: {msg[: m.start()]}", line=int(m[1]), column=int(m[2]))
        ctx.fail(f"TOML syntax error: {msg}")


def parse_template(text: str, path: Path | str, *, origin: Origin = "user") -> Template:
    """Parse and validate a template file's text. Errors name the file, line and field."""
    ctx = _Ctx(path, text)
    data = _read(ctx, text)
    try:
        template = Template.model_validate(data).located(path, origin)
    except ValidationError as exc:
        message, loc = _explain(_first_error(exc))
        ctx.fail(message, line=ctx.key_line(loc))
    file = Path(path)
    if file.suffix == ".toml" and file.stem != template.name:
        ctx.fail(f"name '{template.name}' does not match the file name '{file.name}' (they must be the same)",
                 line=ctx.key_line(("name",)))
    declared = set(template.variables)
    _check_prompt(ctx, "prompts", "system", template.system, DRAFT_PROMPT_PLACEHOLDERS | declared)
    _check_prompt(ctx, "prompts", "user", template.user, DRAFT_PROMPT_PLACEHOLDERS | declared)
    for key, value in template.parts.items():
        allowed = VARIANTS_PROMPT_PLACEHOLDERS if key == VARIANTS_PART else PART_PROMPT_PLACEHOLDERS
        _check_prompt(ctx, "parts", key, value, allowed | declared)
    for key, value in template.platforms.items():
        _check_prompt(ctx, "platforms", key, value, PLATFORM_PROMPT_PLACEHOLDERS | declared)
        if not any(not isinstance(tok, str) and tok[0] == "post" for tok in scan(value)):
            ctx.fail(f"platforms.{key} never inserts {{post}}, the LinkedIn post it adapts",
                     line=ctx.key_line(("platforms", key)))
    return template
