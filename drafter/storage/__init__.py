"""Drafts on disk: the store, its caches, kept unsaved text."""
