"""Hostile Dockerfiles: thousands of continuation lines, one huge logical line, deep `sh -c`
nesting. The outcome stays right and the shell tokenizer runs a bounded number of times (a
work counter, not a clock)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from golive_tui.core.scan.detectors import dockerfile, shell

EX = dockerfile.EXTRACTORS[0]
DET = "docker.ca_certificates"


@pytest.fixture
def tokenizer_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times, and on how many characters, the shell tokenizer ran."""
    calls: list[int] = []
    real: Callable[..., Any] = shell.commands

    def counting(script: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(len(script))
        return real(script, *args, **kwargs)

    monkeypatch.setattr(shell, "commands", counting)
    return calls


def certs(text: str) -> list[tuple[int, dict[str, object]]]:
    scan = EX.extract("Dockerfile", text)
    assert scan.errors == ()
    return [(f.line, dict(f.facts)) for f in scan.findings if f.detector == DET]


def test_thousands_of_continuations(tokenizer_calls: list[int]) -> None:
    packages = "".join(f"    pkg{i} \\\n" for i in range(20_000))
    text = f"FROM debian:12\nRUN apt-get install -y \\\n{packages}    ca-certificates\n"
    assert certs(text) == [(20_003, {"via": "installed"})]
    # one pass per RUN for each detector that reads RUN lines (static binary, certificates)
    assert len(tokenizer_calls) <= 2
    assert max(tokenizer_calls) <= len(text)


def test_one_huge_logical_line(tokenizer_calls: list[int]) -> None:
    words = " ".join(f"w{i}" for i in range(150_000))
    text = f"FROM debian:12\nRUN apt-get install -y {words} \\\n  $MISSING\n"
    got = certs(text)
    assert len(got) == 1 and "$MISSING" in str(got[0][1]["why"])
    assert len(tokenizer_calls) <= 2


def test_many_run_lines_each_read_once(tokenizer_calls: list[int]) -> None:
    runs = "".join(f"RUN sh -c 'sh -c \"sh -c true{i}\"'\n" for i in range(3_000))
    text = f"FROM debian:12\n{runs}"
    got = certs(text)
    assert len(got) == 1 and got[0][1].get("quality") == "unknown"
    # per RUN: one pass for static-binary, at most 1 + nesting bound (2) for certificates
    assert len(tokenizer_calls) <= 3_000 * 4
