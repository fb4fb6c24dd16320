"""The user's key and sealed files: what a repository plants in .git/golive/ is never read."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from golive_tui.core.scan import seal


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setattr(seal, "_keys", {})
    return home


def test_the_key_is_made_once_private_and_read_once(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = seal.user_key()
    assert key is not None and len(key) == seal.MAC_BYTES
    path = cache_home / "golive" / "memo.key"
    assert path.read_bytes() == key and path.stat().st_mode & 0o777 == 0o600
    path.write_bytes(b"x" * seal.MAC_BYTES)  # changed on disk: this process keeps its key
    assert seal.user_key() == key
    monkeypatch.setattr(seal, "_keys", {})  # a new process reads the file
    assert seal.user_key() == b"x" * seal.MAC_BYTES


@pytest.mark.parametrize(
    "planted",
    [
        lambda body: seal.mac(b"k" * 32, body) + body,  # another key's seal
        lambda body: body,  # not sealed at all
        lambda body: b"",  # empty
    ],
)
def test_only_a_file_sealed_with_this_key_is_unmarshalled(
    cache_home: Path, tmp_path: Path, planted: object
) -> None:
    key = seal.user_key()
    assert key is not None
    body = marshal.dumps({"report": "found"})
    ours = tmp_path / "ours.memo"
    ours.write_bytes(seal.mac(key, body) + body)
    assert seal.read_sealed(ours, key, 1024) == {"report": "found"}
    assert seal.read_sealed(ours, key, 16) is None  # over the cap
    theirs = tmp_path / "theirs.memo"
    theirs.write_bytes(planted(body))  # type: ignore[operator]
    assert seal.read_sealed(theirs, key, 1024) is None
    link = tmp_path / "link.memo"
    link.symlink_to(ours)
    assert seal.read_sealed(link, key, 1024) is None  # a link is never followed
