"""CA certificates in the final image: found however the install is written, and "could not
tell" with why - never "missing" - when the Dockerfile hides it (a variable, a script, a base
image whose content is not known)."""

from __future__ import annotations

import pytest

from golive_tui.core.model import Status
from golive_tui.core.scan.detectors import dockerfile
from golive_tui.core.scan.detectors.base import ScannedFile

EX = dockerfile.EXTRACTORS[0]
DET = "docker.ca_certificates"
BUILD = "FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n"
TAIL = 'COPY --from=build /app /app\nENTRYPOINT ["/app"]\n'


def certs(text: str) -> list[tuple[int, str, str]]:
    """(line, polarity, via or "unknown: why") of the detector's findings."""
    scan = EX.extract("Dockerfile", text)
    assert scan.errors == ()
    out = []
    for f in scan.findings:
        if f.detector == DET:
            how = f"unknown: {f.facts['why']}" if f.facts.get("quality") else str(f.facts["via"])
            out.append((f.line, f.polarity, how))
    return out


FOUND = [
    (
        "apt-get over continuation lines, && chain, --no-install-recommends",
        "FROM debian:bookworm-slim\n"
        "RUN apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends \\\n"
        "        curl \\\n"
        "        ca-certificates \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n" + TAIL,
        5,
    ),
    (
        "apk add continued, package first on its line",
        "FROM alpine:3.20 AS base\nFROM base\nRUN apk add --no-cache \\\n  ca-certificates tzdata\n",
        # alpine ships them anyway; the install is what is shown
        4,
    ),
    (
        "set -eux; env prefix; a comment line inside the continuation",
        "FROM ubuntu:24.04\nRUN set -eux; \\\n  apt-get update; \\\n"
        "  DEBIAN_FRONTEND=noninteractive apt-get install -y -q \\\n"
        "  # time zones and certificates\n"
        "  tzdata ca-certificates; \\\n  rm -rf /var/lib/apt/lists/*\n" + TAIL,
        6,
    ),
    (
        "package list in an ARG with a default",
        'FROM debian:12\nARG PKGS="curl ca-certificates"\nRUN apt-get update && apt-get install -y $PKGS\n',
        3,
    ),
    (
        "package list in an ENV, ${} form, dnf",
        "FROM fedora:40\nENV RUNTIME_DEPS=ca-certificates\nRUN dnf install -y ${RUNTIME_DEPS}\n",
        3,
    ),
    (
        "sh -c with the install inside",
        "FROM debian:12\nRUN sh -c 'apt-get update && apt-get install -y ca-certificates'\n",
        2,
    ),
    (
        "copied from the build stage",
        BUILD
        + "FROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n"
        + TAIL,
        4,
    ),
]


@pytest.mark.parametrize(("case", "text", "line"), FOUND, ids=[c[0] for c in FOUND])
def test_found(case: str, text: str, line: int) -> None:
    got = certs(text)
    assert len(got) == 1 and got[0][:2] == (line, "positive"), got
    assert got[0][2] in ("installed", "copied")


COULD_NOT_TELL = [
    (
        "package list in an ARG without a value",
        "FROM debian:12\nARG EXTRA_PACKAGES\nRUN apt-get update && apt-get install -y curl $EXTRA_PACKAGES\n",
        3,
        "packages named by $EXTRA_PACKAGES",
    ),
    (
        "package list from a command substitution",
        "FROM debian:12\nCOPY packages.txt /tmp/\nRUN apt-get install -y $(cat /tmp/packages.txt)\n",
        3,
        "$(cat /tmp/packages.txt)",
    ),
    (
        "package list through xargs",
        "FROM debian:12\nRUN xargs apt-get install -y < /tmp/packages.txt\n",
        2,
        "xargs",
    ),
    (
        "a script copied in and run",
        "FROM debian:12\nCOPY install.sh /tmp/\nRUN /tmp/install.sh\n",
        3,
        "runs /tmp/install.sh",
    ),
    (
        "a script run through bash",
        "FROM ubuntu:24.04\nCOPY scripts/ /opt/\nRUN bash /opt/setup-runtime\n",
        3,
        "runs /opt/setup-runtime",
    ),
    (
        "nothing installed on a distro base (a package may pull them in)",
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
        1,
        "whether debian:12 ships them is not known",
    ),
    (
        "an official toolchain image as the runtime: named, not taken as proof",
        "FROM golang:1.22\n" + 'ENTRYPOINT ["/app"]\n',
        1,
        "the official golang image it runs on usually ships them",
    ),
    (
        "a look-alike of an official toolchain image",
        "FROM registry.example/team/golang:1.22\n" + 'ENTRYPOINT ["/app"]\n',
        1,
        "registry.example/team/golang:1.22",
    ),
    (
        "a scratch image that runs nothing itself",
        BUILD + "FROM scratch\nCOPY --from=build /app /app\n",
        3,
        "without ENTRYPOINT/CMD",
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "line", "why"), COULD_NOT_TELL, ids=[c[0] for c in COULD_NOT_TELL]
)
def test_could_not_tell_says_why(case: str, text: str, line: int, why: str) -> None:
    got = certs(text)
    assert len(got) == 1 and got[0][:2] == (line, "positive"), got
    assert got[0][2].startswith("unknown: ") and why in got[0][2], got


TWINS = [
    (
        "in a comment",
        "FROM debian:12\n# RUN apt-get install -y ca-certificates\nRUN apt-get install -y curl\n",
    ),
    ("in a string", 'FROM debian:12\nRUN echo "remember ca-certificates"\n'),
    ("removed, not installed", "FROM debian:12\nRUN apt-get remove -y ca-certificates\n"),
    (
        "installed in a stage the final image does not build on",
        "FROM debian:12 AS tools\nRUN apt-get install -y ca-certificates\n"
        "FROM debian:12-slim\nCOPY --from=tools /usr/bin/curl /usr/bin/curl\n",
    ),
]


@pytest.mark.parametrize(("case", "text"), TWINS, ids=[c[0] for c in TWINS])
def test_negative_twins_are_never_found(case: str, text: str) -> None:
    got = certs(text)
    assert [how for _, _, how in got if not how.startswith("unknown: ")] == [], got


@pytest.mark.parametrize(
    ("text", "via"),
    [
        ("FROM gcr.io/distroless/static:nonroot\n", "distroless base"),
    ],
)
def test_bases_that_ship_them(text: str, via: str) -> None:
    got = certs(text)
    assert len(got) == 1 and got[0][1] == "positive" and via in got[0][2]


def run(files: dict[str, str]) -> tuple[Status, str]:
    scanned = {p: ScannedFile(p, None, EX.extract(p, t)) for p, t in files.items()}
    result = next(r for r in EX.finalize(scanned, tuple(files)) if r.id == DET)
    return result.status, result.summary


def test_could_not_tell_is_an_error_never_missing_nor_found() -> None:
    unsure = "FROM debian:12\nCOPY install.sh /\nRUN /install.sh\n"
    sure = "FROM alpine:3.20\n"
    status, summary = run({"Dockerfile": unsure})
    assert status is Status.ERROR
    assert "could not tell for 1: Dockerfile: runs /install.sh" in summary
    # one Dockerfile that carries them does not vouch for another that may not
    assert run({"Dockerfile": unsure, "deploy/Dockerfile.alpine": sure})[0] is Status.ERROR
    assert run({"deploy/Dockerfile.alpine": sure}) == (
        Status.FOUND,
        "1 of 1 Dockerfile carry CA certificates",
    )


def findings(text: str, detector: str) -> list[tuple[int, str, dict[str, object]]]:
    scan = EX.extract("Dockerfile", text)
    return [(f.line, f.polarity, dict(f.facts)) for f in scan.findings if f.detector == detector]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FROM registry.example/base:1\n", "unknown"),
        ("ARG BASE\nFROM ${BASE}\n", "unknown"),
        ("FROM gcr.io/distroless/static\n", "positive"),
        ("FROM ubuntu:24.04\n", "contrary"),
    ],
)
def test_minimal_base_of_an_unknown_image_is_could_not_tell(text: str, expected: str) -> None:
    [(_, polarity, facts)] = findings(text, "docker.minimal_base")
    got = "unknown" if facts.get("quality") == "unknown" else polarity
    assert got == expected
    if expected == "unknown":
        assert "not a base image this recognises" in str(facts["why"])


GO_STAGE = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n"
FINAL = "FROM alpine:3.20\nCOPY --from=build /src/app /app\n"


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        ("RUN make app\n", "unknown: the binary is built by make app"),
        ("RUN ./scripts/build.sh\n", "unknown: the binary is built by ./scripts/build.sh"),
        ("RUN CGO_ENABLED=0 make app\n", "positive"),
        # negative twins: a plain go build without CGO_ENABLED=0 is absent, not unsure
        ("RUN go build -o app .\n", ""),
        ("RUN go build -o app . # make app would be nicer\n", ""),
    ],
)
def test_static_binary_built_through_make_or_a_script(build: str, expected: str) -> None:
    got = findings(GO_STAGE + build + FINAL, "docker.static_binary")
    if not expected:
        assert got == []
        return
    [(_, polarity, facts)] = got
    if expected == "positive":
        assert polarity == "positive" and "quality" not in facts
    else:
        assert expected.removeprefix("unknown: ") in str(facts["why"])


@pytest.mark.parametrize(
    ("base", "build", "expected"),
    [
        # remark42 builds on its own builder image, which sets CGO_ENABLED=0 in its ENV
        ("umputun/baseimage:buildgo-v1.17.0", "RUN go build -o app .\n", "unknown"),
        ("registry.example/go-builder:1", "RUN cd app && go install ./cmd/app\n", "unknown"),
        ("umputun/baseimage:buildgo-v1.17.0", "RUN CGO_ENABLED=0 go build -o app .\n", "positive"),
        # twins: golang's own image (CGO on by default: absent), a foreign stage not building Go
        ("golang:1.22", "RUN go build -o app .\n", ""),
        ("node:20", "RUN npm run build\n", ""),
        ("mcr.microsoft.com/windows/servercore:ltsc2022", "RUN go build -o app.exe .\n", ""),
    ],
    ids=["builder-image", "builder-install", "builder-cgo-off", "golang", "node", "windows"],
)
def test_go_built_on_an_image_not_known_to_be_golang_is_could_not_tell(
    base: str, build: str, expected: str
) -> None:
    text = f"FROM {base} AS build\nWORKDIR /src\nCOPY . .\n{build}" + FINAL
    got = findings(text, "docker.static_binary")
    if not expected:
        assert got == []
        return
    [(_, polarity, facts)] = got
    assert polarity == "positive"
    if expected == "unknown":
        assert facts["quality"] == "unknown"
        assert f"go build runs on {base}, an image not known to be golang's" in str(facts["why"])
    else:
        assert "quality" not in facts


def test_a_java_build_through_a_script_is_not_about_go() -> None:
    text = "FROM gradle:8 AS build\nRUN ./gradlew installDist\nFROM eclipse-temurin:21\nCOPY --from=build /app /app\n"
    assert findings(text, "docker.static_binary") == []


def ignore_result(files: dict[str, str]) -> tuple[Status, list[tuple[str, str, object]]]:
    scanned = {p: ScannedFile(p, None, EX.extract(p, t)) for p, t in files.items() if EX.matches(p)}
    result = next(r for r in EX.finalize(scanned, tuple(files)) if r.id == "docker.dockerignore")
    return result.status, [
        (e.path, e.polarity.value, e.facts["dockerfile"]) for e in result.evidence
    ]


def test_dockerignore_for_each_dockerfile_and_none_for_a_note() -> None:
    present = {"Dockerfile": "", "deploy/Dockerfile": "FROM x\n", ".dockerignore": ""}
    assert ignore_result(present)[0] is Status.FOUND
    status, ev = ignore_result({"Dockerfile.api": "FROM x\n", "sub/.dockerignore": ""})
    assert (status, ev) == (Status.CONTRARY, [("Dockerfile.api", "contrary", "Dockerfile.api")])
    # `Dockerfile-notes` without a FROM line is not a Dockerfile; Dockerfile.md never is
    notes = {"docs/Dockerfile-notes": "Build with buildx.\n", "Dockerfile.md": "FROM x\n"}
    assert ignore_result(notes)[0] is Status.NOT_APPLICABLE
    assert ignore_result({})[0] is Status.NOT_APPLICABLE
    status, ev = ignore_result({**notes, "Dockerfile-arm": "# arm\nFROM x\n", ".dockerignore": ""})
    assert ev == [(".dockerignore", "positive", "Dockerfile-arm")]


@pytest.mark.parametrize(
    ("final", "polarity"),
    [
        ("FROM golang:1.22\n", "contrary"),  # the compiler ships anyway
        ("FROM base\n", "positive"),  # python:3.12-alpine: the interpreter the service runs on
        ("FROM node:20-alpine\n", "positive"),
    ],
    ids=["golang", "python", "node"],
)
def test_an_interpreters_final_image_is_no_toolchain_for_multistage(
    final: str, polarity: str
) -> None:
    """microservices-demo's emailservice compiles its packages in a builder stage and copies
    them onto the python base it runs on: multi-stage, not "the compiler ships anyway"."""
    text = (
        "FROM python:3.12-alpine AS base\nFROM base AS builder\nRUN apk add g++ && pip install x\n"
        + final
        + "COPY --from=builder /usr/local/lib /usr/local/lib\n"
    )
    [(_, got, facts)] = findings(text, "docker.multistage")
    assert got == polarity, facts


@pytest.mark.parametrize(
    ("path", "read"),
    [
        (".devcontainer/Dockerfile", False),  # an editor's environment, never shipped
        ("tools/.devcontainer/Dockerfile", False),
        ("Dockerfile", True),
        ("devcontainer/Dockerfile", True),  # a folder of the project's own
    ],
)
def test_a_dev_container_is_not_an_image(path: str, read: bool) -> None:
    assert EX.matches(path) is read


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        # CoreDNS: the release binary, built by its Makefile with CGO_ENABLED=0
        (
            'FROM gcr.io/distroless/static\nCOPY coredns /coredns\nENTRYPOINT ["/coredns"]\n',
            "/coredns",
        ),
        # shiori: a GoReleaser build
        (
            "FROM scratch\nCOPY dist/shiori_linux_amd64/shiori /usr/bin/shiori\n"
            'ENTRYPOINT ["/usr/bin/shiori"]\n',
            "/usr/bin/shiori",
        ),
        (
            "FROM alpine:3.20\nCOPY app /usr/local/bin/\nCMD /usr/local/bin/app --serve\n",
            "/usr/local/bin/app",
        ),
        # twins: an interpreter runs the copied code; a binary built in a stage here
        ('FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]\n', ""),
        (GO_STAGE + "RUN go build -o app .\n" + FINAL + 'ENTRYPOINT ["/app"]\n', ""),
    ],
    ids=["coredns", "goreleaser", "dest-folder", "python", "built-here"],
)
def test_a_binary_copied_in_prebuilt_is_could_not_tell(text: str, unknown: str) -> None:
    got = findings(text, "docker.static_binary")
    if not unknown:
        assert got == []
        return
    [(_, polarity, facts)] = got
    assert polarity == "positive" and facts["quality"] == "unknown"
    assert f"the image runs {unknown}, copied in prebuilt" in str(facts["why"])


def test_a_prebuilt_binary_copied_through_a_stage_is_could_not_tell() -> None:
    """CoreDNS copies its release binary into a stage that sets a capability on it, then into
    the final image: the image still runs a binary built outside the Dockerfile."""
    text = (
        "FROM debian:stable-slim AS build\nRUN apt-get install -y libcap2-bin\n"
        "COPY coredns /coredns\nRUN setcap cap_net_bind_service=+ep /coredns\n"
        "FROM gcr.io/distroless/static-debian12:nonroot\n"
        "COPY --from=build --chown=65532 /coredns /coredns\n"
        'ENTRYPOINT ["/coredns"]\n'
    )
    [(line, polarity, facts)] = findings(text, "docker.static_binary")
    assert (line, polarity, facts["quality"]) == (3, "positive", "unknown")
    assert "the image runs /coredns, copied in prebuilt" in str(facts["why"])
