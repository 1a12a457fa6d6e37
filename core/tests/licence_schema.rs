//! The credentialSubject JSON Schema: valid for everything `to_credential`
//! produces, invalid for broken subjects.

mod licence_support;

use elicence_core::licence::schema::{LICENCE_SUBJECT_SCHEMA, LICENCE_SUBJECT_SCHEMA_ID};
use licence_support::{sample, sample_credential};
use serde_json::{json, Value};

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(LICENCE_SUBJECT_SCHEMA).unwrap();
    jsonschema::meta::validate(&schema).unwrap();
    assert_eq!(schema["$id"], json!(LICENCE_SUBJECT_SCHEMA_ID));
    jsonschema::validator_for(&schema).unwrap()
}

fn errors(subject: &Value) -> Vec<String> {
    validator()
        .iter_errors(subject)
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn produced_subjects_are_valid() {
    let validator = validator();
    let mut variants = vec![sample()];
    let mut minimal = sample();
    minimal.business_did = None;
    minimal.conditions.clear();
    minimal.premises.address.en = None;
    variants.push(minimal);
    for number in ["ข-12345/2565", "๑๒๓/๒๕๖๖", "กท 12/2567 (ก)", "A.1-2"] {
        let mut data = sample();
        data.licence_number = number.into();
        variants.push(data);
    }
    for data in variants {
        let credential = data.to_credential().unwrap();
        let subject = &credential["credentialSubject"];
        let problems: Vec<String> = validator
            .iter_errors(subject)
            .map(|e| e.to_string())
            .collect();
        assert!(problems.is_empty(), "{}: {problems:?}", data.licence_number);
    }
}

/// An edit of a credential subject.
type Change = Box<dyn Fn(&mut Value)>;

#[test]
fn broken_subjects_are_invalid() {
    let cases: Vec<(&str, Change)> = vec![
        (
            "missing licensee",
            Box::new(|s| {
                s.as_object_mut().unwrap().remove("licensee");
            }),
        ),
        ("wrong type", Box::new(|s| s["type"] = json!("Business"))),
        (
            "citizen id",
            Box::new(|s| s["licensee"]["juristicPersonId"] = json!("1234567890121")),
        ),
        (
            "short id",
            Box::new(|s| s["licensee"]["juristicPersonId"] = json!("010553611201")),
        ),
        (
            "thai digits id",
            Box::new(|s| s["licensee"]["juristicPersonId"] = json!("๐๑๐๕๕๓๖๑๑๒๐๑๔")),
        ),
        (
            "missing english name",
            Box::new(|s| {
                s["licensee"]["legalName"]
                    .as_object_mut()
                    .unwrap()
                    .remove("en");
            }),
        ),
        (
            "padded name",
            Box::new(|s| s["licensee"]["legalName"]["th"] = json!(" บริษัท")),
        ),
        (
            "empty title",
            Box::new(|s| s["licenceType"]["title"]["en"] = json!("")),
        ),
        (
            "underscore in number",
            Box::new(|s| s["licenceNumber"] = json!("สน_1")),
        ),
        (
            "double space in number",
            Box::new(|s| s["licenceNumber"] = json!("สน  1")),
        ),
        (
            "trailing space in number",
            Box::new(|s| s["licenceNumber"] = json!("สน 1 ")),
        ),
        (
            "punctuation-only number",
            Box::new(|s| s["licenceNumber"] = json!("-/-")),
        ),
        (
            "long number",
            Box::new(|s| s["licenceNumber"] = json!("1".repeat(65))),
        ),
        (
            "bad type code",
            Box::new(|s| s["licenceType"]["code"] = json!("-food")),
        ),
        (
            "no activities",
            Box::new(|s| s["permittedActivities"] = json!([])),
        ),
        (
            "activity not text",
            Box::new(|s| s["permittedActivities"] = json!([1])),
        ),
        (
            "empty condition",
            Box::new(|s| s["conditions"] = json!([""])),
        ),
        (
            "address without thai",
            Box::new(|s| s["premises"]["address"] = json!({"en": "Bangkok"})),
        ),
        (
            "bad did",
            Box::new(|s| s["id"] = json!("did:Web:example.co.th")),
        ),
        (
            "extra property",
            Box::new(|s| s["phone"] = json!("02 000 0000")),
        ),
        ("subject is an array", Box::new(|s| *s = json!([]))),
    ];
    let credential = sample_credential();
    for (name, change) in cases {
        let mut subject = credential["credentialSubject"].clone();
        change(&mut subject);
        assert!(
            !errors(&subject).is_empty(),
            "schema accepted a subject with {name}"
        );
    }
}
