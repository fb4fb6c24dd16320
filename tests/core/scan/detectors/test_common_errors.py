"""The one rule for files a detector could not read or parse (`common.with_errors`)."""

from __future__ import annotations

import pytest

from golive_tui.core.model import DetectorResult, Evidence, Polarity, Status
from golive_tui.core.scan.detectors import common

EV = Evidence("Dockerfile", 1, 1, Polarity.POSITIVE, "FROM scratch", None, {})


def result(status: Status, evidence: tuple[Evidence, ...] = ()) -> DetectorResult:
    return DetectorResult("x.y", "X", status, "base summary", evidence)


@pytest.mark.parametrize(
    ("status", "errors", "wording", "want_status", "want_summary"),
    [
        # No errors: nothing changes, whatever the status.
        (Status.MISSING, [], common.PARSE, Status.MISSING, "base summary"),
        (Status.NOT_APPLICABLE, [], common.UNREAD, Status.NOT_APPLICABLE, "base summary"),
        # Nothing found and a file could not be parsed: the evidence may be there.
        (Status.MISSING, ["a:1: bad"], common.PARSE, Status.ERROR, "could not parse a:1: bad"),
        (
            Status.MISSING,
            ["a:1: bad", "b: worse"],
            common.PARSE,
            Status.ERROR,
            "could not parse a:1: bad (and 1 more)",
        ),
        (
            Status.NOT_APPLICABLE,
            ["a.go: unreadable"],
            common.UNREAD,
            Status.ERROR,
            "could not parse a.go: unreadable",
        ),
        (
            Status.MISSING,
            ["a.go (x)", "b.go (y)", "c.go (z)", "d.go (w)"],
            common.ANALYSE,
            Status.ERROR,
            "could not analyse a.go (x), b.go (y), c.go (z) and 1 more; nothing found elsewhere",
        ),
        # Something found: the result stands, its summary noting the files (the engine's not).
        (
            Status.FOUND,
            ["a:1: bad"],
            common.PARSE,
            Status.FOUND,
            "base summary (1 file(s) could not be parsed: a:1: bad)",
        ),
        (
            Status.PARTIAL,
            ["a.go (x)"],
            common.ANALYSE,
            Status.PARTIAL,
            "base summary (could not analyse a.go (x))",
        ),
        (Status.CONTRARY, ["a.go: unreadable"], common.UNREAD, Status.CONTRARY, "base summary"),
        # An error stays an error: the family's own message is kept.
        (Status.ERROR, ["a.go: unreadable"], common.UNREAD, Status.ERROR, "base summary"),
    ],
)
def test_errors_turn_nothing_found_into_error(
    status: Status,
    errors: list[str],
    wording: common.ErrorWording,
    want_status: Status,
    want_summary: str,
) -> None:
    out = common.with_errors(result(status), errors, wording)
    assert (out.status, out.summary) == (want_status, want_summary)
    assert (out.id, out.title, out.evidence) == ("x.y", "X", ())


def test_result_builder_applies_the_rule() -> None:
    nothing = common.result("x.y", "X", [], "none found", errors=["Dockerfile:3: bad"])
    assert (nothing.status, nothing.summary) == (Status.ERROR, "could not parse Dockerfile:3: bad")
    some = common.result("x.y", "X", [EV], "1 found", errors=["Dockerfile:3: bad"])
    assert some.status is Status.FOUND
    assert some.summary == "1 found (1 file(s) could not be parsed: Dockerfile:3: bad)"
    assert some.evidence == (EV,)
