#!/usr/bin/env bash
# Builds the browser inspector as plain static files (default: target/web/):
# index.html, app.js, style.css, sw.js, manifest, the wasm modules and a
# default trust bundle. Any static server can serve the directory.
# A phone downloads one module: elicence_verify (verifier only) when its
# browser has a native BarcodeDetector, else elicence_inspector (verifier and
# QR decoder in one module, shared by the page and its decoding worker).
#
# Usage: scripts/build-web.sh [--out DIR] [--bundle FILE --root DID] [--no-wasm-opt]
#   --bundle/--root  ship this trust bundle and root authority instead of the
#                    TEST fixture in test-vectors/trust (which is labelled test data).
#
# Output goes under cargo's target directory (CARGO_TARGET_DIR is honoured).
# Installs, only if missing: the wasm32 target (setup.sh), wasm-bindgen-cli at
# exactly the wasm-bindgen version in Cargo.lock (cargo install from source, into
# TARGET/tools, see scripts/tools.sh), and binaryen's wasm-opt from npm (into
# TARGET/web-tools) unless --no-wasm-opt.
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir=$(pwd)
. scripts/tools.sh
target_dir=$(elicence_target_dir)

out=$target_dir/web
bundle=test-vectors/trust/bundle.json
root_did=""
wasm_opt=1
test_data=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --bundle) bundle=$2; test_data=0; shift 2 ;;
    --root) root_did=$2; shift 2 ;;
    --no-wasm-opt) wasm_opt=0; shift ;;
    *) echo "build-web: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$root_did" ]; then
  if [ "$test_data" -eq 0 ]; then
    echo "build-web: --bundle needs --root did:key:… (the root authority that signs it)" >&2
    exit 2
  fi
  root_did=$(sed -n 's/^  "root": "\(did:key:[^"]*\)".*/\1/p' test-vectors/trust/manifest.json)
fi

bash scripts/setup.sh >/dev/null

# wasm-bindgen-cli must match the wasm-bindgen crate exactly, or the generated
# glue and the module disagree.
elicence_install_wasm_bindgen "$target_dir/tools"
wasm_bindgen=$target_dir/tools/bin/wasm-bindgen

opt_bin=""
if [ "$wasm_opt" -eq 1 ]; then
  binaryen_version=132.0.0
  tools=$target_dir/web-tools
  opt_bin=$tools/node_modules/.bin/wasm-opt
  if [ ! -x "$opt_bin" ] || [ "$("$opt_bin" --version | awk '{print $3}')" != "${binaryen_version%%.*}" ]; then
    echo "build-web: installing binaryen $binaryen_version (wasm-opt) from npm into $tools"
    mkdir -p "$tools"
    npm install --silent --no-audit --no-fund --prefix "$tools" "binaryen@$binaryen_version" >/dev/null
  fi
fi

rm -rf "$out"
mkdir -p "$out/pkg"

# One crate, two modules; a phone downloads exactly one of them.
build_module() { # features, output name
  local features=$1 name=$2
  cargo build --quiet --locked -p elicence-wasm --lib --target wasm32-unknown-unknown \
    --profile wasm --no-default-features --features "$features"
  "$wasm_bindgen" --target web --no-typescript --out-dir "$out/pkg" --out-name "$name" \
    "$target_dir/wasm32-unknown-unknown/wasm/elicence_wasm.wasm"
  local wasm=$out/pkg/${name}_bg.wasm
  if [ -n "$opt_bin" ]; then
    "$opt_bin" -Oz --strip-debug --strip-producers \
      --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$wasm" -o "$wasm.opt"
    mv "$wasm.opt" "$wasm"
  fi
}
build_module verify,sd-jwt elicence_verify
build_module verify,qr elicence_inspector

cp wasm-verifier/web/index.html wasm-verifier/web/app.js wasm-verifier/web/style.css \
  wasm-verifier/web/sw.js wasm-verifier/web/qr-worker.js wasm-verifier/web/manifest.webmanifest wasm-verifier/web/icon.svg "$out/"
cp "$bundle" "$out/bundle.json"
cat > "$out/anchor.json" <<JSON
{"rootDid": "$root_did", "testData": $([ "$test_data" -eq 1 ] && echo true || echo false)}
JSON
if [ "$test_data" -eq 1 ]; then
  printf 'TEST DATA: bundle.json is the test-vectors/trust fixture, signed by a published test root key.\n' > "$out/TEST-DATA.txt"
fi

# The service worker's cache is named after the content, so a new build
# replaces the old cache on the next online visit.
build_id=$(cd "$out" && find . -type f ! -name sw.js ! -name bundle.json -print0 | sort -z \
  | xargs -0 sha256sum | sha256sum | cut -c1-16)
sed -i "s/__BUILD_ID__/$build_id/" "$out/sw.js"
# Precompressed copies (FILE.br, FILE.gz) for servers that send them as they
# are: brotli 11 sends a fifth fewer bytes of the wasm than gzip -9.
node wasm-verifier/precompress.mjs "$out"

# The budget (issue 7): what one phone downloads of wasm, gzipped, including
# QR decoding, is at most 400 KB (400,000 bytes).
budget=400000
over=0
report() { # file, label
  local raw gz
  raw=$(stat -c %s "$1")
  gz=$(gzip -9 -c "$1" | wc -c)
  printf '%-58s %9d bytes raw %9d bytes gzip -9 (%d KB)\n' "$2" "$raw" "$gz" $(( (gz + 999) / 1000 ))
  if [ "$gz" -gt "$budget" ]; then over=1; fi
}
echo "build-web: $out (build $build_id, wasm-opt: $([ -n "$opt_bin" ] && echo yes || echo no))"
report "$out/pkg/elicence_verify_bg.wasm" "with BarcodeDetector: elicence_verify_bg.wasm"
report "$out/pkg/elicence_inspector_bg.wasm" "without: elicence_inspector_bg.wasm (verify + QR)"
js_total=$(cat "$out"/*.js "$out"/pkg/*.js "$out"/*.html "$out"/*.css | gzip -9 | wc -c)
echo "app shell (html, css, js glue): $js_total bytes gzip -9"
if [ "$over" -eq 1 ]; then
  if [ -n "$opt_bin" ]; then
    echo "build-web: a module is over the $budget-byte gzip budget (docs/inspector.md, Sizes)" >&2
    exit 1
  fi
  echo "build-web: over the $budget-byte budget without wasm-opt (the budget applies to optimised builds)"
fi
[ "$test_data" -eq 1 ] && echo "build-web: shipping the TEST trust bundle (test-vectors/trust); pass --bundle/--root for real use"
echo "build-web: serve with any static server, e.g. (cd $out && python3 -m http.server 8080)"
cd "$root_dir"
