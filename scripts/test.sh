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
echo "== tests"
cargo test --workspace --locked
