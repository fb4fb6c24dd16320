"""Headless core: never imports Textual, the UI or the CLI commands.

Enforced by the import-linter contracts in pyproject.toml (tests/test_static.py runs them) and by a
subprocess test that loads every headless command (tests/test_project.py).
"""
