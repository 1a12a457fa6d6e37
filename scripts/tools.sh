#!/usr/bin/env bash
# Sourced by the other scripts: where cargo puts its output, and the build
# tools the scripts install into it.
#
# Tools go into a project-local folder under the target directory
# ($target_dir/tools), never into ~/.cargo/bin: every CI run then exercises the
# install path on its first run instead of finding a tool an earlier run or a
# developer left behind, and `cargo clean` removes them with the rest.
# They are installed without `--locked`: a tool's own Cargo.lock may pin a
# dependency version the package registry does not serve (wasm-bindgen-cli
# 0.2.130 pins webpki-roots 1.0.11), so we pin the tool's version instead and
# check it after the install.

# The cargo target directory, honouring CARGO_TARGET_DIR and .cargo/config.
elicence_target_dir() {
  cargo metadata --format-version 1 --no-deps --locked 2>/dev/null \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}

# Installs wasm-bindgen-cli (wasm-bindgen and wasm-bindgen-test-runner) at
# exactly the wasm-bindgen version in Cargo.lock into $1/bin, unless that
# version is already there. The generated glue and the module must agree, so
# any other version is replaced.
elicence_install_wasm_bindgen() { # tools root
  local tools_root=$1 wanted have
  wanted=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  have=$("$tools_root/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$wanted" ]; then
    echo "tools: installing wasm-bindgen-cli $wanted into $tools_root (cargo install, a few minutes)" >&2
    cargo install --quiet --force --root "$tools_root" wasm-bindgen-cli --version "=$wanted"
    have=$("$tools_root/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}' || true)
    if [ "$have" != "$wanted" ]; then
      echo "tools: wasm-bindgen-cli $wanted did not install (found '${have:-nothing}')" >&2
      return 1
    fi
  fi
}
