"""Database items apply to services on any real driver or ORM, and an automatic n/a always
carries its reason (issue 11)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from tests.conftest import ROOT

from golive_tui.core.assess import applies
from golive_tui.core.globs import glob_regex
from golive_tui.core.model import AppliesWhen, Item

FILES = sorted((ROOT / "checklists").glob("*.toml"))


def _items(path: Path) -> list[Item]:
    from golive_tui.core.checklist.library import load_file

    return list(load_file(path).items())


DB_ITEMS = [
    (path.name, item)
    for path in FILES
    for item in _items(path)
    if any(g == "database/sql" for g in item.applies_when.go_imports)
]

# What a service on each driver or ORM imports (sqlc output imports database/sql or pgx).
SERVICES = {
    "pgx-v4": ["github.com/jackc/pgx/v4/pgxpool"],
    "pgx-v5": ["github.com/jackc/pgx/v5"],
    "pgx-stdlib": ["github.com/jackc/pgx/v5/stdlib"],
    "lib-pq": ["github.com/lib/pq"],
    "mysql": ["github.com/go-sql-driver/mysql"],
    "sqlx": ["github.com/jmoiron/sqlx"],
    "gorm": ["gorm.io/gorm", "gorm.io/driver/postgres"],
    "ent": ["entgo.io/ent/dialect/sql"],
    "bun": ["github.com/uptrace/bun", "github.com/uptrace/bun/dialect/pgdialect"],
    "sqlc": ["context", "database/sql"],
}


def test_the_shipped_checklists_have_database_items() -> None:
    assert len(DB_ITEMS) >= 15


@pytest.mark.parametrize("imports", list(SERVICES.values()), ids=list(SERVICES))
def test_database_items_apply_to_every_driver_and_orm(imports: list[str]) -> None:
    not_applicable = [
        f"{name}:{item.id}"
        for name, item in DB_ITEMS
        if not applies(item.applies_when, ["main.go"], imports)
    ]
    assert not_applicable == []


def test_the_twin_without_a_database_is_na_with_its_reason() -> None:
    for _, item in DB_ITEMS:
        assert not applies(item.applies_when, ["main.go"], ["net/http", "log/slog"])
        reason = item.applies_when.reason()
        assert reason.startswith("the service ")
        assert "no Go code imports database/sql, github.com/jackc/pgx" in reason


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_conditional_shipped_item_says_why_it_is_na(path: Path) -> None:
    for item in _items(path):
        if not item.applies_when.always:
            assert item.applies_when.na_reason, item.id
            assert item.applies_when.reason()


def test_a_reason_is_worded_even_when_the_checklist_gives_none() -> None:
    when = AppliesWhen(files=("**/Dockerfile",), go_imports=("a", "b", "c", "d", "e"))
    assert (
        when.reason() == "no file matches **/Dockerfile and no Go code imports a, b, c, d or 1 more"
    )
    assert AppliesWhen().reason() == ""


ITEM = """\
[checklist]
id = "x"
title = "X"
version = "1.0.0"
description = "d"
source = ["s"]

[[sections]]
id = "s"
title = "S"

[[sections.items]]
id = "s.one"
title = "One"
why = "w"
verify = "v"
remediation = "r"
priority = "P1"
source = "src"
applies_when = {{ go_imports = ["database/sql"]{extra} }}
"""


def test_na_reason_is_validated(tmp_path: Path) -> None:
    from golive_tui.core.checklist.library import load_file
    from golive_tui.core.errors import GoliveError

    good = tmp_path / "x.toml"
    good.write_text(ITEM.format(extra=', na_reason = "no SQL"'))
    assert next(iter(load_file(good).items())).applies_when.na_reason == "no SQL"
    bad = tmp_path / "y.toml"
    bad.write_text(ITEM.format(extra=', na_reason = "  "'))
    with pytest.raises(GoliveError, match=r"y.toml:20: .*na_reason.*non-empty string"):
        load_file(bad)


# What an assessment decides: every shipped condition, plus wildcard imports and globs, on
# repositories that match one kind of condition each, the same answer as `applies` gives.
EXTRA = [
    AppliesWhen(go_imports=("github.com/*/pq",)),
    AppliesWhen(go_imports=("gorm.io/gorm",), files=("**/*.proto",)),
    AppliesWhen(files=("[!x]*.sql", "docs/*.md")),
    AppliesWhen(go_imports=("github.com/lib",)),  # a parent of an import
]
REPOS = [
    ((), ()),
    (("main.go", "deploy/app.yaml"), ("net/http",)),
    (("a/Dockerfile.prod", "b.sql", "docs/x.md"), ("github.com/lib/pq",)),
    (("migrations/001.sql", "api/v1.proto"), ("gorm.io/gorm/clause", "database/sql/driver")),
]


def reference_applies(when: AppliesWhen, paths: Iterable[str], imports: Iterable[str]) -> bool:
    """The rule as written, one glob at a time: what the assessment's matching must agree with."""
    if when.always:
        return True
    patterns = [glob_regex(g) for g in when.files]
    if any(p.fullmatch(path) for path in paths for p in patterns):
        return True
    wanted = [glob_regex(g) for g in when.go_imports]
    parents = [imp.split("/") for imp in imports]
    every = [("/".join(parts[:n])) for parts in parents for n in range(1, len(parts) + 1)]
    return any(p.fullmatch(candidate) for candidate in every for p in wanted)


@pytest.mark.parametrize(("paths", "imports"), REPOS)
def test_an_assessment_judges_every_condition_as_applies_does(
    paths: tuple[str, ...], imports: tuple[str, ...]
) -> None:
    from golive_tui.core.assess import _applicability

    conditions = {i.applies_when for path in FILES for i in _items(path)} | set(EXTRA)
    judged = _applicability(paths, imports)
    assert _applicability(paths, imports) is judged  # the same scan's tuples: judged once
    assert {w: judged(w) for w in conditions} == {
        w: reference_applies(w, paths, imports) for w in conditions
    }
    assert any(judged(w) for w in conditions if not w.always) == bool(paths or imports)
