"""`.golive/config.toml`: the repository's own golive settings.

```toml
checklist = "go-service"        # default checklist for this repository (read by the walker)
profile = "launch"              # default profile

[scan]
include = ["gen/**/*.go"]       # added to the default include (`**/*.go`)
exclude = ["**/*.pb.go"]        # added to the default exclude (`*_test.go`, vendor/, testdata/...)
extend_exclude = ["**/mock/**"] # the same as `exclude` (kept for existing configs)
# replace_include / replace_exclude replace the defaults outright (then `*_test.go` is excluded
# only if the list says so: the key's name is the warning)
include_vendor = false
max_file_size = 1048576         # bytes; larger files are skipped and reported (at most 16 MiB)
target = "linux/amd64"          # the deploy target: Go files its build excludes are not read
build_tags = ["netgo"]          # extra build tags of the release build (`go build -tags`)
cgo = true                      # false for CGO_ENABLED=0 builds (`//go:build cgo` files excluded)

[services.orders]               # declare or correct a service (docs/services.md)
main = "cmd/orders"             # its main package's directory
dockerfiles = ["deploy/orders.Dockerfile"]
manifests = ["deploy/k8s/orders.yaml"]
```

Scope, decided once here and applied by the engine:
- `exclude` globs name files no detector reads, whatever their kind (so a Dockerfile under
  `testdata/` is not evidence about the service).
- `include` globs apply to `.go` files only: a `.go` file is Go source when it matches an
  include glob and no exclude glob.
- Every file (minus `vendor/` unless included) stays in `ScanReport.paths`, so presence checks
  (README, `*_test.go`, fuzz tests) see the whole repository.

Globs use `/` separators; `**` matches any number of directories (including none), `*` and `?`
stay within one path segment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from golive_tui.core.confine import UnsafePathError, read_confined
from golive_tui.core.errors import GoliveError
from golive_tui.core.globs import GlobSet, check
from golive_tui.core.scan.buildtags import DEFAULT_TARGET, Target, TargetError, parse_target
from golive_tui.core.scan.reader import DEFAULT_MAX_FILE_SIZE
from golive_tui.core.tuples import NamedTuple

CONFIG_PATH = ".golive/config.toml"
#: The most `[scan] max_file_size` may be: a repository's config cannot make golive read (and
#: parse) files of any size.
MAX_FILE_SIZE_CEILING = 16 * 1024 * 1024
#: Largest config file read.
MAX_CONFIG_BYTES = 256 * 1024

DEFAULT_INCLUDE: tuple[str, ...] = ("**/*.go",)
DEFAULT_EXCLUDE: tuple[str, ...] = (
    "**/*_test.go",
    "**/vendor/**",
    "**/testdata/**",
    "**/third_party/**",
)
_VENDOR_GLOB = "**/vendor/**"
_TEST_GLOB = "**/*_test.go"


class ConfigError(GoliveError):
    """`.golive/config.toml` is malformed; the message names file:line, key and expectation."""


class ScanConfig(NamedTuple):
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    include_vendor: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    target: Target = DEFAULT_TARGET  # build constraints are evaluated for it (buildtags.py)

    def with_vendor(self, include_vendor: bool) -> ScanConfig:
        """The same scope with vendor/ included when asked for (flag or config)."""
        if not (include_vendor or self.include_vendor):
            return self
        return ScanConfig(
            include=self.include,
            exclude=tuple(g for g in self.exclude if g != _VENDOR_GLOB),
            include_vendor=True,
            max_file_size=self.max_file_size,
            target=self.target,
        )


class ServiceDecl(NamedTuple):
    """`[services.NAME]`: a service the repository declares (or corrects) by hand."""

    name: str
    main: str  # repository-relative directory of its main package ("." for the root)
    dockerfiles: tuple[str, ...] = ()
    manifests: tuple[str, ...] = ()
    line: int = 0  # where its `main = ` is, for errors found later (no main package there)


class Config(NamedTuple):
    checklist: str = ""
    profile: str = ""
    scan: ScanConfig = ScanConfig()
    path: str = ""  # where it was read from ("" = defaults)
    services: tuple[ServiceDecl, ...] = ()


def load_config(root: Path) -> Config:
    """Read `<root>/.golive/config.toml`; defaults when it does not exist."""
    try:  # confined: a config symlinked out of the repository is refused, not read
        text = read_confined(root, CONFIG_PATH, MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        return Config()
    except UnsafePathError as exc:
        raise ConfigError(f"{CONFIG_PATH}: {exc.why}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{CONFIG_PATH}: cannot be read: {exc}") from exc
    return parse_config(text, CONFIG_PATH)


def parse_config(text: str, origin: str = CONFIG_PATH) -> Config:
    """Validate the TOML text of a config file; errors name file:line, key and what was expected."""
    import tomllib  # only when a config file exists: most scans never parse one

    from golive_tui.core import tomlsafe

    try:
        data = tomlsafe.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: invalid TOML: {exc}") from exc

    def fail(key: str, expected: str, table: str = "") -> ConfigError:
        from golive_tui.core.tomllines import LineIndex  # only when there is an error to place

        line = LineIndex(text).line((table, key) if table else (key,))
        full = f"{table}.{key}" if table else key
        return ConfigError(f"{origin}:{line}: {full}: expected {expected}")

    known_top = {"checklist", "profile", "scan", "services"}
    for key in data:
        if key not in known_top:
            raise fail(key, f"one of {sorted(known_top)} (unknown key)")
    checklist = data.get("checklist", "")
    if not isinstance(checklist, str):
        raise fail("checklist", "a string (checklist id or path)")
    profile = data.get("profile", "")
    if not isinstance(profile, str):
        raise fail("profile", "a string (profile id)")
    raw_scan = data.get("scan", {})
    if not isinstance(raw_scan, dict):
        raise fail("scan", "a table ([scan])")
    scan = _scan_config(raw_scan, fail)
    raw_services = data.get("services", {})
    if not isinstance(raw_services, dict):
        raise fail("services", "a table of services ([services.NAME])")
    services = tuple(_service_decl(name, raw, text, origin) for name, raw in raw_services.items())
    return Config(checklist=checklist, profile=profile, scan=scan, path=origin, services=services)


#: A service name: safe as a path segment and in a git tag (`orders/v1.4.0`).
SERVICE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
_SERVICE_KEYS = ("main", "dockerfiles", "manifests")


def _service_decl(name: str, raw: object, text: str, origin: str) -> ServiceDecl:
    from golive_tui.core.tomllines import LineIndex

    table = f"services.{name}"
    index = LineIndex(text)

    def fail(key: str, expected: str) -> ConfigError:
        line = index.line(("services", name, key) if key else ("services", name))
        return ConfigError(
            f"{origin}:{line}: {table}{'.' + key if key else ''}: expected {expected}"
        )

    if not SERVICE_NAME.fullmatch(name) or ".." in name:
        raise fail("", "a service name of lowercase letters, digits, '.', '_' and '-'")
    if not isinstance(raw, dict):
        raise fail("", "a table ([services.NAME] with main = ...)")
    for key in raw:
        if key not in _SERVICE_KEYS:
            raise fail(key, f"one of {list(_SERVICE_KEYS)} (unknown key)")
    main = raw.get("main")
    if not isinstance(main, str) or not main.strip():
        raise fail("main" if "main" in raw else "", "main = the directory of its main package")
    main_dir = _repo_dir(main)
    if main_dir is None:
        raise fail("main", f"a directory inside the repository, got {main!r}")

    def paths(key: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise fail(key, "a list of repository-relative file paths")
        out = []
        for v in value:
            p = _repo_dir(v)
            if p is None or p == ".":
                raise fail(key, f"files inside the repository, got {v!r}")
            out.append(p)
        return tuple(out)

    main_line = index.line(("services", name, "main"))
    return ServiceDecl(name, main_dir, paths("dockerfiles"), paths("manifests"), main_line)


def _repo_dir(value: str) -> str | None:
    """A repository-relative path, normalised ("./cmd/x/" -> "cmd/x"); None when it leaves."""
    import posixpath

    if "\\" in value or value.startswith("/") or any(ord(c) < 32 for c in value):
        return None
    norm = posixpath.normpath(value.strip())
    if norm == ".." or norm.startswith("../"):
        return None
    return norm


def _scan_config(raw: dict[str, Any], fail: Any) -> ScanConfig:
    known = {
        "include",
        "exclude",
        "extend_exclude",
        "replace_include",
        "replace_exclude",
        "include_vendor",
        "max_file_size",
        "target",
        "build_tags",
        "cgo",
    }
    for key in raw:
        if key not in known:
            raise fail(key, f"one of {sorted(known)} (unknown key)", "scan")

    def globs(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = raw.get(key)
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise fail(key, "a list of non-empty glob strings", "scan")
        for glob in value:
            problem = check(glob)
            if problem is not None:
                raise fail(key, f"valid globs ({problem})", "scan")
        return tuple(value)

    # `include` / `exclude` add to the defaults (a team excluding generated code must not get
    # every `*_test.go` back); `replace_*` say in their name that the defaults are dropped.
    include = globs("replace_include", DEFAULT_INCLUDE) + globs("include", ())
    exclude = (
        globs("replace_exclude", DEFAULT_EXCLUDE)
        + globs("exclude", ())
        + globs("extend_exclude", ())
    )
    include = tuple(dict.fromkeys(include))
    exclude = tuple(dict.fromkeys(exclude))
    include_vendor = raw.get("include_vendor", False)
    if not isinstance(include_vendor, bool):
        raise fail("include_vendor", "true or false", "scan")
    max_size = raw.get("max_file_size", DEFAULT_MAX_FILE_SIZE)
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size <= 0:
        raise fail("max_file_size", "a positive integer (bytes)", "scan")
    if max_size > MAX_FILE_SIZE_CEILING:
        raise fail(
            "max_file_size",
            f"at most {MAX_FILE_SIZE_CEILING} bytes ({MAX_FILE_SIZE_CEILING >> 20} MiB, golive's "
            f"ceiling: larger files are never read), got {max_size}",
            "scan",
        )
    config = ScanConfig(include, exclude, False, max_size, _target(raw, fail))
    return config.with_vendor(include_vendor)


#: At most this many extra build tags, each a Go identifier-like word of at most 64 characters.
MAX_BUILD_TAGS = 32
_BUILD_TAG = re.compile(r"[A-Za-z0-9_.]{1,64}")


def _target(raw: dict[str, Any], fail: Any) -> Target:
    """`target`, `build_tags` and `cgo` of [scan]: the build the service ships as."""
    text = raw.get("target", str(DEFAULT_TARGET))
    if not isinstance(text, str):
        raise fail("target", 'a string GOOS/GOARCH such as "linux/arm64"', "scan")
    try:
        target = parse_target(text)
    except TargetError as exc:
        raise fail("target", str(exc), "scan") from None
    tags = raw.get("build_tags", [])
    if (
        not isinstance(tags, list)
        or len(tags) > MAX_BUILD_TAGS
        or not all(isinstance(t, str) and _BUILD_TAG.fullmatch(t) for t in tags)
    ):
        raise fail(
            "build_tags",
            f"a list of at most {MAX_BUILD_TAGS} build tags (letters, digits, _ and .)",
            "scan",
        )
    cgo = raw.get("cgo", True)
    if not isinstance(cgo, bool):
        raise fail("cgo", "true or false", "scan")
    return Target(target.goos, target.goarch, cgo, frozenset(tags))


def compile_globs(globs: tuple[str, ...]) -> GlobSet | None:
    """One matcher for a glob list (one regex match per path instead of one per glob)."""
    if not globs:
        return None
    return GlobSet(globs)


def _literal(text: str) -> bool:
    """Text a glob matches only as itself: no wildcard, class or folder separator."""
    return bool(text) and not any(c in text for c in "*?[/")


class _Shapes:
    """A glob list as the scope asks it: `**/*SUFFIX` globs as name endings, `**/NAME/**`
    globs as folder names (each folder judged once, remembered), the rest as a GlobSet over
    the whole path (a path holding a newline goes to the list's whole GlobSet, as before:
    `.` in the rest's regexes stops at one)."""

    __slots__ = ("folders", "rest", "suffixes")

    def __init__(self, globs: tuple[str, ...]) -> None:
        suffixes: list[str] = []
        folders: set[str] = set()
        rest: list[str] = []
        for g in globs:
            if g.startswith("**/*") and _literal(g[4:]):
                suffixes.append(g[4:])
            elif g.startswith("**/") and g.endswith("/**") and _literal(g[3:-3]):
                folders.add(g[3:-3])
            else:
                rest.append(g)
        self.suffixes = tuple(suffixes)
        self.folders = frozenset(folders)
        self.rest = GlobSet(rest) if rest else None


class _Folders:
    """Whether a folder holds one of `names` (the `**/NAME/**` globs of a list), each folder
    judged once: `seen.get(folder)`, else `judge(folder)`, which remembers it."""

    __slots__ = ("judge", "seen")

    def __init__(self, shapes: _Shapes | None) -> None:
        names = shapes.folders if shapes is not None else frozenset()
        seen: dict[str, bool] = {}

        def judge(folder: str) -> bool:
            if len(seen) > 1 << 16:
                seen.clear()  # bounded: a long-lived process scans many listings
            hit = seen[folder] = not names.isdisjoint(folder.split("/"))
            return hit

        self.seen = seen
        self.judge = judge


def _rest(shapes: _Shapes | None) -> Callable[[str], bool] | None:
    return shapes.rest.match if shapes is not None and shapes.rest is not None else None


class Scope:
    """The decision 'does a detector read this file, and is it Go source', made once per path.

    `readable`, `readable_test` and `is_go_source` are asked about every path of a scan
    several times (plan, path facts, the services' outside count: ~80k questions on an 8x
    moby monorepo). The common glob shapes are answered without a regex: `**/*_test.go` and
    `**/*.go` by the name's ending, `**/vendor/**` by the folder's names, each folder judged
    once; other globs by their GlobSet, as before. The default scope over 8x moby's 26,304
    paths, in process: readable 18.4 -> 8.6 ms, is_go_source 16.0 -> 8.3 ms, readable_test
    5.1 -> 4.3 ms; the same answers
    (tests/core/scan/test_scope.py compares them with the GlobSets').
    """

    __slots__ = ("exclude", "include", "is_go_source", "readable", "readable_test", "tests_exclude")

    def __init__(
        self,
        exclude: GlobSet | None,
        include: GlobSet | None,
        tests_exclude: GlobSet | None = None,
        globs: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None = None,
    ) -> None:
        self.exclude = exclude
        self.include = include
        # `exclude` without the `*_test.go` glob: test files stay readable for families that
        # ask (`reads_go_tests`, e.g. fuzz/benchmark detection) unless another exclude covers
        # them.
        self.tests_exclude = tests_exclude
        sets = (exclude, include, tests_exclude)
        lists = globs or tuple(tuple(g.pattern.split("\0")) if g else () for g in sets)
        ex_shapes, inc_shapes, tex_shapes = (
            _Shapes(globs) if g is not None else None for g, globs in zip(sets, lists, strict=True)
        )
        ex_ends = ex_shapes.suffixes if ex_shapes else ()
        inc_ends = inc_shapes.suffixes if inc_shapes else ()
        tex_ends = tex_shapes.suffixes if tex_shapes else ()
        ex_rest, inc_rest, tex_rest = _rest(ex_shapes), _rest(inc_shapes), _rest(tex_shapes)
        ex_dirs, inc_dirs, tex_dirs = (
            _Folders(ex_shapes),
            _Folders(inc_shapes),
            _Folders(tex_shapes),
        )
        ex_seen, ex_judge = ex_dirs.seen, ex_dirs.judge
        no_include = include is None

        def readable(path: str) -> bool:
            """Not excluded; `.go` files must also be Go source (matched by `include`)."""
            if "\n" in path:
                return self._readable_slow(path)
            folder, _, name = path.rpartition("/")
            if name.endswith(ex_ends):
                return False
            hit = ex_seen.get(folder)
            if hit is None:
                hit = ex_judge(folder)
            if hit or (ex_rest is not None and ex_rest(path)):
                return False
            if name.endswith(".go"):
                if no_include:
                    return False
                if name.endswith(inc_ends):
                    return True
                hit = inc_dirs.seen.get(folder)
                return bool(
                    (inc_dirs.judge(folder) if hit is None else hit)
                    or (inc_rest is not None and inc_rest(path))
                )
            return True

        def readable_test(path: str) -> bool:
            """A `*_test.go` file that no exclude other than the test-file glob removes."""
            if not path.endswith("_test.go"):
                return False
            if "\n" in path:
                return tests_exclude is None or not tests_exclude.match(path)
            folder, _, name = path.rpartition("/")
            if name.endswith(tex_ends):
                return False
            hit = tex_dirs.seen.get(folder)
            if hit is None:
                hit = tex_dirs.judge(folder)
            return not (hit or (tex_rest is not None and tex_rest(path)))

        def is_go_source(path: str) -> bool:
            return path.endswith(".go") and readable(path)

        self.readable: Callable[[str], bool] = readable
        self.readable_test: Callable[[str], bool] = readable_test
        self.is_go_source: Callable[[str], bool] = is_go_source

    def count_go_sources(self, paths: Iterable[str]) -> int:
        """How many of `paths` are Go source (`is_go_source`), in one C-level loop."""
        return sum(map(self.readable, [p for p in paths if p.endswith(".go")]))

    @staticmethod
    def of(config: ScanConfig) -> Scope:
        tests = tuple(g for g in config.exclude if g != _TEST_GLOB)
        return Scope(
            compile_globs(config.exclude),
            compile_globs(config.include),
            compile_globs(tests),
            (config.exclude, config.include, tests),
        )

    def _readable_slow(self, path: str) -> bool:
        """`readable` by the GlobSets alone (a path holding a newline)."""
        if self.exclude is not None and self.exclude.match(path):
            return False
        if path.endswith(".go"):
            return self.include is not None and self.include.match(path)
        return True
