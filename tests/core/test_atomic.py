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
