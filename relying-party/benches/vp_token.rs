//! `vp_token` verifications per second (an SD-JWT VC licence with its Key
//! Binding JWT, judged against the DCQL query and the trust bundle) against
//! raw ES256 verifications, in one run. The licence is Bang Rak's food-sale
//! licence (ES256 issuer, ES256 holder key), so one verification does two
//! ES256 signature checks: the ceiling is 0.5x raw.
//!
//! Run: `cargo bench -p elicence-relying-party --bench vp_token`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use common::*;
use elicence_relying_party::dcql::DcqlQuery;
use elicence_relying_party::response::{verify_vp_token, Expectation};
use elicence_sd_jwt::licence::{is_selected, selector};
use elicence_sd_jwt::status_list::TokenStatus;
use elicence_sd_jwt::{present, KeyBindingRequest};
use elicence_verifier::{TrustAnchor, TrustBundle, TrustPolicy};
use serde_json::json;
use time::OffsetDateTime;

const CLIENT_ID: &str = "x509_san_dns:bank.example.co.th";
const NONCE: &str = "bench-nonce-0123456789";

/// Runs `f` repeatedly for about `budget`, returning operations per second.
fn rate(budget: Duration, mut f: impl FnMut()) -> f64 {
    for _ in 0..20 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..16 {
            f();
        }
        n += 16;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let bundle = TrustBundle::open(
        &bundle_bytes(TokenStatus::Valid),
        &TrustAnchor {
            root_did: root_did(),
            min_version: 1,
        },
    )
    .unwrap();
    let holder = holder_key();
    let keep = selector(&["juristicPersonId"]).unwrap();
    let now = OffsetDateTime::now_utc();
    let kb = KeyBindingRequest {
        key: &holder,
        nonce: NONCE,
        audience: CLIENT_ID,
        issued_at: now,
    };
    let presentation = present(
        &food_sale_licence(&holder),
        &|p| is_selected(&keep, p),
        Some(&kb),
    )
    .unwrap();
    let vp_token = json!({ "licence": [presentation.clone()] }).to_string();
    let query = DcqlQuery::parse(&query("food-sale")).unwrap();
    let expect = Expectation {
        query: &query,
        nonce: NONCE,
        client_id: CLIENT_ID,
        seen_nonces: BTreeSet::new(),
    };
    let policy = TrustPolicy::default();
    assert!(verify_vp_token(&vp_token, &expect, &bundle, now, &policy).verified);

    // Raw ES256: the KB-JWT's own signature, checked with the holder key.
    let kb_jwt = presentation.rsplit('~').next().unwrap();
    let (input, sig) = kb_jwt.rsplit_once('.').unwrap();
    let sig =
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, sig).unwrap();
    let public = holder.public_key();
    public.verify(input.as_bytes(), &sig).unwrap();

    let budget = Duration::from_secs(3);
    let mut rounds = Vec::new();
    for _ in 0..3 {
        let raw = rate(budget, || {
            black_box(public.verify(black_box(input.as_bytes()), black_box(&sig))).unwrap();
        });
        let full = rate(budget, || {
            let d = verify_vp_token(black_box(&vp_token), &expect, &bundle, now, &policy);
            assert!(black_box(d.verified));
        });
        rounds.push((raw, full));
    }
    println!("round  raw ES256/s  vp_token/s  ratio");
    for (i, (raw, full)) in rounds.iter().enumerate() {
        println!(
            "{:>5}  {:>11.0}  {:>10.0}  {:.3}",
            i + 1,
            raw,
            full,
            full / raw
        );
    }
    let (raw, full) = rounds
        .iter()
        .copied()
        .max_by(|a, b| (a.1 / a.0).total_cmp(&(b.1 / b.0)))
        .unwrap();
    println!(
        "best: {full:.0} vp_token verifications/s vs {raw:.0} raw ES256/s = {:.3}x raw ({:.3}x the two-signature ceiling)",
        full / raw,
        2.0 * full / raw
    );
}
