#!/usr/bin/env bash
# Tests the browser inspector:
#   1. the wasm bindings, in node (wasm-bindgen-test-runner);
#   2. end to end in Debian's headless Chromium: the built app served from
#      127.0.0.1, QR codes through the fake camera and the photo upload
#      (valid, tampered, revoked, untrusted issuer), no request while
#      verifying, and the valid case again with the network off.
# Screenshots and timings: TARGET/web-test-output/ (TARGET: cargo's target
# directory; CARGO_TARGET_DIR is honoured).
#
# Installs if missing: chromium, chromium-driver and fonts-thai-tlwg (apt),
# playwright-core (npm ci in wasm-verifier/web-tests, no browser download),
# plus what scripts/build-web.sh installs (wasm-bindgen-cli, binaryen).
# Usage: scripts/test-web.sh [--skip-build]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools.sh
target_dir=$(elicence_target_dir)

skip_build=0
[ "${1:-}" = "--skip-build" ] && skip_build=1

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s chromium-driver >/dev/null 2>&1 || need_apt+=(chromium-driver)
dpkg -s fonts-thai-tlwg >/dev/null 2>&1 || need_apt+=(fonts-thai-tlwg)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "test-web: installing ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ "$skip_build" -eq 0 ]; then
  bash scripts/build-web.sh
fi

echo "test-web: binding tests (wasm32, node)"
# The runner is the one build-web.sh installed (same version as the crate).
elicence_install_wasm_bindgen "$target_dir/tools"
(cd wasm-verifier && CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$target_dir/tools/bin/wasm-bindgen-test-runner" \
  cargo test --locked --target wasm32-unknown-unknown --test bindings)

echo "test-web: fixtures (QR PNGs and fake-camera videos)"
cargo run --quiet --locked -p elicence-wasm --example web_fixtures -- "$target_dir/web-fixtures"

echo "test-web: browser tests (headless Chromium)"
(cd wasm-verifier/web-tests && npm ci --silent --no-audit --no-fund)
WEB_DIR="$target_dir/web" FIXTURES="$target_dir/web-fixtures" WEB_TEST_OUTPUT="$target_dir/web-test-output" \
  node --test --test-reporter=spec wasm-verifier/web-tests/e2e.test.mjs
