"""The Dockerfile detectors, one function each over the final image worked out once.

Each detector is a `DockerCheck`: what it finds in one Dockerfile (`find`) and how the
findings of every Dockerfile read as one summary (`summarise`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from golive_tui.core.evidence import Evidence, Polarity
from golive_tui.core.scan.detectors import common
from golive_tui.core.scan.detectors.base import Finding
from golive_tui.core.scan.detectors.dockerfile.syntax import (
    Dockerfile,
    Instruction,
    Stage,
    chain,
    classify_base,
    image_name,
    is_json_form,
    json_words,
    kv_pairs,
    needed,
    sources,
    split_flags,
    stage_ref,
    substitute,
)
from golive_tui.core.tuples import NamedTuple

_MINIMAL = frozenset({"scratch", "distroless", "chainguard", "alpine", "busybox", "ubi-minimal"})
_BASES_WITH_CERTS = frozenset({"distroless", "chainguard", "alpine", "ubi-minimal"})
_CGO_OFF = re.compile(r"\bCGO_ENABLED\s*[= ]\s*[\"']?0\b")
_CGO_ON = re.compile(r"\bCGO_ENABLED\s*[= ]\s*[\"']?1\b")
_EXT_STATIC = re.compile(r"-extldflags[= ]+[\"'\\]*-static\b")
_CERTS = re.compile(r"ca-certificates|/etc/ssl/certs|ca-bundle")
_ROOT_USERS = frozenset({"root", "0"})


class Image(NamedTuple):
    """The final image of one Dockerfile, as every detector sees it."""

    df: Dockerfile
    final: Stage  # the last stage: what `docker build` produces
    lineage: list[Stage]  # the final stage and the stages it is built FROM, nearest first
    root: Stage  # the first of those: its FROM is the final image's base
    base_kind: str  # classify_base of that base
    in_final: list[Instruction]  # instructions of the lineage

    @classmethod
    def of(cls, df: Dockerfile) -> Image:
        final = df.stages[-1]
        lineage = chain(df, final)
        root = lineage[-1]
        in_final = [instr for stage in lineage for instr in stage.instructions]
        return cls(df, final, lineage, root, classify_base(root.base), in_final)

    def finding(self, detector: str, polarity: Polarity, **facts: Any) -> Finding:
        """A finding on the final stage's FROM line."""
        return _finding(detector, self.final.line, polarity, self.final.snippet, **facts)


class Summary(NamedTuple):
    """What a summary reads: the detector's evidence over every Dockerfile, split by polarity."""

    ev: tuple[Evidence, ...]
    pos: list[Evidence]
    con: list[Evidence]
    n_files: int

    @property
    def of(self) -> str:
        return f"of {common.plural(self.n_files, 'Dockerfile')}"


class DockerCheck(NamedTuple):
    id: str
    find: Callable[[Image], list[Finding]]
    summarise: Callable[[Summary], str]


def _finding(detector: str, line: int, polarity: Polarity, snippet: str, **facts: Any) -> Finding:
    return Finding(detector, line, line, polarity.value, snippet, facts)


# --------------------------------------------------------------------------- docker.multistage

MULTISTAGE = "docker.multistage"


def multistage(img: Image) -> list[Finding]:
    """Built in stages, with the final stage copying from one outside its own FROM chain."""
    lineage_idx = {s.index for s in img.lineage}
    copies = False
    for instr in img.in_final:
        for src in sources(instr):
            ref = stage_ref(img.df, src, img.final.index)
            copies |= ref is not None and ref not in lineage_idx
    # A final stage on a toolchain image ships the compiler anyway: stages in name only. Not
    # an interpreter's image (python, node, ruby): the service runs on it, and a build stage
    # that compiled its packages (microservices-demo's emailservice) is multi-stage indeed.
    toolchain_final = classify_base(img.root.base) == "toolchain" and (
        image_name(img.root.base)[0].rsplit("/", 1)[-1] not in _INTERPRETERS
    )
    multi = len(img.df.stages) >= 2 and copies and not toolchain_final
    facts: dict[str, Any] = {
        "stages": len(img.df.stages),
        "final_base": img.final.base_raw,
        "copies_from_stage": copies,
    }
    if img.root.base != img.final.base_raw:
        facts["final_base_resolved"] = img.root.base
    if toolchain_final and len(img.df.stages) >= 2:
        facts["quality"] = "contrary"
        facts["why"] = (
            f"the final stage runs on {img.root.base}, a toolchain image: the compiler ships anyway"
        )
    return [img.finding(MULTISTAGE, Polarity.POSITIVE if multi else Polarity.CONTRARY, **facts)]


def _sum_multistage(s: Summary) -> str:
    if not s.con:
        return f"{len(s.pos)} {s.of} build in stages and copy the result into the final stage"
    single = [e.path for e in s.con if e.facts.get("stages") == 1]
    return f"{len(s.pos)} {s.of} multi-stage; {len(s.con)} not" + (
        f" ({len(single)} single-stage)" if single else ""
    )


# --------------------------------------------------------------------------- docker.non_root_user

NON_ROOT = "docker.non_root_user"


def _user_of(instr: Instruction, env: Mapping[str, str]) -> str:
    words = instr.args.split()
    return substitute(words[0], env) if words else ""


def _stage_env(df: Dockerfile, stages: list[Stage]) -> dict[str, str]:
    """ARG/ENV values visible at the end of a stage chain (ancestors first)."""
    env: dict[str, str] = {}
    for stage in reversed(stages):
        for instr in stage.instructions:
            if instr.keyword in ("ARG", "ENV"):
                for key, value in kv_pairs(instr.args).items():
                    if instr.keyword == "ARG" and not value:
                        value = df.global_args.get(key, env.get(key, ""))
                    env[key] = substitute(value, env)
    return env


def non_root_user(img: Image) -> list[Finding]:
    """The last USER of the final image, or a base image that runs as nonroot by default."""
    user_instr = next(
        (i for stage in img.lineage for i in reversed(stage.instructions) if i.keyword == "USER"),
        None,
    )
    if user_instr is not None:
        user = _user_of(user_instr, _stage_env(img.df, img.lineage))
        is_root = user.split(":", 1)[0].lower() in _ROOT_USERS
        polarity = Polarity.CONTRARY if is_root else Polarity.POSITIVE
        return [_finding(NON_ROOT, user_instr.line, polarity, user_instr.snippet, final_user=user)]
    repo, tag = image_name(img.root.base)
    image_nonroot = ("distroless" in repo and "nonroot" in tag) or (
        repo.startswith("cgr.dev/chainguard/static") and "dev" not in tag
    )
    if image_nonroot:
        return [
            img.finding(
                NON_ROOT,
                Polarity.POSITIVE,
                final_user="",
                image_default_user="nonroot",
                note=f"no USER, but {img.root.base} runs as nonroot by default",
            )
        ]
    return [img.finding(NON_ROOT, Polarity.CONTRARY, final_user="")]


def _sum_non_root(s: Summary) -> str:
    via_image = [e for e in s.pos if e.facts.get("image_default_user")]
    text = f"{len(s.pos)} {s.of} run as a non-root user"
    if via_image:
        text += f" ({len(via_image)} through a distroless/chainguard nonroot base, no USER)"
    if s.con:
        rooted = [e for e in s.con if e.facts.get("final_user")]
        text += f"; {len(s.con)} run as root" + (
            f" ({len(rooted)} by explicit USER)" if rooted else " (no USER)"
        )
    return text


# --------------------------------------------------------------------------- docker.minimal_base

MINIMAL_BASE = "docker.minimal_base"


def minimal_base(img: Image) -> list[Finding]:
    """The final image's base, when it is one this recognises; could-not-tell with why
    otherwise (an image of its own, or a base named by an ARG without a value)."""
    if img.base_kind == "unknown":
        why = f"{img.root.base} is not a base image this recognises"
        return [
            img.finding(
                MINIMAL_BASE, Polarity.POSITIVE, base=img.root.base, quality="unknown", why=why
            )
        ]
    polarity = Polarity.POSITIVE if img.base_kind in _MINIMAL else Polarity.CONTRARY
    return [img.finding(MINIMAL_BASE, polarity, base=img.root.base, kind=img.base_kind)]


def _sum_minimal_base(s: Summary) -> str:
    unknown = [e for e in s.pos if e.facts.get("quality") == "unknown"]
    kinds = sorted({f"{e.facts.get('base')}" for e in s.con})
    text = f"{len(s.pos) - len(unknown)} {s.of} on a minimal base"
    text += f"; not minimal: {', '.join(kinds)}" if kinds else ""
    if unknown:
        names = sorted({str(e.facts.get("base")) for e in unknown})
        text += f"; could not tell for {len(unknown)}: {', '.join(names[:3])} not recognised"
    return text


# --------------------------------------------------------------------------- docker.healthcheck

HEALTHCHECK = "docker.healthcheck"


def healthcheck(img: Image) -> list[Finding]:
    """The last HEALTHCHECK of the final image (`HEALTHCHECK NONE` is contrary)."""
    health = next(
        (
            i
            for stage in img.lineage
            for i in reversed(stage.instructions)
            if i.keyword == "HEALTHCHECK"
        ),
        None,
    )
    if health is None:
        return []
    _, command = split_flags(health.args)
    none = command.strip().upper() == "NONE"
    return [
        _finding(
            HEALTHCHECK,
            health.line,
            Polarity.CONTRARY if none else Polarity.POSITIVE,
            health.snippet,
            command=common.snippet(command, 120),
        )
    ]


def _sum_healthcheck(s: Summary) -> str:
    if not s.ev:
        return "no HEALTHCHECK in any final stage (orchestrator probes may cover this)"
    return f"{len(s.pos)} {s.of} declare a HEALTHCHECK" + (
        f"; {len(s.con)} disable it (HEALTHCHECK NONE)" if s.con else ""
    )


# --------------------------------------------------------------------------- docker.static_binary

STATIC_BINARY = "docker.static_binary"


def static_binary(img: Image) -> list[Finding]:
    """CGO off (or -extldflags -static) in a stage the final image uses; CGO on is contrary
    when the final base has no libc and nothing static was seen."""
    from golive_tui.core.scan.detectors import shell  # only when there is text to read

    out: list[Finding] = []
    cgo_on: Instruction | None = None
    hand_over: tuple[Instruction, str] | None = None  # the last RUN building through make/a script
    foreign: tuple[Instruction, str] | None = None  # `go build` on a base not known to be golang
    used = needed(img.df, img.final)
    for stage in img.df.stages:
        if stage.index not in used:
            continue
        for instr in stage.instructions:
            if instr.keyword in ("ENV", "ARG"):
                text = instr.args
            elif instr.keyword == "RUN":
                cmds = shell.commands(instr.shell_text())
                text = "\n".join(" ".join(cmd.words) for cmd in cmds)
                if _builds_go(img.df, stage):  # the last such step: usually the build itself
                    what = next((w for cmd in reversed(cmds) if (w := _builder(cmd))), "")
                    hand_over = (instr, what) if what else hand_over
                elif any(_go_build(cmd) for cmd in cmds):
                    base = chain(img.df, stage)[-1].base
                    # A Windows image's binary links no libc: what this detector is about
                    if "windows" not in image_name(base)[0]:
                        foreign = (instr, base)
            else:
                continue
            for pattern, how in ((_CGO_OFF, "CGO_ENABLED=0"), (_EXT_STATIC, "-extldflags -static")):
                if pattern.search(text):
                    where, text_at = instr.locate(pattern)
                    stage_name = stage.name or str(stage.index)
                    out.append(
                        _finding(
                            STATIC_BINARY,
                            where,
                            Polarity.POSITIVE,
                            text_at,
                            stage=stage_name,
                            via=how,
                        )
                    )
                    break
            if cgo_on is None and _CGO_ON.search(text):
                cgo_on = instr
    unsure = _unsure(img, hand_over, foreign) if not out and cgo_on is None else None
    if unsure is not None:
        instr, why = unsure
        out.append(
            _finding(
                STATIC_BINARY,
                instr.line,
                Polarity.POSITIVE,
                instr.snippet,
                quality="unknown",
                why=why,
            )
        )
        return out
    static_final = img.base_kind == "scratch" or (
        img.base_kind == "distroless" and "static" in image_name(img.root.base)[0]
    )
    if cgo_on is not None and static_final and not out:
        where, text_at = cgo_on.locate(_CGO_ON)
        out.append(
            _finding(
                STATIC_BINARY,
                where,
                Polarity.CONTRARY,
                text_at,
                final_base=img.root.base,
                note="CGO_ENABLED=1 builds a dynamically linked binary; the final base has no libc",
            )
        )
    return out


def _builds_go(df: Dockerfile, stage: Stage) -> bool:
    """A stage on a Go toolchain image (golang, directly or through its FROM chain): where a
    make or script RUN builds a Go binary, not a Java or Node one."""
    return any(image_name(s.base)[0].rsplit("/", 1)[-1] == "golang" for s in chain(df, stage))


def _unsure(
    img: Image,
    hand_over: tuple[Instruction, str] | None,
    foreign: tuple[Instruction, str] | None,
) -> tuple[Instruction, str] | None:
    """Where and why a Dockerfile that sets nothing static cannot be told apart from one
    that builds a dynamic binary: a build handed to make or a script, `go build` on a base
    not known to be golang's, a binary copied in prebuilt; None when it is none of them."""
    if hand_over is not None:
        instr, what = hand_over
        return instr, f"the binary is built by {what}, which this does not follow"
    if foreign is not None:
        # A builder image of the project's own (remark42's umputun/baseimage:buildgo sets
        # CGO_ENABLED=0 in its ENV): what its environment holds is not in this file.
        instr, base = foreign
        why = (
            f"go build runs on {common.snippet(base, 60)}, an image not known to be golang's, "
            "whose environment may set CGO_ENABLED"
        )
        return instr, why
    prebuilt = _copied_in(img)
    if prebuilt is not None:
        # CoreDNS's image copies in `coredns`, built by its Makefile (CGO_ENABLED=0) and
        # released; shiori's a GoReleaser build: not built here, so neither proof nor
        # absence of a static build.
        instr, program = prebuilt
        return (
            instr,
            f"the image runs {program}, copied in prebuilt (built outside this Dockerfile)",
        )
    return None


def _entry_program(img: Image) -> str:
    """The program the final image runs (its last ENTRYPOINT, else its last CMD), or ""."""
    for keyword in ("ENTRYPOINT", "CMD"):
        last = next((i for i in reversed(img.in_final) if i.keyword == keyword), None)
        if last is None:
            continue
        words = json_words(last.args) if is_json_form(last.args) else last.args.split()
        return words[0] if words else ""
    return ""


def _copied_in(img: Image) -> tuple[Instruction, str] | None:
    """The COPY/ADD from the build context that puts the program the image runs in place
    (directly, or into an earlier stage the final one copies it from: CoreDNS sets a
    capability on it there), and that program; None when the image runs something else."""
    program = _entry_program(img)
    if not program.startswith("/") or "$" in program:
        return None
    instructions, wanted = list(img.in_final), program
    for _hop in range(8):  # stage to stage, bounded
        found = _placing(instructions, wanted)
        if found is None:
            return None
        instr, source = found
        ref = instr.flags.get("from", "")
        if not ref:
            return instr, program
        index = stage_ref(img.df, ref.lower(), img.final.index)
        if index is None or not source.startswith("/"):
            return None
        instructions, wanted = list(img.df.stages[index].instructions), source
    return None


def _placing(instructions: list[Instruction], path: str) -> tuple[Instruction, str] | None:
    """The last COPY/ADD of `instructions` that writes `path`, and the source it copies."""
    base = path.rsplit("/", 1)[1]
    for instr in reversed(instructions):
        if instr.keyword not in ("COPY", "ADD"):
            continue
        words = [w for w in instr.args.split() if not w.startswith("--")]  # --from, --chown
        if len(words) < 2 or instr.args.lstrip().startswith("["):
            continue
        *sources, dest = words
        if dest == path and len(sources) == 1:
            return instr, sources[0]
        if dest.endswith("/") and dest + base == path:
            for source in sources:
                if source.rstrip("/").rsplit("/", 1)[-1] in (base, "*"):
                    return instr, source
    return None


def _go_build(cmd: Any) -> bool:
    """`go build` or `go install` (what compiles the binary in a RUN line)."""
    from golive_tui.core.scan.detectors import shell  # only when there is text to read

    prog, args, _ = shell.program(cmd)
    return prog == "go" and bool(args) and args[0] in ("build", "install")


def _builder(cmd: Any) -> str:
    """`make build`, `task build` or a script (`./build.sh`): a command that may build the
    binary with settings this Dockerfile does not show; "" for anything else."""
    from golive_tui.core.scan.detectors import shell  # only when there is text to read

    prog, args, _ = shell.program(cmd)
    if prog in ("make", "gmake", "task", "mage"):
        return common.snippet(" ".join((prog, *args)), 60)
    return _script_run(prog, args, cmd.words)


def _sum_static_binary(s: Summary) -> str:
    if not s.ev:
        return "no CGO_ENABLED=0 (or -extldflags -static) in any Dockerfile"
    unknown = [e for e in s.pos if e.facts.get("quality") == "unknown"]
    text = f"{common.plural(len(s.pos) - len(unknown), 'static build setting')} found"
    if s.con:
        text += f"; {len(s.con)} CGO_ENABLED=1 build(s) on a libc-less final base"
    if unknown:
        text += f"; could not tell for {unknown[0].path}: {unknown[0].facts['why']}"
    return text


# --------------------------------------------------------------------------- docker.ca_certificates

CA_CERTIFICATES = "docker.ca_certificates"


def ca_certificates(img: Image) -> list[Finding]:
    """CA certificates copied or installed into the final image, or shipped by its base; a
    runnable scratch image without them is contrary. Anything else is could-not-tell with why
    (facts quality "unknown"): a package list in a variable, a script the image runs, or a
    base image whose content this does not know - never "absent"."""
    certs, unsure = _certs_added(img)
    if certs is not None:
        return [certs]
    if img.base_kind in _BASES_WITH_CERTS:
        via = f"{img.base_kind} base image ships CA certificates"
        return [img.finding(CA_CERTIFICATES, Polarity.POSITIVE, via=via)]
    if unsure is not None:
        return [unsure]
    runnable = any(i.keyword in ("ENTRYPOINT", "CMD") for i in img.in_final)
    if img.base_kind == "scratch":
        if runnable:
            via = "scratch image without ca-certificates copied in"
            return [img.finding(CA_CERTIFICATES, Polarity.CONTRARY, via=via)]
        why = "a scratch image without CA certificates and without ENTRYPOINT/CMD"
    elif official := _official_toolchain(img.root.base):
        # A toolchain image as the runtime: it carries them today, which no line here shows.
        why = (
            f"nothing in the final stage installs or copies CA certificates; the official"
            f" {official} image it runs on usually ships them"
        )
    else:
        why = (
            f"nothing in the final stage installs or copies CA certificates, and whether"
            f" {img.root.base} ships them is not known"
        )
    return [img.finding(CA_CERTIFICATES, Polarity.POSITIVE, quality="unknown", why=why)]


#: Official Docker Hub toolchain images that install ca-certificates in their variants (Debian
#: ones through buildpack-deps or apt, Alpine ones through apk): named in the why of a
#: could-not-tell, never taken as proof (an image's content is not this repository's evidence).
_INTERPRETERS = frozenset({"python", "node", "ruby"})
_TOOLCHAINS_WITH_CERTS = frozenset({"golang", "python", "rust", "ruby", "gcc", "buildpack-deps"})
_OFFICIAL_PREFIXES = (
    "",
    "library/",
    "docker.io/",
    "docker.io/library/",
    "index.docker.io/library/",
)


def _official_toolchain(ref: str) -> str:
    """The image's name when `ref` is one of those official images (not a look-alike from
    another registry or namespace), else ""."""
    repo, _ = image_name(ref)
    name = repo.rsplit("/", 1)[-1]
    if name in _TOOLCHAINS_WITH_CERTS and repo in {p + name for p in _OFFICIAL_PREFIXES}:
        return name
    return ""


_PACKAGE_MANAGERS = frozenset({"apk", "apt-get", "apt", "yum", "dnf", "microdnf", "zypper"})
_INSTALL_VERBS = frozenset({"add", "install", "in"})
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
#: `sh -c '...'` nested at most this deep (bounded work on hostile input).
_MAX_NESTING = 2


def _certs_added(img: Image) -> tuple[Finding | None, Finding | None]:
    """(the first instruction of the final image that copies or installs CA certificates,
    the first RUN that could have installed them in a way this cannot follow)."""
    # An ARG without a value is set at build time: its `$NAME` stays unresolved (could not tell).
    env = {k: v for k, v in _stage_env(img.df, img.lineage).items() if v}
    unsure: Finding | None = None
    for instr in img.in_final:
        if instr.keyword in ("COPY", "ADD") and _CERTS.search(instr.args):
            found = _finding(
                CA_CERTIFICATES, instr.line, Polarity.POSITIVE, instr.snippet, via="copied"
            )
            return found, unsure
        if instr.keyword != "RUN":
            continue
        installs, why = _run_installs_certs(substitute(instr.shell_text(), env), 0)
        if installs:
            where, text_at = instr.locate(re.compile("ca-certificates"))
            return _finding(
                CA_CERTIFICATES, where, Polarity.POSITIVE, text_at, via="installed"
            ), unsure
        if why and unsure is None:
            unsure = _finding(
                CA_CERTIFICATES,
                instr.line,
                Polarity.POSITIVE,
                instr.snippet,
                quality="unknown",
                why=why,
            )
    return None, unsure


def _run_installs_certs(script: str, depth: int) -> tuple[bool, str]:
    """(whether a RUN script installs ca-certificates, else why it could have without this
    seeing it: "" when it visibly does not)."""
    from golive_tui.core.scan.detectors import shell  # only when there is text to read

    why = ""
    for cmd in shell.commands(script):
        prog, args, _ = shell.program(cmd)
        inner = shell.shell_c(cmd)
        if inner is not None and depth < _MAX_NESTING:
            installs, inner_why = _run_installs_certs(inner, depth + 1)
            if installs:
                return True, ""
            why = why or inner_why
            continue
        if prog in _PACKAGE_MANAGERS and _INSTALL_VERBS.intersection(args[:3]):
            if any(a.startswith("ca-certificates") for a in args):
                return True, ""
            hidden = next((a for a in args if "$" in a or "`" in a), None)
            if hidden is not None and not why:
                why = f"{prog} installs packages named by {common.snippet(hidden, 40)}, not known here"
        elif prog == "xargs" and _PACKAGE_MANAGERS.intersection(args) and not why:
            why = "a package manager installs a list read at build time (xargs)"
        elif not why and (script := _script_run(prog, args, cmd.words)):
            why = f"runs {common.snippet(script, 60)}, a script this does not follow"
    return False, why


def _script_run(prog: str, args: tuple[str, ...], words: tuple[str, ...]) -> str:
    """The script a command runs (`./install.sh`, `/usr/local/bin/setup.sh`, `sh setup.sh`),
    whose content the Dockerfile does not show; "" for any other command."""
    if prog in _SHELLS:
        return args[0] if args and not args[0].startswith("-") else ""
    word = words[len(words) - len(args) - 1] if words else ""
    return word if word.endswith((".sh", ".bash")) or word.startswith("./") else ""


def _sum_ca_certificates(s: Summary) -> str:
    unknown = [e for e in s.pos if e.facts.get("quality") == "unknown"]
    certain = [e for e in s.pos if e.facts.get("quality") != "unknown"]
    if not s.ev:
        return "could not tell whether the final images carry CA certificates"
    text = f"{len(certain)} {s.of} carry CA certificates"
    if s.con:
        text += f"; {len(s.con)} scratch image(s) without them"
    if unknown:
        text += f"; could not tell for {len(unknown)}: {unknown[0].path}: {unknown[0].facts['why']}"
    return text


# --------------------------------------------------------------------------- the table

CHECKS: tuple[DockerCheck, ...] = (
    DockerCheck(MULTISTAGE, multistage, _sum_multistage),
    DockerCheck(NON_ROOT, non_root_user, _sum_non_root),
    DockerCheck(MINIMAL_BASE, minimal_base, _sum_minimal_base),
    DockerCheck(HEALTHCHECK, healthcheck, _sum_healthcheck),
    DockerCheck(STATIC_BINARY, static_binary, _sum_static_binary),
    DockerCheck(CA_CERTIFICATES, ca_certificates, _sum_ca_certificates),
)


def analyse(df: Dockerfile) -> list[Finding]:
    """Every detector's findings for one parsed Dockerfile, in `CHECKS` order."""
    img = Image.of(df)
    return [finding for check in CHECKS for finding in check.find(img)]


def summarise(check: DockerCheck, ev: tuple[Evidence, ...], n_files: int) -> str:
    pos = [e for e in ev if e.polarity is Polarity.POSITIVE]
    con = [e for e in ev if e.polarity is Polarity.CONTRARY]
    return check.summarise(Summary(ev, pos, con, n_files))
