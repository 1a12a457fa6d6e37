//! Test harness: a real service (real router, real SQLite file) on 127.0.0.1.
//!
//! With `ELICENCE_TEST_DATABASE=postgres` every service gets a fresh
//! PostgreSQL database instead (on `ELICENCE_TEST_PG`, default
//! `postgres://postgres@127.0.0.1:5432/test` for the administrative
//! connection), dropped when the service is.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use elicence_core::keys::KeyAlgorithm;
use elicence_issuer::admin::{self, NewAgency, Scope};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::server::{build_state, serve_on, AppState};
use elicence_issuer::{store, Config};
use serde_json::Value;

#[path = "../../examples/support/healthz.rs"]
mod healthz;
mod licence_data;
// Each test binary uses part of the harness, so some re-exports go unused.
#[allow(unused_imports)]
pub use healthz::wait_healthy;
#[allow(unused_imports)]
pub use licence_data::{licence, term_around_now};

pub const ORIGIN: &str = "https://licence.example.go.th";

pub struct Service {
    pub dir: tempfile::TempDir,
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    pub config: Config,
    pub agent: ureq::Agent,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        drop_test_database(self.dir.path());
    }
}

/// Whether the tests run against PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("ELICENCE_TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

/// The administrative PostgreSQL URL (creates and drops test databases).
pub fn pg_admin_url() -> String {
    std::env::var("ELICENCE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// The URL of database `name` on the test server.
pub fn pg_url(name: &str) -> String {
    let admin = pg_admin_url();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    format!("{base}/{name}")
}

/// Creates a fresh, uniquely named PostgreSQL database; its name is kept in
/// `dir/pg-database` so [`drop_test_database`] finds it.
pub fn create_test_database(dir: &std::path::Path) -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!(
        "elicence_t_{}_{}_{}",
        std::process::id(),
        n,
        elicence_issuer::crypto::random_id()
            .to_lowercase()
            .replace('-', "_")
    );
    let mut admin = postgres::Client::connect(&pg_admin_url(), postgres::NoTls)
        .expect("ELICENCE_TEST_DATABASE=postgres needs a PostgreSQL server (ELICENCE_TEST_PG)");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    std::fs::write(dir.join("pg-database"), &name).unwrap();
    pg_url(&name)
}

/// Drops the database [`create_test_database`] made for `dir`, if any.
pub fn drop_test_database(dir: &std::path::Path) {
    let Ok(name) = std::fs::read_to_string(dir.join("pg-database")) else {
        return;
    };
    if let Ok(mut admin) = postgres::Client::connect(&pg_admin_url(), postgres::NoTls) {
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
    let _ = std::fs::remove_file(dir.join("pg-database"));
}

/// Drops the PostgreSQL database [`create_test_database`] made for a folder
/// however the test ends, for tests whose services run as processes (no
/// in-process [`Service`] owns the database).
pub struct DatabaseGuard<'a>(pub &'a std::path::Path);

impl Drop for DatabaseGuard<'_> {
    fn drop(&mut self) {
        drop_test_database(self.0);
    }
}

/// The `database` value for a service in `dir`: the PostgreSQL database
/// made for it by [`create_test_database`], else a SQLite file there, or a
/// fresh PostgreSQL database when the tests run on PostgreSQL.
pub fn database_for(dir: &std::path::Path) -> String {
    // A test that runs its own database server names it in `database-url`.
    if let Ok(url) = std::fs::read_to_string(dir.join("database-url")) {
        return url;
    }
    // A test that made its own PostgreSQL database uses it in any case.
    if let Ok(name) = std::fs::read_to_string(dir.join("pg-database")) {
        return pg_url(&name);
    }
    if on_postgres() {
        create_test_database(dir)
    } else {
        dir.join("issuer.db").display().to_string()
    }
}

pub fn config_text(dir: &std::path::Path, extra: &str) -> String {
    format!(
        "listen = \"127.0.0.1:0\"\npublic_url = \"{ORIGIN}\"\ndatabase = \"{}\"\npublic_licences = {}\ndurability = \"normal\"\n[master_key]\nfile = \"{}\"\n[status]\nlist_size = 131072\nttl_seconds = 60\n{extra}",
        database_for(dir),
        !extra.contains("#private"),
        dir.join("master.key").display(),
    )
}

/// Creates a database with agencies `bangrak` and `chiangmai`.
pub fn prepare(dir: &std::path::Path, extra: &str) -> Config {
    prepare_at(dir, extra, ORIGIN)
}

/// [`prepare`] with another public origin.
pub fn prepare_at(dir: &std::path::Path, extra: &str, origin: &str) -> Config {
    elicence_issuer::crypto::write_master_key_file(&dir.join("master.key")).unwrap();
    let path = dir.join("issuer.toml");
    std::fs::write(&path, config_text(dir, extra).replace(ORIGIN, origin)).unwrap();
    let config = Config::load(&path).unwrap();
    let master = MasterKey::load(&config.master_key).unwrap();
    let mut conn = store::open(&config.database, config.durability).unwrap();
    for (code, th, en) in [
        (
            "bangrak",
            "สำนักงานเขตบางรัก กรุงเทพมหานคร",
            "Bang Rak District Office, Bangkok",
        ),
        (
            "chiangmai",
            "เทศบาลนครเชียงใหม่",
            "Chiang Mai City Municipality",
        ),
    ] {
        admin::add_agency(
            &mut conn,
            &master,
            config.origin(),
            &NewAgency {
                code,
                name_th: th,
                name_en: en,
                algorithm: KeyAlgorithm::Ed25519,
                did_method: Default::default(),
            },
            "admin:test",
        )
        .unwrap();
    }
    config
}

pub fn token(config: &Config, agency: &str, scopes: &[Scope]) -> String {
    let conn = store::open(&config.database, config.durability).unwrap();
    admin::create_token(&conn, agency, scopes, Some("test"), "admin:test")
        .unwrap()
        .token
        .to_string()
}

pub fn start(extra: &str) -> Service {
    let dir = tempfile::tempdir().unwrap();
    let config = prepare(dir.path(), extra);
    start_with(dir, config)
}

/// A service whose `public_url` is its own loopback address
/// (`http://127.0.0.1:PORT`), so wallets can follow the URLs it publishes.
pub fn start_loopback(extra: &str) -> Service {
    let dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let config = prepare_at(dir.path(), extra, &origin);
    start_on(dir, config, Some(listener))
}

pub fn start_with(dir: tempfile::TempDir, config: Config) -> Service {
    start_on(dir, config, None)
}

fn start_on(
    dir: tempfile::TempDir,
    config: Config,
    bound: Option<std::net::TcpListener>,
) -> Service {
    let state = build_state(config.clone()).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let st = state.clone();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = match bound {
                Some(l) => {
                    l.set_nonblocking(true).unwrap();
                    tokio::net::TcpListener::from_std(l).unwrap()
                }
                None => tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
            };
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            serve_on(listener, st, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
    });
    let addr = addr_rx.recv().unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    Service {
        dir,
        addr,
        state,
        config,
        agent,
        shutdown: Some(tx),
        thread: Some(thread),
    }
}

pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// Asserts an RFC 9457 problem with this status.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(
            self.content_type, "application/problem+json",
            "body: {}",
            self.body
        );
        let p = self.json();
        assert_eq!(p["status"], status);
        assert!(p["type"].as_str().unwrap().starts_with("https://"));
        assert!(p["title"].is_string() && p["detail"].is_string());
        p
    }
}

pub fn to_resp(mut r: ureq::http::Response<ureq::Body>) -> Resp {
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = r
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .unwrap_or_default();
    Resp {
        status: r.status().as_u16(),
        content_type,
        headers,
        body,
    }
}

impl Service {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Turns a public URL (licence IRI as URI, status list URL) into a local one.
    pub fn local(&self, public: &str) -> String {
        self.url(
            public
                .strip_prefix(ORIGIN)
                .or_else(|| public.strip_prefix(self.config.origin()))
                .or_else(|| public.strip_prefix(&format!("https://{}", self.addr)))
                .expect("public URL of this service"),
        )
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = self.agent.get(&self.url(path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        to_resp(req.call().unwrap())
    }

    pub fn post(&self, path: &str, token: Option<&str>, content_type: &str, body: &str) -> Resp {
        let mut req = self
            .agent
            .post(&self.url(path))
            .header("content-type", content_type);
        if let Some(t) = token {
            req = req.header("authorization", &format!("Bearer {t}"));
        }
        to_resp(req.send(body).unwrap())
    }

    pub fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.post(path, token, "application/json", &body.to_string())
    }
}

/// The local path of a licence IRI.
pub fn iri_path(iri: &str) -> String {
    let uri = elicence_core::licence::LicenceIri::parse(iri)
        .unwrap()
        .to_uri();
    uri.strip_prefix(ORIGIN).unwrap().to_string()
}

/// A port nobody listens on yet, for a service started as a separate process.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `elicence-issuer serve --config CONFIG` as a child process (the crash and
/// fault tests kill it with SIGKILL).
pub fn spawn_serve(config: &std::path::Path) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_elicence-issuer"))
        .args(["serve", "--config"])
        .arg(config)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Sets the flag when dropped: client threads in a `std::thread::scope`
/// loop until it is set, so a failing assertion must set it too.
pub struct StopOnDrop<'a>(pub &'a std::sync::atomic::AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Release);
    }
}

/// An `elicence-issuer serve` process whose log (`RUST_LOG=info`) goes to
/// a file the test reads, killed when dropped (the reload tests signal it).
pub struct LoggedServe {
    pub child: std::process::Child,
    pub log: PathBuf,
}

impl LoggedServe {
    /// Starts `elicence-issuer serve --config CONFIG`, logging to `log`.
    pub fn spawn(config: &std::path::Path, log: PathBuf) -> LoggedServe {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_elicence-issuer"))
            .args(["serve", "--config"])
            .arg(config)
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        LoggedServe { child, log }
    }

    /// Sends SIGHUP (reload the TLS certificate and master key).
    pub fn hangup(&self) {
        let status = std::process::Command::new("kill")
            .args(["-HUP", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits (at most a minute) until the log contains `needle`.
    pub fn wait_for_log(&self, needle: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !self.log().contains(needle) {
            assert!(
                std::time::Instant::now() < deadline,
                "no `{needle}` in the log:\n{}",
                self.log()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for LoggedServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a running instance must pick up without restart: a new agency
/// (`phuket`) and a new signing key for `bangrak`, both made under `master`
/// by another process's admin connection. Returns the new key's multikey.
pub fn add_phuket_and_a_bangrak_key(
    conn: &mut store::Connection,
    master: &MasterKey,
    origin: &str,
) -> String {
    admin::add_agency(
        conn,
        master,
        origin,
        &NewAgency {
            code: "phuket",
            name_th: "เทศบาลนครภูเก็ต",
            name_en: "Phuket City Municipality",
            algorithm: KeyAlgorithm::Ed25519,
            did_method: Default::default(),
        },
        "admin:test",
    )
    .unwrap();
    let key = admin::add_key(
        conn,
        master,
        "bangrak",
        KeyAlgorithm::Ed25519,
        time::OffsetDateTime::now_utc(),
        None,
        "admin:test",
    )
    .unwrap();
    admin::agency_summary(conn, origin, "bangrak")
        .unwrap()
        .keys
        .into_iter()
        .find(|k| k.id == key)
        .unwrap()
        .public_multikey
}
