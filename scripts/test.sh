#!/usr/bin/env bash
# Runs every check CI runs: formatting, lints, the wasm builds and all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== cargo fmt"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== wasm builds (core, verifier)"
cargo build --locked -p elicence-core -p elicence-verifier --target wasm32-unknown-unknown
echo "== browser inspector (wasm bindings in node, end to end in headless Chromium)"
bash scripts/test-web.sh
echo "== relying-party page (headless Chromium, scripts/test-rp-web.sh)"
bash scripts/test-rp-web.sh
echo "== wasm size"
bash scripts/wasm-size.sh
echo "== PDF licence: pyHanko, pdftotext, PDF/A-3 checks (scripts/test-pdf.sh)"
bash scripts/test-pdf.sh
echo "== agency console in headless Chromium with axe-core (scripts/test-console-web.sh)"
bash scripts/test-console-web.sh
echo "== tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Default members first, then the ssi differential tests on their own, so
# ssi's serde_json features never reach core's tests (see Cargo.toml).
cargo test --locked 2>&1 | tee "$log"
cargo test --locked -p elicence-interop 2>&1 | tee -a "$log"
# The multi-instance, fault and backup tests (instances, faults, backup) use
# PostgreSQL in any case and ran above; these are the SQLite-or-PostgreSQL ones.
echo "== issuer tests again on PostgreSQL (127.0.0.1:5432; a fresh database per test)"
ELICENCE_TEST_DATABASE=postgres cargo test --locked -p elicence-issuer \
  --test http_api --test trust_boundaries --test client_mistakes --test p384 \
  --test qr_service_licences --test w3c_suites --test rotation --test hsm 2>&1 | tee -a "$log"
# A test that fails before its service exists (or only parses a config) can
# leave its database behind: drop what is left of this run's test databases.
psql "${ELICENCE_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}" -Atc \
  "SELECT datname FROM pg_database WHERE datname LIKE 'elicence\_t\_%'" |
  while read -r db; do
    psql "${ELICENCE_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  done
echo "== SD-JWT VC interop with sd-jwt-js (interop/js, pinned by package-lock.json)"
(cd interop/js && npm ci --no-audit --no-fund --silent && node --test) 2>&1 | tee -a "$log"
echo "== OpenID4VCI interop: @openid4vc/openid4vci as the wallet, @sd-jwt/sd-jwt-vc as the verifier (interop/oid4vci-js)"
(cd interop/oid4vci-js && npm ci --no-audit --no-fund --silent && node --test) 2>&1 | tee -a "$log"
# One closing line for the whole workspace (cargo's last line is a doc-test
# binary, often with 0 tests, which says nothing about the run; node's
# runner closes with "# pass N" / "# fail N").
awk '/^test result:/ { p += $4; f += $6 } /^# pass / { p += $3 } /^# fail / { f += $3 } END { printf "tests: %d passed, %d failed\n", p, f; exit (p == 0 || f > 0) }' "$log"
