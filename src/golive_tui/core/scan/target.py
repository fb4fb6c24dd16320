"""The engine's use of build constraints (buildtags.py): which Go files the deploy target
builds, decided before the detector families aggregate.

Two steps, both cached with the scan: a file name that excludes the target (`*_windows.go`)
keeps the file from every extractor when the scan is planned (it is never read); a
`//go:build` (or `// +build`) header is read by `HEADERS`, a small extractor run with the
others, and a file whose header excludes the target has its findings dropped before
`finalize`. Either way the file is listed in `stats.excluded_for_target` with the reason,
never silently lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from golive_tui.core.evidence import DetectorResult
from golive_tui.core.scan import buildtags
from golive_tui.core.scan.detectors.base import FileScan, ScannedFile


class HeaderExtractor:
    """Reads a Go file's build-constraint header (only files that have one are parsed)."""

    name = "build_constraints"
    version = "2"
    detectors: tuple[str, ...] = ()
    reads_go_tests = True

    def matches(self, path: str) -> bool:
        return path.endswith(".go")

    def prefilter(self) -> tuple[bytes, ...] | None:
        return (b"go:build", b"+build")

    def extract(self, path: str, text: str) -> FileScan:
        expr = buildtags.constraint(text[: buildtags.HEAD_BYTES].encode("utf-8", "replace"))
        meta: dict[str, Any] = {"parsed": False}  # a header, not a parse (stats)
        if expr is not None:
            meta["constraint"] = expr
        return FileScan(meta=meta)

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        return []


HEADERS = HeaderExtractor()


def header_excluded(headers: Mapping[str, ScannedFile], target: buildtags.Target) -> dict[str, str]:
    """path -> why, for files whose constraint header excludes the target."""
    out: dict[str, str] = {}
    # Files share a few constraints (moby: 257 headers, 35 distinct): each is evaluated once,
    # ~1 ms of every scan.
    verdicts: dict[str, bool] = {}
    # The file-name rule reads the name alone: asked once per name (8x moby: ~1k files with
    # a header, each name 8 times, ~1.5 ms).
    names: dict[str, bool] = {}
    for path, sf in headers.items():
        expr = sf.scan.meta.get("constraint")
        if not isinstance(expr, str) or not expr:
            continue
        header_ok = verdicts.get(expr)
        if header_ok is None:
            head = f"//go:build {expr}\n".encode()
            header_ok = verdicts[expr] = buildtags.header_matches(head, target)
        name = path.rpartition("/")[2]
        name_ok = names.get(name)
        if name_ok is None:
            name_ok = names[name] = buildtags.name_matches(name, target)
        if not (name_ok and header_ok):
            shown = expr if len(expr) <= 80 else expr[:79] + "…"
            out[path] = f"`//go:build {shown}` excludes {target}"
    return out


def drop(scanned: dict[str, dict[str, ScannedFile]], excluded: Mapping[str, Any]) -> None:
    """Remove excluded files from every family's files (in place)."""
    if not excluded:
        return
    for name, per_file in scanned.items():
        # The excluded files looked up in each family, not each family's files in the
        # excluded ones: a few hundred against 8x moby's ~20k entries (~1.5 ms). Deleting
        # keeps the others' order (it reaches finalize).
        for path in excluded:
            sf = per_file.get(path)
            if sf is None:
                continue
            if name == "files" and _fuzz_harness(sf):
                continue  # a go-fuzz harness is built by go-fuzz, never for the target
            del per_file[path]


def _fuzz_harness(sf: ScannedFile) -> bool:
    """Whether the files family found a go-fuzz harness in it, and nothing else."""
    findings = sf.scan.findings
    return bool(findings) and all(f.detector == "tests.fuzz" for f in findings)


def exclude(
    paths: list[str],
    scanned: dict[str, dict[str, ScannedFile]],
    file_errors: dict[str, dict[str, list[str]]],
    target: buildtags.Target,
) -> dict[str, str]:
    """path -> why for every Go file of `paths` the target does not build: by name (the
    engine never planned those, so they were never read) and by their `//go:build` header
    (read by HEADERS: their findings and parse errors are dropped here, before any family
    aggregates)."""
    # `paths` are the Go files whose name the target does not build (FilePass.path_facts):
    # their reason is the same words for each, not the file-name rule asked again (8x moby:
    # 1,152 files, ~2.5 ms of every warm scan).
    by_name = f"file name excludes {target}"
    excluded = {p: by_name for p in paths if p.endswith(".go")}
    headers = scanned.pop(HEADERS.name, {})
    by_header = header_excluded(headers, target)
    excluded.update(by_header)
    drop(scanned, by_header)
    for per_detector in file_errors.values():
        for key, messages in per_detector.items():
            per_detector[key] = [m for m in messages if m.partition(": ")[0] not in by_header]
    return excluded
