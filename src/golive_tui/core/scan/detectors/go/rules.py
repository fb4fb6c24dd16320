"""go_rules.toml, loaded once: every plain list the Go checks read (imports, names, literals).

Widening a detector is a data change here; `digest` keys the extractor's cache version, so an
edit to the file invalidates cached scans.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from golive_tui.core import tomlcache
from golive_tui.core.hashing import blake2b


class ImportRule:
    """One `[[imports]]` entry: the detector an import path is evidence for."""

    # Plain classes, not NamedTuples: building a named tuple class compiles its `__new__`
    # (~0.1 ms each), paid by every scan that extracts a Go file (one edited file included).
    # Read by attribute only. The Go family's five record classes that are never compared,
    # hashed or unpacked (these two, and check.py's): ~0.55 ms of moby's edit scan.
    __slots__ = ("detector", "exact", "prefixes")

    def __init__(self, detector: str, prefixes: tuple[str, ...], exact: tuple[str, ...]) -> None:
        self.detector = detector
        self.prefixes = prefixes
        self.exact = exact

    def matches(self, path: str) -> bool:
        if path in self.exact:
            return True
        return any(path == p or path.startswith(p + "/") for p in self.prefixes)


EMPTY_HELPERS: Mapping[str, tuple[str, ...]] = {}
EMPTY_DEFAULTS: Mapping[str, Mapping[str, str]] = {}


class Rules:
    """go_rules.toml, loaded once (a plain class: see ImportRule)."""

    __slots__ = (
        "digest",
        "framework_defaults",
        "framework_shutdown",
        "headers",
        "imports",
        "metrics_segments",
        "migration_dirs",
        "package_names",
        "pgxpool_fields",
        "pgxpool_imports",
        "pool_methods",
        "route_methods",
        "route_segments",
        "rows_methods",
        "server_defaults",
        "shutdown_helpers",
        "sql_imports",
        "sql_keywords",
        "sql_methods",
        "sqlx_imports",
        "sqlx_methods",
    )

    def __init__(
        self,
        *,
        imports: tuple[ImportRule, ...],
        package_names: Mapping[str, str],
        headers: Mapping[str, str],
        route_segments: frozenset[str],
        metrics_segments: frozenset[str],
        route_methods: frozenset[str],
        pool_methods: tuple[str, ...],
        pgxpool_fields: tuple[str, ...],
        pgxpool_imports: tuple[str, ...],
        sql_methods: Mapping[str, int],
        sqlx_methods: Mapping[str, int],
        rows_methods: frozenset[str],
        sql_imports: tuple[str, ...],
        sqlx_imports: tuple[str, ...],
        sql_keywords: Callable[[], re.Pattern[str]],
        migration_dirs: tuple[str, ...],
        digest: str,
        shutdown_helpers: Mapping[str, tuple[str, ...]] = EMPTY_HELPERS,
        framework_shutdown: Mapping[str, tuple[str, ...]] = EMPTY_HELPERS,
        framework_defaults: Mapping[str, Mapping[str, str]] = EMPTY_DEFAULTS,
        server_defaults: Mapping[str, tuple[str, ...]] = EMPTY_HELPERS,
    ) -> None:
        self.imports = imports
        self.package_names = package_names
        self.headers = headers  # lower-case header name -> detector
        self.route_segments = route_segments
        self.metrics_segments = metrics_segments
        self.route_methods = route_methods
        self.pool_methods = pool_methods
        self.pgxpool_fields = pgxpool_fields
        self.pgxpool_imports = pgxpool_imports
        self.sql_methods = sql_methods
        self.sqlx_methods = sqlx_methods
        self.rows_methods = rows_methods
        self.sql_imports = sql_imports
        self.sqlx_imports = sqlx_imports
        self.sql_keywords = sql_keywords  # compiled on first use (see `lazy`)
        self.migration_dirs = migration_dirs
        self.digest = digest
        self.shutdown_helpers = shutdown_helpers  # import path -> functions (go_rules.toml)
        self.framework_shutdown = framework_shutdown  # import path -> (app type, *methods)
        self.framework_defaults = framework_defaults  # import path -> detector -> why
        self.server_defaults = server_defaults  # import path -> functions filling timeouts


@cache
def _text() -> str:
    beside = Path(__file__).with_name("go_rules.toml")
    if beside.is_file():  # the usual install; importlib.resources pulls in zipfile (~7 ms)
        return beside.read_text(encoding="utf-8")
    from importlib import resources

    return resources.files(__package__).joinpath("go_rules.toml").read_text(encoding="utf-8")


@cache
def digest() -> str:
    """What keys the extractor's cache version, without building the rules: defining the
    extractor class no longer parses the TOML and compiles the regexes; they are built on first
    use (a `finalize` needs them; a scan answered from the memo never imports this module)."""
    return blake2b(_text().encode(), digest_size=6).hexdigest()  # no OpenSSL (~3 ms)


@cache
def rules() -> Rules:
    text = _text()
    data = tomlcache.loads(text, "go_rules")
    headers = {h.lower(): det for det, names in data["headers"].items() for h in names}
    segments = frozenset(s.lower() for s in data["routes"]["segments"])
    metrics = frozenset(s.lower() for s in data["routes"]["metrics_segments"])
    sql = data["sql"]
    keywords = "|".join(sql["keywords"])
    return Rules(
        imports=tuple(
            ImportRule(r["detector"], tuple(r.get("prefixes", ())), tuple(r.get("exact", ())))
            for r in data["imports"]
        ),
        package_names=dict(data.get("package_names", {})),
        shutdown_helpers={
            path: tuple(names) for path, names in data.get("shutdown_helpers", {}).items()
        },
        framework_shutdown={
            path: tuple(names) for path, names in data.get("framework_shutdown", {}).items()
        },
        server_defaults={
            path: tuple(names) for path, names in data.get("server_defaults", {}).items()
        },
        framework_defaults={
            path: {str(d): str(why) for d, why in table.items()}
            for path, table in data.get("framework_defaults", {}).items()
        },
        headers=headers,
        route_segments=segments,
        metrics_segments=metrics,
        route_methods=frozenset(data["routes"]["methods"]),
        pool_methods=tuple(data["pool"]["methods"]),
        pgxpool_fields=tuple(data["pool"]["pgxpool_fields"]),
        pgxpool_imports=tuple(data["pool"]["pgxpool_imports"]),
        sql_methods=dict(sql["methods"]),
        sqlx_methods=dict(sql["sqlx_methods"]),
        rows_methods=frozenset(sql["rows_methods"]),
        sql_imports=tuple(sql["imports"]),
        sqlx_imports=tuple(sql["sqlx_imports"]),
        sql_keywords=lazy(rf"(?i)\b(?:{keywords})\b"),
        migration_dirs=tuple(data["migrations"]["dirs"]),
        digest=digest(),
    )


# --------------------------------------------------------------------------- regex building


def trie(words: Iterable[str]) -> str:
    """A regex alternation factored by common prefixes: `re` tries alternatives one by one,
    so `Set(?:MaxOpenConns|MaxIdleConns)` fails faster than two full branches.

    Remembered per set of words (the alternation depends on nothing else): the route segments'
    was built three times and the header names' twice, ~0.1 ms each, by the first Go file a
    process extracts (a scan after editing one file)."""
    return _trie(frozenset(words))


@cache
def _trie(words: frozenset[str]) -> str:
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return (body if len(alts) > 1 else f"(?:{body})") + "?"
        return body

    return emit(tree)


#: Texts a process answers with lookups before it compiles a `Deferred` pattern.
FEW_TEXTS = 8


class Deferred:
    """A pattern a gate searches every Go file with, compiled only once a process has asked
    for it `FEW_TEXTS` times (or when `compile_deferred` builds them all, before a fork): until
    then `get()` answers None and the caller answers with lookups that say what the pattern
    would (held to it by tests/core/scan/detectors/go/test_go_first_texts.py). A scan after
    editing one Go file compiled the headers' and the routes' word patterns, ~0.15 ms each,
    to look at that one file; the compiled pattern is faster per file from then on."""

    __slots__ = ("_asked", "_build", "_pattern")
    _every: ClassVar[list[Deferred]] = []

    def __init__(self, build: Callable[[], re.Pattern[str]]) -> None:
        self._build = build
        self._pattern: re.Pattern[str] | None = None
        self._asked = 0
        Deferred._every.append(self)

    def get(self) -> re.Pattern[str] | None:
        """The pattern, or None while the process has asked for it fewer than FEW_TEXTS times."""
        if self._pattern is None:
            if self._asked < FEW_TEXTS:
                self._asked += 1
                return None
            self._pattern = self._build()
        return self._pattern

    def __call__(self) -> re.Pattern[str]:
        """The pattern, compiled now if it is not yet."""
        if self._pattern is None:
            self._pattern = self._build()
        return self._pattern


def compile_deferred() -> None:
    """Compile every `Deferred` pattern now (before the scan forks: the workers inherit them)."""
    for deferred in Deferred._every:
        deferred()


def lazy(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """`re.compile(pattern, flags)` on first call, the same object after. For the patterns
    only a check's handlers, an open gate or an unusual header use: compiled at import, the
    family's 21 of them cost a scan that extracts one edited file ~1.2 ms (the checks'
    imports 4.3 -> 3.1 ms on moby's server.go, which compiles 2 of them)."""
    return cache(lambda: re.compile(pattern, flags))


def alt(names: Iterable[str]) -> str:
    """An alternation of a file's names for a package (`_` and `.` name none). With no name it
    matches nothing - written as a class both Python's and ast-grep's (Rust) regexes accept
    (Rust has no lookaround, so `(?!)` would make the whole rule invalid)."""
    items = sorted(re.escape(n) for n in names if n not in ("_", "."))
    if not items:
        return r"[^\s\S]"
    return items[0] if len(items) == 1 else f"(?:{'|'.join(items)})"
