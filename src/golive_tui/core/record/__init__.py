"""Readiness records: the data, its TOML codec and canonical bytes, the files, building and verifying.

This package is plain data below the scan, the assessment and drafts: it never imports them
(an import-linter contract in pyproject.toml); use cases that run a scan live in core.workflows.
"""
