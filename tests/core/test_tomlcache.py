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


INDEXED = 'title = "x"\n[[item]]\nid = "a"\nwhy = """\n[not a table]\n"""\n[[item]]\nid = "b"\n'


def test_a_text_and_its_line_index_are_read_back_identically(cache_home: Path) -> None:
    from golive_tui.core.tomllines import LineIndex

    data, index = tomlcache.loads_indexed(INDEXED, "listed")
    assert data == tomllib.loads(INDEXED)
    assert index.stored() == LineIndex(INDEXED).stored()
    assert index.line(("item", 1, "id")) == 8
    assert len(list(cache_home.glob("listed-indexed-*.json"))) == 1
    again, restored = tomlcache.loads_indexed(INDEXED, "listed")
    assert again == data and restored.stored() == index.stored()
    assert restored.line(("item", 1, "id")) == 8 and restored.line(("item", 0, "why")) == 4


@pytest.mark.parametrize(
    "stored",
    [
        "[not json",
        '{"data": {}, "lines": "no", "aot": []}',
        '{"data": {}, "lines": [[["a"], "1"]], "aot": []}',
        '{"data": {}, "lines": [[["a", 1.5], 1]], "aot": []}',
        '{"data": [], "lines": [], "aot": []}',
        '{"data": {}, "lines": [[["a", true], 1]], "aot": []}',
        '{"data": {}, "lines": [[["a"], true]], "aot": []}',
        '{"data": {}, "lines": [[["a"], 1, 2]], "aot": []}',
        '{"data": {}, "lines": [["a", 1]], "aot": []}',
        '{"data": {}, "lines": [[[["a"]], 1]], "aot": []}',
        '{"data": {}, "lines": [[["a"], 1], []], "aot": []}',
        '{"data": {}, "lines": [], "aot": [[["item"], "2"]]}',
        '{"data": {}, "lines": [], "aot": {}}',
    ],
)
def test_an_indexed_entry_of_another_shape_is_read_again(cache_home: Path, stored: str) -> None:
    from golive_tui.core.tomllines import LineIndex

    tomlcache.loads_indexed(INDEXED, "listed")
    (entry,) = cache_home.glob("listed-indexed-*.json")
    entry.write_text(stored, encoding="utf-8")
    data, index = tomlcache.loads_indexed(INDEXED, "listed")
    assert data == tomllib.loads(INDEXED)
    assert index.stored() == LineIndex(INDEXED).stored()


def test_shipped_checklists_come_from_it_and_a_repositorys_own_never(
    cache_home: Path, tmp_path: Path
) -> None:
    """The shipped checklists load the same from the cache as from their text (items, and the
    lines messages name); a repository's own checklist is always read from its file."""
    from golive_tui.core.checklist.library import Library

    repo = tmp_path / "repo"
    own = repo / ".golive" / "checklists"
    own.mkdir(parents=True)
    (own / "ours.toml").write_text(
        '[checklist]\nid = "ours"\ntitle = "Ours"\nversion = "1.0.0"\n'
        'description = "Our deploy basics."\nsource = ["team"]\n'
        'extends = "go-production"\nonly_profile = "deploy-basics"\n',
        encoding="utf-8",
    )
    first = Library.discover(repo)
    entries = sorted(cache_home.glob("checklist-*-indexed-*.json"))
    assert entries and not [e for e in entries if "ours" in e.name]
    again = Library.discover(repo)
    assert first.problems == again.problems
    assert "ours" in first.ids(), first.problems
    for checklist_id in first.ids():
        one, two = first.get(checklist_id), again.get(checklist_id)
        assert one == two
        assert [i.origin for i in one.items()] == [i.origin for i in two.items()]
        assert all(":" in i.origin for i in one.items())  # file:line


def test_each_name_keeps_its_few_newest_entries(cache_home: Path) -> None:
    """Every edited text adds an entry; storing one beyond KEEP removes the oldest of that
    name only (another name's, and an indexed entry of the same name, stay)."""
    import os

    tomlcache.loads(TEXT, "other")
    tomlcache.loads_indexed(TEXT, "sample")
    texts = [TEXT.replace("n = 3", f"n = {number}") for number in range(tomlcache.KEEP + 3)]
    for number, text in enumerate(texts):
        tomlcache.loads(text, "sample")
        entry = tomlcache._entry(text, "sample")[0]
        assert entry is not None and entry.exists()
        os.utime(entry, ns=(number * 10**9, number * 10**9))  # written in this order
    kept = [t for t in texts if (tomlcache._entry(t, "sample")[0] or Path("-")).exists()]
    assert kept == texts[-tomlcache.KEEP :]  # the newest texts' entries, and only those
    assert len(list(cache_home.glob("other-*.json"))) == 1
    assert len(list(cache_home.glob("sample-indexed-*.json"))) == 1
