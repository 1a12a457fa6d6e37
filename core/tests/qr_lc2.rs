//! LC2, the current payload format: hand-made CBOR decodes to the JSON that
//! docs/qr-format.md describes for each form LC2 adds (derived licence IRI,
//! status entries and verification method, Thai ID, calendar date-times),
//! near misses of those forms stay exact, and damaged or hostile payloads are
//! refused with a typed error, never a panic and never unbounded work.

mod qr_support;

use elicence_core::qr::{self, Format, QrError, Secured, MAX_INFLATED_BYTES};
use qr_support::{signed_licence, Rng};
use serde_json::{json, Value};

const ISSUER: &str = "did:web:licence.example.go.th:agencies:bangrak";
const BASE: &str = "https://licence.example.go.th/agencies/bangrak";
/// An Ed25519 public key: its did:web method fragment is `z` + base58(ed01 ‖ key).
const KEY: [u8; 32] = [7; 32];

/// A CBOR writer of our own, independent of the library's.
#[derive(Default)]
struct Cbor(Vec<u8>);

impl Cbor {
    fn head(&mut self, major: u8, n: u64) -> &mut Self {
        let m = major << 5;
        match n {
            0..=23 => self.0.push(m | n as u8),
            24..=0xFF => self.0.extend([m | 24, n as u8]),
            0x100..=0xFFFF => {
                self.0.push(m | 25);
                self.0.extend((n as u16).to_be_bytes());
            }
            0x1_0000..=0xFFFF_FFFF => {
                self.0.push(m | 26);
                self.0.extend((n as u32).to_be_bytes());
            }
            _ => {
                self.0.push(m | 27);
                self.0.extend(n.to_be_bytes());
            }
        }
        self
    }
    fn key(&mut self, code: u64) -> &mut Self {
        self.head(0, code)
    }
    fn text(&mut self, s: &str) -> &mut Self {
        self.head(3, s.len() as u64);
        self.0.extend(s.as_bytes());
        self
    }
    fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.head(2, b.len() as u64);
        self.0.extend(b);
        self
    }
    fn null(&mut self) -> &mut Self {
        self.0.push(0xF6);
        self
    }
    fn simple(&mut self, v: u8) -> &mut Self {
        self.0.push(0xE0 | v);
        self
    }
    fn raw(&mut self, b: &[u8]) -> &mut Self {
        self.0.extend(b);
        self
    }
}

/// Thai-8 of `s`: ASCII as is, U+0E01..U+0E5B as 0xA1..0xFB.
fn thai8(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c as u32 {
            0..=0x7F => c as u8,
            cp => (cp - 0x0D60) as u8,
        })
        .collect()
}

fn lc2(cbor: &[u8]) -> Result<Secured, QrError> {
    qr::decode(&qr::payload_from_cbor(cbor, Format::Lc2))
}

/// `{issuer, credentialSubject: {licenceType: {code}, licenceNumber}}` and
/// then `rest` members, in a map of `members` members in all.
fn licence_cbor(members: u64, rest: impl FnOnce(&mut Cbor)) -> Vec<u8> {
    let mut c = Cbor::default();
    c.head(5, members)
        .key(3)
        .text(ISSUER)
        .key(6)
        .head(5, 2)
        .key(23)
        .head(5, 1)
        .key(24)
        .text("food-sale")
        .key(22)
        .head(6, 13)
        .bytes(&thai8("สน.1/2566"));
    rest(&mut c);
    c.0
}

fn subject() -> Value {
    json!({"licenceType": {"code": "food-sale"}, "licenceNumber": "สน.1/2566"})
}

#[test]
fn derived_forms_decode_to_the_documented_json() {
    // id: tag 15 null (base from the did:web), or tag 15 with a base URL.
    let cbor = licence_cbor(3, |c| {
        c.key(1).head(6, 15).null();
    });
    assert_eq!(
        lc2(&cbor).unwrap(),
        Secured::Json(json!({
            "issuer": ISSUER,
            "credentialSubject": subject(),
            "id": format!("{BASE}/licences/food-sale/สน.1~2566"),
        }))
    );
    let cbor = licence_cbor(3, |c| {
        c.key(1).head(6, 15).text("https://permit.example.go.th");
    });
    let Secured::Json(doc) = lc2(&cbor).unwrap() else {
        panic!("not JSON")
    };
    assert_eq!(
        doc["id"],
        "https://permit.example.go.th/licences/food-sale/สน.1~2566"
    );

    // credentialStatus: [null, list, index] is the service's pair of entries.
    let cbor = licence_cbor(3, |c| {
        c.key(7)
            .head(6, 16)
            .head(4, 3)
            .null()
            .head(0, 2)
            .head(0, 17805);
    });
    let entry = |purpose: &str| {
        json!({
            "id": format!("{BASE}/status/{purpose}/2#17805"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": "17805",
            "statusListCredential": format!("{BASE}/status/{purpose}/2"),
        })
    };
    let Secured::Json(doc) = lc2(&cbor).unwrap() else {
        panic!("not JSON")
    };
    assert_eq!(
        serde_json::to_string(&doc["credentialStatus"]).unwrap(),
        serde_json::to_string(&json!([entry("revocation"), entry("suspension")])).unwrap()
    );
    // [base, list, index, purpose]: one entry object, here under a given base.
    let cbor = licence_cbor(3, |c| {
        c.key(7)
            .head(6, 16)
            .head(4, 4)
            .text(BASE)
            .head(0, 2)
            .head(0, 17805)
            .simple(15);
    });
    let Secured::Json(doc) = lc2(&cbor).unwrap() else {
        panic!("not JSON")
    };
    assert_eq!(
        serde_json::to_string(&doc["credentialStatus"]).unwrap(),
        serde_json::to_string(&entry("suspension")).unwrap()
    );

    // verificationMethod: tag 17 with an Ed25519 key, after the issuer.
    let cbor = licence_cbor(3, |c| {
        c.key(8).head(5, 1).key(11).head(6, 17).bytes(&KEY);
    });
    let Secured::Json(doc) = lc2(&cbor).unwrap() else {
        panic!("not JSON")
    };
    let multikey = [&[0xED, 0x01][..], &KEY].concat();
    assert_eq!(
        doc["proof"]["verificationMethod"],
        format!("{ISSUER}#z{}", bs58::encode(&multikey).into_string())
    );
}

#[test]
fn thai_ids_and_calendar_date_times_decode_to_the_documented_text() {
    let mut c = Cbor::default();
    c.head(5, 4)
        .text("id")
        .head(6, 18)
        .head(0, 10_553_611_201)
        .text("from")
        // 2026-01-01 is day 20454; midnight local time at +07:00.
        .head(6, 7)
        .head(4, 3)
        .head(0, 20_454)
        .head(0, 0)
        .head(0, 420)
        .text("until")
        .head(6, 7)
        .head(4, 3)
        .head(0, 20_818)
        .head(0, 86_399)
        .head(0, 420)
        .text("created")
        .head(6, 6)
        .head(4, 2)
        .head(0, 20_791)
        .head(0, 50_640);
    assert_eq!(
        lc2(&c.0).unwrap(),
        Secured::Json(json!({
            "id": "0105536112014",
            "from": "2026-01-01T00:00:00+07:00",
            "until": "2026-12-31T23:59:59+07:00",
            "created": "2026-12-04T14:04:00Z",
        }))
    );
    // LC1 reads tags 6 and 7 as seconds since 1970 and has no tag 18.
    assert!(qr::decode_cbor_as(&c.0, Format::Lc1).is_err());
}

#[test]
fn misplaced_or_malformed_lc2_forms_are_refused() {
    let invalid = |cbor: &[u8]| match lc2(cbor) {
        Err(QrError::InvalidTagContent { .. }) => {}
        other => panic!("{cbor:02X?}: {other:?}"),
    };
    // Tag 15/16 below the root, or as the whole document.
    invalid(&licence_cbor(3, |c| {
        c.key(8).head(5, 1).key(1).head(6, 15).null();
    }));
    invalid(&[0xCF, 0xF6]);
    // Tag 17 before the issuer is known.
    invalid(&Cbor::default().head(5, 1).key(11).head(6, 17).bytes(&KEY).0);
    // Tag 17 empty for an issuer that is not a did:key.
    invalid(&licence_cbor(3, |c| {
        c.key(11).head(6, 17).bytes(&[]);
    }));
    // The IRI needs a number; status needs a did:web issuer or a base.
    invalid(
        &Cbor::default()
            .head(5, 2)
            .key(3)
            .text(ISSUER)
            .key(1)
            .head(6, 15)
            .null()
            .0,
    );
    invalid(
        &Cbor::default()
            .head(5, 2)
            .key(3)
            .text("did:key:z6Mk")
            .key(7)
            .head(6, 16)
            .head(4, 3)
            .null()
            .head(0, 1)
            .head(0, 1)
            .0,
    );
    // Shapes: status with 2 items, a negative index; a Thai ID of 13 digits.
    invalid(&licence_cbor(3, |c| {
        c.key(7).head(6, 16).head(4, 2).null().head(0, 1);
    }));
    invalid(&licence_cbor(3, |c| {
        c.key(7).head(6, 16).head(4, 3).null().head(0, 1).head(1, 0);
    }));
    invalid(&Cbor::default().head(6, 18).head(0, 1_000_000_000_000).0);
    invalid(&Cbor::default().head(6, 18).text("0").0);
    // Calendar date-times: seconds beyond the day, year 10000, wrong shapes.
    invalid(
        &Cbor::default()
            .head(6, 6)
            .head(4, 2)
            .head(0, 1)
            .head(0, 86_400)
            .0,
    );
    invalid(
        &Cbor::default()
            .head(6, 6)
            .head(4, 2)
            .head(0, 2_932_897)
            .head(0, 0)
            .0,
    );
    invalid(
        &Cbor::default()
            .head(6, 7)
            .head(4, 2)
            .head(0, 1)
            .head(0, 0)
            .0,
    );
    invalid(&Cbor::default().head(6, 6).raw(&[0x1A, 0, 0, 0, 1]).0);
    // Tags LC2 does not define are named.
    assert_eq!(
        lc2(&Cbor::default().head(6, 19).null().0),
        Err(QrError::UnknownTag { tag: 19, offset: 0 })
    );
}

/// Near misses of the derived forms are carried as they are, and come back exact.
#[test]
fn near_misses_of_the_derived_forms_stay_exact() {
    let service = signed_service_licence();
    let mut cases = vec![service.clone()];
    let mut vary = |f: &dyn Fn(&mut Value)| {
        let mut v = service.clone();
        f(&mut v);
        cases.push(v);
    };
    vary(&|v| v["id"] = json!(format!("{BASE}/licences/food-sale/สน.1~2567")));
    vary(&|v| v["id"] = json!("urn:uuid:5bb0fd2c-f7a4-4a0a-a7d4-7f2f8a6f9bd4"));
    vary(&|v| v["credentialStatus"][0]["statusListIndex"] = json!("017805"));
    vary(&|v| v["credentialStatus"][1]["statusListIndex"] = json!("17806"));
    vary(&|v| v["credentialStatus"][0]["id"] = json!(format!("{BASE}/status/revocation/1")));
    vary(&|v| v["credentialStatus"][1]["statusPurpose"] = json!("message"));
    vary(&|v| {
        let entries = v["credentialStatus"].as_array().unwrap().clone();
        v["credentialStatus"] = json!([entries[1], entries[0]]);
    });
    vary(&|v| v["credentialStatus"] = v["credentialStatus"][0].clone());
    vary(&|v| {
        let e = v["credentialStatus"][0].as_object_mut().unwrap();
        let id = e.shift_remove("id").unwrap();
        e.insert("id".into(), id);
    });
    vary(&|v| {
        v["proof"]["verificationMethod"] =
            json!("did:web:licence.example.go.th:agencies:bangrak#key-1")
    });
    vary(&|v| {
        v["proof"]["verificationMethod"] =
            json!("did:web:licence.example.go.th:agencies:other#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
    });
    vary(&|v| v["issuer"]["id"] = json!("did:web:licence.example.go.th%3A8443:agencies:bangrak"));
    vary(&|v| v["issuer"] = json!(ISSUER));
    vary(&|v| v["credentialSubject"]["licensee"]["juristicPersonId"] = json!("0105536112015"));
    vary(&|v| v["credentialSubject"]["licenceNumber"] = json!(format!("{ISSUER}#z6Mk")));
    vary(&|v| v["validFrom"] = json!("2026-01-01T00:00:00.000+07:00"));
    vary(&|v| {
        // Members in another order: the issuer after the proof.
        let issuer = v.as_object_mut().unwrap().shift_remove("issuer").unwrap();
        v["issuer"] = issuer;
    });
    for case in cases {
        let credential = Secured::Json(case.clone());
        let payload = qr::encode(&credential).unwrap();
        let Secured::Json(back) = qr::decode(&payload).unwrap() else {
            panic!("not JSON")
        };
        assert_eq!(
            serde_json::to_string(&back).unwrap(),
            serde_json::to_string(&case).unwrap()
        );
    }
}

/// What the issuer service issues: did:web issuer, both status entries, a
/// did:web method named after its key.
fn signed_service_licence() -> Value {
    let mut v = signed_licence();
    v["id"] = json!(format!("{BASE}/licences/food-sale/สน.1~2566"));
    v["issuer"]["id"] = json!(ISSUER);
    let entry = |purpose: &str| {
        json!({
            "id": format!("{BASE}/status/{purpose}/1#17805"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": "17805",
            "statusListCredential": format!("{BASE}/status/{purpose}/1"),
        })
    };
    v["credentialStatus"] = json!([entry("revocation"), entry("suspension")]);
    v["proof"]["verificationMethod"] = json!(format!(
        "{ISSUER}#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    ));
    v
}

#[test]
fn a_service_licence_uses_every_lc2_form_and_shrinks() {
    let credential = Secured::Json(signed_service_licence());
    let cbor = qr::encode_cbor(&credential).unwrap();
    // Tags 15-18 (heads 0xCF-0xD2) all appear.
    for head in [0xCF, 0xD0, 0xD1, 0xD2] {
        assert!(cbor.contains(&head), "tag head {head:02X} missing");
    }
    let stats = qr::stats(&credential).unwrap();
    assert_eq!(stats.format, Format::Lc2);
    assert!(
        stats.payload_chars * 10 < stats.lc1_payload_chars * 7,
        "{stats:?}"
    );
    assert!(
        stats.cbor_bytes * 10 < qr::encode_cbor_as(&credential, Format::Lc1).unwrap().len() * 8
    );
}

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// RFC 9285 base45, both ways, written independently of the library's.
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

fn unbase45(text: &str) -> Vec<u8> {
    let digits: Vec<usize> = text
        .bytes()
        .map(|c| ALPHABET.iter().position(|&a| a == c).unwrap())
        .collect();
    let mut out = Vec::new();
    for group in digits.chunks(3) {
        let n: usize = group.iter().rev().fold(0, |n, d| n * 45 + d);
        if group.len() == 3 {
            out.extend([(n / 256) as u8, (n % 256) as u8]);
        } else {
            out.push(n as u8);
        }
    }
    out
}

#[test]
fn appended_data_is_refused() {
    let payload = qr::encode(&Secured::Json(signed_licence())).unwrap();
    let coded = unbase45(&payload[4..]);
    assert_eq!(format!("LC2:{}", base45(&coded)), payload);
    // Zero bytes leave the decoding as it was: refused as what they are.
    let mut zeros = coded.clone();
    zeros.extend([0, 0]);
    assert_eq!(
        qr::decode(&format!("LC2:{}", base45(&zeros))),
        Err(QrError::TrailingBytes {
            layer: "arithmetic coding",
            count: 2
        })
    );
    // Other bytes change what the last bits decode to: refused all the same.
    for extra in [[0x80u8, 0x01], [0xFF, 0xFF], [0x00, 0x01]] {
        let mut changed = coded.clone();
        changed.extend(extra);
        assert!(
            qr::decode(&format!("LC2:{}", base45(&changed))).is_err(),
            "{extra:02X?}"
        );
    }
}

#[test]
fn endless_or_huge_documents_stop_early() {
    // A string claiming 64 KiB: refused as soon as its head is decoded.
    let huge = qr::payload_from_cbor(&[0x7A, 0x00, 0x01, 0x00, 0x00], Format::Lc2);
    assert!(matches!(
        qr::decode(&huge),
        Err(QrError::InflatedTooLarge { .. })
    ));
    // A nesting bomb compresses to almost nothing; decoding stops one level
    // below the depth limit, after 65 bytes, with the rest of the data unread.
    let mut deep = vec![0x81; 60_000];
    deep.push(0xF6);
    let bomb = qr::payload_from_cbor(&deep, Format::Lc2);
    assert!(bomb.len() < 2000, "{}", bomb.len());
    assert!(matches!(
        qr::decode(&bomb),
        Err(QrError::TrailingBytes { .. }) | Err(QrError::TooDeep { .. })
    ));
    // The encoder refuses what compresses beyond the decoder's bound.
    let repetitive = Secured::Json(Value::Array(vec![Value::Null; 40_000]));
    assert!(matches!(
        qr::encode(&repetitive),
        Err(QrError::InflatedTooLarge { .. })
    ));
    assert!(qr::encode_as(&repetitive, Format::Lc1).is_ok());
    // Nothing beyond the absolute limit either.
    let big = Secured::Json(json!({"x": "a".repeat(MAX_INFLATED_BYTES)}));
    assert!(matches!(
        qr::encode(&big),
        Err(QrError::InflatedTooLarge { .. })
    ));
}

/// Every build runs it: corrupted LC2 payloads each give Ok or a typed
/// error, without panicking.
#[test]
fn corrupted_payloads_never_panic() {
    let good = qr::encode(&Secured::Json(signed_service_licence())).unwrap();
    let mut rng = Rng::new(4242);
    let mut errors = 0;
    for _ in 0..400 {
        let mut bytes = good.clone().into_bytes();
        for _ in 0..1 + rng.below(4) {
            let i = 4 + rng.below(bytes.len() - 4);
            bytes[i] = ALPHABET[rng.below(45)];
        }
        let text = String::from_utf8(bytes).unwrap();
        errors += usize::from(qr::decode(&text).is_err());
    }
    assert!(errors > 300, "only {errors} corruptions detected");
    // Random CBOR behind a valid arithmetic-coding layer.
    for _ in 0..400 {
        let len = rng.below(48);
        let mut cbor = rng.bytes(len);
        if let Some(first) = cbor.first_mut() {
            *first = [0xA3, 0x83, 0xCF, 0xD0, 0xD1, 0xD2, 0xC6, 0xC7][rng.below(8)];
        }
        let _ = lc2(&cbor);
    }
}

#[test]
fn the_priming_text_starts_with_the_lc1_dictionary() {
    let priming = qr::priming_text();
    assert!(priming.starts_with(qr::preset_dictionary()));
    assert!(priming.len() > qr::preset_dictionary().len() + 4000);
}
