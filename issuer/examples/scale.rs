//! Scale bench: three `elicence-issuer serve` processes on one PostgreSQL
//! database against one `elicence-issuer serve` process on embedded
//! SQLite, in the same run, on the same machine. Aggregate `POST /licences`
//! per second, p50/p99 latency, non-201 answers.
//!
//! ```sh
//! cargo build --release -p elicence-issuer --bin elicence-issuer --example scale
//! target/release/examples/scale [REQUESTS] [CONNECTIONS]
//! ```
//! (defaults 6000, 48). The service binary is the one built beside the
//! example. PostgreSQL: `ELICENCE_BENCH_PG` (default
//! `postgres://postgres@127.0.0.1:5432/test`, administrative connection);
//! the bench creates and drops its own database. Every instance is its own
//! process (own runtime, pools, writer, allocator, caches), as in a
//! deployment; the client (`support/http_load.rs`, shared with `load.rs`)
//! spreads its connections over them as a load balancer would.
//! Figures: docs/benchmarks.md.

#[path = "support/healthz.rs"]
mod healthz;
#[path = "support/http_load.rs"]
mod http_load;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use elicence_core::keys::KeyAlgorithm;
use elicence_issuer::admin::{self, NewAgency, Scope};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::{store, Config};
use http_load::Outcome;
use hyper::body::Bytes;

fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

/// A service process, stopped when dropped.
struct Instance(Child);

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The `elicence-issuer` binary built beside this example.
fn issuer_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("elicence-issuer"))
        .expect("target dir");
    if !bin.exists() {
        eprintln!(
            "{} not found: cargo build --release -p elicence-issuer --bin elicence-issuer",
            bin.display()
        );
        std::process::exit(2);
    }
    bin
}

/// The configuration (without `listen`) on `database`, with an agency and
/// an issuing token.
fn setup(dir: &Path, database: &str) -> (String, String) {
    let text = format!(
        "public_url = \"https://licence.example.go.th\"\ndurability = \"full\"\ndatabase = \"{database}\"\n[master_key]\nfile = \"{}\"\n",
        dir.join("master.key").display()
    );
    let config = Config::parse(&text).expect("config");
    let master = MasterKey::load(&config.master_key).expect("master key");
    let mut conn = store::open(&config.database, config.durability).expect("db");
    admin::add_agency(
        &mut conn,
        &master,
        config.origin(),
        &NewAgency {
            code: "bangrak",
            name_th: "สำนักงานเขตบางรัก",
            name_en: "Bang Rak District Office",
            algorithm: KeyAlgorithm::Ed25519,
            did_method: Default::default(),
        },
        "admin:bench",
    )
    .expect("agency");
    let token = admin::create_token(&conn, "bangrak", &[Scope::Issue], None, "admin:bench")
        .expect("token")
        .token
        .to_string();
    (text, token)
}

/// Starts `instances` processes on `database`, drives the bodies through
/// them, stops them.
fn run(
    instances: usize,
    dir: &Path,
    database: &str,
    bodies: Arc<Vec<Bytes>>,
    connections: usize,
) -> Outcome {
    let (text, token) = setup(dir, database);
    let bin = issuer_binary();
    let mut running = Vec::new();
    let mut addrs = Vec::new();
    for n in 0..instances {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let path = dir.join(format!("i{n}.toml"));
        std::fs::write(&path, format!("listen = \"127.0.0.1:{port}\"\n{text}")).expect("config");
        let child = Command::new(&bin)
            .args(["serve", "--config"])
            .arg(&path)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn elicence-issuer");
        running.push(Instance(child));
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
        healthz::wait_healthy(addr, Duration::from_secs(60));
        addrs.push(addr);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let outcome = rt.block_on(http_load::drive(&addrs, &token, bodies, connections, None));
    drop(running);
    outcome
}

fn print(label: &str, o: &Outcome) -> f64 {
    println!("{label}: {}", o.summary());
    o.rate()
}

fn main() {
    let requests = arg(1, 6000);
    let connections = arg(2, 48).max(3);
    let admin_url = std::env::var("ELICENCE_BENCH_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let dir = std::env::temp_dir().join(format!("elicence-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    elicence_issuer::crypto::write_master_key_file(&dir.join("master.key")).expect("key");
    let bodies = http_load::licence_bodies(requests, "S");

    let name = format!("elicence_bench_{}", std::process::id());
    let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls).expect("PostgreSQL");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create database");
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    let pg_url = format!("{base}/{name}");

    println!(
        "{requests} licences (eddsa-rdfc-2022), {connections} connections, durability full, \
         every instance its own process"
    );
    let sqlite_db = dir.join("issuer.db").display().to_string();
    let sqlite = run(1, &dir, &sqlite_db, bodies.clone(), connections);
    let sqlite_rate = print("1 instance, SQLite     ", &sqlite);
    let pg = run(3, &dir, &pg_url, bodies, connections);
    let pg_rate = print("3 instances, PostgreSQL", &pg);
    println!(
        "ratio PostgreSQL x3 / SQLite x1: {:.2}",
        pg_rate / sqlite_rate
    );

    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    let _ = std::fs::remove_dir_all(&dir);
}
