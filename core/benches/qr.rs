//! Encode and decode the QR payload of a signed ~2 KB Thai licence credential:
//! decoding runs on the inspector's phone for every scan. LC2 (the current
//! format) against LC1 (DEFLATE) and plain JSON parsing in the same run.
//!
//! Run: `cargo bench -p elicence-core --bench qr`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use elicence_core::licence::LicenceData;
use elicence_core::qr::{self, Format, Secured};
use serde_json::json;

fn credential() -> Secured {
    let data: LicenceData =
        serde_json::from_str(include_str!("../tests/qr_support/licence.json")).unwrap();
    let mut credential = data.to_credential().unwrap();
    credential["proof"] = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-12-20T10:15:42+07:00",
        "verificationMethod": "did:web:licence.example.go.th#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "proofPurpose": "assertionMethod",
        "proofValue": "z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme"
    });
    Secured::Json(credential)
}

fn bench(c: &mut Criterion) {
    let credential = credential();
    let payload = qr::encode(&credential).unwrap();
    let lc1 = qr::encode_as(&credential, Format::Lc1).unwrap();
    let json = match &credential {
        Secured::Json(v) => serde_json::to_string(v).unwrap(),
        Secured::Jwt(_) => unreachable!(),
    };
    let mut group = c.benchmark_group("qr");
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("encode", |b| b.iter(|| qr::encode(black_box(&credential))));
    group.bench_function("decode", |b| b.iter(|| qr::decode(black_box(&payload))));
    group.bench_function("encode LC1", |b| {
        b.iter(|| qr::encode_as(black_box(&credential), Format::Lc1))
    });
    group.bench_function("decode LC1", |b| b.iter(|| qr::decode(black_box(&lc1))));
    // Baseline in the same run: parsing the same credential from plain JSON.
    group.bench_function("baseline serde_json::from_str", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&json)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
