#!/usr/bin/env bash
# Independent validation of the signed PDF licence (issue 14): pyHanko
# validates the PAdES B-T signature and its time-stamp, pdftotext gives back
# the Thai text exactly as in the credential, qpdf + pikepdf check the PDF/A-3
# clauses we rely on, and `elicence verify` accepts it. Installs what it needs:
# poppler-utils and qpdf from Debian, pyHanko and pikepdf into a venv under
# the cargo target directory (never globally). A local test CA and RFC 3161 TSA are started here.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools.sh
target_dir=$(elicence_target_dir)

need_apt=()
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
command -v qpdf >/dev/null || need_apt+=(qpdf)
if ((${#need_apt[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
venv=$target_dir/pdf-venv
if [ ! -x "$venv/bin/pyhanko" ] || ! "$venv/bin/python" -c "import pikepdf" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pyhanko pyhanko-cli pikepdf
fi

cargo build --locked -q -p elicence
cargo build --locked -q -p elicence-pades --features testing,tsa-client --example test_pki
work=$(mktemp -d)
cleanup() { touch "$work/pki/tsa-stop"; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
credential=test-vectors/eddsa-rdfc-2022/valid.json
issuer=$(python3 -c "import json,sys; print(json.load(open('$credential'))['issuer'] if isinstance(json.load(open('$credential'))['issuer'], str) else json.load(open('$credential'))['issuer']['id'])")
"$target_dir"/debug/examples/test_pki "$work/pki" "$issuer" --serve-tsa 600 >/dev/null &
for _ in $(seq 50); do [ -s "$work/pki/tsa-url" ] && break; sleep 0.1; done
"$target_dir"/debug/elicence render "$credential" --out "$work/out" --pdf \
  --sign-cert "$work/pki/agency.pem" --sign-key "$work/pki/agency.key.pem" \
  --tsa "$(cat "$work/pki/tsa-url")" >/dev/null
pdf="$work/out/valid.pdf"
size=$(stat -c %s "$pdf")
echo "PDF: $size bytes"
[ "$size" -le 153600 ] || { echo "FAIL: the licence PDF is over 150 KB"; exit 1; }

echo "== pyHanko"
"$venv/bin/pyhanko" sign validate --trust "$work/pki/root.pem" --trust-replace --pretty-print "$pdf" | tee "$work/pyhanko.txt" | tail -4
grep -q "The signature is judged VALID" "$work/pyhanko.txt"
grep -q "The timestamp token is cryptographically sound" "$work/pyhanko.txt"
grep -q "The signature covers the entire file" "$work/pyhanko.txt"

echo "== pdftotext, qpdf, pikepdf (PDF/A-3)"
"$venv/bin/python" scripts/pdf_checks.py "$pdf" "$credential"

echo "== elicence verify"
"$target_dir"/debug/elicence verify "$pdf" --pdf-roots "$work/pki/root.pem" --now 2026-06-01T00:00:00Z --lang en | head -12
echo "pdf validation: 1 passed, 0 failed"
