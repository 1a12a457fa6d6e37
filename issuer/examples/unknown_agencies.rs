//! Load bench for issue 17.11: do anonymous requests for unknown agencies slow
//! issuance down more than any other request does? One run, same process,
//! same database, three phases of equal length: issuance alone (the
//! baseline); issuance while other clients flood a path that is not a route
//! at all (`GET /no-such-path/N`: the cost of any request on shared cores);
//! issuance while they flood `GET /agencies/<unknown>/did.json`. Prints the
//! rates, their ratios and how many times the agencies were reloaded.
//!
//! `cargo run --release -p elicence-issuer --example unknown_agencies -- [AGENCIES] [ISSUERS] [FLOODERS] [SECONDS]`
//! (defaults 150, 4, 4, 5). Loopback only, bounded in time.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use elicence_core::keys::KeyAlgorithm;
use elicence_issuer::admin::{self, NewAgency, Scope};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::server::{build_state, serve_on};
use elicence_issuer::{store, Config};
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Bytes;

fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

type Sender<B> = hyper::client::conn::http1::SendRequest<B>;

async fn connect<B>(addr: std::net::SocketAddr) -> Sender<B>
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("handshake");
    tokio::spawn(conn);
    sender
}

/// Issues licences on `issuers` connections for `seconds`; returns licences/s.
async fn issue_for(
    addr: std::net::SocketAddr,
    token: &str,
    template: &serde_json::Value,
    issuers: usize,
    seconds: u64,
    counter: &Arc<AtomicUsize>,
) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..issuers {
        let (token, template, counter) = (token.to_string(), template.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            let mut sender = connect::<Full<Bytes>>(addr).await;
            let mut done = 0usize;
            while Instant::now() < deadline {
                let i = counter.fetch_add(1, Ordering::Relaxed);
                let mut v = template.clone();
                v["licenceNumber"] = serde_json::Value::String(format!("U{i}/2567"));
                let req = hyper::Request::post("/licences")
                    .header("host", "bench")
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from(v.to_string())))
                    .expect("request");
                let resp = sender.send_request(req).await.expect("send");
                assert_eq!(resp.status(), 201, "issuance failed");
                let _ = resp.into_body().collect().await;
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("task");
    }
    total as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let agencies = arg(1, 150);
    let issuers = arg(2, 4).max(1);
    let flooders = arg(3, 4);
    let seconds = arg(4, 5) as u64;
    let dir = std::env::temp_dir().join(format!("elicence-unknown-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    elicence_issuer::crypto::write_master_key_file(&dir.join("master.key")).expect("key");
    let config = Config::parse(&format!(
        "public_url = \"https://licence.example.go.th\"\ndurability = \"normal\"\ndatabase = \"{}\"\n[master_key]\nfile = \"{}\"\n",
        dir.join("issuer.db").display(),
        dir.join("master.key").display()
    ))
    .expect("config");
    let master = MasterKey::load(&config.master_key).expect("master key");
    let mut conn = store::open(&config.database, config.durability).expect("db");
    for i in 0..agencies {
        admin::add_agency(
            &mut conn,
            &master,
            config.origin(),
            &NewAgency {
                code: &format!("agency-{i}"),
                name_th: "หน่วยงาน",
                name_en: "Agency",
                algorithm: KeyAlgorithm::Ed25519,
                did_method: Default::default(),
            },
            "admin:bench",
        )
        .expect("agency");
    }
    let token = admin::create_token(&conn, "agency-0", &[Scope::Issue], None, "admin:bench")
        .expect("token")
        .token
        .to_string();
    let mut template: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/licence.json"
        ))
        .expect("example"),
    )
    .expect("json");
    template.as_object_mut().expect("object").remove("issuer");

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let state = build_state(config).expect("state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(serve_on(listener, state.clone(), std::future::pending()));
        let counter = Arc::new(AtomicUsize::new(0));

        let alone = issue_for(addr, &token, &template, issuers, seconds, &counter).await;
        let reloads_before = state.registry.reload_count();

        let mut flooded = Vec::new();
        for (name, unknown_agency) in [("a non-route", false), ("an unknown agency", true)] {
            let stop = Arc::new(AtomicBool::new(false));
            let misses = Arc::new(AtomicUsize::new(0));
            let mut flood = Vec::new();
            for f in 0..flooders {
                let (stop, misses) = (stop.clone(), misses.clone());
                flood.push(tokio::spawn(async move {
                    let mut sender = connect::<Empty<Bytes>>(addr).await;
                    let mut n = 0usize;
                    while !stop.load(Ordering::Relaxed) {
                        let path = if unknown_agency {
                            format!("/agencies/nobody-{f}-{n}/did.json")
                        } else {
                            format!("/no-such-path/{f}-{n}")
                        };
                        let req = hyper::Request::get(path)
                            .header("host", "bench")
                            .body(Empty::new())
                            .expect("request");
                        let resp = sender.send_request(req).await.expect("send");
                        assert_eq!(resp.status(), 404);
                        let _ = resp.into_body().collect().await;
                        misses.fetch_add(1, Ordering::Relaxed);
                        n += 1;
                    }
                }));
            }
            let rate = issue_for(addr, &token, &template, issuers, seconds, &counter).await;
            stop.store(true, Ordering::Relaxed);
            for f in flood {
                f.await.expect("flooder");
            }
            flooded.push((name, rate, misses.load(Ordering::Relaxed)));
        }
        let reloads = state.registry.reload_count() - reloads_before;
        println!(
            "{agencies} agencies, {issuers} issuing connections, {flooders} flooding clients, {seconds} s per phase (eddsa-rdfc-2022, durability normal)"
        );
        println!("issuance alone: {alone:.0} licences/s");
        for (name, rate, misses) in flooded {
            println!(
                "issuance while flooded with {name} (404 x {misses}): {rate:.0} licences/s, ratio {:.2}",
                rate / alone
            );
        }
        println!("registry reloads during the floods: {reloads}");
    });
    let _ = std::fs::remove_dir_all(&dir);
}
