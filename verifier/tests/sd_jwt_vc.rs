//! SD-JWT VC licences through `verify` and `verify_with_bundle`: the trust
//! bundle resolves the agency's key, `vct` must be a type the agency may
//! issue, status comes from Token Status Lists checked like credentials,
//! and the Key Binding JWT answers the verifier's challenge. Fixtures: the
//! keys and bundle of test-vectors/trust; licences are issued here.
#![cfg(feature = "sd-jwt")]

use std::path::{Path, PathBuf};

use elicence_core::did;
use elicence_core::keys::{KeyAlgorithm, SigningKey};
use elicence_core::licence::{BusinessLicence, LicenceData};
use elicence_core::proof::{self, Cryptosuite, ProofOptions};
use elicence_sd_jwt::licence::{is_selected, issue_licence, selector, LicenceVcOptions};
use elicence_sd_jwt::status_list::{StatusList, StatusListToken, TokenStatus};
use elicence_sd_jwt::type_metadata::VCT_BASE;
use elicence_sd_jwt::{present, KeyBindingRequest, StatusReference};
use elicence_verifier::status::verify_status_list_token;
use elicence_verifier::{
    verify, verify_with_bundle, BundleError, CheckCode, Outcome, Policy, PresentationRequest,
    Report, SecuredFormat, StatusOptions, TrustAnchor, TrustBundle, TrustPolicy, Verdict,
};
use rand_core::OsRng;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

const NOW: &str = "2026-06-01T00:00:00Z";
const DIW: &str = "did:web:licence.diw.example.go.th";
const TOKENS: &str = "https://licence.diw.example.go.th/status/tokens/1";
const NONCE: &str = "5f0c-sd-jwt-nonce";
const AUD: &str = "bank.example.co.th";

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

fn key(rel: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read_to_string(vectors().join(rel)).unwrap(), None)
        .unwrap()
}

fn time(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &Rfc3339).unwrap()
}

fn now() -> OffsetDateTime {
    time(NOW)
}

fn diw() -> SigningKey {
    key("keys/ed25519.pem")
}

fn bangrak() -> SigningKey {
    key("keys/p256.pem")
}

fn root() -> SigningKey {
    key("trust/keys/root.pem")
}

fn diw_kid(k: &SigningKey) -> String {
    format!("{DIW}#{}", k.public_key().to_multikey())
}

fn anchor() -> TrustAnchor {
    TrustAnchor {
        root_did: did::did_key(&root().public_key()),
        min_version: 1,
    }
}

fn bundle_json() -> Value {
    serde_json::from_slice(&std::fs::read(vectors().join("trust/bundle.json")).unwrap()).unwrap()
}

fn root_sign(doc: &Value) -> Value {
    let root = root();
    let mut doc = doc.clone();
    doc.as_object_mut().unwrap().remove("proof");
    let vm = did::did_key_verification_method(&root.public_key());
    proof::sign(
        &doc,
        Cryptosuite::EddsaJcs2022,
        &root,
        &ProofOptions::new(vm, "2026-01-01T00:00:00Z"),
    )
    .unwrap()
}

fn bundle() -> TrustBundle {
    TrustBundle::open(
        &std::fs::read(vectors().join("trust/bundle.json")).unwrap(),
        &anchor(),
    )
    .unwrap()
}

/// The fixture bundle with these Status List Tokens, re-signed by the root.
fn bundle_with_tokens(tokens: &[&str]) -> Result<TrustBundle, BundleError> {
    let mut b = bundle_json();
    b["credentialSubject"]["tokenStatusLists"] = tokens
        .iter()
        .map(|t| json!({"uri": TOKENS, "fetchedAt": "2026-05-31T00:00:00Z", "token": t}))
        .collect();
    TrustBundle::open(&serde_json::to_vec(&root_sign(&b)).unwrap(), &anchor())
}

/// DIW's token status list: 7 revoked, 8 suspended, 9 application-specific.
fn token(signer: &SigningKey, kid: &str, iat: &str, exp: Option<&str>) -> String {
    token_of(
        signer,
        kid,
        iat,
        exp,
        Some("https://licence.diw.example.go.th"),
    )
}

fn token_of(
    signer: &SigningKey,
    kid: &str,
    iat: &str,
    exp: Option<&str>,
    iss: Option<&str>,
) -> String {
    let mut list = StatusList::new(2, 64).unwrap();
    list.set(7, TokenStatus::Invalid).unwrap();
    list.set(8, TokenStatus::Suspended).unwrap();
    list.set(9, TokenStatus::Other(3)).unwrap();
    StatusListToken {
        uri: TOKENS.into(),
        issuer: iss.map(str::to_owned),
        issued_at: time(iat).unix_timestamp(),
        expires_at: exp.map(|e| time(e).unix_timestamp()),
        ttl: Some(3600),
        list,
    }
    .sign(signer, kid)
}

fn diw_token() -> String {
    let k = diw();
    token(
        &k,
        &diw_kid(&k),
        "2026-05-31T00:00:00Z",
        Some("2026-06-30T00:00:00Z"),
    )
}

fn licence(issuer: &str, code: &str) -> BusinessLicence {
    let mut data: Value =
        serde_json::from_slice(&std::fs::read(vectors().join("licence-data.json")).unwrap())
            .unwrap();
    data["issuer"]["id"] = json!(issuer);
    data["licenceType"]["code"] = json!(code);
    let data: LicenceData = serde_json::from_value(data).unwrap();
    BusinessLicence::from_credential(&data.to_credential().unwrap()).unwrap()
}

struct Issue {
    key: SigningKey,
    kid: String,
    issuer: String,
    code: &'static str,
    status: Option<u64>,
    holder: Option<SigningKey>,
    integrity: Option<String>,
}

impl Issue {
    fn diw() -> Issue {
        let key = diw();
        Issue {
            kid: diw_kid(&key),
            key,
            issuer: DIW.into(),
            code: "factory-op",
            status: Some(3),
            holder: Some(SigningKey::generate(KeyAlgorithm::P256, &mut OsRng)),
            integrity: None,
        }
    }

    fn bangrak() -> Issue {
        let key = bangrak();
        Issue {
            kid: did::did_key_verification_method(&key.public_key()),
            issuer: did::did_key(&key.public_key()),
            key,
            code: "food-sale",
            status: None,
            holder: None,
            integrity: None,
        }
    }

    fn sd_jwt(&self) -> String {
        let options = LicenceVcOptions {
            vct_base: VCT_BASE.into(),
            vct_integrity: self.integrity.clone(),
            kid: self.kid.clone(),
            issued_at: time("2026-01-01T00:00:00Z"),
            holder_key: self.holder.as_ref().map(SigningKey::public_key),
            status: self.status.map(|idx| StatusReference {
                idx,
                uri: TOKENS.into(),
            }),
            decoys: 2,
        };
        issue_licence(
            &licence(&self.issuer, self.code),
            &options,
            &self.key,
            &mut OsRng,
        )
        .unwrap()
        .serialize()
    }

    /// Presented with `names` disclosed and a KB-JWT over NONCE/AUD.
    fn presented(&self, names: &[&str]) -> String {
        let keep = selector(names).unwrap();
        let holder = self.holder.as_ref().unwrap();
        let kb = KeyBindingRequest {
            key: holder,
            nonce: NONCE,
            audience: AUD,
            issued_at: now() - Duration::minutes(2),
        };
        present(&self.sd_jwt(), &|p| is_selected(&keep, p), Some(&kb)).unwrap()
    }
}

fn with_bundle(bundle: &TrustBundle, input: &str, policy: &TrustPolicy) -> Report {
    verify_with_bundle(input.as_bytes(), bundle, now(), policy)
}

fn request(seen: &[&str]) -> TrustPolicy {
    TrustPolicy {
        presentation: Some(PresentationRequest {
            challenge: NONCE.into(),
            domain: AUD.into(),
            seen_challenges: seen.iter().map(|s| s.to_string()).collect(),
        }),
        ..TrustPolicy::default()
    }
}

fn outcome(report: &Report, code: CheckCode) -> Outcome {
    report
        .outcome(code)
        .unwrap_or_else(|| panic!("{code:?} missing: {report:#?}"))
}

#[test]
fn a_licence_from_a_recognised_agency_is_valid_with_every_check_reported() {
    let bundle = bundle_with_tokens(&[&diw_token()]).unwrap();
    let issue = Issue::diw();
    let report = with_bundle(&bundle, &issue.sd_jwt(), &TrustPolicy::default());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    let codes: Vec<CheckCode> = report.checks.iter().map(|c| c.code).collect();
    assert_eq!(codes, CheckCode::SD_JWT_WITH_BUNDLE);
    for code in [
        CheckCode::TrustBundle,
        CheckCode::Format,
        CheckCode::Proof,
        CheckCode::IssuerKey,
        CheckCode::IssuerTrusted,
        CheckCode::KeyWindow,
        CheckCode::IssuerAuthorised,
        CheckCode::Validity,
        CheckCode::Status,
        CheckCode::LicenceData,
        CheckCode::SubjectSchema,
    ] {
        assert_eq!(
            outcome(&report, code),
            Outcome::Pass,
            "{code:?}: {report:#?}"
        );
    }
    assert_eq!(outcome(&report, CheckCode::HolderBinding), Outcome::Skipped);
    assert_eq!(report.issuer.as_deref(), Some(DIW));
    assert_eq!(
        report.issuer_name.as_ref().unwrap().en,
        "Department of Industrial Works (test data)"
    );
    assert!(matches!(
        &report.format,
        Some(SecuredFormat::SdJwtVc { alg, disclosures: 9, key_binding: false, .. }) if alg == "EdDSA"
    ));
    // Every disclosed claim is listed with Thai and English labels.
    let juristic = report
        .disclosed
        .iter()
        .find(|c| c.path == "licensee.juristicPersonId")
        .unwrap();
    assert_eq!(juristic.label.th, "เลขทะเบียนนิติบุคคล");
    assert_eq!(juristic.value, "0105536112014");
    assert_eq!(report.disclosed.len(), 9);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["format"]["kind"], "sd-jwt-vc");
    assert_eq!(json["credential"]["licenceNumber"], "ข-12345/2565");
}

#[test]
fn es256_food_sale_licence_of_a_did_key_agency_is_valid() {
    let issue = Issue::bangrak();
    let report = with_bundle(&bundle(), &issue.sd_jwt(), &TrustPolicy::default());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert!(matches!(&report.format, Some(SecuredFormat::SdJwtVc { alg, .. }) if alg == "ES256"));
    // No status claim: a warning, as for W3C licences.
    assert_eq!(outcome(&report, CheckCode::Status), Outcome::Warning);
}

#[test]
fn a_presentation_answers_the_challenge_and_discloses_only_what_was_chosen() {
    let bundle = bundle_with_tokens(&[&diw_token()]).unwrap();
    let issue = Issue::diw();
    let shown = issue.presented(&["licenceType", "validity", "juristicPersonId"]);
    let report = with_bundle(&bundle, &shown, &request(&[]));
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    for code in [
        CheckCode::HolderBinding,
        CheckCode::Challenge,
        CheckCode::Domain,
    ] {
        assert_eq!(outcome(&report, code), Outcome::Pass, "{code:?}");
    }
    assert_eq!(report.consumed_challenge.as_deref(), Some(NONCE));
    let paths: Vec<&str> = report.disclosed.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["licensee.juristicPersonId"]);
    let credential = report.credential.as_ref().unwrap();
    assert!(credential.get("licenceNumber").is_none());
    assert!(credential["premises"].get("address").is_none());

    // Replayed: the challenge was used already.
    let replay = with_bundle(&bundle, &shown, &request(&[NONCE]));
    assert_eq!(replay.verdict, Verdict::Invalid);
    assert_eq!(outcome(&replay, CheckCode::Challenge), Outcome::Fail);
    assert_eq!(replay.consumed_challenge, None);
    // For another verifier, or another challenge.
    let mut other = request(&[]);
    other.presentation.as_mut().unwrap().domain = "landlord.example".into();
    assert_eq!(
        outcome(&with_bundle(&bundle, &shown, &other), CheckCode::Domain),
        Outcome::Fail
    );
    let mut other = request(&[]);
    other.presentation.as_mut().unwrap().challenge = "another".into();
    assert_eq!(
        outcome(&with_bundle(&bundle, &shown, &other), CheckCode::Challenge),
        Outcome::Fail
    );
    // Without the KB-JWT, when a challenge was given.
    let bare = shown[..=shown.rfind('~').unwrap()].to_owned();
    let report = with_bundle(&bundle, &bare, &request(&[]));
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(outcome(&report, CheckCode::HolderBinding), Outcome::Fail);
    // A Disclosure added after the holder signed.
    let issued = issue.sd_jwt();
    let report = with_bundle(&bundle, &shown, &TrustPolicy::default());
    assert_eq!(
        report.verdict,
        Verdict::Valid,
        "a KB-JWT nobody asked for is fine"
    );
    let extra = issued.split('~').nth(1).unwrap();
    let (head, kb) = shown.rsplit_once('~').unwrap();
    let stuffed = format!("{head}~{extra}~{kb}");
    let report = with_bundle(&bundle, &stuffed, &request(&[]));
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_ne!(
        outcome(&report, CheckCode::Proof),
        Outcome::Pass,
        "{report:#?}"
    );
}

#[test]
fn the_key_binding_jwt_must_be_signed_by_the_bound_holder() {
    let issue = Issue::diw();
    let issued = issue.sd_jwt();
    let thief = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng);
    // The thief's own KB-JWT over the stolen credential.
    let without = present(&issued, &|_| true, None).unwrap();
    let sd_hash = elicence_sd_jwt::disclosure::sha256_b64(&without);
    let kb = elicence_sd_jwt::jws::sign(
        json!({"typ": "kb+jwt"}).as_object().unwrap(),
        json!({"iat": now().unix_timestamp(), "nonce": NONCE, "aud": AUD, "sd_hash": sd_hash})
            .as_object()
            .unwrap(),
        &thief,
    );
    let report = with_bundle(&bundle(), &format!("{without}{kb}"), &request(&[]));
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(outcome(&report, CheckCode::HolderBinding), Outcome::Fail);
}

#[test]
fn trust_refusals() {
    let bundle = bundle_with_tokens(&[&diw_token()]).unwrap();
    // Bang Rak may not issue factory licences.
    let mut issue = Issue::bangrak();
    issue.code = "factory-op";
    let report = with_bundle(&bundle, &issue.sd_jwt(), &TrustPolicy::default());
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(outcome(&report, CheckCode::IssuerAuthorised), Outcome::Fail);
    // A did:key agency nobody listed.
    let stranger = key("keys/other-p256.pem");
    let issue = Issue {
        kid: did::did_key_verification_method(&stranger.public_key()),
        issuer: did::did_key(&stranger.public_key()),
        key: stranger,
        ..Issue::bangrak()
    };
    let report = with_bundle(&bundle, &issue.sd_jwt(), &TrustPolicy::default());
    assert_eq!(outcome(&report, CheckCode::IssuerTrusted), Outcome::Fail);
    assert_eq!(report.verdict, Verdict::Invalid);
    // iss says DIW, signed with Bang Rak's key.
    let issue = Issue {
        issuer: DIW.into(),
        ..Issue::bangrak()
    };
    let report = with_bundle(&bundle, &issue.sd_jwt(), &TrustPolicy::default());
    assert_eq!(
        outcome(&report, CheckCode::IssuerKey),
        Outcome::Fail,
        "{report:#?}"
    );
    // DIW's retired key (window ended 2025-05-31) cannot sign in 2026.
    let old = key("keys/other-ed25519.pem");
    let issue = Issue {
        kid: diw_kid(&old),
        key: old,
        ..Issue::diw()
    };
    let report = with_bundle(&bundle, &issue.sd_jwt(), &TrustPolicy::default());
    assert_eq!(
        outcome(&report, CheckCode::KeyWindow),
        Outcome::Fail,
        "{report:#?}"
    );
    // A key id the trust list does not know: the signature cannot be checked.
    let issue = Issue {
        kid: format!("{DIW}#unknown"),
        ..Issue::diw()
    };
    let report = with_bundle(&bundle, &issue.sd_jwt(), &TrustPolicy::default());
    assert_eq!(outcome(&report, CheckCode::Proof), Outcome::Fail);
    assert_eq!(outcome(&report, CheckCode::IssuerTrusted), Outcome::NotRun);
    // Expired licence.
    let report = verify_with_bundle(
        Issue::diw().sd_jwt().as_bytes(),
        &bundle,
        time("2026-12-31T00:00:00Z"),
        &TrustPolicy::default(),
    );
    assert_eq!(report.outcome(CheckCode::TrustBundle), Some(Outcome::Pass));
    let report = verify_with_bundle(
        Issue::diw().sd_jwt().as_bytes(),
        &bundle,
        time("2026-06-01T00:00:00Z"),
        &TrustPolicy::default(),
    );
    assert_eq!(report.verdict, Verdict::Valid);
}

#[test]
fn expired_and_tampered_licences_are_invalid() {
    let issue = Issue::diw();
    let mut data: Value =
        serde_json::from_slice(&std::fs::read(vectors().join("licence-data.json")).unwrap())
            .unwrap();
    data["issuer"]["id"] = json!(DIW);
    data["validUntil"] = json!("2026-03-31T23:59:59+07:00");
    let data: LicenceData = serde_json::from_value(data).unwrap();
    let lic = BusinessLicence::from_credential(&data.to_credential().unwrap()).unwrap();
    let options = LicenceVcOptions {
        vct_base: VCT_BASE.into(),
        vct_integrity: None,
        kid: issue.kid.clone(),
        issued_at: time("2026-01-01T00:00:00Z"),
        holder_key: None,
        status: None,
        decoys: 0,
    };
    let expired = issue_licence(&lic, &options, &issue.key, &mut OsRng)
        .unwrap()
        .serialize();
    let report = with_bundle(&bundle(), &expired, &TrustPolicy::default());
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(outcome(&report, CheckCode::Validity), Outcome::Fail);

    // A Disclosure swapped for a forged one of the same claim.
    let issued = Issue::bangrak().sd_jwt();
    let forged = elicence_sd_jwt::Disclosure::new(
        "c2FsdA".into(),
        Some("licenceNumber".into()),
        json!("ข-99999/2565"),
    );
    let report = with_bundle(
        &bundle(),
        &format!("{issued}{}~", forged.encoded),
        &TrustPolicy::default(),
    );
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(outcome(&report, CheckCode::Proof), Outcome::Fail);
    assert!(report.credential.is_none(), "nothing unverified is shown");
    // Not an SD-JWT at all.
    let report = with_bundle(&bundle(), "eyJ.eyJ~~", &TrustPolicy::default());
    assert_eq!(outcome(&report, CheckCode::Format), Outcome::Fail);
}

#[test]
fn status_from_token_status_lists_in_the_bundle() {
    let bundle = bundle_with_tokens(&[&diw_token()]).unwrap();
    for (idx, expect, word) in [
        (3, Outcome::Pass, "Not revoked"),
        (7, Outcome::Fail, "REVOKED"),
        (8, Outcome::Fail, "SUSPENDED"),
        (9, Outcome::Fail, "0x03"),
        (1000, Outcome::Fail, "outside"),
    ] {
        let issue = Issue {
            status: Some(idx),
            ..Issue::diw()
        };
        let report = with_bundle(&bundle, &issue.sd_jwt(), &TrustPolicy::default());
        let check = report
            .checks
            .iter()
            .find(|c| c.code == CheckCode::Status)
            .unwrap();
        assert_eq!(check.outcome, expect, "{idx}: {check:?}");
        assert!(check.reason.en.contains(word), "{idx}: {}", check.reason.en);
    }
    // No list for the URI: cannot decide. The fixture bundle has none.
    let report = with_bundle(
        &crate::bundle(),
        &Issue::diw().sd_jwt(),
        &TrustPolicy::default(),
    );
    assert_eq!(report.verdict, Verdict::CannotDecide);
    assert_eq!(outcome(&report, CheckCode::Status), Outcome::NotRun);
    // --no-status: skipped, and says so.
    let skip = TrustPolicy {
        check_status: false,
        ..TrustPolicy::default()
    };
    let report = with_bundle(&crate::bundle(), &Issue::diw().sd_jwt(), &skip);
    let check = report
        .checks
        .iter()
        .find(|c| c.code == CheckCode::Status)
        .unwrap();
    assert_eq!(check.outcome, Outcome::Skipped);
    assert!(check.reason.en.starts_with("NOT CHECKED"));
    // A list too old, or expired, cannot say "clear" (but still says revoked).
    let k = diw();
    let old = token(&k, &diw_kid(&k), "2026-05-01T00:00:00Z", None);
    let stale = bundle_with_tokens(&[&old]).unwrap();
    let report = with_bundle(&stale, &Issue::diw().sd_jwt(), &TrustPolicy::default());
    assert_eq!(outcome(&report, CheckCode::Status), Outcome::NotRun);
    let revoked = Issue {
        status: Some(7),
        ..Issue::diw()
    };
    assert_eq!(
        outcome(
            &with_bundle(&stale, &revoked.sd_jwt(), &TrustPolicy::default()),
            CheckCode::Status
        ),
        Outcome::Fail
    );
    let lapsed = token(
        &k,
        &diw_kid(&k),
        "2026-05-30T00:00:00Z",
        Some("2026-05-31T12:00:00Z"),
    );
    let report = with_bundle(
        &bundle_with_tokens(&[&lapsed]).unwrap(),
        &Issue::diw().sd_jwt(),
        &TrustPolicy::default(),
    );
    assert_eq!(outcome(&report, CheckCode::Status), Outcome::NotRun);
    // A fresher list fetched by the caller wins over the bundle's.
    let fresh = verify_status_list_token(
        &diw_token(),
        TOKENS,
        Some(DIW),
        stale.resolver(),
        Some(now()),
        now(),
    )
    .unwrap();
    let policy = TrustPolicy {
        token_status_lists: vec![fresh],
        ..TrustPolicy::default()
    };
    assert_eq!(
        with_bundle(&stale, &Issue::diw().sd_jwt(), &policy).verdict,
        Verdict::Valid
    );
}

#[test]
fn token_status_lists_are_checked_like_credentials() {
    // Signed by an agency that is not DIW: refused when the bundle opens.
    let b = bangrak();
    let by_bangrak = token(
        &b,
        &did::did_key_verification_method(&b.public_key()),
        "2026-05-31T00:00:00Z",
        None,
    );
    assert!(matches!(
        bundle_with_tokens(&[&by_bangrak]),
        Err(BundleError::StatusList { .. })
    ));
    // Signed by a stranger claiming DIW's key id.
    let stranger = key("keys/other-p256.pem");
    let forged = token(&stranger, &diw_kid(&diw()), "2026-05-31T00:00:00Z", None);
    assert!(matches!(
        bundle_with_tokens(&[&forged]),
        Err(BundleError::Signature { .. })
    ));
    // A stranger not in the trust list at all.
    let unlisted = token(
        &stranger,
        &did::did_key_verification_method(&stranger.public_key()),
        "2026-05-31T00:00:00Z",
        None,
    );
    assert!(bundle_with_tokens(&[&unlisted]).is_err());
    // Another list's content served under this URI.
    let k = diw();
    let other_uri = StatusListToken {
        uri: "https://licence.diw.example.go.th/status/tokens/2".into(),
        issuer: None,
        issued_at: now().unix_timestamp(),
        expires_at: None,
        ttl: None,
        list: StatusList::new(1, 8).unwrap(),
    }
    .sign(&k, &diw_kid(&k));
    assert!(matches!(
        bundle_with_tokens(&[&other_uri]),
        Err(BundleError::StatusList { reason, .. }) if reason.contains("tokens/2")
    ));
    // Bang Rak's list cannot clear a DIW licence when supplied by a caller.
    let by_bangrak = token_of(
        &b,
        &did::did_key_verification_method(&b.public_key()),
        "2026-05-31T00:00:00Z",
        None,
        None,
    );
    let bangrak_list = verify_status_list_token(
        &by_bangrak,
        TOKENS,
        None,
        bundle().resolver(),
        Some(now()),
        now(),
    )
    .unwrap();
    let policy = TrustPolicy {
        token_status_lists: vec![bangrak_list.clone()],
        ..TrustPolicy::default()
    };
    let report = with_bundle(&bundle(), &Issue::diw().sd_jwt(), &policy);
    assert_eq!(outcome(&report, CheckCode::Status), Outcome::Fail);
    assert!(verify_status_list_token(
        &by_bangrak,
        TOKENS,
        Some(DIW),
        bundle().resolver(),
        Some(now()),
        now()
    )
    .is_err());
}

#[test]
fn without_a_bundle_status_is_never_silently_unchecked() {
    // A did:key agency resolves without any document.
    let issue = Issue {
        status: Some(3),
        ..Issue::bangrak()
    };
    let policy = Policy::at(now());
    let report = verify(issue.sd_jwt().as_bytes(), &policy);
    let codes: Vec<CheckCode> = report.checks.iter().map(|c| c.code).collect();
    assert_eq!(codes, CheckCode::SD_JWT_WITHOUT_BUNDLE);
    assert_eq!(outcome(&report, CheckCode::Proof), Outcome::Pass);
    assert_eq!(outcome(&report, CheckCode::IssuerKey), Outcome::Pass);
    assert_eq!(outcome(&report, CheckCode::LicenceData), Outcome::Pass);
    assert_eq!(outcome(&report, CheckCode::Status), Outcome::NotRun);
    assert_eq!(report.verdict, Verdict::CannotDecide);
    let skip = Policy {
        status: StatusOptions {
            check: false,
            ..StatusOptions::default()
        },
        ..Policy::at(now())
    };
    assert_eq!(
        verify(issue.sd_jwt().as_bytes(), &skip).verdict,
        Verdict::Valid
    );
    // A did:web agency without its DID document: cannot decide.
    let report = verify(Issue::diw().sd_jwt().as_bytes(), &Policy::at(now()));
    assert_eq!(outcome(&report, CheckCode::Proof), Outcome::NotRun);
    assert_eq!(report.verdict, Verdict::CannotDecide);
}

#[test]
fn changed_type_metadata_is_a_warning_not_a_failure() {
    let bundle = bundle_with_tokens(&[&diw_token()]).unwrap();
    let catalogue = serde_json::to_value(&bundle.catalogue).unwrap();
    let metadata =
        elicence_sd_jwt::type_metadata::catalogue_type_metadata(VCT_BASE, &catalogue).unwrap();
    let factory = metadata
        .iter()
        .find(|m| m.vct.ends_with("/factory-op"))
        .unwrap();
    let same = Issue {
        integrity: Some(factory.integrity.clone()),
        ..Issue::diw()
    };
    let report = with_bundle(&bundle, &same.sd_jwt(), &TrustPolicy::default());
    assert_eq!(outcome(&report, CheckCode::SubjectSchema), Outcome::Pass);
    let changed = Issue {
        integrity: Some("sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into()),
        ..Issue::diw()
    };
    let report = with_bundle(&bundle, &changed.sd_jwt(), &TrustPolicy::default());
    assert_eq!(outcome(&report, CheckCode::SubjectSchema), Outcome::Warning);
    assert_eq!(report.verdict, Verdict::Valid);
}
