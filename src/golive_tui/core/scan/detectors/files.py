"""Presence evidence: README, runbook, dependency bot, tests, fuzzers, benchmarks.

Most of these only need the list of paths. Dependabot's config and test files need content:
Dependabot must update Go modules to count, and a fuzz test or benchmark is a function
declaration of a fixed shape (`func FuzzX(f *testing.F)`, `func BenchmarkX(b *testing.B)`),
which a line-anchored pattern recognises exactly (Go declarations start at column 0 and
`gofmt` keeps them there); block comments and raw strings are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from golive_tui.core.evidence import DetectorResult, Evidence, Polarity
from golive_tui.core.scan.detectors import common, yamlutil
from golive_tui.core.scan.detectors.base import FileScan, Finding, ScannedFile

DETECTORS = (
    "docs.runbook",
    "docs.readme",
    "deps.update_bot",
    "tests.present",
    "tests.fuzz",
    "tests.bench",
)
_FUZZ = re.compile(r"^func (Fuzz\w*)\(\s*\w+\s+\*testing\.F\s*\)")
#: A go-fuzz harness (`func Fuzz(data []byte) int`, in a file built with the gofuzz tag):
#: what OSS-Fuzz runs for Go projects such as CoreDNS.
_GO_FUZZ = re.compile(r"^func (Fuzz\w*)\(\s*\w+\s+\[\]byte\s*\)\s*int\b")
_GOFUZZ_TAG = re.compile(r"(?m)^//\s*(?:go:build|\+build)\b[^\n]*\bgofuzz\b")
_BENCH = re.compile(r"^func (Benchmark\w*)\(\s*\w+\s+\*testing\.B\s*\)")
_DEPENDABOT = (".github/dependabot.yml", ".github/dependabot.yaml")
_RENOVATE = (
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
)
_RENOVATE_SET = frozenset(_RENOVATE)
#: At most this many evidence items for counted things (the summary gives the full count).
MAX_EVIDENCE = 25


def test_functions(text: str) -> list[Finding]:
    """Fuzz and benchmark declarations, skipping block comments and raw string literals."""
    out: list[Finding] = []
    in_comment = False
    in_raw = False
    patterns = [(_FUZZ, "tests.fuzz"), (_BENCH, "tests.bench")]
    if _GOFUZZ_TAG.search(text):
        patterns.append((_GO_FUZZ, "tests.fuzz"))
    for number, line in enumerate(text.splitlines(), start=1):
        # Most lines neither declare a function nor open or close a comment or raw string.
        if not (in_comment or in_raw or line.startswith("func ") or "`" in line or "/*" in line):
            continue
        if in_comment:
            if "*/" in line:
                in_comment = False
            continue
        if in_raw:
            if line.count("`") % 2 == 1:
                in_raw = False
            continue
        for pattern, detector in patterns:
            m = pattern.match(line)
            if m:
                out.append(
                    Finding(
                        detector,
                        number,
                        number,
                        "positive",
                        common.snippet(line),
                        {"name": m.group(1)},
                    )
                )
        code = line.split("//", 1)[0]
        if code.count("`") % 2 == 1:
            in_raw = True
        elif "/*" in code and "*/" not in code[code.index("/*") :]:
            in_comment = True
    return out


def dependabot(text: str) -> FileScan:
    """Which ecosystems Dependabot updates; gomod among them is the evidence."""
    try:
        docs = yamlutil.load_all(text)
    except yamlutil.YamlError as exc:
        return FileScan(
            errors=(common.error(exc.line, f"invalid YAML: {exc.message}", "deps.update_bot"),)
        )
    root = docs[0] if docs else None
    ecosystems: list[str] = []
    gomod_line = 0
    for entry in yamlutil.seq(yamlutil.get(root, "updates")):
        eco = yamlutil.get(entry, "package-ecosystem")
        name = yamlutil.scalar(eco)
        if name is None or eco is None:
            continue
        ecosystems.append(name)
        if name == "gomod" and not gomod_line:
            gomod_line = yamlutil.line(eco)
    if gomod_line:
        finding = Finding(
            "deps.update_bot",
            gomod_line,
            gomod_line,
            "positive",
            text.splitlines()[gomod_line - 1].strip(),
            {"bot": "dependabot", "ecosystems": ecosystems},
        )
    else:
        finding = Finding(
            "deps.update_bot",
            1,
            1,
            "contrary",
            "Dependabot configured without a gomod ecosystem",
            {"bot": "dependabot", "ecosystems": ecosystems},
        )
    return FileScan(findings=(finding,))


class FilesExtractor:
    name = "files"
    version = "2"  # 2: go-fuzz harnesses
    detectors = DETECTORS
    reads_go_tests = True

    def prepare(self) -> None:
        """PyYAML imported before the scan forks (each worker would import it: ~11 ms)."""
        yamlutil.prepare()

    def matches(self, path: str) -> bool:
        # `*fuzz.go`: go-fuzz harnesses live beside the code, not in test files
        return path in _DEPENDABOT or (
            path.endswith(("_test.go", "fuzz.go")) and not common.is_foreign(path)
        )

    def prefilter(self) -> tuple[bytes, ...] | None:
        return (b"testing.F", b"testing.B", b"updates", b"gofuzz")

    def extract(self, path: str, text: str) -> FileScan:
        if path in _DEPENDABOT:
            return dependabot(text)
        return FileScan(findings=tuple(test_functions(text)))

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        paths = common.not_foreign(all_paths)
        return [
            _runbook(paths),
            _readme(paths),
            _update_bot(files, paths),
            _tests_present(paths),
            _counted(files, "tests.fuzz", "fuzz test", paths),
            _counted(
                files,
                "tests.bench",
                "benchmark",
                paths,
                "shows benchmarks exist, not that the service was load-tested",
            ),
        ]


def _file_ev(
    path: str, polarity: Polarity = Polarity.POSITIVE, snippet: str = "", **facts: object
) -> Evidence:
    return Evidence(path, 1, 1, polarity, snippet or path, None, dict(facts))


_RUNBOOK = re.compile(
    r"(?i)(^|/)runbooks?(/|[-_.][^/]*$|$)|(^|/)docs?/(operations|ops|on-?call)[^/]*(/|$)"
    r"|(^|/)(RUNBOOK|OPERATIONS|ONCALL|ON-CALL)[^/]*\.(md|rst|adoc|txt)$"
)


# Every `_RUNBOOK` match contains one of these words, case aside: str.find over all paths
# joined and lower-cased finds the few paths worth the full pattern. Moby's 13,024 paths:
# 32 -> 5 ms CPU; 8 copies of them (104,192 paths): 289 -> 42 ms (the pattern ran on every path).
# A docs/ folder counts only before operations (a word already), ops or on-call: "docs/ops",
# not "docs/", so the files of a docs/ folder are not all candidates (8x moby's 1,176 under
# doc/ or docs/, none a runbook: 7.5 -> 3.7 ms).
_RUNBOOK_WORDS = ("runbook", "doc/ops", "docs/ops", "operations", "oncall", "on-call")
# The same words for a listing that is not ASCII, where lower-casing is not (?i)'s folding.
_RUNBOOK_ANY = re.compile(r"(?i)runbook|docs?/ops|operations|on-?call")


def runbook_paths(paths: list[str]) -> list[str]:
    """The paths `_RUNBOOK` matches, in order: the same list as testing each path, found by
    C-speed scans over the joined paths (NUL never occurs in a path) and the full pattern
    only on the paths that hold one of its words."""
    joined = "\0".join(paths)
    if joined.count("\0") != max(len(paths) - 1, 0):  # a NUL inside a path: test each
        return [p for p in paths if _RUNBOOK.search(p)]
    starts: set[int] = set()
    if joined.isascii():  # ASCII: lower() folds exactly as (?i) does
        low = joined.lower()
        for word in _RUNBOOK_WORDS:
            at = low.find(word)
            while at >= 0:
                starts.add(low.rfind("\0", 0, at) + 1)
                at = low.find(word, at + 1)
    else:
        starts = {joined.rfind("\0", 0, m.start()) + 1 for m in _RUNBOOK_ANY.finditer(joined)}
    hits: list[str] = []
    for start in sorted(starts):
        end = joined.find("\0", start)
        path = joined[start : end if end >= 0 else len(joined)]
        if _RUNBOOK.search(path):
            hits.append(path)
    return hits


def _runbook(paths: list[str]) -> DetectorResult:
    det = "docs.runbook"
    hits = runbook_paths(paths)
    ev = [_file_ev(p) for p in hits[:MAX_EVIDENCE]]
    summary = (
        f"{common.plural(len(hits), 'runbook file')}: {', '.join(hits[:3])}"
        + ("…" if len(hits) > 3 else "")
        if hits
        else "no RUNBOOK*, runbooks/ or docs/operations* found"
    )
    return common.result(det, common.title_of(det), ev, summary)


def _readme(paths: list[str]) -> DetectorResult:
    det = "docs.readme"
    hits = [p for p in paths if "/" not in p and re.match(r"(?i)readme(\.|$)", p)]
    ev = [_file_ev(p) for p in hits]
    summary = (
        f"{', '.join(hits)} at the repository root" if hits else "no README at the repository root"
    )
    return common.result(det, common.title_of(det), ev, summary)


def _update_bot(files: Mapping[str, ScannedFile], paths: list[str]) -> DetectorResult:
    det = "deps.update_bot"
    ev = list(common.collect(files, det))
    # a set lookup per path, not a scan of the tuple (8x moby's ~20k paths: ~1.4 -> ~0.5 ms)
    ev += [_file_ev(p, bot="renovate") for p in filter(_RENOVATE_SET.__contains__, paths)]
    bots = sorted({str(e.facts.get("bot")) for e in ev if e.polarity is Polarity.POSITIVE})
    if bots:
        summary = f"{' and '.join(bots)} update dependencies"
    elif ev:
        summary = "Dependabot is configured but not for Go modules (no gomod ecosystem)"
    else:
        summary = "no Dependabot or Renovate configuration"
    return common.result(
        det, common.title_of(det), ev, summary, errors=common.errors_for(files, det)
    )


def _tests_present(paths: list[str]) -> DetectorResult:
    det = "tests.present"
    title = common.title_of(det)
    tests = [p for p in paths if p.endswith("_test.go")]
    if not tests and not any(p.endswith(".go") for p in paths):
        return common.not_applicable(det, title, "no Go files")
    packages = {p.rpartition("/")[0] for p in tests}  # common.dirname, without a call each
    ev = [_file_ev(p) for p in tests[:MAX_EVIDENCE]]
    summary = (
        f"{common.plural(len(tests), 'test file')} in {common.plural(len(packages), 'package')}"
        if tests
        else "no *_test.go files"
    )
    return common.result(det, title, ev, summary)


def _counted(
    files: Mapping[str, ScannedFile], det: str, word: str, paths: list[str], shows: str = ""
) -> DetectorResult:
    """Declarations counted; `shows` says what they prove when that is less than an item
    may claim (benchmarks exist, but nobody load-tested anything because of it)."""
    title = common.title_of(det)
    if not any(p.endswith(".go") for p in paths):
        return common.not_applicable(det, title, "no Go files")
    ev = common.collect(files, det)
    in_files = len({e.path for e in ev})
    if ev:
        summary = f"{common.plural(len(ev), word)} in {common.plural(in_files, 'file')}"
        if len(ev) > MAX_EVIDENCE:
            summary += f" (first {MAX_EVIDENCE} listed)"
        if shows:
            summary += f"; {shows}"
    else:
        summary = f"no {word}s in *_test.go files" + (
            " or go-fuzz harnesses" if det == "tests.fuzz" else ""
        )
    return common.result(det, title, ev[:MAX_EVIDENCE], summary)


EXTRACTORS = (FilesExtractor(),)
