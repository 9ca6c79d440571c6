"""The templates screen (Pilot) and the drafter.toml edit behind "set default template"."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Input, TextArea

from drafter.settings.config import Settings, load_settings
from drafter.service.drafting import Drafter
from drafter.common.errors import ConfigError
from drafter.templates import BUILTIN_NAMES
from drafter.tui.app import make_app
from drafter.tui.screens.templates import TemplatesScreen, locate_error
from drafter.tui.screens.modals import ConfirmModal, TextPrompt
from drafter.settings.paths import Workspace
from drafter.settings.edit import set_default_template
from tests.tui.conftest import wait_for

UNSET = object()


@pytest.fixture
def drafter(tmp_path: Path) -> Drafter:
    ws = tmp_path / "ws"
    (ws / "prompts").mkdir(parents=True)
    (ws / "drafter.toml").write_text('# my settings\nmodel = "gpt-4.1-mini"\ntemplate = "classic"\n\n[lint]\nthreshold = 70\n',
                                     encoding="utf-8")
    return Drafter(Settings(engine="offline"), Workspace(ws, "test"))


class Result:
    value: Any = UNSET


def start(drafter: Drafter) -> App[Any]:
    return make_app(drafter=drafter, env={})




def screen_of(app: App[Any]) -> TemplatesScreen:
    return next(s for s in reversed(app.screen_stack) if isinstance(s, TemplatesScreen))


async def opened(pilot, result: Result | None = None) -> TemplatesScreen:
    result = result if result is not None else Result()
    await pilot.pause()
    pilot.app.push_screen(TemplatesScreen(), callback=lambda value: setattr(result, "value", value))
    await wait_for(pilot, lambda: any(isinstance(s, TemplatesScreen) and s.is_mounted
                                   and s._table.row_count for s in pilot.app.screen_stack), what="the templates list")
    return screen_of(pilot.app)


async def select(pilot, screen: TemplatesScreen, name: str) -> None:
    table = screen._table
    table.move_cursor(row=table.get_row_index(name))
    await wait_for(pilot, lambda: screen.selected_name == name and screen._shown == name, what=f"{name} to be shown")


def add_user_template(drafter: Drafter, name: str = "mine") -> Path:
    path = drafter.templates.new(name, "classic")
    assert path.parent == drafter.workspace.prompts_dir
    return path


# ---- pure: locating errors, editing drafter.toml ----------------------------------------------


def test_locate_error_reads_line_and_column() -> None:
    assert locate_error("prompts/x.toml: line 7, column 3: TOML syntax error: bad") == (7, 3, "TOML syntax error: bad")
    assert locate_error("prompts/x.toml: line 7: column 3: TOML syntax error: bad") == (7, 3, "TOML syntax error: bad")
    assert locate_error("prompts/x.toml: line 12: unknown variable {foo}") == (12, None, "unknown variable {foo}")
    assert locate_error("prompts/x.toml: missing required field name") == (None, None, "missing required field name")


def test_set_default_replaces_the_line_and_keeps_the_rest(drafter: Drafter) -> None:
    path = set_default_template(drafter.workspace, "story")
    text = path.read_text(encoding="utf-8")
    assert text == '# my settings\nmodel = "gpt-4.1-mini"\ntemplate = "story"\n\n[lint]\nthreshold = 70\n'
    settings, origins = load_settings(drafter.workspace, env={})
    assert settings.template == "story" and origins["template"] == str(path)


def test_set_default_inserts_after_the_opening_comments(tmp_path: Path) -> None:
    (tmp_path / "drafter.toml").write_text("# header\n# more\nmodel = 'x'\n[lint]\ntemplate = 'not top level'\n",
                                           encoding="utf-8")
    set_default_template(tmp_path, "how-to")
    text = (tmp_path / "drafter.toml").read_text(encoding="utf-8")
    assert text == "# header\n# more\ntemplate = \"how-to\"\nmodel = 'x'\n[lint]\ntemplate = 'not top level'\n"
    data = tomllib.loads(text)
    assert data["template"] == "how-to" and data["lint"]["template"] == "not top level"


@pytest.mark.parametrize("before, after", [
    ("", 'template = "a"\n'),
    ("# only a comment", '# only a comment\ntemplate = "a"\n'),
    ('template="old"', 'template = "a"'),
    ('model = "m"\r\ntemplate = "old"\r\n', 'model = "m"\r\ntemplate = "a"\r\n'),
])
def test_set_default_edge_cases(tmp_path: Path, before: str, after: str) -> None:
    if before:
        (tmp_path / "drafter.toml").write_bytes(before.encode())
    set_default_template(tmp_path, "a")
    assert (tmp_path / "drafter.toml").read_bytes().decode() == after


@pytest.mark.parametrize("before, after", [
    # a template key inside a table is not the setting: the top-level one goes before the table
    ('[tui]\ntemplate = "x"\n', 'template = "a"\n[tui]\ntemplate = "x"\n'),
    ('# c\n[lint.rules.emoji]\nmax = 5\n[prompts]\ntemplate = 1\n',
     '# c\ntemplate = "a"\n[lint.rules.emoji]\nmax = 5\n[prompts]\ntemplate = 1\n'),
    # CRLF: a new line takes the file's line ending; the rest is kept byte for byte
    ('# c\r\nmodel = "m"\r\n\r\n[lint]\r\nthreshold = 7\r\n',
     '# c\r\ntemplate = "a"\r\nmodel = "m"\r\n\r\n[lint]\r\nthreshold = 7\r\n'),
    ('model = "m"\r\n[lint]\r\ntemplate = "t"\r\n', 'template = "a"\r\nmodel = "m"\r\n[lint]\r\ntemplate = "t"\r\n'),
    # the key already there under another quoting is replaced, never added a second time
    ("'template' = 'old'\nmodel = 'm'\n", "template = \"a\"\nmodel = 'm'\n"),
    ('"template"   =   "old"   # keep this comment\r\n[t]\r\n', 'template = "a"   # keep this comment\r\n[t]\r\n'),
    ("model = 'm'\ntemplate = '''old'''\n", "model = 'm'\ntemplate = \"a\"\n"),
], ids=["table-only", "tables-after-comments", "crlf-insert", "crlf-table-key", "single-quoted-key",
        "double-quoted-key-crlf", "multiline-literal-value"])
def test_set_default_in_tables_crlf_and_quoted_keys(tmp_path: Path, before: str, after: str) -> None:
    (tmp_path / "drafter.toml").write_bytes(before.encode())
    set_default_template(tmp_path, "a")
    text = (tmp_path / "drafter.toml").read_bytes().decode()
    assert text == after
    assert tomllib.loads(text)["template"] == "a"


def test_set_default_writes_a_name_that_needs_escaping_as_a_valid_string(tmp_path: Path) -> None:
    set_default_template(tmp_path, 'odd "name" \\ é')
    assert tomllib.loads((tmp_path / "drafter.toml").read_text(encoding="utf-8"))["template"] == 'odd "name" \\ é'


def test_set_default_leaves_invalid_toml_alone(tmp_path: Path) -> None:
    (tmp_path / "drafter.toml").write_text("model = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        set_default_template(tmp_path, "a")
    assert (tmp_path / "drafter.toml").read_text(encoding="utf-8") == "model = \n"
    assert not list(tmp_path.glob(".drafter.toml.*"))  # no temp file left


# ---- the screen --------------------------------------------------------------------------------


async def test_lists_builtins_and_shows_the_default(drafter: Drafter) -> None:
    add_user_template(drafter, "mine")
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        table = screen._table
        names = [str(table.get_row(key)[0]).strip(" ★") for key in table.rows]
        assert set(BUILTIN_NAMES) <= set(names) and "mine" in names
        origins = {str(table.get_row(key)[0]).strip(" ★"): table.get_row(key)[1] for key in table.rows}
        assert origins["classic"] == "built-in" and origins["mine"] == "user"
        assert str(table.get_row("classic")[0]).startswith("★")
        assert screen.selected_name == "classic"


async def test_view_shows_the_toml_read_only(drafter: Drafter) -> None:
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await select(pilot, screen, "story")
        await pilot.press("enter")
        view = screen.query_one("#templates-view", TextArea)
        assert app.focused is view
        assert view.read_only and view.text == drafter.templates.read_text("story")
        assert view.language in ("toml", None)
        await pilot.press("x")
        assert view.text == drafter.templates.read_text("story")


async def test_invalid_template_file_is_a_warning(drafter: Drafter) -> None:
    (drafter.workspace.prompts_dir / "broken.toml").write_text("name = \n", encoding="utf-8")
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        problems = screen.query_one("#templates-problems")
        assert problems.display and "broken.toml" in str(problems.render())
        assert any(n.severity == "warning" for n in app._notifications)
        assert "broken" not in screen._infos


async def test_duplicate_a_builtin(drafter: Drafter) -> None:
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await select(pilot, screen, "story")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), what="the name prompt")
        field = app.screen.query_one(Input)
        assert field.value == "story-mine"
        field.value = "Bad Name"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)  # invalid name: the prompt stays, with the reason
        assert "invalid template name" in str(app.screen.query_one("#prompt-error").render())
        field.value = "my-story"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "my-story" in screen._infos, what="the copy to be listed")
        path = drafter.workspace.prompts_dir / "my-story.toml"
        assert tomllib.loads(path.read_text(encoding="utf-8"))["name"] == "my-story"
        assert screen._infos["my-story"].origin == "user"
        assert screen.selected_name == "my-story"


async def test_builtin_cannot_be_edited_in_place(drafter: Drafter) -> None:
    builtin = drafter.templates._locate("classic")[0]
    before = builtin.read_bytes()
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the duplicate offer")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TemplatesScreen), what="the offer to close")
        assert screen.editing is None and screen._view.read_only
        # accept the offer: duplicate, then edit the copy
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the duplicate offer")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPrompt), what="the name prompt")
        await pilot.press("enter")  # accept "classic-mine"
        await wait_for(pilot, lambda: screen.editing == "classic-mine", what="the copy to open for editing")
        assert not screen._view.read_only
    assert builtin.read_bytes() == before


@pytest.mark.parametrize("breakage, line_word, message", [
    (lambda t: t.replace("[layout]", "[layout"), "[layout", "TOML syntax error"),
    (lambda t: t.replace("{source}", "{sauce}"), "{sauce}", "unknown variable {sauce}"),
])
async def test_edit_invalid_shows_line_and_keeps_file_then_fix_saves(
        drafter: Drafter, breakage, line_word: str, message: str) -> None:
    path = add_user_template(drafter, "mine")
    original = path.read_text(encoding="utf-8")
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await select(pilot, screen, "mine")
        await pilot.press("e")
        await wait_for(pilot, lambda: screen.editing == "mine", what="edit mode")
        view = screen._view
        assert app.focused is view and not view.read_only
        broken = breakage(original)
        view.load_text(broken)
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = screen.query_one("#templates-error")
        shown = str(error.render())
        expected_line = next(i for i, ln in enumerate(broken.splitlines(), 1) if line_word in ln)
        assert error.display and f"line {expected_line}" in shown and message in shown
        assert view.cursor_location[0] == expected_line - 1
        assert path.read_text(encoding="utf-8") == original
        assert screen.editing == "mine"
        # fix it: saved, edit mode left
        view.load_text(original.replace('description = "', 'description = "Edited. '))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.editing is None, what="the save")
        assert not error.display
    assert 'description = "Edited. ' in path.read_text(encoding="utf-8")


async def test_escape_with_changes_asks_before_discarding(drafter: Drafter) -> None:
    path = add_user_template(drafter, "mine")
    original = path.read_text(encoding="utf-8")
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await select(pilot, screen, "mine")
        await pilot.press("e")
        await wait_for(pilot, lambda: screen.editing == "mine", what="edit mode")
        await pilot.press("home", "#", " ")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the discard question")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, TemplatesScreen), what="back to editing")
        assert screen.editing == "mine"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the discard question")
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.editing is None, what="edit mode to end")
        assert screen._view.text == original
    assert path.read_text(encoding="utf-8") == original


async def test_set_default_for_session_and_in_drafter_toml(drafter: Drafter) -> None:
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await select(pilot, screen, "how-to")
        await pilot.press("s")
        await wait_for(pilot, lambda: drafter.settings.template == "how-to", what="the session setting")
        assert str(screen._table.get_row("how-to")[0]).startswith("★")
        assert "default: how-to" in str(screen.query_one("#templates-title").render())
    text = drafter.workspace.config_file.read_text(encoding="utf-8")
    assert text == '# my settings\nmodel = "gpt-4.1-mini"\ntemplate = "how-to"\n\n[lint]\nthreshold = 70\n'


async def test_escape_closes(drafter: Drafter) -> None:
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, result)
        await pilot.press("escape")
        await wait_for(pilot, lambda: result.value is not UNSET, what="the screen to close")


async def test_closing_returns_the_new_default_to_the_main_screen(drafter: Drafter) -> None:
    app, result = start(drafter), Result()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, result)
        await select(pilot, screen, "story")
        await pilot.press("s", "escape")
        await wait_for(pilot, lambda: result.value is not UNSET, what="the screen to close")
        assert result.value == "story"


async def test_ctrl_t_from_the_main_screen_opens_templates(drafter: Drafter) -> None:
    app = start(drafter)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, TemplatesScreen) and app.screen._shown == "classic",
                    what="the templates screen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, TemplatesScreen), what="the screen to close")
