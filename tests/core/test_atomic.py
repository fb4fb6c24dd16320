"""write_atomic: the whole content or the old file, with or without waiting for the disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from golive_tui.core.atomic import write_atomic


@pytest.mark.parametrize("durable", [True, False])
def test_replaces_the_whole_file_and_leaves_no_temp_file(tmp_path: Path, durable: bool) -> None:
    target = tmp_path / "sub" / "cache.bin"
    write_atomic(target, b"old", durable=durable)
    write_atomic(target, "new text", mode=0o600, durable=durable)
    assert target.read_text() == "new text"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["cache.bin"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "record.toml"
    write_atomic(target, b"signed")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("golive_tui.core.atomic.os.fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, b"half")
    assert target.read_bytes() == b"signed"
    assert [p.name for p in tmp_path.iterdir()] == ["record.toml"]


def test_a_taken_temp_name_is_never_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name already there (a planted file or symlink) is skipped, never opened."""
    outside = tmp_path / "outside"
    outside.write_text("untouched")
    names = iter([b"\x00" * 6, b"\x01" * 6])
    monkeypatch.setattr("golive_tui.core.atomic.os.urandom", lambda n: next(names))
    planted = tmp_path / f".cache.bin.{'00' * 6}.tmp"
    planted.symlink_to(outside)
    write_atomic(tmp_path / "cache.bin", b"data")
    assert (tmp_path / "cache.bin").read_bytes() == b"data"
    assert outside.read_text() == "untouched"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["outside", "cache.bin", planted.name]
    )
