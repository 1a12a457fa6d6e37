//! `elicence agency rotate-master-key` end to end on a real database: every
//! stored key moves to the new master key; the old one no longer opens them.

use std::process::{Command, Stdio};

fn elicence() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_elicence"));
    cmd.stdin(Stdio::null());
    cmd
}

fn config(dir: &std::path::Path, name: &str, key: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "public_url = \"https://licence.example.go.th\"\ndatabase = \"{}\"\n[master_key]\nfile = \"{}\"\n",
            dir.join("issuer.db").display(),
            dir.join(key).display()
        ),
    )
    .unwrap();
    path
}

#[test]
fn rotate_master_key_moves_every_key_to_the_new_master_key() {
    let dir = tempfile::tempdir().unwrap();
    for key in ["old.key", "new.key", "third.key"] {
        elicence_issuer::crypto::write_master_key_file(&dir.path().join(key)).unwrap();
    }
    let old = config(dir.path(), "old.toml", "old.key");
    let new = config(dir.path(), "new.toml", "new.key");
    for code in ["bangrak", "chiangmai"] {
        let out = elicence()
            .args(["agency", "add", "--config"])
            .arg(&old)
            .args([
                "--code",
                code,
                "--name-th",
                "หน่วยงาน",
                "--name-en",
                "Agency",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let rotate = |config: &std::path::Path, to: &str| {
        elicence()
            .args(["agency", "rotate-master-key", "--config"])
            .arg(config)
            .arg("--new-key-file")
            .arg(dir.path().join(to))
            .output()
            .unwrap()
    };
    let out = rotate(&old, "new.key");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("2 signing keys"));
    // The old master key opens nothing any more: a clear error, exit non-zero,
    // and nothing changed.
    let out = rotate(&old, "third.key");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("decrypt"), "{err}");
    // The new one opens every key.
    let out = rotate(&new, "third.key");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
