"""Hostile-repository tests: a repository, its config, records and drafts are untrusted input.

Each module covers one family of attack from docs/security.md; every case asserts a clean refusal
(clear message, documented exit code, no traceback), never merely that nothing crashed.
"""
