//! Differential tests: elicence's canonical N-Quads of licence credentials
//! against SpruceID ssi's, on random valid licences (Thai text with combining
//! marks, optional parts present or absent) and on arbitrary strings.
//!
//! Case counts: `INTEROP_CASES` (default 1000) for licence credentials,
//! `INTEROP_STRING_CASES` (default 300) for arbitrary strings. Lower them for
//! quick local runs only; the defaults are what the docs report.

use std::cell::Cell;

use elicence_core::licence::LicenceData;
use elicence_core::nquads;
use elicence_core::rdf::Term;
use elicence_interop::generate::{licence_data, reference_licence};
use elicence_interop::{elicence_canonical, ssi_canonical, ssi_loader, InteropError};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

fn cases(var: &str, default: u32) -> u32 {
    match std::env::var(var) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{var} must be a number, got {v:?}")),
        Err(_) => default,
    }
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// The literal values (with language tag) of `predicate` in canonical N-Quads.
fn literals_of(canonical: &str, predicate: &str) -> Vec<(String, Option<String>)> {
    let quads = nquads::parse(canonical).expect("canonical N-Quads parse");
    quads
        .iter()
        .filter(|q| matches!(&q.predicate, Term::Iri(p) if p == predicate))
        .filter_map(|q| match &q.object {
            Term::Literal(l) => Some((l.value.clone(), l.language.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn reference_licence_canonical_forms_agree() {
    let credential = reference_licence().to_credential().unwrap();
    let loader = ssi_loader().unwrap();
    let ours = elicence_canonical(&credential).unwrap();
    let theirs = ssi_canonical(&credential, &loader).unwrap();
    assert_eq!(ours, theirs);
    // The licence is really there, Thai text byte for byte (no normalisation).
    let names = literals_of(&ours, "https://w3id.org/elicence#legalName");
    assert!(names.contains(&("บริษัท ครัวไทยตัวอย่าง จำกัด".into(), Some("th".into()))));
    assert!(ours.contains("<https://w3id.org/elicence#conditions>"));
    assert!(ours.contains("<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>"));
    assert!(ours.lines().count() > 25, "{ours}");
}

#[test]
fn ssi_loader_refuses_unpinned_contexts_instead_of_fetching() {
    let loader = ssi_loader().unwrap();
    let mut credential = reference_licence().to_credential().unwrap();
    credential["@context"] = json!([
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/2018/credentials/examples/v1"
    ]);
    let err = ssi_canonical(&credential, &loader).unwrap_err();
    assert!(
        matches!(err, InteropError::Ssi { stage: "expansion", .. }),
        "{err}"
    );
    assert!(elicence_canonical(&credential).is_err());
}

/// Checks one credential; on disagreement returns both outputs so proptest
/// shrinks to a minimal licence and prints it.
fn compare(credential: &Value, loader: &ssi::json_ld::ContextLoader) -> Result<String, TestCaseError> {
    let ours = elicence_canonical(credential)
        .map_err(|e| TestCaseError::fail(format!("elicence failed: {e}\n{credential:#}")))?;
    let theirs = ssi_canonical(credential, loader)
        .map_err(|e| TestCaseError::fail(format!("ssi failed: {e}\n{credential:#}")))?;
    prop_assert_eq!(&ours, &theirs, "credential:\n{:#}", credential);
    Ok(ours)
}

#[test]
fn canonical_nquads_agree_on_random_licences() {
    let loader = ssi_loader().unwrap();
    let n = cases("INTEROP_CASES", 1000);
    let with: [Cell<u32>; 4] = Default::default();
    runner(n)
        .run(&licence_data(), |data: LicenceData| {
            let credential = data
                .to_credential()
                .map_err(|e| TestCaseError::fail(format!("generator made invalid data: {e}")))?;
            let canonical = compare(&credential, &loader)?;
            // Both sides agree; also check the agreed output is the licence,
            // unnormalised: the Thai legal name is a `th` literal as given.
            let names = literals_of(&canonical, "https://w3id.org/elicence#legalName");
            prop_assert!(names.contains(&(data.licensee.name.th.clone(), Some("th".into()))));
            let numbers = literals_of(&canonical, "https://w3id.org/elicence#licenceNumber");
            prop_assert_eq!(numbers, vec![(data.licence_number.clone(), None)]);
            let present = [
                !data.conditions.is_empty(),
                data.business_did.is_some(),
                data.premises.address.en.is_some(),
                data.credential_status.is_some(),
            ];
            for (count, p) in with.iter().zip(present) {
                count.set(count.get() + u32::from(p));
            }
            Ok(())
        })
        .unwrap();
    // Every optional part was both present and absent in the run.
    if n >= 100 {
        for (count, part) in with.iter().zip(["conditions", "businessDid", "address.en", "credentialStatus"]) {
            let count = count.get();
            assert!(count > 0 && count < n, "{part} present in {count} of {n}");
        }
    }
}

/// Strings beyond what the licence model accepts (control characters, every
/// N-Quads escape, astral characters) placed where the model puts text: in
/// an ordered list, a language map and an untyped literal.
#[test]
fn canonical_nquads_agree_on_arbitrary_strings() {
    let loader = ssi_loader().unwrap();
    let mut base = reference_licence().to_credential().unwrap();
    base["credentialSubject"].as_object_mut().unwrap().remove("id");
    let strategy = (
        proptest::collection::vec(any::<char>(), 0..12),
        proptest::collection::vec(
            proptest::sample::select(vec![
                '\u{0}', '\u{7}', '\u{8}', '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1f}', '\u{7f}',
                '\u{80}', '\u{85}', '\u{9f}', '"', '\\', 'ก', '\u{0E33}', '\u{0E48}', '\u{FFFF}',
                '\u{10FFFF}',
            ]),
            1..8,
        ),
    )
        .prop_map(|(a, b)| a.into_iter().chain(b).collect::<String>());
    runner(cases("INTEROP_STRING_CASES", 300))
        .run(&(strategy.clone(), strategy), |(s1, s2)| {
            let mut credential = base.clone();
            let subject = &mut credential["credentialSubject"];
            subject["conditions"] = json!([s1, s2]);
            subject["premises"]["address"]["th"] = json!(s2);
            subject["licenceNumber"] = json!(s1);
            compare(&credential, &loader)?;
            Ok(())
        })
        .unwrap();
}
