"""The library: shipped plus repository checklists, `extends` with add/drop/override, config."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import RepoFactory

from golive_tui.core.checklist import library as checklists
from golive_tui.core.checklist.library import (
    Library,
    UnknownChecklistError,
    default_checklist_id,
    default_profile,
    lint_files,
    load_file,
)
from golive_tui.core.errors import ChecklistError
from golive_tui.core.model import Dropped, PassRule, Priority
from golive_tui.core.scan.config import ConfigError, load_config


def header(cid: str, extends: str = "", extra: str = "") -> str:
    ext = f'extends = "{extends}"\n' if extends else ""
    return (
        f'[checklist]\nid = "{cid}"\ntitle = "{cid} title"\nversion = "1"\n'
        f'description = "About {cid}."\nsource = ["doc"]\n{ext}{extra}'
    )


def section(sid: str, title: str | None = "Section") -> str:
    line = f'title = "{title}"\n' if title else ""
    return f'\n[[sections]]\nid = "{sid}"\n{line}'


def item(iid: str, priority: str = "P1", extra: str = "") -> str:
    return (
        f'\n[[sections.items]]\nid = "{iid}"\ntitle = "Do {iid}"\nwhy = "Because."\n'
        f'verify = "Look."\nremediation = "Fix."\npriority = "{priority}"\nsource = "doc"\n{extra}'
    )


BASE = (
    header("base")
    + section("shutdown", "Shutdown")
    + item("shutdown.sigterm", "P0")
    + item("shutdown.drain", "P1")
    + section("ops", "Operations")
    + item("ops.oncall", "P2", 'tags = ["people"]')
    + item("ops.runbook", "P1")
    + '\n[[profiles]]\nid = "p0"\ntitle = "P0"\npriorities = ["P0"]\nrule = "no_open_p0"\n'
    + '\n[[profiles]]\nid = "ops"\ntitle = "Ops"\nitems = ["ops.oncall", "ops.runbook"]\n'
    + '\n[[scoring]]\nid = "health"\ntitle = "Health"\nmethod = "points"\n'
    + 'items = ["shutdown.sigterm", "ops.oncall"]\n'
)


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A shipped library holding only `base`, and the working directory in tmp_path."""
    folder = tmp_path / "shipped"
    folder.mkdir()
    (folder / "base.toml").write_text(BASE)
    monkeypatch.setattr(checklists, "shipped_dir", lambda: folder)
    monkeypatch.chdir(tmp_path)
    return folder


@pytest.fixture
def repo_with(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> Callable[[dict[str, str]], Path]:
    """A repository with these `.golive/checklists/` files, as the working directory."""

    def factory(files: dict[str, str]) -> Path:
        repo = make_repo({f".golive/checklists/{name}": text for name, text in files.items()})
        monkeypatch.chdir(repo)
        return repo

    return factory


RepoWith = Callable[[dict[str, str]], Path]


CHILD = (
    header("acme", "base", 'default_profile = "ops"\n')
    + '\n[[drop]]\nid = "ops.oncall"\nreason = "Central SRE owns on-call."\n'
    + '\n[[override]]\nid = "shutdown.drain"\npriority = "P0"\ntitle = "Drain connections"\n'
    + section("shutdown", None)
    + item("shutdown.prestop", "P1")
    + section("security", "Security")
    + item("security.tls", "P2")
)


def test_extends_adds_drops_and_overrides(shipped: Path, repo_with: RepoWith) -> None:
    repo = repo_with({"acme.toml": CHILD})
    acme = Library.discover(repo).get("acme")
    assert [s.id for s in acme.sections] == ["shutdown", "ops", "security"]
    assert [i.id for i in acme.items()] == [
        "shutdown.sigterm",
        "shutdown.drain",
        "shutdown.prestop",
        "ops.runbook",
        "security.tls",
    ]
    assert acme.sections[0].title == "Shutdown"  # the parent's, the child named only the id
    drain = acme.item("shutdown.drain")
    assert (drain.priority, drain.title, drain.why) == (
        Priority.P0,
        "Drain connections",
        "Because.",
    )
    assert acme.dropped == (Dropped("ops.oncall", "Central SRE owns on-call."),)
    assert acme.item("shutdown.prestop").section == "shutdown"
    assert acme.item("shutdown.prestop").origin.endswith(
        "acme.toml:" + str(_line(CHILD, "prestop"))
    )


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line) - 1


def test_inherited_profiles_follow_drops_and_overrides(shipped: Path, repo_with: RepoWith) -> None:
    repo = repo_with({"acme.toml": CHILD})
    acme = Library.discover(repo).get("acme")
    # The P0 profile selects by priority: the overridden item joins it.
    assert acme.profile("p0").items == ("shutdown.sigterm", "shutdown.drain")
    # Explicit ids the extension dropped leave the inherited profile and scoring.
    assert acme.profile("ops").items == ("ops.runbook",)
    assert acme.scoring[0].items == ("shutdown.sigterm",)


def test_profiles_and_scoring_of_the_same_id_replace_the_parents(
    shipped: Path, repo_with: RepoWith
) -> None:
    text = (
        header("acme", "base")
        + '\n[[profiles]]\nid = "ops"\ntitle = "Ours"\nitems = ["shutdown.drain"]\n'
        + '\n[[profiles]]\nid = "new"\ntitle = "New"\ntags = ["people"]\n'
        + '\n[[scoring]]\nid = "health"\ntitle = "Ours"\nmethod = "points"\n'
        + 'items = ["ops.runbook"]\n'
    )
    repo = repo_with({"acme.toml": text})
    acme = Library.discover(repo).get("acme")
    assert [(p.id, p.title, p.items) for p in acme.profiles] == [
        ("p0", "P0", ("shutdown.sigterm",)),
        ("ops", "Ours", ("shutdown.drain",)),
        ("new", "New", ("ops.oncall",)),
    ]
    assert [(s.id, s.title, s.items) for s in acme.scoring] == [
        ("health", "Ours", ("ops.runbook",))
    ]
    assert [i.id for i in acme.items()] == [
        i.id for i in Library.discover(repo).get("base").items()
    ]


def test_hashes_of_own_file_and_parents(shipped: Path, repo_with: RepoWith) -> None:
    grandchild = header("acme-team", "acme") + section("ops", None) + item("ops.pager")
    repo = repo_with({"acme.toml": CHILD, "team.toml": grandchild})
    team = Library.discover(repo).get("acme-team")
    sha = hashlib.sha256
    assert team.sha256 == sha(grandchild.encode()).hexdigest()
    assert team.parent_sha256 == (sha(CHILD.encode()).hexdigest(), sha(BASE.encode()).hexdigest())
    assert team.dropped == (Dropped("ops.oncall", "Central SRE owns on-call."),)
    assert team.item("shutdown.drain").priority is Priority.P0
    assert team.origin == "repo"
    assert Library.discover(repo).get("base").origin == "shipped"


def test_missing_parent(shipped: Path, repo_with: RepoWith) -> None:
    text = header("acme", "go-prod") + section("x", "X") + item("x.one")
    repo = repo_with({"acme.toml": text})
    with pytest.raises(ChecklistError) as exc:
        Library.discover(repo).get("acme")
    assert exc.value.problems == [
        ".golive/checklists/acme.toml:7: checklist.extends: "
        'unknown checklist "go-prod"; expected one of acme, base'
    ]


def test_extends_cycle(shipped: Path, repo_with: RepoWith) -> None:
    one = header("one", "two") + section("x", "X") + item("x.one")
    two = header("two", "three") + section("y", "Y") + item("y.one")
    three = header("three", "one") + section("z", "Z") + item("z.one")
    repo = repo_with({"one.toml": one, "two.toml": two, "three.toml": three})
    library = Library.discover(repo)
    with pytest.raises(ChecklistError) as exc:
        library.get("one")
    assert exc.value.problems == [
        ".golive/checklists/one.toml:7: checklist.extends: extends cycle: one -> two -> three -> one"
    ]
    assert library.ids() == ("base",)


def test_a_checklist_extending_itself_is_a_cycle(shipped: Path, repo_with: RepoWith) -> None:
    text = header("acme", "acme") + section("x", "X") + item("x.one")
    repo = repo_with({"acme.toml": text})
    with pytest.raises(ChecklistError) as exc:
        Library.discover(repo).get("acme")
    assert exc.value.problems == [
        ".golive/checklists/acme.toml:7: checklist.extends: extends cycle: acme -> acme"
    ]


def test_drop_and_override_of_unknown_ids_and_re_adding_an_item(
    shipped: Path, repo_with: RepoWith
) -> None:
    text = (
        header("acme", "base")
        + '\n[[drop]]\nid = "ops.nothing"\nreason = "x"\n'
        + '\n[[override]]\nid = "ops.ghost"\nnote = "x"\n'
        + section("ops", None)
        + item("ops.runbook")
    )
    repo = repo_with({"acme.toml": text})
    with pytest.raises(ChecklistError) as exc:
        Library.discover(repo).get("acme")
    shown = ".golive/checklists/acme.toml"
    assert exc.value.problems == [
        f'{shown}:10: drop[0].id: no item "ops.nothing" in "base"',
        f'{shown}:14: override[0].id: no item "ops.ghost" in "base"',
        f'{shown}:21: sections[0].items[0].id: item "ops.runbook" already exists in "base"; '
        "use [[override]] to change it",
    ]


def test_drop_needs_a_reason_and_override_only_known_fields(
    shipped: Path, repo_with: RepoWith
) -> None:
    text = (
        header("acme", "base")
        + '\n[[drop]]\nid = "ops.oncall"\n'
        + '\n[[override]]\nid = "ops.runbook"\nkind = "score"\n'
    )
    repo = repo_with({"acme.toml": text})
    with pytest.raises(ChecklistError) as exc:
        Library.discover(repo).get("acme")
    shown = ".golive/checklists/acme.toml"
    assert exc.value.problems == [
        f"{shown}:9: drop[0].reason: required; expected a non-empty string",
        f"{shown}:14: override[0].kind: cannot be overridden; drop the item and add one of your own",
    ]


def test_new_section_in_an_extension_needs_a_title(shipped: Path, repo_with: RepoWith) -> None:
    text = header("acme", "base") + section("brand-new", None) + item("brand-new.one")
    repo = repo_with({"acme.toml": text})
    with pytest.raises(ChecklistError) as exc:
        Library.discover(repo).get("acme")
    assert exc.value.problems == [
        ".golive/checklists/acme.toml:9: sections[0].title: "
        "required for a new section; expected a string"
    ]


def test_dropping_every_item_of_an_inherited_scoring(shipped: Path, repo_with: RepoWith) -> None:
    text = (
        header("acme", "base")
        + '\n[[drop]]\nid = "shutdown.sigterm"\nreason = "x"\n'
        + '\n[[drop]]\nid = "ops.oncall"\nreason = "y"\n'
    )
    repo = repo_with({"acme.toml": text})
    with pytest.raises(ChecklistError) as exc:
        Library.discover(repo).get("acme")
    assert exc.value.problems == [
        '.golive/checklists/acme.toml:7: checklist.extends: profile "p0" inherited from "base" '
        "has no items left after [[drop]]; define one with the same id to replace it",
        '.golive/checklists/acme.toml:7: checklist.extends: scoring "health" inherited from '
        '"base" has no items left after [[drop]]; define one with the same id to replace it',
    ]


def test_repo_checklist_replaces_a_shipped_one_and_may_extend_it(
    shipped: Path, repo_with: RepoWith
) -> None:
    text = header("base", "base") + section("ops", None) + item("ops.pager")
    repo = repo_with({"base.toml": text})
    library = Library.discover(repo)
    base = library.get("base")
    assert base.origin == "repo"
    assert base.items()[-1].id == "ops.pager"
    assert len(base.items()) == 5
    (entry,) = library.entries()
    assert entry.replaces_shipped
    assert entry.origin == "repo"
    assert entry.items == 5


def test_entries_list_shipped_and_repo_checklists(shipped: Path, repo_with: RepoWith) -> None:
    repo = repo_with({"acme.toml": CHILD})
    entries = Library.discover(repo).entries()
    assert [(e.id, e.origin, e.items, e.profiles, e.extends) for e in entries] == [
        ("acme", "repo", 5, ("p0", "ops"), "base"),
        ("base", "shipped", 4, ("p0", "ops"), ""),
    ]
    assert entries[0].path == repo / ".golive/checklists/acme.toml"
    assert not entries[0].replaces_shipped


def test_outside_a_repository_only_shipped_checklists(shipped: Path) -> None:
    assert Library.discover(None).ids() == ("base",)


def test_a_broken_file_does_not_hide_the_others(shipped: Path, repo_with: RepoWith) -> None:
    repo = repo_with({"broken.toml": "[checklist\n", "acme.toml": CHILD})
    library = Library.discover(repo)
    assert library.ids() == ("acme", "base")
    assert library.problems == (
        ".golive/checklists/broken.toml:1:11: invalid TOML: Expected ']' at the end of a table "
        "declaration",
    )


def test_duplicate_checklist_ids_in_a_repository(shipped: Path, repo_with: RepoWith) -> None:
    text = header("acme") + section("x", "X") + item("x.one")
    repo = repo_with({"a.toml": text, "b.toml": text})
    library = Library.discover(repo)
    assert library.problems == (
        '.golive/checklists/b.toml:2: checklist.id: duplicate checklist id "acme"; '
        "also defined in .golive/checklists/a.toml",
    )
    assert library.get("acme").path.endswith("a.toml")


def test_unknown_checklist_lists_the_known_ones(shipped: Path) -> None:
    with pytest.raises(UnknownChecklistError, match=r'unknown checklist "nope"; known: base'):
        Library.discover(None).get("nope")


def test_load_file_resolves_its_parent_from_the_library(shipped: Path, repo_with: RepoWith) -> None:
    repo = repo_with({})
    (repo / "acme.toml").write_text(CHILD)
    acme = load_file(repo / "acme.toml", repo_root=repo)
    assert acme.extends == "base"
    assert len(acme.items()) == 5


def test_lint_files_lets_the_given_files_extend_each_other(shipped: Path) -> None:
    Path("acme.toml").write_text(CHILD)
    Path("team.toml").write_text(header("team", "acme") + section("ops", None) + item("ops.x"))
    Path("bad.toml").write_text(header("bad", "nowhere") + section("x", "X") + item("x.y"))
    outcome = lint_files([Path("team.toml"), Path("acme.toml"), Path("bad.toml")], None)
    team, acme, bad = outcome.values()
    assert not isinstance(team, list)
    assert team.parent_sha256[1] == hashlib.sha256(BASE.encode()).hexdigest()
    assert not isinstance(acme, list)
    assert bad == [
        'bad.toml:7: checklist.extends: unknown checklist "nowhere"; '
        "expected one of acme, bad, base, team"
    ]


def test_config_chooses_checklist_and_profile(make_repo: RepoFactory) -> None:
    plain = make_repo({"README.md": "x"})
    assert default_checklist_id(plain) == "go-production"
    assert default_profile(plain) is None
    assert default_checklist_id(None) == "go-production"
    configured = make_repo({".golive/config.toml": 'checklist = "acme"\nprofile = "quick-gate"\n'})
    assert default_checklist_id(configured) == "acme"
    assert default_profile(configured) == "quick-gate"


def test_config_errors_are_clear(make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo({".golive/config.toml": "checklist = 3\n"})
    monkeypatch.chdir(repo)
    with pytest.raises(
        ConfigError,
        match=r"^\.golive/config\.toml:1: checklist: expected a string \(checklist id or path\)$",
    ):
        default_checklist_id(repo)
    (repo / ".golive/config.toml").write_text("checklist = \n")
    with pytest.raises(ConfigError, match=r"^\.golive/config\.toml: invalid TOML"):
        default_checklist_id(repo)


@pytest.mark.parametrize(
    "text",
    [
        'checklist = "acme"\nprofile = 7\n',
        'checklist = "acme"\n[scan]\nmax_file_size = "big"\n',
        'checklist = "acme"\nchecklists = "typo"\n',
    ],
)
def test_defaults_are_read_by_the_one_config_reader(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """The checklist defaults and the scan read `.golive/config.toml` alike: same refusal, same words."""
    repo = make_repo({".golive/config.toml": text})
    monkeypatch.chdir(repo)
    with pytest.raises(ConfigError) as scan_error:
        load_config(repo)
    for read in (default_checklist_id, default_profile):
        with pytest.raises(ConfigError) as error:
            read(repo)
        assert str(error.value) == str(scan_error.value)
        assert error.value.exit_code == scan_error.value.exit_code


def test_empty_defaults_mean_none_chosen(make_repo: RepoFactory) -> None:
    repo = make_repo({".golive/config.toml": 'checklist = ""\nprofile = ""\n'})
    assert load_config(repo).checklist == load_config(repo).profile == ""
    assert default_checklist_id(repo) == "go-production"
    assert default_profile(repo) is None


def test_profile_rule_defaults_to_all_done(shipped: Path) -> None:
    assert Library.discover(None).get("base").profile("ops").rule is PassRule.ALL_DONE


# --------------------------------------------------------------------------- only_profile, aliases


def test_only_profile_narrows_the_parent_to_one_profile(shipped: Path, repo_with: RepoWith) -> None:
    narrow = (
        header("ops-only", "base", 'only_profile = "ops"\n')
        + section("extra", "Extra")
        + item("extra.check", "P2")
        + '\n[[profiles]]\nid = "all"\ntitle = "All"\npriorities = ["P0", "P1", "P2"]\n'
    )
    repo = repo_with({"ops-only.toml": narrow})
    checklist = Library.discover(repo).get("ops-only")
    assert [i.id for i in checklist.items()] == ["ops.oncall", "ops.runbook", "extra.check"]
    assert [p.id for p in checklist.profiles] == ["all"]  # the parent's no longer apply
    assert checklist.scoring == () and checklist.narrowed_to == "ops"


def test_only_profile_must_name_a_parent_profile_and_needs_extends(
    shipped: Path, repo_with: RepoWith
) -> None:
    unknown = header("bad", "base", 'only_profile = "nope"\n')
    alone = header("alone", "", 'only_profile = "ops"\n') + section("s") + item("s.one")
    repo = repo_with({"bad.toml": unknown, "alone.toml": alone})
    outcomes = lint_files([repo / ".golive/checklists/bad.toml"], repo)
    (problem,) = next(iter(outcomes.values()))
    assert 'checklist.only_profile: no profile "nope" in "base"; expected one of p0, ops' in problem
    outcomes = lint_files([repo / ".golive/checklists/alone.toml"], repo)
    (problem,) = next(iter(outcomes.values()))
    assert "only a checklist that extends another can narrow it" in problem


def test_aliases_resolve_and_may_not_shadow_an_id(shipped: Path, repo_with: RepoWith) -> None:
    good = header("renamed") + section("s") + item("s.new", extra='aliases = ["s.old"]\n')
    clash = (
        header("clash")
        + section("s")
        + item("s.one", extra='aliases = ["s.two"]\n')
        + item("s.two")
        + item("s.three", extra='aliases = ["s.gone"]\n')
        + item("s.four", extra='aliases = ["s.gone", "Bad Id"]\n')
    )
    repo = repo_with({"renamed.toml": good, "clash.toml": clash})
    renamed = Library.discover(repo).get("renamed")
    assert renamed.item("s.old").id == "s.new" and renamed.canonical_id("s.old") == "s.new"
    (problems,) = lint_files([repo / ".golive/checklists/clash.toml"], repo).values()
    assert isinstance(problems, list)
    assert any("aliases[1]: expected an id matching" in p for p in problems)
    fixed = clash.replace(', "Bad Id"', "")
    (repo / ".golive/checklists/clash.toml").write_text(fixed)
    (problems,) = lint_files([repo / ".golive/checklists/clash.toml"], repo).values()
    assert isinstance(problems, list) and len(problems) == 2
    assert '"s.two" is the id of another item' in problems[0]
    assert '"s.gone" is already an alias of "s.three"' in problems[1]
