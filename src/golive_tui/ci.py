"""Where the CI gate script is (ci/golive-gate.sh), for CI templates that install golive with pip.

The GitHub Action runs the script from its own checkout; GitLab includes only YAML, so its template
asks the installed package: `python3 -c 'import golive_tui.ci as c; print(c.GATE_SCRIPT)'`.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_shipped" / "ci" / "golive-gate.sh"
_CHECKOUT = _PACKAGE.parents[1] / "ci" / "golive-gate.sh"  # an editable install from a clone

GATE_SCRIPT: Path = _INSTALLED if _INSTALLED.is_file() else _CHECKOUT
