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
    # the two `default: none` configs name fewer linters than the standard set: partial
    assert result.status is (Status.PARTIAL if expected["default"] == "none" else Status.FOUND)
    (ev,) = [e for e in result.evidence if "schema_version" in e.facts]
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


CORE = "    - errcheck\n    - govet\n    - ineffassign\n    - staticcheck\n    - unused\n"

QUALITY = [
    # (name, file text, status, line of the contrary evidence, words of the reason)
    (
        "v1-disable-all-one-linter",
        "linters:\n  disable-all: true\n  enable:\n    - errcheck\n",
        Status.PARTIAL,
        2,
        "missing govet, ineffassign, staticcheck, unused",
    ),
    (
        "v2-none-unrelated",
        'version: "2"\nlinters:\n  default: none\n  enable:\n    - misspell\n',
        Status.CONTRARY,
        3,
        "missing errcheck, govet, ineffassign, staticcheck, unused",
    ),
    (
        "v2-standard-disabling",
        'version: "2"\nlinters:\n  disable:\n    - errcheck\n',
        Status.PARTIAL,
        3,
        "with errcheck disabled",
    ),
    (
        "v1-all-but-errcheck",
        "linters:\n  enable-all: true\n  disable:\n    - errcheck\n    - lll\n",
        Status.PARTIAL,
        3,
        "default set all with errcheck disabled",
    ),
    (
        "issues-exit-code-0",
        "run:\n  issues-exit-code: 0\nlinters:\n  enable:\n    - gosec\n",
        Status.CONTRARY,
        2,
        "`issues-exit-code: 0`",
    ),
]


@pytest.mark.parametrize(
    ("text", "status", "line", "words"), [q[1:] for q in QUALITY], ids=[q[0] for q in QUALITY]
)
def test_a_config_that_is_not_a_real_linter_set(
    text: str, status: Status, line: int, words: str
) -> None:
    result = run({".golangci.yml": text})
    assert result.status is status, result.summary
    bad = [e for e in result.evidence if e.facts.get("why")]
    assert [e.line for e in bad] == [line]
    assert words in str(bad[0].facts["why"])
    assert words in result.summary


@pytest.mark.parametrize(
    "text",
    [
        "linters:\n  disable-all: true\n  enable:\n" + CORE,
        'version: "2"\nlinters:\n  default: none\n  enable:\n' + CORE,
        'version: "2"\nlinters:\n  enable:\n    - gosec\n',  # standard set plus one
        "run:\n  issues-exit-code: 1\nlinters:\n  enable-all: true\n",
        "linters:\n  disable-all: true\n  presets: [bugs, unused]\n",
    ],
    ids=["v1-core", "v2-core", "v2-standard", "v1-all", "v1-presets"],
)
def test_a_real_linter_set_is_found(text: str) -> None:
    result = run({".golangci.yml": text})
    assert result.status is Status.FOUND, result.summary
    assert not any(e.facts.get("why") for e in result.evidence)
