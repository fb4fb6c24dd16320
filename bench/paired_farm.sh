#!/bin/sh
# A cold `golive scan` of REPO by this tree's golive, paired run by run with another golive
# (BASE: e.g. main's checkout's .venv/bin/golive), with farm-bench; quote the median A/B cpu.
#   bench/paired_farm.sh /path/to/main/.venv/bin/golive /tmp/repos/moby [RUNS]
# Both trees get their bytecode compiled first: with PYTHONDONTWRITEBYTECODE set, a tree with
# no __pycache__ would compile every module on every run and look ~15% slower.
set -eu
base=$1
repo=$2
runs=${3:-15}
here=$(cd "$(dirname "$0")/.." && pwd)
for golive in "$here/.venv/bin/golive" "$base"; do
    py=$(dirname "$golive")/python
    src=$("$py" -c 'import golive_tui, os; print(os.path.dirname(golive_tui.__file__))')
    env -u PYTHONDONTWRITEBYTECODE "$py" -m compileall -q "$src" >/dev/null
done
exec env -u PYTHONDONTWRITEBYTECODE farm-bench -n "$runs" --timeout 900 \
    --vs "$base scan $repo --no-cache --format json" \
    -- "$here/.venv/bin/golive" scan "$repo" --no-cache --format json
