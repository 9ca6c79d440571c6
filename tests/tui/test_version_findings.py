"""A tester's findings on the platform versions in the app, each reproduced through Pilot: a post's
own ``---`` line in the version editor, the "i/n" labels after posts are merged or split there,
the copy feedback at 80x24, and the export of a thread (the same text as ``drafts export``)."""

from __future__ import annotations

from textual.widgets._toast import Toast

from drafter.engines.offline.adapt import numbered
from drafter.models.draft import export_version

from .conftest import export_to, wait_for
from .test_platforms_app import cards, clipboard, drafted, notices, show  # noqa: F401  (fixture)

DIVIDED = ["Intro line\n\n---\n\nThe part after the divider\n\n1/2", "The second post\n---\nstill it\n\n2/2"]
"""An X thread whose posts hold ``---`` lines of their own (a LinkedIn post with a divider)."""


async def test_a_posts_own_divider_line_stays_in_it_when_the_version_is_edited(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drafted(pilot)
        await show(pilot, screen, "x")
        screen.session.accept_version("x", list(DIVIDED), screen.session.post_text, engine="offline",
                                      model="extractive")  # fmt: skip
        screen.render_session()
        await pilot.press("f3")
        area = screen.version_editor.area
        area.move_cursor((0, 0))
        await pilot.press("A")
        await wait_for(pilot, lambda: screen.session.version.edited, what="the edit")
        assert screen.session.version.posts == ["A" + DIVIDED[0], DIVIDED[1]]
        assert len(cards(screen)) == 2


async def test_merging_or_splitting_numbered_posts_renumbers_them(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drafted(pilot)
        await show(pilot, screen, "x")
        three = ["First post\n\n1/3", "Second post\n\n2/3", "Third post\n\n3/3"]
        screen.session.accept_version("x", three, screen.session.post_text, engine="offline", model="extractive")
        screen.render_session()
        await pilot.press("f3")
        area = screen.version_editor.area
        line = area.text.split("\n").index("---")  # the first separator: the user deletes it
        area.move_cursor((line, 0))
        await pilot.press("shift+down", "backspace")
        await wait_for(pilot, lambda: len(screen.session.version.posts) == 2, what="the merge")
        posts = screen.session.version.posts
        assert posts == ["First post\n\n\nSecond post\n\n1/2", "Third post\n\n2/2"]  # the blank lines left as typed
        assert numbered(posts) and "/3" not in area.text  # what the box shows, too
        assert [str(c.render()) for c in cards(screen)] == posts  # and the preview: what is copied

        area.move_cursor((0, len("First post")))  # splitting the first post in two
        await pilot.press("enter", "-", "-", "-", "enter")
        await wait_for(pilot, lambda: len(screen.session.version.posts) == 3, what="the split")
        assert screen.session.version.posts == ["First post\n\n1/3", "Second post\n\n2/3", "Third post\n\n3/3"]


async def test_a_thread_the_user_unnumbered_is_left_unnumbered(offline_app) -> None:
    app = offline_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drafted(pilot)
        await show(pilot, screen, "x")
        screen.session.accept_version("x", ["One", "Two", "Three"], screen.session.post_text, engine="offline",
                                      model="extractive")  # fmt: skip
        screen.render_session()
        await pilot.press("f3")
        area = screen.version_editor.area
        area.move_cursor((area.text.split("\n").index("---"), 0))
        await pilot.press("shift+down", "backspace")
        await wait_for(pilot, lambda: len(screen.session.version.posts) == 2, what="the merge")
        assert screen.session.version.posts == ["One\n\n\nTwo", "Three"]  # no labels added


def status_covered(app, screen) -> list[Toast]:
    """The toasts drawn over the status line (run_test draws none unless ``notifications=True``)."""
    region = screen.status.region
    return [w for x in range(region.x, region.right) for w in [app.screen.get_widget_at(x, region.y)[0]]
            if w is not screen.status and (isinstance(w, Toast) or isinstance(w.parent, Toast))]


async def test_copy_feedback_stays_visible_at_80x24(offline_app, clipboard) -> None:  # noqa: F811
    app = offline_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:  # toasts drawn, as in a terminal
        screen = await drafted(pilot)
        await pilot.press("f4")
        await show(pilot, screen, "x")
        n = len(screen.session.version.posts)
        app.clear_notifications()  # the engine's note about the draft: not the copy's
        before = len(notices(app))
        await pilot.press("f8")
        await wait_for(pilot, lambda: len(clipboard) == 1, what="the copy")
        await pilot.pause()
        assert f"Copied 1/{n}: f8 copies 2/{n} next" in screen.status.message
        assert len(notices(app)) == before  # the status line says it: no toast over it
        assert not status_covered(app, screen)

        await pilot.press("shift+f8")
        await wait_for(pilot, lambda: len(clipboard) == 2, what="the whole thread")
        await pilot.pause()
        assert screen.status.message.startswith(f"Copied the whole X thread ({n} posts")
        assert len(notices(app)) == before and not status_covered(app, screen)


async def test_exporting_a_thread_writes_what_drafts_export_writes(offline_app, workspace) -> None:
    app = offline_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await drafted(pilot)
        await pilot.press("f4")
        await show(pilot, screen, "x")
        assert len(screen.session.version.posts) > 1
        target = workspace.root / "out" / "thread.txt"
        await export_to(pilot, target)
        draft = screen.session.draft_for("save")
        expected = export_version(draft, screen.drafter.platforms(["x"])[0], "txt")
        assert "--- post 1/" in expected
        assert target.read_text(encoding="utf-8") == expected.rstrip("\n") + "\n"
