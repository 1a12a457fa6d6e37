//! `elicence user …`: console accounts administered on the issuer database,
//! the way `elicence agency` and `elicence token` are.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use elicence_issuer::console::accounts::{self, SignIn};
use elicence_issuer::console::totp;
use elicence_issuer::crypto::MasterKey;
use serde_json::Value;

fn elicence() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_elicence"));
    cmd.env_remove("ELICENCE_USER_PASSWORD")
        .stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Runs `cmd` with `input` on its standard input.
fn run_with_stdin(cmd: &mut Command, input: &str) -> (i32, String, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn setup(dir: &Path) -> PathBuf {
    elicence_issuer::crypto::write_master_key_file(&dir.join("master.key")).unwrap();
    let config = dir.join("issuer.toml");
    std::fs::write(
        &config,
        "listen = \"127.0.0.1:0\"\npublic_url = \"https://licence.example.go.th\"\ndatabase = \"issuer.db\"\ndurability = \"normal\"\n[master_key]\nfile = \"master.key\"\n",
    )
    .unwrap();
    let (code, _, err) = run(elicence()
        .args(["agency", "add", "--config"])
        .arg(&config)
        .args([
            "--code",
            "bangrak",
            "--name-th",
            "เขตบางรัก",
            "--name-en",
            "Bang Rak",
        ]));
    assert_eq!(code, 0, "{err}");
    config
}

fn sign_in(config: &Path, username: &str, password: &str, secret_b32: &str, at: u64) -> SignIn {
    let cfg = elicence_issuer::Config::load(config).unwrap();
    let conn = elicence_issuer::store::open(&cfg.database, cfg.durability).unwrap();
    let master = MasterKey::load(&cfg.master_key).unwrap();
    let secret = data_encoding::BASE32_NOPAD
        .decode(secret_b32.as_bytes())
        .unwrap();
    let code = totp::code_at(&secret, at);
    accounts::sign_in(&conn, &master, username, password, &code, at as i64).unwrap()
}

#[test]
fn user_add_list_reset_disable_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let config = setup(dir.path());
    let password = "รหัสผ่านของสมชาย-1";

    let (code, out, err) = run_with_stdin(
        elicence()
            .args(["user", "add", "--config"])
            .arg(&config)
            .args([
                "--agency",
                "bangrak",
                "--role",
                "issuer",
                "--name",
                "สมชาย ใจดี",
            ])
            .args(["--password-stdin", "somchai"]),
        &format!("{password}\n"),
    );
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    let secret = lines.next().unwrap().to_string();
    assert_eq!(secret.len(), 32, "160-bit base32 key: {out}");
    assert!(lines
        .next()
        .unwrap()
        .starts_with("otpauth://totp/elicence%20bangrak:somchai?secret="));
    // The printed key signs in (the password from stdin, without its newline).
    let now = 2_000_000_000;
    assert!(matches!(
        sign_in(&config, "somchai", password, &secret, now),
        SignIn::Accepted(_)
    ));

    let (code, out, _) = run(elicence()
        .args(["user", "list", "--json", "--config"])
        .arg(&config));
    assert_eq!(code, 0);
    let list: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(list[0]["username"], "somchai");
    assert_eq!(list[0]["role"], "issuer");
    assert_eq!(list[0]["has_totp"], true);
    assert!(!out.contains("password_hash") && !out.contains("totp_sealed"));

    // A new key replaces the old one.
    let (code, out, err) = run(elicence()
        .args(["user", "reset-totp", "--config"])
        .arg(&config)
        .arg("somchai"));
    assert_eq!(code, 0, "{err}");
    let new_secret = out.lines().next().unwrap().to_string();
    assert_ne!(new_secret, secret);
    assert_eq!(
        sign_in(&config, "somchai", password, &secret, now + 60),
        SignIn::Refused
    );
    assert!(matches!(
        sign_in(&config, "somchai", password, &new_secret, now + 120),
        SignIn::Accepted(_)
    ));

    // Unlock clears failures; disable stops sign-in.
    for cmd in ["unlock", "disable"] {
        let (code, _, err) = run(elicence()
            .args(["user", cmd, "--config"])
            .arg(&config)
            .arg("somchai"));
        assert_eq!(code, 0, "{cmd}: {err}");
    }
    assert_eq!(
        sign_in(&config, "somchai", password, &new_secret, now + 180),
        SignIn::Refused
    );
    let (_, out, _) = run(elicence().args(["user", "list", "--config"]).arg(&config));
    assert!(out.contains("somchai\tissuer\tdisabled"), "{out}");
}

#[test]
fn user_mistakes_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let config = setup(dir.path());
    let add = |role: &str, name: &str, agency: &str, password: Option<&str>| {
        let mut cmd = elicence();
        cmd.args(["user", "add", "--config"]).arg(&config).args([
            "--agency",
            agency,
            "--role",
            role,
            "--name",
            "ทดสอบ",
            name,
        ]);
        if let Some(p) = password {
            cmd.env("ELICENCE_USER_PASSWORD", p);
        }
        run(&mut cmd)
    };
    let (code, _, err) = add("root", "a-user", "bangrak", Some("long enough pw"));
    assert_ne!(code, 0);
    assert!(err.contains("unknown role `root`"), "{err}");
    let (code, _, err) = add("viewer", "a-user", "bangrak", Some("short"));
    assert_ne!(code, 0);
    assert!(err.contains("at least 10 characters"), "{err}");
    let (code, _, err) = add("viewer", "a-user", "bangrak", None);
    assert_ne!(code, 0);
    assert!(err.contains("--password-stdin"), "{err}");
    let (code, _, err) = add("viewer", "Bad Name", "bangrak", Some("long enough pw"));
    assert_ne!(code, 0);
    assert!(err.contains("user name"), "{err}");
    let (code, _, err) = add("viewer", "a-user", "nowhere", Some("long enough pw"));
    assert_ne!(code, 0);
    assert!(err.contains("nowhere"), "{err}");
    // A viewer gets no TOTP key; a second account with the name is refused.
    let (code, out, err) = add("viewer", "a-user", "bangrak", Some("long enough pw"));
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    let (code, _, err) = add("viewer", "a-user", "bangrak", Some("long enough pw"));
    assert_ne!(code, 0);
    assert!(err.contains("taken"), "{err}");
    let (code, _, err) = run(elicence()
        .args(["user", "disable", "--config"])
        .arg(&config)
        .arg("nobody"));
    assert_ne!(code, 0);
    assert!(err.contains("no console account `nobody`"), "{err}");
}
