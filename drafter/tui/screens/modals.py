"""The app's dialogs, one of each kind for every screen: confirm, ask for a line of text,
export to a file, open a file or URL (and, re-exported, the editing screen's dialogs).

All follow :mod:`.dialog`'s rules (buttons ``[way out] [action]``, enter presses the focused
button, escape cancels and dismisses None). None of them touches the store or the templates
themselves; each dismisses with the answer and the caller acts on it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from ..widgets.path_input import PathInput, PathSuggester
from .dialog import Dialog, button_row
from .part_modals import QUICK_INSTRUCTIONS, RawOutputModal, RegenerateModal, VariantsModal

if TYPE_CHECKING:
    from ...models.source import Source

__all__ = [
    "EXPORT_FORMATS", "QUICK_INSTRUCTIONS", "ConfirmModal", "ExportFormat", "ExportModal", "OpenSourceModal",
    "RawOutputModal", "RegenerateModal", "TextPrompt", "VariantsModal", "load_location",
]  # fmt: skip

ExportFormat = Literal["txt", "md", "json"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("txt", "md", "json")


class ConfirmModal(Dialog[bool]):
    """A question with two answers. Dismisses True (yes), False (no) or None (escape: neither).

    The focus starts on the answer that loses nothing: ``yes``, or ``no`` when ``danger`` says
    that yes destroys something (delete, discard). ``y`` and ``n`` answer from anywhere, unless
    ``letters`` is False: a dialog that opens on its own (not on the user's key) and has an
    answer that destroys something must not take the letters of someone typing who has not
    seen it yet.
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", tooltip="Answer with the dialog's action button"),
        Binding("n", "answer(False)", "No", tooltip="Answer with the dialog's other button"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No", *, title: str = "Please confirm",
                 danger: bool = False, letters: bool = True) -> None:
        super().__init__()
        self.question, self.yes, self.no, self.title_text, self.danger = question, yes, no, title, danger
        self.letters = letters

    def compose(self):
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            if self.question:
                yield Static(Text(self.question), id="confirm-message", classes="dialog-body")  # never markup
            yield button_row(self.yes, "yes", way_out=self.no, way_out_id="no",
                             variant="error" if self.danger else "primary")
            keys = f"y: {self.yes} · n: {self.no} · " if self.letters else "tab: next button · enter: press it · "
            yield Static(Text(f"{keys}esc: cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#no" if self.danger else "#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.letters if action == "answer" else True

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class TextPrompt(Dialog[str | None]):
    """Ask for one line. ``check`` returns an error to show (the dialog stays open, with the text).

    ``allow_empty``: an empty answer is accepted (dismissed as ""); else it is refused in place.
    """

    def __init__(self, title: str, value: str = "", *, placeholder: str = "", action: str = "OK",
                 check: Callable[[str], str | None] | None = None, allow_empty: bool = False,
                 hint: str = "") -> None:
        super().__init__()
        self._title, self._value, self._placeholder, self._action = title, value, placeholder, action
        self._check, self._allow_empty, self._hint = check, allow_empty, hint

    def compose(self):
        with Vertical(classes="dialog"):
            yield Label(Text(self._title), classes="dialog-title")
            yield Input(self._value, placeholder=self._placeholder, id="prompt-input", select_on_focus=True)
            yield Static("", id="prompt-error", classes="dialog-error")
            if self._hint:
                yield Static(Text(self._hint), classes="hint")
            yield button_row(self._action, "ok")

    def on_mount(self) -> None:
        self.query_one("#prompt-input", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        value = self.query_one("#prompt-input", Input).value.strip()
        if not value and not self._allow_empty:
            problem: str | None = "type something first"
        else:
            problem = self._check(value) if self._check and value else None
        if problem:
            self.query_one("#prompt-error", Static).update(Text(problem))
            return
        self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class ExportModal(Dialog[Path | None]):
    """Where (and, with several ``formats``, as what) to write a file. Dismisses with the path
    (``~`` expanded; relative paths resolved against ``base`` when given); :attr:`fmt` is the
    chosen format. The extension follows the format until the path is edited; a file that
    already exists is replaced only after a second press (the dialog says so).
    """

    DEFAULT_CSS = """
    ExportModal RadioSet { layout: horizontal; width: 1fr; height: auto; margin-bottom: 1; }
    ExportModal RadioButton { margin-right: 2; }
    """

    def __init__(self, default_path: str | Path, *, title: str = "Export the post to a text file",
                 formats: tuple[ExportFormat, ...] = ("txt",), base: Path | None = None) -> None:
        super().__init__()
        path = Path(default_path)
        self._title = title
        self._formats = formats
        self.fmt: ExportFormat = path.suffix[1:] if path.suffix[1:] in formats else formats[0]  # type: ignore[assignment]
        self._stem = path.with_suffix("") if path.suffix[1:] in formats else path
        self._base = base
        self._auto_path = True
        self._confirm_overwrite: str | None = None

    def _default_path(self) -> str:
        return str(self._stem.with_name(f"{self._stem.name}.{self.fmt}"))

    def compose(self):
        with Vertical(classes="dialog wide"):
            yield Label(Text(self._title), classes="dialog-title")
            if len(self._formats) > 1:
                with RadioSet(id="export-format"):
                    for fmt in self._formats:
                        yield RadioButton(fmt, value=fmt == self.fmt, id=f"fmt-{fmt}")
            yield Label("Write to (an existing file is replaced only if you press Export twice):")
            yield Input(self._default_path(), id="path")
            yield Static("", id="export-error", classes="dialog-error")
            yield button_row("Export", "export")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(RadioSet.Changed)
    def _format_changed(self, event: RadioSet.Changed) -> None:
        self.fmt = self._formats[event.index]
        if self._auto_path:
            path_input = self.query_one("#path", Input)
            with path_input.prevent(Input.Changed):
                path_input.value = self._default_path()
        self._say("")

    @on(Input.Changed, "#path")
    def _path_edited(self, event: Input.Changed) -> None:
        self._auto_path = event.value == self._default_path()
        self._say("")

    def _say(self, problem: str) -> None:
        self._confirm_overwrite = None
        self.query_one("#export-error", Static).update(Text(problem))

    def resolve(self, text: str) -> Path:
        """The path ``text`` names (``~`` expanded, relative to ``base`` when given)."""
        path = Path(text).expanduser()
        if not path.is_absolute() and self._base is not None:
            path = self._base / path
        return path

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#export")
    def _submit(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self._say("type a file path")
            return
        path = self.resolve(text)
        if path.is_dir():
            self._say(f"{path} is a folder: add a file name")
            return
        if path.exists() and self._confirm_overwrite != text:
            self._say(f"{path.name} exists: press Export again to replace it")
            self._confirm_overwrite = text
            return
        self.dismiss(path)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


def load_location(location: str, *, fetch_timeout: float | None = None) -> "Source":
    """The source a typed location names: an http(s) URL (fetched within ``fetch_timeout``
    seconds, default the documented 15), else a file (``~`` expanded)."""
    from ...common.errors import SourceError
    from ...sources import inputs as sources

    if sources.is_url(location):
        return sources.from_url(location, timeout=fetch_timeout or sources.FETCH_TIMEOUT)
    if location.strip() == "-":  # the command line's stdin: no meaning here
        raise SourceError("type a file path (Tab completes it) or an http(s) URL; “-” (stdin) works "
                          "only on the command line")  # fmt: skip
    path = Path(location).expanduser()
    if not path.exists():  # the core's advice ("use - to read stdin") is the command line's
        raise SourceError(f"{path}: no such file (check the path: Tab completes it)")
    return sources.from_file(path)


class OpenSourceModal(Dialog["Source | str | None"]):
    """Ask for a file path (Tab completes it) or a URL.

    With ``load`` (e.g. :func:`load_location`), the dialog opens the location itself, in a
    thread: a failure is shown in the dialog with the text kept, and it dismisses with the
    loaded :class:`~drafter.models.source.Source`. Without, it dismisses with the text, and a caller
    whose open failed can show it again as ``OpenSourceModal(text, error=message)``.
    """

    def __init__(self, value: str = "", *, error: str | None = None,
                 load: Callable[[str], "Source"] | None = None, base: Callable[[], Path] = Path.cwd) -> None:
        super().__init__()
        self._value, self._error, self._load, self._base = value, error, load, base

    def compose(self):
        with Vertical(classes="dialog wide"):
            yield Label("Open a file or a URL", classes="dialog-title")
            yield Static("A .txt, .md or .html file (relative to the current folder; Tab completes the path), "
                         "or an http(s) URL.", classes="dialog-body")  # fmt: skip
            yield PathInput(self._value, placeholder="~/notes/article.md or https://example.com/post", id="location",
                            suggester=PathSuggester(self._base))  # fmt: skip
            yield Static(Text(self._error or ""), id="open-error", classes="dialog-error")
            yield button_row("Open", "open")

    def on_mount(self) -> None:
        self.query_one("#location", Input).focus()

    @property
    def error(self) -> str:
        """The problem shown (empty when none)."""
        return str(self.query_one("#open-error", Static).render())

    def _show_error(self, message: str) -> None:
        self.query_one("#open-error", Static).update(Text(message))

    @on(Input.Submitted)
    @on(Button.Pressed, "#open")
    def _open(self) -> None:
        value = self.query_one("#location", Input).value.strip()
        if not value:
            self._show_error("Type a path or a URL first.")
            return
        if self._load is None:
            self.dismiss(value)
            return
        self._show_error("")
        self.query_one("#open", Button).disabled = True
        self._run_load(value)

    @work(exclusive=True, group="open-source", exit_on_error=False, thread=True)
    def _run_load(self, value: str) -> None:
        """Open ``value`` off the event loop; the outcome comes back to the dialog's thread."""
        assert self._load is not None
        try:
            source = self._load(value)
        except Exception as exc:  # noqa: BLE001 - any failure is shown in place, the text kept
            self.app.call_from_thread(self._failed, str(exc) or type(exc).__name__)
            return
        self.app.call_from_thread(self._loaded, source)

    def _loaded(self, source: "Source") -> None:
        if self.is_current:  # not cancelled (escape) meanwhile
            self.dismiss(source)

    def _failed(self, message: str) -> None:
        if not self.is_current:
            return
        self.query_one("#open", Button).disabled = False
        self._show_error(f"Could not open it: {message}")
        self.query_one("#location", Input).focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
