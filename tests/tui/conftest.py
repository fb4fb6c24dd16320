"""Walker test fixtures: a tiny Go repository and deps with every outside dependency faked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RepoFactory
from tests.tui.fakes import FILES


@pytest.fixture
def repo(make_repo: RepoFactory) -> Path:
    return make_repo(FILES)
