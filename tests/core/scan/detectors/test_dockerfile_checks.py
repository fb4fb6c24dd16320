"""Each Dockerfile detector as a function over the final image: a table per detector."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import pytest

from golive_tui.core.scan.detectors.base import Finding
from golive_tui.core.scan.detectors.dockerfile import DETECTORS, checks, parse

MULTI = """
FROM golang:1.22 AS build
RUN CGO_ENABLED=0 go build -o /app .
FROM gcr.io/distroless/static:nonroot
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"""
SINGLE_ROOT = """
FROM ubuntu:22.04
USER root
HEALTHCHECK NONE
RUN apt-get install -y ca-certificates
"""
SCRATCH_CGO = """
FROM golang:1.22 AS build
ENV CGO_ENABLED=1
RUN go build -o /app .
FROM scratch
COPY --from=build /app /app
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]
"""


def run(text: str, find: Callable[[checks.Image], list[Finding]]) -> list[tuple[str, int]]:
    img = checks.Image.of(parse(textwrap.dedent(text).lstrip("\n")))
    return [(f.polarity, f.line) for f in find(img)]


@pytest.mark.parametrize(
    ("text", "find", "want"),
    [
        (MULTI, checks.multistage, [("positive", 3)]),
        (SINGLE_ROOT, checks.multistage, [("contrary", 1)]),
        (MULTI, checks.non_root_user, [("positive", 3)]),  # nonroot base, no USER
        (SINGLE_ROOT, checks.non_root_user, [("contrary", 2)]),
        (SCRATCH_CGO, checks.non_root_user, [("contrary", 4)]),  # no USER at all
        (MULTI, checks.minimal_base, [("positive", 3)]),
        (SINGLE_ROOT, checks.minimal_base, [("contrary", 1)]),
        (MULTI, checks.healthcheck, []),
        (SINGLE_ROOT, checks.healthcheck, [("contrary", 3)]),
        (SCRATCH_CGO, checks.healthcheck, [("positive", 6)]),
        (MULTI, checks.static_binary, [("positive", 2)]),
        (SCRATCH_CGO, checks.static_binary, [("contrary", 2)]),
        (SINGLE_ROOT, checks.static_binary, []),
        (MULTI, checks.ca_certificates, [("positive", 3)]),  # distroless ships them
        (SINGLE_ROOT, checks.ca_certificates, [("positive", 4)]),  # installed
        (SCRATCH_CGO, checks.ca_certificates, [("contrary", 4)]),
    ],
)
def test_each_detector_alone(
    text: str, find: Callable[[checks.Image], list[Finding]], want: list[tuple[str, int]]
) -> None:
    assert run(text, find) == want


def test_analyse_is_every_detector_in_table_order() -> None:
    df = parse(textwrap.dedent(SCRATCH_CGO).lstrip("\n"))
    seen = [f.detector for f in checks.analyse(df)]
    assert seen == sorted(seen, key=DETECTORS.index)
    assert set(DETECTORS) == {c.id for c in checks.CHECKS} and len(DETECTORS) == 6
