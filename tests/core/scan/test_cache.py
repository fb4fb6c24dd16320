"""The blob-SHA scan cache: warm re-scans, re-parse of changed files only, corruption."""

from __future__ import annotations

import marshal
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core.model import DetectorResult, Evidence, Polarity
from golive_tui.core.scan import cache as cache_mod
from golive_tui.core.scan import seal
from golive_tui.core.scan.cache import ScanCache, cache_path
from golive_tui.core.scan.detectors import build_registry
from golive_tui.core.scan.detectors.base import FileScan, Finding, ScannedFile
from golive_tui.core.scan.engine import scan
from golive_tui.core.scan.report import ScanReport

MARKED = "package main\n\n// MARK\nfunc main() {}\n"

#: The seal before a cache file's marshalled body: the marker and the MAC.
_SEAL_BYTES = len(cache_mod._SEALED) + seal.MAC_BYTES


@dataclass
class Counting:
    """Reports MARK lines under go.pprof and counts extract calls."""

    name: str = "go_source"
    version: str = "1"
    detectors: tuple[str, ...] = ("go.pprof",)
    calls: list[str] = field(default_factory=list)

    def matches(self, path: str) -> bool:
        return path.endswith(".go")

    def prefilter(self) -> tuple[bytes, ...] | None:
        return None

    def extract(self, path: str, text: str) -> FileScan:
        self.calls.append(path)
        findings = tuple(
            Finding("go.pprof", n, n, "positive", line, {"n": n})
            for n, line in enumerate(text.splitlines(), 1)
            if "MARK" in line
        )
        return FileScan(findings=findings, meta={"imports": ["fmt"]})

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        evidence = tuple(
            Evidence(sf.path, f.line, f.end_line, Polarity(f.polarity), f.snippet, sf.blob, f.facts)
            for sf in sorted(files.values(), key=lambda s: s.path)
            for f in sf.scan.findings
        )
        return [DetectorResult("go.pprof", "t", DetectorResult.status_for(evidence), "s", evidence)]


def _scan(root: Path, extractor: Counting, **kw: object) -> ScanReport:
    return scan(root, registry=build_registry([extractor]), only=["go.pprof"], **kw)  # type: ignore[arg-type]


def _repo(make_repo: RepoFactory) -> Path:
    return make_repo({f"pkg/f{i}.go": MARKED for i in range(5)})


def test_rescan_is_served_from_the_cache(make_repo: RepoFactory) -> None:
    root = _repo(make_repo)
    first = Counting()
    cold = _scan(root, first)
    assert len(first.calls) == 5 and cold.stats.cache_hits == 0
    second = Counting()
    warm = _scan(root, second)
    assert second.calls == []
    # per Go file: the family's result and its build-constraint header (scan/target.py)
    assert warm.stats.cache_hits == 10
    assert warm.stats.files_read == 0  # clean tracked files are not even opened
    assert warm.results == cold.results
    assert warm.go_imports == cold.go_imports == frozenset({"fmt"})


def test_only_the_changed_file_is_parsed_again(make_repo: RepoFactory) -> None:
    root = _repo(make_repo)
    _scan(root, Counting())
    (root / "pkg" / "f3.go").write_text(MARKED + "// MARK again\n")
    (root / "pkg" / "new.go").write_text(MARKED)
    again = Counting()
    report = _scan(root, again)
    assert sorted(again.calls) == ["pkg/f3.go", "pkg/new.go"]
    assert report.stats.cache_hits == 8  # 4 files, each its result and its header
    # untracked and modified files are cached by the hash of their content too
    third = Counting()
    _scan(root, third)
    assert third.calls == []


def test_no_cache_forces_a_cold_scan(make_repo: RepoFactory) -> None:
    root = _repo(make_repo)
    _scan(root, Counting())
    cold = Counting()
    report = _scan(root, cold, use_cache=False)
    assert len(cold.calls) == 5 and report.stats.cache_hits == 0


def test_cache_lives_under_the_git_dir(make_repo: RepoFactory) -> None:
    root = _repo(make_repo)
    _scan(root, Counting())
    assert cache_path(root / ".git" / "golive").is_file()
    assert git(root, "status", "--porcelain") == ""


def test_corrupted_cache_is_discarded(make_repo: RepoFactory) -> None:
    root = _repo(make_repo)
    _scan(root, Counting())
    path = cache_path(root / ".git" / "golive")
    for garbage in (b"", b"\x00garbage\xff" * 10, path.read_bytes()[:-7]):
        path.write_bytes(garbage)
        fresh = Counting()
        report = _scan(root, fresh)
        assert len(fresh.calls) == 5
        assert report.result("go.pprof").evidence
        assert any("cache" in w for w in report.warnings)
    healed = Counting()
    _scan(root, healed)
    assert healed.calls == []


def test_an_empty_shard_is_discarded(make_repo: RepoFactory) -> None:
    """Shards are written without an fsync: the empty file a crash may leave is rebuilt."""
    root = _repo(make_repo)
    _scan(root, Counting())
    for name in _shards(root):
        (root / ".git" / "golive" / "cache" / name).write_bytes(b"")
    fresh = Counting()
    report = _scan(root, fresh)
    assert len(fresh.calls) == 5 and report.result("go.pprof").evidence
    assert any("cache" in w for w in report.warnings)
    healed = Counting()
    _scan(root, healed)
    assert healed.calls == []


def test_wrong_shape_is_discarded(tmp_path: Path) -> None:
    import marshal

    path = tmp_path / "scan.marshal"
    seal = ScanCache(path)._seal  # sealed with this user's key, but not the shape expected
    path.write_bytes(seal(marshal.dumps({"format": cache_mod._FORMAT, "python": "nope"})))
    cache = ScanCache.load(path)
    assert cache.problem and cache.get("x@1", "a.go", "0" * 40) is None
    path.write_bytes(seal(marshal.dumps([1, 2, 3])))
    assert ScanCache.load(path).problem


def test_version_bump_invalidates(make_repo: RepoFactory) -> None:
    root = _repo(make_repo)
    _scan(root, Counting())
    bumped = Counting(version="2")
    _scan(root, bumped)
    assert len(bumped.calls) == 5


def test_cache_round_trips_findings(tmp_path: Path) -> None:
    path = tmp_path / "c" / "scan.marshal"
    cache = ScanCache.load(path)
    scan_ = FileScan(
        findings=(Finding("go.pprof", 3, 4, "positive", "x", {"signals": ["SIGTERM"]}),),
        errors=(("*", "bad"),),
        meta={"imports": ["os"]},
    )
    cache.put("go_source@1", "a.go", "ab" * 20, scan_)
    cache.put("go_source@1", "b.go", "cd" * 20, FileScan())
    cache.put_skip("ef" * 20, "binary (contains NUL bytes)")
    cache.save()
    loaded = ScanCache.load(path)
    assert loaded.get("go_source@1", "a.go", "ab" * 20) == scan_
    assert loaded.get("go_source@1", "b.go", "cd" * 20) == FileScan()
    assert loaded.get("go_source@1", "a.go", "cd" * 20) is None
    assert loaded.skip_reason("ef" * 20) == "binary (contains NUL bytes)"


def test_a_loaded_cache_shares_each_distinct_text_once(tmp_path: Path) -> None:
    """Entries keep only what they hold (an empty member reads back empty) and a string that
    many files carry (an import path, a package name) is one object once loaded."""
    path = tmp_path / "c" / "scan.marshal"
    cache = ScanCache.load(path)

    def fresh(text: str) -> str:  # a new object, as each file's parse makes (not a constant)
        return "".join(list(text))

    def meta() -> dict[str, object]:
        return {"package": fresh("main"), "imports": [fresh("fmt"), fresh("net/http")], "n": 1}

    first, second = FileScan(meta=meta()), FileScan(meta=meta())
    assert first.meta["package"] is not second.meta["package"]
    only_findings = FileScan(findings=(Finding("go.pprof", 1, 1, "positive", "x", {}),))
    blob_a, blob_b = "a0" * 20, "a1" * 20  # the same shard: one file on disk
    cache.put("go_source@1", "a.go", blob_a, first)
    cache.put("go_source@1", "b.go", blob_b, second)
    cache.put("files@1", "a.go", blob_a, only_findings)
    cache.save()
    loaded = ScanCache.load(path)
    a, b = (loaded.get("go_source@1", p, blob) for p, blob in (("a.go", blob_a), ("b.go", blob_b)))
    assert a == first and b == second
    assert loaded.get("files@1", "a.go", blob_a) == only_findings
    assert a is not None and b is not None
    assert a.meta["imports"][1] is b.meta["imports"][1]
    assert a.meta["package"] is b.meta["package"]
    again = loaded.get("go_source@1", "a.go", blob_a)
    assert again is not None and again.meta is a.meta  # a hit reads the entry, not a copy


@pytest.mark.parametrize("meta", ["not a mapping", None, 7, [1, 2]])
def test_an_entry_of_another_shape_is_a_miss(tmp_path: Path, meta: object) -> None:
    path = tmp_path / "c" / "scan.marshal"
    cache = ScanCache.load(path)
    blob = "b0" * 20
    cache.put("go_source@1", "a.go", blob, FileScan(meta={"imports": ["fmt"]}))
    cache.save()
    shard = path.with_name("shard-b.marshal")
    data = marshal.loads(shard.read_bytes()[_SEAL_BYTES:])  # after the seal
    bucket = marshal.loads(data["scans"]["go_source@1"])  # each bucket marshalled apart
    bucket[f"a.go\0{blob}"][1]["meta"] = meta
    data["scans"]["go_source@1"] = marshal.dumps(bucket)
    shard.write_bytes(cache._seal(marshal.dumps(data)))
    assert ScanCache.load(path).get("go_source@1", "a.go", blob) is None


def test_a_planted_cache_is_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cache files a repository arrives with (sealed under another key, or not at all) are
    discarded unread: they cannot plant findings."""
    from golive_tui.core.scan import cache as cache_mod

    path = tmp_path / "c" / "scan.marshal"
    blob = "b0" * 20
    planted = FileScan(meta={"imports": ["net/http/pprof"]})
    monkeypatch.setattr(cache_mod, "_cache_secret", lambda: b"k" * 32)
    theirs = ScanCache.load(path)
    theirs.put("go_source@1", "a.go", blob, planted)
    theirs.save()
    assert ScanCache.load(path).get("go_source@1", "a.go", blob) == planted  # their own key
    monkeypatch.undo()
    ours = ScanCache.load(path)
    assert ours.get("go_source@1", "a.go", blob) is None
    assert ours.problem == "scan cache was unusable and has been discarded"
    shard = path.with_name("shard-b.marshal")
    shard.write_bytes(shard.read_bytes()[_SEAL_BYTES:])  # unsealed plain data
    assert ScanCache.load(path).get("go_source@1", "a.go", blob) is None


def test_not_a_repository_writes_no_cache(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "main.go").write_text(MARKED)
    _scan(plain, Counting())
    assert sorted(p.name for p in plain.rglob("*")) == ["main.go"]


def test_commit_scans_share_the_cache(make_repo: RepoFactory) -> None:
    root = _repo(make_repo)
    _scan(root, Counting())
    again = Counting()
    report = _scan(root, again, commit="HEAD")
    assert again.calls == [] and report.stats.cache_hits == 10  # results and headers


def test_an_older_cache_format_is_replaced_without_a_warning(tmp_path: Path) -> None:
    import marshal

    path = tmp_path / "scan.marshal"
    path.write_bytes(marshal.dumps({"format": 1, "python": "3.11/4", "scans": {}}))
    cache = ScanCache.load(path)
    assert cache.problem is None and cache.get("x@1", "a.go", "0" * 40) is None


def _shards(root: Path) -> dict[str, int]:
    """Shard file name -> inode (a rewrite replaces the file: a new inode)."""
    folder = root / ".git" / "golive" / "cache"
    return {p.name: p.stat().st_ino for p in folder.glob("shard-*.marshal")}


def test_a_save_rewrites_only_the_shards_that_changed(make_repo: RepoFactory) -> None:
    root = make_repo({f"pkg/f{i}.go": MARKED.replace("MARK", f"MARK {i}") for i in range(40)})
    _scan(root, Counting())
    before = _shards(root)
    assert len(before) > 4  # spread by blob
    (root / "pkg" / "f0.go").write_text(MARKED.replace("MARK", "MARK edited"))
    edited = Counting()
    _scan(root, edited)
    assert edited.calls == ["pkg/f0.go"]
    after = _shards(root)
    rewritten = [name for name in after if before.get(name) != after[name]]
    # The new blob's shard, and service discovery's of the same digit (its header facts).
    digit = next(n for n in rewritten if not n.startswith("shard-s")).removeprefix("shard-")
    assert sorted(rewritten) == [f"shard-{digit}", f"shard-s{digit}"]


def test_vendor_entries_are_never_read_by_a_default_scan(make_repo: RepoFactory) -> None:
    root = make_repo({"main.go": MARKED, "vendor/x/lib.go": MARKED.replace("main", "lib")})
    _scan(root, Counting(), include_vendor=True)
    vendored = [n for n in _shards(root) if n.startswith("shard-v")]
    assert vendored  # vendor/ entries live apart
    for name in vendored:
        (root / ".git" / "golive" / "cache" / name).write_bytes(b"damaged")
    default = Counting()
    report = _scan(root, default)
    assert default.calls == [] and not report.warnings  # never opened
    with_vendor = Counting()
    report = _scan(root, with_vendor, include_vendor=True)
    assert with_vendor.calls == ["vendor/x/lib.go"]
    assert any("cache" in w for w in report.warnings)


def test_shards_of_a_discarded_cache_are_not_read(make_repo: RepoFactory) -> None:
    root = _repo(make_repo)
    _scan(root, Counting())
    cache_path(root / ".git" / "golive").unlink()  # the main file starts a new epoch
    fresh = Counting()
    _scan(root, fresh)
    assert len(fresh.calls) == 5


def test_the_format_1_file_is_removed_when_the_cache_starts_afresh(make_repo: RepoFactory) -> None:
    root = _repo(make_repo)
    legacy = root / ".git" / "golive" / "cache" / "scan.marshal"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"an older golive's cache")
    report = _scan(root, Counting())
    assert not legacy.exists() and not report.warnings


@pytest.mark.parametrize(
    "scan_",
    [
        FileScan(),
        FileScan(meta={"imports": ["fmt", "os"], "package": "main"}),  # the usual Go file
        FileScan(meta={"parsed": False}),
        FileScan(errors=(("*", "bad"),)),
        FileScan(findings=(Finding("go.pprof", 1, 2, "positive", "x", {"a": [1]}),)),
        FileScan(
            findings=(Finding("go.pprof", 1, 2, "contrary", "x"),),
            errors=(("go.pprof", "bad"),),
            meta={"imports": ["os"]},
        ),
    ],
)
def test_every_shape_of_scan_reads_back_as_from_json_reads_it(
    tmp_path: Path, scan_: FileScan
) -> None:
    """A hit is what FileScan.from_json makes of the entry (the meta-only and empty ones
    take a shorter way)."""
    path = tmp_path / "c" / "scan.marshal"
    cache = ScanCache.load(path)
    cache.put("go_source@1", "a.go", "ab" * 20, scan_)
    cache.save()
    loaded = ScanCache.load(path).get("go_source@1", "a.go", "ab" * 20)
    assert loaded == scan_ == FileScan.from_json(scan_.to_json())
    read_back = FileScan.from_json(scan_.to_json()) if scan_ != FileScan() else FileScan()
    assert loaded is not None and type(loaded.meta) is type(read_back.meta)


def _two_buckets(tmp_path: Path) -> tuple[Path, str, str]:
    """A cache whose shard "a" holds a.go's entry in two extractors' buckets (the Go family's
    and the build constraints'), saved; and two blobs of that shard."""
    path = tmp_path / "c" / "scan.marshal"
    cache = ScanCache.load(path)
    blob_a, blob_b = "a0" * 20, "a1" * 20  # one shard
    cache.put("go_source@1", "a.go", blob_a, FileScan(meta={"imports": ["fmt"]}))
    cache.put("build_constraints@2", "a.go", blob_a, FileScan(meta={"package": "main"}))
    cache.save()
    return path, blob_a, blob_b


def test_buckets_are_decoded_only_when_used(tmp_path: Path) -> None:
    """A shard's buckets stay as bytes until an extractor asks for its own; a save of the
    shard writes back every bucket, decoded or not, with the entries of each."""
    path, blob_a, blob_b = _two_buckets(tmp_path)
    loaded = ScanCache.load(path)
    assert loaded.get("go_source@1", "a.go", blob_a) == FileScan(meta={"imports": ["fmt"]})
    shard = loaded._shards["a"]
    assert type(shard.scans["go_source@1"]) is dict
    assert type(shard.scans["build_constraints@2"]) is bytes  # never asked for
    loaded.put("go_source@1", "b.go", blob_b, FileScan(meta={"imports": ["os"]}))
    loaded.save()
    again = ScanCache.load(path)
    assert again.get("build_constraints@2", "a.go", blob_a) == FileScan(meta={"package": "main"})
    assert again.get("go_source@1", "a.go", blob_a) == FileScan(meta={"imports": ["fmt"]})
    assert again.get("go_source@1", "b.go", blob_b) == FileScan(meta={"imports": ["os"]})
    assert again.get("build_constraints@2", "b.go", blob_b) is None


def test_a_save_writes_back_a_bucket_never_decoded_as_it_was_read(tmp_path: Path) -> None:
    """Only the buckets a scan used are pruned and marshalled again; the others go back as
    their bytes, entries and all, and read back the same."""
    path, blob_a, blob_b = _two_buckets(tmp_path)
    raw = ScanCache.load(path)._bucket("a").scans["build_constraints@2"]
    assert type(raw) is bytes
    for n in range(cache_mod.KEEP_GENERATIONS + 2):  # saves that never use the headers' bucket
        loaded = ScanCache.load(path)
        loaded.put("go_source@1", f"b{n}.go", blob_b, FileScan(meta={"imports": ["os"]}))
        loaded.save()
        assert loaded._shards["a"].scans["build_constraints@2"] == raw  # the same bytes back
    again = ScanCache.load(path)
    assert again.get("build_constraints@2", "a.go", blob_a) == FileScan(meta={"package": "main"})
    assert again.get("go_source@1", "a.go", blob_a) is None  # used by none of those saves
    assert again.get("go_source@1", "b9.go", blob_b) == FileScan(meta={"imports": ["os"]})


def test_a_preload_decodes_only_the_buckets_asked_for_and_reads_back_the_same(
    tmp_path: Path,
) -> None:
    """`preload` (run while git lists the tree) reads every shard of the scan's kind and
    decodes the named buckets; what `get` answers afterwards is what it answers without."""
    path = tmp_path / "c" / "scan.marshal"
    cache = ScanCache.load(path)
    entries = {
        ("go_source@1", "a.go", "a0" * 20): FileScan(meta={"imports": ["fmt"]}),
        ("go_source@1", "b.go", "b1" * 20): FileScan(),
        ("services.gofile@3", "a.go", "a0" * 20): FileScan(meta={"package": "main"}),
        ("go_source@1", "vendor/x/c.go", "c2" * 20): FileScan(meta={"imports": ["os"]}),
    }
    for (key, where, blob), found in entries.items():
        cache.put(key, where, blob, found)
    cache.save()
    preloaded = ScanCache.load(path)
    preloaded.preload(["go_source@1", "never-stored@1"], vendor=False)
    # Neither vendor/ nor service discovery's shards: no key of theirs was asked.
    assert sorted(preloaded._shards) == sorted([*"0123456789abcdef", "_"])
    assert type(preloaded._shards["a"].scans["go_source@1"]) is dict
    plain = ScanCache.load(path)
    for key, where, blob in [*entries, ("go_source@1", "d.go", "d3" * 20)]:
        assert preloaded.get(key, where, blob) == plain.get(key, where, blob)
    with_vendor = ScanCache.load(path)
    with_vendor.preload(["go_source@1"], vendor=True)
    assert type(with_vendor._shards["vc"].scans["go_source@1"]) is dict
    with_services = ScanCache.load(path)
    with_services.preload(["services.gofile@3"], vendor=False)
    assert type(with_services._shards["sa"].scans["services.gofile@3"]) is dict
    assert "services.gofile@3" not in with_services._shards["a"].scans


def test_service_discoverys_entries_live_in_shards_of_their_own(tmp_path: Path) -> None:
    """A scan that never asks service discovery's entries never reads their bytes (two
    thirds of a cache), and they read back as they were stored."""
    path = tmp_path / "c" / "scan.marshal"
    cache = ScanCache.load(path)
    blob = "a0" * 20
    cache.put("go_source@1", "a.go", blob, FileScan(meta={"imports": ["fmt"]}))
    cache.put("services.gofile@3", "a.go", blob, FileScan(meta={"package": "main"}))
    cache.put("services.scope@2", "", "5e" * 20, FileScan(meta={"frame": "f"}))
    cache.save()
    assert sorted(p.name for p in path.parent.glob("shard-*")) == [
        "shard-a.marshal",
        "shard-s5.marshal",
        "shard-sa.marshal",
    ]
    again = ScanCache.load(path)
    assert again.get("go_source@1", "a.go", blob) == FileScan(meta={"imports": ["fmt"]})
    assert sorted(again._shards) == ["a"]
    assert again.get("services.gofile@3", "a.go", blob) == FileScan(meta={"package": "main"})
    assert again.get("services.scope@2", "", "5e" * 20) == FileScan(meta={"frame": "f"})
    assert again.get("services.gofile@3", "vendor/x/a.go", blob) is None  # a shard never made


def test_a_preload_without_a_cache_file_reads_nothing(tmp_path: Path) -> None:
    cache = ScanCache.load(None)
    cache.preload(["go_source@1"], vendor=True)
    assert cache._shards == {}
    assert cache.get("go_source@1", "a.go", "a0" * 20) is None


@pytest.mark.parametrize("first", [b"{", b"\xfb", b"\x00"])
def test_a_damaged_sealed_cache_warns_whatever_its_mac_begins_with(
    make_repo: RepoFactory, first: bytes
) -> None:
    """A truncated sealed file is damage, never taken for an older golive's unsealed cache
    (which is replaced silently), even when its MAC starts with marshal's dict code."""
    from golive_tui.core.scan import cache as cache_mod

    root = _repo(make_repo)
    _scan(root, Counting())
    path = cache_path(root / ".git" / "golive")
    raw = path.read_bytes()
    assert raw.startswith(cache_mod._SEALED)
    marker = len(cache_mod._SEALED)
    path.write_bytes(raw[:marker] + first + raw[marker + 1 : -7])
    report = _scan(root, Counting())
    assert any("cache" in w for w in report.warnings)
