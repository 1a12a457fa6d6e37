//! Load bench: issue requests per second and latency percentiles for
//! `POST /licences` (eddsa-rdfc-2022) against the real router and a real
//! SQLite file, over loopback HTTP/1.1 keep-alive connections.
//!
//! Bounded in count and time, loopback only:
//! `cargo run --release -p elicence-issuer --example load -- [REQUESTS] [CONNECTIONS] [SECONDS]`
//! `[full|normal]` (defaults 20000, 64, 30, full). Server and client share the machine's cores.

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

fn main() {
    let requests = arg(1, 20_000);
    let connections = arg(2, 64).max(1);
    let seconds = arg(3, 30) as u64;
    let durability = std::env::args().nth(4).unwrap_or_else(|| "full".into());
    let dir = std::env::temp_dir().join(format!("elicence-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    elicence_issuer::crypto::write_master_key_file(&dir.join("master.key")).expect("key");
    let config = Config::parse(&format!(
        "public_url = \"https://licence.example.go.th\"\ndurability = \"{durability}\"\ndatabase = \"{}\"\n[master_key]\nfile = \"{}\"\n",
        dir.join("issuer.db").display(),
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
                v["licenceNumber"] = serde_json::Value::String(format!("L{i}/2567"));
                Bytes::from(v.to_string())
            })
            .collect(),
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let state = build_state(config).expect("state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(serve_on(listener, state, std::future::pending()));

        let next = Arc::new(AtomicUsize::new(0));
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..connections {
            let (next, bodies, token) = (next.clone(), bodies.clone(), token.clone());
            tasks.push(tokio::spawn(async move {
                let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
                stream.set_nodelay(true).expect("nodelay");
                let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                    .await
                    .expect("handshake");
                tokio::spawn(conn);
                let mut lat = Vec::new();
                let mut bad = 0usize;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= bodies.len() || Instant::now() > deadline {
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
        let elapsed = start.elapsed();
        all.sort_unstable();
        let pct = |p: f64| all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or_default();
        println!("suite: eddsa-rdfc-2022 (licences), durability: {durability}");
        println!(
            "issued {} in {:.2}s with {connections} connections: {:.0} requests/s; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; non-201: {bad}",
            all.len(),
            elapsed.as_secs_f64(),
            all.len() as f64 / elapsed.as_secs_f64(),
            pct(0.50).as_secs_f64() * 1e3,
            pct(0.99).as_secs_f64() * 1e3,
            all.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        );
    });
    let _ = std::fs::remove_dir_all(&dir);
}
