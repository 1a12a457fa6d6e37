//! The licence credential model: the exact unsigned credential built from an
//! agency's data file, reading it back, and one field-naming error per bad input.

mod licence_support;

use elicence_core::licence::iri::{BaseUrlError, NumberError, TypeCodeError};
use elicence_core::licence::model::{Address, BilingualText};
use elicence_core::licence::{
    BusinessLicence, LicenceData, LicenceError, LicenceIriError, ThaiIdError,
};
use licence_support::{sample, sample_credential, SAMPLE_JSON};
use serde_json::{json, Value};
use time::macros::datetime;

fn expected_credential() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/elicence/v1"],
        "id": "https://licence.example.go.th/licences/food-sale/สน.1~2566",
        "type": ["VerifiableCredential", "BusinessLicenceCredential"],
        "issuer": {
            "id": "did:web:licence.example.go.th",
            "name": [
                {"@value": "กรมอนามัย", "@language": "th"},
                {"@value": "Department of Health", "@language": "en"}
            ]
        },
        "validFrom": "2026-01-01T00:00:00+07:00",
        "validUntil": "2026-12-31T23:59:59+07:00",
        "credentialSubject": {
            "id": "did:web:example.co.th",
            "type": "LicensedBusiness",
            "licensee": {
                "juristicPersonId": "0105536112014",
                "legalName": {"th": "บริษัท ตัวอย่าง จำกัด", "en": "Example Company Limited"}
            },
            "licenceNumber": "สน.1/2566",
            "licenceType": {
                "code": "food-sale",
                "title": {"th": "ใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหาร", "en": "Food sales establishment licence"}
            },
            "premises": {
                "address": {
                    "th": "99/1 ถนนสุขุมวิท แขวงคลองเตย เขตคลองเตย กรุงเทพมหานคร 10110",
                    "en": "99/1 Sukhumvit Road, Khlong Toei, Bangkok 10110"
                }
            },
            "permittedActivities": ["จำหน่ายอาหารและเครื่องดื่ม", "ประกอบอาหารเพื่อจำหน่าย"],
            "conditions": ["ต้องรักษาความสะอาดของสถานที่ตลอดเวลา"]
        },
        "credentialStatus": {
            "id": "https://licence.example.go.th/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://licence.example.go.th/status/1"
        }
    })
}

#[test]
fn sample_becomes_the_expected_credential() {
    let credential = sample_credential();
    assert_eq!(credential, expected_credential());
    // Key order matters to readers and to JCS-free QR encodings: @context first.
    let keys: Vec<&str> = credential
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "@context",
            "id",
            "type",
            "issuer",
            "validFrom",
            "validUntil",
            "credentialSubject",
            "credentialStatus"
        ]
    );
    assert!(serde_json::to_string(&credential)
        .unwrap()
        .starts_with("{\"@context\":"));
}

#[test]
fn optional_parts_are_omitted_not_nulled() {
    let mut data = sample();
    data.business_did = None;
    data.conditions.clear();
    data.credential_status = None;
    data.premises.address.en = None;
    let credential = data.to_credential().unwrap();
    let subject = &credential["credentialSubject"];
    assert!(subject.get("id").is_none());
    assert!(subject.get("conditions").is_none());
    assert_eq!(
        subject["premises"]["address"],
        json!({"th": data.premises.address.th})
    );
    assert!(credential.get("credentialStatus").is_none());
    let read = BusinessLicence::from_credential(&credential).unwrap();
    assert_eq!(read.business_did, None);
    assert!(read.conditions.is_empty());
    assert_eq!(read.premises_address.en, None);
    assert!(read.credential_status.is_empty());
}

#[test]
fn conditions_may_be_absent_from_the_data_file() {
    let mut value: Value = serde_json::from_str(SAMPLE_JSON).unwrap();
    value.as_object_mut().unwrap().remove("conditions");
    let data: LicenceData = serde_json::from_value(value).unwrap();
    assert!(data.conditions.is_empty());
    assert!(data.to_credential().is_ok());
}

#[test]
fn credential_reads_back_into_typed_fields() {
    let read = BusinessLicence::from_credential(&sample_credential()).unwrap();
    let data = sample();
    assert_eq!(
        read.iri.as_str(),
        "https://licence.example.go.th/licences/food-sale/สน.1~2566"
    );
    assert_eq!(read.iri.base_url(), "https://licence.example.go.th");
    assert_eq!(read.issuer_id, "did:web:licence.example.go.th");
    assert_eq!(read.issuer_name, data.issuer.name);
    assert_eq!(read.valid_from, datetime!(2026-01-01 00:00:00 +07:00));
    assert_eq!(read.valid_until, datetime!(2026-12-31 23:59:59 +07:00));
    assert_eq!(read.business_did.as_deref(), Some("did:web:example.co.th"));
    assert_eq!(read.licensee_id.as_str(), "0105536112014");
    assert_eq!(
        read.licensee_name,
        BilingualText {
            th: "บริษัท ตัวอย่าง จำกัด".into(),
            en: "Example Company Limited".into()
        }
    );
    assert_eq!(read.licence_number, "สน.1/2566");
    assert_eq!(read.licence_type_code, "food-sale");
    assert_eq!(read.licence_type_name, data.licence_type.name);
    assert_eq!(
        read.premises_address,
        Address {
            th: data.premises.address.th.clone(),
            en: data.premises.address.en.clone()
        }
    );
    assert_eq!(read.permitted_activities, data.permitted_activities);
    assert_eq!(read.conditions, data.conditions);
    let given = data
        .credential_status
        .as_ref()
        .unwrap()
        .as_object()
        .unwrap();
    assert_eq!(read.credential_status, vec![given.clone()]);
}

#[test]
fn dates_are_written_in_canonical_rfc3339() {
    let mut data = sample();
    data.valid_from = "2026-01-01T00:00:00.500Z".into();
    data.valid_until = "2027-01-01T00:00:00.000+07:00".into();
    let credential = data.to_credential().unwrap();
    assert_eq!(credential["validFrom"], "2026-01-01T00:00:00.5Z");
    assert_eq!(credential["validUntil"], "2027-01-01T00:00:00+07:00");
}

#[test]
fn dates_parsers_would_rewrite_are_refused() {
    for bad in [
        // RFC 3339 lets lowercase t/z and a space stand for "T"; xsd:dateTime does not.
        "2026-01-01t00:00:00Z",
        "2026-01-01T00:00:00z",
        "2026-01-01 00:00:00+07:00",
        // A leap second would be read as 23:59:59.999999999.
        "2026-06-30T23:59:60Z",
        // Precision beyond nanoseconds would be cut.
        "2026-01-01T00:00:00.0000000001Z",
        "0000-01-01T00:00:00Z",
    ] {
        let err = data_error(|d| d.valid_from = bad.into());
        assert_eq!(err.field(), "validFrom", "{bad}");
        assert!(
            matches!(err, LicenceError::BadDateTime { .. }),
            "{bad}: {err}"
        );
    }
}

/// Applies `change` to the sample data and returns the error of `to_credential`.
fn data_error(change: impl FnOnce(&mut LicenceData)) -> LicenceError {
    let mut data = sample();
    change(&mut data);
    data.to_credential()
        .expect_err("expected the change to be rejected")
}

#[test]
fn wrong_check_digit_names_the_field() {
    let err = data_error(|d| d.licensee.juristic_person_id = "0105536112015".into());
    assert_eq!(err.field(), "licensee.juristicPersonId");
    assert_eq!(
        err.to_string(),
        "licensee.juristicPersonId: wrong check digit: expected 4, found 5"
    );
    let err = data_error(|d| d.licensee.juristic_person_id = "010553611201".into());
    assert!(matches!(
        err,
        LicenceError::ThaiId {
            source: ThaiIdError::WrongLength { found: 12 },
            ..
        }
    ));
}

#[test]
fn citizen_ids_are_not_juristic_person_ids() {
    let err = data_error(|d| d.licensee.juristic_person_id = "1234567890121".into());
    assert_eq!(
        err,
        LicenceError::NotJuristic {
            field: "licensee.juristicPersonId".into(),
            id: "1234567890121".into()
        }
    );
}

#[test]
fn iri_parts_are_blamed_on_their_input_fields() {
    let err = data_error(|d| d.issuer.base_url = "http://licence.example.go.th".into());
    assert_eq!(
        err,
        LicenceError::Iri {
            field: "issuer.baseUrl".into(),
            source: LicenceIriError::BaseUrl(BaseUrlError::NotHttps)
        }
    );
    let err = data_error(|d| d.licence_type.code = "food sale".into());
    assert_eq!(err.field(), "licenceType.code");
    assert!(matches!(
        err,
        LicenceError::Iri {
            source: LicenceIriError::TypeCode(TypeCodeError::DisallowedCharacter {
                character: ' ',
                position: 5
            }),
            ..
        }
    ));
    let err = data_error(|d| d.licence_number = "สน_1".into());
    assert_eq!(
        err.to_string(),
        "licenceNumber: licence number: character '_' (U+005F) at position 3 is not allowed"
    );
    let err = data_error(|d| d.licence_number = String::new());
    assert_eq!(
        err,
        LicenceError::Iri {
            field: "licenceNumber".into(),
            source: LicenceIriError::Number(NumberError::Empty)
        }
    );
}

/// An edit of the sample data.
type Change = Box<dyn FnOnce(&mut LicenceData)>;

#[test]
fn text_fields_must_be_non_empty_and_trimmed() {
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "issuer.name.th",
            Box::new(|d| d.issuer.name.th = String::new()),
            "empty",
        ),
        (
            "issuer.name.en",
            Box::new(|d| d.issuer.name.en = "Department ".into()),
            "space",
        ),
        (
            "licenceType.name.th",
            Box::new(|d| d.licence_type.name.th = " ใบอนุญาต".into()),
            "space",
        ),
        (
            "licenceType.name.en",
            Box::new(|d| d.licence_type.name.en = String::new()),
            "empty",
        ),
        (
            "licensee.name.th",
            Box::new(|d| d.licensee.name.th = "บริษัท\u{3000}".into()),
            "space",
        ),
        (
            "licensee.name.en",
            Box::new(|d| d.licensee.name.en = String::new()),
            "empty",
        ),
        (
            "premises.address.th",
            Box::new(|d| d.premises.address.th = String::new()),
            "empty",
        ),
        (
            "premises.address.en",
            Box::new(|d| d.premises.address.en = Some("\n99/1".into())),
            "space",
        ),
        (
            "permittedActivities",
            Box::new(|d| d.permitted_activities.clear()),
            "empty",
        ),
        (
            "permittedActivities[1]",
            Box::new(|d| d.permitted_activities[1] = String::new()),
            "empty",
        ),
        (
            "conditions[1]",
            Box::new(|d| d.conditions.push(" ".into())),
            "space",
        ),
    ];
    for (field, change, kind) in cases {
        let err = data_error(change);
        let expected = match kind {
            "empty" => LicenceError::Empty {
                field: field.into(),
            },
            _ => LicenceError::SurroundingWhitespace {
                field: field.into(),
            },
        };
        assert_eq!(err, expected);
    }
}

#[test]
fn control_characters_are_rejected_except_line_breaks_in_long_text() {
    let err = data_error(|d| d.licensee.name.en = "Example\tCompany".into());
    assert_eq!(
        err,
        LicenceError::ControlCharacter {
            field: "licensee.name.en".into(),
            character: '\t'
        }
    );
    let err = data_error(|d| d.issuer.name.th = "กรม\nอนามัย".into());
    assert_eq!(err.field(), "issuer.name.th");
    let err = data_error(|d| d.conditions[0] = "a\u{0}b".into());
    assert_eq!(err.field(), "conditions[0]");
    let mut data = sample();
    data.premises.address.th = "99/1 ถนนสุขุมวิท\nกรุงเทพมหานคร 10110".into();
    assert!(data.to_credential().is_ok());
}

#[test]
fn dids_are_checked() {
    for (did, reason) in [
        ("licence.example.go.th", "must start with \"did:\""),
        ("did:web", "missing method-specific identifier"),
        (
            "did:Web:example.go.th",
            "method name must be lowercase letters and digits",
        ),
        (
            "did::example.go.th",
            "method name must be lowercase letters and digits",
        ),
        (
            "did:web:",
            "method-specific identifier must not be empty or end with ':'",
        ),
        (
            "did:web:example.go.th:",
            "method-specific identifier must not be empty or end with ':'",
        ),
        (
            "did:web:example go th",
            "method-specific identifier allows only A-Z a-z 0-9 . - _ : and %XX",
        ),
        ("did:web:example.go.th%3", "bad percent-encoding"),
    ] {
        let err = data_error(|d| d.issuer.id = did.into());
        assert_eq!(
            err,
            LicenceError::NotADid {
                field: "issuer.id".into(),
                value: did.into(),
                reason
            }
        );
    }
    let err = data_error(|d| d.business_did = Some("web:example.co.th".into()));
    assert_eq!(err.field(), "businessDid");
    let mut data = sample();
    data.issuer.id = "did:web:example.go.th%3A8443:issuers:health".into();
    assert!(data.to_credential().is_ok());
}

#[test]
fn business_dids_must_parse_and_be_bounded() {
    let key = elicence_core::keys::SigningKey::generate(
        elicence_core::keys::KeyAlgorithm::Ed25519,
        &mut rand_core::OsRng,
    );
    let good = elicence_core::did::did_key(&key.public_key());
    let mut data = sample();
    data.business_did = Some(good.clone());
    assert!(data.to_credential().is_ok());
    let long = format!("did:web:{}", "a".repeat(100 * 1024));
    for (bad, why) in [
        ("did:key:zzzz", "did:key"),
        ("did:key:abc", "base58btc multibase"),
        ("did:key:z0OIl", "base58btc"),
        (&good[..good.len() - 2], "did:key"),
        (&format!("{good}:1"), "single multibase key"),
        (long.as_str(), "longer than 2048 bytes"),
    ] {
        let err = data_error(|d| d.business_did = Some(bad.to_string()));
        assert_eq!(err.field(), "businessDid", "{bad}");
        assert!(err.to_string().contains(why), "{bad}: {err}");
        // The message quotes a bounded prefix, never the whole value.
        assert!(err.to_string().len() < 400, "{err}");
    }
}

#[test]
fn dates_must_have_a_time_zone_and_be_in_order() {
    for bad in [
        "2026-01-01",
        "2026-01-01T00:00:00",
        "2026-01-01T00:00+07:00",
        "01/01/2026",
        "2026-13-01T00:00:00Z",
        "",
    ] {
        let err = data_error(|d| d.valid_from = bad.into());
        assert_eq!(
            err,
            LicenceError::BadDateTime {
                field: "validFrom".into(),
                value: bad.into()
            },
            "{bad:?}"
        );
    }
    let err = data_error(|d| d.valid_until = "2026-12-31".into());
    assert_eq!(err.field(), "validUntil");
    // Same instant, different offsets: not later.
    let err = data_error(|d| {
        d.valid_from = "2026-01-01T07:00:00+07:00".into();
        d.valid_until = "2026-01-01T00:00:00Z".into();
    });
    assert_eq!(
        err,
        LicenceError::ValidityPeriod {
            field: "validUntil".into(),
            valid_from: "2026-01-01T07:00:00+07:00".into(),
            valid_until: "2026-01-01T00:00:00Z".into()
        }
    );
    let err = data_error(|d| d.valid_until = "2025-12-31T23:59:59+07:00".into());
    assert_eq!(err.to_string(), "validUntil: 2025-12-31T23:59:59+07:00 must be later than validFrom 2026-01-01T00:00:00+07:00");
}

#[test]
fn credential_status_needs_a_type() {
    let err = data_error(|d| {
        d.credential_status
            .as_mut()
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove("type");
    });
    assert_eq!(
        err,
        LicenceError::Missing {
            field: "credentialStatus.type".into()
        }
    );
    let err = data_error(|d| {
        d.credential_status
            .as_mut()
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert("type".into(), json!(7));
    });
    assert_eq!(err.field(), "credentialStatus.type");
    let err = data_error(|d| {
        d.credential_status
            .as_mut()
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert("id".into(), json!(["x"]));
    });
    assert_eq!(
        err,
        LicenceError::WrongType {
            field: "credentialStatus.id".into(),
            expected: "a string"
        }
    );
}

#[test]
fn data_files_with_unknown_or_missing_fields_are_rejected() {
    let typo = SAMPLE_JSON.replace("\"validUntil\"", "\"validTo\"");
    let err = serde_json::from_str::<LicenceData>(&typo)
        .unwrap_err()
        .to_string();
    assert!(err.contains("validTo"), "{err}");
    let mut value: Value = serde_json::from_str(SAMPLE_JSON).unwrap();
    value["licensee"].as_object_mut().unwrap().remove("name");
    let err = serde_json::from_value::<LicenceData>(value)
        .unwrap_err()
        .to_string();
    assert!(err.contains("name"), "{err}");
}

/// Applies `change` to the sample credential and returns the error of `from_credential`.
fn credential_error(change: impl FnOnce(&mut Value)) -> LicenceError {
    let mut credential = sample_credential();
    change(&mut credential);
    BusinessLicence::from_credential(&credential).expect_err("expected the change to be rejected")
}

#[test]
fn id_must_encode_the_subjects_type_code_and_number() {
    let err = credential_error(|c| c["credentialSubject"]["licenceNumber"] = json!("สน.2/2566"));
    assert_eq!(
        err.to_string(),
        "credentialSubject.licenceNumber: expected \"สน.1/2566\" (from id), found \"สน.2/2566\""
    );
    let err = credential_error(|c| c["credentialSubject"]["licenceType"]["code"] = json!("liquor"));
    assert_eq!(err.field(), "credentialSubject.licenceType.code");
    // Thai digits in the subject against ASCII digits in the id: a different number.
    let err = credential_error(|c| {
        c["id"] = json!("https://licence.example.go.th/licences/food-sale/สน.๑~๒๕๖๖");
    });
    assert_eq!(err.field(), "credentialSubject.licenceNumber");
    let err =
        credential_error(|c| c["id"] = json!("urn:uuid:4f1c0c1e-0000-4000-8000-000000000000"));
    assert_eq!(
        err,
        LicenceError::Iri {
            field: "id".into(),
            source: LicenceIriError::NotALicenceIri
        }
    );
}

#[test]
fn a_different_issuer_base_is_still_the_same_licence_number() {
    let err_free = {
        let mut c = sample_credential();
        c["id"] = json!("https://other.example.go.th/registry/licences/food-sale/สน.1~2566");
        BusinessLicence::from_credential(&c).unwrap()
    };
    assert_eq!(
        err_free.iri.base_url(),
        "https://other.example.go.th/registry"
    );
    assert_eq!(err_free.licence_number, "สน.1/2566");
}

#[test]
fn credential_errors_name_credential_paths() {
    let err = credential_error(|c| {
        c["credentialSubject"]["licensee"]["juristicPersonId"] = json!("0105536112015")
    });
    assert_eq!(
        err.to_string(),
        "credentialSubject.licensee.juristicPersonId: wrong check digit: expected 4, found 5"
    );
    let err = credential_error(|c| {
        c["credentialSubject"]["licensee"]
            .as_object_mut()
            .unwrap()
            .remove("juristicPersonId");
    });
    assert_eq!(
        err,
        LicenceError::Missing {
            field: "credentialSubject.licensee.juristicPersonId".into()
        }
    );
    let err = credential_error(|c| {
        c["credentialSubject"]["licensee"]["legalName"]
            .as_object_mut()
            .unwrap()
            .remove("en");
    });
    assert_eq!(
        err,
        LicenceError::Missing {
            field: "credentialSubject.licensee.legalName.en".into()
        }
    );
    let err =
        credential_error(|c| c["credentialSubject"]["licenceType"]["title"]["th"] = json!(" x"));
    assert_eq!(err.field(), "credentialSubject.licenceType.title.th");
    let err = credential_error(|c| c["credentialSubject"] = json!([]));
    assert_eq!(
        err,
        LicenceError::WrongType {
            field: "credentialSubject".into(),
            expected: "an object"
        }
    );
    let err = credential_error(|c| c["credentialSubject"]["type"] = json!("Business"));
    assert_eq!(err.field(), "credentialSubject.type");
    let err = credential_error(|c| c["type"] = json!(["VerifiableCredential"]));
    assert_eq!(err.field(), "type");
    let err = credential_error(|c| {
        c["@context"] = json!([
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/elicence/v1"
        ])
    });
    assert_eq!(err.field(), "@context[0]");
    let err = credential_error(|c| c["@context"] = json!(["https://www.w3.org/ns/credentials/v2"]));
    assert!(
        err.to_string().contains("https://w3id.org/elicence/v1"),
        "{err}"
    );
    let err = credential_error(|c| {
        c["issuer"]["name"] = json!([{"@value": "กรมอนามัย", "@language": "th"}])
    });
    assert_eq!(
        err.to_string(),
        "issuer.name: value with @language \"en\": missing"
    );
    let err = credential_error(|c| c["issuer"] = json!("did:web:licence.example.go.th"));
    assert_eq!(err.field(), "issuer");
    let err = credential_error(|c| c["validUntil"] = json!("2025-01-01T00:00:00Z"));
    assert_eq!(err.field(), "validUntil");
    let err = credential_error(|c| {
        c.as_object_mut().unwrap().remove("validFrom");
    });
    assert_eq!(
        err,
        LicenceError::Missing {
            field: "validFrom".into()
        }
    );
    let err = credential_error(|c| c["credentialSubject"]["permittedActivities"] = json!([]));
    assert_eq!(err.field(), "credentialSubject.permittedActivities");
    let err = credential_error(|c| c["credentialSubject"]["conditions"] = json!(["ok", 3]));
    assert_eq!(
        err,
        LicenceError::WrongType {
            field: "credentialSubject.conditions[1]".into(),
            expected: "a string"
        }
    );
    let err = credential_error(|c| {
        c["credentialSubject"]["premises"]["address"] = json!({"en": "Bangkok"})
    });
    assert_eq!(
        err,
        LicenceError::Missing {
            field: "credentialSubject.premises.address.th".into()
        }
    );
    let err = credential_error(|c| c["credentialSubject"]["id"] = json!("example.co.th"));
    assert_eq!(err.field(), "credentialSubject.id");
    let err = credential_error(|c| {
        c["credentialStatus"]
            .as_object_mut()
            .unwrap()
            .remove("type");
    });
    assert_eq!(err.field(), "credentialStatus.type");
    assert_eq!(
        BusinessLicence::from_credential(&json!("not a credential")),
        Err(LicenceError::WrongType {
            field: "credential".into(),
            expected: "an object"
        })
    );
}

#[test]
fn a_proof_does_not_disturb_reading() {
    let mut credential = sample_credential();
    credential["proof"] = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"});
    assert!(BusinessLicence::from_credential(&credential).is_ok());
}

#[test]
fn a_licence_can_carry_revocation_and_suspension_entries() {
    let entry = |purpose: &str, index: &str| {
        json!({
            "id": format!("https://licence.example.go.th/status/{purpose}/1#{index}"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": index,
            "statusListCredential": format!("https://licence.example.go.th/status/{purpose}/1")
        })
    };
    let mut data = sample();
    data.credential_status = Some(json!([
        entry("revocation", "94567"),
        entry("suspension", "1203")
    ]));
    let credential = data.to_credential().unwrap();
    assert_eq!(
        credential["credentialStatus"][1]["statusPurpose"],
        "suspension"
    );
    let read = BusinessLicence::from_credential(&credential).unwrap();
    assert_eq!(read.credential_status.len(), 2);

    // a Bitstring Status List entry must follow the W3C rules: the index is a decimal string
    let err = data_error(|d| {
        d.credential_status = Some(json!([
            entry("revocation", "94567"),
            entry("suspension", "-3")
        ]));
    });
    assert_eq!(err.field(), "credentialStatus[1]");
    assert!(matches!(err, LicenceError::Status { .. }), "{err:?}");
    let err = data_error(|d| d.credential_status = Some(json!([])));
    assert_eq!(err.field(), "credentialStatus");
}

#[test]
fn repeated_permitted_activity_is_refused_with_both_positions() {
    // A repeat is not signed (the field is a JSON-LD set) and ssi 0.16 would
    // canonicalize the licence differently (docs/interop.md, finding 4).
    let err = data_error(|d| {
        let first = d.permitted_activities[0].clone();
        d.permitted_activities.push(first);
    });
    let last = sample().permitted_activities.len();
    assert_eq!(
        err,
        LicenceError::Duplicate {
            field: "permittedActivities".into(),
            value: sample().permitted_activities[0].clone(),
            first: 0,
            second: last,
        }
    );
    assert!(err.to_string().contains("appears more than once"), "{err}");
    // Text that only looks alike (decomposed SARA AM) is a different activity.
    let mut data = sample();
    data.permitted_activities = vec!["ทำอาหาร".into(), "ท\u{0E4D}\u{0E32}อาหาร".into()];
    assert!(data.to_credential().is_ok());
}

#[test]
fn credentials_with_a_repeated_activity_from_elsewhere_still_read() {
    // Refusing is for what we issue; a repeat in someone else's credential
    // is harmless (it is one RDF statement) and must not hide the licence.
    let mut credential = sample_credential();
    let activities = &mut credential["credentialSubject"]["permittedActivities"];
    let first = activities[0].clone();
    activities.as_array_mut().unwrap().push(first);
    assert!(BusinessLicence::from_credential(&credential).is_ok());
}
