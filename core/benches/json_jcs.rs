//! Parse and canonicalize a ~2 KB Thai business-licence credential: strict parsing
//! against plain `serde_json::from_slice` (the cost of duplicate/depth checks), and
//! JCS, which runs on every eddsa-jcs-2022 signature and verification.
//!
//! Run: `cargo bench -p elicence-core --bench json_jcs`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use elicence_core::{jcs, json};

const CREDENTIAL: &str = r#"{
  "@context": [
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/ns/credentials/examples/v2"
  ],
  "id": "urn:uuid:4f1c2a9e-6b1d-4c55-9a0e-2d3b7f8e1a10",
  "type": ["VerifiableCredential", "BusinessLicenceCredential"],
  "name": "ใบอนุญาตประกอบกิจการโรงงาน (ร.ง.4)",
  "description": "ใบอนุญาตประกอบกิจการโรงงานจำพวกที่ 3 ตามพระราชบัญญัติโรงงาน พ.ศ. 2535",
  "issuer": {
    "id": "did:web:licence.diw.go.th",
    "name": "กรมโรงงานอุตสาหกรรม กระทรวงอุตสาหกรรม"
  },
  "validFrom": "2025-01-15T00:00:00Z",
  "validUntil": "2030-01-14T23:59:59Z",
  "credentialSubject": {
    "id": "did:web:licence.diw.go.th:business:0105556123456",
    "licenceNumber": "3-106-12/2568สป",
    "juristicPersonId": "0105556123456",
    "legalName": "บริษัท ไทยอาหารแปรรูป จำกัด (มหาชน)",
    "legalNameEn": "Thai Processed Foods Public Company Limited",
    "address": {
      "streetAddress": "เลขที่ 99/1 หมู่ 4 ถนนพหลโยธิน ตำบลคลองหนึ่ง",
      "addressLocality": "อำเภอคลองหลวง",
      "addressRegion": "จังหวัดปทุมธานี",
      "postalCode": "12120",
      "addressCountry": "TH"
    },
    "activity": {
      "code": "10750",
      "name": "การผลิตอาหารสำเร็จรูปและอาหารพร้อมรับประทาน",
      "machineryHorsepower": 1250.5,
      "workers": 320,
      "areaSquareMetres": 18500
    },
    "conditions": [
      "ต้องจัดให้มีระบบบำบัดน้ำเสียตามมาตรฐานที่กำหนด",
      "ต้องรายงานผลการตรวจวัดคุณภาพอากาศทุก 6 เดือน",
      "ห้ามขยายโรงงานโดยไม่ได้รับอนุญาต"
    ],
    "inspections": [
      {"date": "2025-06-01", "result": "ผ่าน", "inspector": "นายสมชาย ใจดี"},
      {"date": "2025-12-01", "result": "ผ่าน", "inspector": "นางสาวสุภาพร แสงทอง"}
    ]
  },
  "credentialStatus": {
    "id": "https://licence.diw.go.th/status/3#94567",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "94567",
    "statusListCredential": "https://licence.diw.go.th/status/3"
  },
  "credentialSchema": {
    "id": "https://licence.go.th/schemas/factory-licence/v1.json",
    "type": "JsonSchema"
  }
}"#;

fn bench(c: &mut Criterion) {
    let input = CREDENTIAL.as_bytes();
    let value = json::parse_strict(input).expect("bench credential parses");
    let canonical = jcs::canonicalize(&value).expect("bench credential canonicalizes");
    eprintln!(
        "credential: {} bytes pretty, {} bytes canonical",
        input.len(),
        canonical.len()
    );

    let mut group = c.benchmark_group("credential_2kb");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("serde_json::from_slice", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(input)))
    });
    group.bench_function("json::parse_strict", |b| {
        b.iter(|| json::parse_strict(black_box(input)))
    });
    group.bench_function("jcs::canonicalize", |b| {
        b.iter(|| jcs::canonicalize(black_box(&value)))
    });
    group.bench_function("jcs::canonicalize_into (reused buffer)", |b| {
        let mut buf = String::with_capacity(4096);
        b.iter(|| {
            buf.clear();
            jcs::canonicalize_into(black_box(&value), &mut buf)
        })
    });
    group.bench_function("parse_strict + canonicalize", |b| {
        b.iter(|| {
            json::parse_strict(black_box(input)).map(|v| jcs::canonicalize(&v).map(|s| s.len()))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
