//! SD-JWT issuance, presentation and verification, and every refusal of
//! [`SdJwtError`] produced by a crafted or altered token.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::*;
use elicence_core::keys::{KeyAlgorithm, SigningKey};
use elicence_sd_jwt::disclosure::{sha256_b64, Disclosure};
use elicence_sd_jwt::jws::{self, Alg};
use elicence_sd_jwt::licence::{is_selected, selector};
use elicence_sd_jwt::{
    present, verify, verify_vc, ClaimPath, KeyBinding, KeyBindingRequest, Part, SdJwtError,
    VerifyOptions,
};
use rand_core::OsRng;
use serde_json::{json, Map, Value};
use time::Duration;

const NONCE: &str = "n-0S6_WzA2Mj";
const AUD: &str = "https://bank.example.co.th";

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn required() -> VerifyOptions {
    let mut o = VerifyOptions::new(now());
    o.key_binding = KeyBinding::Required {
        nonce: NONCE.into(),
        audience: AUD.into(),
        max_age: Duration::minutes(10),
    };
    o
}

fn kb<'a>(key: &'a SigningKey) -> KeyBindingRequest<'a> {
    KeyBindingRequest {
        key,
        nonce: NONCE,
        audience: AUD,
        issued_at: now() - Duration::minutes(1),
    }
}

fn keep_all(_: &ClaimPath) -> bool {
    true
}

/// A token signed by `key` over any header and payload, with `disclosures`.
fn craft(key: &SigningKey, header: Value, payload: Value, disclosures: &[&Disclosure]) -> String {
    let mut out = jws::sign(&obj(header), &obj(payload), key);
    out.push('~');
    for d in disclosures {
        out.push_str(&d.encoded);
        out.push('~');
    }
    out
}

fn disclose(name: &str, value: Value) -> Disclosure {
    Disclosure::new("c2FsdHNhbHRzYWx0".into(), Some(name.into()), value)
}

fn element(value: Value) -> Disclosure {
    Disclosure::new("ZWxlbWVudHNhbHQ".into(), None, value)
}

fn header() -> Value {
    json!({"typ": "dc+sd-jwt"})
}

fn check(token: &str, key: &SigningKey) -> Result<elicence_sd_jwt::Verified, SdJwtError> {
    verify(token, &fixed(key.public_key()), &VerifyOptions::new(now()))
}

#[test]
fn licence_round_trips_with_es256_and_eddsa_with_and_without_key_binding() {
    for issuer in [p256(), ed25519()] {
        let holder = holder();
        let issued = issued(&issuer, Some(&holder));
        let resolver = fixed(issuer.public_key());
        // As issued: every claim visible to whoever holds all Disclosures.
        let v = verify_vc(&issued, &resolver, &VerifyOptions::new(now())).unwrap();
        assert_eq!(v.sd_jwt.claims["licenceNumber"], "ข-12345/2565");
        assert_eq!(
            v.sd_jwt.claims["licensee"]["legalName"]["th"],
            "บริษัท ผลิตภัณฑ์อาหารไทย จำกัด"
        );
        assert_eq!(
            v.sd_jwt.claims["permittedActivities"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(v.holder_key, Some(holder.public_key()));
        assert!(v.sd_jwt.key_binding.is_none());
        assert_eq!(
            v.sd_jwt.alg,
            Alg::for_key(issuer.algorithm()),
            "ES256 for P-256, EdDSA for Ed25519"
        );

        // Presented with three claims and a KB-JWT.
        let keep = selector(&[
            "licenceType",
            "validity",
            "juristicPersonId",
            "conditions[1]",
        ])
        .unwrap();
        let shown = present(&issued, &|p| is_selected(&keep, p), Some(&kb(&holder))).unwrap();
        let v = verify_vc(&shown, &resolver, &required()).unwrap();
        let claims = &v.sd_jwt.claims;
        assert_eq!(claims["licensee"]["juristicPersonId"], "0105536112014");
        assert!(claims["licensee"].get("legalName").is_none(), "{claims:#?}");
        assert!(claims.get("licenceNumber").is_none());
        assert!(claims.get("premises").unwrap().get("address").is_none());
        assert_eq!(
            claims["conditions"],
            json!(["ต้องรายงานผลการตรวจวัดมลพิษทุกหกเดือน"])
        );
        assert_eq!(claims["permittedActivities"], json!([]));
        assert_eq!(v.vct, "https://w3id.org/elicence/vct/factory-op");
        let kb = v.sd_jwt.key_binding.unwrap();
        assert_eq!((kb.nonce.as_str(), kb.audience.as_str()), (NONCE, AUD));
        assert_eq!(v.sd_jwt.disclosed.len(), 2);

        // Without a KB-JWT: accepted when none is required, refused when it is.
        let bare = present(&issued, &|p| is_selected(&keep, p), None).unwrap();
        assert!(bare.ends_with('~'));
        verify_vc(&bare, &resolver, &VerifyOptions::new(now())).unwrap();
        assert_eq!(
            verify_vc(&bare, &resolver, &required()).unwrap_err(),
            SdJwtError::MissingKeyBinding
        );
    }
}

#[test]
fn visible_claims_stay_visible_and_disclosable_ones_do_not_leak() {
    let issuer = p256();
    let issued = issued(&issuer, Some(&holder()));
    let jwt = issued.split('~').next().unwrap();
    let payload = elicence_sd_jwt::process::unverified_payload(jwt).unwrap();
    for visible in [
        "iss", "iat", "nbf", "exp", "vct", "cnf", "status", "_sd_alg",
    ] {
        assert!(payload.contains_key(visible), "{visible} must be visible");
    }
    assert_eq!(payload["iss"], "https://licence.diw.example.go.th");
    assert_eq!(payload["_sd_alg"], "sha-256");
    assert_eq!(
        payload["status"],
        json!({"status_list": {"idx": 7, "uri": "https://licence.diw.example.go.th/status/tokens/1"}})
    );
    let text = serde_json::to_string(&payload).unwrap();
    for secret in [
        "0105536112014",
        "ข-12345",
        "บริษัท",
        "ตำบล",
        "ผลิตอาหาร",
        "ต้องติดตั้ง",
        "licenceIri",
    ] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the signed payload"
        );
    }
    // One Disclosure per claim: number, IRI, ID, name, address, 2 activities,
    // 2 conditions; each followed by `~`, as is the JWT.
    assert_eq!(issued.matches('~').count(), 1 + 9);
}

#[test]
fn decoys_hide_how_many_claims_there_are_and_are_ignored_on_verification() {
    let issuer = ed25519();
    let mut options = options(&issuer, None);
    options.decoys = 3;
    let issued = elicence_sd_jwt::licence::issue_licence(&licence(), &options, &issuer, &mut OsRng)
        .unwrap()
        .serialize();
    let payload =
        elicence_sd_jwt::process::unverified_payload(issued.split('~').next().unwrap()).unwrap();
    assert_eq!(payload["_sd"].as_array().unwrap().len(), 2 + 3);
    assert_eq!(payload["licensee"]["_sd"].as_array().unwrap().len(), 2 + 3);
    assert_eq!(
        payload["permittedActivities"].as_array().unwrap().len(),
        2 + 3
    );
    let v = check(&issued, &issuer).unwrap();
    assert_eq!(v.claims["permittedActivities"].as_array().unwrap().len(), 2);
    let none = present(&issued, &|_| false, None).unwrap();
    let v = check(&none, &issuer).unwrap();
    assert_eq!(v.claims["permittedActivities"], json!([]));
    assert!(v.disclosed.is_empty());
}

#[test]
fn presenting_with_another_key_than_cnf_is_refused() {
    let issuer = p256();
    let issued = issued(&issuer, Some(&holder()));
    let thief = holder();
    assert_eq!(
        present(&issued, &keep_all, Some(&kb(&thief))).unwrap_err(),
        SdJwtError::HolderKeyMismatch
    );
    let unbound = common::issued(&issuer, None);
    assert!(matches!(
        present(&unbound, &keep_all, Some(&kb(&thief))).unwrap_err(),
        SdJwtError::NoHolderKey(_)
    ));
}

#[test]
fn refuses_malformed_serializations() {
    let issuer = p256();
    let issued = issued(&issuer, None);
    let jwt = issued.split('~').next().unwrap();
    for bad in [
        jwt.to_owned(),
        format!("~{}", &issued),
        issued.replacen('~', "~~", 1),
        "a.b~".to_owned(),
    ] {
        assert!(
            matches!(check(&bad, &issuer), Err(SdJwtError::Malformed(_))),
            "{bad}"
        );
    }
    let not_json = format!(
        "{}.{}.AAAA~",
        URL_SAFE_NO_PAD.encode("{\"alg\":\"ES256\"}"),
        URL_SAFE_NO_PAD.encode("[1]")
    );
    assert!(matches!(
        check(&not_json, &issuer),
        Err(SdJwtError::MalformedJws {
            part: Part::IssuerJwt,
            ..
        })
    ));
}

#[test]
fn refuses_alg_none_unknown_algorithms_crit_and_wrong_types() {
    let issuer = p256();
    let payload = json!({"iss": "https://x.example", "vct": "urn:x"});
    let unsigned = format!(
        "{}.{}.c2ln~",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"dc+sd-jwt"}"#),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    assert_eq!(
        check(&unsigned, &issuer).unwrap_err(),
        SdJwtError::AlgorithmNone {
            part: Part::IssuerJwt
        }
    );
    let hs = unsigned.replace(
        &URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"dc+sd-jwt"}"#),
        &URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"dc+sd-jwt"}"#),
    );
    assert!(matches!(
        check(&hs, &issuer).unwrap_err(),
        SdJwtError::AlgorithmNotAllowed { alg, .. } if alg == "HS256"
    ));
    // An allowed algorithm the caller switched off.
    let es = craft(&issuer, header(), payload.clone(), &[]);
    let mut only_eddsa = VerifyOptions::new(now());
    only_eddsa.algorithms = vec![Alg::EdDsa];
    assert!(matches!(
        verify(&es, &fixed(issuer.public_key()), &only_eddsa).unwrap_err(),
        SdJwtError::AlgorithmNotAllowed { .. }
    ));
    let crit = craft(
        &issuer,
        json!({"typ": "dc+sd-jwt", "crit": ["exp"]}),
        payload.clone(),
        &[],
    );
    assert!(matches!(
        check(&crit, &issuer).unwrap_err(),
        SdJwtError::UnknownCritical { .. }
    ));
    let jwt_typ = craft(&issuer, json!({"typ": "JWT"}), payload.clone(), &[]);
    assert!(matches!(
        verify_vc(&jwt_typ, &fixed(issuer.public_key()), &VerifyOptions::new(now())).unwrap_err(),
        SdJwtError::WrongType { found, .. } if found == "\"JWT\""
    ));
    let legacy = craft(&issuer, json!({"typ": "vc+sd-jwt"}), payload, &[]);
    verify_vc(
        &legacy,
        &fixed(issuer.public_key()),
        &VerifyOptions::new(now()),
    )
    .unwrap();
}

#[test]
fn refuses_a_key_of_the_wrong_type_an_unresolvable_key_and_bad_signatures() {
    let issuer = p256();
    let issued = issued(&issuer, None);
    assert!(matches!(
        check(&issued, &ed25519()).unwrap_err(),
        SdJwtError::AlgorithmKeyMismatch { .. }
    ));
    let nobody = |_: &Map<String, Value>, _: &Map<String, Value>| {
        Err(SdJwtError::KeyResolution {
            part: Part::IssuerJwt,
            reason: "not on the trust list".into(),
        })
    };
    assert!(matches!(
        verify(&issued, &nobody, &VerifyOptions::new(now())).unwrap_err(),
        SdJwtError::KeyResolution { .. }
    ));
    let other = key("other-p256.pem");
    assert_eq!(
        check(&issued, &other).unwrap_err(),
        SdJwtError::SignatureMismatch {
            part: Part::IssuerJwt
        }
    );
    let (jwt, rest) = issued.split_once('~').unwrap();
    let (signing_input, _) = jwt.rsplit_once('.').unwrap();
    let short = format!("{signing_input}.AAAA~{rest}");
    assert!(matches!(
        check(&short, &issuer).unwrap_err(),
        SdJwtError::MalformedSignature { .. }
    ));
}

#[test]
fn a_changed_sd_array_breaks_the_signature() {
    let issuer = ed25519();
    let issued = issued(&issuer, None);
    let (jwt, rest) = issued.split_once('~').unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    // Add the digest of a forged Disclosure to `_sd`.
    let forged = disclose("licenceNumber", json!("FORGED-1"));
    payload["_sd"]
        .as_array_mut()
        .unwrap()
        .push(json!(forged.digest));
    let tampered = format!(
        "{}.{}.{}~{rest}{}~",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2],
        forged.encoded
    );
    assert_eq!(
        check(&tampered, &issuer).unwrap_err(),
        SdJwtError::SignatureMismatch {
            part: Part::IssuerJwt
        }
    );
}

#[test]
fn refuses_unused_duplicate_and_malformed_disclosures() {
    let issuer = p256();
    let issued = issued(&issuer, None);
    let first = issued.split('~').nth(1).unwrap();
    // Unused: a Disclosure the issuer never signed a digest for.
    let stranger = disclose("licenceNumber", json!("สน.9/2569"));
    let unused = format!("{issued}{}~", stranger.encoded);
    assert!(matches!(
        check(&unused, &issuer).unwrap_err(),
        SdJwtError::UnusedDisclosure { digest, .. } if digest == stranger.digest
    ));
    // Duplicate: the same Disclosure twice.
    let twice = format!("{issued}{first}~");
    assert!(matches!(
        check(&twice, &issuer).unwrap_err(),
        SdJwtError::DuplicateDisclosure { .. }
    ));
    // Malformed: not base64url, not an array, wrong length, non-string salt or name.
    for (bad, why) in [
        ("!!!".to_owned(), "base64url"),
        (URL_SAFE_NO_PAD.encode("{\"a\":1}"), "array"),
        (URL_SAFE_NO_PAD.encode("[\"s\"]"), "2 or 3"),
        (URL_SAFE_NO_PAD.encode("[1, \"n\", 2]"), "salt"),
        (URL_SAFE_NO_PAD.encode("[\"s\", 5, 2]"), "name"),
        (URL_SAFE_NO_PAD.encode("[\"s\", \"a\", 2, 3]"), "2 or 3"),
    ] {
        let token = format!("{issued}{bad}~");
        match check(&token, &issuer) {
            Err(SdJwtError::MalformedDisclosure { reason, .. }) => {
                assert!(reason.contains(why), "{reason}")
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn refuses_a_digest_that_appears_twice() {
    let issuer = p256();
    let d = disclose("licenceNumber", json!("สน.1/2566"));
    let token = craft(
        &issuer,
        header(),
        json!({"_sd": [d.digest], "licensee": {"_sd": [d.digest]}}),
        &[&d],
    );
    assert_eq!(
        check(&token, &issuer).unwrap_err(),
        SdJwtError::DigestCollision(d.digest.clone())
    );
    // Also through an array element and a Disclosure's own value.
    let e = element(json!("x"));
    let nested = disclose("inner", json!({"_sd": [], "list": [{"...": e.digest}]}));
    let token = craft(
        &issuer,
        header(),
        json!({"_sd": [nested.digest], "list": [{"...": e.digest}]}),
        &[&nested, &e],
    );
    assert!(matches!(
        check(&token, &issuer).unwrap_err(),
        SdJwtError::DigestCollision(_)
    ));
}

#[test]
fn refuses_reserved_names_and_overwrites() {
    let issuer = p256();
    for name in ["_sd", "..."] {
        let d = disclose(name, json!(["x"]));
        let token = craft(&issuer, header(), json!({"_sd": [d.digest]}), &[&d]);
        assert_eq!(
            check(&token, &issuer).unwrap_err(),
            SdJwtError::ReservedClaimName(name.into())
        );
    }
    // A Disclosure that would replace the visible `vct`.
    let d = disclose("vct", json!("https://evil.example/vct/anything"));
    let token = craft(
        &issuer,
        header(),
        json!({"vct": "https://w3id.org/elicence/vct/food-sale", "_sd": [d.digest]}),
        &[&d],
    );
    assert_eq!(
        check(&token, &issuer).unwrap_err(),
        SdJwtError::ClaimOverwrite("vct".into())
    );
    // Two Disclosures of the same name at one level.
    let a = disclose("licenceNumber", json!("1"));
    let b = Disclosure::new(
        "b3RoZXJzYWx0".into(),
        Some("licenceNumber".into()),
        json!("2"),
    );
    let token = craft(
        &issuer,
        header(),
        json!({"_sd": [a.digest, b.digest]}),
        &[&a, &b],
    );
    assert_eq!(
        check(&token, &issuer).unwrap_err(),
        SdJwtError::ClaimOverwrite("licenceNumber".into())
    );
    // The issuer's side: reserved names cannot be issued either.
    let mut claims = Map::new();
    claims.insert("...".into(), json!(1));
    let options = elicence_sd_jwt::IssueOptions::default();
    assert_eq!(
        elicence_sd_jwt::issue(&claims, &options, &issuer, &mut OsRng).unwrap_err(),
        SdJwtError::ReservedClaimName("...".into())
    );
}

#[test]
fn refuses_protected_claims_in_disclosures() {
    let issuer = p256();
    let d = disclose(
        "status",
        json!({"status_list": {"idx": 0, "uri": "https://x/1"}}),
    );
    let token = craft(
        &issuer,
        header(),
        json!({"iss": "https://x.example", "vct": "urn:x", "_sd": [d.digest]}),
        &[&d],
    );
    assert_eq!(
        verify_vc(
            &token,
            &fixed(issuer.public_key()),
            &VerifyOptions::new(now())
        )
        .unwrap_err(),
        SdJwtError::ProtectedClaimDisclosed("status".into())
    );
    let vc = elicence_sd_jwt::VcClaims {
        iss: "https://x.example".into(),
        vct: "urn:x".into(),
        vct_integrity: None,
        iat: 0,
        nbf: None,
        exp: Some(1),
        holder_key: None,
        status: None,
        claims: Map::new(),
    };
    assert_eq!(
        elicence_sd_jwt::issue_vc(
            &vc,
            vec![elicence_sd_jwt::Pattern::keys(&["exp"])],
            0,
            "kid",
            &issuer,
            &mut OsRng
        )
        .unwrap_err(),
        SdJwtError::ProtectedClaimDisclosed("exp".into())
    );
}

#[test]
fn refuses_disclosures_of_the_wrong_kind_and_malformed_payload_structure() {
    let issuer = p256();
    let e = element(json!("x"));
    let token = craft(&issuer, header(), json!({"_sd": [e.digest]}), &[&e]);
    assert!(matches!(
        check(&token, &issuer).unwrap_err(),
        SdJwtError::DisclosureKindMismatch {
            expected: "an object property",
            ..
        }
    ));
    let d = disclose("a", json!("x"));
    let token = craft(
        &issuer,
        header(),
        json!({"list": [{"...": d.digest}]}),
        &[&d],
    );
    assert!(matches!(
        check(&token, &issuer).unwrap_err(),
        SdJwtError::DisclosureKindMismatch {
            expected: "an array element",
            ..
        }
    ));
    for payload in [
        json!({"_sd": "abc"}),
        json!({"_sd": [1]}),
        json!({"list": [{"...": "abc", "extra": 1}]}),
        json!({"...": "abc"}),
    ] {
        let token = craft(&issuer, header(), payload.clone(), &[]);
        assert!(
            matches!(check(&token, &issuer), Err(SdJwtError::MalformedPayload(_))),
            "{payload}"
        );
    }
    // Disclosures nested beyond the depth limit.
    let mut inner = element(json!("bottom"));
    let mut chain = vec![inner.clone()];
    for _ in 0..70 {
        inner = element(json!([{"...": inner.digest}]));
        chain.push(inner.clone());
    }
    let refs: Vec<&Disclosure> = chain.iter().collect();
    let token = craft(
        &issuer,
        header(),
        json!({"deep": [{"...": inner.digest}]}),
        &refs,
    );
    assert!(matches!(
        check(&token, &issuer).unwrap_err(),
        SdJwtError::MalformedPayload(m) if m.contains("deeper")
    ));
    // Unknown hash algorithm.
    let token = craft(&issuer, header(), json!({"_sd_alg": "sha-1"}), &[]);
    assert_eq!(
        check(&token, &issuer).unwrap_err(),
        SdJwtError::UnsupportedHashAlgorithm("sha-1".into())
    );
}

#[test]
fn recursive_disclosures_are_presented_with_their_parents() {
    let issuer = p256();
    let holder = holder();
    let mut claims = Map::new();
    claims.insert("cnf".into(), json!({"jwk": holder.public_key().to_jwk()}));
    claims.insert("address".into(), json!({"th": "กรุงเทพฯ", "en": "Bangkok"}));
    let options = elicence_sd_jwt::IssueOptions {
        disclosable: vec![
            elicence_sd_jwt::Pattern::keys(&["address"]),
            elicence_sd_jwt::Pattern::keys(&["address", "th"]),
            elicence_sd_jwt::Pattern::keys(&["address", "en"]),
        ],
        decoys: 1,
        typ: "example+sd-jwt".into(),
        kid: None,
    };
    let issued = elicence_sd_jwt::issue(&claims, &options, &issuer, &mut OsRng)
        .unwrap()
        .serialize();
    let th_only = |p: &ClaimPath| p.to_string() == "address.th";
    let shown = present(&issued, &th_only, Some(&kb(&holder))).unwrap();
    let v = verify(&shown, &fixed(issuer.public_key()), &required()).unwrap();
    assert_eq!(v.claims["address"], json!({"th": "กรุงเทพฯ"}));
    assert_eq!(
        v.disclosed
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["address", "address.th"]
    );
}

#[test]
fn refuses_outside_the_validity_window_and_issued_in_the_future() {
    let issuer = p256();
    let token = |payload: Value| craft(&issuer, header(), payload, &[]);
    let at = now().unix_timestamp();
    assert_eq!(
        check(&token(json!({"nbf": at + 1})), &issuer).unwrap_err(),
        SdJwtError::NotYetValid(at + 1)
    );
    assert_eq!(
        check(&token(json!({"exp": at})), &issuer).unwrap_err(),
        SdJwtError::Expired(at)
    );
    check(&token(json!({"nbf": at, "exp": at + 1})), &issuer).unwrap();
    assert_eq!(
        check(&token(json!({"iat": at + 3600})), &issuer).unwrap_err(),
        SdJwtError::IssuedInFuture {
            part: Part::IssuerJwt,
            iat: at + 3600
        }
    );
    assert!(matches!(
        check(&token(json!({"exp": "tomorrow"})), &issuer).unwrap_err(),
        SdJwtError::BadClaim { claim, .. } if claim == "exp"
    ));
    // The licence itself: expired after validUntil, not valid before validFrom.
    let issued = issued(&issuer, None);
    let late = VerifyOptions::new(time("2031-01-01T00:00:00Z"));
    assert!(matches!(
        verify(&issued, &fixed(issuer.public_key()), &late).unwrap_err(),
        SdJwtError::Expired(_)
    ));
    let mut signed_early = options(&issuer, None);
    signed_early.issued_at = time("2025-12-01T00:00:00Z");
    let issued_early =
        elicence_sd_jwt::licence::issue_licence(&licence(), &signed_early, &issuer, &mut OsRng)
            .unwrap()
            .serialize();
    let early = VerifyOptions::new(time("2025-12-31T00:00:00Z"));
    assert!(matches!(
        verify(&issued_early, &fixed(issuer.public_key()), &early).unwrap_err(),
        SdJwtError::NotYetValid(_)
    ));
    let mut unchecked = late.clone();
    unchecked.check_validity = false;
    verify(&issued, &fixed(issuer.public_key()), &unchecked).unwrap();
}

#[test]
fn key_binding_refusals() {
    let issuer = ed25519();
    let holder = holder();
    let issued = issued(&issuer, Some(&holder));
    let resolver = fixed(issuer.public_key());
    let shown = present(&issued, &keep_all, Some(&kb(&holder))).unwrap();
    verify_vc(&shown, &resolver, &required()).unwrap();

    // Nonce and audience of another exchange.
    let mut other = required();
    other.key_binding = KeyBinding::Required {
        nonce: "another".into(),
        audience: AUD.into(),
        max_age: Duration::minutes(10),
    };
    assert_eq!(
        verify_vc(&shown, &resolver, &other).unwrap_err(),
        SdJwtError::NonceMismatch {
            found: NONCE.into()
        }
    );
    other.key_binding = KeyBinding::Required {
        nonce: NONCE.into(),
        audience: "https://landlord.example".into(),
        max_age: Duration::minutes(10),
    };
    assert_eq!(
        verify_vc(&shown, &resolver, &other).unwrap_err(),
        SdJwtError::AudienceMismatch { found: AUD.into() }
    );
    // Too old, and from the future.
    let mut later = required();
    later.now = now() + Duration::hours(1);
    assert!(matches!(
        verify_vc(&shown, &resolver, &later).unwrap_err(),
        SdJwtError::KeyBindingTooOld { .. }
    ));
    let mut request = kb(&holder);
    request.issued_at = now() + Duration::hours(1);
    let future = present(&issued, &keep_all, Some(&request)).unwrap();
    assert!(matches!(
        verify_vc(&future, &resolver, &required()).unwrap_err(),
        SdJwtError::IssuedInFuture {
            part: Part::KeyBindingJwt,
            ..
        }
    ));

    // A Disclosure removed after the holder signed: sd_hash no longer matches.
    let kb_jwt = shown.rsplit('~').next().unwrap();
    let mut parts: Vec<&str> = shown.split('~').collect();
    parts.remove(1);
    let stripped = parts.join("~");
    assert!(stripped.ends_with(kb_jwt));
    assert_eq!(
        verify_vc(&stripped, &resolver, &required()).unwrap_err(),
        SdJwtError::SdHashMismatch
    );
    // The same KB-JWT appended to the other presentation of the same SD-JWT.
    let less = present(&issued, &|p| p.to_string() == "licenceNumber", None).unwrap();
    assert_eq!(
        verify_vc(&format!("{less}{kb_jwt}"), &resolver, &required()).unwrap_err(),
        SdJwtError::SdHashMismatch
    );

    // Signed by someone else; not a kb+jwt; alg none.
    let thief = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng);
    let bare = present(&issued, &keep_all, None).unwrap();
    let forged_claims = json!({"iat": now().unix_timestamp(), "aud": AUD, "nonce": NONCE, "sd_hash": sha256_b64(&bare)});
    let forged = jws::sign(
        &obj(json!({"typ": "kb+jwt"})),
        &obj(forged_claims.clone()),
        &thief,
    );
    assert_eq!(
        verify_vc(&format!("{bare}{forged}"), &resolver, &required()).unwrap_err(),
        SdJwtError::SignatureMismatch {
            part: Part::KeyBindingJwt
        }
    );
    let wrong_typ = jws::sign(
        &obj(json!({"typ": "JWT"})),
        &obj(forged_claims.clone()),
        &holder,
    );
    assert!(matches!(
        verify_vc(&format!("{bare}{wrong_typ}"), &resolver, &required()).unwrap_err(),
        SdJwtError::WrongType {
            part: Part::KeyBindingJwt,
            ..
        }
    ));
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"kb+jwt"}"#),
        URL_SAFE_NO_PAD.encode(forged_claims.to_string())
    );
    assert_eq!(
        verify_vc(&format!("{bare}{none}"), &resolver, &required()).unwrap_err(),
        SdJwtError::MalformedJws {
            part: Part::KeyBindingJwt,
            reason: "empty segment".into()
        }
    );
    let none = format!("{none}c2ln");
    assert_eq!(
        verify_vc(&format!("{bare}{none}"), &resolver, &required()).unwrap_err(),
        SdJwtError::AlgorithmNone {
            part: Part::KeyBindingJwt
        }
    );
    // A KB-JWT for a credential without a holder key.
    let unbound = common::issued(&issuer, None);
    let fake = jws::sign(&obj(json!({"typ": "kb+jwt"})), &obj(forged_claims), &holder);
    assert!(matches!(
        verify_vc(&format!("{unbound}{fake}"), &resolver, &required()).unwrap_err(),
        SdJwtError::NoHolderKey(_)
    ));
    // A KB-JWT without sd_hash.
    let no_hash = jws::sign(
        &obj(json!({"typ": "kb+jwt"})),
        &obj(json!({"iat": now().unix_timestamp(), "aud": AUD, "nonce": NONCE})),
        &holder,
    );
    assert!(matches!(
        verify_vc(&format!("{bare}{no_hash}"), &resolver, &required()).unwrap_err(),
        SdJwtError::BadClaim { claim, .. } if claim == "KB-JWT sd_hash"
    ));
}

#[test]
fn holder_requests_that_cannot_be_honoured_are_refused() {
    assert!(matches!(
        selector(&["bankBalance"]).unwrap_err(),
        SdJwtError::Request(m) if m.contains("juristicPersonId")
    ));
    assert!(matches!(
        selector(&["licenceNumber[0]"]),
        Err(SdJwtError::Request(_))
    ));
    assert!(matches!(
        selector(&["conditions[x]"]),
        Err(SdJwtError::Request(_))
    ));
    let issuer = p256();
    let holder = holder();
    let shown = present(
        &issued(&issuer, Some(&holder)),
        &keep_all,
        Some(&kb(&holder)),
    )
    .unwrap();
    assert!(matches!(
        present(&shown, &keep_all, None).unwrap_err(),
        SdJwtError::Request(_)
    ));
}
