//! Every malformed QR payload is refused with its own error, never a panic
//! and never unbounded memory: the input comes from a camera, or an attacker.
//! These build LC1 payloads (raw DEFLATE around hand-made CBOR): the decoder
//! of the format already on paper stays tested. `qr_lc2.rs` covers LC2.

mod qr_support;

use elicence_core::qr::{self, QrError, Secured, MAX_DEPTH, MAX_INFLATED_BYTES};
use miniz_oxide::deflate::compress_to_vec;
use qr_support::{signed_licence, Rng};

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// RFC 9285 base45, written independently of the library's.
fn base45(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(2) {
        let (mut n, digits) = match chunk {
            [a, b] => (usize::from(*a) * 256 + usize::from(*b), 3),
            [a] => (usize::from(*a), 2),
            _ => unreachable!(),
        };
        for _ in 0..digits {
            out.push(char::from(ALPHABET[n % 45]));
            n /= 45;
        }
    }
    out
}

/// A payload around raw DEFLATE bytes.
fn payload_of_deflated(deflated: &[u8]) -> String {
    format!("LC1:{}", base45(deflated))
}

/// A payload around CBOR bytes (DEFLATE without the preset dictionary is a
/// valid stream for the decoder: it simply makes no references into it).
fn payload_of_cbor(cbor: &[u8]) -> String {
    payload_of_deflated(&compress_to_vec(cbor, 10))
}

fn cbor_error(cbor: &[u8]) -> QrError {
    qr::decode(&payload_of_cbor(cbor)).unwrap_err()
}

#[test]
fn hand_made_cbor_decodes_to_the_documented_json() {
    // {"id": "did:web:x", 1 (id) ...}: key code 1, text, dictionary value 0.
    let cbor = [
        0xA2, 0x01, 0x69, b'd', b'i', b'd', b':', b'w', b'e', b'b', b':', b'x', 0x00, 0x81, 0xE0,
    ];
    assert_eq!(
        qr::decode(&payload_of_cbor(&cbor)).unwrap(),
        Secured::Json(serde_json::json!({
            "id": "did:web:x",
            "@context": ["https://www.w3.org/ns/credentials/v2"]
        }))
    );
}

#[test]
fn wrong_prefix_and_unknown_version() {
    let good = qr::encode(&Secured::Json(signed_licence())).unwrap();
    let body = &good[4..];
    assert_eq!(qr::format_of(&good), Ok(qr::Format::Lc2));
    for bad in [
        "",
        "LC1",
        "lc1:ABC",
        "HC1:NCFOXN",
        "https://x.go.th",
        "LC:ABC",
        "LCX:AB",
    ] {
        assert!(
            matches!(qr::decode(bad), Err(QrError::WrongPrefix { .. })),
            "{bad:?}"
        );
    }
    assert_eq!(
        qr::decode(&format!("LC3:{body}")),
        Err(QrError::UnsupportedVersion {
            version: "3".into()
        })
    );
    assert_eq!(
        qr::decode(&format!("LC10:{body}")),
        Err(QrError::UnsupportedVersion {
            version: "10".into()
        })
    );
    let message = qr::decode("HC1:NCF").unwrap_err().to_string();
    assert!(message.contains("not an elicence QR payload"), "{message}");
}

#[test]
fn bad_base45() {
    assert_eq!(
        qr::decode("LC1:AB c"),
        Err(QrError::Base45InvalidCharacter {
            found: 'c',
            position: 3
        })
    );
    assert_eq!(
        qr::decode("LC1:ABCD"),
        Err(QrError::Base45InvalidLength { length: 4 })
    );
    assert!(matches!(
        qr::decode("LC1:GGW"),
        Err(QrError::Base45Overflow { value: 65536, .. })
    ));
    assert!(matches!(
        qr::decode("LC1:ไทย"),
        Err(QrError::Base45InvalidCharacter { found: 'ไ', .. })
    ));
}

#[test]
fn payloads_longer_than_any_qr_code_are_refused_up_front() {
    let long = format!("LC1:{}", "0".repeat(qr::MAX_PAYLOAD_CHARS));
    assert!(matches!(
        qr::decode(&long),
        Err(QrError::PayloadTooLong { .. })
    ));
}

#[test]
fn corrupt_truncated_and_trailing_deflate() {
    // Block type 3 is reserved.
    assert!(matches!(
        qr::decode(&payload_of_deflated(&[0xFF, 0xFF])),
        Err(QrError::Inflate { .. })
    ));
    let deflated = compress_to_vec(&serde_json::to_vec(&signed_licence()).unwrap(), 10);
    for cut in [1, 2, 10, deflated.len() / 2] {
        assert!(
            matches!(
                qr::decode(&payload_of_deflated(&deflated[..deflated.len() - cut])),
                Err(QrError::Inflate { .. })
            ),
            "cut {cut}"
        );
    }
    let mut trailing = compress_to_vec(&[0xF6], 10);
    trailing.extend_from_slice(&[0, 0, 0]);
    assert_eq!(
        qr::decode(&payload_of_deflated(&trailing)),
        Err(QrError::TrailingBytes {
            layer: "DEFLATE",
            count: 3
        })
    );
    assert!(matches!(qr::decode("LC1:"), Err(QrError::Inflate { .. })));
}

#[test]
fn deflate_bombs_stop_at_the_limit() {
    // 10 MB of zeros compresses to ~10 KB; a QR code could carry ~1 KB of it.
    let bomb = compress_to_vec(&vec![0u8; 10 << 20], 10);
    assert_eq!(
        qr::decode(&payload_of_deflated(&bomb[..bomb.len().min(6000)])),
        Err(QrError::InflatedTooLarge {
            max: MAX_INFLATED_BYTES
        })
    );
    // Exactly at the limit is still read (and then refused as CBOR, not as a bomb).
    let at_limit = compress_to_vec(&vec![0xF6; MAX_INFLATED_BYTES], 10);
    assert_eq!(
        qr::decode(&payload_of_deflated(&at_limit)),
        Err(QrError::TrailingBytes {
            layer: "CBOR",
            count: MAX_INFLATED_BYTES - 1
        })
    );
}

#[test]
fn nesting_bombs_stop_at_the_depth_limit() {
    let mut ok = vec![0x81; MAX_DEPTH];
    ok.push(0xF6);
    assert!(qr::decode(&payload_of_cbor(&ok)).is_ok());
    let mut deep = vec![0x81; 60_000];
    deep.push(0xF6);
    assert_eq!(cbor_error(&deep), QrError::TooDeep { max: MAX_DEPTH });
    let mut maps = [0xA1, 0x01].repeat(MAX_DEPTH + 1);
    maps.push(0xF6);
    assert_eq!(cbor_error(&maps), QrError::TooDeep { max: MAX_DEPTH });
    // The encoder refuses what the decoder would refuse.
    let mut value = serde_json::Value::Null;
    for _ in 0..=MAX_DEPTH {
        value = serde_json::Value::Array(vec![value]);
    }
    assert_eq!(
        qr::encode(&Secured::Json(value)),
        Err(QrError::TooDeep { max: MAX_DEPTH })
    );
}

#[test]
fn unknown_dictionary_codes_and_tags() {
    assert_eq!(
        cbor_error(&[0xA1, 0x18, 0xC8, 0xF6]),
        QrError::UnknownKeyCode {
            code: 200,
            offset: 1
        }
    );
    assert_eq!(
        cbor_error(&[0xF8, 0xC8]),
        QrError::UnknownValueCode {
            code: 200,
            offset: 0
        }
    );
    assert_eq!(
        cbor_error(&[0xC0, 0x60]),
        QrError::UnknownTag { tag: 0, offset: 0 }
    );
    // The JWT envelope is only allowed at the top.
    assert_eq!(
        cbor_error(&[0x81, 0xCC, 0x83, 0x40, 0x40, 0x40]),
        QrError::UnknownTag { tag: 12, offset: 1 }
    );
    let message = cbor_error(&[0xF8, 0xC8]).to_string();
    assert!(
        message.contains("unknown dictionary value code 200"),
        "{message}"
    );
}

/// A predicate on the error a case must give.
type ErrorCheck = fn(&QrError) -> bool;

#[test]
fn malformed_cbor_items() {
    let cases: Vec<(Vec<u8>, ErrorCheck)> = vec![
        (vec![0xF6, 0xF6], |e| {
            *e == QrError::TrailingBytes {
                layer: "CBOR",
                count: 1,
            }
        }),
        (vec![0x62, 0xFF, 0xFE], |e| {
            matches!(e, QrError::InvalidUtf8 { offset: 0 })
        }),
        (vec![0xA1, 0x62, 0xC3, 0x28, 0xF6], |e| {
            matches!(e, QrError::InvalidUtf8 { offset: 1 })
        }),
        (
            vec![0xA2, 0x01, 0xF6, 0x62, b'i', b'd', 0xF6],
            |e| matches!(e, QrError::DuplicateKey { name, .. } if name == "id"),
        ),
        (vec![0xA1, 0xF6, 0xF6], |e| {
            matches!(e, QrError::InvalidKey { .. })
        }),
        (vec![0x3B, 0x80, 0, 0, 0, 0, 0, 0, 0], |e| {
            matches!(e, QrError::IntegerOutOfRange { .. })
        }),
        (vec![0xFB, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0], |e| {
            matches!(e, QrError::NonFiniteFloat { .. })
        }),
        (vec![0xF9, 0x3C, 0x00], |e| {
            matches!(e, QrError::CborUnsupported { .. })
        }),
        (vec![0x9F, 0xFF], |e| {
            matches!(e, QrError::CborUnsupported { .. })
        }),
        (vec![0xF7], |e| matches!(e, QrError::CborUnsupported { .. })),
        (vec![0xF8, 0x10], |e| {
            matches!(e, QrError::CborUnsupported { .. })
        }),
        (vec![0x41, 0x00], |e| {
            matches!(e, QrError::CborUnsupported { .. })
        }),
        (vec![0x1C], |e| matches!(e, QrError::CborUnsupported { .. })),
        (vec![0x82, 0x01], |e| {
            matches!(e, QrError::CborTruncated { .. })
        }),
        (vec![], |e| matches!(e, QrError::CborTruncated { .. })),
        // Counts and lengths far beyond the data: refused, nothing allocated.
        (
            vec![0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
            |e| matches!(e, QrError::CborTruncated { .. }),
        ),
        (vec![0xBA, 0xFF, 0xFF, 0xFF, 0xFF], |e| {
            matches!(e, QrError::CborTruncated { .. })
        }),
        (vec![0x7A, 0xFF, 0xFF, 0xFF, 0xFF, b'a'], |e| {
            matches!(e, QrError::CborTruncated { .. })
        }),
    ];
    for (cbor, check) in cases {
        let error = cbor_error(&cbor);
        assert!(check(&error), "{cbor:02X?}: {error:?}");
    }
}

#[test]
fn invalid_tag_contents() {
    let mut long_base58 = vec![0xC8, 0x59, 0x02, 0x01];
    long_base58.extend_from_slice(&[7; 513]);
    let cases: Vec<Vec<u8>> = vec![
        // Date-time: not an integer; year 10000; offset beyond 23:59; wrong array.
        vec![0xC6, 0x60],
        vec![0xC6, 0x1B, 0, 0, 0, 0x3A, 0xFF, 0xF4, 0x41, 0x80],
        vec![0xC7, 0x82, 0x00, 0x19, 0x05, 0xA0],
        vec![0xC7, 0x81, 0x00],
        // Base58 forms: not bytes; longer than 512 bytes.
        vec![0xC8, 0x60],
        long_base58,
        // Thai-8: a byte outside ASCII and 0xA1-0xFB.
        vec![0xCD, 0x42, 0x41, 0xFC],
        // Multibase fragment: prefix not text.
        vec![0xCE, 0x82, 0x40, 0x40],
        // JWT: two parts; signature not bytes.
        vec![0xCC, 0x82, 0x40, 0x40],
        vec![0xCC, 0x83, 0x40, 0x40, 0x60],
    ];
    for cbor in cases {
        let error = cbor_error(&cbor);
        assert!(
            matches!(error, QrError::InvalidTagContent { .. }),
            "{cbor:02X?}: {error:?}"
        );
    }
}

#[test]
fn malformed_jwts_are_refused_by_the_encoder() {
    for bad in ["a.b", "a.b.c.d", "", "YQ=.YQ.YQ", "a+b.YQ.YQ", "YR.YQ.YQ"] {
        assert!(
            matches!(
                qr::encode(&Secured::Jwt(bad.into())),
                Err(QrError::NotCompactJws { .. })
            ),
            "{bad}"
        );
    }
}

/// Not a replacement for a fuzzer, but every build runs it: thousands of
/// corrupted LC1 payloads (the format printed licences carry), each must
/// give Ok or a typed error without panicking. `qr_lc2.rs` does the same
/// for LC2.
#[test]
fn corrupted_payloads_never_panic() {
    let good = qr::encode_as(&Secured::Json(signed_licence()), qr::Format::Lc1).unwrap();
    let mut rng = Rng::new(42);
    let mut errors = 0;
    for _ in 0..3000 {
        let mut bytes = good.clone().into_bytes();
        for _ in 0..1 + rng.below(4) {
            let i = 4 + rng.below(bytes.len() - 4);
            bytes[i] = ALPHABET[rng.below(45)];
        }
        let text = String::from_utf8(bytes).unwrap();
        errors += usize::from(qr::decode(&text).is_err());
    }
    assert!(errors > 2500, "only {errors} corruptions detected");
    // Corrupted CBOR behind a valid DEFLATE layer.
    for _ in 0..3000 {
        let len = rng.below(64);
        let mut cbor = rng.bytes(len);
        if let Some(first) = cbor.first_mut() {
            *first = [0xA3, 0x83, 0xCC, 0xC7, 0xCD, 0xCE][rng.below(6)];
        }
        let _ = qr::decode(&payload_of_cbor(&cbor));
    }
}
