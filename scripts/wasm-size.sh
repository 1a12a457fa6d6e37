#!/usr/bin/env bash
# Prints the size of the verifier compiled to wasm32 (core included), raw and
# gzipped: what a phone downloads before it can verify anything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
cargo build --quiet --locked -p elicence-verifier --example wasm_size \
  --target wasm32-unknown-unknown --profile wasm
wasm=target/wasm32-unknown-unknown/wasm/examples/wasm_size.wasm
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "verifier+core wasm (profile wasm: opt-level z, LTO, panic=abort): ${raw} bytes raw, ${gz} bytes gzip -9"
