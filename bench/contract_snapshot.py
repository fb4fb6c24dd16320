"""Print `golive scan --format json` with the run-dependent fields removed, for byte comparison.

A restructuring must leave the scan JSON contract unchanged. Run this before and after on the same
repositories and `cmp` the outputs:

    .venv/bin/python bench/contract_snapshot.py sample /path/to/big/repo > before.json

Removed: `stats.seconds` and `stats.timings` (wall clock) and `stats.cache_hits` /
`stats.files_read` (they depend on the cache; the scan runs with `--no-cache` anyway).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_VOLATILE = ("seconds", "timings", "cache_hits", "files_read")


def snapshot(repo: Path) -> dict[str, object]:
    golive = Path(sys.executable).with_name("golive")
    out = subprocess.run(
        [str(golive), "scan", "-C", str(repo), "--no-cache", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data: dict[str, object] = json.loads(out)
    stats = data.get("stats")
    if isinstance(stats, dict):
        for key in _VOLATILE:
            stats.pop(key, None)
    return data


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    result = {repo: snapshot(Path(repo)) for repo in argv}
    print(json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
