#!/bin/sh
# Paired timing of `golive scan --no-cache` on a repository: this checkout (A) against the code
# at REV (B), interleaved A B A B by farm-bench, so load drift hits both alike.
#
#     bench/paired_scan.sh REV /path/to/repo [RUNS]
#
# Quote the median CPU seconds of each and the paired ratio A/B that farm-bench prints.
set -eu
rev=$1
repo=$2
runs=${3:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
base=$(mktemp -d)
trap 'rm -rf "$base"' EXIT
git -C "$here" archive "$rev" src | tar -x -C "$base"
golive="$here/.venv/bin/golive"
farm-bench -n "$runs" --timeout 1200 \
    --vs "env PYTHONPATH=$base/src $golive scan -C $repo --no-cache --format json" \
    -- "$golive" scan -C "$repo" --no-cache --format json
