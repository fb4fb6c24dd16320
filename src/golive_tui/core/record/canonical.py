"""The canonical bytes a signature covers: JSON of the record without its signatures.

Reformatting, comments or key order of the TOML never change these bytes; any signed value does.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from golive_tui.core.errors import RecordError
from golive_tui.core.record.codec import record_to_dict
from golive_tui.core.record.model import DOMAIN, Record


def _canonical_json(value: Any) -> bytes:
    def check(v: Any) -> None:
        if isinstance(v, float) and not math.isfinite(v):
            raise RecordError("record holds a non-finite number; it cannot be signed")
        if isinstance(v, dict):
            for x in v.values():
                check(x)
        elif isinstance(v, list):
            for x in v:
                check(x)

    check(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def canonical_payload(record: Record) -> bytes:
    """The record without signatures as canonical JSON (sorted keys, no whitespace, UTF-8).

    Every field is present (defaults included), so a hand-written TOML that omits an empty
    note and one that spells it out produce the same bytes.
    """
    return _canonical_json(record_to_dict(record, signatures=False))


def record_digest(record: Record) -> str:
    """sha256 of the canonical payload: a stable identity for the record's content."""
    return hashlib.sha256(canonical_payload(record)).hexdigest()


def signing_message(record: Record, role: str, signed_at: str) -> bytes:
    """What one signer signs: domain prefix, then the payload with that signer's role and time.

    Binding role and time stops a reviewer's signature being relabelled as the author's; the
    record payload binds repository, commit and release, so it cannot be moved to another record.
    """
    body = record_to_dict(record, signatures=False)
    return DOMAIN + _canonical_json(
        {"record": body, "signature": {"role": role, "signed_at": signed_at}}
    )
