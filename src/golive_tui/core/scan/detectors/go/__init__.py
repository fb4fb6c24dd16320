"""The Go source family: every `go.*` detector, from one import scan and at most one parse
per file.

    rules       go_rules.toml (imports, names, literals: the data a check reads)
    imports     the import scanner and build constraints (no parse)
    fragments   the declarations worth parsing, and long-line wrapping
    tree        the per-file context and syntax-tree helpers
    check       what a check is (detectors, gates, handlers, summaries)
    checks/     one module per concern, each a `Check`
    extractor   runs the checks over a file, and shapes their results
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.extractor import EXTRACTORS, GoSourceExtractor

__all__ = ["EXTRACTORS", "GoSourceExtractor"]


def __getattr__(name: str) -> Any:
    """The family's extractor, imported when the registry first asks for it. The package's
    light modules (`imports`, the header scanner that service discovery uses to compare an
    edited file's package and imports) no longer pull in the rules, the checks and ast-grep
    with it: a warm scan after an edit imported ~17 ms of the Go family it never ran."""
    if name in __all__:
        from golive_tui.core.scan.detectors.go import extractor

        return getattr(extractor, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The family's modules, leaves first, as importing `extractor` loads them: the scan memo
#: imports them one at a time while git lists the tree (memo._load_scan), each a short step,
#: so a scan after editing a Go file finds the family loaded and a memo hit waits for at most
#: one of them (`checks` loads every check: ~2 ms once the modules they share are in).
#: `astgrep` and `fragments` are what the first parse loads (`tree.parse`, `File.layout`),
#: not the import: loaded last, for an edited file that is parsed, when git has still not
#: answered (a memo hit never needs them, and waits for the step under way: ast-grep's
#: extension is ~1.1 ms of it).
PARTS = (
    "rules",
    "tree",
    "check",
    "summaries",
    "values",
    "routetable",
    "handrolled",
    "imports",
    "checks",
    "extractor",
    "fragments",
    "astgrep",
)
