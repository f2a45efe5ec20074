#!/usr/bin/env bash
# The action's install step: `cargo install` envwall into $ENVWALL_ROOT (kept by
# actions/cache), from github.com/envwall/envwall at $ENVWALL_VERSION, or from the
# action's own checkout when no version is given; then puts it on the job's PATH.
set -euo pipefail
: "${ENVWALL_ROOT:?}" "${GITHUB_PATH:?}"
if [[ -x "$ENVWALL_ROOT/bin/envwall" ]]; then
  echo "envwall: using the cached $ENVWALL_ROOT/bin/envwall"
else
  if [[ -n "${ENVWALL_VERSION:-}" ]]; then
    source=(--git https://github.com/envwall/envwall)
    if [[ "$ENVWALL_VERSION" =~ ^[0-9a-f]{7,40}$ ]]; then source+=(--rev "$ENVWALL_VERSION"); else source+=(--tag "$ENVWALL_VERSION"); fi
  else
    source=(--path "${GITHUB_ACTION_PATH:?}")
  fi
  cargo install --locked --root "$ENVWALL_ROOT" "${source[@]}" envwall
fi
echo "$ENVWALL_ROOT/bin" >> "$GITHUB_PATH"
