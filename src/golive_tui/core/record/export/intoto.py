"""A readiness record as an in-toto Statement v1, to sit beside build provenance.

Supply-chain tooling stores attestations keyed by what they are about. Our subject is the
repository commit the record assessed (`gitCommit` digest); the predicate is the record itself
(its canonical payload, so anyone can recompute the digest and check the record's own
signatures), under a predicate type of our own, documented in docs/records.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from golive_tui.core.record.build import clean_remote
from golive_tui.core.record.canonical import canonical_payload, record_digest
from golive_tui.core.record.model import Record

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://golive.dev/readiness-record/v1"

_SCP = re.compile(r"^(?:(?P<user>[^@/]+)@)?(?P<host>[^:/]+):(?P<path>.+)$")


def subject_name(record: Record, repo_root: Path | None = None) -> str:
    """`git+<remote URL>` (scp-style remotes as ssh URLs), else the repository folder's name."""
    remote = clean_remote(record.repo.remote)
    if remote:
        if "://" in remote:
            return remote if remote.startswith("git+") else f"git+{remote}"
        match = _SCP.match(remote)
        if match and not remote.startswith("/"):
            user = f"{match['user']}@" if match["user"] else ""
            return f"git+ssh://{user}{match['host']}/{match['path'].lstrip('/')}"
        return f"git+file://{remote}" if remote.startswith("/") else remote
    return repo_root.name if repo_root is not None else "repository"


def statement(record: Record, repo_root: Path | None = None) -> dict[str, Any]:
    """The Statement: subject = the assessed commit, predicate = the record and its signatures."""
    payload = json.loads(canonical_payload(record))
    if isinstance(payload.get("repo"), dict):  # a record may carry a token: never pass it on
        payload["repo"]["remote"] = clean_remote(record.repo.remote)
    return {
        "_type": STATEMENT_TYPE,
        "subject": [
            {
                "name": subject_name(record, repo_root),
                "digest": {"gitCommit": record.repo.commit},
            }
        ],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "record": payload,
            "payloadSha256": record_digest(record),
            "signatures": [
                {
                    "signer": sig.signer,
                    "role": sig.role,
                    "format": sig.format,
                    "key": sig.key,
                    "signedAt": sig.signed_at,
                    "signature": sig.signature,
                }
                for sig in record.signatures
            ],
        },
    }


def render_statement(record: Record, repo_root: Path | None = None) -> str:
    return json.dumps(statement(record, repo_root), indent=2, ensure_ascii=False) + "\n"
