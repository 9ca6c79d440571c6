"""The post as LinkedIn shows it: blank lines collapsed, the "…see more" fold, live counters,
notes about the draft (empty parts, a draft being written) and the linter's findings.

It shows exactly the text it is given (the session's post text); the findings come from
the one linter (:func:`drafter.tui.session.lint_post`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from ...models.post import FOLD_DESKTOP, FOLD_MOBILE, collapse_blank_lines, fold_index, measure
from ...models.text_rules import HASHTAG
from ..session import counters_line

if TYPE_CHECKING:
    from ...lint import LintReport

SEVERITY_MARK = {"error": ("✖", "bold red"), "warning": ("⚠", "yellow"), "hint": ("·", "dim")}


def render_card(text: str, *, mobile: bool, expanded: bool) -> Text:
    """The post body as it appears in the feed (already collapsed text)."""
    if not text:
        return Text("Nothing to preview yet: generate a draft (ctrl+g) or type one in the editor.", style="dim")
    limit = FOLD_MOBILE if mobile else FOLD_DESKTOP
    cut = fold_index(text, limit)
    shown = text if expanded or cut >= len(text) else text[:cut].rstrip()
    body = Text(shown)
    body.highlight_regex(HASHTAG, "bold #3b8ee0")
    if shown is not text and cut < len(text):
        body.append("…\u00a0")
        body.append("see\u00a0more", style="bold dim underline")
    elif expanded and cut < len(text):
        body.append("\n")
        body.append("(see\u00a0less)", style="dim")
    return body


class PreviewPane(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("m", "toggle_mobile", "Mobile/desktop", show=False),
        Binding("space,enter", "toggle_fold", "See more/less", show=False),
        Binding("c", "screen.copy_post", "Copy", show=False),
        Binding("e", "screen.export_post", "Export", show=False),
    ]

    mobile: reactive[bool] = reactive(False)
    expanded: reactive[bool] = reactive(False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = ""
        self._usage: tuple[int, int] | None = None
        self._notes: list[str] = []

    def compose(self):
        yield Static("", id="counters")
        yield Static("", id="fold-mode")
        yield Static("", id="card")
        yield Static("", id="warnings")
        yield Static("", id="lint")

    def on_mount(self) -> None:
        self.update_text("", None)

    def update_text(self, text: str, usage: tuple[int, int] | None, notes: list[str] | None = None) -> None:
        """Per keystroke: measure, collapse, fold. Kept small on purpose."""
        self._text = text
        self._usage = usage
        self._notes = list(notes or [])
        self._show()

    def _show(self) -> None:
        shown = collapse_blank_lines(self._text)
        stats = measure(self._text)
        counters = self.query_one("#counters", Static)
        counters.update(counters_line(stats, self._usage))
        counters.set_class(bool(stats.over_limit), "-over")
        where = "Mobile" if self.mobile else "Desktop"
        fold = FOLD_MOBILE if self.mobile else FOLD_DESKTOP
        state = "expanded" if self.expanded else f"folded at {fold}"
        self.query_one("#fold-mode", Static).update(
            f"[b]{where}[/b] preview · {state}  [dim](m: mobile/desktop · space: see more)[/]")
        self.query_one("#card", Static).update(render_card(shown, mobile=self.mobile, expanded=self.expanded))
        box = self.query_one("#warnings", Static)
        box.update(Text("\n".join(self._notes)))
        box.display = bool(self._notes)

    def set_lint(self, report: "LintReport | None", note: str = "") -> None:
        box = self.query_one("#lint", Static)
        if report is None:
            box.update(Text(note, style="dim") if note else "")
            box.display = bool(note)
            return
        out = Text()
        out.append(f"Lint score {report.score}/100", style="bold")
        for finding in report.findings[:8]:
            mark, style = SEVERITY_MARK.get(finding.severity, ("·", ""))
            out.append(f"\n{mark} ", style=style)
            out.append(f"{finding.rule}: ", style="bold")
            out.append(finding.message)
        if len(report.findings) > 8:
            out.append(f"\n… and {len(report.findings) - 8} more (drafter lint)", style="dim")
        box.update(out)
        box.display = True

    def watch_mobile(self) -> None:
        if self.is_mounted:
            self._show()

    def watch_expanded(self) -> None:
        if self.is_mounted:
            self._show()

    def action_toggle_mobile(self) -> None:
        self.mobile = not self.mobile

    def action_toggle_fold(self) -> None:
        self.expanded = not self.expanded
