"""The engine over tiny repositories, with stub extractors so it is tested apart from families."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core.git.worktree import blob_sha
from golive_tui.core.model import DetectorResult, Evidence, Polarity, Status
from golive_tui.core.scan import workers
from golive_tui.core.scan.config import ConfigError
from golive_tui.core.scan.detectors import DuplicateOwnerError, build_registry
from golive_tui.core.scan.detectors.base import FileScan, Finding, ScannedFile
from golive_tui.core.scan.engine import scan
from golive_tui.core.scan.report import Progress, ScanError, ScanReport

MARKED = 'package main\n\nimport "net/http/pprof"\n\n// MARK one\nfunc main() {}\n'
PLAIN = "package main\n\nfunc helper() {}\n"


@dataclass
class Stub:
    """Finds lines containing MARK in the files it matches; records every extract call."""

    name: str = "go_source"
    version: str = "1"
    detectors: tuple[str, ...] = ("go.pprof", "go.logging")
    suffix: str = ".go"
    literals: tuple[bytes, ...] | None = (b"MARK",)
    fail_on: str = ""
    calls: list[str] = field(default_factory=list)

    def matches(self, path: str) -> bool:
        return path.endswith(self.suffix)

    def prefilter(self) -> tuple[bytes, ...] | None:
        return self.literals

    def extract(self, path: str, text: str) -> FileScan:
        self.calls.append(path)
        if self.fail_on and path == self.fail_on:
            raise ValueError("boom")
        if "BROKEN" in text:
            return FileScan(errors=(("*", "syntax error at line 1"),))
        findings = tuple(
            Finding(self.detectors[0], n, n, "positive", line.strip())
            for n, line in enumerate(text.splitlines(), 1)
            if "MARK" in line
        )
        imports = [line.split('"')[1] for line in text.splitlines() if line.startswith('import "')]
        return FileScan(findings=findings, meta={"imports": imports})

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        evidence = tuple(
            Evidence(sf.path, f.line, f.end_line, Polarity(f.polarity), f.snippet, sf.blob)
            for sf in files.values()
            for f in sf.scan.findings
        )
        first = DetectorResult(
            self.detectors[0],
            "stub",
            DetectorResult.status_for(evidence),
            f"{len(evidence)} marks in {len(files)} files of {len(all_paths)}",
            evidence,
        )
        rest = [DetectorResult(d, "stub", Status.MISSING, "nothing") for d in self.detectors[1:]]
        return [first, *rest]


def run(root: Path, *stubs: Stub, **kw: object) -> ScanReport:
    registry = build_registry(stubs or (Stub(),))
    return scan(root, registry=registry, **kw)  # type: ignore[arg-type]


def test_results_follow_the_catalog_and_unimplemented_ids_are_errors(
    make_repo: RepoFactory,
) -> None:
    root = make_repo({"main.go": MARKED})
    report = run(root)
    from golive_tui.core.scan.detectors.catalog import shipped_catalog

    assert [r.id for r in report.results] == list(shipped_catalog())
    pprof = report.result("go.pprof")
    assert pprof.status is Status.FOUND
    assert pprof.title == shipped_catalog()["go.pprof"].title  # catalog title wins
    assert pprof.evidence[0].blob == git(root, "rev-parse", "HEAD:main.go")
    other = report.result("docker.multistage")
    assert other.status is Status.ERROR and other.summary == "no implementation"


def test_default_scope(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "main.go": MARKED,
            "main_test.go": MARKED,
            "vendor/x/x.go": MARKED,
            "internal/vendor/y.go": MARKED,
            "pkg/testdata/t.go": MARKED,
            "third_party/z.go": MARKED,
            "README.md": "MARK\n",
        }
    )
    stub = Stub()
    report = run(root, stub)
    assert stub.calls == ["main.go"]
    assert "main_test.go" in report.paths and "pkg/testdata/t.go" in report.paths
    assert not any("vendor/" in p for p in report.paths)
    assert report.stats.go_files == 1
    assert report.stats.files == 5

    vendored = Stub()
    report = run(root, vendored, include_vendor=True, use_cache=False)
    assert sorted(vendored.calls) == ["internal/vendor/y.go", "main.go", "vendor/x/x.go"]
    assert "vendor/x/x.go" in report.paths


def test_config_extends_exclusions(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "main.go": MARKED,
            "api/api.pb.go": MARKED,
            ".golive/config.toml": '[scan]\nextend_exclude = ["**/*.pb.go"]\n',
        }
    )
    stub = Stub()
    run(root, stub)
    assert stub.calls == ["main.go"]


def test_bad_config_names_file_line_and_key(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": MARKED, ".golive/config.toml": '[scan]\nmax_file_size = "big"\n'})
    with pytest.raises(
        ConfigError, match=r"config.toml:2: scan.max_file_size: expected a positive"
    ):
        run(root)


def test_prefilter_skips_parsing_but_files_still_count(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": MARKED, "util.go": PLAIN})
    stub = Stub()
    report = run(root, stub)
    assert stub.calls == ["main.go"]
    assert report.result("go.pprof").summary == "1 marks in 2 files of 2"
    assert report.stats.parsed_go_files == 1


def test_skipped_files_are_reported(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "main.go": MARKED,
            "bin.go": b"package x\x00MARK",
            "latin.go": "package x // MARK caf\xe9\n".encode("latin-1"),
            "big.go": "package x\n// MARK\n" + "// padding\n" * 200,
            "lfs.go": "version https://git-lfs.github.com/spec/v1\noid sha256:ab\nsize 9\n",
            ".golive/config.toml": "[scan]\nmax_file_size = 1000\n",
        }
    )
    report = run(root)
    skipped = dict(report.stats.skipped)
    assert "binary" in skipped["bin.go"]
    assert "UTF-8" in skipped["latin.go"]
    assert "size cap" in skipped["big.go"]
    assert "LFS" in skipped["lfs.go"]
    assert "main.go" not in skipped
    assert any("not scanned" in w for w in report.warnings)


def test_symlink_outside_never_followed(make_repo: RepoFactory, tmp_path: Path) -> None:
    outside = tmp_path / "outside.go"
    outside.write_text(MARKED)
    root = make_repo({"main.go": PLAIN})
    (root / "evil.go").symlink_to(outside)
    stub = Stub()
    report = run(root, stub)
    assert stub.calls == []
    assert report.result("go.pprof").status is Status.MISSING
    assert "outside the repository" in dict(report.stats.skipped)["evil.go"]


def test_extractor_crash_is_an_error_for_its_family_only(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": MARKED, "Dockerfile": "FROM scratch MARK\n"})
    go = Stub(fail_on="main.go")
    docker = Stub(name="dockerfile", detectors=("docker.multistage",), suffix="Dockerfile")
    report = run(root, go, docker)
    pprof = report.result("go.pprof")
    assert pprof.status is Status.ERROR
    assert "main.go" in pprof.summary and "boom" in pprof.summary
    assert report.result("go.logging").status is Status.ERROR
    assert report.result("docker.multistage").status is Status.FOUND


def test_unparseable_file_turns_missing_into_error(make_repo: RepoFactory) -> None:
    root = make_repo({"broken.go": "MARK BROKEN {{{\n", "ok.go": PLAIN})
    report = run(root)
    result = report.result("go.logging")
    assert result.status is Status.ERROR
    assert "broken.go" in result.summary and "syntax error" in result.summary


def test_go_imports_are_aggregated(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": MARKED, "b.go": 'package b\nimport "log/slog"\n// MARK\n'})
    report = run(root)
    assert report.go_imports == frozenset({"net/http/pprof", "log/slog"})


def test_only_runs_the_named_detectors(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": MARKED})
    report = run(root, only=["go.pprof"])
    assert [r.id for r in report.results] == ["go.pprof"]
    with pytest.raises(ScanError, match=r"no\.such"):
        run(root, only=["no.such"])


def test_progress_reports_each_result_and_stays_coarse(make_repo: RepoFactory) -> None:
    files = {f"pkg{i}/f.go": MARKED for i in range(60)}
    root = make_repo(files)
    seen: list[Progress] = []
    report = run(root, progress=seen.append)
    results = [p.result for p in seen if p.result is not None]
    assert sorted(r.id for r in results) == sorted(r.id for r in report.results)
    coarse = [p for p in seen if p.result is None]
    assert len(coarse) <= 40
    assert {p.phase for p in coarse} >= {"reading", "parsing"}


def test_not_a_repository_scans_with_null_blobs(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "main.go").write_text(MARKED)
    report = run(plain)
    assert not report.repo.is_git and report.repo.head is None
    ev = report.result("go.pprof").evidence
    assert ev and all(e.blob is None for e in ev)
    assert any("not a git repository" in w for w in report.warnings)
    assert report.to_json()["repo"]["head"] is None


def test_empty_repository(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": MARKED}, commit=False)
    report = run(root)
    assert report.repo.head is None
    ev = report.result("go.pprof").evidence
    assert ev[0].blob == blob_sha(MARKED.encode())


def test_dirty_file_evidence_names_the_scanned_content(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": PLAIN})
    (root / "main.go").write_text(MARKED)
    report = run(root)
    assert report.repo.dirty
    assert report.result("go.pprof").evidence[0].blob == blob_sha(MARKED.encode())


def test_commit_scan_ignores_working_tree_edits(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": MARKED})
    sha = git(root, "rev-parse", "HEAD")
    (root / "main.go").write_text(PLAIN)
    (root / "new.go").write_text(MARKED)
    committed = run(root, commit="HEAD")
    assert committed.commit == sha and committed.repo.head == sha and not committed.repo.dirty
    assert committed.paths == ("main.go",)
    assert committed.result("go.pprof").evidence[0].path == "main.go"
    live = run(root)
    assert [e.path for e in live.result("go.pprof").evidence] == ["new.go"]


def test_commit_scan_reads_config_from_the_commit(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": MARKED, "gen.go": MARKED})
    (root / ".golive").mkdir()
    (root / ".golive" / "config.toml").write_text('[scan]\nextend_exclude = ["gen.go"]\n')
    stub = Stub()
    run(root, stub, commit="HEAD")
    assert sorted(stub.calls) == ["gen.go", "main.go"]  # the commit has no config yet


def test_one_id_owned_twice_is_a_bug() -> None:
    with pytest.raises(DuplicateOwnerError, match=r"go\.pprof"):
        build_registry([Stub(), Stub(name="other", detectors=("go.pprof",))])


def test_parallel_extraction_matches_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = [("go_source", f"f{i}.go", MARKED if i % 2 else PLAIN) for i in range(40)]
    jobs.append(("go_source", "crash.go", MARKED))
    stub = Stub(fail_on="crash.go")
    serial = [workers._extract_one(stub, p, t) for _, p, t in jobs]
    parallel = workers._run_parallel(jobs, {"go_source": stub}, 2, lambda _: None)
    assert parallel == serial
    assert parallel[-1][1] == "ValueError: boom"


@dataclass
class WhoWorked(Stub):
    """Reports which process extracted each file, in a result with every default member."""

    def extract(self, path: str, text: str) -> FileScan:
        import os

        return FileScan(findings=(Finding(self.detectors[0], 1, 1, "positive", str(os.getpid())),))


def test_forked_workers_send_back_results_with_default_members() -> None:
    """A worker's results come back pickled: one a worker cannot pickle (a default member of
    an unpicklable type) makes this process redo its chunks, and the second core is lost."""
    import os
    import pickle

    from golive_tui.core.scan.detectors.base import EMPTY

    assert pickle.loads(pickle.dumps(FileScan())) == FileScan()
    assert pickle.loads(pickle.dumps(FileScan())).meta is EMPTY
    jobs = [("go_source", f"f{i:02}.go", PLAIN) for i in range(64)]
    outcomes = workers._run_parallel(jobs, {"go_source": WhoWorked()}, 2, lambda _: None)
    pids = {scan_.findings[0].snippet for scan_, _ in outcomes if scan_ is not None}
    assert len(outcomes) == 64 and pids - {str(os.getpid())}  # a worker did some of them


@dataclass
class SelfGated(Stub):
    """Extracts every file but reports whether it really parsed (meta["parsed"])."""

    literals: tuple[bytes, ...] | None = None

    def extract(self, path: str, text: str) -> FileScan:
        scan_ = super().extract(path, text)
        return FileScan(scan_.findings, scan_.errors, {**scan_.meta, "parsed": "MARK" in text})


def test_parsed_count_honours_self_gating_extractors(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": MARKED, "util.go": PLAIN, "more.go": PLAIN})
    stub = SelfGated()
    report = run(root, stub)
    assert sorted(stub.calls) == ["main.go", "more.go", "util.go"]
    assert report.stats.parsed_go_files == 1


def test_team_defined_detectors_run_after_the_catalog(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from golive_tui.core.model import DetectorDef
    from golive_tui.core.scan.detectors import custom

    defs = [
        DetectorDef("team.mark", "Team mark", "custom", "MARK", "why", "fix"),
        DetectorDef("team.broken", "Broken rule", "custom", "x", "why", "fix"),
    ]
    extractor = Stub(name="custom", detectors=("team.mark",))

    def load_custom(repo_root: Path) -> tuple[list[DetectorDef], tuple[Stub, ...], list[str]]:
        return defs, (extractor,), [".golive/detectors/broken.toml:3: team.broken: bad rule"]

    monkeypatch.setattr(custom, "load_custom", load_custom, raising=False)
    root = make_repo({"main.go": MARKED, ".golive/detectors/team.toml": "# rules\n"})
    report = scan(root, registry=build_registry([Stub()]))
    ids = [r.id for r in report.results]
    assert ids[-2:] == ["team.mark", "team.broken"]
    assert report.result("team.mark").status is Status.FOUND
    assert report.result("team.mark").title == "Team mark"
    broken = report.result("team.broken")
    assert broken.status is Status.ERROR and "bad rule" in broken.summary
    assert any("bad rule" in w for w in report.warnings)
    only = scan(root, registry=build_registry([Stub()]), only=["team.mark"])
    assert [r.id for r in only.results] == ["team.mark"]


def test_workers_reading_files_match_a_serial_scan(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"f{i:02}.go": MARKED if i % 3 else PLAIN for i in range(30)}
    files["bad.go"] = MARKED + "BROKEN\n"
    files["crash.go"] = MARKED
    root = make_repo(files)
    (root / "bin.go").write_bytes(b"MARK\0\1")
    (root / "latin.go").write_bytes(b"// MARK \xe9\n")
    (root / "untracked.go").write_text(MARKED)
    git(root, "add", "bin.go", "latin.go")
    git(root, "commit", "-qm", "more")

    def report(cpus: int) -> tuple[object, ...]:
        monkeypatch.setattr(workers, "_cpus", lambda: cpus)
        monkeypatch.setattr(workers, "_free_cpus", lambda n: n)  # as on an idle machine
        r = run(
            root,
            Stub(fail_on="crash.go"),
            Stub(name="other", detectors=("go.tracing",)),
            use_cache=False,
        )
        return (r.results, r.stats.files_read, r.stats.skipped, r.stats.parsed_go_files, r.paths)

    monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", 1)
    forked = report(2)
    assert forked == report(1)
    results = forked[0]
    assert isinstance(results, tuple)
    assert any("crash.go" in r.summary for r in results)
    assert dict(forked[2]) == {  # type: ignore[call-overload]
        "bin.go": "binary (contains NUL bytes)",
        "latin.go": "not UTF-8 text",
    }


def test_scans_in_threads_do_not_share_extraction_state(make_repo: RepoFactory) -> None:
    import threading

    roots = [make_repo({f"{name}{i}.go": MARKED for i in range(40)}) for name in ("alpha", "beta")]
    expected = [run(root, use_cache=False).results for root in roots]
    got: dict[int, object] = {}

    def worker(index: int) -> None:
        for _ in range(5):
            got[index] = run(roots[index], use_cache=False).results

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[0], got[1]] == expected


def test_a_worker_that_dies_loses_no_work() -> None:
    import os

    parent = os.getpid()

    @dataclass
    class Dies(Stub):
        def extract(self, path: str, text: str) -> FileScan:
            if path == "f07.go" and os.getpid() != parent:
                os._exit(3)  # a worker killed mid-chunk (out of memory...)
            return super().extract(path, text)

    jobs = [("go_source", f"f{i:02}.go", MARKED if i % 2 else PLAIN) for i in range(40)]
    stub = Dies()
    serial = [workers._extract_one(stub, p, t) for _, p, t in jobs]
    assert workers._run_parallel(jobs, {"go_source": stub}, 3, lambda _: None) == serial


@pytest.mark.parametrize(
    ("loadavg", "cpus", "total", "free"),
    [
        ("0.10 0.20 0.30 1/180 4242\n", 2, 2, 2),  # only this process runs: both cores free
        ("1.90 1.80 1.70 2/180 4242\n", 2, 2, 1),  # one other task: one core free
        ("8.00 8.00 8.00 9/180 4242\n", 2, 2, -6),  # a busy machine
        ("9.00 9.00 9.00 10/900 4242\n", 2, 64, 2),  # a container on a big host: its tasks
        ("garbage", 2, 2, None),  # unreadable: the 1-minute load average decides
    ],
)
def test_free_cpus_counts_the_other_runnable_tasks(
    tmp_path: Path, loadavg: str, cpus: int, total: int, free: int | None
) -> None:
    import os

    path = tmp_path / "loadavg"
    path.write_text(loadavg)
    by_load = min(cpus, total - round(os.getloadavg()[0]))
    assert workers._free_cpus(cpus, str(path), total) == (free if free is not None else by_load)
    assert workers._free_cpus(cpus, str(tmp_path / "missing"), total) == by_load


@pytest.mark.parametrize(
    ("cpus", "free", "count"), [(1, 1, 1), (2, 2, 2), (2, 1, 1), (2, -3, 1), (16, 16, 8), (4, 3, 3)]
)
def test_extraction_forks_only_onto_free_cores(
    monkeypatch: pytest.MonkeyPatch, cpus: int, free: int, count: int
) -> None:
    monkeypatch.setattr(workers, "_cpus", lambda: cpus)
    monkeypatch.setattr(workers, "_free_cpus", lambda n: min(n, free))
    assert workers._worker_count() == count


def test_lazy_state_is_built_once_before_the_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    parent = os.getpid()
    prepared: list[int] = []

    @dataclass
    class Prepares(Stub):
        def prepare(self) -> None:
            prepared.append(os.getpid())

    monkeypatch.setattr(workers, "_cpus", lambda: 2)
    monkeypatch.setattr(workers, "_free_cpus", lambda n: n)
    monkeypatch.setattr(workers, "PARALLEL_MIN_BYTES", 1)
    jobs = [("go_source", f"f{i:02}.go", MARKED if i % 2 else PLAIN) for i in range(40)]
    stub = Prepares()
    serial = [workers._extract_one(stub, p, t) for _, p, t in jobs]
    assert workers.run_jobs(jobs, [stub], lambda _: None) == serial
    assert prepared == [parent]
