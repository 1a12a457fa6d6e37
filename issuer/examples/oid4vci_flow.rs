//! Bench: complete OpenID4VCI pre-authorized flows per second over loopback
//! HTTP, against the real router and a real SQLite file. One flow is what
//! an agency and a HAIP wallet do for one licence: `POST {licence}/offer`
//! (agency token, audit row committed), `GET` the offer, `POST /token` with
//! the PIN and a DPoP proof, `POST /nonce`, `POST /credential` with a DPoP
//! proof and a key proof (one ES256 SD-JWT VC signed, audit row committed).
//! The client signs its DPoP and key proofs (P-256) inside the timed flow.
//!
//! `cargo run --release -p elicence-issuer --example oid4vci_flow -- [FLOWS] [CLIENTS] [SECONDS] [full|normal]`
//! (defaults 2000, 16, 30, full). Client and server share the machine's cores.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use elicence_core::keys::{KeyAlgorithm, SigningKey};
use elicence_issuer::admin::{self, NewAgency, Scope};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::server::{build_state, serve_on};
use elicence_issuer::{store, Config};
use elicence_oid4vci::dpop::make_dpop;
use elicence_oid4vci::proof::make_proof;
use serde_json::{json, Value};

fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn send(req: ureq::RequestBuilder<ureq::typestate::WithBody>, body: &str) -> (u16, Value) {
    let mut r = req.send(body).expect("request");
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn main() {
    let flows = arg(1, 2000);
    let clients = arg(2, 16).max(1);
    let seconds = arg(3, 30) as u64;
    let durability = std::env::args().nth(4).unwrap_or_else(|| "full".into());
    let dir = std::env::temp_dir().join(format!("elicence-oid4vci-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    elicence_issuer::crypto::write_master_key_file(&dir.join("master.key")).expect("key");
    let config = Config::parse(&format!(
        "public_url = \"{origin}\"\ndurability = \"{durability}\"\ndatabase = \"{}\"\n[master_key]\nfile = \"{}\"\n",
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
    // ES256 SD-JWT VCs, as HAIP asks.
    admin::add_key(
        &mut conn,
        &master,
        "bangrak",
        KeyAlgorithm::P256,
        time::OffsetDateTime::now_utc() - time::Duration::minutes(1),
        None,
        "admin:bench",
    )
    .expect("p256 key");
    let token = admin::create_token(&conn, "bangrak", &[Scope::Issue], None, "admin:bench")
        .expect("token")
        .token
        .to_string();
    drop(conn);

    let state = build_state(config).expect("state");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            listener.set_nonblocking(true).expect("nonblocking");
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            serve_on(listener, state, async {
                let _ = stop_rx.await;
            })
            .await
            .expect("serve");
        });
    });

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut licence: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/licence.json"
        ))
        .expect("example"),
    )
    .expect("json");
    licence.as_object_mut().expect("object").remove("issuer");
    let (status, issued) = send(
        agent
            .post(&format!("{origin}/licences"))
            .header("authorization", &format!("Bearer {token}"))
            .header("content-type", "application/json"),
        &licence.to_string(),
    );
    assert_eq!(status, 201, "{issued}");
    let iri = issued["id"].as_str().expect("id");
    let uri = elicence_core::licence::LicenceIri::parse(iri)
        .expect("iri")
        .to_uri();
    let offer_url = format!(
        "{origin}{}/offer",
        uri.split_once("/agencies/")
            .map(|(_, p)| format!("/agencies/{p}"))
            .expect("path")
    );

    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (next, failures, origin, offer_url, token) = (
                next.clone(),
                failures.clone(),
                origin.clone(),
                offer_url.clone(),
                token.clone(),
            );
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                let mut latencies = Vec::new();
                let token_url = format!("{origin}/oid4vci/token");
                let credential_url = format!("{origin}/oid4vci/credential");
                while next.fetch_add(1, Ordering::Relaxed) < flows && Instant::now() < deadline {
                    let t = Instant::now();
                    let ok = (|| -> Option<bool> {
                        let (s, offer) = send(
                            agent.post(&offer_url).header("authorization", &format!("Bearer {token}")),
                            "",
                        );
                        if s != 201 {
                            return Some(false);
                        }
                        let mut r = agent
                            .get(offer["credential_offer_uri"].as_str()?)
                            .call()
                            .ok()?;
                        let o: Value = serde_json::from_str(&r.body_mut().read_to_string().ok()?).ok()?;
                        let code = o["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
                            ["pre-authorized_code"]
                            .as_str()?
                            .to_owned();
                        let dpop_key = SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng);
                        let holder = SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng);
                        let jti = format!("{}", next.load(Ordering::Relaxed)) + &code[..8];
                        let (s, tok) = send(
                            agent
                                .post(&token_url)
                                .header("dpop", &make_dpop(&dpop_key, "POST", &token_url, None, now(), &format!("t{jti}")))
                                .header("content-type", "application/x-www-form-urlencoded"),
                            &format!(
                                "grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code&pre-authorized_code={code}&tx_code={}",
                                offer["tx_code"].as_str()?
                            ),
                        );
                        if s != 200 {
                            return Some(false);
                        }
                        let access = tok["access_token"].as_str()?.to_owned();
                        let (s, n) = send(agent.post(&format!("{origin}/oid4vci/nonce")), "");
                        if s != 200 {
                            return Some(false);
                        }
                        let proof = make_proof(&holder, &origin, n["c_nonce"].as_str(), now());
                        let (s, c) = send(
                            agent
                                .post(&credential_url)
                                .header("authorization", &format!("DPoP {access}"))
                                .header("dpop", &make_dpop(&dpop_key, "POST", &credential_url, Some(&access), now(), &format!("c{jti}")))
                                .header("content-type", "application/json"),
                            &json!({"credential_configuration_id": "food-sale.dc+sd-jwt", "proofs": {"jwt": [proof]}}).to_string(),
                        );
                        Some(s == 200 && c["credentials"][0]["credential"].is_string())
                    })()
                    .unwrap_or(false);
                    if !ok {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all: Vec<Duration> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("worker"))
        .collect();
    let elapsed = started.elapsed();
    let _ = stop_tx.send(());
    let _ = server.join();
    let _ = std::fs::remove_dir_all(&dir);
    all.sort_unstable();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    println!(
        "{} flows ({} failed) with {clients} clients, durability {durability}, in {:.2} s: {:.0} flows/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        all.len(),
        failures.load(Ordering::Relaxed),
        elapsed.as_secs_f64(),
        all.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        all[all.len() - 1].as_secs_f64() * 1e3,
    );
}
