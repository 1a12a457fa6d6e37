//! Shared fixtures for the QR codec tests: the signed Thai licence, the
//! official vectors, and a deterministic random-JSON generator.
#![allow(dead_code)]

use std::path::PathBuf;

use elicence_core::licence::LicenceData;
use serde_json::{json, Map, Number, Value};

/// The sample licence of the licence tests, as an agency writes it.
pub const LICENCE_DATA: &str = include_str!("licence.json");

/// The sample licence credential with a hand-made eddsa-rdfc-2022 proof:
/// a did:web verification method with a Multikey fragment, as an agency
/// publishing its keys in its DID document would sign, and a real 64-byte
/// signature value from the W3C vectors (so the bytes are incompressible).
pub fn signed_licence() -> Value {
    let data: LicenceData = serde_json::from_str(LICENCE_DATA).unwrap();
    let mut credential = data.to_credential().unwrap();
    credential["proof"] = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-12-20T10:15:42+07:00",
        "verificationMethod": "did:web:licence.example.go.th#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "proofPurpose": "assertionMethod",
        "proofValue": "z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme"
    });
    credential
}

/// The shared W3C vectors directory; panics (fails the test) if it is missing.
pub fn vectors_dir() -> PathBuf {
    let dir = std::env::var_os("ELICENCE_SHARED_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors"))
        });
    assert!(
        dir.is_dir(),
        "shared test vectors not found at {} (set ELICENCE_SHARED_VECTORS)",
        dir.display()
    );
    dir
}

/// Every signed credential (`signed*.json`, `addSignedSDBase.json`) of the
/// W3C vc-di-eddsa and vc-di-ecdsa test vectors, with its path.
pub fn w3c_signed_vectors() -> Vec<(PathBuf, String)> {
    let root = vectors_dir();
    let mut found = Vec::new();
    for suite in ["w3c-vc-di-eddsa/TestVectors", "w3c-vc-di-ecdsa/TestVectors"] {
        collect(&root.join(suite), &mut found);
    }
    found.sort();
    assert!(
        found.len() >= 15,
        "expected the W3C signed vectors, found {}",
        found.len()
    );
    found
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path, text)
        })
        .collect()
}

fn collect(dir: &std::path::Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, found);
        } else {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".json") && (name.starts_with("signed") || name.contains("Signed")) {
                found.push(path);
            }
        }
    }
}

/// xorshift64*: a fixed, seedable generator so failures reproduce.
pub struct Rng(u64);

impl Rng {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Strings chosen to stress every compact form and its exactness rule.
const TRICKY_STRINGS: &[&str] = &[
    "",
    "z",
    "u",
    "zebra",
    "user",
    "z0OIl",
    "z111",
    "uAB",
    "u_-",
    "uAA==",
    "did:key:",
    "did:key:z6Mk",
    "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ3",
    "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#key-1",
    "did:web:licence.example.go.th#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    "2026-01-01T00:00:00.5Z",
    "2026-01-01T00:00:00.000Z",
    "2026-01-01t00:00:00z",
    "2026-02-29T00:00:00Z",
    "2026-01-01T00:00:00-00:00",
    "2026-01-01T00:00:60Z",
    "2026-01-01T00:00:00+7:00",
    "2026-01-01",
    "12026-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59+14:00",
    "1900-03-01T12:34:56-03:30",
    "https://www.w3.org/ns/credentials/v2/",
    "https://www.w3.org/ns/credentials/V2",
    "VerifiableCredential ",
    "th-TH",
    "\u{0}\u{1f}\"\\\n\t",
    "\u{FEFF}BOM",
    "𝄞 emoji 🇹🇭",
];

/// Thai fragments, including combining vowels and tone marks that must not
/// be re-normalised (e.g. "ก่" vs "ก" + U+0E48 in other orders).
const THAI: &[&str] = &[
    "กรุงเทพมหานคร",
    "ใบอนุญาต",
    "ร้านค้า",
    "น้ำ",
    "ก\u{0E48}\u{0E33}",
    "ก\u{0E33}\u{0E48}",
    "\u{0E48}",
    "๑๒๓",
    "เจ้าของ",
    " ",
];

fn random_string(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => rng.pick(TRICKY_STRINGS).to_owned(),
        1 => (0..rng.below(6)).map(|_| rng.pick(THAI)).collect(),
        2 => {
            // A date-time with random fields: some valid, some not.
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
                rng.below(10_000),
                rng.below(14),
                rng.below(33),
                rng.below(25),
                rng.below(61),
                rng.below(61),
                rng.pick(&["Z", "+07:00", "-00:00", "+23:59", "-12:30", ".1Z", ""])
            )
        }
        3 => {
            let len = rng.below(70);
            let bytes = rng.bytes(len);
            let b58 = bs58::encode(&bytes).into_string();
            match rng.below(4) {
                0 => format!("z{b58}"),
                1 => format!("did:key:z{b58}#z{b58}"),
                2 => format!("z{b58}x0"),
                _ => format!("u{}", hex::encode(bytes)),
            }
        }
        4 => elicence_core::qr::dictionary::VALUES
            [rng.below(elicence_core::qr::dictionary::VALUES.len())]
        .1
        .to_owned(),
        _ => {
            let len = rng.below(12);
            (0..len)
                .map(|_| char::from_u32(rng.below(0x3000) as u32).unwrap_or('?'))
                .collect()
        }
    }
}

fn random_number(rng: &mut Rng) -> Number {
    match rng.below(6) {
        0 => Number::from(rng.below(30) as u64),
        1 => Number::from(rng.next()),
        2 => Number::from(rng.next() as i64),
        3 => Number::from(i64::MIN),
        4 => Number::from_f64(f64::from_bits(rng.next())).unwrap_or_else(|| Number::from(0)),
        _ => Number::from_f64(
            [
                0.0,
                -0.0,
                0.1,
                1.0,
                1e300,
                -2.5e-308,
                5e-324,
                1e21,
                123456789.125,
            ][rng.below(9)],
        )
        .unwrap(),
    }
}

/// A random JSON value at most `depth` levels deep.
pub fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let kinds = if depth == 0 { 5 } else { 7 };
    match rng.below(kinds) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::Number(random_number(rng)),
        3 | 4 => Value::String(random_string(rng)),
        5 => Value::Array(
            (0..rng.below(5))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => {
            let mut map = Map::new();
            for _ in 0..rng.below(6) {
                let name = match rng.below(3) {
                    0 => elicence_core::qr::dictionary::KEYS
                        [rng.below(elicence_core::qr::dictionary::KEYS.len())]
                    .to_owned(),
                    _ => random_string(rng),
                };
                map.insert(name, random_value(rng, depth - 1));
            }
            Value::Object(map)
        }
    }
}
