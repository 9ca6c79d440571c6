"""The post as the chosen platform shows it, under a switcher of the platforms.

LinkedIn: blank lines collapsed, the "…see more" fold, live counters, notes about the draft
(empty parts, a draft being written) and the linter's findings. The other platforms: their
version's posts, each in its own card (a thread's numbered), with "count/limit" by the
platform's own count, the next post a copy takes marked, and each post's findings below it.

It shows exactly the text it is given (the session's post text, the version's posts: what is
copied); the findings come from the one linter (:func:`drafter.tui.session.lint_post`) and
:func:`drafter.lint.platform.check_posts`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from ...models.post import FOLD_DESKTOP, FOLD_MOBILE, collapse_blank_lines, fold_index, measure
from ...models.text_rules import HASHTAG
from ...models.platforms import PLATFORM_NAMES, PLATFORMS
from ..session import counters_line
from ..versions import post_count

if TYPE_CHECKING:
    from ...lint import LintReport
    from ...lint.report import Finding
    from ...models.draft import PlatformVersion
    from ...models.platforms import Platform

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


def switcher_markup(current: str, have: set[str]) -> str:
    """The platform switcher: every platform, clickable, the one shown highlighted, the ones
    without a version yet dimmed (labels are drafter's own: markup is safe here)."""
    items = []
    for name in PLATFORM_NAMES:
        label = PLATFORMS[name].label
        style = "reverse b" if name == current else "" if name == "linkedin" or name in have else "dim"
        shown = f"[{style}] {label} [/]" if style else f" {label} "
        items.append(f"[@click=screen.platform('{name}')]{shown}[/]")
    return "".join(items) + " [dim]f6[/]"


def findings_text(findings: "list[Finding]") -> Text:
    out = Text()
    for i, finding in enumerate(findings):
        mark, style = SEVERITY_MARK.get(finding.severity, ("·", ""))
        out.append(("\n" if i else "") + f"{mark} ", style=style)
        out.append(f"{finding.rule}: ", style="bold")
        out.append(finding.message)
    return out


class PostCard(Static):
    """One post of a platform's version, exactly as it is copied; its number and count in the border."""

    def show(self, text: str, title: str, count: str, *, over: bool, next_up: bool) -> None:
        body = Text(text) if text else Text("(empty post)", style="dim")
        body.highlight_regex(HASHTAG, "bold #3b8ee0")
        self.update(body)
        self.border_title = title
        self.border_subtitle = count
        self.set_class(over, "-over")
        self.set_class(next_up, "-next")


class PreviewPane(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("m", "toggle_mobile", "Mobile/desktop", show=False),
        Binding("space,enter", "toggle_fold", "See more/less", show=False),
        Binding("c", "screen.copy_post", "Copy", show=False),
        Binding("a", "screen.copy_thread", "Copy all", show=False),
        Binding("e", "screen.export_post", "Export", show=False),
        Binding("v", "screen.voice", "Voice", show=False),
    ]

    mobile: reactive[bool] = reactive(False)
    expanded: reactive[bool] = reactive(False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = ""
        self._usage: tuple[int, int] | None = None
        self._notes: list[str] = []
        self._switcher = ""
        self.platform = "linkedin"
        """The platform shown."""
        self._posts: list[str] = []

    def compose(self):
        yield Static("", id="platforms")
        with Vertical(id="linkedin-view"):
            yield Static("", id="counters")
            yield Static("", id="fold-mode")
            yield Static("", id="card")
            yield Static("", id="warnings")
            yield Static("", id="lint")
        with Vertical(id="platform-view"):
            yield Static("", id="platform-info")
            yield Static("", id="platform-keys")
            yield Static("", id="platform-notes")
            yield Vertical(id="thread")

    def on_mount(self) -> None:
        self.query_one("#platform-view").display = False
        self.show_switcher("linkedin", set())
        self.update_text("", None)

    # -- which platform -----------------------------------------------------------------
    def show_switcher(self, current: str, have: set[str]) -> None:
        markup = switcher_markup(current, have)
        if markup != self._switcher:  # per keystroke: only when it changes
            self._switcher = markup
            self.query_one("#platforms", Static).update(markup)
        if current != self.platform:
            self.platform = current
            self.query_one("#linkedin-view").display = current == "linkedin"
            self.query_one("#platform-view").display = current != "linkedin"
            self.scroll_home(animate=False)

    def update_platform(self, platform: "Platform", version: "PlatformVersion | None", notes: list[str],
                        next_index: int | None) -> None:
        """A platform's version: a card per post with its count, the next post to copy marked."""
        posts = list(version.posts) if version is not None else []
        self._posts = posts
        n = len(posts)
        info = Text.assemble((platform.label, "bold"))
        if version is not None:
            made = "edited by you" if version.edited else (
                "adapted offline" if version.engine == "offline" else f"adapted by {version.model or version.engine}")
            info.append(f" · {f'thread of {n} posts' if n > 1 else 'one post'} · {made}")
        info.append(f" · {platform.limit:,} at most")
        self.query_one("#platform-info", Static).update(info)
        keys = "f8: copy the next post · shift+f8: the whole thread" if n > 1 else "f8: copy"
        self.query_one("#platform-keys", Static).update(
            f"Counted as {platform.counts} · {keys} · ctrl+r: adapt again · f3: edit")
        box = self.query_one("#platform-notes", Static)
        box.update(Text("\n".join(notes)))
        box.display = bool(notes)
        thread = self.query_one("#thread", Vertical)
        cards = list(thread.query(PostCard))
        findings = list(thread.query(".post-findings"))
        for i, text in enumerate(posts):
            count = post_count(platform, text)
            over = count > platform.limit or bool(platform.over_bytes(text))  # Bluesky's bytes too
            title = f"{i + 1}/{n}" if n > 1 else f"{platform.label} post"
            if i == next_index:
                title += " · next to copy"
            subtitle = f"{'✖ ' if over else ''}{count:,}/{platform.limit:,}"
            if i < len(cards):
                cards[i].remove_class("-unused")
                findings[i].remove_class("-unused")
                cards[i].show(text, title, subtitle, over=over, next_up=i == next_index)
            else:  # a card per post, kept for reuse (hidden when a thread gets shorter)
                card = PostCard(classes="post-card")
                card.show(text, title, subtitle, over=over, next_up=i == next_index)
                thread.mount(card, Static("", classes="post-findings -none"))
        for extra in cards[n:] + findings[n:]:
            extra.add_class("-unused")

    def set_post_findings(self, findings: "list[list[Finding]]") -> None:
        """Each post's findings (from the debounced checks), below its card."""
        boxes = list(self.query_one("#thread").query(".post-findings"))
        for i, box in enumerate(boxes):
            found = findings[i] if i < len(findings) and i < len(self._posts) else []
            box.update(findings_text(found))  # type: ignore[attr-defined]
            box.set_class(not found, "-none")

    def scroll_to_post(self, index: int) -> None:
        cards = list(self.query_one("#thread").query(PostCard))
        if 0 <= index < len(self._posts):
            self.scroll_to_widget(cards[index], animate=False, top=True)

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
