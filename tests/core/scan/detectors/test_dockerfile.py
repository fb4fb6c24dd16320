"""Dockerfile parsing and the docker.* detectors, over small Dockerfiles written here."""

from __future__ import annotations

import pytest

from golive_tui.core.model import DetectorResult, Status
from golive_tui.core.scan.detectors import dockerfile
from golive_tui.core.scan.detectors.base import FileScan, ScannedFile

EX = dockerfile.EXTRACTORS[0]


def run(files: dict[str, str]) -> dict[str, DetectorResult]:
    scanned = {
        p: ScannedFile(p, None, FileScan.from_json(EX.extract(p, t).to_json()))
        for p, t in files.items()
    }
    return {r.id: r for r in EX.finalize(scanned, tuple(files))}


def facts(text: str, detector: str) -> list[tuple[int, str, dict[str, object]]]:
    scan = EX.extract("Dockerfile", text)
    assert scan.errors == ()
    return [(f.line, f.polarity, dict(f.facts)) for f in scan.findings if f.detector == detector]


MULTI_INDEX = """\
FROM golang:1.22 AS build
WORKDIR /src
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app
FROM gcr.io/distroless/static
COPY --from=0 /out/app /app
USER 65534:65534
ENTRYPOINT ["/app"]
"""

ARG_BASE = """\
# escape=\\
ARG GO_VERSION=1.22
ARG BASE=alpine:3.20
FROM golang:${GO_VERSION}-alpine AS builder
ENV CGO_ENABLED=0
RUN go build \\
    # a comment inside a continuation
    -o /app .
FROM ${BASE}
RUN apk add --no-cache ca-certificates
COPY --from=builder /app /app
USER root
HEALTHCHECK --interval=30s CMD ["/app", "health"]
"""

HEREDOC = """\
# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
RUN <<EOF
set -e
go build -o /app .
EOF
COPY <<EOF /etc/motd
USER root
FROM build AS test
FROM scratch
EOF
FROM scratch
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"""


def test_multistage_by_index_and_non_root_numeric_user() -> None:
    assert facts(MULTI_INDEX, "docker.multistage") == [
        (
            4,
            "positive",
            {"stages": 2, "final_base": "gcr.io/distroless/static", "copies_from_stage": True},
        )
    ]
    assert facts(MULTI_INDEX, "docker.non_root_user") == [
        (6, "positive", {"final_user": "65534:65534"})
    ]
    assert facts(MULTI_INDEX, "docker.static_binary")[0][:2] == (3, "positive")
    assert facts(MULTI_INDEX, "docker.minimal_base")[0][:2] == (4, "positive")
    assert facts(MULTI_INDEX, "docker.ca_certificates")[0][:2] == (4, "positive")


def test_arg_substituted_base_escape_directive_and_root_user() -> None:
    multi = facts(ARG_BASE, "docker.multistage")[0]
    assert multi[0] == 9 and multi[1] == "positive"
    assert multi[2]["final_base"] == "${BASE}"
    assert multi[2]["final_base_resolved"] == "alpine:3.20"
    assert facts(ARG_BASE, "docker.non_root_user") == [(12, "contrary", {"final_user": "root"})]
    assert facts(ARG_BASE, "docker.static_binary")[0][:2] == (5, "positive")
    assert facts(ARG_BASE, "docker.ca_certificates")[0][:2] == (10, "positive")
    assert facts(ARG_BASE, "docker.healthcheck")[0][:2] == (13, "positive")
    assert facts(ARG_BASE, "docker.minimal_base")[0][2]["kind"] == "alpine"


def test_heredoc_bodies_are_not_instructions() -> None:
    df = dockerfile.parse(HEREDOC)
    assert [s.base for s in df.stages] == ["golang:1.22", "scratch"]
    assert facts(HEREDOC, "docker.non_root_user") == [(12, "contrary", {"final_user": ""})]
    # scratch with a runnable binary and no certificates copied in
    assert facts(HEREDOC, "docker.ca_certificates")[0][:2] == (12, "contrary")


def test_distroless_nonroot_without_user_counts_as_non_root() -> None:
    text = "FROM golang:1.22 AS b\nRUN go build -o /a .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=b /a /a\n"
    (line, polarity, f) = facts(text, "docker.non_root_user")[0]
    assert (line, polarity, f["final_user"], f["image_default_user"]) == (
        3,
        "positive",
        "",
        "nonroot",
    )
    assert "nonroot" in run({"Dockerfile": text})["docker.non_root_user"].summary


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        ("FROM golang:1.22\nCOPY . .\nRUN go build -o /app .\n", "contrary"),  # single stage
        ("FROM alpine\nCOPY app /app\n", "contrary"),  # single stage, prebuilt binary
        ("FROM golang AS a\nRUN true\nFROM a\nRUN true\n", "contrary"),  # FROM a stage, no copy
        ("FROM golang AS a\nFROM alpine AS base\nCOPY --from=a /x /x\nFROM base\n", "positive"),
    ],
)
def test_multistage_polarity(text: str, polarity: str) -> None:
    assert facts(text, "docker.multistage")[0][1] == polarity


@pytest.mark.parametrize(
    ("user", "polarity"),
    [
        ("root", "contrary"),
        ("0", "contrary"),
        ("0:0", "contrary"),
        ("root:root", "contrary"),
        ("app", "positive"),
        ("1000:1000", "positive"),
        ("${APP_UID}", "positive"),
    ],
)
def test_user_values(user: str, polarity: str) -> None:
    assert facts(f"FROM alpine\nUSER {user}\n", "docker.non_root_user")[0][1] == polarity


def test_healthcheck_none_and_cgo_on_scratch_are_contrary() -> None:
    text = 'FROM golang AS b\nENV CGO_ENABLED=1\nRUN go build -o /a\nFROM scratch\nCOPY --from=b /a /a\nHEALTHCHECK NONE\nCMD ["/a"]\n'
    assert facts(text, "docker.healthcheck")[0][:2] == (6, "contrary")
    assert facts(text, "docker.static_binary")[0][:2] == (2, "contrary")


def test_comment_does_not_disable_cgo() -> None:
    text = "FROM golang AS b\nRUN go build -o /a . # CGO_ENABLED=0 would be better\nFROM alpine\nCOPY --from=b /a /a\n"
    assert facts(text, "docker.static_binary") == []


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("FROM alpine\nFORM alpine\n", 2, "unknown instruction"),
        ("RUN echo hi\nFROM alpine\n", 1, "before the first FROM"),
        ("FROM alpine\nRUN <<EOF\necho\n", 2, "not terminated"),
        ("# only a comment\n", 1, "no FROM"),
        ("FROM\n", 1, "without an image"),
    ],
)
def test_unparseable_dockerfile_is_an_error_naming_file_and_line(
    text: str, line: int, needle: str
) -> None:
    results = run({"build/Dockerfile": text})
    for det in dockerfile.DETECTORS:
        assert results[det].status is Status.ERROR
        assert f"build/Dockerfile:{line}:" in results[det].summary
        assert needle in results[det].summary


def test_error_in_one_dockerfile_does_not_hide_another() -> None:
    results = run({"Dockerfile": MULTI_INDEX, "tools/Dockerfile.bad": "FROM x\nFORM y\n"})
    assert results["docker.multistage"].status is Status.FOUND
    assert "tools/Dockerfile.bad:2" in results["docker.multistage"].summary


def test_no_dockerfile_is_not_applicable() -> None:
    results = run({})
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        ("Dockerfile", True),
        ("deploy/Dockerfile.prod", True),
        ("api.Dockerfile", True),
        ("Containerfile", True),
        ("Dockerfile.dockerignore", False),
        ("vendor/x/Dockerfile", False),
        ("testdata/Dockerfile", False),
        ("docs/dockerfile.md", False),
    ],
)
def test_matches(path: str, wanted: bool) -> None:
    assert EX.matches(path) is wanted


def test_garbage_never_raises() -> None:
    for text in (
        "\x00\x01",
        "FROM [",
        "FROM a AS",
        "RUN \\",
        "\\\n" * 5,
        "FROM a\nCOPY --from= x y\n",
    ):
        EX.extract("Dockerfile", text)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("Dockerfile", True),
        ("build/Dockerfile.prod", True),
        ("api.Dockerfile", True),
        ("Containerfile", True),
        ("src/pkg/detectors/dockerfile.py", False),
        ("docs/Dockerfile.md", False),
        ("deploy/dockerfile.tmpl", False),
    ],
)
def test_dockerfile_names(path: str, expected: bool) -> None:
    from golive_tui.core.scan.detectors import common

    assert common.is_dockerfile(path) is expected


@pytest.mark.parametrize(
    "args",
    [
        "A=1 B=2",
        "KEY value with  spaces",
        "",
        "   ",
        "A=1\tB=2\r\nC=3",
        "A=\x0bx B=y",
        "A=\xa0 B",
        "PATH=$PATH:/x",
        "A=#x B=1",
        "X",
        "=",
        "A= B=",
        'A="x y" B=2',
        "A='x y'",
        "A=x\\ y",
        'A="unterminated',
    ],
)
def test_env_pairs_read_as_shlex_reads_them(args: str) -> None:
    """Lines without quotes or backslashes skip shlex: the same pairs as shlex gives."""
    import shlex

    from golive_tui.core.scan.detectors.dockerfile.syntax import kv_pairs

    text = args.strip()
    try:
        words = shlex.split(text, posix=True)
    except ValueError:
        words = text.split()
    if not words:
        expected: dict[str, str] = {}
    elif "=" not in words[0]:
        expected = {words[0]: " ".join(words[1:])}
    else:
        expected = {w.partition("=")[0]: w.partition("=")[2] for w in words}
    assert kv_pairs(args) == expected
