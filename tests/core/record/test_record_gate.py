"""Record comparisons and ordering used by `golive diff`, `history` and the gate."""

from __future__ import annotations

from tests.signing_fixtures import sample_record
from tests.values import replace

from golive_tui.core.record.diff import diff_records
from golive_tui.core.record.gate import release_order


def test_diff_reports_state_evidence_waiver_watch_and_membership() -> None:
    old = sample_record()
    sig, runbook, user = old.items
    new = replace(
        old,
        items=(
            replace(sig, evidence=(replace(sig.evidence[0], blob="9" * 40),)),
            replace(runbook, state="na", source="manual", reason="no ops team", watch=()),
            replace(user, until="3000-01-01"),
            replace(runbook, id="ops.new"),
        ),
    )
    changes = {(c.item, c.kind) for c in diff_records(old, new)}
    assert changes == {
        ("shutdown.sigterm", "evidence files changed"),
        ("ops.runbook", "state"),
        ("ops.runbook", "watched files changed"),
        ("container.user", "waiver"),
        ("ops.new", "added"),
    }
    assert diff_records(old, old) == []
    removed = replace(old, items=old.items[:2])
    assert [(c.item, c.kind) for c in diff_records(old, removed)] == [("container.user", "removed")]


def test_diff_puts_meaning_first_and_groups_carried_and_file_only_changes() -> None:
    """Issue 13, point 6: a changed gate and state lead; `done (manual) -> done (carried)` and
    blob-only evidence changes are grouped after them."""
    old = replace(sample_record(release="v1.0.0"), profile="quick-gate")
    sig, runbook, user = old.items
    gates = tuple(replace(g, passed=not g.passed) for g in old.summary.gates)
    new = replace(
        old,
        release="v1.1.0",
        summary=replace(old.summary, gates=gates),
        items=(
            replace(sig, evidence=(replace(sig.evidence[0], blob="9" * 40),)),
            replace(runbook, source="carried", carried_from="v1.0.0"),
            replace(user, state="at_risk", source="detected"),
        ),
    )
    changes = diff_records(old, new)
    groups = [(c.item, c.kind, c.group.value) for c in changes]
    assert groups[0][1] == "gate" and groups[0][2] == "meaning"
    assert ("container.user", "state", "meaning") in groups
    assert groups[-2:] == [
        ("ops.runbook", "state", "carried"),
        ("shutdown.sigterm", "evidence files changed", "files"),
    ]
    from golive_tui.commands.diff import diff_lines

    lines = diff_lines(changes, "v1.0.0")
    assert lines[-2] == "carried unchanged from v1.0.0: 1 item(s): ops.runbook"
    assert lines[-1].startswith("file contents changed under unchanged findings: 1 item(s)")


def test_release_order_tags_by_version_then_untagged_by_date() -> None:
    tags = {"v1.2.9", "v1.2.10", "v1.10.0"}
    entries = [
        ("unreleased", "2026-05-01"),
        ("v1.10.0", "2026-01-01"),
        ("v1.2.10", "2026-03-01"),
        ("hotfix", "2026-04-01"),
        ("v1.2.9", "2026-04-01"),
    ]
    ordered = sorted(entries, key=lambda e: release_order(e[0], e[1], tags))
    assert [e[0] for e in ordered] == ["v1.2.9", "v1.2.10", "v1.10.0", "hotfix", "unreleased"]
