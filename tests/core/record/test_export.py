"""Exports of a record: golden Markdown and SARIF, JSON with the payload digest.

Regenerate the golden files after an intended change with GOLIVE_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.signing_fixtures import sample_record
from tests.values import replace

from golive_tui.core.record import export
from golive_tui.core.record.canonical import record_digest
from golive_tui.core.record.codec import record_from_dict
from golive_tui.core.record.export import sarif as sarif_format
from golive_tui.core.record.model import Record, Signature

GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GOLIVE_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text(), f"{name} changed (GOLIVE_UPDATE_GOLDEN=1 to accept)"


def _record() -> Record:
    sig = Signature(
        "Ada Tester <ada@example.com>", "author", "ssh", "SHA256:abc", "2026-01-02T03:04:06Z", "sig"
    )
    return replace(sample_record(), signatures=(sig,))


def test_markdown_golden() -> None:
    _golden("record.md", export.to_markdown(_record()))


def test_sarif_golden_and_shape() -> None:
    sarif = export.to_sarif(
        _record(),
        record_path=".golive/records/v1.0.0.toml",
        extra=[
            sarif_format.ExtraResult(
                "golive.gate", "the record is not signed", ".golive/records/v1.0.0.toml"
            )
        ],
    )
    _golden("record.sarif.json", json.dumps(sarif, indent=2) + "\n")
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0"
    (contrary, gate) = run["results"]
    assert contrary["ruleId"] == "docker.user" and contrary["level"] == "warning"
    loc = contrary["locations"][0]["physicalLocation"]
    assert loc == {"artifactLocation": {"uri": "Dockerfile"}, "region": {"startLine": 3}}
    assert gate["ruleId"] == "golive.gate"
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {"docker.user", "golive.gate"}
    # scp-style remotes are not URIs: no versionControlProvenance then
    assert run["versionControlProvenance"] == []
    https = replace(_record(), repo=replace(_record().repo, remote="https://example.com/a/b"))
    vcs = export.to_sarif(https)["runs"][0]["versionControlProvenance"]
    assert vcs == [{"repositoryUri": "https://example.com/a/b", "revisionId": "a" * 40}]


def test_json_carries_the_payload_digest_and_round_trips() -> None:
    record = _record()
    data = json.loads(export.to_json(record))
    assert data["payload_sha256"] == record_digest(record)
    data.pop("payload_sha256")
    assert record_from_dict(data) == record


def test_markdown_escapes_table_cells() -> None:
    record = sample_record()
    odd = replace(record.items[1], note="a | b\nc")
    md = export.to_markdown(replace(record, items=(record.items[0], odd, record.items[2])))
    assert "a \\| b c" in md


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="intoto"):
        export.render(_record(), "intoto")
