//! HSM bench: signatures per second through PKCS#11 (SoftHSM2) against the
//! same algorithm's software key, in the same run; raw signatures and whole
//! eddsa-rdfc-2022 / ecdsa-rdfc-2019 proofs on the example licence, on one
//! thread and on several threads sharing the session pool.
//!
//! `cargo run --release -p elicence-issuer --example hsm_bench -- [SIGNATURES] [THREADS]`
//! (defaults 2000, 4). Makes its own SoftHSM2 token in a temporary folder
//! (`softhsm2-util`, from scripts/setup.sh) and removes it at the end.

#[path = "support/softhsm.rs"]
mod softhsm;

use std::path::PathBuf;
use std::time::Instant;

use elicence_core::keys::{KeyAlgorithm, Signer, SigningKey};
use elicence_core::licence::LicenceData;
use elicence_core::proof::{self, Cryptosuite, ProofOptions};
use elicence_issuer::hsm::{AgencySigner, Hsm, HsmConfig};
use serde_json::Value;

fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

/// Signatures per second of `n` calls of `sign`, spread over `threads`.
fn rate(n: usize, threads: usize, sign: &(dyn Fn(usize) + Sync)) -> f64 {
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                for i in (t..n).step_by(threads) {
                    sign(i);
                }
            });
        }
    });
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let n = arg(1, 2000).max(1);
    let threads = arg(2, 4).max(1);
    let dir = tempfile::Builder::new()
        .prefix("elicence-hsm-bench")
        .tempdir()
        .expect("temp dir");
    let conf = softhsm::init_token(dir.path(), "bench", "1234");
    std::env::set_var("SOFTHSM2_CONF", &conf);
    std::env::set_var("ELICENCE_BENCH_HSM_PIN", "1234");
    let module = std::env::var_os("ELICENCE_PKCS11_MODULE")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/usr/lib/softhsm/libsofthsm2.so".into());
    let config: HsmConfig = toml::from_str(&format!(
        "module = \"{}\"\ntoken_label = \"bench\"\npin_env = \"ELICENCE_BENCH_HSM_PIN\"\nsessions = {threads}\n",
        module.display()
    ))
    .expect("config");
    let hsm = Hsm::open(&config).expect("open token");

    // The unsigned licence credential the service would sign.
    let mut input: Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/licence.json"),
        )
        .expect("examples/licence.json"),
    )
    .expect("licence JSON");
    input["issuer"]["id"] = Value::from("did:web:licence.example.go.th:agencies:bench");
    input["issuer"]["baseUrl"] = Value::from("https://licence.example.go.th/agencies/bench");
    let data: LicenceData = serde_json::from_value(input).expect("licence data");
    let unsigned: Value = data.to_credential().expect("licence credential");

    println!("SoftHSM2 through PKCS#11 against software keys, {n} signatures each, {threads} threads where marked");
    println!("| operation | algorithm | threads | software /s | HSM /s | HSM / software |");
    println!("|---|---|---|---|---|---|");
    for (algorithm, suite) in [
        (KeyAlgorithm::Ed25519, Cryptosuite::EddsaRdfc2022),
        (KeyAlgorithm::P256, Cryptosuite::EcdsaRdfc2019),
    ] {
        let software =
            AgencySigner::Software(SigningKey::generate(algorithm, &mut rand_core::OsRng));
        let label = format!("bench/{algorithm}");
        let public = hsm
            .generate(algorithm, &label, label.as_bytes())
            .expect("generate");
        let in_hsm = AgencySigner::Hsm(hsm.key(&label, public).expect("key"));
        for t in [1, threads] {
            let msg = |i: usize| format!("signing input {i:032}").into_bytes();
            let soft = rate(n, t, &|i| {
                software.try_sign(&msg(i)).expect("sign");
            });
            let hard = rate(n, t, &|i| {
                in_hsm.try_sign(&msg(i)).expect("sign");
            });
            println!(
                "| raw signature | {algorithm} | {t} | {soft:.0} | {hard:.0} | {:.2} |",
                hard / soft
            );
        }
        let proofs = (n / 10).max(10);
        let options = ProofOptions::new(
            "did:web:licence.example.go.th:agencies:bench#key",
            "2026-12-04T00:00:00Z",
        );
        let soft = rate(proofs, threads, &|_| {
            proof::sign(&unsigned, suite, &software, &options).expect("proof");
        });
        let hard = rate(proofs, threads, &|_| {
            proof::sign(&unsigned, suite, &in_hsm, &options).expect("proof");
        });
        println!(
            "| {} licence proof | {algorithm} | {threads} | {soft:.0} | {hard:.0} | {:.2} |",
            suite.name(),
            hard / soft
        );
        hsm.destroy(&label).expect("destroy");
    }
    drop(hsm);
    dir.close().expect("remove the token folder");
}
