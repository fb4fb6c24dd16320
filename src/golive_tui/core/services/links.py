"""Which files build or deploy which main package: Dockerfiles, build files, manifests, CI.

Pure text matching over files the caller has read (no parse, no YAML loader, nothing run):
- a Dockerfile `RUN go build|install ... PKG` (PKG relative to the repository or to the
  Dockerfile's directory, the usual build contexts; no package means the Dockerfile's directory),
  a `COPY` of the main package's directory, an `ARG`/`ENV` whose value names it;
- a build file (Makefile, *.mk, *.sh, goreleaser, ko, scripts under hack/ or scripts/): a
  `go build|install` of it, a goreleaser `main:`, or its full import path on a line that does
  not merely run, test or generate;
- a manifest or compose file: an `image:` whose name is the service's, `ko://` its import path,
  or a compose `build:`/`context:` naming its directory;
- a CI file: a line naming its directory, import path or one of its Dockerfiles (with the job).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from golive_tui.core.services.model import Link, LinkKind
from golive_tui.core.tuples import NamedTuple

_GO_BUILD = re.compile(r"\bgo\s+(?:build|install)\b")
_NOT_SHIPPING_GO = re.compile(r"\bgo\s+(?:run|test|generate|vet|tool)\b")
_TOKEN_SPLIT = re.compile(r"[\s\"'`=,;()\[\]{}]+")
_VALUE_FLAGS = frozenset(
    {"-o", "-ldflags", "-gcflags", "-asmflags", "-tags", "-mod", "-p", "-buildmode", "-modfile",
     "-pkgdir", "-toolexec", "-overlay", "-pgo", "-C", "-exec", "-installsuffix", "-compiler"}
)  # fmt: skip
_SHELL_END = frozenset({"&&", "||", ";", "|", "\\", ">", "2>&1"})
_IMAGE = re.compile(r"^[ \t]*(?:-[ \t]*)?image:[ \t]*[\"']?([^\s\"'#]+)")
_COMPOSE_DIR = re.compile(r"^\s*(?:build|context):\s*[\"']?([^\s\"'#{}]+)")
_MANIFEST_LINE = re.compile(r"[ \t]*(?:-[ \t]*)?(?:image|build|context):[^\n]*")
_GH_JOB = re.compile(r"^  ([A-Za-z0-9_.-]+):\s*(?:#.*)?$")


class Target(NamedTuple):
    """A main package as link matching sees it."""

    # A NamedTuple, not a frozen dataclass: a cold scan imports this module, and
    # `@dataclass` imports inspect and compiles the class's methods (packages.py).

    main: str  # repository-relative directory
    import_path: str  # "" when no go.mod holds it
    name: str  # the service name it would get
    module: str = ""  # the module path holding it


class Matcher:
    """Answers 'which main package does this path or import path name?'."""

    def __init__(self, targets: list[Target]) -> None:
        self.by_dir = {t.main: t for t in targets}
        self.by_import = {t.import_path: t for t in targets if t.import_path}
        self.by_name: dict[str, list[Target]] = {}
        for t in targets:
            self.by_name.setdefault(t.name, []).append(t)
        # A line can name a main package only through its directory's or import path's last
        # segment (or a `go build` of a relative directory): lines with none are skipped.
        words = {"go build", "go install"}
        for t in targets:
            words.update(w for w in (t.main.rsplit("/", 1)[-1], t.import_path.rsplit("/", 1)[-1]))
        self.needles = tuple(sorted(w for w in words if w and w not in (".", "..")))
        self._needle = re.compile("|".join(re.escape(n) for n in self.needles))

    def mentions(self, line: str, extra: tuple[str, ...] = ()) -> bool:
        return self._needle.search(line) is not None or any(n in line for n in extra)

    def path(self, token: str, base: str) -> Target | None:
        """A directory token (`./cmd/x`, `cmd/x/`, `.`) relative to the root or to `base`."""
        token = token.strip().rstrip("/")
        if not token or token.endswith("...") or token.startswith(("$", "/", "-")):
            return None
        hit = self.by_import.get(token)
        if hit is not None:
            return hit
        for start in (base, "."):
            joined = posixpath.normpath(posixpath.join(start, token))
            if not joined.startswith(".."):
                hit = self.by_dir.get(joined)
                if hit is not None:
                    return hit
        return None

    def imports_in(self, line: str) -> Iterator[Target]:
        for token in _TOKEN_SPLIT.split(line):
            token = token.removeprefix("ko://").rstrip("/")
            hit = self.by_import.get(token)
            if hit is not None:
                yield hit


def go_build_packages(line: str) -> list[str]:
    """The package arguments of `go build|install` on a line (["."] when none is named)."""
    m = _GO_BUILD.search(line)
    if m is None:
        return []
    tokens = line[m.end() :].split()
    packages: list[str] = []
    skip = False
    for token in tokens:
        if skip:
            skip = False
            continue
        if token in _SHELL_END or token.startswith(("&&", ";", "|", ">")):
            break
        if token.startswith("-"):
            skip = token.split("=", 1)[0] in _VALUE_FLAGS and "=" not in token
            continue
        packages.append(token.strip("\"'"))
    return packages or ["."]


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) with backslash continuations joined (Dockerfile, Makefile)."""
    start = 0
    parts: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not parts:
            start = number
        if line.rstrip().endswith("\\"):
            parts.append(line.rstrip()[:-1])
            continue
        parts.append(line)
        yield start, " ".join(parts)
        parts = []
    if parts:
        yield start, " ".join(parts)


def dockerfile_links(path: str, text: str, match: Matcher) -> list[tuple[Target, Link]]:
    base = posixpath.dirname(path) or "."
    found: list[tuple[Target, Link]] = []
    for number, line in logical_lines(text):
        stripped = line.strip()
        word = stripped.split(None, 1)[0].upper() if stripped else ""
        if word == "RUN":
            for package in go_build_packages(stripped):
                target = match.path(package, base)
                if target is not None:
                    found.append((target, _link(LinkKind.DOCKERFILE, path, number, stripped)))
        elif word in ("COPY", "ADD"):
            sources = [t for t in stripped.split()[1:-1] if not t.startswith("--")]
            for source in sources:
                target = match.path(source, ".") if source not in (".", "./") else None
                binary = match.by_name.get(posixpath.basename(source.rstrip("/")), [])
                if target is None and len(binary) == 1 and "/" in source:
                    target = binary[0]  # COPY .build/linux-amd64/prometheus /bin/prometheus
                if target is not None:
                    found.append((target, _link(LinkKind.DOCKERFILE, path, number, stripped)))
        elif word in ("ARG", "ENV"):
            for token in _TOKEN_SPLIT.split(stripped)[1:]:
                target = match.path(token, ".") if "/" in token else None
                if target is not None:
                    found.append((target, _link(LinkKind.DOCKERFILE, path, number, stripped)))
    return found


def build_file_links(path: str, text: str, match: Matcher) -> list[tuple[Target, Link]]:
    base = posixpath.dirname(path) or "."
    goreleaser = any(w in posixpath.basename(path) for w in ("goreleaser", "promu"))
    found: list[tuple[Target, Link]] = []
    for number, line in logical_lines(text):
        if not goreleaser and not match.mentions(line):
            continue
        stripped = line.strip()
        if stripped.startswith("#") or _NOT_SHIPPING_GO.search(stripped):
            continue
        targets: list[Target] = []
        if goreleaser and re.match(r"-?\s*(?:main|dir|path):", stripped):
            hit = match.path(stripped.split(":", 1)[1].strip().strip("\"'"), ".")
            targets.extend([hit] if hit else [])
        for package in go_build_packages(stripped):
            if package == "." and not stripped.startswith(("go ", "CGO", "GO")):
                continue  # `$(GO) build` with no package: the Makefile's own dir is a guess
            hit = match.path(package, base)
            targets.extend([hit] if hit else [])
        targets.extend(match.imports_in(stripped))
        for target in dict.fromkeys(targets):
            found.append((target, _link(LinkKind.BUILD, path, number, stripped)))
    return found


def manifest_links(
    path: str, data: bytes, match: Matcher, dockerfile_dirs: dict[str, Target]
) -> list[tuple[Target, Link]]:
    """`image:` names, `ko://` import paths and compose build contexts.

    Works on the file's bytes and decodes only the lines that can link: API specs are long
    YAML files that are seldom ASCII (moby's api/docs: ~50 files, ~22 MB): decoding them whole
    (to UCS-2) to search them cost a third more (moby's link pass 62.6 -> 54.4 ms CPU, best of
    9, same files). A file that is not UTF-8
    links nothing, as when it was decoded whole (the caller checks the whole file when a
    line links; a key line that does not decode ends it here)."""
    base = posixpath.dirname(path) or "."
    found: list[tuple[Target, Link]] = []
    counted, number = 0, 1
    for start in _key_lines(data):  # only the lines that can link
        end = data.find(b"\n", start)
        try:
            text = data[start : len(data) if end == -1 else end].decode("utf-8")
        except UnicodeDecodeError:
            return []
        m = _MANIFEST_LINE.match(text)
        if m is None:
            continue
        line = m.group(0)
        targets: list[Target] = []
        image = _IMAGE.match(line)
        if image is not None:
            ref = image.group(1)
            targets.extend(match.imports_in(ref))
            name = image_name(ref)
            candidates = match.by_name.get(name, [])
            if len(candidates) == 1:
                targets.append(candidates[0])
        context = _COMPOSE_DIR.match(line)
        if context is not None:
            directory = posixpath.normpath(posixpath.join(base, context.group(1)))
            hit = match.by_dir.get(directory) or dockerfile_dirs.get(directory)
            targets.extend([hit] if hit else [])
        if not targets:
            continue
        # Lines are counted up to a line that links only: most key lines link nothing (an
        # API spec's `image:` fields), and counting them all was a fourth pass over the bytes
        # (8x moby's manifests 207 -> 174 ms CPU).
        number += data.count(b"\n", counted, start)
        counted = start
        for target in dict.fromkeys(targets):
            found.append((target, _link(LinkKind.MANIFEST, path, number, line.strip())))
    return found


def _key_lines(data: bytes) -> list[int]:
    """Start offsets of the lines holding `image:`, `build:` or `context:` (bytes.find is
    C-fast; a regex alternation would walk every character in Python's engine)."""
    starts: set[int] = set()
    for key in (b"image:", b"build:", b"context:"):
        at = data.find(key)
        while at != -1:
            starts.add(data.rfind(b"\n", 0, at) + 1)
            end = data.find(b"\n", at)  # one look per line: a long line is never rescanned
            if end == -1:
                break
            at = data.find(key, end)
    return sorted(starts)


def image_name(ref: str) -> str:
    """`gcr.io/proj/orders:v1@sha256:...` -> `orders`."""
    ref = ref.split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def ci_links(
    path: str, text: str, match: Matcher, dockerfiles: dict[str, Target]
) -> list[tuple[Target, Link, str]]:
    """(target, link, job) for CI lines naming a main package or one of its Dockerfiles."""
    found: list[tuple[Target, Link, str]] = []
    job = ""
    in_jobs = False
    extra = tuple({p.rsplit("/", 1)[-1] for p in dockerfiles})
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("jobs:"):
            in_jobs = True
            continue
        if in_jobs:
            m = _GH_JOB.match(line)
            if m is not None:
                job = m.group(1)
        elif re.match(r"^([A-Za-z0-9_.-]+):\s*$", line):  # GitLab: top-level job keys
            job = line.split(":", 1)[0]
        if not match.mentions(line, extra):
            continue
        stripped = line.strip()
        if stripped.startswith("#") or _NOT_SHIPPING_GO.search(stripped):
            continue
        targets: list[Target] = list(match.imports_in(stripped))
        for token in _TOKEN_SPLIT.split(stripped):
            if "/" in token or token.startswith("."):
                hit = match.path(token, ".") if token not in (".", "./") else None
                targets.extend([hit] if hit else [])
                norm = posixpath.normpath(token.removeprefix("./")) if token else ""
                if norm in dockerfiles:
                    targets.append(dockerfiles[norm])
        for target in dict.fromkeys(targets):
            found.append((target, _link(LinkKind.CI, path, number, stripped), job))
    return found


def _link(kind: LinkKind, path: str, line: int, how: str) -> Link:
    how = " ".join(how.split())
    return Link(kind, path, line, how if len(how) <= 120 else how[:117] + "...")
