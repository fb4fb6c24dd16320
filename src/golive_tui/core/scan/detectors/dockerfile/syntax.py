"""Dockerfile syntax: the parser, the stage graph and base image names.

A Dockerfile is parsed here rather than with dockerfile-parse, which reads heredoc bodies
(`RUN <<EOF ... EOF`) as instructions - a `USER root` line inside a heredoc would then count.
The parser follows BuildKit's rules: the `# escape=` directive, line continuations (comments
and blank lines inside them skipped), heredocs, JSON and shell forms, ARGs declared before
the first FROM substituted into base images, stages addressed by name or index.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping

from golive_tui.core.scan.detectors import common

KEYWORDS = frozenset(
    {
        "FROM",
        "RUN",
        "CMD",
        "LABEL",
        "MAINTAINER",
        "EXPOSE",
        "ENV",
        "ADD",
        "COPY",
        "ENTRYPOINT",
        "VOLUME",
        "USER",
        "WORKDIR",
        "ARG",
        "ONBUILD",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "SHELL",
    }
)
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_.-]*)\2")
_DIRECTIVE = re.compile(r"#\s*([A-Za-z_]+)\s*=\s*(\S*)\s*$")
_VAR = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)


class DockerfileError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# Plain slotted classes, not dataclasses: a cold scan imports this module, and `@dataclass`
# imports inspect (dataclasses ~6 ms for the cold scan's modules) and compiles each class's
# methods (~0.4 ms a class). Parsing fills them in, so they stay mutable.


class Instruction:
    __slots__ = ("args", "end_line", "flags", "heredocs", "keyword", "line", "physical")

    def __init__(
        self,
        keyword: str,
        args: str,
        line: int,
        end_line: int,
        physical: list[tuple[int, str]],
        flags: dict[str, str] | None = None,
        heredocs: list[tuple[int, str]] | None = None,
    ) -> None:
        self.keyword = keyword
        #: argument text, continuations joined (newlines kept), heredoc bodies excluded
        self.args = args
        self.line = line
        self.end_line = end_line
        self.physical = physical  # source lines of the instruction, for locating words
        self.flags: dict[str, str] = {} if flags is None else flags
        #: (first body line, body)
        self.heredocs: list[tuple[int, str]] = [] if heredocs is None else heredocs

    @property
    def snippet(self) -> str:
        return common.snippet(self.physical[0][1] if self.physical else self.keyword)

    def locate(self, pattern: re.Pattern[str]) -> tuple[int, str]:
        """(line, snippet) of the first source line matching `pattern` (else the first line)."""
        from golive_tui.core.scan.detectors import shell  # only when there is text to read

        for number, text in self.physical:
            if pattern.search(shell.strip_comment(text)):
                return number, common.snippet(text)
        for start, body in self.heredocs:
            for offset, text in enumerate(body.splitlines()):
                if pattern.search(shell.strip_comment(text)):
                    return start + offset, common.snippet(text)
        return self.line, self.snippet

    def shell_text(self) -> str:
        """The script a RUN executes: its shell form and heredoc bodies (JSON form joined).
        A line continuation joins the lines with nothing between them, as BuildKit does: the
        newlines kept in `args` are not command separators."""
        text = self.args.replace("\n", "")
        if is_json_form(text):
            text = " ".join(json_words(text))
        return "\n".join([text, *(body for _, body in self.heredocs)])


class Stage:
    __slots__ = ("base", "base_raw", "index", "instructions", "line", "name", "parent", "snippet")

    def __init__(
        self,
        index: int,
        name: str,
        base_raw: str,
        base: str,
        line: int,
        snippet: str,
        instructions: list[Instruction] | None = None,
        parent: int | None = None,
    ) -> None:
        self.index = index
        self.name = name  # lower-cased `AS` name, "" if none
        self.base_raw = base_raw  # image as written
        self.base = base  # image with ARGs before the first FROM substituted
        self.line = line
        self.snippet = snippet
        self.instructions: list[Instruction] = [] if instructions is None else instructions
        self.parent = parent  # index of the stage this one is built FROM, if any


class Dockerfile:
    __slots__ = ("global_args", "stages")

    def __init__(self, stages: list[Stage], global_args: dict[str, str]) -> None:
        self.stages = stages
        self.global_args = global_args


def is_json_form(args: str) -> bool:
    text = args.strip()
    if not text.startswith("["):
        return False
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def json_words(args: str) -> list[str]:
    value = json.loads(args.strip())
    return [str(v) for v in value]


def substitute(text: str, env: Mapping[str, str]) -> str:
    """Dockerfile variable expansion: $X, ${X}, ${X:-default}, ${X:+alt} (unknown left as is)."""

    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(4)
        op, word = m.group(2), m.group(3) or ""
        value = env.get(name)
        if op in (":-", "-"):
            return value if value else word
        if op in (":+", "+"):
            return word if value else ""
        return value if value is not None else m.group(0)

    return _VAR.sub(repl, text)


def split_flags(args: str) -> tuple[dict[str, str], str]:
    flags: dict[str, str] = {}
    rest = args.lstrip()
    while rest.startswith("--"):
        token, _, tail = rest.partition(" ")
        name, _, value = token[2:].partition("=")
        flags.setdefault(name.lower(), value)
        if name.lower() == "mount":
            flags[f"mount:{len(flags)}"] = value
        rest = tail.lstrip()
    return flags, rest


#: What `shlex.split` (posix, no comments) reads other than words and its blanks.
_SHLEX_SPECIAL = re.compile(r"[\"'\\]")
#: A word between shlex's blanks.
_SHLEX_WORD = re.compile(r"[^ \t\r\n]+")


def kv_pairs(args: str) -> dict[str, str]:
    """ENV/ARG pairs: `A=1 B="x y"`, or the legacy `ENV KEY value with spaces`."""
    text = args.strip()
    if _SHLEX_SPECIAL.search(text) is None:
        # No quote or backslash: shlex's words are the runs between its blanks (most ENV and
        # ARG lines), found without its character-at-a-time reader: moby's 91 such lines
        # (Dockerfiles and the stages bake builds) 1.11 -> 0.40 ms.
        words = _SHLEX_WORD.findall(text)
    else:
        try:
            words = shlex.split(text, posix=True)
        except ValueError:
            words = text.split()
    if not words:
        return {}
    if "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    out: dict[str, str] = {}
    for w in words:
        key, eq, value = w.partition("=")
        out[key] = value if eq else ""
    return out


def parse(text: str) -> Dockerfile:
    """Parse a Dockerfile. Raises DockerfileError(line, message) on what BuildKit would reject."""
    lines = text.splitlines()
    escape = "\\"
    i = 0
    # Parser directives: only at the very top, before any comment, blank line or instruction.
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i].strip())
        if not m:
            break
        if m.group(1).lower() == "escape":
            if m.group(2) not in ("\\", "`"):
                raise DockerfileError(i + 1, f"invalid escape directive {m.group(2)!r}")
            escape = m.group(2)
        i += 1

    instructions: list[Instruction] = []
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        start = i
        physical = [(i + 1, raw)]
        parts = [raw.rstrip()]
        while parts[-1].endswith(escape):
            parts[-1] = parts[-1][: -len(escape)]
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
                i += 1
            if i >= len(lines):
                break
            physical.append((i + 1, lines[i]))
            parts.append(lines[i].rstrip())
        i += 1
        joined = "\n".join(parts).strip()
        head = re.match(r"(\S+)\s*(.*)\Z", joined, re.S)
        assert head is not None  # `joined` is non-blank
        word, args = head.group(1), head.group(2)
        keyword = word.upper()
        if keyword not in KEYWORDS:
            raise DockerfileError(start + 1, f"unknown instruction {word!r}")
        instr = Instruction(keyword, args.strip(), start + 1, physical[-1][0], physical)
        if keyword in ("RUN", "COPY", "ADD"):
            for m in _HEREDOC.finditer(args):
                strip_tabs, delim = m.group(1) == "-", m.group(3)
                body_start = i + 1
                body: list[str] = []
                while True:
                    if i >= len(lines):
                        raise DockerfileError(instr.line, f"heredoc <<{delim} is not terminated")
                    current = lines[i]
                    i += 1
                    if (current.lstrip("\t") if strip_tabs else current).rstrip() == delim:
                        break
                    body.append(current)
                instr.heredocs.append((body_start, "\n".join(body)))
                instr.end_line = i
        if keyword in ("FROM", "COPY", "ADD", "RUN", "HEALTHCHECK"):
            instr.flags, _ = split_flags(instr.args)
        instructions.append(instr)
    return _stages(instructions)


def _stages(instructions: list[Instruction]) -> Dockerfile:
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    names: dict[str, int] = {}
    for instr in instructions:
        if instr.keyword == "FROM":
            _, rest = split_flags(instr.args)
            words = rest.split()
            if not words:
                raise DockerfileError(instr.line, "FROM without an image")
            image = words[0]
            name = ""
            if len(words) >= 3 and words[1].upper() == "AS":
                name = words[2].lower()
            elif len(words) > 1:
                raise DockerfileError(instr.line, f"unexpected words after FROM image: {rest!r}")
            resolved = substitute(image, global_args)
            parent = names.get(resolved.lower())
            stage = Stage(
                len(stages), name, image, resolved, instr.line, instr.snippet, parent=parent
            )
            stages.append(stage)
            if name:
                names[name] = stage.index
            continue
        if not stages:
            if instr.keyword == "ARG":
                for key, value in kv_pairs(instr.args).items():
                    global_args[key] = substitute(value, global_args)
                continue
            raise DockerfileError(instr.line, f"{instr.keyword} before the first FROM")
        stages[-1].instructions.append(instr)
    if not stages:
        raise DockerfileError(1, "no FROM instruction")
    return Dockerfile(stages, global_args)


# --------------------------------------------------------------------------- stage graph and images


def chain(df: Dockerfile, stage: Stage) -> list[Stage]:
    """The stage and the earlier stages it is built FROM, nearest first."""
    out = [stage]
    while out[-1].parent is not None and out[-1].parent < out[-1].index and len(out) < 64:
        out.append(df.stages[out[-1].parent])
    return out


def sources(instr: Instruction) -> list[str]:
    """Stages or images an instruction reads from: COPY --from, RUN --mount=from=."""
    found = [instr.flags.get("from", "")] if instr.keyword in ("COPY", "ADD") else []
    for key, value in instr.flags.items():
        if key.startswith("mount:"):
            m = re.search(r"(?:^|,)from=([^,]+)", value)
            if m:
                found.append(m.group(1))
    return [f.lower() for f in found if f]


def stage_ref(df: Dockerfile, ref: str, before: int) -> int | None:
    """Index of the stage `ref` names (by name or index), if it is earlier than `before`."""
    if ref.isdigit():
        return int(ref) if int(ref) < before else None
    idx = next((s.index for s in df.stages if s.name == ref), None)
    return idx if idx is not None and idx < before else None


def needed(df: Dockerfile, stage: Stage) -> set[int]:
    """Stages whose results reach `stage` (its FROM chain and what it copies, transitively)."""
    seen: set[int] = set()
    todo = [stage.index]
    while todo:
        idx = todo.pop()
        if idx in seen:
            continue
        seen.add(idx)
        current = df.stages[idx]
        if current.parent is not None:
            todo.append(current.parent)
        for instr in current.instructions:
            for src in sources(instr):
                ref = stage_ref(df, src, idx)
                if ref is not None:
                    todo.append(ref)
    return seen


def image_name(ref: str) -> tuple[str, str]:
    """(repository path lower-cased incl. registry, tag) of an image reference."""
    ref = ref.split("@", 1)[0].lower()
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        repo, tag = ref.rsplit(":", 1)
        return repo, tag
    return ref, ""


_FULL_DISTROS = frozenset(
    {
        "ubuntu",
        "debian",
        "centos",
        "fedora",
        "rockylinux",
        "almalinux",
        "amazonlinux",
        "oraclelinux",
        "opensuse",
        "leap",
        "tumbleweed",
        "archlinux",
        "buildpack-deps",
        "ubi",
        "ubi8",
        "ubi9",
    }
)
_TOOLCHAINS = frozenset({"golang", "go", "node", "python", "ruby", "openjdk", "rust", "gcc"})


def classify_base(ref: str) -> str:
    """scratch / distroless / chainguard / alpine / busybox / ubi-minimal (minimal ones),
    toolchain / distro (not minimal), or unknown."""
    if "$" in ref:
        return "unknown"
    repo, tag = image_name(ref)
    last = repo.rsplit("/", 1)[-1]
    if repo == "scratch":
        return "scratch"
    if "distroless" in repo:
        return "distroless"
    if last in _TOOLCHAINS:
        return "toolchain"
    if repo.startswith(("cgr.dev/chainguard/", "chainguard/")):
        return "chainguard"
    if last == "alpine" or last.endswith("-alpine"):
        return "alpine"
    if last.startswith("busybox"):
        return "busybox"
    if last in (
        "ubi-minimal",
        "ubi-micro",
        "ubi8-minimal",
        "ubi9-minimal",
        "ubi8-micro",
        "ubi9-micro",
    ):
        return "ubi-minimal"
    if last in _FULL_DISTROS:
        return "distro"
    if "alpine" in tag:
        return "alpine"
    return "unknown"
