"""What one Go check is: its detectors (id, summary) and the gates that feed them.

A module in `checks/` holds everything about its detectors - the gate that decides whether a
file could hold evidence, the words that open it, its share of the one `find_all` rule, the
handlers for the nodes that rule reports, and the summaries - and exports one `Check`. The
extractor only runs the checks listed in `checks/__init__.py`; it knows no detector by name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from golive_tui.core.evidence import Evidence
from golive_tui.core.scan.detectors.base import EMPTY
from golive_tui.core.scan.detectors.go.rules import Rules
from golive_tui.core.scan.detectors.go.tree import File

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import SgNode

Summary = Callable[[list[Evidence], list[str]], str]
#: A verdict over the whole repository: (evidence, this detector's per-file facts by path,
#: every path in scope, the summary's notes - the judge may add to them) -> the evidence, its
#: polarities and facts judged with what other files show (a pprof import is exposure only
#: when its package serves the default mux).
Judge = Callable[[list[Evidence], Mapping[str, Any], tuple[str, ...], list[str]], list[Evidence]]
Words = Callable[[Rules], Iterable[str]]


def _none(_: Rules) -> Iterable[str]:
    return ()


class Seen:
    """What the one trigger pass found in a file: words after a dot, and the identifier each
    stood after (`sig` in `sig.Notify`), checked against the file's import names."""

    # A plain class, not a dataclass: `@dataclass` builds its methods with exec() at import,
    # ~0.2-1 ms a class, paid by every scan that extracts a Go file (one edited file
    # included). The six classes of the Go family: ~3 ms of its ~10 ms import.

    __slots__ = ("f", "receivers", "words")

    def __init__(self, f: File, words: set[str], receivers: defaultdict[str, set[str]]) -> None:
        self.f = f
        self.words = words
        self.receivers = receivers

    def via(self, path: str, *names: str) -> bool:
        """Whether one of `names` was used on a name this file imports `path` under."""
        aliases = self.f.aliases(path)
        return bool(aliases) and any(self.receivers[n] & aliases for n in names)


class RulePart:
    """A gate's share of the file's one `find_all` rule, and where its nodes could be."""

    __slots__ = ("assigns", "calls", "extra", "literals", "where")  # a plain class (see Seen)

    def __init__(
        self,
        calls: list[str] | None = None,
        literals: list[str] | None = None,
        assigns: list[str] | None = None,
        extra: list[dict[str, Any]] | None = None,
        where: list[str] | None = None,
    ) -> None:
        self.calls: list[str] = [] if calls is None else calls  # regexes for a call's function
        self.literals: list[str] = (
            [] if literals is None else literals
        )  # regexes for a composite literal's type
        self.assigns: list[str] = (
            [] if assigns is None else assigns
        )  # field names assigned (`x.Field = ...`)
        self.extra: list[dict[str, Any]] = [] if extra is None else extra  # other ast-grep rules
        self.where: list[str] = [] if where is None else where  # text patterns of those nodes


if TYPE_CHECKING:  # handler types: for type checkers only, like ast-grep's SgNode they name
    #: A handler for a call: (file, open gates, call, receiver, name, arguments, receiver's import
    #: path) -> whether the call was this gate's (no later gate looks at it).
    OnCall = Callable[[File, set[str], SgNode, str, str, list[SgNode], str | None], bool]
    #: A composite literal: (file, literal, type's import path, type name, assignments) -> claimed.
    OnLiteral = Callable[[File, SgNode, str | None, str, list[SgNode]], bool]
    #: A field assignment standing alone: (file, statement, field name, value) -> claimed.
    OnAssignment = Callable[[File, SgNode, str, str], bool]
    #: After every node was seen: (file, nodes by kind).
    After = Callable[[File, Mapping[str, list[SgNode]]], None]


class Gate:
    """One tree rule: opened by words in the file, it adds to the rule and handles its nodes.

    `opens` runs on every Go file (the scan's hot loop): it must be a few set operations.
    Handlers run for every reported node whether or not their gate is open, in the order of
    `checks.CHECKS`, and must answer only under their own gate.
    """

    # Gate, Detector and Check are plain classes, not NamedTuples: building a named tuple
    # class compiles its `__new__` (~0.1 ms each), paid by every scan that extracts a Go file
    # (one edited file included); they are read by attribute only (see rules.ImportRule).
    __slots__ = (
        "after",
        "call_words",
        "code_words",
        "detectors",
        "literal_words",
        "name",
        "needs_words",
        "on_assignment",
        "on_call",
        "on_literal",
        "on_node",
        "opens",
        "packages",
        "rule",
        "yields",
    )

    def __init__(
        self,
        name: str,
        detectors: tuple[str, ...],
        opens: Callable[[Seen], bool],
        rule: Callable[[File], RulePart],
        code_words: Words = _none,
        call_words: Words = _none,
        literal_words: Words = _none,
        packages: Mapping[str, str] = EMPTY,
        needs_words: bool = True,
        on_call: OnCall | None = None,
        on_literal: OnLiteral | None = None,
        on_assignment: OnAssignment | None = None,
        on_node: Mapping[str, Callable[[File, SgNode], None]] = EMPTY,
        after: After | None = None,
        yields: Callable[[File], bool] | None = None,
    ) -> None:
        self.name = name
        self.detectors = detectors  # blamed when a file this gate opened cannot be analysed
        self.opens = opens
        self.rule = rule
        self.code_words = code_words  # trigger words after a dot (`.Notify`)
        self.call_words = call_words  # ... followed by `(` (`.Get(`)
        self.literal_words = literal_words  # ... followed by `{` (`.Server{`)
        self.packages = packages  # import path -> usual name
        # Whether the gate can open only on trigger words (most files have none, and then
        # only the gates that read the text themselves are asked).
        self.needs_words = needs_words
        self.on_call = on_call
        self.on_literal = on_literal
        self.on_assignment = on_assignment
        self.on_node = on_node
        self.after = after
        # Whether an open gate's nodes could yield anything in this file (a finding, note or
        # fact): a cheap test of the text that skips a parse the handlers would throw away.
        # Asked only when the gate opened, never of text that is not Go.
        self.yields = yields


class Detector:
    """One `go.*` detector's result shaping."""

    __slots__ = ("from_paths", "grouped", "id", "judge", "summary", "undecided")  # see Gate

    def __init__(
        self,
        id: str,
        summary: Summary,
        grouped: bool = True,
        from_paths: Callable[[tuple[str, ...]], list[Evidence]] | None = None,
        judge: Judge | None = None,
        undecided: Callable[[Mapping[str, Mapping[str, Any]]], str | None] | None = None,
    ) -> None:
        self.id = id
        self.summary = summary
        # The scan JSON contract fixes "one evidence item per ..." for some detectors; the
        # others get one item per imported package and at most MAX_EVIDENCE items.
        self.grouped = grouped
        # Evidence that is not in Go files (folders of migrations): (all paths) -> evidence.
        self.from_paths = from_paths
        self.judge = judge
        # Nothing found but something golive does not read may do it (the files' facts ->
        # why, or None): "could not tell", never "missing". Default: what the checks recorded
        # with `File.undecided` (summaries.helper_undecided).
        self.undecided = undecided


class Check:
    """One concern's detectors and the gates that feed them (a plain class: see Gate)."""

    __slots__ = ("detectors", "gates")

    def __init__(self, detectors: tuple[Detector, ...], gates: tuple[Gate, ...] = ()) -> None:
        self.detectors = detectors
        self.gates = gates
