//! The verification policy on real credentials from test-vectors/: verdicts,
//! check outcomes, and robustness on hostile input.

use std::path::Path;

use elicence_core::did::OfflineResolver;
use elicence_verifier::{verify, CheckCode, Outcome, Policy, Verdict};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn at(now: &str) -> Policy {
    Policy::at(OffsetDateTime::parse(now, &Rfc3339).unwrap())
}

fn vector(rel: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../test-vectors")
            .join(rel),
    )
    .unwrap()
}

#[test]
fn a_valid_licence_passes_every_check_and_carries_the_credential() {
    let report = verify(
        &vector("eddsa-jcs-2022/valid.json"),
        &at("2026-06-01T00:00:00Z"),
    );
    assert_eq!(report.verdict, Verdict::Valid);
    assert_eq!(report.checks.len(), CheckCode::WITHOUT_BUNDLE.len());
    assert!(
        report.checks.iter().all(|c| c.outcome == Outcome::Pass),
        "{report:#?}"
    );
    let codes: Vec<CheckCode> = report.checks.iter().map(|c| c.code).collect();
    assert_eq!(
        codes,
        CheckCode::WITHOUT_BUNDLE,
        "checks are reported in a fixed order"
    );
    assert!(report.credential.is_some());
    assert_eq!(report.verification_methods.len(), 1);
}

#[test]
fn validity_is_judged_at_the_given_instant_with_both_edges() {
    let vc = vector("eddsa-jcs-2022/valid.json"); // 2026-01-01T00:00:00+07:00 .. 2030-12-31T23:59:59+07:00
    for (now, expected) in [
        ("2025-12-31T16:59:59Z", Outcome::Fail),
        ("2025-12-31T17:00:00Z", Outcome::Pass),
        ("2030-12-31T16:59:59Z", Outcome::Pass),
        ("2030-12-31T17:00:00Z", Outcome::Fail),
    ] {
        let report = verify(&vc, &at(now));
        assert_eq!(
            report.outcome(CheckCode::Validity),
            Some(expected),
            "at {now}"
        );
        let verdict = if expected == Outcome::Pass {
            Verdict::Valid
        } else {
            Verdict::Invalid
        };
        assert_eq!(report.verdict, verdict, "at {now}");
    }
}

#[test]
fn a_broken_signature_leaves_the_contents_unjudged_and_unreturned() {
    let report = verify(
        &vector("eddsa-jcs-2022/tampered.json"),
        &at("2026-06-01T00:00:00Z"),
    );
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(report.outcome(CheckCode::Proof), Some(Outcome::Fail));
    for code in [
        CheckCode::IssuerKey,
        CheckCode::Validity,
        CheckCode::LicenceData,
    ] {
        assert_eq!(report.outcome(code), Some(Outcome::NotRun), "{code:?}");
    }
    assert!(
        report.credential.is_none(),
        "an unverified credential must not be handed on"
    );
}

#[test]
fn proof_only_skips_policy_checks_but_never_calls_that_valid_by_accident() {
    let mut policy = at("2040-01-01T00:00:00Z"); // long expired
    policy.proof_only = true;
    let report = verify(&vector("eddsa-jcs-2022/valid.json"), &policy);
    assert_eq!(report.verdict, Verdict::Valid);
    assert_eq!(report.outcome(CheckCode::Validity), Some(Outcome::Skipped));
    let tampered = verify(&vector("eddsa-jcs-2022/tampered.json"), &policy);
    assert_eq!(tampered.verdict, Verdict::Invalid);
}

#[test]
fn an_unresolvable_did_web_key_means_cannot_decide() {
    let vc = String::from_utf8(vector("eddsa-jcs-2022/valid.json")).unwrap();
    // re-point the proof at a did:web key nobody gave us a document for
    let vm_start = vc.find("did:key:").unwrap();
    let did_key: String = vc[vm_start..].chars().take_while(|c| *c != '"').collect();
    let altered = vc.replace(&did_key, "did:web:unknown.example.go.th");
    let report = verify(altered.as_bytes(), &at("2026-06-01T00:00:00Z"));
    assert_eq!(report.verdict, Verdict::CannotDecide, "{report:#?}");
    assert_eq!(report.outcome(CheckCode::Proof), Some(Outcome::NotRun));
    // with an empty resolver explicitly too
    let policy = Policy {
        resolver: OfflineResolver::new(),
        ..at("2026-06-01T00:00:00Z")
    };
    assert_eq!(
        verify(altered.as_bytes(), &policy).verdict,
        Verdict::CannotDecide
    );
}

#[test]
fn a_credential_that_is_not_a_licence_is_verified_with_a_warning() {
    let unsigned = std::fs::read(
        std::env::var_os("ELICENCE_SHARED_VECTORS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"))
            .join("w3c-vc-di-eddsa/TestVectors/eddsa-jcs-2022/signedJCS.json"),
    )
    .unwrap();
    let report = verify(&unsigned, &at("2026-06-01T00:00:00Z"));
    // the W3C vector's issuer does not control its key: fails closed
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(report.outcome(CheckCode::IssuerKey), Some(Outcome::Fail));
    assert_eq!(
        report.outcome(CheckCode::LicenceData),
        Some(Outcome::Warning)
    );
}

#[test]
fn hostile_inputs_never_panic_and_never_pass() {
    let trimmed = |mut v: Vec<u8>| {
        while v.last().is_some_and(u8::is_ascii_whitespace) {
            v.pop();
        }
        v
    };
    let valid = trimmed(vector("vc-jwt/valid.jwt"));
    let mut inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"{".to_vec(),
        b"[]".to_vec(),
        b"null".to_vec(),
        b"a.b.c".to_vec(),
        b"..".to_vec(),
        vec![0xff, 0xfe, 0x00],
        "{\"@context\":[],\"type\":\"VerifiableCredential\"}"
            .as_bytes()
            .to_vec(),
        "[".repeat(100_000).into_bytes(),
    ];
    // every prefix of a real JWT and of a real JSON credential
    let json = trimmed(vector("ecdsa-jcs-2019/valid.json"));
    for cut in (0..valid.len()).step_by(17) {
        inputs.push(valid[..cut].to_vec());
    }
    for cut in (0..json.len()).step_by(97) {
        inputs.push(json[..cut].to_vec());
    }
    for input in inputs {
        let report = verify(&input, &at("2026-06-01T00:00:00Z"));
        assert_ne!(
            report.verdict,
            Verdict::Valid,
            "{:?}",
            String::from_utf8_lossy(&input)
        );
    }
}
