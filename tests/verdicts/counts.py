"""Print, per shipped checklist and per verdict test service, how many items are ticked by
evidence, at risk, not applicable and open (no answers given), and how each checklist's linked
items split between proof and supporting evidence.

Run from the repository root: `.venv/bin/python -m tests.verdicts.counts`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from golive_tui.core.checklist.library import Library
from golive_tui.core.model import State
from tests.verdicts.services import SERVICES, assess_all, links, materialise, shipped_checklists


def main() -> int:
    library = Library.discover(None)
    print(f"{'checklist':22} {'items':>5} {'by proof':>8} {'support only':>12}")
    for checklist_id in shipped_checklists():
        items = library.get(checklist_id).items()
        found = [links(i) for i in items]
        proof = sum(1 for link in found if link.proves)
        support = sum(1 for link in found if link.supports and not link.proves)
        print(f"{checklist_id:22} {len(items):5} {proof:8} {support:12}")
    print()
    print(f"{'service':13} {'checklist':22} {'ticked':>6} {'at risk':>7} {'n/a':>4} {'open':>5}")
    with tempfile.TemporaryDirectory() as tmp:
        for service in SERVICES:
            verdicts = assess_all(materialise(service, Path(tmp) / service))
            for checklist_id, assessment in verdicts.assessments.items():
                states = [v.state for v in assessment.items]
                ticked = states.count(State.DETECTED)
                risk = states.count(State.AT_RISK)
                na = states.count(State.NA)
                rest = len(states) - ticked - risk - na
                print(f"{service:13} {checklist_id:22} {ticked:6} {risk:7} {na:4} {rest:5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
