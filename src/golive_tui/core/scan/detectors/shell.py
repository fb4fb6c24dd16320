"""A small POSIX-shell reader: enough to tell `go test -race` run as a command from `# -race` in a
comment, an `echo "go test"` string or the body of a heredoc.

CI steps, Makefile recipes, Taskfile commands and Dockerfile RUN lines are all shell. Real shell
grammar is large; this reader keeps only what decides evidence: words (quotes removed), comments,
command separators, line continuations, heredoc bodies and the line each command starts on.
"""

from __future__ import annotations

import re
from functools import lru_cache

from golive_tui.core.tuples import NamedTuple

_SEPARATORS = frozenset({";", "&", "|", "&&", "||", "(", ")", ";;", "|&"})
_PREFIX_WORDS = frozenset(
    {
        "if",
        "then",
        "do",
        "else",
        "elif",
        "while",
        "until",
        "!",
        "time",
        "exec",
        "command",
        "sudo",
        "nohup",
        "{",
        "eval",
    }
)
_PLAIN = re.compile(r"[^\s\\'\"$`<>;&|()#]+")
_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_BLANKS = re.compile(r"[ \t\r]+")
_QUOTED = re.compile(r'[^"\\\n]+')  # inside double quotes: no quote, backslash or newline
# Characters with a meaning of their own in `commands`; any other starts (or goes on with) a word.
_SPECIAL = frozenset("\\\n \t\r#'\"$`<>;&|()")


class Command(NamedTuple):
    """One simple command: its words without quotes, where it starts and ends."""

    words: tuple[str, ...]
    line: int
    end_line: int
    text: str  # the source text, for snippets
    # What ends it: "\n", ";", "&&", "||", "|", "&", "(", ")", ";;", "|&" or "" (end of text).
    # `go test ./... || true` is a test whose failure nothing sees.
    after: str = ""


#: Shell read again in one scan: a Dockerfile's RUN lines by its checks and by each bake stage
#: built, a Makefile's recipes read again for a caller's variables. On moby's cold scan 86 of
#: 436 readings (30 KB of 300 KB) were repeats. Small texts only, a bounded number, oldest out.
_MEMO_MAX_TEXT = 4096
_MEMO_MAX = 256
_memo: dict[tuple[str, int], tuple[Command, ...]] = {}


def commands(script: str, first_line: int = 1) -> list[Command]:
    """Split shell text into simple commands; never raises (unbalanced quotes end at EOF)."""
    if len(script) > _MEMO_MAX_TEXT:
        return _commands(script, first_line)
    key = (script, first_line)
    found = _memo.get(key)
    if found is None:
        found = tuple(_commands(script, first_line))
        if len(_memo) >= _MEMO_MAX:
            del _memo[next(iter(_memo))]
        _memo[key] = found
    return list(found)  # a list of its own: callers may change it, never the commands


# Long on purpose: one tokenizer state machine (quotes, escapes, heredocs, separators); its
# states share locals, and splitting it would turn them into a class for no clarity gained.
def _commands(script: str, first_line: int) -> list[Command]:
    out: list[Command] = []
    words: list[str] = []
    word: list[str] = []
    in_word = False
    line = first_line
    start_line = first_line
    start_pos = 0
    heredocs: list[tuple[str, bool]] = []  # (delimiter, strip tabs) pending at next newline
    i = 0
    n = len(script)

    def end_word() -> None:
        nonlocal in_word
        if in_word:
            words.append("".join(word))
            word.clear()
            in_word = False

    def end_command(pos: int, sep: str = "") -> None:
        end_word()
        if words:
            text = script[start_pos:pos].strip()
            out.append(Command(tuple(words), start_line, line, text, sep))
            words.clear()

    def begin(pos: int) -> None:
        nonlocal in_word, start_line, start_pos
        if not words and not in_word:
            start_line = line
            start_pos = pos
        in_word = True

    while i < n:
        c = script[i]
        if c not in _SPECIAL:  # most characters: a run of plain word characters
            if not in_word:
                if not words:
                    start_line = line
                    start_pos = i
                in_word = True
            m = _PLAIN.match(script, i)
            j = m.end() if m else i + 1
            word.append(script[i:j])
            i = j
            continue
        if c == "\\" and i + 1 < n:
            if script[i + 1] == "\n":
                line += 1
                i += 2
                continue
            begin(i)
            word.append(script[i + 1])
            i += 2
            continue
        if c == "\n":
            end_command(i, "\n")
            line += 1
            i += 1
            if heredocs:
                i, line = _skip_heredocs(script, i, line, heredocs)
                heredocs.clear()
            continue
        if c in " \t\r":
            # end_word() written out and the run of blanks skipped at C speed: the most
            # frequent case (moby's 350 shell texts tokenized in 21.6 ms, was 23.6)
            if in_word:
                words.append("".join(word))
                word.clear()
                in_word = False
            blanks = _BLANKS.match(script, i)
            i = blanks.end() if blanks else i + 1
            continue
        if c == "#" and not in_word:
            j = script.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "'":
            begin(i)
            j = script.find("'", i + 1)
            j = n if j < 0 else j
            chunk = script[i + 1 : j]
            line += chunk.count("\n")
            word.append(chunk)
            i = j + 1
            continue
        if c == '"':
            begin(i)
            i += 1
            while i < n and script[i] != '"':
                m = _QUOTED.match(script, i)
                if m:  # a run of characters taken as they are
                    word.append(m.group())
                    i = m.end()
                    continue
                if script[i] == "\\" and i + 1 < n and script[i + 1] in '"\\$`\n':
                    if script[i + 1] == "\n":
                        line += 1
                    else:
                        word.append(script[i + 1])
                    i += 2
                    continue
                if script[i] == "\n":
                    line += 1
                word.append(script[i])
                i += 1
            i += 1
            continue
        if c == "$" and i + 1 < n and script[i + 1] in "({":
            begin(i)
            j = _matching(script, i + 1)
            chunk = script[i:j]
            line += chunk.count("\n")
            word.append(chunk)
            i = j
            continue
        if c == "`":
            begin(i)
            j = script.find("`", i + 1)
            j = n if j < 0 else j + 1
            chunk = script[i:j]
            line += chunk.count("\n")
            word.append(chunk)
            i = j
            continue
        if c in "<>":
            end_word()
            m = re.compile(r"<<-?|<<<|>>|>&|<&|&>|>\||<|>").match(script, i)
            assert m is not None
            op = m.group(0)
            i = m.end()
            if op in ("<<", "<<-"):
                dm = re.compile(r"[ \t]*(['\"]?)([A-Za-z0-9_.-]+)\1").match(script, i)
                if dm:
                    heredocs.append((dm.group(2), op == "<<-"))
                    i = dm.end()
            elif op in (">&", "<&"):
                dm = re.compile(r"[0-9-]+").match(script, i)
                if dm:
                    i = dm.end()
            continue
        two = script[i : i + 2]
        if two in ("&&", "||", ";;", "|&"):
            end_command(i, two)
            i += 2
            continue
        if c in ";&|()":
            end_command(i, c)
            i += 1
            continue
        begin(i)
        m = _PLAIN.match(script, i)
        j = m.end() if m else i + 1
        word.append(script[i:j])
        i = j
    end_command(n)
    return out


_BRACKETS = re.compile(r"[(){}]")


def _matching(text: str, i: int) -> int:
    """Index just past the bracket closing the one at `i` (tolerates EOF)."""
    pairs = {"(": ")", "{": "}"}
    stack = [pairs[text[i]]]
    for m in _BRACKETS.finditer(text, i + 1):  # only brackets matter: skip the rest at C speed
        ch = m.group()
        if ch in pairs:
            stack.append(pairs[ch])
        elif ch == stack[-1]:
            stack.pop()
            if not stack:
                return m.end()
    return len(text)


def _skip_heredocs(
    script: str, i: int, line: int, pending: list[tuple[str, bool]]
) -> tuple[int, int]:
    for delim, strip_tabs in pending:
        while i < len(script):
            end = script.find("\n", i)
            end = len(script) if end < 0 else end
            body = script[i:end]
            i = end + 1
            line += 1
            if (body.lstrip("\t") if strip_tabs else body).rstrip("\r") == delim:
                break
    return i, line


def strip_comment(line: str) -> str:
    """A single line without its trailing shell/YAML/Makefile comment (quote-aware)."""
    if "#" not in line:
        return line
    if "'" not in line and '"' not in line:  # no quotes: the first `#` after a blank
        idx = line.find("#")
        while idx >= 0:
            if idx == 0 or line[idx - 1] in " \t":
                return line[:idx]
            idx = line.find("#", idx + 1)
        return line
    quote = ""
    prev = " "
    for idx, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and prev in " \t":
            return line[:idx]
        prev = ch
    return line


# --------------------------------------------------------------------------- commands


_VERSIONED = re.compile(r"^(golangci-lint|govulncheck|gotestsum)[-_]v?\d[\w.-]*$")


@lru_cache(maxsize=4096)
def _normal(word: str) -> str:
    """Program name for matching: `./bin/golangci-lint` → golangci-lint, `$(GOLANGCI_LINT)` →
    golangci-lint, `@go` → go, `go1.22` stays."""
    w = word.lstrip("@-+")
    m = re.fullmatch(r"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]|\$([A-Za-z_][A-Za-z0-9_]*)", w)
    if m:
        w = (m.group(1) or m.group(2)).lower().replace("_", "-")
        if w in ("gocmd", "go-cmd", "gobin", "go-bin", "go-binary"):
            w = "go"
    w = w.rsplit("/", 1)[-1].split("@", 1)[0]
    # a versioned binary: `bin/golangci-lint-v1.61.0`, `govulncheck-1.1.3`
    versioned = _VERSIONED.match(w)
    return versioned.group(1) if versioned else w


def program_index(words: tuple[str, ...]) -> int:
    """Index of the program word, skipping `FOO=bar`, `env`, `sudo`, `if`, `time`..."""
    i = 0
    while i < len(words):
        w = words[i]
        # `=` before the regex, `lstrip` only with a prefix there: most words are neither,
        # and the CI family asks this of every command (analysing moby's 350 shell texts,
        # tokens given: 10.6 -> 9.5 ms, best of 5 paired runs)
        if ("=" in w and _ASSIGN.match(w)) or (
            w.lstrip("@-+") if w[:1] in "@-+" else w
        ) in _PREFIX_WORDS:
            i += 1
            continue
        if _normal(w) == "env":
            i += 1
            # `env $(cat .env | xargs) go test`: a substitution there expands to assignments
            while i < len(words) and (
                words[i].startswith(("-", "$(", "`")) or _ASSIGN.match(words[i])
            ):
                i += 1
            continue
        return i
    return len(words)


_INTERESTING = frozenset(
    {
        "go",
        "gotestsum",
        "ginkgo",
        "richgo",
        "gotest",
        "go-test",
        "govulncheck",
        "golangci-lint",
        "golangci",
        "make",
        "gmake",
        "task",
        "go-task",
        "sh",
        "bash",
        "zsh",
        "dash",
        "source",
        ".",
        "docker",
        "podman",
        "nerdctl",
        "migrate",
        "atlas",
        "goose",
    }
)


def worth_reading(cmd: Command) -> bool:
    """Cheap first look: could this command run a tool or hand over to a target or script?"""
    i = program_index(cmd.words)
    if i >= len(cmd.words):
        return False
    word = cmd.words[i]
    name = _normal(word)
    return (
        name in _INTERESTING
        or name.startswith("go1.")
        or "/" in word
        or word.endswith((".sh", ".bash"))
    )


def program(cmd: Command) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(normalised program name, its arguments, env assignments before it)."""
    i = program_index(cmd.words)
    if i >= len(cmd.words):
        return "", (), cmd.words
    return _normal(cmd.words[i]), cmd.words[i + 1 :], cmd.words[:i]


def _operands(args: tuple[str, ...]) -> list[str]:
    return [a for a in args if not a.startswith("-")]


TEST_RUNNERS = frozenset({"gotestsum", "ginkgo", "richgo", "gotest", "go-test"})


def tool_of(cmd: Command) -> tuple[str, tuple[str, ...]]:
    """What a command runs, seeing through `go run pkg@v` and `go tool name`: (tool, args)."""
    prog, args, _ = program(cmd)
    if prog == "go" or re.fullmatch(r"go1\.\d+(\.\d+)?", prog):
        ops = _operands(args)
        if ops[:1] in (["run"], ["tool"]) and len(ops) > 1:
            tool = _normal(ops[1])
            rest = args[args.index(ops[1]) + 1 :]
            return tool, rest
        return "go", args
    return prog, args


#: Flags that make a tool print something and exit without running: `gotestsum --version`.
_ONLY_PRINTS = frozenset({"--version", "-version", "-v", "version", "--help", "-h", "help"})


def _only_prints(args: tuple[str, ...]) -> bool:
    return bool(args) and all(a in _ONLY_PRINTS for a in args)


def runs_tests(cmd: Command) -> bool:
    tool, args = tool_of(cmd)
    if _only_prints(args):
        return False
    if tool == "go":
        ops = _operands(args)
        return bool(ops) and ops[0] == "test"
    if tool in ("richgo",):
        return "test" in args
    return tool in TEST_RUNNERS


_RACE = re.compile(r"(?:^|\s)--?race(?:=(?:true|1))?(?:\s|$)")


def has_race(cmd: Command) -> bool:
    """A test command passing -race (as a flag, in a flags word, or through GOFLAGS=)."""
    if not runs_tests(cmd):
        return False
    _, args, env = program(cmd)
    if any(_RACE.search(a) for a in args):
        return True
    return any(a.startswith("GOFLAGS=") and _RACE.search(a[8:]) for a in env)


def runs_govulncheck(cmd: Command) -> bool:
    tool, args = tool_of(cmd)
    return tool == "govulncheck" and not _only_prints(args)


def runs_golangci_lint(cmd: Command) -> bool:
    tool, args = tool_of(cmd)
    if tool not in ("golangci-lint", "golangci") or _only_prints(args):
        return False
    ops = _operands(args)
    # `golangci-lint run` lints; `version`, `linters`, `cache`, `fmt`, `help` do not.
    return not ops or ops[0] == "run" or ops[0].startswith((".", "/"))


def shell_c(cmd: Command) -> str | None:
    """The script of `sh -c '...'` / `bash -c '...'`, if that is what this command is."""
    prog, args, _ = program(cmd)
    if prog in ("sh", "bash", "zsh", "dash") and "-c" in args:
        idx = args.index("-c")
        if idx + 1 < len(args):
            return args[idx + 1]
    return None


# --------------------------------------------------------------------------- failures ignored

#: Commands that succeed whatever happened before them: `|| true`, `|| echo failed`...
_ALWAYS_SUCCEED = frozenset({"true", ":", "echo", "printf"})


def _succeeds(cmd: Command) -> bool:
    """`true`, `:`, `echo ...`, `printf ...` or `exit 0`: a command that cannot fail."""
    prog, args, _ = program(cmd)
    if prog in _ALWAYS_SUCCEED:
        return True
    return prog == "exit" and (not args or args[0] == "0")


def _fails(cmd: Command) -> bool:
    """`exit 1`, `false`, `return 2`: what a failure handler does to fail after all."""
    prog, args, _ = program(cmd)
    if prog == "false":
        return True
    return prog in ("exit", "return") and bool(args) and args[0] != "0"


def errexit_change(cmd: Command) -> bool | None:
    """True for `set -e` (or `-o errexit`, `-eu`...), False for `set +e`; None otherwise."""
    if not cmd.words or cmd.words[0] != "set":
        return None
    change: bool | None = None
    args = cmd.words[1:]
    for n, word in enumerate(args):
        if word in ("-o", "+o") and n + 1 < len(args) and args[n + 1] == "errexit":
            change = word == "-o"
        elif re.fullmatch(r"[-+][a-zA-Z]+", word) and "e" in word[1:]:
            change = word[0] == "-"
    return change


def failure_ignored(cmds: list[Command], i: int, *, errexit: bool, set_plus_e: bool) -> str | None:
    """Why the failure of `cmds[i]` cannot fail the script it runs in, or None.

    - `cmd || true` (or `|| :`, `|| echo ...`, `|| exit 0`), also after a `&&` chain, unless
      the handler fails after all (`|| { echo failed; exit 1; }`);
    - `cmd; true` where the shell does not stop at a failure (a Makefile recipe line, a
      script without `set -e`): the last command's status is the line's;
    - `set +e` before it, and nothing afterwards looks at `$?` or turns `set -e` back on.
    """
    j = i
    while cmds[j].after == "&&" and j + 1 < len(cmds):
        j += 1
    if cmds[j].after == "||" and j + 1 < len(cmds):
        handler = [c for c in cmds[j + 1 : j + 8] if program_index(c.words) < len(c.words)]
        if handler and _succeeds(handler[0]) and not any(_fails(c) for c in handler[1:6]):
            return f"`|| {common_text(handler[0])}` after it: its failure never fails the build"
        return None
    rest = cmds[i + 1 :]
    if set_plus_e and rest:
        checked = any(
            "$?" in c.text
            or "${?}" in c.text
            or "PIPESTATUS" in c.text
            or errexit_change(c) is True
            or _fails(c)
            for c in rest
        )
        if not checked:
            return "`set +e` before it and its exit status is never checked"
    plain_next = bool(rest) and rest[0].words[0] not in _PREFIX_WORDS  # not `then echo ok`
    if not errexit and cmds[i].after in (";", "\n") and plain_next and _succeeds(rest[0]):
        return (
            f"`; {common_text(rest[0])}` after it, and the shell does not stop on errors:"
            " the last command's status is the step's"
        )
    return None


def common_text(cmd: Command) -> str:
    """A command as written, shortened for a message."""
    text = " ".join(cmd.words)
    return text if len(text) <= 40 else text[:39] + "…"


def _flag_value(args: tuple[str, ...], names: tuple[str, ...]) -> str | None:
    """The value of `--name=v`, `--name v` or `-name v` among args (the last one given)."""
    value: str | None = None
    for n, arg in enumerate(args):
        for name in names:
            if arg.startswith(name + "="):
                value = arg[len(name) + 1 :]
            elif arg == name and n + 1 < len(args):
                value = args[n + 1]
    return value


def tool_never_fails(cmd: Command) -> str | None:
    """Why a lint or vulnerability command exits 0 whatever it finds, or None.

    `golangci-lint run --issues-exit-code=0` reports and succeeds; `govulncheck -json` (or
    `-format json|sarif|openvex`) always exits 0: the exit code says nothing about findings."""
    tool, args = tool_of(cmd)
    if tool in ("golangci-lint", "golangci"):
        code = _flag_value(args, ("--issues-exit-code", "-issues-exit-code"))
        if code is not None and code.strip() == "0":
            return "`--issues-exit-code=0`: golangci-lint succeeds whatever it finds"
    if tool == "govulncheck":
        fmt = _flag_value(args, ("-format", "--format"))
        if (
            "-json" in args
            or "--json" in args
            or (fmt or "").lower() in ("json", "sarif", "openvex")
        ):
            return "`govulncheck` with JSON/SARIF output exits 0 whatever it finds"
    return None


def runs_migrations(cmd: Command) -> bool | None:
    """A migration runner applying migrations: True when it takes a lock (golang-migrate's
    `migrate -path ... up`, `atlas migrate apply`), False when it does not (`goose up`), None
    for anything else."""
    tool, args = tool_of(cmd)
    ops = _operands(args)
    if tool == "migrate" and {"up", "goto"} & set(ops):
        flags = ("-path", "--path", "-source", "--source", "-database", "--database")
        return True if any(a.startswith(flags) for a in args) else None
    if tool == "atlas" and ops[:2] == ["migrate", "apply"]:
        return True
    if tool == "goose" and {"up", "up-by-one", "up-to"} & set(ops):
        return False
    return None
