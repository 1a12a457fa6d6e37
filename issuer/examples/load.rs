//! Load bench: issue requests per second and latency percentiles for
//! `POST /licences` (eddsa-rdfc-2022) against the real router and a real
//! SQLite file, over loopback HTTP/1.1 keep-alive connections.
//!
//! Bounded in count and time, loopback only:
//! `cargo run --release -p elicence-issuer --example load -- [REQUESTS] [CONNECTIONS] [SECONDS]`
//! `[full|normal]` (defaults 20000, 64, 30, full). Server and client share the machine's cores.

#[path = "support/http_load.rs"]
mod http_load;

use std::time::{Duration, Instant};

use elicence_core::keys::KeyAlgorithm;
use elicence_issuer::admin::{self, NewAgency, Scope};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::server::{build_state, serve_on};
use elicence_issuer::{store, Config};

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
    let bodies = http_load::licence_bodies(requests, "L");

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let state = build_state(config).expect("state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(serve_on(listener, state, std::future::pending()));
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let o = http_load::drive(&[addr], &token, bodies, connections, Some(deadline)).await;
        println!("suite: eddsa-rdfc-2022 (licences), durability: {durability}");
        println!("{connections} connections: {}", o.summary());
    });
    let _ = std::fs::remove_dir_all(&dir);
}
