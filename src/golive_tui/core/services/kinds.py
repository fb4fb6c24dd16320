"""Which build, deploy or CI file a path is, from its name alone (discovery reads these; the
scope's cache key hashes them). Kept apart so a warm scan imports no more than this."""

from __future__ import annotations

from golive_tui.core.filenames import is_dockerfile

_FOREIGN = frozenset({"vendor", "third_party", "testdata", "node_modules"})
#: Endings never a build/deploy file (the scope's inputs skip them without a call).
NEVER_LINKS = (".go", ".md", ".json", ".txt", ".proto", ".sum", ".golden", ".png", ".svg")


def link_kind(path: str) -> str:
    """Which kind of build/deploy file a path is ("" when none)."""
    if path.endswith(NEVER_LINKS):  # most of a repository: decided without more work
        return ""
    base = path.rpartition("/")[2]
    lower = base.lower()
    segments = path.split("/")
    if "erfile" in lower and is_dockerfile(lower):  # the substring spares most paths a call
        # a vendored, third-party or test-input Dockerfile never builds this repository's code
        return "" if any(s in _FOREIGN for s in segments[:-1]) else "dockerfile"
    if path.startswith(".github/workflows/") or path in (".gitlab-ci.yml", ".circleci/config.yml"):
        return "ci"
    if any(s in ("node_modules", "testdata") for s in segments[:-1]):
        return ""
    if (
        lower
        in ("makefile", "gnumakefile", "justfile", ".ko.yaml", "taskfile.yml", "taskfile.yaml")
        or "goreleaser" in lower
        or lower in (".promu.yml", ".promu.yaml")
        or lower.endswith((".mk", ".sh"))
        or ("." not in base and any(s in ("hack", "scripts", "script", "build") for s in segments))
    ):
        return "build"
    if lower.endswith((".yaml", ".yml")) and not path.startswith(".github/"):
        return "manifest"
    return ""
