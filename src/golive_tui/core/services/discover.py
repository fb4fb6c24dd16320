"""Find a repository's services: the `main` packages it deploys (docs/services.md).

A main package is a service when a Dockerfile, a build file (Makefile, goreleaser, ko, build
scripts) or a manifest / compose file builds or runs it, or when `.golive/config.toml` declares
it (`[services.NAME]`). Main packages in directories the go tool ignores (`_x`, `.x`,
`testdata`), examples, tools, generators, load generators and test programs are never services
unless declared; the rest are "not a service" when nothing deploys them. A repository whose only
main package ships (or that has one main package at all, outside those) is one service.

Pure over the repository listing and file contents (read through the scan's reader: capped, no
symlinks); nothing is run. Work is bounded: each candidate file is read once, at most
`MAX_LINK_FILES` of them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from golive_tui.core.git import listing as git_listing
from golive_tui.core.git.listing import RepoFile, Snapshot
from golive_tui.core.hashing import sha1
from golive_tui.core.scan.cache import ScanCache
from golive_tui.core.scan.config import (
    CONFIG_PATH,
    SERVICE_NAME,
    Config,
    ConfigError,
    Scope,
    ServiceDecl,
    load_config,
)
from golive_tui.core.scan.detectors.base import FileScan
from golive_tui.core.scan.reader import FileReader, Skip
from golive_tui.core.services import links as links_mod
from golive_tui.core.services.kinds import link_kind
from golive_tui.core.services.links import Matcher, Target
from golive_tui.core.services.model import Link, LinkKind, NotService, Service, ServiceMap
from golive_tui.core.services.packages import PackageIndex, build_index

#: Build, deploy and CI files read at most while linking (each under the reader's size cap).
MAX_LINK_FILES = 3000

#: Below this weight of build files and manifests to link (bytes, a build file's 8 times:
#: linking one splits its lines in Python, ~14 ms per MB on moby against ~2 for a manifest's
#: C-speed search), they are read here: forking (~2-3 ms) costs more than the second core
#: saves (~1 ms per MB of manifests).
FORK_MIN_LINK_BYTES = 2 * 1024 * 1024

_Compute = Callable[[str, str], list[tuple[Target, Link]]]
_OnBytes = Callable[[str, bytes], list[tuple[Target, Link]]]
#: How a kind of file links: (cache key, compute, prefilter, on_bytes), `_Linker.links`' args.
_How = tuple[str, _Compute, tuple[bytes, ...], _OnBytes | None]

_IGNORED_SEGMENT = "in a directory the go tool ignores (`_`, `.` or testdata)"
_KIND_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(examples?|_examples|demos?|samples?)$"), "an example"),
    (re.compile(r"^(tools?|hack|scripts?|internal-tools)$"), "a tool"),
    (
        re.compile(r"(^|[-_.])(gen|generate|generator|codegen)([-_.]|$)|gen$"),
        "a code generator",
    ),
    (
        re.compile(r"(^|[-_])(load-?gen(erator)?|load-?test|bench(mark)?s?|stress)([-_]|$)"),
        "a load generator or benchmark",
    ),
    (
        re.compile(
            r"^(tests?|integration(-cli)?|e2e|fixtures?|testutils?|testing)$|[-_]tests?$|^test[-_]"
        ),
        "a test program",
    ),
)


class Discovery:
    """The services, and the package index the scan's scope is computed from."""

    # A plain class, not a frozen dataclass: no dataclasses import on a cold scan
    # (packages.py); not a NamedTuple, whose `index` is tuple's own method.
    __slots__ = ("index", "services")

    def __init__(self, services: ServiceMap, index: PackageIndex) -> None:
        self.services = services
        self.index = index


def discover(root: Path) -> ServiceMap:
    """The services of the repository holding `root` (its working tree)."""
    loc = git_listing.locate(Path(root))
    config = load_config(loc.root)
    vendor = config.scan.include_vendor
    return discover_listed(loc, config, git_listing.Listing(loc, include_vendor=vendor))


def discover_listed(
    loc: git_listing.Location, config: Config, listing: git_listing.Listing
) -> ServiceMap:
    """`discover`, over a listing the caller started (found.py keys its memo with it)."""
    snapshot = listing.snapshot(include_vendor=config.scan.include_vendor)
    cache = ScanCache.load(_cache_file(loc))
    with FileReader(snapshot, max_file_size=config.scan.max_file_size) as reader:
        found = discover_in(snapshot, reader, cache, config)
    cache.save()
    return found.services


def discover_in(
    snapshot: Snapshot, reader: FileReader, cache: ScanCache, config: Config
) -> Discovery:
    """Discovery over a snapshot the caller has listed (the scan shares its reader and cache)."""
    index = build_index(snapshot, reader, cache)
    mains = index.main_dirs()
    targets = [
        Target(m, index.import_path(m), _name_of(m, index, snapshot.root), _module(index, m))
        for m in mains
    ]
    targets = _unique_names(targets)
    decls = {d.main: d for d in config.services}
    for decl in config.services:
        if decl.main not in index.files or index.package(decl.main) != "main":
            raise ConfigError(
                f"{config.path or CONFIG_PATH}:{decl.line}: services.{decl.name}.main: expected "
                f"a directory holding a Go main package, got {decl.main!r}"
            )
    found = _links(snapshot, reader, cache, Matcher(targets), Scope.of(config.scan))

    services: list[Service] = []
    not_services: list[NotService] = []
    hard: dict[str, str] = {}
    for target in targets:
        declared = decls.get(target.main)
        target_links = found.get(target.main, [])
        if declared is not None:
            services.append(_declared(target, declared, target_links))
            continue
        reason = not_shipping_reason(target.main)
        deploys = [link for link in target_links if link.kind != LinkKind.CI]
        if reason is not None:
            hard[target.main] = reason
            if deploys:
                reason += f", though {deploys[0].path}:{deploys[0].line} builds it"
            not_services.append(NotService(target.main, reason))
        elif deploys:
            services.append(_service(target, target_links))
        else:
            not_services.append(NotService(target.main, _UNDEPLOYED))

    if not services:  # one main package (outside tools, examples...): the repository's service
        candidates = [t for t in targets if t.main not in hard]
        if len(candidates) == 1:
            only = candidates[0]
            services.append(_service(only, found.get(only.main, [])))
            not_services = [n for n in not_services if n.main != only.main]
    services = _declared_names_win(services)
    services.sort(key=lambda s: s.name)
    return Discovery(ServiceMap(tuple(services), tuple(not_services)), index)


def _declared_names_win(services: list[Service]) -> list[Service]:
    """A declared name taken by a discovered service: the discovered one is renamed after its
    directory (`cmd-orders`), so every name stays unique."""
    taken = {s.name for s in services if s.declared}
    out: list[Service] = []
    for s in services:
        if not s.declared and s.name in taken:
            name = safe_name(s.main.replace("/", "-"))
            while name in taken:
                name = safe_name(name + "-x")
            s = s._replace(name=name)
        taken.add(s.name)
        out.append(s)
    return out


_UNDEPLOYED = (
    "no Dockerfile, build file or manifest builds or runs it "
    "(declare it in .golive/config.toml [services.NAME] if it ships)"
)


def not_shipping_reason(main: str) -> str | None:
    """Why a main package's directory says it never ships (None: its path does not tell)."""
    if main == ".":
        return None
    segments = main.split("/")
    if any(s.startswith(("_", ".")) or s == "testdata" for s in segments):
        return _IGNORED_SEGMENT
    for pattern, what in _KIND_RULES:
        if any(pattern.search(s) for s in segments):
            return what
    return None


def _module(index: PackageIndex, main: str) -> str:
    module = index.module_of(main)
    return module.path if module else ""


def _name_of(main: str, index: PackageIndex, root: Path) -> str:
    if main != ".":
        base = posixpath.basename(main)
    else:
        module = index.module_of(".")
        parts = module.path.split("/") if module else [root.name]
        base = parts[-1]
        if re.fullmatch(r"v\d+", base) and len(parts) > 1:
            base = parts[-2]
        if len(parts) <= 2 and "." in base:  # miniflux.app/v2 -> miniflux
            base = base.split(".", 1)[0]
    return safe_name(base)


def safe_name(text: str) -> str:
    """A name safe as a path segment and in a tag: lowercase, [a-z0-9._-]."""
    name = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
    name = re.sub(r"\.{2,}", ".", name)[:63]
    return name if name and SERVICE_NAME.fullmatch(name) else "service"


def _unique_names(targets: list[Target]) -> list[Target]:
    """Colliding basenames get their parent directory's name in front (`a-cmd-x`)."""
    counts: dict[str, int] = {}
    for t in targets:
        counts[t.name] = counts.get(t.name, 0) + 1
    out: list[Target] = []
    taken: set[str] = set()
    for t in targets:
        name = t.name
        if counts[name] > 1:
            name = safe_name(t.main.replace("/", "-"))
        while name in taken:
            name = safe_name(name + "-x")
        taken.add(name)
        out.append(t._replace(name=name))
    return out


def _service(target: Target, links: list[Link]) -> Service:
    def paths(kind: LinkKind) -> tuple[str, ...]:
        return tuple(sorted({link.path for link in links if link.kind == kind}))

    ci = sorted({f"{link.path}:{job}" if job else link.path for link, job in _jobs(links)})
    return Service(
        name=target.name,
        main=target.main,
        module=target.module,
        dockerfiles=paths(LinkKind.DOCKERFILE),
        manifests=paths(LinkKind.MANIFEST),
        ci_jobs=tuple(ci),
        links=tuple(links),
    )


def _jobs(links: list[Link]) -> list[tuple[Link, str]]:
    """CI links carry their job as `how`'s prefix `job: `; see `_links`."""
    out: list[tuple[Link, str]] = []
    for link in links:
        if link.kind == LinkKind.CI:
            job, _, _ = link.how.partition(": ") if link.how.startswith("[") else ("", "", "")
            out.append((link, job.strip("[]")))
    return out


def _declared(target: Target, decl: ServiceDecl, links: list[Link]) -> Service:
    declared = Link(LinkKind.DECLARED, CONFIG_PATH, decl.line, f"[services.{decl.name}]")
    extra = [Link(LinkKind.DOCKERFILE, p, 0, "declared") for p in decl.dockerfiles]
    extra += [Link(LinkKind.MANIFEST, p, 0, "declared") for p in decl.manifests]
    base = _service(target._replace(name=decl.name), [declared, *links, *extra])
    return base._replace(declared=True)


def _links(
    snapshot: Snapshot, reader: FileReader, cache: ScanCache, match: Matcher, scope: Scope
) -> dict[str, list[Link]]:
    """main directory -> its links, in file order. Dockerfiles first: manifests and CI refer
    to a service through its Dockerfile's directory or path."""
    by_kind: dict[str, list[RepoFile]] = {"dockerfile": [], "build": [], "manifest": [], "ci": []}
    for f in snapshot.files:
        kind = link_kind(f.path)
        if kind and scope.readable(f.path) and not git_listing.is_vendored(f.path):
            by_kind[kind].append(f)
    linker = _Linker(reader, cache, snapshot.is_git, match)
    found: dict[str, list[Link]] = {}
    dockerfiles: dict[str, Target] = {}
    dockerfile_dirs: dict[str, Target] = {}

    def dockerfile(path: str, text: str) -> list[tuple[Target, Link]]:
        hits = links_mod.dockerfile_links(path, text, match)
        directory = posixpath.dirname(path) or "."
        if not hits and text and directory in match.by_dir:  # src/x/Dockerfile, `COPY . .`
            target = match.by_dir[directory]
            hits = [(target, Link(LinkKind.DOCKERFILE, path, 0, "in its main package's dir"))]
        return hits

    key = linker.key("dockerfile")
    for f in by_kind["dockerfile"]:
        for target, link in linker.links(f, key, dockerfile):
            found.setdefault(target.main, []).append(link)
            dockerfiles[f.path] = target
            dockerfile_dirs.setdefault(posixpath.dirname(f.path) or ".", target)

    def build_file(path: str, text: str) -> list[tuple[Target, Link]]:
        return links_mod.build_file_links(path, text, match)

    def manifest(path: str, data: bytes) -> list[tuple[Target, Link]]:
        return links_mod.manifest_links(path, data, match, dockerfile_dirs)

    build: _How = (linker.key("build"), build_file, (b"go ", b"main:", b"ko://", b"/"), None)
    # manifests and CI also depend on which Dockerfiles belong to whom
    linker.extend_fingerprint(sorted((p, t.main) for p, t in dockerfiles.items()))
    # No prefilter: `manifest_links` finds the lines holding `image:`, `build:` or
    # `context:` (none: nothing links), so a prefilter for the same keys searched the bytes
    # once more (8x moby's 560 manifests, 95 MiB: ~18 ms of CPU).
    manifests: _How = (linker.key("manifest"), _nothing, (), manifest)
    linker.prefetch([(by_kind["build"], build, 8), (by_kind["manifest"], manifests, 1)])
    for f in by_kind["build"]:
        for target, link in linker.links(f, *build):
            found.setdefault(target.main, []).append(link)
    for f in by_kind["manifest"]:
        for target, link in linker.links(f, *manifests):
            found.setdefault(target.main, []).append(link)

    def ci(path: str, text: str) -> list[tuple[Target, Link]]:
        return [
            (target, link._replace(how=f"[{job}]: {link.how}" if job else link.how))
            for target, link, job in links_mod.ci_links(path, text, match, dockerfiles)
        ]

    key = linker.key("ci")
    for f in by_kind["ci"]:
        for target, link in linker.links(f, key, ci):
            found.setdefault(target.main, []).append(link)
    return found


def _nothing(path: str, text: str) -> list[tuple[Target, Link]]:
    return []


class _Linker:
    """Reads candidate files (at most MAX_LINK_FILES) and remembers each file's links in the
    scan cache by blob, under a key naming the main packages they were matched against."""

    def __init__(self, reader: FileReader, cache: ScanCache, is_git: bool, match: Matcher):
        self.reader = reader
        self.cache = cache
        self.is_git = is_git
        self.match = match
        self.budget = MAX_LINK_FILES
        #: files read and linked by forked workers (`prefetch`): path -> `_read_link`'s answer
        self.done: dict[str, list[tuple[Target, Link]] | None] = {}
        self.fingerprint = sha1(usedforsecurity=False)  # core/hashing: no OpenSSL (~3 ms)
        for t in sorted(match.by_dir.values(), key=lambda t: t.main):
            self.fingerprint.update(f"{t.main}\0{t.import_path}\0{t.name}\n".encode())

    def extend_fingerprint(self, items: list[tuple[str, str]]) -> None:
        for a, b in items:
            self.fingerprint.update(f"{a}\0{b}\n".encode())

    def key(self, kind: str) -> str:
        """The cache key of `kind`'s links, for the main packages (and Dockerfiles) so far."""
        return ScanCache.key(f"services.{kind}", f"1.{self.fingerprint.hexdigest()[:16]}")

    def links(
        self,
        f: RepoFile,
        key: str,
        compute: _Compute,
        prefilter: tuple[bytes, ...] = (),
        on_bytes: _OnBytes | None = None,
    ) -> list[tuple[Target, Link]]:
        """`compute` over the decoded text, or `on_bytes` over the bytes when given (the
        file must still be UTF-8 to link: checked only when something links), remembered
        under `key`."""
        blob = f.blob if self.is_git else None
        if blob is not None:
            hit = self.cache.get(key, f.path, blob)
            if hit is not None:
                return self._decode(f.path, hit.meta.get("links"))
        if self.budget <= 0:
            return []
        self.budget -= 1
        if f.path in self.done:
            result = self.done.pop(f.path)
        else:
            result = self._read_link(f, compute, prefilter, on_bytes)
        if result is None:
            return []
        if blob is not None:
            rows = [[t.main, str(link.kind), link.line, link.how] for t, link in result]
            self.cache.put(key, f.path, blob, FileScan(meta={"links": rows} if rows else {}))
        return result

    def _read_link(
        self,
        f: RepoFile,
        compute: _Compute,
        prefilter: tuple[bytes, ...],
        on_bytes: _OnBytes | None,
    ) -> list[tuple[Target, Link]] | None:
        """One file read and linked (None: it could not be read)."""
        data = self.reader.read(f)
        if isinstance(data, Skip):
            return None
        if prefilter and not any(p in data for p in prefilter):
            return []
        if on_bytes is not None:
            result = on_bytes(f.path, data) if data else []
            return [] if result and not _is_utf8(data) else result
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return []
        return compute(f.path, text) if text else []

    def prefetch(self, groups: list[tuple[list[RepoFile], _How, int]]) -> None:
        """Read and link in forked workers, alongside this process, the files that `links`
        would read next (each group's files with its `_How`, in order; a group's bytes
        weigh its factor: what a byte costs to link), when they weigh enough and a core is
        free; `links` takes their answers from `done`.

        A cold discovery spends most of its link pass searching manifests' bytes (moby's API
        specs: ~12 MB of YAML, three passes of bytes.find each): with the second core idle,
        the services phase of 8x moby 0.55 -> 0.42 s together with the Go files' forked
        read (links alone 290 -> 190 ms), moby's 75 -> 65 ms (best of 7, in process)."""
        if self.reader.snapshot.commit is not None:
            return  # a commit's blobs come through one git pipe
        todo: list[tuple[RepoFile, _How, int]] = []
        for files, how, factor in groups:
            key = how[0]
            for f in files:
                if len(todo) >= self.budget:
                    break
                blob = f.blob if self.is_git else None
                if blob is None or self.cache.get(key, f.path, blob) is None:
                    todo.append((f, how, factor))
        from golive_tui.core.scan import workers

        count = workers.fork_workers(len(todo), 1)  # a free core first: a size is a stat
        if count < 2:
            return
        weights = [self.reader.size_hint(f, 4096) * factor for f, _, factor in todo]
        if sum(weights) < FORK_MIN_LINK_BYTES:
            return

        def work(item: tuple[RepoFile, _How, int]) -> list[tuple[Target, Link]] | None:
            f, (_, compute, prefilter, on_bytes), _ = item
            return self._read_link(f, compute, prefilter, on_bytes)

        by_dir = self.match.by_dir
        results = workers.parallel_map(work, todo, count, weights)
        for (f, _, _), result in zip(todo, results, strict=True):
            # the workers' targets are copies: this process's own, as `links` gives
            self.done[f.path] = (
                None if result is None else [(by_dir[t.main], link) for t, link in result]
            )

    def _decode(self, path: str, rows: object) -> list[tuple[Target, Link]]:
        out: list[tuple[Target, Link]] = []
        if not isinstance(rows, list):
            return out
        for row in rows:
            try:
                main, kind, line, how = row
                target = self.match.by_dir[main]
                out.append((target, Link(LinkKind(kind), path, int(line), str(how))))
            except (KeyError, ValueError, TypeError):
                continue
        return out


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _cache_file(loc: git_listing.Location) -> Path | None:
    from golive_tui.core.scan.cache import cache_path

    if not loc.is_git or loc.common_dir is None:
        return None
    return cache_path(loc.common_dir / "golive")
