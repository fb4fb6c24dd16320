"""Helpers shared by the detector families: which paths are what, and error reporting (the
one rule for unreadable files, `with_errors`, serves every family and the engine).

Path predicates live here once so the Dockerfile, build, CI and presence families agree on
what a Dockerfile, Makefile or CI definition is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from golive_tui.core import filenames
from golive_tui.core.evidence import DetectorResult, Evidence, Polarity, Status
from golive_tui.core.scan.detectors.base import FileScan, Finding, ScannedFile
from golive_tui.core.tuples import NamedTuple

# Folders whose files describe someone else's project or test input, never this service.
_FOREIGN_DIRS = frozenset({"vendor", "testdata", "node_modules", "third_party", ".git"})


def parts(path: str) -> list[str]:
    return path.split("/")


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def dirname(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def is_go_file(path: str) -> bool:
    """A `name.go` file: never CI configuration, a Makefile, Taskfile, script or Dockerfile
    (a cheap first answer for families that look at those; `.go` alone could be a script)."""
    if not path.endswith(".go"):
        return False
    # `x.go`: a character before ".go" that is neither a dot nor a slash leaves a dot once the
    # name's leading dots are stripped (the rule below), without taking the name apart; this
    # runs for every Go path in a cold plan (twice: CI and build families).
    return path[-4:-3] not in ("", ".", "/") or "." in basename(path).lstrip(".")


# One of those names as a whole folder of the path (a name followed by `/`): one C-level search.
_FOREIGN_FOLDER = re.compile(
    "(?:^|/)(?:" + "|".join(re.escape(d) for d in sorted(_FOREIGN_DIRS)) + ")/"
)


def is_foreign(path: str) -> bool:
    """Under vendor/, testdata/, node_modules/ or third_party/ at any depth."""
    return _FOREIGN_FOLDER.search(path) is not None


@lru_cache(maxsize=2)
def folders_of(all_paths: tuple[str, ...]) -> list[str]:
    """Each path's folder (`dirname`), in order, made once per listing for the families that
    need it (files: `not_foreign`; CI: `repo_folders`): 8x moby's 26,504 paths, ~2.4 ms each
    time it was made. Callers must not change the list."""
    return [p.rpartition("/")[0] for p in all_paths]


def not_foreign(paths: Sequence[str]) -> list[str]:
    """The paths `is_foreign` does not hold, in order: each distinct folder is judged once
    (by its names, what `_FOREIGN_FOLDER` looks for), each path by a set lookup. The files
    family's presence checks, 8x moby's 26,304 paths (3,872 folders, 5,568 paths under
    testdata/): 14 -> 4.6 ms (a call and a regex search per path); moby 1.6 -> 0.5 ms."""
    folders = (
        folders_of(paths) if isinstance(paths, tuple) else [p.rpartition("/")[0] for p in paths]
    )
    foreign = {d for d in set(folders) if not _FOREIGN_DIRS.isdisjoint(d.split("/"))}
    return [p for p, d in zip(paths, folders, strict=True) if d not in foreign]


def is_dockerfile(path: str) -> bool:
    """A Dockerfile by name: the one rule in `core.filenames` (discovery uses it too)."""
    return filenames.is_dockerfile(path)


def is_makefile(path: str) -> bool:
    name = basename(path)
    return name in ("Makefile", "makefile", "GNUmakefile") or name.endswith(".mk")


def is_taskfile(path: str) -> bool:
    return basename(path).lower() in (
        "taskfile.yml",
        "taskfile.yaml",
        "taskfile.dist.yml",
        "taskfile.dist.yaml",
    )


def is_goreleaser(path: str) -> bool:
    return basename(path).lower() in (
        ".goreleaser.yml",
        ".goreleaser.yaml",
        "goreleaser.yml",
        "goreleaser.yaml",
    )


def is_promu(path: str) -> bool:
    return basename(path) in (".promu.yml", ".promu.yaml")


_SCRIPT_DIRS = frozenset({"hack", "scripts", "script", "ci", ".ci", "build", "tools"})


def is_script(path: str) -> bool:
    """Shell scripts: `*.sh`/`*.bash` anywhere, extensionless files in hack/, scripts/, ci/...."""
    name = basename(path)
    if name.endswith((".sh", ".bash")):
        return True
    folders = parts(path)[:-1]
    if not any(f in _SCRIPT_DIRS for f in folders):
        return False
    stem = name.lstrip(".")
    return "." not in stem and bool(stem)


_YAML = (".yml", ".yaml")

#: Bake files by name (`docker buildx bake`'s defaults; bake.py reads them).
BAKE_FILES = (
    "docker-bake.json",
    "docker-bake.override.json",
    "docker-bake.hcl",
    "docker-bake.override.hcl",
)
#: A part a Makefile includes, named after it (`Makefile.common`): the CI family reads them.
MAKEFILE_PART = re.compile(r"(?:GNU)?[Mm]akefile\.(?!md$|txt$|sh$|py$|bak$|orig$)[\w.-]+")


def ci_system(path: str) -> str | None:
    """Which CI system a path configures, or None."""
    low = path.lower()
    name = basename(low)
    if low.startswith(".github/workflows/") and low.count("/") == 2 and name.endswith(_YAML):
        return "github"
    if low.startswith(".github/actions/") and name in ("action.yml", "action.yaml"):
        return "github"
    if low == ".gitlab-ci.yml" or (
        name.endswith(_YAML) and (low.startswith(".gitlab/ci/") or name.endswith(".gitlab-ci.yml"))
    ):
        return "gitlab"
    if low in (".circleci/config.yml", ".circleci/config.yaml"):
        return "circleci"
    if low in (".drone.yml", ".drone.yaml"):
        return "drone"
    if low in (".travis.yml", ".travis.yaml"):
        return "travis"
    if low in ("azure-pipelines.yml", "azure-pipelines.yaml", "bitbucket-pipelines.yml"):
        return "azure" if low.startswith("azure") else "bitbucket"
    if low.startswith(".buildkite/") and name.endswith(_YAML):
        return "buildkite"
    if low.startswith(".woodpecker") and name.endswith(_YAML):
        return "woodpecker"
    if name.endswith(_YAML) and re.fullmatch(
        r"(?:[\w.-]+[.-])?cloudbuild(?:[.-][\w.-]+)?\.ya?ml", name
    ):
        return "cloudbuild"  # Google Cloud Build: cloudbuild.yaml, cloudbuild-test.yaml...
    return None


# --------------------------------------------------------------------------- path classes
#
# The CI, build and Kubernetes families answer `matches(path)` for every readable path of a
# cold scan's plan; most paths are none of theirs, and which they could be is said by the
# name alone. So a path is split once into folder and name, and each is classified once per
# distinct string (remembered, bounded), the families answering from the bits: the whole-path
# rule (`ci_system`) runs only for YAML names. 8x moby's 14,360 readable paths (a cold
# plan's questions, classes made afresh): CI 13.5 -> 4.7 ms, build 13.0 -> 3.8 ms,
# Kubernetes 3.2 -> 1.9 ms in process, the same answer for every path
# (tests/core/scan/detectors/test_path_matches.py compares them with the rules).

GO_NAME = 1  # `is_go_file`: never CI configuration, a Makefile, script or Dockerfile
YAML_NAME = 2  # ends in `.yml`/`.yaml` in any case: `ci_system` may hold (it needs the path)
STEM_NAME = 4  # no extension once leading dots are stripped: a script in a script folder
CI_NAME = 8  # the CI family's by name alone (a Makefile or a part, Taskfile, script, ...)
BUILD_NAME = 16  # the build family's by name alone (Makefile, Dockerfile, GoReleaser, ...)

FOREIGN_FOLDER = 1  # `is_foreign`: a folder of the path is vendor/, testdata/, ...
SCRIPT_FOLDER = 2  # a folder of the path is hack/, scripts/, ci/, ... (`is_script`)


@lru_cache(maxsize=1 << 15)
def name_class(name: str) -> int:
    """The bits above for a file name (the part of a path after its last `/`)."""
    if is_go_file(name):
        return GO_NAME
    bits = 0
    if name.lower().endswith(_YAML):
        bits |= YAML_NAME
    stem = name.lstrip(".")
    if stem and "." not in stem:
        bits |= STEM_NAME
    # Read by both families: scripts, Dockerfiles, Taskfiles and Makefiles.
    both = (
        name.endswith((".sh", ".bash"))
        or is_dockerfile(name)
        or is_taskfile(name)
        or is_makefile(name)
    )
    if both or MAKEFILE_PART.fullmatch(name) is not None or name in BAKE_FILES:
        bits |= CI_NAME
    if both or is_goreleaser(name) or is_promu(name):
        bits |= BUILD_NAME
    return bits


@lru_cache(maxsize=1 << 15)
def folder_class(folder: str) -> int:
    """The bits above for a path's folder (the part before its last `/`, "" for none)."""
    segments = folder.split("/")
    bits = 0 if _FOREIGN_DIRS.isdisjoint(segments) else FOREIGN_FOLDER
    return bits if _SCRIPT_DIRS.isdisjoint(segments) else bits | SCRIPT_FOLDER


#: What a family's `skips_go_files = True` promises: its `matches(path)` is False for every
#: path ending in `.go` whose character before `.go` is not a dot or a slash (`is_go_file`'s
#: quick answer), so the plan does not ask it about one (tests/.../test_path_matches.py).
GO_FILE_PROMISE = "skips_go_files"


def family_matcher(by_name: int) -> Callable[[str], bool]:
    """The CI or build family's `matches` (`by_name`: CI_NAME or BUILD_NAME): a file it
    reads by name, a CI definition (`ci_system`) or a script (`is_script`), outside foreign
    folders, never a Go file. A plain function (no bound method, no call in between)."""

    def matches(path: str) -> bool:
        if path.endswith(".go") and path[-4:-3] not in ("", ".", "/"):
            return False  # `is_go_file`'s quick answer, inline: most paths of a plan
        folder, _, name = path.rpartition("/")
        bits = name_class(name)
        if not bits & (by_name | YAML_NAME | STEM_NAME):
            return False  # most other paths: a document, data
        where = folder_class(folder)
        if where & FOREIGN_FOLDER:
            return False
        return bool(
            bits & by_name
            or (bits & STEM_NAME and where & SCRIPT_FOLDER)
            or (bits & YAML_NAME and ci_system(path))
        )

    return matches


# --------------------------------------------------------------------------- errors


def error(line: int, message: str, detector: str = "*") -> tuple[str, str]:
    """A FileScan error entry that remembers the line, so summaries can name file:line."""
    return (detector, f"{line}: {message}")


def describe_error(path: str, message: str) -> str:
    """`path:line: message` from an entry made by `error` (or `path: message` otherwise)."""
    head, sep, rest = message.partition(": ")
    if sep and head.isdigit():
        return f"{path}:{head}: {rest}"
    return f"{path}: {message}"


def errors_for(files: Mapping[str, ScannedFile], detector: str) -> list[str]:
    """Every parse error in `files` that concerns `detector`, described as path:line: message."""
    out: list[str] = []
    for path in sorted(files):
        for det, message in files[path].scan.errors:
            if det in ("*", detector):
                out.append(describe_error(path, message))
    return out


def evidence(sf: ScannedFile, finding: Finding) -> Evidence:
    return Evidence(
        path=sf.path,
        line=finding.line,
        end_line=finding.end_line,
        polarity=Polarity(finding.polarity),
        snippet=finding.snippet,
        blob=sf.blob,
        facts=dict(finding.facts),
    )


def collect(files: Mapping[str, ScannedFile], detector: str) -> tuple[Evidence, ...]:
    """Every finding for `detector` across files, in path then line order."""
    out = [
        evidence(sf, f)
        for path in sorted(files)
        for sf in (files[path],)
        for f in sf.scan.findings
        if f.detector == detector
    ]
    return tuple(sorted(out, key=lambda e: (e.path, e.line)))


class ErrorWording(NamedTuple):
    """How a family words the files it could not read or parse: the summary when nothing was
    found, and what is added to a summary when something was."""

    failed: Callable[[list[str]], str]
    noted: Callable[[str, list[str]], str]


def _more(errors: list[str]) -> str:
    return f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""


def _first_three(errors: list[str]) -> str:
    return ", ".join(errors[:3]) + (f" and {len(errors) - 3} more" if len(errors) > 3 else "")


#: The families' wording: "could not parse <first> (and N more)".
PARSE = ErrorWording(
    failed=lambda errors: f"could not parse {errors[0]}" + _more(errors),
    noted=lambda summary, errors: (
        f"{summary} ({len(errors)} file(s) could not be parsed: {errors[0]})"
    ),
)
#: The Go source family's wording: up to three files named.
ANALYSE = ErrorWording(
    failed=lambda errors: f"could not analyse {_first_three(errors)}; nothing found elsewhere",
    noted=lambda summary, errors: f"{summary} (could not analyse {_first_three(errors)})",
)
#: The engine's (files it could not read): a result that found something stands as it is.
UNREAD = ErrorWording(failed=PARSE.failed, noted=lambda summary, errors: summary)

#: What "nothing found" is: an error in a file could be hiding the evidence.
_NOTHING_FOUND = frozenset({Status.MISSING, Status.NOT_APPLICABLE})


def with_errors(
    result: DetectorResult, errors: list[str], wording: ErrorWording = PARSE
) -> DetectorResult:
    """The one rule for files a detector could not read or parse: when nothing was found
    (missing, or not applicable) the result is an `error` - the evidence may be in those
    files - otherwise it stands, its summary noting them. No errors: the result unchanged."""
    if not errors:
        return result
    if result.status in _NOTHING_FOUND:
        return result._replace(status=Status.ERROR, summary=wording.failed(errors))
    return result._replace(summary=wording.noted(result.summary, errors))


def result(
    detector: str,
    title: str,
    evidence_items: Iterable[Evidence],
    summary: str,
    *,
    errors: list[str] | None = None,
) -> DetectorResult:
    """A result whose status follows the evidence (see `with_errors` for parse errors), except
    that positive evidence the detector could not judge (facts quality "unknown", with a why)
    never makes it "found": the result is "could not tell" (error), as in the Go family."""
    items = tuple(evidence_items)
    status = DetectorResult.status_for(items)
    if status is Status.FOUND and any(e.facts.get("quality") == "unknown" for e in items):
        status = Status.ERROR
    found = DetectorResult(detector, title, status, summary, items)
    return with_errors(found, errors or [])


def not_applicable(detector: str, title: str, why: str) -> DetectorResult:
    return DetectorResult(detector, title, Status.NOT_APPLICABLE, why)


def title_of(detector: str) -> str:
    """The catalog title (one place for wording)."""
    from golive_tui.core.scan.detectors.catalog import shipped_catalog

    entry = shipped_catalog().get(detector)
    return entry.title if entry else detector


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def snippet(text: str, limit: int = 160) -> str:
    """One line, trimmed, for evidence display."""
    one = re.sub(r"\s+", " ", text).strip()
    return one if len(one) <= limit else one[: limit - 1] + "…"


def scan(
    findings: Iterable[Finding] = (), errors: Iterable[tuple[str, str]] = (), **meta: Any
) -> FileScan:
    return FileScan(findings=tuple(findings), errors=tuple(errors), meta=meta)
