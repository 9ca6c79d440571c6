"""The Textual app: `drafter` with no arguments. Build it with drafter.tui.app.make_app()."""
