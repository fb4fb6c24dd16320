"""The finalize memo: a family whose inputs did not change is read back, never computed wrong."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RepoFactory, git

from golive_tui.core.evidence import DetectorResult, Evidence, Polarity, Status
from golive_tui.core.scan import finalmemo
from golive_tui.core.scan.detectors import load_families
from golive_tui.core.scan.detectors.base import Extractor, ScannedFile
from golive_tui.core.scan.engine import scan

FILES = {
    "go.mod": "module example.com/svc\n\ngo 1.22\n",
    "main.go": 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
    "Dockerfile": "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n",
    ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - run: go test -race ./...\n",
    "README.md": "# svc\n",
}


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often each shipped family's own `finalize` ran."""
    calls: dict[str, int] = {}
    for extractor in load_families().extractors:
        kind = type(extractor)
        original = kind.finalize

        def wrapped(
            self: Extractor,
            files: Mapping[str, ScannedFile],
            all_paths: tuple[str, ...],
            _original: Any = original,
        ) -> list[DetectorResult]:
            calls[self.name] = calls.get(self.name, 0) + 1
            result: list[DetectorResult] = _original(self, files, all_paths)
            return result

        monkeypatch.setattr(kind, "finalize", wrapped)
    return calls


def _results(root: Path) -> list[dict[str, Any]]:
    return [_plain(r) for r in scan(root).results]


def _plain(r: DetectorResult) -> dict[str, Any]:
    return {
        "id": r.id,
        "status": r.status,
        "summary": r.summary,
        "evidence": [
            (e.path, e.line, e.polarity, e.snippet, e.blob, dict(e.facts)) for e in r.evidence
        ],
    }


def test_unchanged_families_are_read_back_with_the_same_results(
    make_repo: RepoFactory, counted: dict[str, int]
) -> None:
    root = make_repo(FILES)
    first = _results(root)
    computed = dict(counted)
    assert computed.get("ci") == 1 and computed.get("go_source") == 1
    assert _results(root) == first
    assert counted == computed  # nothing computed again


def test_an_edited_file_recomputes_its_family_only(
    make_repo: RepoFactory, counted: dict[str, int]
) -> None:
    root = make_repo(FILES)
    _results(root)
    (root / "main.go").write_text(FILES["main.go"] + "\n// edited\n")
    before = dict(counted)
    edited = _results(root)
    assert counted["go_source"] == before["go_source"] + 1
    assert counted["ci"] == before["ci"]
    counted.clear()
    assert _results(root) == edited  # and the edit's results are remembered in turn
    assert counted == {}


def test_a_damaged_memo_file_is_computed_afresh(
    make_repo: RepoFactory, counted: dict[str, int]
) -> None:
    root = make_repo(FILES)
    first = _results(root)
    folder = Path(git(root, "rev-parse", "--git-common-dir").strip())
    folder = (folder if folder.is_absolute() else root / folder) / "golive" / "cache"
    memo = folder / "finalize-ci.marshal"
    assert memo.is_file()
    memo.write_bytes(b"\x00not marshal")
    before = counted["ci"]
    assert _results(root) == first
    assert counted["ci"] == before + 1


def test_another_code_stamp_is_another_key(
    make_repo: RepoFactory, counted: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(FILES)
    first = _results(root)
    before = counted["files"]
    monkeypatch.setattr(finalmemo, "code_stamp", lambda: "edited code")
    assert _results(root) == first
    assert counted["files"] == before + 1


def test_results_that_would_not_read_back_equal_are_not_kept() -> None:
    kept = DetectorResult(
        "x",
        "X",
        Status.FOUND,
        "s",
        (Evidence("a", 1, 1, Polarity.POSITIVE, "s", "b", {"n": (1, 2)}),),
    )
    assert finalmemo._decode(finalmemo._encode([kept]) or b"") == [kept]
    odd = DetectorResult(
        "x",
        "X",
        Status.FOUND,
        "s",
        (Evidence("a", 1, 1, Polarity.POSITIVE, "s", "b", {"n": object()}),),
    )
    assert finalmemo._encode([odd]) is None


def test_entries_written_under_another_users_key_are_not_used(
    make_repo: RepoFactory,
    counted: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A `.git/` that arrives with memo files (another user's) cannot plant results."""
    root = make_repo(FILES)
    first = _results(root)
    before = counted["ci"]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    assert _results(root) == first
    assert counted["ci"] == before + 1
