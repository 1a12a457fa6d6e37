//! Search speed of the agency console on a large registry: N licences of one
//! agency (default 1,000,000) with generated Thai and English names, stored
//! the way the service stores them (the search index filled by the same
//! trigger), then the console's queries timed (median of 21 runs each):
//! part of a Thai name, part of an English name, a juristic ID, a licence
//! number, the newest licences, a revoked-only filter, and a licence by its
//! IRI (the licence page's lookup).
//!
//! `cargo run -p elicence-issuer --example console_search_bench -- [N]`
//! (SQLite is built optimised even in dev, see the root Cargo.toml).

use std::time::{Duration, Instant};

use elicence_issuer::console::search::{self, Query, StatusFilter};
use elicence_issuer::{config::Durability, store};
use rusqlite::params;

const FIRST: [&str; 16] = [
    "ครัว",
    "ข้าว",
    "สยาม",
    "รุ่งเรือง",
    "มั่งมี",
    "ศรี",
    "ทอง",
    "เจริญ",
    "พัฒนา",
    "สุข",
    "ใจดี",
    "บางรัก",
    "สีลม",
    "ลุมพินี",
    "อรุณ",
    "ชัย",
];
const SECOND: [&str; 12] = [
    "ไทย",
    "ทรัพย์",
    "กิจ",
    "ภัณฑ์",
    "การค้า",
    "อาหาร",
    "ยนต์",
    "ทัวร์",
    "บริการ",
    "ก่อสร้าง",
    "โภชนา",
    "พาณิชย์",
];
const FIRST_EN: [&str; 16] = [
    "Kitchen", "Rice", "Siam", "Prosper", "Wealthy", "Sri", "Golden", "Progress", "Develop",
    "Happy", "Kind", "Bang Rak", "Silom", "Lumphini", "Dawn", "Victory",
];
const SECOND_EN: [&str; 12] = [
    "Thai",
    "Assets",
    "Works",
    "Products",
    "Trading",
    "Foods",
    "Motors",
    "Tours",
    "Services",
    "Construction",
    "Dining",
    "Commerce",
];

/// A valid juristic ID from a counter (check digit computed).
fn juristic_id(n: u64) -> String {
    let body = format!("0105{:08}", n % 100_000_000);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (13 - i as u32))
        .sum();
    format!("{body}{}", (11 - sum % 11) % 10)
}

fn median(mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..21 {
        let start = Instant::now();
        rows = f();
        times.push(start.elapsed());
    }
    times.sort();
    (times[times.len() / 2], rows)
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let conn = store::open(&path, Durability::Normal).expect("db");
    let start = Instant::now();
    let tx = conn
        .sqlite_only()
        .expect("an SQLite database")
        .unchecked_transaction()
        .expect("tx");
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO credentials(agency, id, type_code, number, credential, status_list, status_index, revoked, created_at)
                 VALUES ('bangrak', ?1, 'food-sale', ?2, ?3, 1, ?4, ?5, '2026-01-01T00:00:00Z')",
            )
            .expect("prepare");
        for i in 0..n {
            let (a, b) = ((i * 7919) % 16, (i * 104_729 / 16) % 12);
            let name_th = format!(
                "บริษัท {}{} {} จำกัด",
                FIRST[a as usize], SECOND[b as usize], i
            );
            let name_en = format!(
                "{} {} {i} Co., Ltd.",
                FIRST_EN[a as usize], SECOND_EN[b as usize]
            );
            let number = format!("สน.{i}/2569");
            let id = format!(
                "https://licence.example.go.th/agencies/bangrak/licences/food-sale/สน.{i}~2569"
            );
            // The members the console reads, as in a real licence (a real
            // one carries about 2 KB more: proof, status entries, address).
            let credential = serde_json::json!({
                "id": id,
                "validFrom": "2026-01-01T00:00:00+07:00",
                "validUntil": "2026-12-31T23:59:59+07:00",
                "credentialSubject": {
                    "licenceNumber": number,
                    "licenceType": {"code": "food-sale", "title": {"th": "ใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหาร", "en": "Licence to operate a food sale establishment"}},
                    "licensee": {"juristicPersonId": juristic_id(i), "legalName": {"th": name_th, "en": name_en}},
                }
            });
            insert
                .execute(params![id, number, credential.to_string(), i, i % 97 == 0])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(dir.path().join("bench.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!(
        "{n} licences stored (with the search index) in {:.1} s; database {} MB",
        start.elapsed().as_secs_f64(),
        size / 1_000_000
    );

    let probe = n / 2;
    let jid = juristic_id(probe);
    let number = format!("สน.{probe}/2569");
    let rare_th = format!("{} จำกัด", probe);
    let queries: [(&str, &str, StatusFilter); 7] = [
        (
            "part of a Thai name (common: 'ครัวไทย')",
            "ครัวไทย",
            StatusFilter::Any,
        ),
        (
            "part of a Thai name (one licence)",
            &rare_th,
            StatusFilter::Any,
        ),
        (
            "part of an English name ('golden')",
            "golden",
            StatusFilter::Any,
        ),
        ("juristic ID", &jid, StatusFilter::Any),
        ("licence number", &number, StatusFilter::Any),
        ("newest licences (no text)", "", StatusFilter::Any),
        ("revoked only, 'siam'", "siam", StatusFilter::Revoked),
    ];
    println!("\n| query | rows shown | median server time |\n|---|---:|---:|");
    for (label, text, status) in queries {
        let q = Query {
            text,
            type_code: "",
            status,
        };
        let (t, rows) = median(|| search::search(&conn, "bangrak", &q).expect("search").len());
        println!("| {label} | {rows} | {:.2} ms |", t.as_secs_f64() * 1000.0);
    }
    let id = format!(
        "https://licence.example.go.th/agencies/bangrak/licences/food-sale/สน.{probe}~2569"
    );
    let (t, _) = median(|| {
        usize::from(
            store::credential_by_id(&conn, "bangrak", &id)
                .expect("lookup")
                .is_some(),
        )
    });
    println!(
        "| licence page lookup by IRI | 1 | {:.2} ms |",
        t.as_secs_f64() * 1000.0
    );
}
