"""Adversarial cases for the CLI and the core, and the promises every one of them must keep.

``python -m tests.trust`` (from the repo root, in the venv) runs every case and prints how many
held; ``tests/test_trust.py`` runs the same cases in the suite.
"""
