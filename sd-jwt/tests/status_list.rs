//! IETF Token Status List: the draft's encoding examples, every bit width,
//! Status List Tokens signed and checked, and each typed refusal.

mod common;

use common::*;
use elicence_sd_jwt::jws;
use elicence_sd_jwt::status_list::{
    StatusList, StatusListError, StatusListToken, TokenStatus, UnverifiedStatusList, MAX_LIST_BYTES,
};
use elicence_sd_jwt::{Part, SdJwtError};
use serde_json::json;

const URI: &str = "https://licence.diw.example.go.th/status/tokens/1";
const ISS: &str = "https://licence.diw.example.go.th";

#[test]
fn decodes_the_drafts_examples() {
    // draft-ietf-oauth-status-list, "Status List" examples.
    let one = StatusList::from_json(&json!({"bits": 1, "lst": "eNrbuRgAAhcBXQ"})).unwrap();
    assert_eq!(one.as_bytes(), [0xb9, 0xa3]);
    let expected = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(one.get(i as u64).unwrap().value(), *want, "index {i}");
    }
    let two = StatusList::from_json(&json!({"bits": 2, "lst": "eNo76fITAAPfAgc"})).unwrap();
    assert_eq!(two.as_bytes(), [0xc9, 0x44, 0xf9]);
    let expected = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(two.get(i as u64).unwrap().value(), *want, "index {i}");
    }
    assert_eq!(two.get(1).unwrap(), TokenStatus::Suspended);
    assert_eq!(two.get(0).unwrap(), TokenStatus::Invalid);
    assert_eq!(two.get(3).unwrap(), TokenStatus::Other(3));
}

#[test]
fn every_bit_width_round_trips() {
    for bits in [1u8, 2, 4, 8] {
        let mut list = StatusList::new(bits, 1000).unwrap();
        assert!(list.len() >= 1000);
        let max = if bits == 8 {
            255
        } else {
            (1u16 << bits) as u8 - 1
        };
        for i in (0..1000u64).step_by(7) {
            list.set(i, TokenStatus::from_value((i % (u64::from(max) + 1)) as u8))
                .unwrap();
        }
        list.set(999, TokenStatus::Invalid).unwrap();
        let back = StatusList::from_json(&list.to_json()).unwrap();
        assert_eq!(back, list);
        for i in 0..1000u64 {
            assert_eq!(back.get(i).unwrap(), list.get(i).unwrap());
        }
        // Setting one entry leaves its neighbours alone.
        let mut l = StatusList::new(bits, 16).unwrap();
        l.set(5, TokenStatus::Invalid).unwrap();
        for i in 0..16 {
            assert_eq!(l.get(i).unwrap().value(), u8::from(i == 5));
        }
    }
}

#[test]
fn refuses_bad_lists() {
    assert_eq!(
        StatusList::from_json(&json!({"bits": 3, "lst": "eNrbuRgAAhcBXQ"})).unwrap_err(),
        StatusListError::BadBits("3".into())
    );
    assert!(matches!(
        StatusList::from_json(&json!({"bits": 1, "lst": "!!"})).unwrap_err(),
        StatusListError::BadEncoding(_)
    ));
    assert!(matches!(
        StatusList::from_json(&json!({"bits": 1, "lst": "AAAA"})).unwrap_err(),
        StatusListError::BadEncoding(_)
    ));
    assert!(matches!(
        StatusList::from_json(&json!({"bits": 1})).unwrap_err(),
        StatusListError::Shape(_)
    ));
    assert!(matches!(
        StatusList::from_json(&json!({"bits": 1, "lst": "eNrbuRgAAhcBXQ", "x": 1})).unwrap_err(),
        StatusListError::Shape(_)
    ));
    // A decompression bomb: 32 MiB of zeros compress to a few KiB.
    let bomb = StatusList::from_bytes(1, vec![0; 1 << 10]).unwrap();
    let mut json = bomb.to_json();
    let zeros = vec![0u8; MAX_LIST_BYTES + 1];
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&zeros, 9);
    json["lst"] = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        compressed,
    )
    .into();
    assert!(matches!(
        StatusList::from_json(&json).unwrap_err(),
        StatusListError::BadEncoding(_)
    ));
    let mut list = StatusList::new(1, 8).unwrap();
    assert_eq!(
        list.get(8).unwrap_err(),
        StatusListError::OutOfRange { index: 8, len: 8 }
    );
    assert_eq!(
        list.set(0, TokenStatus::Suspended).unwrap_err(),
        StatusListError::ValueTooLarge { value: 2, bits: 1 }
    );
}

fn token(list: StatusList, issued_at: i64, expires_at: Option<i64>) -> StatusListToken {
    StatusListToken {
        uri: URI.into(),
        issuer: Some(ISS.into()),
        issued_at,
        expires_at,
        ttl: Some(3600),
        list,
    }
}

#[test]
fn status_list_tokens_sign_and_verify() {
    let key = p256();
    let mut list = StatusList::new(2, 128).unwrap();
    list.set(7, TokenStatus::Invalid).unwrap();
    list.set(8, TokenStatus::Suspended).unwrap();
    let at = now().unix_timestamp();
    let jwt = token(list.clone(), at - 60, Some(at + 86400)).sign(&key, &kid(&key));
    let unverified = UnverifiedStatusList::decode(&jwt).unwrap();
    assert_eq!(unverified.kid(), Some(kid(&key).as_str()));
    assert_eq!(unverified.issuer(), Some(ISS));
    let verified = unverified
        .verify(&key.public_key(), URI, Some(ISS), Some(now()))
        .unwrap();
    assert_eq!(verified.list, list);
    assert_eq!(verified.ttl, Some(3600));
    assert_eq!(verified.list.get(7).unwrap(), TokenStatus::Invalid);
    assert_eq!(verified.list.get(8).unwrap(), TokenStatus::Suspended);
    assert_eq!(verified.list.get(9).unwrap(), TokenStatus::Valid);
    // The header says what it is.
    let header: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            jwt.split('.').next().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(header["typ"], "statuslist+jwt");
    assert_eq!(header["alg"], "ES256");
}

#[test]
fn refuses_status_list_tokens_that_must_not_be_used() {
    let key = ed25519();
    let at = now().unix_timestamp();
    let list = StatusList::new(1, 64).unwrap();
    let good = token(list.clone(), at - 60, Some(at + 60)).sign(&key, &kid(&key));
    let check = |jwt: &str, uri: &str, iss: Option<&str>| {
        UnverifiedStatusList::decode(jwt)
            .and_then(|u| u.verify(&key.public_key(), uri, iss, Some(now())))
    };
    assert!(matches!(
        check(
            &good,
            "https://licence.diw.example.go.th/status/tokens/2",
            None
        )
        .unwrap_err(),
        StatusListError::WrongSubject { .. }
    ));
    assert!(matches!(
        check(&good, URI, Some("https://other.example.go.th")).unwrap_err(),
        StatusListError::WrongIssuer { .. }
    ));
    let expired = token(list.clone(), at - 120, Some(at)).sign(&key, &kid(&key));
    assert_eq!(
        check(&expired, URI, None).unwrap_err(),
        StatusListError::Expired(at)
    );
    let future = token(list.clone(), at + 3600, None).sign(&key, &kid(&key));
    assert_eq!(
        check(&future, URI, None).unwrap_err(),
        StatusListError::IssuedInFuture(at + 3600)
    );
    // Without a clock (a bundle being opened) time is judged later.
    UnverifiedStatusList::decode(&expired)
        .unwrap()
        .verify(&key.public_key(), URI, None, None)
        .unwrap();
    // Signed by another key; not a statuslist+jwt; claims missing.
    assert_eq!(
        UnverifiedStatusList::decode(&good)
            .unwrap()
            .verify(
                &common::key("other-ed25519.pem").public_key(),
                URI,
                None,
                Some(now())
            )
            .unwrap_err(),
        StatusListError::Token(SdJwtError::SignatureMismatch {
            part: Part::StatusListToken
        })
    );
    let sign = |header: serde_json::Value, claims: serde_json::Value| {
        jws::sign(
            header.as_object().unwrap(),
            claims.as_object().unwrap(),
            &key,
        )
    };
    let as_jwt = sign(json!({"typ": "JWT"}), json!({"sub": URI}));
    assert!(matches!(
        UnverifiedStatusList::decode(&as_jwt).unwrap_err(),
        StatusListError::Token(SdJwtError::WrongType { .. })
    ));
    for (claims, claim) in [
        (json!({"iat": at, "status_list": list.to_json()}), "sub"),
        (json!({"sub": URI, "status_list": list.to_json()}), "iat"),
        (json!({"sub": URI, "iat": at}), "status_list"),
        (
            json!({"sub": URI, "iat": at, "ttl": 0, "status_list": list.to_json()}),
            "ttl",
        ),
    ] {
        let jwt = sign(json!({"typ": "statuslist+jwt"}), claims);
        match check(&jwt, URI, None) {
            Err(StatusListError::BadClaim { claim: c, .. }) => assert_eq!(c, claim),
            other => panic!("{claim}: {other:?}"),
        }
    }
}
