//! A real `elicence serve` for the CLI tests that talk to the service
//! (service_cli, wallet_cli): one place starts it, another stops it.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running issuer service in its own scratch folder, with agency `bangrak`;
/// killed (and its folder removed) when dropped.
pub struct Issuer {
    /// The folder holding its configuration, master key and database.
    pub dir: tempfile::TempDir,
    /// Its `issuer.toml`, for the `agency` and `token` commands.
    pub config: PathBuf,
    /// Where it listens.
    pub addr: SocketAddr,
    child: Child,
}

impl Drop for Issuer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Issuer {
    /// Its loopback origin, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Starts `elicence serve` on a port the OS picked, with `public_url` as
/// `public_url(port)` says, agency `bangrak` added, and waits for /healthz.
pub fn start(public_url: impl Fn(u16) -> String) -> Issuer {
    let dir = tempfile::tempdir().unwrap();
    elicence_issuer::crypto::write_master_key_file(&dir.path().join("master.key")).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = dir.path().join("issuer.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\npublic_url = \"{}\"\ndatabase = \"issuer.db\"\ndurability = \"normal\"\n[master_key]\nfile = \"master.key\"\n",
            public_url(port)
        ),
    )
    .unwrap();
    let elicence = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_elicence"));
        cmd.stdin(Stdio::null());
        cmd
    };
    let added = elicence()
        .args(["agency", "add", "--config"])
        .arg(&config)
        .args([
            "--code",
            "bangrak",
            "--name-th",
            "สำนักงานเขตบางรัก กรุงเทพมหานคร",
            "--name-en",
            "Bang Rak District Office, Bangkok",
        ])
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let child = elicence()
        .args(["serve", "--config"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let issuer = Issuer {
        dir,
        config,
        addr,
        child,
    };
    super::healthz::wait_healthy(addr, Duration::from_secs(30));
    issuer
}
