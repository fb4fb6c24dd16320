#!/bin/sh
# Paired timing of `golive scan --no-cache` on a repository: this checkout (A) against the code
# at REV (B), interleaved A B A B so load drift hits both alike; /usr/bin/time measures each.
#
#     bench/paired_scan.sh REV /path/to/repo [RUNS]
#
# Prints the median CPU seconds (user + system) of each and the median of the paired ratios A/B.
set -eu
unset PYTHONDONTWRITEBYTECODE  # both sides keep their compiled bytecode between runs
rev=$1
repo=$2
runs=${3:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
base=$(mktemp -d)
trap 'rm -rf "$base"' EXIT
git -C "$here" archive "$rev" src | tar -x -C "$base"
golive="$here/.venv/bin/golive"
i=0
while [ "$i" -lt "$runs" ]; do
    /usr/bin/time -f "A %U %S" -a -o "$base/times" \
        "$golive" scan -C "$repo" --no-cache --format json >/dev/null
    PYTHONPATH="$base/src" /usr/bin/time -f "B %U %S" -a -o "$base/times" \
        "$golive" scan -C "$repo" --no-cache --format json >/dev/null
    i=$((i + 1))
done
"$here/.venv/bin/python" - "$base/times" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line[:2] in ("A ", "B ")]
a = [float(u) + float(s) for k, u, s in rows if k == "A"]
b = [float(u) + float(s) for k, u, s in rows if k == "B"]
ratios = [x / y for x, y in zip(a, b) if y]
print(f"A cpu median {statistics.median(a):.3f} s, B cpu median {statistics.median(b):.3f} s")
print(f"A/B cpu ratio median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})")
PY
