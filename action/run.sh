#!/usr/bin/env bash
# The action's run step: envwall with the workflow's arguments as GitHub
# annotations (the step's exit code is envwall's), then, from the same arguments,
# the Markdown report into the job summary and the SARIF report for upload.
# Reads ENVWALL_ARGS, ENVWALL_BINARY, ENVWALL_SARIF, ENVWALL_SUMMARY and GitHub's
# GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP.
set -uo pipefail
: "${GITHUB_OUTPUT:?}"
bin="${ENVWALL_BINARY:-}"
[[ -n "$bin" ]] || bin=envwall
# The arguments as the workflow wrote them, quotes and all.
eval "set -- ${ENVWALL_ARGS:?}"

"$bin" "$@" --format github
code=$?
echo "exit-code=$code" >> "$GITHUB_OUTPUT"
if ((code > 1)); then
  exit 0 # bad input: said on stderr; the action's last step fails the job
fi
if [[ "${ENVWALL_SUMMARY:-true}" == true && -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  "$bin" "$@" --format markdown >> "$GITHUB_STEP_SUMMARY" 2>/dev/null
  (($? <= 1)) || echo "::warning title=envwall::the Markdown summary could not be written"
fi
if [[ "${ENVWALL_SARIF:-false}" == true ]]; then
  sarif="${RUNNER_TEMP:-/tmp}/envwall.sarif"
  "$bin" "$@" --format sarif --output "$sarif" 2>/dev/null
  if (($? <= 1)); then echo "sarif=$sarif" >> "$GITHUB_OUTPUT"; fi
fi
exit 0
