//! `BitstringStatusListEntry` parsing, `BitstringStatusListCredential`
//! generation, and the Validate Algorithm (`check_status`), on the spec's own
//! examples and on every malformed input we could think of.

use elicence_core::did::{did_key_verification_method, OfflineResolver};
use elicence_core::jose::{sign_vc_jwt, verify_vc_jwt};
use elicence_core::keys::{KeyAlgorithm, SigningKey};
use elicence_core::proof::{self, Cryptosuite, ProofOptions};
use elicence_core::status::{
    check_status, check_status_with_minimum, status_list_credential, Bitstring, StatusError,
    StatusListEntry, StatusMessage, StatusPurpose, StatusResult, StatusSize, MIN_BITS,
};
use rand_core::OsRng;
use serde_json::{json, Value};

/// Bitstring Status List 1.0, Example 3 (an all-zero revocation list).
fn spec_list_credential() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://example.com/credentials/status/3",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:example:12345",
        "validFrom": "2021-04-05T14:27:40Z",
        "credentialSubject": {
            "id": "https://example.com/status/3#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
        }
    })
}

/// Bitstring Status List 1.0, Example 1: one credential, two entries.
fn spec_credential_with_two_entries() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "https://example.com/credentials/23894672394",
        "type": ["VerifiableCredential", "EmployeeIdCredential"],
        "issuer": "did:example:12345",
        "validFrom": "2024-04-05T14:27:42Z",
        "credentialStatus": [{
            "id": "https://example.com/credentials/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://example.com/credentials/status/3"
        }, {
            "id": "https://example.com/credentials/status/4#23452",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "suspension",
            "statusListIndex": "23452",
            "statusListCredential": "https://example.com/credentials/status/4"
        }],
        "credentialSubject": {"id": "did:example:6789", "type": "Person", "employeeId": "A-123456"}
    })
}

/// Example 2 of the spec, with its "..." filled in: a 2-bit message entry.
fn message_entry_json() -> Value {
    json!({
        "id": "https://example.com/credentials/status/8#492847",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": "492847",
        "statusSize": 2,
        "statusListCredential": "https://example.com/credentials/status/8",
        "statusMessage": [
            {"status": "0x0", "message": "pending_review"},
            {"status": "0x1", "message": "accepted"},
            {"status": "0x2", "message": "rejected"},
            {"status": "0x3", "message": "undefined"}
        ],
        "statusReference": "https://example.org/status-dictionary/"
    })
}

fn revocation_entry(index: u64) -> StatusListEntry {
    StatusListEntry::new(
        StatusPurpose::Revocation,
        index,
        "https://example.com/credentials/status/3",
    )
    .unwrap()
}

fn with_member(mut value: Value, key: &str, member: Value) -> Value {
    value[key] = member;
    value
}

fn without_member(mut value: Value, key: &str) -> Value {
    value.as_object_mut().unwrap().remove(key);
    value
}

fn list_credential_for(list: &Bitstring, purpose: StatusPurpose) -> Value {
    status_list_credential(
        "https://example.com/credentials/status/3",
        &json!("did:example:12345"),
        purpose,
        list,
        "2025-06-01T00:00:00Z",
        Some("2025-06-02T00:00:00Z"),
    )
    .unwrap()
}

#[test]
fn purposes_use_the_spec_names() {
    for (purpose, name) in [
        (StatusPurpose::Refresh, "refresh"),
        (StatusPurpose::Revocation, "revocation"),
        (StatusPurpose::Suspension, "suspension"),
        (StatusPurpose::Message, "message"),
    ] {
        assert_eq!(purpose.to_string(), name);
        assert_eq!(name.parse::<StatusPurpose>(), Ok(purpose));
        assert_eq!(serde_json::to_value(purpose).unwrap(), json!(name));
        assert_eq!(
            serde_json::from_value::<StatusPurpose>(json!(name)).unwrap(),
            purpose
        );
    }
    assert_eq!(
        "Revocation".parse::<StatusPurpose>(),
        Err(StatusError::UnsupportedPurpose("Revocation".into()))
    );
}

#[test]
fn reads_both_entries_of_spec_example_1() {
    let entries = StatusListEntry::from_credential(&spec_credential_with_two_entries()).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].purpose(), StatusPurpose::Revocation);
    assert_eq!(entries[0].index(), 94_567);
    assert_eq!(
        entries[0].list_credential(),
        "https://example.com/credentials/status/3"
    );
    assert_eq!(
        entries[0].id(),
        Some("https://example.com/credentials/status/3#94567")
    );
    assert_eq!(entries[0].status_size(), StatusSize::ONE);
    assert_eq!(entries[0].status_messages(), None);
    assert_eq!(entries[1].purpose(), StatusPurpose::Suspension);
    assert_eq!(entries[1].index(), 23_452);
    // Each entry writes back exactly as the spec shows it.
    let status = &spec_credential_with_two_entries()["credentialStatus"];
    assert_eq!(entries[0].to_value(), status[0]);
    assert_eq!(entries[1].to_value(), status[1]);
    // A single object is one entry; no credentialStatus means none.
    let single = StatusListEntry::list_from_value(&status[1]).unwrap();
    assert_eq!(single, vec![entries[1].clone()]);
    assert!(
        StatusListEntry::from_credential(&json!({"type": ["VerifiableCredential"]}))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn reads_and_writes_a_message_entry() {
    let entry = StatusListEntry::from_value(&message_entry_json()).unwrap();
    assert_eq!(entry.purpose(), StatusPurpose::Message);
    assert_eq!(entry.status_size().bits(), 2);
    let messages = entry.status_messages().unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(
        messages[2],
        StatusMessage {
            status: 2,
            message: "rejected".into()
        }
    );
    assert_eq!(
        entry.status_reference(),
        ["https://example.org/status-dictionary/".to_string()]
    );
    assert_eq!(entry.to_value(), message_entry_json());
}

#[test]
fn new_entries_have_the_spec_shape() {
    let entry = revocation_entry(94_567);
    assert_eq!(
        entry.to_value(),
        json!({
            "id": "https://example.com/credentials/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://example.com/credentials/status/3"
        })
    );
    assert_eq!(
        StatusListEntry::from_value(&entry.to_value()).unwrap(),
        entry
    );
    let no_id = entry.clone().with_id(None).unwrap();
    assert!(no_id.to_value().get("id").is_none());
    assert_eq!(
        StatusListEntry::from_value(&no_id.to_value()).unwrap(),
        no_id
    );

    // Builders enforce the MUSTs too.
    assert!(entry
        .clone()
        .with_id(Some("https://example.com/credentials/status/3".into()))
        .is_err());
    let two = StatusSize::new(2).unwrap();
    let three_rows: Vec<StatusMessage> = (0..3)
        .map(|s| StatusMessage {
            status: s,
            message: format!("m{s}"),
        })
        .collect();
    assert!(entry.clone().with_status_messages(two, three_rows).is_err());
    assert!(StatusListEntry::new(StatusPurpose::Revocation, 1, "not a url").is_err());
    assert!(
        StatusListEntry::new(StatusPurpose::Revocation, 1, "https://x.example/s#frag").is_err()
    );
    assert!(entry
        .with_status_reference(vec!["no scheme".into()])
        .is_err());
}

fn entry_error(entry: Value) -> StatusError {
    StatusListEntry::from_value(&entry).expect_err(&entry.to_string())
}

fn assert_malformed(entry: Value, field: &str) {
    match entry_error(entry.clone()) {
        StatusError::MalformedEntry { field: f, .. } if f == field => {}
        other => panic!("{entry}: expected a malformed `{field}`, got {other:?}"),
    }
}

#[test]
fn status_list_index_must_be_a_decimal_string() {
    let base = revocation_entry(1).to_value();
    for bad in [
        json!(94567),
        json!(-1),
        json!(1.0),
        json!(""),
        json!("-1"),
        json!("+5"),
        json!(" 5"),
        json!("5 "),
        json!("1.0"),
        json!("1e3"),
        json!("0x10"),
        json!("๑๒"),                   // Thai digits are not base-10 ASCII digits
        json!("18446744073709551616"), // 2^64: beyond what we can index
        json!(null),
    ] {
        assert_malformed(
            with_member(base.clone(), "statusListIndex", bad),
            "statusListIndex",
        );
    }
    assert_malformed(
        without_member(base.clone(), "statusListIndex"),
        "statusListIndex",
    );
    let max = StatusListEntry::from_value(&with_member(
        base.clone(),
        "statusListIndex",
        json!("18446744073709551615"),
    ))
    .unwrap();
    assert_eq!(max.index(), u64::MAX);
    let leading_zero =
        StatusListEntry::from_value(&with_member(base, "statusListIndex", json!("007"))).unwrap();
    assert_eq!(leading_zero.index(), 7);
}

#[test]
fn malformed_entries_are_rejected() {
    let base = revocation_entry(1).to_value();
    assert_malformed(json!("https://example.com/status/3"), "credentialStatus");
    assert_malformed(json!([]), "credentialStatus");
    assert!(matches!(
        StatusListEntry::list_from_value(&json!([])),
        Err(StatusError::MalformedEntry {
            field: "credentialStatus",
            ..
        })
    ));
    assert_malformed(without_member(base.clone(), "type"), "type");
    assert_malformed(with_member(base.clone(), "type", json!(7)), "type");
    assert_eq!(
        entry_error(with_member(
            base.clone(),
            "type",
            json!("StatusList2021Entry")
        )),
        StatusError::UnsupportedEntryType("\"StatusList2021Entry\"".into())
    );
    let as_array = with_member(
        base.clone(),
        "type",
        json!(["BitstringStatusListEntry", "Extra"]),
    );
    assert!(StatusListEntry::from_value(&as_array).is_ok());
    assert_eq!(
        entry_error(with_member(base.clone(), "statusPurpose", json!("expired"))),
        StatusError::UnsupportedPurpose("expired".into())
    );
    assert_malformed(
        without_member(base.clone(), "statusPurpose"),
        "statusPurpose",
    );
    assert_malformed(
        with_member(base.clone(), "statusPurpose", json!(["revocation"])),
        "statusPurpose",
    );
    assert_malformed(
        without_member(base.clone(), "statusListCredential"),
        "statusListCredential",
    );
    assert_malformed(
        with_member(base.clone(), "statusListCredential", json!("status/3")),
        "statusListCredential",
    );
    assert_malformed(
        with_member(
            base.clone(),
            "statusListCredential",
            json!("https://ex ample.com/3"),
        ),
        "statusListCredential",
    );
    // The id must not be the list's URL, and must be a URL.
    assert_malformed(
        with_member(
            base.clone(),
            "id",
            json!("https://example.com/credentials/status/3"),
        ),
        "id",
    );
    assert_malformed(with_member(base.clone(), "id", json!(12)), "id");
    assert_malformed(
        with_member(base.clone(), "statusReference", json!([])),
        "statusReference",
    );
    assert_malformed(
        with_member(base, "statusReference", json!(["relative/path"])),
        "statusReference",
    );
    // One bad entry in an array spoils the whole credentialStatus.
    let mixed = json!([revocation_entry(1).to_value(), {"type": "BitstringStatusListEntry"}]);
    assert!(StatusListEntry::list_from_value(&mixed).is_err());
}

#[test]
fn status_size_and_messages_follow_the_spec() {
    let base = message_entry_json();
    for bad in [json!(0), json!(-1), json!(1.5), json!("2"), json!(null)] {
        assert_malformed(with_member(base.clone(), "statusSize", bad), "statusSize");
    }
    assert_eq!(
        entry_error(with_member(base.clone(), "statusSize", json!(9))),
        StatusError::UnsupportedStatusSize(9)
    );
    // statusSize > 1 needs statusMessage, with 2^statusSize rows.
    assert_malformed(
        without_member(base.clone(), "statusMessage"),
        "statusMessage",
    );
    assert_malformed(
        with_member(base.clone(), "statusSize", json!(3)),
        "statusMessage",
    );
    let rows = |statuses: &[&str]| {
        Value::Array(
            statuses
                .iter()
                .map(|s| json!({"status": s, "message": "m"}))
                .collect(),
        )
    };
    for bad in [
        rows(&["0x0", "0x1", "0x2"]),
        rows(&["0x0", "0x1", "0x2", "0x2"]),
        rows(&["0x0", "0x1", "0x2", "0x4"]),
        rows(&["0", "1", "2", "3"]),
        rows(&["0x", "0x1", "0x2", "0x3"]),
        rows(&["0X0", "0x1", "0x2", "0x3"]),
        rows(&["0x+0", "0x1", "0x2", "0x3"]),
        rows(&["0x100", "0x1", "0x2", "0x3"]),
        json!([{"status": "0x0"}, {"status": "0x1", "message": "m"}, {"status": "0x2", "message": "m"}, {"status": "0x3", "message": "m"}]),
        json!([{"status": 0, "message": "m"}, {"status": "0x1", "message": "m"}, {"status": "0x2", "message": "m"}, {"status": "0x3", "message": "m"}]),
        json!(["0x0", "0x1", "0x2", "0x3"]),
        json!({"0x0": "m"}),
    ] {
        assert_malformed(
            with_member(base.clone(), "statusMessage", bad),
            "statusMessage",
        );
    }
    // Any order, upper-case hex digits and leading zeros are fine.
    let ok = with_member(
        base.clone(),
        "statusMessage",
        rows(&["0x3", "0x00", "0x1", "0x2"]),
    );
    let entry = StatusListEntry::from_value(&ok).unwrap();
    assert_eq!(entry.status_messages().unwrap()[0].status, 3);
    let eight = with_member(
        with_member(base.clone(), "statusSize", json!(8)),
        "statusMessage",
        Value::Array(
            (0..256)
                .map(|s| json!({"status": format!("0x{s:02X}"), "message": format!("m{s}")}))
                .collect(),
        ),
    );
    assert_eq!(
        StatusListEntry::from_value(&eight)
            .unwrap()
            .status_size()
            .bits(),
        8
    );
    // statusMessage is optional for one bit, but must then have two rows.
    let one_bit = revocation_entry(1).to_value();
    let with_two = with_member(one_bit.clone(), "statusMessage", rows(&["0x0", "0x1"]));
    assert!(StatusListEntry::from_value(&with_two).is_ok());
    assert_malformed(
        with_member(
            one_bit,
            "statusMessage",
            rows(&["0x0", "0x1", "0x2", "0x3"]),
        ),
        "statusMessage",
    );
}

#[test]
fn generated_list_credential_has_the_spec_shape() {
    let mut list = Bitstring::new(MIN_BITS).unwrap();
    list.set(94_567, true).unwrap();
    let credential = status_list_credential(
        "https://licence.example.go.th/status/1",
        &json!({"id": "did:web:licence.example.go.th", "name": "กรมพัฒนาธุรกิจการค้า"}),
        StatusPurpose::Revocation,
        &list,
        "2025-06-01T09:00:00+07:00",
        Some("2025-06-02T09:00:00+07:00"),
    )
    .unwrap();
    let encoded = credential["credentialSubject"]["encodedList"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        credential,
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "https://licence.example.go.th/status/1",
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": {"id": "did:web:licence.example.go.th", "name": "กรมพัฒนาธุรกิจการค้า"},
            "validFrom": "2025-06-01T09:00:00+07:00",
            "validUntil": "2025-06-02T09:00:00+07:00",
            "credentialSubject": {
                "id": "https://licence.example.go.th/status/1#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encoded
            }
        })
    );
    assert_eq!(Bitstring::decode(&encoded).unwrap(), list);
    // Key order: @context first, as in the spec.
    let keys: Vec<&String> = credential.as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "@context");
    // validUntil is optional.
    let open_ended = status_list_credential(
        "https://licence.example.go.th/status/1",
        &json!("did:web:licence.example.go.th"),
        StatusPurpose::Suspension,
        &list,
        "2025-06-01T02:00:00Z",
        None,
    )
    .unwrap();
    assert!(open_ended.get("validUntil").is_none());
    assert_eq!(
        open_ended["credentialSubject"]["statusPurpose"],
        "suspension"
    );
}

/// Arguments of `status_list_credential`, one bad one per case.
type ListInputs<'a> = (
    &'a str,
    &'a Value,
    StatusPurpose,
    &'a Bitstring,
    &'a str,
    Option<&'a str>,
);

#[test]
fn list_credential_inputs_are_checked() {
    let list = Bitstring::new(MIN_BITS).unwrap();
    let short = Bitstring::from_bytes(vec![0; 1024]).unwrap();
    let issuer = json!("did:example:12345");
    let url = "https://example.com/status/3";
    let from = "2025-06-01T00:00:00Z";
    let (not_url, no_id, number) = (json!("not a url"), json!({"name": "no id"}), json!(42));
    let cases: Vec<ListInputs> = vec![
        (
            "status/3",
            &issuer,
            StatusPurpose::Revocation,
            &list,
            from,
            None,
        ),
        (
            "https://example.com/status/3#list",
            &issuer,
            StatusPurpose::Revocation,
            &list,
            from,
            None,
        ),
        (url, &not_url, StatusPurpose::Revocation, &list, from, None),
        (url, &no_id, StatusPurpose::Revocation, &list, from, None),
        (url, &number, StatusPurpose::Revocation, &list, from, None),
        (url, &issuer, StatusPurpose::Message, &list, from, None),
        (url, &issuer, StatusPurpose::Revocation, &short, from, None),
        (
            url,
            &issuer,
            StatusPurpose::Revocation,
            &list,
            "2025-06-01",
            None,
        ),
        (
            url,
            &issuer,
            StatusPurpose::Revocation,
            &list,
            "2025-06-01T00:00:00",
            None,
        ),
        (
            url,
            &issuer,
            StatusPurpose::Revocation,
            &list,
            from,
            Some("yesterday"),
        ),
        (
            url,
            &issuer,
            StatusPurpose::Revocation,
            &list,
            from,
            Some(from),
        ),
        (
            url,
            &issuer,
            StatusPurpose::Revocation,
            &list,
            from,
            Some("2025-05-31T23:00:00Z"),
        ),
    ];
    for (id, issuer, purpose, bits, valid_from, valid_until) in cases {
        let result = status_list_credential(id, issuer, purpose, bits, valid_from, valid_until);
        assert!(
            matches!(result, Err(StatusError::InvalidListCredentialInput(_))),
            "{id} {issuer} {purpose} {valid_from} {valid_until:?}: {result:?}"
        );
    }
}

#[test]
fn spec_example_list_says_not_revoked() {
    let entries = StatusListEntry::from_credential(&spec_credential_with_two_entries()).unwrap();
    let result = check_status(&entries[0], &spec_list_credential()).unwrap();
    assert_eq!(
        result,
        StatusResult {
            purpose: StatusPurpose::Revocation,
            index: 94_567,
            value: 0,
            set: false,
            message: None
        }
    );
    assert_eq!(
        serde_json::to_value(&result).unwrap(),
        json!({"purpose": "revocation", "index": 94567, "value": 0, "set": false, "message": null})
    );
}

#[test]
fn a_set_bit_means_revoked_and_only_for_that_index() {
    let mut list = Bitstring::new(MIN_BITS).unwrap();
    list.set(94_567, true).unwrap();
    let credential = list_credential_for(&list, StatusPurpose::Revocation);
    assert!(
        check_status(&revocation_entry(94_567), &credential)
            .unwrap()
            .set
    );
    for neighbour in [0, 94_566, 94_568, 131_071] {
        assert!(
            !check_status(&revocation_entry(neighbour), &credential)
                .unwrap()
                .set
        );
    }
}

#[test]
fn the_list_must_be_for_the_entry_purpose() {
    let credential = spec_list_credential();
    let suspension = StatusListEntry::new(
        StatusPurpose::Suspension,
        5,
        "https://example.com/credentials/status/3",
    )
    .unwrap();
    let err = check_status(&suspension, &credential).unwrap_err();
    assert_eq!(
        err,
        StatusError::PurposeMismatch {
            entry: "suspension".into(),
            list: vec!["revocation".into()]
        }
    );
    assert_eq!(err.spec_code(), Some("STATUS_VERIFICATION_ERROR"));
    // A list may serve several purposes.
    let mut both = credential.clone();
    both["credentialSubject"]["statusPurpose"] = json!(["revocation", "suspension"]);
    assert_eq!(
        check_status(&suspension, &both).unwrap().purpose,
        StatusPurpose::Suspension
    );
    for bad in [json!([]), json!(7), json!(["revocation", 7]), Value::Null] {
        let mut broken = credential.clone();
        broken["credentialSubject"]["statusPurpose"] = bad;
        assert!(matches!(
            check_status(&suspension, &broken),
            Err(StatusError::MalformedListCredential { .. })
        ));
    }
}

#[test]
fn indexes_outside_the_list_are_range_errors() {
    let err = check_status(&revocation_entry(131_072), &spec_list_credential()).unwrap_err();
    assert_eq!(
        err,
        StatusError::IndexOutOfRange {
            index: 131_072,
            entries: 131_072
        }
    );
    assert_eq!(err.spec_code(), Some("RANGE_ERROR"));
    assert!(check_status(&revocation_entry(u64::MAX), &spec_list_credential()).is_err());
    assert!(check_status(&revocation_entry(131_071), &spec_list_credential()).is_ok());
}

#[test]
fn short_lists_fail_the_herd_privacy_minimum() {
    let short = Bitstring::from_bytes(vec![0; 8192]).unwrap();
    let mut credential = spec_list_credential();
    credential["credentialSubject"]["encodedList"] = json!(short.encode());
    let err = check_status(&revocation_entry(5), &credential).unwrap_err();
    assert_eq!(
        err,
        StatusError::ListTooShort {
            entries: 65_536,
            minimum: 131_072
        }
    );
    assert_eq!(err.spec_code(), Some("STATUS_LIST_LENGTH_ERROR"));
    // An ecosystem may set a lower bound.
    assert!(check_status_with_minimum(&revocation_entry(5), &credential, 65_536).is_ok());
}

fn two_bit_setup() -> (StatusListEntry, Bitstring) {
    let entry = StatusListEntry::from_value(&message_entry_json()).unwrap();
    let two = StatusSize::new(2).unwrap();
    let mut list = Bitstring::new(MIN_BITS * 8).unwrap();
    list.set_status(492_847, two, 2).unwrap();
    (entry, list)
}

fn message_list_credential(list: &Bitstring) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://example.com/credentials/status/8",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:example:12345",
        "validFrom": "2024-04-05T03:52:31Z",
        "credentialSubject": {
            "id": "https://example.com/status/8#list",
            "type": "BitstringStatusList",
            "statusPurpose": "message",
            "statusSize": 2,
            "encodedList": list.encode()
        }
    })
}

#[test]
fn multi_bit_entries_return_value_and_message() {
    let (entry, list) = two_bit_setup();
    let result = check_status(&entry, &message_list_credential(&list)).unwrap();
    assert_eq!(result.value, 2);
    assert!(result.set);
    assert_eq!(result.message.as_deref(), Some("rejected"));

    // The list's statusSize must agree with the entry's.
    let mut credential = message_list_credential(&list);
    credential["credentialSubject"]["statusSize"] = json!(1);
    let err = check_status(&entry, &credential).unwrap_err();
    assert_eq!(err, StatusError::StatusSizeMismatch { entry: 2, list: 1 });
    assert_eq!(err.spec_code(), Some("STATUS_VERIFICATION_ERROR"));

    // 131,072 two-bit entries need 32 KB: a 16 KB list is too short.
    let sixteen_kb = Bitstring::new(MIN_BITS).unwrap();
    let mut small = message_list_credential(&sixteen_kb);
    small["credentialSubject"]["statusSize"] = json!(2);
    assert_eq!(
        check_status(&entry, &small),
        Err(StatusError::ListTooShort {
            entries: 65_536,
            minimum: 131_072
        })
    );
}

#[test]
fn one_bit_message_entries_default_to_set_and_unset() {
    let mut list = Bitstring::new(MIN_BITS).unwrap();
    list.set(10, true).unwrap();
    let credential = list_credential_for(&list, StatusPurpose::Revocation);
    let mut credential = credential;
    credential["credentialSubject"]["statusPurpose"] = json!("message");
    let entry = |i| {
        StatusListEntry::new(
            StatusPurpose::Message,
            i,
            "https://example.com/credentials/status/3",
        )
        .unwrap()
    };
    assert_eq!(
        check_status(&entry(10), &credential)
            .unwrap()
            .message
            .as_deref(),
        Some("set")
    );
    assert_eq!(
        check_status(&entry(11), &credential)
            .unwrap()
            .message
            .as_deref(),
        Some("unset")
    );
    // A list-level statusMessages table is used when the entry has none.
    credential["credentialSubject"]["statusMessages"] = json!([
        {"status": "0x0", "message": "active"},
        {"status": "0x1", "message": "closed"}
    ]);
    assert_eq!(
        check_status(&entry(10), &credential)
            .unwrap()
            .message
            .as_deref(),
        Some("closed")
    );
    credential["credentialSubject"]["statusMessages"] = json!([{"status": "0x0", "message": "x"}]);
    assert!(check_status(&entry(10), &credential).is_err());
}

#[test]
fn the_list_must_be_the_one_the_entry_names() {
    let mut credential = spec_list_credential();
    credential["id"] = json!("https://example.com/credentials/status/4");
    let err = check_status(&revocation_entry(1), &credential).unwrap_err();
    assert_eq!(
        err,
        StatusError::ListIdMismatch {
            expected: "https://example.com/credentials/status/3".into(),
            found: "https://example.com/credentials/status/4".into()
        }
    );
    // Without an id (the spec's MAY) the caller's lookup is trusted.
    let anonymous = without_member(spec_list_credential(), "id");
    assert!(check_status(&revocation_entry(1), &anonymous).is_ok());
}

#[test]
fn malformed_list_credentials_are_rejected() {
    let entry = revocation_entry(1);
    let base = spec_list_credential();
    let subject = |key: &str, value: Value| {
        let mut c = spec_list_credential();
        c["credentialSubject"][key] = value;
        c
    };
    let cases = vec![
        json!("a string"),
        json!([base.clone()]),
        without_member(base.clone(), "type"),
        with_member(base.clone(), "type", json!(["VerifiableCredential"])),
        with_member(base.clone(), "type", json!("BitstringStatusList")),
        with_member(base.clone(), "id", json!(3)),
        without_member(base.clone(), "credentialSubject"),
        with_member(base.clone(), "credentialSubject", json!("x")),
        with_member(base.clone(), "credentialSubject", json!([])),
        with_member(
            base.clone(),
            "credentialSubject",
            json!([base["credentialSubject"], base["credentialSubject"]]),
        ),
        subject("type", json!("StatusList2021")),
        subject("encodedList", json!(null)),
        subject("encodedList", json!(42)),
        subject("statusSize", json!("1")),
        with_member(
            base.clone(),
            "credentialSubject",
            without_member(base["credentialSubject"].clone(), "encodedList"),
        ),
    ];
    for credential in cases {
        assert!(
            matches!(
                check_status(&entry, &credential),
                Err(StatusError::MalformedListCredential { .. })
            ),
            "{credential}"
        );
    }
    // A subject given as a one-element array is accepted.
    let wrapped = with_member(
        base.clone(),
        "credentialSubject",
        json!([base["credentialSubject"]]),
    );
    assert!(check_status(&entry, &wrapped).is_ok());
    // Broken encodedList values surface as decoding errors.
    assert_eq!(
        check_status(&entry, &subject("encodedList", json!("zH4sI"))),
        Err(StatusError::MultibasePrefix { found: Some('z') })
    );
    assert_eq!(
        check_status(&entry, &subject("encodedList", json!("uaGVsbG8"))),
        Err(StatusError::NotGzip)
    );
}

#[test]
fn signed_lists_verify_then_check() {
    let mut list = Bitstring::new(MIN_BITS).unwrap();
    list.set(42, true).unwrap();
    for suite in Cryptosuite::all() {
        let key = SigningKey::generate(suite.key_algorithm(), &mut OsRng);
        let vm = did_key_verification_method(&key.public_key());
        let issuer = vm.split('#').next().unwrap().to_string();
        let unsigned = status_list_credential(
            "https://example.com/credentials/status/3",
            &json!(issuer),
            StatusPurpose::Revocation,
            &list,
            "2025-06-01T00:00:00Z",
            None,
        )
        .unwrap();
        let signed = proof::sign(
            &unsigned,
            *suite,
            &key,
            &ProofOptions::new(&vm, "2025-06-01T00:00:00Z"),
        )
        .unwrap();
        proof::verify(&signed, &OfflineResolver::new(), "assertionMethod", None).unwrap();
        assert!(check_status(&revocation_entry(42), &signed).unwrap().set);
        assert!(!check_status(&revocation_entry(43), &signed).unwrap().set);
    }
    // As vc+jwt: the verified payload is the list credential.
    let key = SigningKey::generate(KeyAlgorithm::Ed25519, &mut OsRng);
    let vm = did_key_verification_method(&key.public_key());
    let unsigned = status_list_credential(
        "https://example.com/credentials/status/3",
        &json!(vm.split('#').next().unwrap()),
        StatusPurpose::Revocation,
        &list,
        "2025-06-01T00:00:00Z",
        None,
    )
    .unwrap();
    let jwt = sign_vc_jwt(&unsigned, &key, &vm).unwrap();
    let verified = verify_vc_jwt(&jwt, &OfflineResolver::new()).unwrap();
    assert!(
        check_status(&revocation_entry(42), &verified.credential)
            .unwrap()
            .set
    );
}
