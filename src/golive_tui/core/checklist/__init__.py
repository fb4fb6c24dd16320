"""Checklists: reading definitions with line numbers, resolving `extends`, the library, dumping."""
