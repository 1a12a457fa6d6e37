#!/usr/bin/env bash
# Prints the size of the verifier compiled to wasm32 (core included), raw and
# gzipped: what a phone downloads before it can verify anything. Two builds:
# as the browser inspector ships it (without P-384: `--no-default-features`)
# and with every default feature (P-384 included), so the cost of P-384 shows.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
. scripts/tools.sh
wasm=$(elicence_target_dir)/wasm32-unknown-unknown/wasm/examples/wasm_size.wasm
measure() { # label, extra cargo flags...
  local label=$1
  shift
  cargo build --quiet --locked -p elicence-verifier --example wasm_size \
    --target wasm32-unknown-unknown --profile wasm "$@"
  local raw gz
  raw=$(stat -c %s "$wasm")
  gz=$(gzip -9 -c "$wasm" | wc -c)
  echo "verifier+core wasm, ${label} (profile wasm: opt-level z, LTO, panic=abort): ${raw} bytes raw, ${gz} bytes gzip -9"
}
measure "as the browser ships it, without P-384" --no-default-features
measure "with P-384 (default features)"
