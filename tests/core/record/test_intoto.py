"""The in-toto export against the Statement v1 layout (checked field by field, no schema library)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from tests.signing_fixtures import sample_record
from tests.values import replace

from golive_tui.core.record.canonical import canonical_payload, record_digest
from golive_tui.core.record.export import intoto
from golive_tui.core.record.model import Signature

#: Digest algorithms in-toto's DigestSet names, with the hex lengths it expects.
_HEX_DIGESTS = {"sha256": 64, "sha224": 56, "sha384": 96, "sha512": 128, "sha1": 40}
_GIT_DIGESTS = ("gitCommit", "gitTree", "gitBlob", "gitTag")


def check_statement_v1(doc: Any) -> None:
    """Assert `doc` follows https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md."""
    assert isinstance(doc, dict), "a Statement is a JSON object"
    assert set(doc) == {"_type", "subject", "predicateType", "predicate"}, sorted(doc)
    assert doc["_type"] == "https://in-toto.io/Statement/v1"
    subjects = doc["subject"]
    assert isinstance(subjects, list) and subjects, "subject: a non-empty list"
    for subject in subjects:
        assert isinstance(subject, dict)
        assert set(subject) <= {
            "name",
            "uri",
            "digest",
            "content",
            "downloadLocation",
            "mediaType",
            "annotations",
        }
        assert isinstance(subject.get("name", ""), str)
        digest = subject["digest"]
        assert isinstance(digest, dict) and digest, "digest: a non-empty DigestSet"
        for algo, value in digest.items():
            assert isinstance(algo, str) and isinstance(value, str) and value
            if algo in _HEX_DIGESTS:
                assert re.fullmatch(rf"[0-9a-f]{{{_HEX_DIGESTS[algo]}}}", value), (algo, value)
            if algo in _GIT_DIGESTS:
                assert re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", value), (algo, value)
    predicate_type = doc["predicateType"]
    assert isinstance(predicate_type, str) and re.match(r"^[a-z][a-z0-9+.-]*:", predicate_type)
    assert isinstance(doc["predicate"], dict)


def test_statement_layout_and_predicate() -> None:
    record = sample_record(commit="0123456789abcdef0123456789abcdef01234567")
    record = replace(
        record,
        signatures=(
            Signature(
                "Ada <ada@example.com>", "author", "ssh", "SHA256:k", "2026-01-01T00:00:00Z", "sig"
            ),
        ),
    )
    doc = intoto.statement(record)
    check_statement_v1(doc)
    assert doc["subject"] == [
        {
            "name": "git+ssh://git@example.com/team/svc.git",
            "digest": {"gitCommit": "0123456789abcdef0123456789abcdef01234567"},
        }
    ]
    assert doc["predicateType"] == "https://golive.dev/readiness-record/v1"
    predicate = doc["predicate"]
    # the payload is the record's canonical payload: its digest can be recomputed from it
    assert predicate["record"] == json.loads(canonical_payload(record))
    assert predicate["payloadSha256"] == record_digest(record)
    assert predicate["record"]["summary"]["gates"][1]["failing"] == ["ops.runbook"]
    assert predicate["record"]["items"][0]["evidence"][0]["path"] == "cmd/api/main.go"
    assert predicate["signatures"] == [
        {
            "signer": "Ada <ada@example.com>",
            "role": "author",
            "format": "ssh",
            "key": "SHA256:k",
            "signedAt": "2026-01-01T00:00:00Z",
            "signature": "sig",
        }
    ]
    assert json.loads(intoto.render_statement(record)) == doc


@pytest.mark.parametrize(
    ("remote", "name"),
    [
        ("https://github.com/acme/svc.git", "git+https://github.com/acme/svc.git"),
        ("git@github.com:acme/svc.git", "git+ssh://git@github.com/acme/svc.git"),
        ("ssh://git@host:2222/acme/svc", "git+ssh://git@host:2222/acme/svc"),
        ("/srv/git/svc.git", "git+file:///srv/git/svc.git"),
        ("", "svc"),
    ],
)
def test_subject_names(remote: str, name: str) -> None:
    from pathlib import Path

    record = sample_record(remote=remote)
    assert intoto.subject_name(record, Path("/work/svc")) == name


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.update(_type="https://in-toto.io/Statement/v0.1"),
        lambda d: d.update(subject=[]),
        lambda d: d["subject"][0].update(digest={}),
        lambda d: d["subject"][0].update(digest={"gitCommit": "not-hex"}),
        lambda d: d.pop("predicateType"),
        lambda d: d.update(predicate=[]),
        lambda d: d.update(extra=1),
    ],
)
def test_checker_rejects_broken_statements(breakage: Any) -> None:
    doc = intoto.statement(sample_record(commit="a" * 40))
    breakage(doc)
    with pytest.raises((AssertionError, KeyError)):
        check_statement_v1(doc)
