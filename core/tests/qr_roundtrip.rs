//! Every credential comes out of the QR payload exactly as it went in: the
//! decoded JSON serialises to the identical bytes, so its proofs still verify.

mod qr_support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use elicence_core::qr::{self, Format, Secured};
use qr_support::{random_value, signed_licence, w3c_signed_vectors, Rng};
use serde_json::{json, Value};

const QR_ALPHANUMERIC: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Encodes in the current format (LC2) and in LC1, checks both payloads are
/// QR-alphanumeric and decode to the same, and returns the decoded form.
fn round_trip(credential: &Secured) -> Secured {
    let payload = qr::encode(credential).unwrap();
    assert!(payload.starts_with("LC2:"));
    let lc1 = qr::encode_as(credential, Format::Lc1).unwrap();
    assert!(lc1.starts_with("LC1:"));
    for p in [&payload, &lc1] {
        assert!(
            p.chars().all(|c| QR_ALPHANUMERIC.contains(c)),
            "payload leaves the QR alphanumeric set: {p}"
        );
    }
    let decoded = qr::decode(&payload).unwrap();
    assert_eq!(qr::decode(&lc1).unwrap(), decoded);
    decoded
}

fn assert_json_round_trips(value: &Value) {
    let decoded = round_trip(&Secured::Json(value.clone()));
    let Secured::Json(decoded) = decoded else {
        panic!("JSON came back as a JWT")
    };
    assert_eq!(
        serde_json::to_string(&decoded).unwrap(),
        serde_json::to_string(value).unwrap()
    );
}

#[test]
fn w3c_signed_vectors_round_trip_identically() {
    for (path, text) in w3c_signed_vectors() {
        let value: Value = serde_json::from_str(&text).unwrap();
        let decoded = round_trip(&Secured::Json(value.clone()));
        let Secured::Json(decoded) = decoded else {
            panic!("{}: came back as a JWT", path.display())
        };
        assert_eq!(
            serde_json::to_string_pretty(&decoded).unwrap(),
            serde_json::to_string_pretty(&value).unwrap(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn w3c_vectors_get_smaller() {
    for (path, text) in w3c_signed_vectors() {
        let value: Value = serde_json::from_str(&text).unwrap();
        let stats = qr::stats(&Secured::Json(value)).unwrap();
        assert!(
            stats.cbor_bytes < stats.json_bytes,
            "{}: {stats:?}",
            path.display()
        );
    }
}

#[test]
fn signed_thai_licence_round_trips_identically() {
    let credential = signed_licence();
    assert_json_round_trips(&credential);
    // Thai text is byte-exact, including tone marks after combining vowels.
    let mut marks = credential.clone();
    marks["credentialSubject"]["conditions"] = json!([
        "ก\u{0E48}\u{0E33}",
        "ก\u{0E33}\u{0E48}",
        "น้ำ – ไฟ",
        "๑. ต้องแสดงใบอนุญาต"
    ]);
    assert_json_round_trips(&marks);
}

#[test]
fn member_order_is_kept() {
    let value: Value = serde_json::from_str(
        r#"{"proof":{"proofValue":"z3FXQ","type":"DataIntegrityProof"},"id":"x","@context":[]}"#,
    )
    .unwrap();
    assert_json_round_trips(&value);
}

fn jwt(header: &Value, payload: &[u8], signature: &[u8]) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(header).unwrap()),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

#[test]
fn vc_jwt_round_trips_to_the_identical_string() {
    let mut rng = Rng::new(7);
    let header = json!({
        "alg": "EdDSA",
        "typ": "vc+jwt",
        "cty": "vc",
        "kid": "did:web:licence.example.go.th#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    });
    let mut credential = signed_licence();
    credential.as_object_mut().unwrap().remove("proof");
    let payload = serde_json::to_vec(&credential).unwrap();
    let token = jwt(&header, &payload, &rng.bytes(64));
    assert_eq!(
        round_trip(&Secured::Jwt(token.clone())),
        Secured::Jwt(token.clone())
    );
    // The CBOR form is used: far smaller than the token.
    let stats = qr::stats(&Secured::Jwt(token.clone())).unwrap();
    assert!(stats.cbor_bytes < token.len() / 2, "{stats:?}");

    // A payload serialised differently (spaces, other member order) cannot
    // be re-created from JSON: it travels as raw bytes and still comes back exact.
    let pretty = serde_json::to_vec_pretty(&credential).unwrap();
    let es256 = json!({"kid": "did:key:zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP#zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP", "alg": "ES256", "typ": "vc+jwt"});
    for token in [
        jwt(&es256, &pretty, &rng.bytes(64)),
        jwt(&header, b"not json at all", &rng.bytes(64)),
        jwt(&header, br#"{"a":1,"a":2}"#, &rng.bytes(64)),
        jwt(&header, b"", b""),
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(br#"{ "alg" : "EdDSA" }"#),
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(rng.bytes(64))
        ),
    ] {
        assert_eq!(
            round_trip(&Secured::Jwt(token.clone())),
            Secured::Jwt(token)
        );
    }
}

#[test]
fn random_json_documents_round_trip() {
    let mut rng = Rng::new(0x5EED_1CE5);
    for round in 0..3000 {
        let value = random_value(&mut rng, 1 + round % 6);
        assert_json_round_trips(&value);
    }
}

#[test]
fn values_that_only_look_compact_stay_exact() {
    let value = json!({
        "dates": ["2026-01-01T00:00:00.000Z", "2026-02-29T00:00:00Z", "2026-01-01T00:00:00-00:00",
                  "2026-01-01t00:00:00z", "2026-01-01T00:00:00+07:00", "1969-07-20T20:17:40Z"],
        "multibase": ["z", "z0", "zl1", "z1111", "u", "uAB", "uAA", "z6Mk#zzz"],
        "didKey": ["did:key:z6Mk#z6Ml", "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
                   "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#key-1"],
        "dictionary": ["th", "TH", "th ", "https://www.w3.org/ns/credentials/v2/"],
        "numbers": [0, -1, 1.0, -0.0, 1e300, 5e-324, 18446744073709551615u64, -9223372036854775808i64, 0.1],
        "long base58": format!("z{}", bs58::encode(vec![9u8; 600]).into_string()),
        "thai mixed": "ไทย and ASCII, €uro and ไทย"
    });
    assert_json_round_trips(&value);
}

#[test]
fn access_link_binds_the_credential() {
    let credential = Secured::Json(signed_licence());
    let uri = "https://licence.example.go.th/licences/food-sale/%E0%B8%AA%E0%B8%99.1~2566";
    let link = qr::access_link(uri, &credential).unwrap();
    let digest = link.strip_prefix(&format!("{uri}#d=")).unwrap();
    assert_eq!(digest.len(), 16);
    assert_eq!(digest, qr::access_digest(&credential).unwrap());
    // The digest is over the JCS form: member order does not change it...
    let Secured::Json(value) = &credential else {
        unreachable!()
    };
    let mut reordered = serde_json::Map::new();
    for (k, v) in value.as_object().unwrap().iter().rev() {
        reordered.insert(k.clone(), v.clone());
    }
    assert_eq!(
        qr::access_digest(&Secured::Json(Value::Object(reordered))).unwrap(),
        digest
    );
    // ...but any change of content does.
    let mut changed = value.clone();
    changed["validUntil"] = json!("2027-12-31T23:59:59+07:00");
    assert_ne!(qr::access_digest(&Secured::Json(changed)).unwrap(), digest);
    // Only canonical licence URIs are accepted.
    for bad in [
        "https://licence.example.go.th/licences/food-sale/สน.1~2566",
        "https://licence.example.go.th/other/x",
        "https://licence.example.go.th/licences/food-sale/%e0%b8%aa%e0%b8%99.1~2566",
    ] {
        assert!(
            matches!(
                qr::access_link(bad, &credential),
                Err(qr::QrError::NotALicenceUri { .. })
            ),
            "{bad}"
        );
    }
}

/// The worked examples of docs/qr-format.md §9, byte for byte: LC1 (§9.1,
/// §9.2) and LC2 (§9.3).
#[test]
fn documented_examples_are_exact() {
    let small = r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","validFrom":"2026-01-01T00:00:00+07:00","issuer":"did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2","name":"ร้าน","n":-2,"x":1.5,"ok":true}"#;
    let small = Secured::Json(serde_json::from_str(small).unwrap());
    assert_eq!(
        hex::encode(qr::encode_cbor_as(&small, Format::Lc1).unwrap()),
        "a80081e002e204c7821a695556901901a403ca5822ed01b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f0ecd44c3e9d2b9616e216178fb3ff8000000000000626f6bf5"
    );
    let payload = "LC1::QB IQGDG7B2.5P9HQS71.GCPMAKI9K83 KU1:9%SLG6NGQ1HJB32NFPV9HH.*F9XC0DQ3:E4H8NXFKI35QV:PN:OONA6VC6YTSS:V9Z0499BDQ+B1";
    assert_eq!(qr::encode_as(&small, Format::Lc1).unwrap(), payload);
    assert_eq!(qr::decode(payload).unwrap(), small);
    // LC2: the same CBOR but for the date-time, [days, seconds, offset].
    assert_eq!(
        hex::encode(qr::encode_cbor(&small).unwrap()),
        "a80081e002e204c783194fe6001901a403ca5822ed01b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f0ecd44c3e9d2b9616e216178fb3ff8000000000000626f6bf5"
    );
    let lc2 = "LC2:811+UA84GB4W SNXFH*HHEFPVLSTUFOX2/69YRO0ECCBS3BEN7M7:FS1J5/48$DQR6DK635HAQ9G.J-14:RCM3V Z3BS7Z/TXAB";
    assert_eq!(qr::encode(&small).unwrap(), lc2);
    assert_eq!(qr::decode(lc2).unwrap(), small);

    let jwt = Secured::Jwt("eyJhbGciOiJFZERTQSJ9.eyJpZCI6InVybjp1dWlkOjEifQ.AAEC".into());
    assert_eq!(
        hex::encode(qr::encode_cbor_as(&jwt, Format::Lc1).unwrap()),
        "cc83a11840f830a1016a75726e3a757569643a3143000102"
    );
    assert_eq!(
        qr::encode_as(&jwt, Format::Lc1).unwrap(),
        "LC1:FP7D NTSOD7H*J8IT5$5MW%J.4300"
    );
    assert_eq!(
        qr::decode("LC1:FP7D NTSOD7H*J8IT5$5MW%J.4300").unwrap(),
        jwt
    );
    assert_eq!(
        qr::encode(&jwt).unwrap(),
        "LC2::00K8AA4W194E:HGE4NDF7MKZ MF92"
    );
    assert_eq!(
        qr::decode("LC2::00K8AA4W194E:HGE4NDF7MKZ MF92").unwrap(),
        jwt
    );
    assert_eq!(
        qr::decode_cbor_as(
            &hex::decode("cc83a11840f830a1016a75726e3a757569643a3143000102").unwrap(),
            Format::Lc1
        )
        .unwrap(),
        jwt
    );
}
