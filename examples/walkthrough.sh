#!/usr/bin/env bash
# elicence end to end, on this machine only (embedded SQLite, no network):
#   Part 1, an agency on its own: generate a key, sign a licence, verify it offline.
#   Part 2, the issuer service: start it, issue a licence over HTTP, print its QR
#           code and a printable page, verify the QR offline, revoke it, see the
#           status list say so; it also serves the phone inspector at /inspect/
#           (built here by scripts/build-web.sh; docs/inspector.md).
# Run from anywhere: ./examples/walkthrough.sh   (outputs go to examples/out/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh >/dev/null
echo "building elicence (release)…"
cargo build --quiet --release --locked -p elicence
echo "building the phone inspector (wasm; the first run installs wasm-bindgen-cli and binaryen)…"
bash scripts/build-web.sh | sed 's/^/  /'
elicence() { "$root/target/release/elicence" "$@"; }

out="$root/examples/out"
rm -rf "$out" && mkdir -p "$out"
# Demo secrets; a real agency keeps its own in a secrets store.
export ELICENCE_PASSPHRASE="walkthrough demo passphrase"
NOW=2026-06-01T00:00:00Z   # judge validity at a fixed instant inside the licence's term

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. An agency generates its Ed25519 signing key (PKCS#8, encrypted with scrypt + AES-256)"
elicence key generate --out "$out/agency-key.pem"

step "2. It signs the licence in examples/licence.json (eddsa-rdfc-2022, the default; and as vc+jwt)"
elicence issue examples/licence.json --key "$out/agency-key.pem" --out "$out/licence.vc.json"
elicence issue examples/licence.json --key "$out/agency-key.pem" --suite jwt --out "$out/licence.jwt"

step "3. Anyone verifies it offline"
elicence verify "$out/licence.vc.json" --now "$NOW"
elicence verify "$out/licence.jwt" --now "$NOW" --lang en

step "4. Someone edits the holder's name: verification fails (exit code 1)"
sed 's/ครัวไทยตัวอย่าง/ครัวไทยปลอม/' "$out/licence.vc.json" > "$out/licence.tampered.json"
if elicence verify "$out/licence.tampered.json" --now "$NOW" --lang en; then
  echo "tampered licence was accepted: this is a bug" >&2
  exit 1
fi

step "5. The issuer service: one config file, embedded SQLite, a master key for keys at rest"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$root/target/release/elicence" serve --help >/dev/null
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$out/master.key"
chmod 600 "$out/master.key"
cat > "$out/issuer.toml" <<TOML
listen = "127.0.0.1:$port"
public_url = "https://licence.example.go.th"
database = "issuer.db"
inspector_dir = "$root/target/web"
[master_key]
file = "master.key"
TOML
elicence agency add --config "$out/issuer.toml" --code bangrak \
  --name-th "สำนักงานเขตบางรัก" --name-en "Bang Rak District Office"
token=$(elicence token create --config "$out/issuer.toml" --agency bangrak --scope issue,revoke,read)
elicence serve --config "$out/issuer.toml" > "$out/issuer.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "issuer service listening on 127.0.0.1:$port (log: examples/out/issuer.log)"

step "6. Issue the licence over HTTP (POST /licences; the service allocates status entries)"
sed '/"issuer"/,/^  },/d' examples/licence.json > "$out/licence-data.json"   # the service names the issuer
curl -fsS -X POST "http://127.0.0.1:$port/licences" \
  -H "authorization: Bearer $token" -H 'content-type: application/json' \
  --data-binary @"$out/licence-data.json" > "$out/service-licence.json"
iri=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$out/service-licence.json")
echo "licence IRI (the License Access link): $iri"
curl -fsS "http://127.0.0.1:$port/agencies/bangrak/did.json" > "$out/bangrak-did.json"

step "7. Its QR code: the signed credential itself (LC1 payload), as PNG, SVG and a printable A4 page"
elicence qr stats "$out/service-licence.json"
elicence qr encode "$out/service-licence.json" --png "$out/licence-qr.png" --svg "$out/licence-qr.svg"
elicence qr encode "$out/service-licence.json" --text | cut -c1-72 | sed 's/$/…/'
elicence render "$out/service-licence.json" --out "$out"
echo "printable licence: examples/out/service-licence.html (add --pdf with Chromium installed)"

step "8. An inspector reads the QR from the picture and verifies it offline"
elicence verify --qr-image "$out/licence-qr.png" --did-doc "$out/bangrak-did.json" --now "$NOW" --lang both

step "8b. The same check on a phone: the issuer serves the offline inspector at /inspect/"
curl -fsS "http://127.0.0.1:$port/inspect/" | grep -q 'app.js' || { echo "no inspector at /inspect/" >&2; exit 1; }
for module in elicence_verify_bg.wasm elicence_inspector_bg.wasm; do
  type=$(curl -fsS -o /dev/null -w '%{content_type}' "http://127.0.0.1:$port/inspect/pkg/$module")
  echo "  /inspect/pkg/$module ($type)"
done
echo "open http://127.0.0.1:$port/inspect/ in a browser (camera needs localhost or HTTPS);"
echo "it verifies the printed QR (examples/out/service-licence.html) without any network"
echo "once the trust bundle is the agency's own (scripts/build-web.sh --bundle … --root …)"

step "9. The agency revokes the licence; its signed status list now says so"
elicence revoke "$iri" --server "http://127.0.0.1:$port" --token "$token"
if elicence status check "$out/service-licence.json" --via "http://127.0.0.1:$port"; then
  echo "revoked licence reported as in good standing: this is a bug" >&2
  exit 1
fi

step "Done: outputs are in examples/out/"
