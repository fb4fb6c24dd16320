"""The checklists a repository can use: the shipped ones plus `.golive/checklists/*.toml`.

Also the team's defaults from `.golive/config.toml` and `golive lint-checklist`'s reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from golive_tui.core.checklist.consistency import priority_conflicts
from golive_tui.core.checklist.fields import _quote
from golive_tui.core.checklist.load import (
    RawChecklist,
    _lexical,
    _read_text,
    _resolved,
    display_name,
    parse_file,
)
from golive_tui.core.checklist.resolve import resolve
from golive_tui.core.confine import UnsafePathError, confine
from golive_tui.core.errors import ChecklistError, GoliveError
from golive_tui.core.model import Checklist, Profile
from golive_tui.core.scan.config import Config, load_config
from golive_tui.core.tuples import NamedTuple

#: The checklist used when a repository's `.golive/config.toml` names none.
DEFAULT_CHECKLIST = "go-production"


def shipped_dir() -> Path:
    """Where the shipped checklists are: the wheel's copy, else the source checkout's."""
    # The package's folder itself, as `importlib.resources.files` names it for an installed
    # package (importing that costs ~10 ms of every command that loads the checklists).
    here = Path(__file__).resolve()
    installed = here.parents[2] / "_shipped" / "checklists"
    if installed.is_dir():
        return installed
    return here.parents[4] / "checklists"


def repo_dir(repo_root: Path) -> Path:
    """Where a repository keeps its own checklists."""
    return repo_root / ".golive" / "checklists"


def _known_detectors(repo_root: Path | None) -> frozenset[str]:
    from golive_tui.core.scan.detectors.catalog import detector_ids

    return detector_ids(repo_root)


class UnknownChecklistError(GoliveError):
    """A checklist id that neither the shipped library nor the repository defines."""


class UnknownProfileError(GoliveError):
    """A profile the checklist does not define (from --profile or .golive/config.toml)."""


def require_profile(checklist: Checklist, profile_id: str) -> Profile:
    """The checklist's profile `profile_id`, or UnknownProfileError naming the known ones."""
    known = [p.id for p in checklist.profiles]
    if profile_id not in known:
        raise UnknownProfileError(
            f"checklist {checklist.id} has no profile {profile_id!r}; "
            f"known: {', '.join(known) or 'none'}"
        )
    return checklist.profile(profile_id)


class Entry(NamedTuple):
    """One row of `golive checklists`."""

    id: str
    title: str
    version: str
    origin: str  # "shipped" | "repo"
    path: Path
    items: int
    profiles: tuple[str, ...]
    extends: str = ""
    replaces_shipped: bool = False  # a repository checklist with a shipped checklist's id


class Library:
    """Every checklist available to a repository: shipped ones plus `.golive/checklists/*.toml`.

    A repository checklist with a shipped checklist's id replaces it (and may extend it).
    Broken files do not hide the good ones: their problems are kept in `problems` and raised
    by `get` for the checklist concerned.
    """

    def __init__(
        self,
        raws: Sequence[RawChecklist],
        problems: Sequence[str] = (),
        failed: Mapping[str, list[str]] | None = None,
    ) -> None:
        """`failed`: problems of files that did not load, by the checklist id they declare."""
        self._problems: list[str] = list(problems)
        self._shipped: dict[str, RawChecklist] = {}
        self._active: dict[str, RawChecklist] = {}
        self._failed: dict[str, list[str]] = dict(failed or {})
        self._resolved: dict[str, Checklist] = {}
        seen_repo: dict[str, RawChecklist] = {}
        for raw in raws:
            table = self._shipped if raw.origin == "shipped" else seen_repo
            if raw.id in table:
                other = table[raw.id]
                self._problems.append(
                    f"{raw.file.at(('checklist', 'id'))}: checklist.id: duplicate checklist id "
                    f"{_quote(raw.id)}; also defined in {other.file.display}"
                )
                continue
            table[raw.id] = raw
        self._active = {**self._shipped, **seen_repo}
        for checklist_id in self._active:
            try:
                self._resolved[checklist_id] = self.resolve(self._active[checklist_id])
            except ChecklistError as exc:
                self._failed[checklist_id] = exc.problems
                self._problems.extend(exc.problems)

    @classmethod
    def discover(cls, repo_root: Path | None, *, extra: Iterable[Path] = ()) -> Library:
        """Load shipped checklists, the repository's own, and `extra` files (as repo ones)."""
        detectors = _known_detectors(repo_root)
        files: list[tuple[Path, str]] = [
            (p, "shipped") for p in sorted(shipped_dir().glob("*.toml"))
        ]
        problems: list[str] = []
        own: set[Path] = set()  # the repository's files: read confined to it
        if repo_root is not None:
            folder = repo_dir(repo_root)
            try:
                if folder.is_symlink() or folder.exists():
                    confine(repo_root, ".golive/checklists")
            except UnsafePathError as exc:
                problems.append(f"{display_name(folder)}: {exc.why} (not read)")
            else:
                own = set(folder.glob("*.toml"))
                files += [(p, "repo") for p in sorted(own)]
        seen = {_resolved(path) for path, _ in files}
        files += [(p, "repo") for p in extra if _resolved(p) not in seen]
        raws: list[RawChecklist] = []
        failed: dict[str, list[str]] = {}
        for path, origin in files:
            root = repo_root if path in own else _owner(path, repo_root)
            try:
                raws.append(
                    parse_file(
                        path,
                        known_detectors=detectors,
                        origin=origin,
                        display=display_name(path),
                        repo_root=root,
                    )
                )
            except ChecklistError as exc:
                problems.extend(exc.problems)
                declared = _declared_id(path, root)
                if declared:
                    failed.setdefault(declared, []).extend(exc.problems)
        return cls(raws, problems, failed)

    @property
    def problems(self) -> tuple[str, ...]:
        """Every problem found in any loaded file, for `golive checklists` to report."""
        return tuple(self._problems)

    def ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._resolved))

    def entries(self) -> tuple[Entry, ...]:
        """The usable checklists, sorted by id."""
        out = []
        for checklist_id in self.ids():
            checklist = self._resolved[checklist_id]
            raw = self._active[checklist_id]
            out.append(
                Entry(
                    id=checklist.id,
                    title=checklist.title,
                    version=checklist.version,
                    origin=checklist.origin,
                    path=raw.path,
                    items=len(checklist.items()),
                    profiles=tuple(p.id for p in checklist.profiles),
                    extends=checklist.extends,
                    replaces_shipped=raw.origin == "repo" and checklist_id in self._shipped,
                )
            )
        return tuple(out)

    def get(self, checklist_id: str) -> Checklist:
        """The resolved checklist; its file's problems, or the known ids if there is none."""
        if checklist_id in self._resolved:
            return self._resolved[checklist_id]
        if checklist_id in self._failed:
            raise ChecklistError(self._failed[checklist_id])
        known = ", ".join(self.ids()) or "none"
        raise UnknownChecklistError(f"unknown checklist {_quote(checklist_id)}; known: {known}")

    def resolve(self, raw: RawChecklist) -> Checklist:
        """`raw` with its `extends` chain applied, using this library's checklists as parents."""
        chain: list[RawChecklist] = []
        names = [raw.id]
        current = raw
        while current.extends:
            parent = self._parent(current)
            if parent is None:
                known = ", ".join(sorted(self._active)) or "none"
                current.file.err(
                    ("checklist", "extends"),
                    f"unknown checklist {_quote(current.extends)}; expected one of {known}",
                )
                problems = list(current.file.problems)
                current.file.problems.clear()
                raise ChecklistError(problems)
            names.append(parent.id)
            if parent is raw or any(parent is seen for seen in chain):
                raw.file.err(("checklist", "extends"), "extends cycle: " + " -> ".join(names))
                problems = list(raw.file.problems)
                raw.file.problems.clear()
                raise ChecklistError(problems)
            chain.append(parent)
            current = parent
        return resolve(raw, chain)

    def lineage(self, checklist_id: str) -> frozenset[str]:
        """`checklist_id` and the ids of every checklist it extends, nearest first."""
        ids = {checklist_id}
        current = self._active.get(checklist_id)
        while current is not None and current.extends and current.extends not in ids:
            ids.add(current.extends)
            current = self._parent(current)
        return frozenset(ids)

    def _parent(self, raw: RawChecklist) -> RawChecklist | None:
        # A repository checklist extending its own id extends the shipped one it replaces.
        if raw.extends == raw.id and raw.origin == "repo" and raw.id in self._shipped:
            return self._shipped[raw.id]
        return self._active.get(raw.extends)


def _owner(path: Path, repo_root: Path | None) -> Path | None:
    """`repo_root` when the file named lies in the repository (as written, before links):
    such a file is the repository's and is read confined to it, however it was named."""
    if repo_root is None:
        return None
    return repo_root if _lexical(path).is_relative_to(_lexical(repo_root)) else None


def _declared_id(path: Path, repo_root: Path | None = None) -> str | None:
    """The id a broken file means to define, so `get` can show its problems, not "unknown"."""
    import tomllib

    from golive_tui.core import tomlsafe

    try:
        data = tomlsafe.loads(_read_text(path, str(path), repo_root))
    except (ChecklistError, tomllib.TOMLDecodeError, RecursionError):
        return None
    header = data.get("checklist")
    value = header.get("id") if isinstance(header, dict) else None
    return value if isinstance(value, str) else None


def load_file(
    path: Path, *, repo_root: Path | None = None, library: Library | None = None
) -> Checklist:
    """One definition file, validated and resolved (parents come from `library` or discovery).

    Raises ChecklistError with every problem found.
    """
    raw = parse_file(path, known_detectors=_known_detectors(repo_root), display=display_name(path))
    if raw.extends and library is None:
        library = Library.discover(repo_root)
    return (library or Library([])).resolve(raw)


def lint_files(paths: Sequence[Path], repo_root: Path | None) -> dict[Path, Checklist | list[str]]:
    """Each file's resolved checklist or its problems; the files may extend each other.

    The files are also checked against each other: one practice, one priority
    (core/checklist/consistency.py), so lint the shipped set together to check it.
    Messages name each file as it was given, like a compiler does.
    """
    library = Library.discover(repo_root, extra=paths)
    out: dict[Path, Checklist | list[str]] = {}
    detectors = _known_detectors(repo_root)
    for path in paths:
        try:
            raw = parse_file(
                path,
                known_detectors=detectors,
                display=str(path),
                repo_root=_owner(path, repo_root),
            )
            out[path] = library.resolve(raw)
        except ChecklistError as exc:
            out[path] = exc.problems
    resolved = [c for c in out.values() if isinstance(c, Checklist)]
    conflicts = priority_conflicts(resolved, library.lineage)
    for path, outcome in out.items():
        if isinstance(outcome, Checklist) and outcome.id in conflicts:
            out[path] = conflicts[outcome.id]
    return out


def lint_warnings(checklist: Checklist, display: str) -> list[str]:
    """What loads but should be said better, for items defined in `display` (as lint names it).

    The older `detect = { any | all }` shape still means "proves"; a warning asks the author to
    say whether the evidence proves the item or only supports it.
    """
    out = []
    for item in checklist.items():
        if item.detect is None or not item.detect.legacy:
            continue
        where = item.detect.origin or f"{item.origin}: {item.id}.detect"
        if not where.startswith(f"{display}:"):
            continue  # inherited: its own file gets the warning
        key = item.detect.mode.value
        mode = ', mode = "all"' if key == "all" else ""
        out.append(
            f"{where}: warning: {{ {key} = [...] }} is read as "
            f"{{ proves = [...]{mode} }}: "
            "say whether each detector's found proves the item or only supports it"
        )
    return out


def _config(repo_root: Path | None) -> Config:
    """The repository's `.golive/config.toml`, read by the one reader the scan uses too."""
    return Config() if repo_root is None else load_config(repo_root)


def default_checklist_id(repo_root: Path | None) -> str:
    """The `checklist` key of `.golive/config.toml`, else the shipped go-production."""
    return _config(repo_root).checklist or DEFAULT_CHECKLIST


def default_profile(repo_root: Path | None) -> str | None:
    """The `profile` key of `.golive/config.toml`, if the team chose one."""
    return _config(repo_root).profile or None


#: `--profile none`: gate every item, whatever the config or the checklist default says.
NO_PROFILE = "none"


def resolve_profile(repo_root: Path | None, checklist: Checklist, asked: str | None = None) -> str:
    """The one answer to "which gate?": asked, else the config's, else the checklist's default,
    else "" (no profile: every item must be settled).

    The walker's header, `status`, the record and `golive gate` all take it from here, so the
    gate shown is the gate signed. `asked` may be NO_PROFILE to choose no profile on purpose.
    """
    if asked == NO_PROFILE and NO_PROFILE not in {p.id for p in checklist.profiles}:
        return ""
    chosen = asked or default_profile(repo_root) or checklist.default_profile or ""
    if chosen:
        require_profile(checklist, chosen)
    return chosen
