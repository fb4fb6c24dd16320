#!/usr/bin/env bash
# The golive gate for CI, shared by the GitHub Action (action.yml) and the GitLab CI template
# (ci/gitlab/golive.yml): one `golive gate` per service, the verdict in the log, the Markdown
# summary and (optionally) SARIF written to files. Exits 0 exactly when every gate passes, else
# the gate's own exit code (1 failed, 2 usage or an unusable repository).
#
# Settings come from the environment (CI systems pass inputs that way, never through the shell):
#   GOLIVE_PROFILE       profile that must pass (default: the record's; set it in CI)
#   GOLIVE_SERVICES      services to gate, separated by spaces or commas (default: the repository)
#   GOLIVE_TRUST_REF     ref whose committed .golive/allowed_signers is trusted
#   GOLIVE_SINCE_RECORD  "true": also require re-asked items to be answered anew
#   GOLIVE_WORKDIR       repository folder (default: the current directory)
#   GOLIVE_SUMMARY       file the Markdown summary is appended to (default: $GITHUB_STEP_SUMMARY)
#   GOLIVE_SARIF         file to write SARIF to (one service) or a prefix (several: PREFIX-NAME.sarif)
#   GOLIVE_BIN           the golive command (default: golive)
set -u -o pipefail

bin=${GOLIVE_BIN:-golive}
workdir=${GOLIVE_WORKDIR:-.}
summary=${GOLIVE_SUMMARY:-${GITHUB_STEP_SUMMARY:-}}
sarif=${GOLIVE_SARIF:-}

common=(-C "$workdir")
[ -n "${GOLIVE_PROFILE:-}" ] && common+=(--profile "$GOLIVE_PROFILE")
[ -n "${GOLIVE_TRUST_REF:-}" ] && common+=(--trust-ref "$GOLIVE_TRUST_REF")
[ "${GOLIVE_SINCE_RECORD:-false}" = "true" ] && common+=(--since-record)

services=()
IFS=$' \t\n,' read -r -a services <<<"${GOLIVE_SERVICES:-}"
[ ${#services[@]} -eq 0 ] && services=("")

verdict=0
for service in "${services[@]}"; do
    args=("${common[@]}")
    [ -n "$service" ] && args+=(--service "$service")
    echo "golive gate ${args[*]}"
    "$bin" gate "${args[@]}"
    code=$?
    if [ "$code" -ne 0 ] && [ "$verdict" -eq 0 ]; then
        verdict=$code
    fi
    if [ -n "$summary" ]; then
        "$bin" gate "${args[@]}" --format markdown >>"$summary" 2>/dev/null
        echo >>"$summary"
    fi
    if [ -n "$sarif" ]; then
        out=$sarif
        if [ ${#services[@]} -gt 1 ]; then
            out="${sarif%.sarif}-${service}.sarif"
        fi
        mkdir -p "$(dirname "$out")"
        "$bin" gate "${args[@]}" --format sarif >"$out" 2>/dev/null
        [ -s "$out" ] || rm -f "$out"
    fi
done

if [ -n "${GITHUB_OUTPUT:-}" ]; then
    if [ "$verdict" -eq 0 ]; then echo "result=pass"; else echo "result=fail"; fi >>"$GITHUB_OUTPUT"
fi
if [ "$verdict" -eq 0 ]; then
    echo "golive: gate passed"
else
    echo "golive: gate failed (exit $verdict)" >&2
fi
exit "$verdict"
