"""Walker test fixtures: a tiny Go repository and deps with every outside dependency faked."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import pytest

from tests.conftest import RepoFactory
from tests.tui.fakes import FILES


@pytest.fixture
def repo(make_repo: RepoFactory) -> Path:
    return make_repo(FILES)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (Pilot needs one; no plugin required)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True
