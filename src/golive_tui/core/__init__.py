"""Headless core: no Textual import, ever (enforced by tests/test_layering.py)."""
