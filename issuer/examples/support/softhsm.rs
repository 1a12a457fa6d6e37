//! A SoftHSM2 token of one's own, for the HSM tests and bench: a
//! configuration and token folder inside a temporary folder, so nothing is
//! shared with the machine's tokens or with other runs. Included by path
//! (`#[path]`) from `issuer/tests/hsm.rs`, `cli/tests/hsm_cli.rs` and
//! `issuer/examples/hsm_bench.rs`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes `dir/softhsm2.conf` (tokens in `dir/tokens`), initialises one
/// token labelled `label` with user PIN `pin`, and returns the configuration
/// path to give as `SOFTHSM2_CONF`.
pub fn init_token(dir: &Path, label: &str, pin: &str) -> PathBuf {
    let tokens = dir.join("tokens");
    std::fs::create_dir(&tokens).expect("token folder");
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )
    .expect("softhsm2.conf");
    let out = Command::new("softhsm2-util")
        .env("SOFTHSM2_CONF", &conf)
        .args(["--init-token", "--free", "--label", label])
        .args(["--pin", pin, "--so-pin", "27182818"])
        .output()
        .expect("softhsm2-util: run scripts/setup.sh (it installs softhsm2)");
    assert!(
        out.status.success(),
        "softhsm2-util --init-token: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    conf
}
