#!/usr/bin/env bash
# What an agency does with elicence, end to end, on this machine only:
#   1. generate a signing key (encrypted at rest),
#   2. publish its DIDs (did:key, and a did:web document for the agency's site),
#   3. sign a business licence as a Verifiable Credential (Data Integrity and vc+jwt),
#   4. verify it offline, and see a tampered copy rejected.
# Run from anywhere: ./examples/walkthrough.sh   (outputs go to examples/out/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh >/dev/null
cargo build --quiet --release -p elicence
elicence() { "$root/target/release/elicence" "$@"; }

out="$root/examples/out"
rm -rf "$out" && mkdir -p "$out"
# A demo passphrase; a real agency keeps its own in a secrets store.
export ELICENCE_PASSPHRASE="walkthrough demo passphrase"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. Generate the agency's Ed25519 signing key (PKCS#8, encrypted with scrypt + AES-256)"
elicence key generate --out "$out/agency-key.pem"
head -1 "$out/agency-key.pem"

step "2. The agency's DIDs: did:key, and a did:web document (publish it at the printed URL)"
elicence key did --key "$out/agency-key.pem"
elicence key did --key "$out/agency-key.pem" --web did:web:licence.bangrak.example.go.th --out "$out/did.json"

step "3. Sign the licence in examples/licence.json (eddsa-rdfc-2022, the default, then vc+jwt)"
elicence issue examples/licence.json --key "$out/agency-key.pem" --out "$out/licence.vc.json"
elicence issue examples/licence.json --key "$out/agency-key.pem" --suite jwt --out "$out/licence.jwt"
echo "credential id: $(grep -m1 '"id": "https' "$out/licence.vc.json" | sed 's/.*"id": //')"

step "4. Verify offline (judged on 2026-06-01, inside the licence's validity)"
elicence verify "$out/licence.vc.json" --now 2026-06-01T00:00:00Z
elicence verify "$out/licence.jwt" --now 2026-06-01T00:00:00Z --lang en

step "5. Someone edits the holder's name: verification fails (exit code 1)"
sed 's/ครัวไทยตัวอย่าง/ครัวไทยปลอม/' "$out/licence.vc.json" > "$out/licence.tampered.json"
if elicence verify "$out/licence.tampered.json" --now 2026-06-01T00:00:00Z --lang en; then
  echo "tampered licence was accepted: this is a bug" >&2
  exit 1
fi

step "Done: outputs are in examples/out/"
