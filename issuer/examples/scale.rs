//! Scale bench: three issuer instances on one PostgreSQL database against one
//! instance on embedded SQLite, in the same run, on the same machine.
//! Aggregate `POST /licences` per second, p50/p99 latency, non-201 answers.
//!
//! `cargo run --release -p elicence-issuer --example scale -- [REQUESTS] [CONNECTIONS]`
//! (defaults 6000, 48). PostgreSQL: `ELICENCE_BENCH_PG` (default
//! `postgres://postgres@127.0.0.1:5432/test`, administrative connection); the
//! bench creates and drops its own database. The three instances are three
//! `AppState`s (own pools, writers, allocators, caches) in one process, each
//! on its own listener; clients spread connections over them as a load
//! balancer would. Figures: docs/benchmarks.md.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use elicence_core::keys::KeyAlgorithm;
use elicence_issuer::admin::{self, NewAgency, Scope};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::server::{build_state, serve_on};
use elicence_issuer::{store, Config};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;

fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

struct Outcome {
    done: usize,
    seconds: f64,
    p50: Duration,
    p99: Duration,
    bad: usize,
}

/// Sets up an agency and token on `database`; returns the config and token.
fn setup(dir: &std::path::Path, database: &str) -> (Config, String) {
    let config = Config::parse(&format!(
        "public_url = \"https://licence.example.go.th\"\ndurability = \"full\"\ndatabase = \"{database}\"\n[master_key]\nfile = \"{}\"\n",
        dir.join("master.key").display()
    ))
    .expect("config");
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
    (config, token)
}

fn run(
    instances: usize,
    config: &Config,
    token: &str,
    bodies: Arc<Vec<Bytes>>,
    connections: usize,
) -> Outcome {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let mut addrs = Vec::new();
        for _ in 0..instances {
            let state = build_state(config.clone()).expect("state");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            addrs.push(listener.local_addr().expect("addr"));
            tokio::spawn(serve_on(listener, state, std::future::pending()));
        }
        let next = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..connections {
            let addr = addrs[c % addrs.len()];
            let (next, bodies, token) = (next.clone(), bodies.clone(), token.to_string());
            tasks.push(tokio::spawn(async move {
                let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
                stream.set_nodelay(true).expect("nodelay");
                let (mut sender, conn) =
                    hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                        .await
                        .expect("handshake");
                tokio::spawn(conn);
                let mut lat = Vec::new();
                let mut bad = 0usize;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= bodies.len() {
                        break;
                    }
                    let req = hyper::Request::post("/licences")
                        .header("host", "bench")
                        .header("authorization", format!("Bearer {token}"))
                        .header("content-type", "application/json")
                        .body(Full::new(bodies[i].clone()))
                        .expect("request");
                    let t = Instant::now();
                    let resp = sender.send_request(req).await.expect("send");
                    let status = resp.status();
                    let _ = resp.into_body().collect().await;
                    lat.push(t.elapsed());
                    if status != 201 {
                        bad += 1;
                    }
                }
                (lat, bad)
            }));
        }
        let mut all = Vec::new();
        let mut bad = 0;
        for t in tasks {
            let (lat, b) = t.await.expect("task");
            all.extend(lat);
            bad += b;
        }
        let seconds = start.elapsed().as_secs_f64();
        all.sort_unstable();
        let pct = |p: f64| {
            all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        Outcome {
            done: all.len(),
            seconds,
            p50: pct(0.50),
            p99: pct(0.99),
            bad,
        }
    })
}

fn print(label: &str, o: &Outcome) -> f64 {
    let rate = o.done as f64 / o.seconds;
    println!(
        "{label}: {} issued in {:.2}s: {rate:.0}/s; p50 {:.1} ms, p99 {:.1} ms; non-201: {}",
        o.done,
        o.seconds,
        o.p50.as_secs_f64() * 1e3,
        o.p99.as_secs_f64() * 1e3,
        o.bad
    );
    rate
}

fn main() {
    let requests = arg(1, 6000);
    let connections = arg(2, 48).max(3);
    let admin_url = std::env::var("ELICENCE_BENCH_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let dir = std::env::temp_dir().join(format!("elicence-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    elicence_issuer::crypto::write_master_key_file(&dir.join("master.key")).expect("key");
    let template: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/licence.json"
        ))
        .expect("example"),
    )
    .expect("json");
    let bodies: Arc<Vec<Bytes>> = Arc::new(
        (0..requests)
            .map(|i| {
                let mut v = template.clone();
                v.as_object_mut().expect("object").remove("issuer");
                v["licenceNumber"] = serde_json::Value::String(format!("S{i}/2567"));
                Bytes::from(v.to_string())
            })
            .collect(),
    );

    let name = format!("elicence_bench_{}", std::process::id());
    let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls).expect("PostgreSQL");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create database");
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    let pg_url = format!("{base}/{name}");

    println!("{requests} licences (eddsa-rdfc-2022), {connections} connections, durability full");
    let (config, token) = setup(&dir, &dir.join("issuer.db").display().to_string());
    let sqlite = run(1, &config, &token, bodies.clone(), connections);
    let sqlite_rate = print("1 instance, SQLite    ", &sqlite);
    let (config, token) = setup(&dir, &pg_url);
    let pg = run(3, &config, &token, bodies, connections);
    let pg_rate = print("3 instances, PostgreSQL", &pg);
    println!(
        "ratio PostgreSQL x3 / SQLite x1: {:.2}",
        pg_rate / sqlite_rate
    );

    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    let _ = std::fs::remove_dir_all(&dir);
}
