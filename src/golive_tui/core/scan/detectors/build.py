"""Build flags: position-independent executables and a version stamped in with `-ldflags -X`.

These flags live wherever the binary is built: Makefiles, shell scripts, Dockerfile RUN lines,
CI steps, GoReleaser and promu configs. A line scan with comments removed finds them there
(quote-aware, so a `#` inside a string stays). GoReleaser stamps `main.version` by default
when a build sets no `ldflags`, which is evidence too, and the facts say so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from golive_tui.core.evidence import DetectorResult, Evidence
from golive_tui.core.scan.detectors import common, yamlutil
from golive_tui.core.scan.detectors.base import FileScan, Finding, ScannedFile

PIE = "build.pie"
LDFLAGS = "build.version_ldflags"
DETECTORS = (PIE, LDFLAGS)

_PIE = re.compile(r"-buildmode[= ]+[\"']?pie\b|^\s*-?\s*buildmode:\s*[\"']?pie\b")
_X_FLAG = re.compile(r"-X[= ]*\\?[\"']?([\w./\-{}]+)\.([A-Za-z_]\w*)=")
# A variable holding the build's version: remark42 stamps main.revision, ardanlabs main.tag
# (a commit alone is not a version: main.commit does not count).
_VERSIONISH = re.compile(r"(?i)version|release|buildinfo|revision|(?:^|git|build)tag$")
_GORELEASER_DEFAULT = (
    "-s -w -X main.version={{.Version}} -X main.commit={{.Commit}} -X main.date={{.Date}}"
)


def _is_version_var(name: str) -> bool:
    return bool(_VERSIONISH.search(name))


def scan_lines(text: str, first_line: int = 1) -> list[Finding]:
    """PIE and version -X flags on comment-free lines."""
    from golive_tui.core.scan.detectors import shell  # only when there is text to read

    out: list[Finding] = []
    for offset, raw in enumerate(text.splitlines()):
        line = shell.strip_comment(raw)
        if "buildmode" not in line and "-X" not in line:
            continue
        number = first_line + offset
        if _PIE.search(line):
            out.append(Finding(PIE, number, number, "positive", common.snippet(raw)))
        for m in _X_FLAG.finditer(line):
            package, name = m.group(1), m.group(2)
            if _is_version_var(name):
                variable = f"{package}.{name}"
                out.append(
                    Finding(
                        LDFLAGS,
                        number,
                        number,
                        "positive",
                        common.snippet(raw),
                        {"variable": variable},
                    )
                )
                break
    return out


#: A PIE linked statically needs no loader: `-static-pie`, or an external link with `-static`.
_STATIC_PIE = re.compile(r"-static-pie\b|-linkmode[= ]+[\"']?external\b.*-static\b")


def pie_on_static_base(text: str, findings: list[Finding]) -> list[Finding]:
    """A Dockerfile's PIE flags turned contrary when its final base has no dynamic loader.

    An internally linked PIE requests a loader (PT_INTERP) even with CGO_ENABLED=0, so on
    scratch or distroless/static it does not start; a static PIE (`-static-pie`) does.
    """
    from golive_tui.core.scan.detectors.dockerfile.checks import Image
    from golive_tui.core.scan.detectors.dockerfile.syntax import DockerfileError, image_name, parse

    if _STATIC_PIE.search(text):
        return findings
    try:
        img = Image.of(parse(text))
    except (DockerfileError, IndexError):  # no FROM at all: nothing to say about the base
        return findings
    base = img.root.base
    static = img.base_kind == "scratch" or (
        img.base_kind == "distroless" and "static" in image_name(base)[0]
    )
    if not static:
        return findings
    return [
        f._replace(
            polarity="contrary",
            facts={
                **f.facts,
                "final_base": base,
                "note": "an internally linked PIE needs a dynamic loader; the final base has none",
            },
        )
        if f.detector == PIE
        else f
        for f in findings
    ]


def goreleaser(text: str) -> FileScan:
    """Explicit flags, or GoReleaser's default ldflags for builds that set none."""
    try:
        docs = yamlutil.load_all(text)
    except yamlutil.YamlError as exc:
        return FileScan(
            errors=(common.error(exc.line, f"invalid YAML: {exc.message}"),), meta={"parsed": True}
        )
    findings = scan_lines(text)
    root = docs[0] if docs else None
    builds = yamlutil.seq(yamlutil.get(root, "builds"))
    has_explicit = any(f.detector == LDFLAGS for f in findings)
    if not has_explicit:
        candidates: list[yamlutil.Node | None] = list(builds) or [root]  # no `builds`: a default
        for build in candidates:
            if yamlutil.get(build, "ldflags") is not None:
                continue
            builder = yamlutil.scalar(yamlutil.get(build, "builder")) or "go"
            if builder != "go" or yamlutil.is_true(yamlutil.get(build, "skip")):
                continue
            line = yamlutil.line(build) if builds and build is not None else 1
            findings.append(
                Finding(
                    LDFLAGS,
                    line,
                    line,
                    "positive",
                    "GoReleaser build without ldflags (default stamps main.version)",
                    {"variable": "main.version", "default": True, "ldflags": _GORELEASER_DEFAULT},
                )
            )
            break
    return FileScan(findings=tuple(findings), meta={"parsed": True})


class BuildExtractor:
    name = "build"
    version = "3"  # 2: PIE on a loader-less final base is contrary; 3: revision, tag
    detectors = DETECTORS

    def prepare(self) -> None:
        """PyYAML imported before the scan forks (each worker would import it: ~11 ms)."""
        yamlutil.prepare()

    skips_go_files = True  # common.GO_FILE_PROMISE: the plan asks it about no Go file

    # Makefiles, Dockerfiles, GoReleaser, promu and Taskfiles, CI definitions and scripts,
    # outside foreign folders; never a Go file (common.family_matcher).
    matches = staticmethod(common.family_matcher(common.BUILD_NAME))

    def prefilter(self) -> tuple[bytes, ...] | None:
        # GoReleaser configs are read whatever they say: no `ldflags` means the default ones.
        return (b"buildmode", b"-X", b"builds", b"project_name", b"version:")

    def extract(self, path: str, text: str) -> FileScan:
        if common.is_goreleaser(path):
            return goreleaser(text)
        findings = scan_lines(text)
        if common.is_dockerfile(path) and any(f.detector == PIE for f in findings):
            findings = pie_on_static_base(text, findings)
        return FileScan(findings=tuple(findings))

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        files = dict(files)
        for path, sf in list(files.items()):
            if common.is_goreleaser(path) and "parsed" not in sf.scan.meta:
                # Passed over by the prefilter: no ldflags at all, so the defaults apply.
                files[path] = ScannedFile(path, sf.blob, goreleaser(""))
        out: list[DetectorResult] = []
        for det in (PIE, LDFLAGS):
            ev = common.collect(files, det)
            summary = summarize(det, ev)
            out.append(
                common.result(
                    det, common.title_of(det), ev, summary, errors=common.errors_for(files, det)
                )
            )
        return out


def summarize(det: str, ev: Sequence[Evidence]) -> str:
    """A build detector's summary of its evidence (crosscheck.py summarizes again what it
    keeps of `build.version_ldflags`)."""
    what = "-buildmode=pie" if det == PIE else "-ldflags -X …version="
    if not ev:
        return f"no {what} in Makefiles, scripts, Dockerfiles, CI or GoReleaser configs"
    places = sorted({e.path for e in ev})
    summary = f"{what} in {', '.join(places[:4])}" + ("…" if len(places) > 4 else "")
    if det == PIE and (con := [e for e in ev if e.polarity == "contrary"]):
        summary += f"; {len(con)} on a final base without a dynamic loader"
    if det == LDFLAGS:
        variables = sorted({str(e.facts.get("variable")) for e in ev})
        summary += f" ({', '.join(variables[:3])})"
        if any(e.facts.get("default") for e in ev):
            summary += "; GoReleaser's default ldflags"
        # Support only: stamping a variable does not show logs or health report it.
        summary += "; shows a version is stamped at build, not where it is reported"
    return summary


EXTRACTORS = (BuildExtractor(),)
