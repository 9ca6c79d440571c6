"""Every key of the app, read from the real bindings: what F1 shows and the README's table.

The keys come from the ``BINDINGS`` of the app's own classes (found by walking
:mod:`drafter.tui`), so a binding added anywhere shows up in the help by itself; this module
only adds words. A binding's text is its ``tooltip`` if it has one, else :data:`ACTION_HELP`,
else its footer description. :data:`EXTRA_KEYS` names the few keys a class inherits from a
Textual widget and means (enter in a takeaway, enter on a button); a test checks each is bound.

``python -m drafter.tui.keys`` prints the README table.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode

SECTIONS: dict[str, str] = {
    "DrafterApp": "Anywhere",
    "MainScreen": "Drafting",
    "TakeawayInput": "Takeaways",
    "PartInput": "Text boxes",
    "TextBox": "Text boxes",
    "PreviewPane": "Preview",
    "DraftsScreen": "Drafts library",
    "TemplatesScreen": "Templates",
    "Dialog": "Dialogs",
    "ConfirmModal": "Dialogs",
    "PathInput": "Dialogs",
    "HelpScreen": "Help",
}
"""Class name -> the section its keys are listed under (in this order). A class not named here
is listed under its ``HELP_SECTION`` attribute, else its own name, after these."""

ACTION_HELP: dict[str, str] = {
    "help": "This help",
    "toggle_theme": "Dark / light theme",
    "quit": "Quit (asks if the draft has unsaved changes; an autosave copy is kept)",
    "generate": "Generate a draft from the source",
    "cancel": "Cancel the running request",
    "save": "Save the draft",
    "copy_post": "Copy the post of the platform shown (system clipboard and terminal); on a thread: its next "
                 "post, in order (“copied 2/4”)",
    "copy_thread": "Copy the whole thread of the platform shown as one text (its posts, a blank line between)",
    "next_platform(1)": "Next platform (LinkedIn, X, Threads, Bluesky, Mastodon; or click one above the preview): "
                        "one without a version is adapted from the LinkedIn post (in a text box too: f6 no longer "
                        "selects the line there)",
    "next_platform(-1)": "Previous platform",
    "regenerate": "Regenerate one part (with an optional instruction); on another platform than LinkedIn: adapt "
                  "the post again for it (asks first if you edited that version)",
    "variants": "Hook variants: pick one of five hooks",
    "toggle_voice": "Voice on / off (the top bar says which): the next generation (a draft, a part, hook variants, "
                    "a platform version) is drafted in your voice or without it; the post on screen stays",
    "open_source": "Open a file or URL as the source",
    "library": "Drafts library: find and reopen a saved draft",
    "templates": "Templates",
    "new_draft": "New draft",
    "show('compose')": "Show Compose",
    "show('editor')": "Show the Editor",
    "show('preview')": "Show the Preview",
    "undo": "Undo: part and whole-post edits, generations, regenerated parts, picked hooks (in a text box: its own undo)",
    "redo": "Redo (in a text box: its own redo)",
    "jump('hook')": "Jump to the hook",
    "jump('takeaways')": "Jump to the takeaways",
    "jump('question')": "Jump to the question",
    "jump('hashtags')": "Jump to the hashtags",
    "jump('post')": "Jump to the whole post",
    "home": "Start of the text",
    "end": "End of the text",
    "go('start')": "Start of the text",
    "go('end')": "End of the text",
    "move(-1)": "Move the takeaway up",
    "move(1)": "Move the takeaway down",
    "toggle_mobile": "Mobile / desktop fold (140 / 210 chars)",
    "toggle_fold": "Expand / fold “…see more”",
    "screen.copy_post": "Copy the post (a thread: its next post)",
    "screen.copy_thread": "Copy the whole thread",
    "screen.export_post": "Export the post to a text file",
    "screen.voice": "Your voice: the examples the draft was written with (date, score, text) and the profile",
    "DraftsScreen.open": "Open the highlighted draft",
    "DraftsScreen.to_table": "From the search box: back to the list",
    "DraftsScreen.focus_filter": "Search words (all, any order) in titles, post text, source titles/topics/locations (not the article text), templates, ids",
    "DraftsScreen.duplicate": "Duplicate the draft (named “… (copy)”)",
    "DraftsScreen.rename": "Rename the draft (empty: the title follows the hook again)",
    "DraftsScreen.delete": "Delete the draft (asks first)",
    "DraftsScreen.export": "Export the draft as txt, md or json",
    "DraftsScreen.close": "Close the library",
    "TemplatesScreen.close": "Close the templates",
    "TemplatesScreen.cancel_edit": "While editing: cancel (asks if changed)",
    "TemplatesScreen.save": "While editing: save (validated first; errors inline with the line)",
    "TemplatesScreen.view": "View the template's TOML",
    "TemplatesScreen.edit": "Edit a user template (on a built-in: offers to duplicate it)",
    "TemplatesScreen.duplicate": "Duplicate into your prompts/ folder",
    "TemplatesScreen.set_default": "Set as the default template (saved to drafter.toml)",
    "Dialog.cancel": "Cancel: close the dialog, nothing changes",
    "answer(True)": "Yes: the dialog's action button",
    "answer(False)": "No: the dialog's other button",
    "complete": "In a path field: complete the path (else the next field)",
    "dismiss_help": "Close this help",
}
"""Words for actions whose binding has no tooltip: ``Class.action`` first, then ``action``."""

EXTRA_KEYS: dict[str, list[tuple[str, str]]] = {
    "DrafterApp": [("ctrl+p", "Command palette: every action by name")],
    "TakeawayInput": [("enter", "Add a takeaway below"), ("backspace", "On an empty takeaway: remove it")],
    "Dialog": [("enter", "Press the focused button (in a text field: the dialog's action)"),
               ("tab,shift+tab", "Next / previous field or button")],
}  # fmt: skip
"""Keys a class gets from Textual (Input, Button, Screen, App) and gives a meaning."""

_NAMES = {"question_mark": "?", "slash": "/", "up": "↑", "down": "↓", "left": "←", "right": "→"}


def key_label(key: str) -> str:
    """How a Textual key name reads in the help: ``question_mark`` -> ``?``, ``ctrl+up`` -> ``ctrl+↑``."""
    return "+".join(_NAMES.get(part, part) for part in key.strip().split("+"))


@dataclass(frozen=True)
class KeyRow:
    """One line of the help: where, the keys (labels), what they do."""

    section: str
    keys: tuple[str, ...]
    action: str
    text: str
    owner: str
    """The class whose bindings hold these keys."""

    @property
    def key_text(self) -> str:
        return " / ".join(self.keys)


def _classes() -> list[type[DOMNode]]:
    """The app's own DOM classes that declare bindings, in module order."""
    import drafter.tui as package

    found: list[type[DOMNode]] = []
    for info in sorted(pkgutil.walk_packages(package.__path__, f"{package.__name__}."), key=lambda i: i.name):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == info.name and issubclass(obj, DOMNode) and obj.__dict__.get("BINDINGS"):
                found.append(obj)
    return found


def section_of(cls: type) -> str:
    return SECTIONS.get(cls.__name__) or getattr(cls, "HELP_SECTION", None) or cls.__name__


def _describe(owner: str, binding: Binding) -> str:
    if binding.tooltip:
        return binding.tooltip
    return ACTION_HELP.get(f"{owner}.{binding.action}") or ACTION_HELP.get(binding.action) or binding.description


def _as_binding(item: object) -> Binding:
    if isinstance(item, Binding):
        return item
    key, action, *rest = item  # type: ignore[misc]
    return Binding(key, action, rest[0] if rest else "")


def rows() -> list[KeyRow]:
    """Every key, section by section (:data:`SECTIONS` order), one row per action."""
    out: list[KeyRow] = []
    for cls in _classes():
        owner, section = cls.__name__, section_of(cls)
        by_action: dict[str, tuple[list[str], str]] = {}
        for binding in map(_as_binding, cls.__dict__["BINDINGS"]):
            if binding.system:
                continue
            keys, _ = by_action.setdefault(binding.action, ([], _describe(owner, binding)))
            keys += [key_label(k) for k in binding.key.split(",") if key_label(k) not in keys]
        for action, (keys, text) in by_action.items():
            out.append(KeyRow(section, tuple(keys), action, text, owner))
        for keys_text, text in EXTRA_KEYS.get(owner, []):
            out.append(KeyRow(section, tuple(key_label(k) for k in keys_text.split(",")), "", text, owner))
    order = list(dict.fromkeys(SECTIONS.values()))
    unique = list({(r.section, r.keys, r.text): r for r in out[::-1]}.values())[::-1]  # one row per key and meaning
    return sorted(unique, key=lambda r: order.index(r.section) if r.section in order else len(order))


def markdown() -> str:
    """The README's keybindings table."""
    lines = ["| where | key | action |", "|---|---|---|"]
    for row in rows():
        key = row.key_text.replace("|", "\\|")
        lines.append(f"| {row.section.lower()} | {key} | {row.text} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
