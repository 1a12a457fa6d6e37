#!/usr/bin/env bash
# elicence end to end, on this machine only (embedded SQLite, no network):
#   Part 1, an agency on its own: generate a key, sign a licence, verify it offline.
#   Part 2, the issuer service: start it, issue a licence over HTTP, print its QR
#           code and a printable page, verify the QR offline; a root authority
#           signs a trust bundle naming the agency, the phone inspector is built
#           with it and served at /inspect/; the business receives the licence
#           into its CLI wallet (OpenID4VCI); the licence as a signed, time-stamped
#           PDF/A-3; a bank's OpenID4VP relying party asks the wallet for three
#           claims; the agency revokes the licence and a new bundle carries the
#           revocation to offline verifiers and to the bank.
# Run from anywhere: ./examples/walkthrough.sh   (outputs go to examples/out/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh >/dev/null
. scripts/tools.sh
echo "building elicence (release)…"
cargo build --quiet --release --locked -p elicence
bin="$(elicence_target_dir)/release/elicence"
elicence() { "$bin" "$@"; }

out="$root/examples/out"
rm -rf "$out" && mkdir -p "$out"
# Demo secrets; a real agency keeps its own in a secrets store.
export ELICENCE_PASSPHRASE="walkthrough demo passphrase"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Every licence here starts today and runs for a year, so the walk-through
# gives the same result whenever it runs (examples/licence.json keeps its
# fixed dates: tests judge it at a fixed instant).
licence_from_today() { # in, out, keep issuer (yes/no)
  python3 - "$1" "$2" "$3" <<'PY'
import datetime, json, sys
data = json.load(open(sys.argv[1], encoding="utf-8"))
if sys.argv[3] != "yes":
    del data["issuer"]
today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).replace(microsecond=0)
data["validFrom"] = today.replace(hour=0, minute=0, second=0).isoformat()
data["validUntil"] = (today.replace(hour=23, minute=59, second=59) + datetime.timedelta(days=364)).isoformat()
json.dump(data, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
}

step "1. An agency generates its Ed25519 signing key (PKCS#8, encrypted with scrypt + AES-256)"
elicence key generate --out "$out/agency-key.pem"

step "2. It signs the licence of examples/licence.json, its term starting today (eddsa-rdfc-2022, the default; and as vc+jwt)"
licence_from_today examples/licence.json "$out/licence.json" yes
elicence issue "$out/licence.json" --key "$out/agency-key.pem" --out "$out/licence.vc.json"
elicence issue "$out/licence.json" --key "$out/agency-key.pem" --suite jwt --out "$out/licence.jwt"

step "3. Anyone verifies it offline"
elicence verify "$out/licence.vc.json"
elicence verify "$out/licence.jwt" --lang en

step "4. Someone edits the holder's name: verification fails (exit code 1)"
sed 's/ครัวไทยตัวอย่าง/ครัวไทยปลอม/' "$out/licence.vc.json" > "$out/licence.tampered.json"
if elicence verify "$out/licence.tampered.json" --lang en; then
  echo "tampered licence was accepted: this is a bug" >&2
  exit 1
fi

step "5. The issuer service: one config file, embedded SQLite, a master key for keys at rest"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# (elicence-issuer gen-master-key --out FILE does the same; the service refuses
# a master key file other users can read.)
(umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$out/master.key")
cat > "$out/issuer.toml" <<TOML
listen = "127.0.0.1:$port"
# A loopback public URL (http://127.0.0.1:PORT) lets wallets on this machine
# follow the service's OpenID4VCI URLs; identifiers (did:web, licence IRIs)
# stay https. A real service has an https public URL.
public_url = "http://127.0.0.1:$port"
database = "issuer.db"
inspector_dir = "web"
[master_key]
file = "master.key"
TOML
elicence agency add --config "$out/issuer.toml" --code bangrak \
  --name-th "สำนักงานเขตบางรัก" --name-en "Bang Rak District Office"
# The token lives in files only you can read: never on a command line (ps shows those).
(umask 077
 elicence token create --config "$out/issuer.toml" --agency bangrak --scope issue,revoke,read > "$out/bangrak.token"
 printf 'authorization: Bearer %s\n' "$(cat "$out/bangrak.token")" > "$out/bangrak.auth")
# The binary itself in the background (not the shell function, whose $! would
# be a subshell's): the service stops with this script, however it ends.
"$bin" serve --config "$out/issuer.toml" > "$out/issuer.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "issuer service listening on 127.0.0.1:$port (log: examples/out/issuer.log)"

step "6. Issue the licence over HTTP (POST /licences; the service allocates status entries)"
# The service names the issuer and allocates the status entries.
licence_from_today examples/licence.json "$out/licence-data.json" no
curl -fsS -X POST "http://127.0.0.1:$port/licences" \
  -H @"$out/bangrak.auth" -H 'content-type: application/json' \
  --data-binary @"$out/licence-data.json" > "$out/service-licence.json"
iri=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$out/service-licence.json")
# The licence's path on this service, percent-encoded (its number is Thai).
licence_path=$(python3 -c 'import sys, urllib.parse as u; print(u.quote(u.urlsplit(sys.argv[1]).path))' "$iri")
echo "licence IRI (the License Access link): $iri"
curl -fsS "http://127.0.0.1:$port/agencies/bangrak/did.json" > "$out/bangrak-did.json"

step "7. Its QR code: the signed credential itself (LC2 payload), as PNG, SVG and a printable A4 page"
elicence qr stats "$out/service-licence.json"
elicence qr encode "$out/service-licence.json" --png "$out/licence-qr.png" --svg "$out/licence-qr.svg"
elicence qr encode "$out/service-licence.json" --text | cut -c1-72 | sed 's/$/…/'
elicence render "$out/service-licence.json" --out "$out"
echo "printable licence: examples/out/service-licence.html (add --pdf with Chromium installed)"

step "8. An inspector reads the QR from the picture and verifies it, with the status lists of today"
# Its status lists are fetched and checked (signed by the agency, in force);
# --via reaches them on this machine instead of licence.example.go.th.
elicence verify --qr-image "$out/licence-qr.png" --did-doc "$out/bangrak-did.json" --lang both \
  --online --via "http://127.0.0.1:$port"

step "8b. A root authority lists the agency in a signed trust bundle; the phone inspector ships it"
elicence key generate --out "$out/root-key.pem"
root_did=$(elicence key did --key "$out/root-key.pem")
# What the root authority vouches for: the agency's DID, its key and its licence types.
python3 - "$out/bangrak-did.json" > "$out/agencies.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
key = doc["verificationMethod"][0]
print(json.dumps([{
    "code": "BKK-BANGRAK",
    "name": {"th": "สำนักงานเขตบางรัก กรุงเทพมหานคร", "en": "Bang Rak District Office, Bangkok"},
    "level": "local",
    "dids": [doc["id"]],
    "keys": [{"id": key["id"], "publicKeyMultibase": key["publicKeyMultibase"], "validFrom": "2026-01-01T00:00:00Z"}],
    "licenceTypes": ["food-sale"],
}], ensure_ascii=False, indent=2))
PY
fetch_status_lists() { # into $out/status-*.json, from the service (its public URLs map to this port)
  for purpose in revocation suspension; do
    curl -fsS "http://127.0.0.1:$port/agencies/bangrak/status/$purpose/1" > "$out/status-$purpose.json"
  done
  # The same entries as an IETF Token Status List, for SD-JWT VC licences.
  curl -fsS "http://127.0.0.1:$port/agencies/bangrak/status/token/1" > "$out/status-token.jwt"
}
build_bundle() { # version
  elicence bundle build --root-key "$out/root-key.pem" --agencies "$out/agencies.json" \
    --catalogue catalogue/licence-catalogue.json \
    --status-list "$out/status-revocation.json" --status-list "$out/status-suspension.json" \
    --token-status-list "$out/status-token.jwt" \
    --bundle-version "$1" --valid-until "$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)" --out "$out/bundle.json"
}
fetch_status_lists
build_bundle 1
elicence bundle verify "$out/bundle.json" --root "$root_did"
echo "the licence checked against the bundle (trusted agency, authorised type, not revoked):"
elicence verify "$out/service-licence.json" --bundle "$out/bundle.json" --root "$root_did" --lang en
echo "building the phone inspector with this bundle (wasm; the first run installs wasm-bindgen-cli and binaryen)…"
bash scripts/build-web.sh --out "$out/web" --bundle "$out/bundle.json" --root "$root_did" | sed 's/^/  /'
curl -fsS "http://127.0.0.1:$port/inspect/" | grep -q 'app.js' || { echo "no inspector at /inspect/" >&2; exit 1; }
for module in elicence_verify_bg.wasm elicence_inspector_bg.wasm; do
  type=$(curl -fsS -o /dev/null -w '%{content_type}' "http://127.0.0.1:$port/inspect/pkg/$module")
  echo "  served: /inspect/pkg/$module ($type)"
done
echo "a phone at http://127.0.0.1:$port/inspect/ (camera: localhost or HTTPS) now verifies the"
echo "printed QR (examples/out/service-licence.html) offline, issuer named from the trust list"

step "8c. The business puts the licence in its CLI wallet (OpenID4VCI 1.0, pre-authorized code + PIN)"
# The agency makes an offer (a QR for phone wallets: GET the offer URI with
# Accept: image/png) and sends the PIN by another channel (SMS, letter).
curl -fsS -X POST "http://127.0.0.1:$port$licence_path/offer" -H @"$out/bangrak.auth" > "$out/offer.json"
offer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["offer"])' "$out/offer.json")
pin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tx_code"])' "$out/offer.json")
echo "offer: $offer"
# Holder keys are sealed with $ELICENCE_PASSPHRASE (else asked for).
elicence wallet receive "$offer" --pin "$pin" --wallet "$out/wallet"
elicence wallet list --wallet "$out/wallet"
sd_id=$(elicence wallet list --json --wallet "$out/wallet" |
  python3 -c 'import json,sys; print(next(c["id"] for c in json.load(sys.stdin) if c["format"] == "dc+sd-jwt"))')
elicence wallet show "$sd_id" --raw --wallet "$out/wallet" > "$out/wallet-licence.sd-jwt"
echo "the SD-JWT VC from the wallet, verified online (did:web document, Token Status List):"
elicence verify "$out/wallet-licence.sd-jwt" --online --via "http://127.0.0.1:$port" --lang en

step "8d. The licence as a Thai e-document: PDF/A-3 with the credential inside, PAdES-signed and time-stamped"
# A local test CA and RFC 3161 time-stamp authority stand in for the agency's
# signing certificate and a TSA (docs/pdf.md says how an agency sets up its own).
cargo build --quiet --release --locked -p elicence-pades --features testing,tsa-client --example test_pki
issuer_did=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$out/bangrak-did.json")
"$(elicence_target_dir)/release/examples/test_pki" "$out/pki" "$issuer_did" --serve-tsa 600 >/dev/null &
tsa=$!
trap 'touch "$out/pki/tsa-stop"; kill "$server" "$tsa" 2>/dev/null || true; wait "$server" "$tsa" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$out/pki/tsa-url" ] && break; sleep 0.1; done
elicence render "$out/service-licence.json" --out "$out" --pdf \
  --sign-cert "$out/pki/agency.pem" --sign-key "$out/pki/agency.key.pem" --tsa "$(cat "$out/pki/tsa-url")"
touch "$out/pki/tsa-stop"
echo "examples/out/service-licence.pdf: any PDF reader shows it signed; elicence checks the"
echo "signature, the time-stamp and the credential inside (status from the trust bundle):"
elicence verify "$out/service-licence.pdf" --pdf-roots "$out/pki/root.pem" \
  --bundle "$out/bundle.json" --root "$root_did" --lang en
python3 - "$out/service-licence.pdf" "$out/service-licence.tampered.pdf" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 3] ^= 0x01   # one bit, inside the signed bytes
open(sys.argv[2], "wb").write(data)
PY
if elicence verify "$out/service-licence.tampered.pdf" --pdf-roots "$out/pki/root.pem" \
  --bundle "$out/bundle.json" --root "$root_did" --lang en >/dev/null 2>&1; then
  echo "a PDF changed after signing was accepted: this is a bug" >&2
  exit 1
fi
echo "a copy with one bit changed is refused"

step "8e. A bank asks the business's wallet for \"food-sale licence: type, validity, juristic ID\" (OpenID4VP 1.0 + DCQL)"
# The bank's relying party: a request-signing key, a certificate naming its DNS
# name (self-made here; a CA the wallets trust in production), the trust bundle.
elicence key generate --p256 --plaintext --out "$out/rp-key.pem"
elicence rp certificate --dns bank.example.co.th --key "$out/rp-key.pem" --out "$out/rp-cert.pem"
rp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$out/rp.toml" <<TOML
listen = "127.0.0.1:$rp_port"
public_url = "http://127.0.0.1:$rp_port"
database = "rp.sqlite3"
bundle = "bundle.json"
root = "$root_did"
client_id = "x509_san_dns:bank.example.co.th"
signing_key = "rp-key.pem"
certificate = "rp-cert.pem"
TOML
"$bin" rp serve --config "$out/rp.toml" > "$out/rp.log" 2>&1 &
rp=$!
trap 'touch "$out/pki/tsa-stop"; kill "$server" "$tsa" "$rp" 2>/dev/null || true; wait "$server" "$tsa" "$rp" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$rp_port/requests/none")" != 000 ] && break
  sleep 0.1
done
# The bank's backend asks (type and validity are always visible; the juristic
# person ID is the one claim to disclose); the business answers from its wallet.
ask_and_answer() { # prints the request id; the wallet's exit code is the function's
  curl -fsS -X POST "http://127.0.0.1:$rp_port/requests" -H 'content-type: application/json' \
    -d '{"dcql_query": {"credentials": [{"id": "licence", "format": "dc+sd-jwt",
         "meta": {"vct_values": ["https://w3id.org/elicence/vct/food-sale"]},
         "claims": [{"path": ["licensee", "juristicPersonId"]}]}]}}' > "$out/rp-request.json"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$out/rp-request.json"
  uri=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uri"])' "$out/rp-request.json")
  elicence wallet present "$uri" --wallet "$out/wallet" --rp-ca "$out/rp-cert.pem" --yes >&2
}
rp_id=$(ask_and_answer)
echo "the bank's backend reads the result (GET /requests/$rp_id):"
curl -fsS "http://127.0.0.1:$rp_port/requests/$rp_id" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("  state:", r["state"])
print("  claims:", json.dumps(r["claims"], ensure_ascii=False))
sys.exit(0 if r["state"] == "verified" else 1)'

step "9. The agency revokes the licence; its signed status list now says so"
elicence revoke "$iri" --server "http://127.0.0.1:$port" --token-file "$out/bangrak.token"
if elicence status check "$out/service-licence.json" --via "http://127.0.0.1:$port"; then
  echo "revoked licence reported as in good standing: this is a bug" >&2
  exit 1
fi
if elicence verify "$out/wallet-licence.sd-jwt" --online --via "http://127.0.0.1:$port" --lang en >/dev/null; then
  echo "the wallet's revoked SD-JWT VC was accepted: this is a bug" >&2
  exit 1
fi
echo "the wallet's SD-JWT VC is refused too: the agency's Token Status List says revoked"
echo "offline verifiers learn it from the next bundle (version 2, fresh status lists):"
fetch_status_lists
build_bundle 2
if elicence verify "$out/service-licence.json" --bundle "$out/bundle.json" --root "$root_did" --lang en; then
  echo "revoked licence accepted with the new bundle: this is a bug" >&2
  exit 1
fi
echo "the bank's relying party reads the new bundle too: the same answer is now refused"
if ask_and_answer >/dev/null; then
  echo "the bank accepted a revoked licence: this is a bug" >&2
  exit 1
fi

step "Done: outputs are in examples/out/"
