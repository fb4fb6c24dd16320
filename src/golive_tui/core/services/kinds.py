"""Which build, deploy or CI file a path is, from its name alone (discovery reads these; the
scope's cache key hashes them). Kept apart so a warm scan imports no more than this."""

from __future__ import annotations

from golive_tui.core.filenames import is_dockerfile

_FOREIGN = frozenset({"vendor", "third_party", "testdata", "node_modules"})
#: Endings never a build/deploy file (the scope's inputs skip them without a call).
NEVER_LINKS = (".go", ".md", ".json", ".txt", ".proto", ".sum", ".golden", ".png", ".svg")


#: Name and folder facts (bits), each worked out once per distinct name or folder: a scan asks
#: about every path (the scope's inputs on every scan the memo misses, discovery on a cold
#: one), and most paths share their folder with others and their name with many.
_DOCKER, _BUILD_NAME, _NO_DOT, _BUILD_WORD, _YAML = 1, 2, 4, 8, 16
_FOREIGN_DIR, _UNUSED_DIR, _BUILD_DIR = 1, 2, 4
_BUILD_WORDS = frozenset({"hack", "scripts", "script", "build"})
_BUILD_NAMES = frozenset(
    {"makefile", "gnumakefile", "justfile", ".ko.yaml", "taskfile.yml", "taskfile.yaml"}
)
_names: dict[str, int] = {}
_folders: dict[str, int] = {}
#: Entries kept per table before it starts afresh (a long-lived walker scans many listings).
_MAX_ENTRIES = 1 << 16


def _name_bits(base: str) -> int:
    bits = _names.get(base)
    if bits is None:
        lower = base.lower()
        bits = 0
        if "erfile" in lower and is_dockerfile(lower):  # the substring spares most a call
            bits |= _DOCKER
        if (
            lower in _BUILD_NAMES
            or "goreleaser" in lower
            or lower in (".promu.yml", ".promu.yaml")
            or lower.endswith((".mk", ".sh"))
        ):
            bits |= _BUILD_NAME
        if "." not in base:
            bits |= _NO_DOT
        if base in _BUILD_WORDS:
            bits |= _BUILD_WORD
        if lower.endswith((".yaml", ".yml")):
            bits |= _YAML
        if len(_names) >= _MAX_ENTRIES:
            _names.clear()
        _names[base] = bits
    return bits


def _folder_bits(folder: str) -> int:
    bits = _folders.get(folder)
    if bits is None:
        segments = folder.split("/") if folder else []
        bits = 0
        if not _FOREIGN.isdisjoint(segments):
            bits |= _FOREIGN_DIR
        if "node_modules" in segments or "testdata" in segments:
            bits |= _UNUSED_DIR
        if not _BUILD_WORDS.isdisjoint(segments):
            bits |= _BUILD_DIR
        if len(_folders) >= _MAX_ENTRIES:
            _folders.clear()
        _folders[folder] = bits
    return bits


def link_kind(path: str) -> str:
    """Which kind of build/deploy file a path is ("" when none).

    From the name's facts and the folder's, each worked out once (`_name_bits`,
    `_folder_bits`): the scope's inputs over 8x moby's 26k paths 9.1 -> 4.0 ms of every scan
    the memo misses (tests/core/services/test_kinds.py holds it to the rule spelled out)."""
    if path.endswith(NEVER_LINKS):  # most of a repository: decided without more work
        return ""
    folder, _, base = path.rpartition("/")
    name = _name_bits(base)
    where = _folder_bits(folder)
    if name & _DOCKER:
        # a vendored, third-party or test-input Dockerfile never builds this repository's code
        return "" if where & _FOREIGN_DIR else "dockerfile"
    if path.startswith(".github/workflows/") or path in (".gitlab-ci.yml", ".circleci/config.yml"):
        return "ci"
    if where & _UNUSED_DIR:
        return ""
    if name & _BUILD_NAME or (name & _NO_DOT and (where & _BUILD_DIR or name & _BUILD_WORD)):
        return "build"
    if name & _YAML and not path.startswith(".github/"):
        return "manifest"
    return ""
