#!/usr/bin/env bash
# The agency console end to end in Debian's headless Chromium, with axe-core
# on every page (issuer/web-tests/console.test.mjs): sign in with password
# and TOTP, issue from the form, print, find by Thai name, revoke with a
# reason. Screenshots: TARGET/web-test-output/console-*.png (TARGET: cargo's target directory).
#
# Installs if missing: chromium and fonts-thai-tlwg (apt); playwright-core
# and axe-core (npm ci in issuer/web-tests, no browser download).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools.sh
target_dir=$(elicence_target_dir)

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s fonts-thai-tlwg >/dev/null 2>&1 || need_apt+=(fonts-thai-tlwg)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "test-console-web: installing ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

cargo build --locked --quiet -p elicence-issuer --example console_fixture
(cd issuer/web-tests && npm ci --silent --no-audit --no-fund)
FIXTURE_BIN="$target_dir/debug/examples/console_fixture" WEB_TEST_OUTPUT="$target_dir/web-test-output" \
  node --test --test-reporter=spec issuer/web-tests/console.test.mjs
