#!/usr/bin/env bash
# Installs what building and testing elicence needs on a fresh Debian machine
# with rustup: the wasm target, OpenSSL headers for the josekit interop test,
# the PostgreSQL client tools and SoftHSM2.
# Idempotent: quick when everything is already there.
set -euo pipefail

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

need_apt=()
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
dpkg -s libssl-dev >/dev/null 2>&1 || need_apt+=(libssl-dev)
# pg_dump/pg_restore for the issuer's backup-and-restore test (issuer/tests/backup.rs).
command -v pg_restore >/dev/null 2>&1 || need_apt+=(postgresql-client)
# SoftHSM2, the PKCS#11 token the issuer's HSM tests and bench keep agency
# keys in (issuer/tests/hsm.rs, issuer/examples/hsm_bench.rs).
command -v softhsm2-util >/dev/null 2>&1 || need_apt+=(softhsm2)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi
