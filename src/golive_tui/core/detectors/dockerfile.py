"""Dockerfile evidence: how the image is staged, based, run and built.

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
from dataclasses import dataclass, field
from typing import Any

from golive_tui.core.detectors import common
from golive_tui.core.detectors.base import FileScan, Finding, ScannedFile
from golive_tui.core.model import DetectorResult, Evidence, Polarity

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


@dataclass(slots=True)
class Instruction:
    keyword: str
    args: str  # argument text, continuations joined (newlines kept), heredoc bodies excluded
    line: int
    end_line: int
    physical: list[tuple[int, str]]  # source lines of the instruction, for locating words
    flags: dict[str, str] = field(default_factory=dict)
    heredocs: list[tuple[int, str]] = field(default_factory=list)  # (first body line, body)

    @property
    def snippet(self) -> str:
        return common.snippet(self.physical[0][1] if self.physical else self.keyword)

    def locate(self, pattern: re.Pattern[str]) -> tuple[int, str]:
        """(line, snippet) of the first source line matching `pattern` (else the first line)."""
        from golive_tui.core.detectors import shell  # only when there is text to read

        for number, text in self.physical:
            if pattern.search(shell.strip_comment(text)):
                return number, common.snippet(text)
        for start, body in self.heredocs:
            for offset, text in enumerate(body.splitlines()):
                if pattern.search(shell.strip_comment(text)):
                    return start + offset, common.snippet(text)
        return self.line, self.snippet

    def shell_text(self) -> str:
        """The script a RUN executes: its shell form and heredoc bodies (JSON form joined)."""
        text = self.args
        if is_json_form(text):
            text = " ".join(json_words(text))
        return "\n".join([text, *(body for _, body in self.heredocs)])


@dataclass(slots=True)
class Stage:
    index: int
    name: str  # lower-cased `AS` name, "" if none
    base_raw: str  # image as written
    base: str  # image with ARGs before the first FROM substituted
    line: int
    snippet: str
    instructions: list[Instruction] = field(default_factory=list)
    parent: int | None = None  # index of the stage this one is built FROM, if any


@dataclass(slots=True)
class Dockerfile:
    stages: list[Stage]
    global_args: dict[str, str]


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


def _split_flags(args: str) -> tuple[dict[str, str], str]:
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


def _kv_pairs(args: str) -> dict[str, str]:
    """ENV/ARG pairs: `A=1 B="x y"`, or the legacy `ENV KEY value with spaces`."""
    text = args.strip()
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
            instr.flags, _ = _split_flags(instr.args)
        instructions.append(instr)
    return _stages(instructions)


def _stages(instructions: list[Instruction]) -> Dockerfile:
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    names: dict[str, int] = {}
    for instr in instructions:
        if instr.keyword == "FROM":
            _, rest = _split_flags(instr.args)
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
                for key, value in _kv_pairs(instr.args).items():
                    global_args[key] = substitute(value, global_args)
                continue
            raise DockerfileError(instr.line, f"{instr.keyword} before the first FROM")
        stages[-1].instructions.append(instr)
    if not stages:
        raise DockerfileError(1, "no FROM instruction")
    return Dockerfile(stages, global_args)


# --------------------------------------------------------------------------- analysis


def chain(df: Dockerfile, stage: Stage) -> list[Stage]:
    """The stage and the earlier stages it is built FROM, nearest first."""
    out = [stage]
    while out[-1].parent is not None and out[-1].parent < out[-1].index and len(out) < 64:
        out.append(df.stages[out[-1].parent])
    return out


def _sources(instr: Instruction) -> list[str]:
    """Stages or images an instruction reads from: COPY --from, RUN --mount=from=."""
    found = [instr.flags.get("from", "")] if instr.keyword in ("COPY", "ADD") else []
    for key, value in instr.flags.items():
        if key.startswith("mount:"):
            m = re.search(r"(?:^|,)from=([^,]+)", value)
            if m:
                found.append(m.group(1))
    return [f.lower() for f in found if f]


def _stage_ref(df: Dockerfile, ref: str, before: int) -> int | None:
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
            for src in _sources(instr):
                ref = _stage_ref(df, src, idx)
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


_MINIMAL = frozenset({"scratch", "distroless", "chainguard", "alpine", "busybox", "ubi-minimal"})
_BASES_WITH_CERTS = frozenset({"distroless", "chainguard", "alpine", "ubi-minimal"})
_CGO_OFF = re.compile(r"\bCGO_ENABLED\s*[= ]\s*[\"']?0\b")
_CGO_ON = re.compile(r"\bCGO_ENABLED\s*[= ]\s*[\"']?1\b")
_EXT_STATIC = re.compile(r"-extldflags[= ]+[\"'\\]*-static\b")
_CERTS = re.compile(r"ca-certificates|/etc/ssl/certs|ca-bundle")
_ROOT_USERS = frozenset({"root", "0"})


def _user_of(instr: Instruction, env: Mapping[str, str]) -> str:
    words = instr.args.split()
    return substitute(words[0], env) if words else ""


def _stage_env(df: Dockerfile, stages: list[Stage]) -> dict[str, str]:
    """ARG/ENV values visible at the end of a stage chain (ancestors first)."""
    env: dict[str, str] = {}
    for stage in reversed(stages):
        for instr in stage.instructions:
            if instr.keyword in ("ARG", "ENV"):
                for key, value in _kv_pairs(instr.args).items():
                    if instr.keyword == "ARG" and not value:
                        value = df.global_args.get(key, env.get(key, ""))
                    env[key] = substitute(value, env)
    return env


def _finding(detector: str, line: int, polarity: Polarity, snippet: str, **facts: Any) -> Finding:
    return Finding(detector, line, line, polarity.value, snippet, facts)


def analyse(df: Dockerfile) -> list[Finding]:
    from golive_tui.core.detectors import shell  # only when there is text to read

    final = df.stages[-1]
    lineage = chain(df, final)
    root = lineage[-1]
    base_kind = classify_base(root.base)
    in_final = [instr for stage in lineage for instr in stage.instructions]
    lineage_idx = {s.index for s in lineage}
    out: list[Finding] = []

    # docker.multistage
    copies = False
    for instr in in_final:
        for src in _sources(instr):
            ref = _stage_ref(df, src, final.index)
            copies |= ref is not None and ref not in lineage_idx
    multi = len(df.stages) >= 2 and copies
    facts: dict[str, Any] = {
        "stages": len(df.stages),
        "final_base": final.base_raw,
        "copies_from_stage": copies,
    }
    if root.base != final.base_raw:
        facts["final_base_resolved"] = root.base
    out.append(
        _finding(
            "docker.multistage",
            final.line,
            Polarity.POSITIVE if multi else Polarity.CONTRARY,
            final.snippet,
            **facts,
        )
    )

    # docker.non_root_user
    env = _stage_env(df, lineage)
    user_instr = next(
        (i for stage in lineage for i in reversed(stage.instructions) if i.keyword == "USER"),
        None,
    )
    repo, tag = image_name(root.base)
    image_nonroot = ("distroless" in repo and "nonroot" in tag) or (
        repo.startswith("cgr.dev/chainguard/static") and "dev" not in tag
    )
    if user_instr is not None:
        user = _user_of(user_instr, env)
        is_root = user.split(":", 1)[0].lower() in _ROOT_USERS
        out.append(
            _finding(
                "docker.non_root_user",
                user_instr.line,
                Polarity.CONTRARY if is_root else Polarity.POSITIVE,
                user_instr.snippet,
                final_user=user,
            )
        )
    elif image_nonroot:
        out.append(
            _finding(
                "docker.non_root_user",
                final.line,
                Polarity.POSITIVE,
                final.snippet,
                final_user="",
                image_default_user="nonroot",
                note=f"no USER, but {root.base} runs as nonroot by default",
            )
        )
    else:
        out.append(
            _finding(
                "docker.non_root_user", final.line, Polarity.CONTRARY, final.snippet, final_user=""
            )
        )

    # docker.minimal_base
    if base_kind != "unknown":
        out.append(
            _finding(
                "docker.minimal_base",
                final.line,
                Polarity.POSITIVE if base_kind in _MINIMAL else Polarity.CONTRARY,
                final.snippet,
                base=root.base,
                kind=base_kind,
            )
        )

    # docker.healthcheck
    health = next(
        (
            i
            for stage in lineage
            for i in reversed(stage.instructions)
            if i.keyword == "HEALTHCHECK"
        ),
        None,
    )
    if health is not None:
        _, command = _split_flags(health.args)
        none = command.strip().upper() == "NONE"
        out.append(
            _finding(
                "docker.healthcheck",
                health.line,
                Polarity.CONTRARY if none else Polarity.POSITIVE,
                health.snippet,
                command=common.snippet(command, 120),
            )
        )

    # docker.static_binary: CGO off (or -extldflags -static) in a stage the final image uses
    static_seen = False
    cgo_on: Instruction | None = None
    used = needed(df, final)
    for stage in df.stages:
        if stage.index not in used:
            continue
        for instr in stage.instructions:
            if instr.keyword in ("ENV", "ARG"):
                text = instr.args
            elif instr.keyword == "RUN":
                text = "\n".join(" ".join(cmd.words) for cmd in shell.commands(instr.shell_text()))
            else:
                continue
            for pattern, how in ((_CGO_OFF, "CGO_ENABLED=0"), (_EXT_STATIC, "-extldflags -static")):
                if pattern.search(text):
                    static_seen = True
                    where, text_at = instr.locate(pattern)
                    out.append(
                        _finding(
                            "docker.static_binary",
                            where,
                            Polarity.POSITIVE,
                            text_at,
                            stage=stage.name or str(stage.index),
                            via=how,
                        )
                    )
                    break
            if cgo_on is None and _CGO_ON.search(text):
                cgo_on = instr
    static_final = base_kind == "scratch" or (
        base_kind == "distroless" and "static" in image_name(root.base)[0]
    )
    if cgo_on is not None and static_final and not static_seen:
        where, text_at = cgo_on.locate(_CGO_ON)
        out.append(
            _finding(
                "docker.static_binary",
                where,
                Polarity.CONTRARY,
                text_at,
                final_base=root.base,
                note="CGO_ENABLED=1 builds a dynamically linked binary; the final base has no libc",
            )
        )

    # docker.ca_certificates
    certs: Finding | None = None
    for instr in in_final:
        if instr.keyword in ("COPY", "ADD") and _CERTS.search(instr.args):
            certs = _finding(
                "docker.ca_certificates",
                instr.line,
                Polarity.POSITIVE,
                instr.snippet,
                via="copied",
            )
        elif instr.keyword == "RUN":
            for cmd in shell.commands(instr.shell_text()):
                prog, args, _ = shell.program(cmd)
                if prog in ("apk", "apt-get", "apt", "yum", "dnf", "microdnf") and any(
                    a.startswith("ca-certificates") for a in args
                ):
                    where, text_at = instr.locate(re.compile("ca-certificates"))
                    certs = _finding(
                        "docker.ca_certificates",
                        where,
                        Polarity.POSITIVE,
                        text_at,
                        via="installed",
                    )
        if certs:
            break
    if certs is None and base_kind in _BASES_WITH_CERTS:
        certs = _finding(
            "docker.ca_certificates",
            final.line,
            Polarity.POSITIVE,
            final.snippet,
            via=f"{base_kind} base image ships CA certificates",
        )
    runnable = any(i.keyword in ("ENTRYPOINT", "CMD") for i in in_final)
    if certs is None and base_kind == "scratch" and runnable:
        certs = _finding(
            "docker.ca_certificates",
            final.line,
            Polarity.CONTRARY,
            final.snippet,
            via="scratch image without ca-certificates copied in",
        )
    if certs is not None:
        out.append(certs)
    return out


# --------------------------------------------------------------------------- extractor

DETECTORS = (
    "docker.multistage",
    "docker.non_root_user",
    "docker.minimal_base",
    "docker.healthcheck",
    "docker.static_binary",
    "docker.ca_certificates",
)


class DockerfileExtractor:
    name = "dockerfile"
    version = "1"
    detectors = DETECTORS

    def matches(self, path: str) -> bool:
        return common.is_dockerfile(path) and not common.is_foreign(path)

    def prefilter(self) -> tuple[bytes, ...] | None:
        return None  # every Dockerfile matters: one evidence item each

    def extract(self, path: str, text: str) -> FileScan:
        try:
            df = parse(text)
        except DockerfileError as exc:
            return FileScan(errors=(common.error(exc.line, exc.message),))
        except Exception as exc:  # a parser bug must not end the scan
            return FileScan(errors=(common.error(1, f"could not parse: {exc}"),))
        try:
            findings = analyse(df)
        except Exception as exc:
            return FileScan(errors=(common.error(1, f"could not analyse: {exc}"),))
        return FileScan(
            findings=tuple(findings),
            meta={"stages": len(df.stages), "final_base": df.stages[-1].base},
        )

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        out: list[DetectorResult] = []
        for det in DETECTORS:
            title = common.title_of(det)
            if not files:
                out.append(common.not_applicable(det, title, "no Dockerfile in the repository"))
                continue
            ev = common.collect(files, det)
            out.append(
                common.result(
                    det,
                    title,
                    ev,
                    _summary(det, ev, len(files)),
                    errors=common.errors_for(files, det),
                )
            )
        return out


def _summary(det: str, ev: tuple[Evidence, ...], n_files: int) -> str:
    pos = [e for e in ev if e.polarity is Polarity.POSITIVE]
    con = [e for e in ev if e.polarity is Polarity.CONTRARY]
    of = f"of {common.plural(n_files, 'Dockerfile')}"
    if det == "docker.multistage":
        if not con:
            return f"{len(pos)} {of} build in stages and copy the result into the final stage"
        single = [e.path for e in con if e.facts.get("stages") == 1]
        return f"{len(pos)} {of} multi-stage; {len(con)} not" + (
            f" ({len(single)} single-stage)" if single else ""
        )
    if det == "docker.non_root_user":
        via_image = [e for e in pos if e.facts.get("image_default_user")]
        text = f"{len(pos)} {of} run as a non-root user"
        if via_image:
            text += f" ({len(via_image)} through a distroless/chainguard nonroot base, no USER)"
        if con:
            rooted = [e for e in con if e.facts.get("final_user")]
            text += f"; {len(con)} run as root" + (
                f" ({len(rooted)} by explicit USER)" if rooted else " (no USER)"
            )
        return text
    if det == "docker.minimal_base":
        if not ev:
            return f"final base images not recognised ({n_files} Dockerfile(s))"
        kinds = sorted({f"{e.facts.get('base')}" for e in con})
        text = f"{len(pos)} {of} on a minimal base"
        return text + (f"; not minimal: {', '.join(kinds)}" if kinds else "")
    if det == "docker.healthcheck":
        if not ev:
            return "no HEALTHCHECK in any final stage (orchestrator probes may cover this)"
        return f"{len(pos)} {of} declare a HEALTHCHECK" + (
            f"; {len(con)} disable it (HEALTHCHECK NONE)" if con else ""
        )
    if det == "docker.static_binary":
        if not ev:
            return "no CGO_ENABLED=0 (or -extldflags -static) in any Dockerfile"
        text = f"{common.plural(len(pos), 'static build setting')} found"
        return text + (
            f"; {len(con)} CGO_ENABLED=1 build(s) on a libc-less final base" if con else ""
        )
    if det == "docker.ca_certificates":
        if not ev:
            return "could not tell whether the final images carry CA certificates"
        text = f"{len(pos)} {of} carry CA certificates"
        return text + (f"; {len(con)} scratch image(s) without them" if con else "")
    return ""


EXTRACTORS = (DockerfileExtractor(),)
