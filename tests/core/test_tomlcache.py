"""The parse cache of golive's own TOML files: same data as tomllib, from the user's cache."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from golive_tui.core import tomlcache

TEXT = 'title = "x"\n[[detector]]\nid = "a"\nn = 3\nok = true\n[[detector]]\nid = "b"\n'


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "golive" / "toml"


def test_parsed_once_then_read_back_identically(cache_home: Path) -> None:
    first = tomlcache.loads(TEXT, "sample")
    assert first == tomllib.loads(TEXT)
    entries = list(cache_home.glob("sample-*.json"))
    assert len(entries) == 1
    assert tomlcache.loads(TEXT, "sample") == first


def test_an_entry_describes_only_its_own_text(cache_home: Path) -> None:
    tomlcache.loads(TEXT, "sample")
    changed = TEXT.replace('"a"', '"c"')
    assert tomlcache.loads(changed, "sample")["detector"][0]["id"] == "c"
    assert len(list(cache_home.glob("sample-*.json"))) == 2


def test_a_damaged_entry_is_parsed_again(cache_home: Path) -> None:
    tomlcache.loads(TEXT, "sample")
    (entry,) = cache_home.glob("sample-*.json")
    entry.write_text("[not a table", encoding="utf-8")
    assert tomlcache.loads(TEXT, "sample") == tomllib.loads(TEXT)


def test_values_json_cannot_hold_are_parsed_each_time(cache_home: Path) -> None:
    text = "when = 2024-01-02\n"
    assert tomlcache.loads(text, "dated") == tomllib.loads(text)
    assert not list(cache_home.glob("dated-*.json"))


def test_without_a_cache_folder_it_still_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)
    assert tomlcache.loads(TEXT, "sample") == tomllib.loads(TEXT)
