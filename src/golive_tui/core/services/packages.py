"""The repository's Go packages and modules, as discovery and the import closure need them.

Per non-test Go file: its package name, its imports and whether `//go:build ignore` keeps it out
of every build (read with the scan's import scanner, no parse). Per module: its path (go.mod),
its `replace` directives to local directories, and go.work's `use` list. Files are read through
the scan's reader (size cap, no symlinks) and remembered in the scan cache by blob, so a warm run
reads nothing it has seen.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any, cast

from golive_tui.core.git.listing import RepoFile, Snapshot, is_vendored
from golive_tui.core.git.worktree import blob_sha
from golive_tui.core.scan.cache import ScanCache
from golive_tui.core.scan.detectors.base import FileScan
from golive_tui.core.scan.reader import FileReader, Skip
from golive_tui.core.services.facts import CACHE_KEY, file_facts
from golive_tui.core.tuples import NamedTuple

#: go.mod / go.work files read at most (a repository of many modules is still bounded).
MAX_MODULE_FILES = 500

_MODULE = re.compile(r'(?m)^module[ \t]+"?([^\s"]+)"?')
_REPLACE_LINE = re.compile(r"^\s*(?:replace\s+)?(\S+)(?:\s+\S+)?\s*=>\s*(\S+)(?:\s+\S+)?\s*$")
_USE_LINE = re.compile(r"^\s*(?:use\s+)?(\S+)\s*$")


# Not dataclasses: every cold scan builds the package index, and `@dataclass` imports inspect
# and compiles each class's methods at import (dataclasses ~6 ms for the cold scan's modules,
# ~0.4 ms a class). GoFile and Module are plain values (NamedTuples); the index is filled in
# and remembers answers, so it is a plain slotted class.


class GoFile(NamedTuple):
    path: str
    package: str
    imports: tuple[str, ...]
    ignored: bool  # `//go:build ignore`: never compiled
    constraint: str | None = None  # its `//go:build` expression (buildtags decides per target)


class Module(NamedTuple):
    path: str  # the module path from go.mod
    dir: str  # repository-relative directory of go.mod ("." at the root)
    replaces: tuple[tuple[str, str], ...] = ()  # (module path, local directory) pairs


class PackageIndex:
    """Go source directories (non-test files), modules and go.work of one snapshot."""

    __slots__ = ("_owners", "files", "modules", "unread", "work_uses")

    def __init__(
        self,
        files: dict[str, list[GoFile]] | None = None,
        modules: dict[str, Module] | None = None,
        work_uses: tuple[str, ...] = (),
        unread: dict[str, str] | None = None,
    ) -> None:
        #: directory -> its files
        self.files: dict[str, list[GoFile]] = {} if files is None else files
        #: go.mod directory -> module
        self.modules: dict[str, Module] = {} if modules is None else modules
        self.work_uses = work_uses  # go.work `use` directories (empty: no go.work)
        self.unread: dict[str, str] = {} if unread is None else unread  # path -> why not read
        self._owners: dict[str, Module | None] = {}  # module_of, remembered

    def package(self, directory: str) -> str:
        """The package name of a directory: its first file that builds (ignored files aside)."""
        for f in self.files.get(directory, ()):
            if not f.ignored:
                return f.package
        return ""

    def main_dirs(self) -> list[str]:
        return sorted(d for d in self.files if self.package(d) == "main")

    def module_of(self, directory: str) -> Module | None:
        """The module holding a directory: the nearest go.mod at or above it."""
        if directory in self._owners:
            return self._owners[directory]
        owner = self._module_of(directory)
        self._owners[directory] = owner
        return owner

    def _module_of(self, directory: str) -> Module | None:
        at = directory
        while True:
            module = self.modules.get(at)
            if module is not None:
                return module
            if at == ".":
                return None
            at = at.rpartition("/")[0] or "."

    def import_path(self, directory: str) -> str:
        module = self.module_of(directory)
        if module is None:
            return ""
        if directory == module.dir:
            return module.path
        rest = directory if module.dir == "." else directory[len(module.dir) + 1 :]
        return f"{module.path}/{rest}"


def dir_of(path: str) -> str:
    return path.rpartition("/")[0] or "."


def is_go_source(path: str) -> bool:
    """A Go file that is part of a package build: not a test, not vendored."""
    return path.endswith(".go") and not path.endswith("_test.go") and not is_vendored(path)


def build_index(snapshot: Snapshot, reader: FileReader, cache: ScanCache) -> PackageIndex:
    """Read every non-test Go file's header and every go.mod / go.work (bounded, cached)."""
    index = PackageIndex()
    module_files: list[RepoFile] = []
    work: RepoFile | None = None
    go_files: list[RepoFile] = []
    # Sorted by suffix first, the commonest question first (8x moby's 26,504 paths 10.5 ->
    # 4.3 ms against basename() and is_go_source() for each).
    for f in snapshot.files:
        path = f.path
        if path.endswith(".go"):
            if not path.endswith("_test.go") and not is_vendored(path):
                go_files.append(f)
        elif path.endswith("go.mod"):
            if (path == "go.mod" or path.endswith("/go.mod")) and not is_vendored(path):
                module_files.append(f)
        elif path == "go.work":
            work = f
    known: dict[str, GoFile | None] = {}  # answered by the cache (read once)
    if snapshot.is_git and cache.path is not None:
        for f in go_files:
            hit = cache.get(CACHE_KEY, f.path, f.blob) if f.blob is not None else None
            if hit is not None:
                known[f.path] = _from_meta(f.path, hit.meta)
    forked = _read_forked(go_files, known, snapshot, reader)
    _index_files(go_files, known, forked, index, cache, reader, snapshot.is_git)
    for f in module_files[:MAX_MODULE_FILES]:
        text = _text(f, reader, index)
        if text is not None:
            module = parse_go_mod(text, dir_of(f.path))
            if module is not None:
                index.modules[module.dir] = module
    if work is not None:
        text = _text(work, reader, index)
        if text is not None:
            index.work_uses = parse_go_work(text)
    return index


def _text(f: RepoFile, reader: FileReader, index: PackageIndex) -> str | None:
    data = reader.read(f)
    if isinstance(data, Skip):
        index.unread[f.path] = data.reason
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        index.unread[f.path] = "not UTF-8 text"
        return None


#: A Go file as a forked worker read it: (why it was not read, the blob hashed from its bytes
#: when the listing had none, its facts: None when it is not UTF-8).
_Facts = tuple[str | None, str | None, dict[str, object] | None]

#: Below this many Go files to read, discovery reads them in this process: forking costs more
#: than the second core saves (986 files: 27 ms of wall either way; moby's 1,406: 75 -> 72).
FORK_MIN_GO_FILES = 1200


def _read_facts(f: RepoFile, reader: FileReader, is_git: bool) -> _Facts:
    """A Go file read and its facts found: no cache, no index (a forked worker's part)."""
    data = reader.read(f)
    if isinstance(data, Skip):
        return data.reason, None, None
    blob = blob_sha(data) if f.blob is None and is_git else None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, blob, None
    return None, blob, file_facts(text)


def _index_files(
    go_files: list[RepoFile],
    known: dict[str, GoFile | None],
    forked: dict[str, _Facts] | None,
    index: PackageIndex,
    cache: ScanCache,
    reader: FileReader,
    is_git: bool,
) -> None:
    """Each Go file into the index, in order: the cache's answer (`known`), else the facts a
    forked worker read (`forked`) or read here (`_read_facts`); a file not read is noted in
    `index.unread`, new facts are stored in the cache by blob (a hashed blob's facts are
    looked up first: an edited file may have been seen).

    One loop with nothing called per file but the cache's own methods: 8x moby's 11,248
    files, cold, 25 -> 14 ms (it ran `_facts_to_file`, `_new_facts`, four casts and
    `dir_of` for each)."""
    files, unread = index.files, index.unread
    stored = cache.path is not None  # nothing is looked up or stored without a cache file
    # `known` already asked the cache about each file by its listed blob: a miss stays one.
    asked = is_git and stored
    new = GoFile._make
    for f in go_files:
        path = f.path
        if path in known:
            go = known[path]
        else:
            reason, hashed, facts = (
                forked[path] if forked is not None else _read_facts(f, reader, is_git)
            )
            if reason is not None:
                unread[path] = reason
                continue
            blob = hashed or (f.blob if is_git else None)
            hit = None
            if blob is not None and stored and (hashed is not None or not asked):
                hit = cache.get(CACHE_KEY, path, blob)
            if hit is not None:
                go = _from_meta(path, hit.meta)
            elif facts is None:
                unread[path] = "not UTF-8 text"
                continue
            else:
                if blob is not None and stored:
                    cache.put(CACHE_KEY, path, blob, FileScan(meta=facts))
                if not facts:
                    continue  # not Go (no package clause): part of no package
                # Facts just computed have their types: no checks as for a cache entry.
                meta = cast("dict[str, Any]", facts)
                fields = (meta["package"], tuple(meta["imports"]), meta["ignored"])
                go = new((path, *fields, meta["constraint"]))
        if go is None:
            continue
        folder = path.rpartition("/")[0] or "."  # dir_of, inline
        have = files.get(folder)
        if have is None:
            files[folder] = [go]
        else:
            have.append(go)


def _read_forked(
    go_files: list[RepoFile],
    known: dict[str, GoFile | None],
    snapshot: Snapshot,
    reader: FileReader,
) -> dict[str, _Facts] | None:
    """The Go files the cache does not answer, read and their facts found by forked workers
    alongside this process (path -> `_read_facts`), or None when they are read here: few
    files, no free core, a threaded host, or a commit's tree (its blobs come through one git
    pipe). Reading a Go file and finding its facts costs ~18 us; with the second core idle,
    8x moby's 11,248 files take ~150 ms of wall instead of ~205 (the build_index step
    230 -> 205 ms: the two cores together do ~1.4x what one does, and this process still
    builds the index), moby's services phase 75 -> 72 ms (best of 7, in process)."""
    if snapshot.commit is not None:
        return None
    todo = [f for f in go_files if f.path not in known] if known else go_files
    from golive_tui.core.scan import workers

    count = workers.fork_workers(len(todo), FORK_MIN_GO_FILES)
    if count < 2:
        return None
    is_git = snapshot.is_git
    facts = workers.parallel_map(lambda f: _read_facts(f, reader, is_git), todo, count)
    return {f.path: r for f, r in zip(todo, facts, strict=True)}


def _from_meta(path: str, meta: object) -> GoFile | None:
    if not isinstance(meta, dict) or not isinstance(meta.get("package"), str):
        return None  # not Go (no package clause): not part of any package
    imports = meta.get("imports", [])
    return GoFile(
        path,
        meta["package"],
        tuple(i for i in imports if isinstance(i, str)) if isinstance(imports, list) else (),
        bool(meta.get("ignored", False)),
        meta["constraint"] if isinstance(meta.get("constraint"), str) else None,
    )


def parse_go_mod(text: str, directory: str) -> Module | None:
    """The module path and its `replace` directives that point at local directories."""
    m = _MODULE.search(text)
    if m is None:
        return None
    replaces: list[tuple[str, str]] = []
    for statement in _statements(text, "replace"):
        r = _REPLACE_LINE.match(statement)
        if r is None:
            continue
        target = r.group(2)
        if target.startswith(("./", "../")) or target in (".", ".."):
            local = posixpath.normpath(posixpath.join(directory, target))
            if not local.startswith(".."):  # a replace leaving the repository is not ours
                replaces.append((r.group(1), local))
    return Module(m.group(1), directory, tuple(replaces))


def parse_go_work(text: str) -> tuple[str, ...]:
    uses: list[str] = []
    for statement in _statements(text, "use"):
        u = _USE_LINE.match(statement)
        if u is None:
            continue
        local = posixpath.normpath(u.group(1).strip('"'))
        if not local.startswith("..") and not posixpath.isabs(local):
            uses.append(local)
    return tuple(uses)


def _statements(text: str, verb: str) -> list[str]:
    """`verb X` lines and the lines of `verb ( ... )` blocks, comments removed."""
    out: list[str] = []
    block = False
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if block:
            if line == ")":
                block = False
            else:
                out.append(line)
            continue
        if re.match(rf"{verb}\s*\($", line):
            block = True
        elif re.match(rf"{verb}\s+", line):
            out.append(line)
    return out
