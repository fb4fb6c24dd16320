"""golangci-lint configs: v1 and v2 schemas in YAML, TOML and JSON."""

from __future__ import annotations

import pytest

from golive_tui.core.model import DetectorResult, Status
from golive_tui.core.scan.detectors import golangci
from golive_tui.core.scan.detectors.base import ScannedFile

EX = golangci.EXTRACTORS[0]

V1 = """\
run:
  timeout: 5m
linters:
  disable-all: true
  enable:
    - errcheck
    - govet
    - staticcheck
"""

V2 = """\
version: "2"
linters:
  default: none
  enable:
    - errcheck
    - gosec
  settings:
    gosec:
      excludes: [G104]
formatters:
  enable:
    - gofumpt
"""

V2_TOML = """\
version = "2"
[linters]
default = "standard"
enable = ["bodyclose", "noctx"]
"""

V1_JSON = '{\n  "linters": {"enable-all": true, "disable": ["lll"]}\n}\n'


def run(files: dict[str, str]) -> DetectorResult:
    scanned = {p: ScannedFile(p, None, EX.extract(p, t)) for p, t in files.items()}
    return EX.finalize(scanned, tuple(files))[0]


@pytest.mark.parametrize(
    ("path", "text", "line", "expected"),
    [
        (
            ".golangci.yml",
            V1,
            3,
            {
                "schema_version": "1",
                "default": "none",
                "format": "yaml",
                "linters": ["errcheck", "govet", "staticcheck"],
            },
        ),
        (
            ".golangci.yaml",
            V2,
            2,
            {
                "schema_version": "2",
                "default": "none",
                "format": "yaml",
                "linters": ["errcheck", "gosec"],
                "formatters": ["gofumpt"],
            },
        ),
        (
            ".golangci.toml",
            V2_TOML,
            2,
            {
                "schema_version": "2",
                "default": "standard",
                "format": "toml",
                "linters": ["bodyclose", "noctx"],
            },
        ),
        (
            ".golangci.json",
            V1_JSON,
            2,
            {
                "schema_version": "1",
                "default": "all",
                "format": "json",
                "linters": [],
                "disabled": ["lll"],
            },
        ),
    ],
)
def test_schemas_and_formats(path: str, text: str, line: int, expected: dict[str, object]) -> None:
    result = run({path: text})
    assert result.status is Status.FOUND
    (ev,) = result.evidence
    assert ev.line == line
    for key, value in expected.items():
        assert ev.facts[key] == value, key


def test_empty_config_is_still_a_config() -> None:
    result = run({".golangci.yml": ""})
    assert result.status is Status.FOUND and result.evidence[0].facts["linters"] == []


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        (".golangci.yml", "linters:\n  enable: [errcheck\n  other: x\n", 3),
        (".golangci.toml", 'version = "2"\n[linters\n', 2),
        (".golangci.json", '{"linters": {\n  "enable": [,]\n}}\n', 2),
        (".golangci.yml", "- just\n- a list\n", 1),
    ],
)
def test_malformed_configs_are_errors_with_file_and_line(path: str, text: str, line: int) -> None:
    result = run({path: text})
    assert result.status is Status.ERROR
    assert f"{path}:{line}:" in result.summary


def test_no_config_is_missing() -> None:
    assert run({}).status is Status.MISSING
