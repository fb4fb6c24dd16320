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

from golive_tui.core.scan.detectors.go.extractor import EXTRACTORS, GoSourceExtractor

__all__ = ["EXTRACTORS", "GoSourceExtractor"]
