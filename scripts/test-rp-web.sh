#!/usr/bin/env bash
# The relying party's result page in Debian's headless Chromium
# (relying-party/web-tests): QR shown, `elicence wallet present` answers,
# the page turns to the verdict without a reload; and interop with
# @openid4vc/openid4vp (pinned) both ways: as a wallet answering our relying
# party, and as a relying party our CLI wallet answers.
# Installs if missing: chromium (apt), playwright-core and @openid4vc/openid4vp (npm ci, no browser download).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-thai-tlwg >/dev/null
fi
# Two builds: with --example, cargo would build only that example, not the CLI.
cargo build --locked -p elicence --bin elicence
cargo build --locked -p elicence-relying-party --example rp_page_fixture
target_dir=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
(cd relying-party/web-tests && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
ELICENCE="$target_dir/debug/elicence" RP_FIXTURE="$target_dir/debug/examples/rp_page_fixture" \
  node --test --test-reporter=spec relying-party/web-tests/page.test.mjs relying-party/web-tests/interop.test.mjs
