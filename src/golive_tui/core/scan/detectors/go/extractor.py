"""The Go source extractor: one import scan and at most one parse per file, for every check.

Cost model (why the code is shaped this way): parsing Go with tree-sitter costs ~0.6 ms per
file, so parsing all of a large repository would blow the scan budget. Each file therefore goes
through three steps, cheapest first:

1. a tiny scanner reads the import block (see `imports`) - always, because the engine needs
   `meta["imports"]` for checklist `applies_when`, and import-based detectors (logging,
   tracing, pprof...) are decided right there;
2. literal gates built from the file's own import names (`sig.Notify` when os/signal is
   imported as `sig`) decide which tree rules could possibly match (each check's `Gate`);
3. only then is the file parsed - usually not all of it: only the top-level declarations that
   hold a literal a rule needs, at their own line numbers (see `fragments`; anything a cheap
   scan cannot prove safe parses the whole file). ONE `find_all` with an `any` rule built from
   the open gates collects every candidate node; the checks' handlers dispatch on node kind.
   Tracing (a signal slice, a variable holding a query, a parameter's callers) runs lazily on
   the few nodes that need it, on the whole file's tree when it looks beyond the parsed
   declarations.

This module knows no detector by name: everything about one lives in its module in `checks/`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from golive_tui.core.evidence import DetectorResult, Evidence, Polarity, Status
from golive_tui.core.scan.detectors import common
from golive_tui.core.scan.detectors.base import Extractor, FileScan, Finding, ScannedFile
from golive_tui.core.scan.detectors.catalog import shipped_catalog
from golive_tui.core.scan.detectors.go.check import Detector, Gate, RulePart, Seen
from golive_tui.core.scan.detectors.go.checks import CHECKS
from golive_tui.core.scan.detectors.go.imports import (
    build_ignored,
    default_name,
    import_detectors,
    import_matchers,
    package_name,
    scan_header,
)
from golive_tui.core.scan.detectors.go.rules import compile_deferred, rules, trie
from golive_tui.core.scan.detectors.go.rules import digest as rules_digest
from golive_tui.core.scan.detectors.go.summaries import helper_undecided
from golive_tui.core.scan.detectors.go.tree import (
    POS,
    File,
    ascii_rule,
    call_parts,
    named,
    parse,
    snippet,
)

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.go.astgrep import Config, SgNode

MAX_EVIDENCE = 50

GATES: tuple[Gate, ...] = tuple(g for check in CHECKS for g in check.gates)
_BY_ID: dict[str, Detector] = {d.id: d for check in CHECKS for d in check.detectors}
#: Every `go.*` detector, in catalog order.
DETECTORS: tuple[str, ...] = tuple(d for d in shipped_catalog() if d in _BY_ID)
_TEXT_GATES: tuple[Gate, ...] = tuple(g for g in GATES if not g.needs_words)
_GATE_DETECTORS: dict[str, tuple[str, ...]] = {g.name: g.detectors for g in GATES}
_YIELDS: dict[str, Callable[[File], bool]] = {g.name: g.yields for g in GATES if g.yields}
_DEFAULT_NAMES: dict[str, str] = {p: n for g in GATES for p, n in g.packages.items()}
_WORD = re.compile(r"\w+")
#: `var version = ...`, `var version string`, or `version = ...` in a `var (...)` block.
_VERSION_DECL = re.compile(r"(?m)^(?:var[ \t]+|[ \t]+)version\b[ \t]*(?:string\b|=)")
_POLARITY: dict[str, Polarity] = {p.value: p for p in Polarity}


class GoSourceExtractor:
    """One family for every `go.*` detector: one import scan and at most one parse per file."""

    name = "go_source"
    detectors = DETECTORS
    # Raised whenever what a file's extraction yields changes (the CHANGELOG says what: 24
    # after the evidence fixes of issue 16's thirteenth round); go_rules.toml changes
    # invalidate cached scans too, through its digest.
    version = f"24.{rules_digest()}"
    # `finalize` reads its files in path order, whatever order they come in: the finalize memo
    # keys them sorted, so a warm scan after an edit scan (which hands the edited file over
    # last) reads back the edit scan's results instead of importing and running this family
    # again (moby: ~15 ms of that warm scan).
    finalize_sorts = True

    def matches(self, path: str) -> bool:
        return path.endswith(".go")

    def prefilter(self) -> tuple[bytes, ...] | None:
        # Imports are needed for every file (meta), so the gate lives inside `extract`.
        return None

    def prepare(self) -> None:
        """Build the lazy state once before the scan forks, so the workers inherit it: the
        trigger pattern, each gate's compiled words and rule parts, the import rules and the
        parser's Go grammar (~3 ms that each process otherwise spent again)."""
        _triggers()
        compile_deferred()
        import_matchers()
        default = File("", {p: {n} for p, n in _DEFAULT_NAMES.items()}, {})
        seen = Seen(default, set(), defaultdict(set))
        for gate in GATES:
            gate.opens(seen)
            gate.rule(default)
        parse("package p\n")

    # ------------------------------------------------------------------ extract

    def extract(self, path: str, text: str) -> FileScan:
        header = scan_header(text)
        if header is None:
            return self._unparseable(text, "not Go source (no package clause)")
        if build_ignored(text):
            return FileScan(meta={"imports": [], "parsed": False})  # never compiled: no evidence
        raws, body = header
        names: dict[str, set[str]] = defaultdict(set)
        by_name: dict[str, str] = {}
        for raw in raws:
            name = raw.name or default_name(raw.path)
            names[raw.path].add(name)
            if name not in ("_", "."):
                by_name[name] = raw.path
        f = File(text, dict(names), by_name, body=body)
        for raw in raws:
            detectors = import_detectors(raw.path)
            if not detectors:
                continue
            spec = raw.spec(text)
            for det in detectors:
                f.findings.append(
                    Finding(
                        det,
                        spec.line,
                        spec.end_line,
                        POS,
                        snippet(spec.text),
                        {"import": spec.path},
                    )
                )
        errors: list[tuple[str, str]] = []
        opened = _gates(f)
        # Gates whose nodes could yield nothing here are closed before the parse (the sql and
        # body gates: 21 of moby's files; with the import-block hits below, 115 -> 87 files
        # parsed, the same results). A file that is parsed and has a syntax error still
        # blames every gate the words opened.
        gates = {g for g in opened if _YIELDS.get(g) is None or _YIELDS[g](f)}
        if gates:
            try:
                _parse(f, gates, errors, opened)
            except Exception as exc:  # a bug or an ast-grep failure must not sink the scan
                errors.extend(
                    (d, f"could not analyse: {type(exc).__name__}: {exc}")
                    for d in _gate_detectors(opened)
                )
        # "parsed": whether this file was parsed, whole or in part (the engine's parsed count).
        meta: dict[str, Any] = {"imports": sorted(names), "parsed": f.parsed}
        if package_name(text) == "main":
            # Whether `-X main.version=` has a variable to set (crosscheck.judge_ldflags):
            # a package-level `version` declared here. Asked of main packages' files only.
            meta["main_version"] = _VERSION_DECL.search(text, body) is not None
        if f.notes:
            meta["notes"] = dict(f.notes.items())
        if f.facts:
            meta["facts"] = {d: v for d, v in f.facts.items() if v}
        return FileScan(tuple(f.findings), tuple(errors), meta)

    def _unparseable(self, text: str, message: str) -> FileScan:
        """Blame only detectors whose tell-tale words appear: a template that never mentions
        signals cannot hide a signal handler, so it should not turn that result into an error."""
        suspects: set[str] = set()
        for rule in rules().imports:
            if any(p in text for p in rule.prefixes + rule.exact):
                suspects.add(rule.detector)
        default = File(text, {}, {})
        for p, n in _DEFAULT_NAMES.items():
            default.names[p] = {n}
        suspects.update(_gate_detectors(_gates(default)))
        return FileScan((), tuple((d, message) for d in sorted(suspects)), {"imports": []})

    # ------------------------------------------------------------------ finalize

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        catalog = shipped_catalog()
        if not any(p.endswith(".go") for p in files):
            return [
                DetectorResult(
                    d, catalog[d].title, Status.NOT_APPLICABLE, "no Go source files in scope"
                )
                for d in DETECTORS
            ]
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        errors: dict[str, list[str]] = defaultdict(list)
        notes: dict[str, list[str]] = defaultdict(list)
        facts: dict[str, dict[str, Any]] = defaultdict(dict)
        # Most files hold no finding, error, note or fact: each part is looked at only when
        # there is something in it, and a polarity is looked up instead of calling the enum
        # (the loop runs over every Go file whenever one changes; 8x moby's 3,154 files in
        # scope: ~6 -> ~2 ms, the same results). A file's scan is unpacked at once, and its
        # errors looked at only when it has some; whether any file is Go stops at the first
        # instead of listing them all: moby's 977 files, the whole finalize 1.00 -> 0.91 ms.
        polarity = _POLARITY
        for path in sorted(files):
            sf = files[path]
            findings, scan_errors, meta = sf.scan
            if findings:
                blob = sf.blob
                for fd in findings:
                    evidence[fd.detector].append(
                        Evidence(
                            path,
                            fd.line,
                            fd.end_line,
                            polarity.get(fd.polarity) or Polarity(fd.polarity),
                            fd.snippet,
                            blob,
                            dict(fd.facts),
                        )
                    )
            if scan_errors:
                for det, message in scan_errors:
                    for d in DETECTORS if det == "*" else (det,):
                        errors[d].append(f"{path} ({message})")
            if "notes" not in meta and "facts" not in meta:
                continue
            for det, items in dict(meta.get("notes", {})).items():
                notes[det].extend(f"{path}:{item}" for item in items)
            for det, data in dict(meta.get("facts", {})).items():
                facts[det][path] = data
        results: list[DetectorResult] = []
        imported: dict[str, str] | None = None
        for det in DETECTORS:
            spec = _BY_ID[det]
            found = evidence.get(det, [])
            if spec.from_paths is not None:
                found = found + spec.from_paths(all_paths)
            items = sorted(found, key=lambda e: (e.path, e.line))
            if spec.grouped:
                items = _group_imports(items)
            det_notes = notes.get(det, [])
            if spec.judge is not None:
                items = sorted(
                    spec.judge(items, facts.get(det, {}), all_paths, det_notes),
                    key=lambda e: (e.path, e.line),
                )
            result = common.with_errors(
                DetectorResult(
                    det,
                    catalog[det].title,
                    _status(items),
                    spec.summary(items, det_notes),
                    tuple(items),
                ),
                errors.get(det, []),
                common.ANALYSE,
            )
            if result.status is Status.MISSING:
                # What a check saw golive does not follow (`File.undecided`), any check's
                why = (spec.undecided or helper_undecided)(facts.get(det, {}))
                if why:
                    summary = f"{result.summary}; could not tell: {why}"
                    result = result._replace(status=Status.ERROR, summary=summary)
            if result.status is Status.MISSING and det in _defaulted():
                if imported is None:  # once per finalize, only when a default could apply
                    imported = _imports_by_file(files)
                why = framework_default(det, imported)
                if why:
                    summary = f"{result.summary}; could not tell: {why}"
                    result = result._replace(status=Status.ERROR, summary=summary)
            if spec.grouped and len(items) > MAX_EVIDENCE:
                contrary = [e for e in items if e.polarity is Polarity.CONTRARY]
                positive = [e for e in items if e.polarity is Polarity.POSITIVE]
                shown = (contrary + positive)[:MAX_EVIDENCE]
                shown.sort(key=lambda e: (e.path, e.line))
                result = result._replace(
                    summary=result.summary
                    + f" (first {MAX_EVIDENCE} of {len(contrary) + len(positive)} shown)",
                    evidence=tuple(shown),
                )
            results.append(result)
        return results


@cache
def _defaulted() -> frozenset[str]:
    """The detectors some framework may answer by itself (go_rules.toml framework_defaults)."""
    return frozenset(d for table in rules().framework_defaults.values() for d in table)


def _imports_by_file(files: Mapping[str, ScannedFile]) -> dict[str, str]:
    """Each import path of the Go files, with the first file (by path) importing it: one pass
    for every framework asked (each detector walking every file was ~2.7 ms on moby)."""
    out: dict[str, str] = {}
    for path in sorted(files):
        for imp in files[path].scan.meta.get("imports", ()):
            out.setdefault(imp, path)
    return out


def framework_default(det: str, imported: Mapping[str, str]) -> str:
    """Why a framework a Go file imports (`imported`: import path -> a file importing it)
    may do what `det` looks for by itself (go_rules.toml framework_defaults), or "". Asked
    only of a detector that found nothing."""
    for framework, table in rules().framework_defaults.items():
        why = table.get(det)
        if why is None:
            continue
        prefix = framework + "/"
        for imp, path in imported.items():
            if imp == framework or imp.startswith(prefix):
                return f"{why} ({path} imports {framework})"
    return ""


def _status(items: list[Evidence]) -> Status:
    """The contract's status from polarities - except that positive evidence a check could not
    judge (facts quality "unknown": where a pprof import is served) is never "found", and
    contrary evidence that is all of unknown quality is never "contrary": the result is
    "could not tell" (error) and the summary says why."""
    status = DetectorResult.status_for(tuple(items))
    if status is Status.FOUND and any(e.facts.get("quality") == "unknown" for e in items):
        return Status.ERROR
    # Contrary only because of what golive does not read (a server handed to a function that
    # fills in its timeouts): could not tell.
    if status is Status.CONTRARY and all(e.facts.get("quality") == "unknown" for e in items):
        return Status.ERROR
    return status


# --------------------------------------------------------------------------- gates


@cache
def _triggers() -> re.Pattern[str]:
    """One pattern for every code word that can open a gate: a word after a dot, a call
    (`.Get(`) or a literal (`.Server{`); route and header gates read string contents instead."""
    code, calls, literals = _trigger_words()
    return re.compile(rf"\.(?:({trie(code)})\b|({trie(calls)})\(|({trie(literals)})[ \t]*\{{)")


@cache
def _trigger_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The gates' code words: after a dot, before a `(`, before a `{`."""
    r = rules()
    return (
        frozenset(w for g in GATES for w in g.code_words(r)),
        frozenset(w for g in GATES for w in g.call_words(r)),
        frozenset(w for g in GATES for w in g.literal_words(r)),
    )


#: Every word after a dot, and a `(` or `{` right after it: what `_triggers` matches, read
#: word by word against the sets of `_trigger_words` (see `_trigger_matches`).
_SELECTOR = re.compile(r"\.(\w+)(\(|[ \t]*\{)?")
#: Files a process extracts with `_SELECTOR` before it compiles `_triggers`.
_UNCOMPILED_FILES = 8
_extracted = 0


def _trigger_matches(text: str) -> Iterator[tuple[str, int]]:
    """(trigger word, offset of its dot) for every trigger in `text`, in order.

    Building `_triggers` (the words' trie, 869 characters of alternation, compiled) costs
    ~1.6 ms, which a scan after editing one file paid to look at that one file. Until a
    process has extracted `_UNCOMPILED_FILES` files (and unless `prepare` compiled it before a
    fork), each word after a dot is looked up in the word sets instead: the same matches
    (every trigger word is word characters, so one matches exactly when the whole word after
    the dot is it: `\b`, `(`, or blanks and `{` after it, tried in that order). moby's edit
    of server.go: 1.9 -> 0.3 ms with the lookups (~0.1 ms of them); the compiled pattern is
    faster per file from then on."""
    global _extracted
    if _triggers.cache_info().currsize or _extracted >= _UNCOMPILED_FILES:
        for m in _triggers().finditer(text):
            yield m.group(1) or m.group(2) or m.group(3), m.start()
        return
    _extracted += 1
    code, calls, literals = _trigger_words()
    for m in _SELECTOR.finditer(text):
        word = m.group(1)
        if word in code:
            yield word, m.start()
            continue
        after = m.group(2)
        if after is None:
            continue
        if word in calls if after == "(" else word in literals:
            yield word, m.start()


def _gates(f: File) -> set[str]:
    """Which tree rules could match: one regex pass over the text for trigger words
    (`.Notify`, `.Client{`...), each checked against this file's import names (`sig.Notify`
    counts when os/signal is imported as `sig`). One pass instead of dozens of substring
    scans: this runs on every file, so it is the scan's hot loop."""
    text = f.text
    words: set[str] = set()
    receivers: defaultdict[str, set[str]] = defaultdict(set)
    for word, start in _trigger_matches(text):
        words.add(word)
        # The identifier before the dot: the longest run of word characters ending there
        # (at most 48), read backwards with one anchored match. A `(\w+)\Z` search tried
        # every start in the 48 characters: ~10 us a trigger, 21 -> ~2 ms over moby's files.
        seg = text[max(0, start - 48) : start]
        before = _WORD.match(seg[::-1])
        if before:
            receivers[word].add(seg[len(seg) - before.end() :])
    seen = Seen(f, words, receivers)
    return {g.name for g in (GATES if words else _TEXT_GATES) if g.opens(seen)}


def _gate_detectors(gates: Iterable[str]) -> list[str]:
    return sorted({d for g in gates for d in _GATE_DETECTORS[g]})


# --------------------------------------------------------------------------- the one tree walk


def _parse(f: File, gates: set[str], errors: list[tuple[str, str]], blame: set[str]) -> None:
    """Parse what the open `gates` need and hand the nodes to the checks; a file that cannot
    be analysed blames the detectors of the `blame` gates."""
    from golive_tui.core.scan.detectors.go.fragments import LONG_LINE, fragment, has_long_line

    config, selection = _rule(f, gates)
    lay = f.layout()
    long = has_long_line(f.text)
    if long and lay is None:  # no safe place to break it: parsing would be quadratic
        errors.extend(
            (
                d,
                f"syntax error: unterminated comment or string on a line over {LONG_LINE} "
                "characters",
            )
            for d in _gate_detectors(blame)
        )
        return
    source = None
    if lay is not None and not long:
        # Hits from the end of the imports: an import path holds no node, yet moby's
        # ".../internal/metrics" picked the import block of 17 files for a parse (the routes
        # gate opens on any "/metrics"); those files are no longer parsed.
        hits = (m.start() for m in selection.finditer(f.text, f.body))
        source = fragment(f.text, lay, hits)
        if source == "":
            return  # every trigger sits in a comment: nothing to parse
    by_kind: dict[str, list[SgNode]] = defaultdict(list)
    if source is not None:
        f.root = parse(source)
        f.parsed = True
        for node in f.root.find_all(config):
            by_kind[node.kind()].append(node)
        if by_kind["ERROR"]:
            source = None  # report syntax errors as the whole file shows them
    if source is None:
        f.root = f.whole()
        by_kind.clear()
        for node in f.root.find_all(config):
            by_kind[node.kind()].append(node)
    if by_kind["ERROR"]:
        line = f.line(by_kind["ERROR"][0].range().start.line)
        errors.extend((d, f"syntax error at line {line}") for d in _gate_detectors(blame))
    _dispatch(f, gates, by_kind)


def _dispatch(f: File, gates: set[str], by_kind: dict[str, list[SgNode]]) -> None:
    """Hand each reported node to the checks, kind by kind (calls, literals, assignments, then
    other kinds), in `CHECKS` order; a handler that claims a node ends its round."""
    assignments = by_kind["assignment_statement"]
    on_call = [g.on_call for g in GATES if g.on_call is not None]
    for call in by_kind["call_expression"]:
        receiver, name, args = call_parts(call)
        path = f.path_of(receiver) if receiver and "." not in receiver else None
        for handle in on_call:
            if handle(f, gates, call, receiver, name, args, path):
                break
    on_literal = [g.on_literal for g in GATES if g.on_literal is not None]
    for lit in by_kind["composite_literal"]:
        type_node = lit.field("type")
        pkg, _, typ = (type_node.text() if type_node else "").partition(".")
        pkg_path = f.path_of(pkg)
        for handle_literal in on_literal:
            if handle_literal(f, lit, pkg_path, typ, assignments):
                break
    on_assignment = [g.on_assignment for g in GATES if g.on_assignment is not None]
    for assign in assignments:
        left = assign.field("left")
        right = named(assign.field("right"))
        if left is None or not right:
            continue
        field_name = left.text().rsplit(".", 1)[-1]
        for handle_assignment in on_assignment:
            if handle_assignment(f, assign, field_name, right[0].text()):
                break
    for gate in GATES:
        for kind, handle_node in gate.on_node.items():
            for node in by_kind[kind]:
                handle_node(f, node)
    for gate in GATES:
        if gate.after is not None and gate.name in gates:
            gate.after(f, by_kind)


def _rule(f: File, gates: set[str]) -> tuple[Config, re.Pattern[str]]:
    """The one `find_all` rule for this file's open gates, and a text pattern that matches
    wherever a node that rule reports could be (a superset: each node's text must contain
    one of these literals), which picks the declarations worth parsing."""
    part = RulePart(extra=[{"kind": "ERROR"}])
    for gate in GATES:
        if gate.name in gates:
            mine = gate.rule(f)
            part.calls += mine.calls
            part.literals += mine.literals
            part.assigns += mine.assigns
            part.extra += mine.extra
            part.where += mine.where
    anys: list[dict[str, Any]] = list(part.extra)
    if part.calls:
        anys.append(
            {
                "kind": "call_expression",
                "has": {"field": "function", "regex": f"^(?:{'|'.join(part.calls)})$"},
            }
        )
    if part.literals:
        anys.append(
            {
                "kind": "composite_literal",
                "has": {"field": "type", "regex": f"^(?:{'|'.join(part.literals)})$"},
            }
        )
    if part.assigns:
        anys.append(
            {
                "kind": "assignment_statement",
                "has": {
                    "field": "left",
                    "regex": rf"\.(?:{'|'.join(sorted(set(part.assigns)))})$",
                },
            }
        )
    rule: dict[str, Any] = {"any": anys}
    if f.text.isascii():  # the parsed source is all ASCII too: cheaper regexes, same nodes
        rule = ascii_rule(rule)
    return cast("Config", {"rule": rule}), re.compile("|".join(part.where))


# --------------------------------------------------------------------------- results


def _group_imports(items: list[Evidence]) -> list[Evidence]:
    """One evidence item per imported package (its first file), with how many files use it."""
    first: dict[str, Evidence] = {}
    count: dict[str, int] = defaultdict(int)
    out: list[Evidence] = []
    for e in items:
        imp = e.facts.get("import")
        if imp is None:
            out.append(e)
            continue
        count[imp] += 1
        first.setdefault(imp, e)
    for imp, e in first.items():
        out.append(
            Evidence(
                e.path,
                e.line,
                e.end_line,
                e.polarity,
                e.snippet,
                e.blob,
                {"import": imp, "files": count[imp]},
            )
        )
    return sorted(out, key=lambda e: (e.path, e.line))


EXTRACTORS: tuple[Extractor, ...] = (GoSourceExtractor(),)
