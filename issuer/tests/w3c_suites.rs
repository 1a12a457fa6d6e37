//! The official W3C test suites (VC Data Model 2.0, vc-di-eddsa,
//! vc-di-ecdsa, Bitstring Status List), ported test by test, against the
//! issuer service started in-process with a local implementation
//! configuration on a fresh database. Prints a score per suite; fails if a
//! test that is not in `test-vectors/w3c-suites/known-failures.json` fails
//! (the recorded floor), so a regression fails CI and an improvement is
//! reported so the floor can be raised. See `docs/conformance.md`.

mod common;
mod w3c;

use std::collections::BTreeMap;

use w3c::{Report, Stop};

const SUITES: [&str; 4] = [
    "vc-data-model-2.0",
    "vc-di-eddsa",
    "vc-di-ecdsa",
    "vc-bitstring-status-list",
];

#[test]
fn w3c_suites_score_at_least_their_recorded_floor() {
    let env = w3c::Env::start();
    let mut report = Report::default();
    w3c::dm2::run(&env, &mut report);
    w3c::eddsa::run(&env, &mut report);
    w3c::ecdsa::run(&env, &mut report);
    w3c::status_list::run(&env, &mut report);

    let known = w3c::known_failures();
    let mut regressions = Vec::new();
    let mut improvements = Vec::new();
    for suite in SUITES {
        let cases: Vec<_> = report.cases.iter().filter(|c| c.suite == suite).collect();
        let passed = cases.iter().filter(|c| c.outcome.is_ok()).count();
        let skipped = cases
            .iter()
            .filter(|c| matches!(c.outcome, Err(Stop::Skip(_))))
            .count();
        let total = cases.len() - skipped;
        let expected: BTreeMap<String, String> = known.get(suite).cloned().unwrap_or_default();
        let floor = total.saturating_sub(expected.len());
        println!(
            "\n== {suite}: {passed}/{total} passed ({skipped} skipped by the suite; floor {floor})"
        );
        for c in &cases {
            match &c.outcome {
                Ok(()) => {
                    if expected.contains_key(&c.key()) {
                        improvements.push(format!("{suite}: {}", c.key()));
                    }
                }
                Err(Stop::Skip(why)) => println!("   skipped: {} ({why})", c.key()),
                Err(Stop::Fail(why)) => {
                    let kept = expected.get(&c.key());
                    println!(
                        "   FAILED{}: {}\n      {why}",
                        if kept.is_some() { " (known)" } else { "" },
                        c.key()
                    );
                    if kept.is_none() {
                        regressions.push(format!("{suite}: {}\n      {why}", c.key()));
                    }
                }
            }
        }
    }
    for i in &improvements {
        println!("now passing (remove from known-failures.json to raise the floor): {i}");
    }
    assert!(
        regressions.is_empty(),
        "{} test(s) fail that are not recorded in test-vectors/w3c-suites/known-failures.json:\n{}",
        regressions.len(),
        regressions.join("\n")
    );
}
