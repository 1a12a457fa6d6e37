//! The LC1 static dictionaries: JSON member names and string values that
//! licences and Data Integrity proofs repeat, each replaced by a small number.
//!
//! The tables are part of format version 1 and are append-only: a code, once
//! published, never changes meaning (docs/qr-format.md lists them). A new
//! entry needs no new version only if old decoders may fail on it; otherwise
//! bump the version.

/// Member names: a map key written as CBOR unsigned integer `n` stands for
/// `KEYS[n]`. Codes 0-23 take one byte, so the most frequent names come first.
pub const KEYS: &[&str] = &[
    // 0-23: one byte.
    "@context",
    "id",
    "type",
    "issuer",
    "validFrom",
    "validUntil",
    "credentialSubject",
    "credentialStatus",
    "proof",
    "cryptosuite",
    "created",
    "verificationMethod",
    "proofPurpose",
    "proofValue",
    "name",
    "th",
    "en",
    "@value",
    "@language",
    "licensee",
    "juristicPersonId",
    "legalName",
    "licenceNumber",
    "licenceType",
    // 24 and up: two bytes.
    "code",
    "title",
    "premises",
    "address",
    "permittedActivities",
    "conditions",
    "statusPurpose",
    "statusListIndex",
    "statusListCredential",
    "description",
    "previousProof",
    "expires",
    "domain",
    "challenge",
    "nonce",
    "issuanceDate",
    "expirationDate",
    "credentialSchema",
    "evidence",
    "termsOfUse",
    "refreshService",
    "renderMethod",
    "confidenceMethod",
    "relatedResource",
    "digestSRI",
    "digestMultibase",
    "mediaType",
    "holder",
    "verifiableCredential",
    "publicKeyMultibase",
    "controller",
    "statusMessage",
    "statusSize",
    "statusReference",
    "encodedList",
    "@id",
    "@type",
    "@list",
    "@set",
    "@direction",
    "alg",
    "typ",
    "cty",
    "kid",
    "iss",
    "sub",
    "iat",
    "nbf",
    "exp",
    "jti",
    "cnf",
];

/// String values: CBOR simple value `n` (0-19 in one byte, 32-255 in two)
/// stands for the string at code `n`. Simple values 20-23 are
/// `false`/`true`/`null`/`undefined` and 24-31 are reserved by RFC 8949, so
/// codes 20-31 are never used.
pub const VALUES: &[(u8, &str)] = &[
    // One byte.
    (0, "https://www.w3.org/ns/credentials/v2"),
    (1, "https://w3id.org/elicence/v1"),
    (2, "VerifiableCredential"),
    (3, "BusinessLicenceCredential"),
    (4, "LicensedBusiness"),
    (5, "DataIntegrityProof"),
    (6, "eddsa-rdfc-2022"),
    (7, "eddsa-jcs-2022"),
    (8, "ecdsa-rdfc-2019"),
    (9, "ecdsa-jcs-2019"),
    (10, "assertionMethod"),
    (11, "th"),
    (12, "en"),
    (13, "BitstringStatusListEntry"),
    (14, "revocation"),
    (15, "suspension"),
    (16, "https://www.w3.org/ns/credentials/examples/v2"),
    (17, "https://www.w3.org/2018/credentials/v1"),
    (18, "https://w3id.org/security/data-integrity/v2"),
    (19, "VerifiablePresentation"),
    // Two bytes.
    (32, "https://w3id.org/security/data-integrity/v1"),
    (33, "https://w3id.org/security/suites/ed25519-2020/v1"),
    (34, "https://w3id.org/security/multikey/v1"),
    (35, "https://www.w3.org/ns/did/v1"),
    (36, "https://w3id.org/security/v2"),
    (37, "ecdsa-sd-2023"),
    (38, "bbs-2023"),
    (39, "Ed25519Signature2020"),
    (40, "authentication"),
    (41, "capabilityInvocation"),
    (42, "capabilityDelegation"),
    (43, "keyAgreement"),
    (44, "Multikey"),
    (45, "BitstringStatusListCredential"),
    (46, "BitstringStatusList"),
    (47, "message"),
    (48, "EdDSA"),
    (49, "ES256"),
    (50, "ES384"),
    (51, "vc+jwt"),
    (52, "vc"),
    (53, "vp+jwt"),
    (54, "vp"),
    (55, "JsonSchema"),
    (56, "refresh"),
];

/// The code of member name `name`, if the dictionary has it.
pub fn key_code(name: &str) -> Option<u64> {
    KEYS.iter()
        .position(|&k| k == name)
        .and_then(|p| u64::try_from(p).ok())
}

/// The member name of key code `code`.
pub fn key_name(code: u64) -> Option<&'static str> {
    usize::try_from(code)
        .ok()
        .and_then(|i| KEYS.get(i).copied())
}

/// The simple-value code of string `value`, if the dictionary has it.
pub fn value_code(value: &str) -> Option<u8> {
    VALUES.iter().find(|(_, v)| *v == value).map(|(c, _)| *c)
}

/// The string of simple-value code `code`.
pub fn value_text(code: u8) -> Option<&'static str> {
    VALUES.iter().find(|(c, _)| *c == code).map(|(_, v)| *v)
}

/// The LC1 preset DEFLATE dictionary, in order (see `deflate`): parts that
/// licence credentials repeat. The entries used most often come last, where
/// back references are shortest. Thai entries are stored in Thai-8.
pub const DEFLATE_WORDS: &[&str] = &[
    // English words of agencies, companies, licence types and addresses.
    "Ministry of ",
    "Office of ",
    "Municipality",
    "Subdistrict Administrative Organization",
    "Province ",
    "District, ",
    "Subdistrict, ",
    "Moo ",
    "Soi ",
    " Road, ",
    "Street, ",
    "Bangkok ",
    "Thailand",
    "Department of ",
    "Health",
    "Industrial Works",
    "Business Development",
    "Public Company Limited",
    "Company Limited",
    "Limited Partnership",
    " licence",
    " permit",
    "factory ",
    "establishment",
    "operation",
    "service ",
    "Food ",
    "sales ",
    // Thai: agencies, licence words, conditions, company forms, addresses.
    "กระทรวง",
    "สำนักงาน",
    "องค์การบริหารส่วนตำบล",
    "เทศบาล",
    "กรม",
    "โรงงาน",
    "อุตสาหกรรม",
    "สาธารณสุข",
    "การค้า",
    "พาณิชย์",
    "ประกอบกิจการ",
    "ที่เป็นอันตรายต่อสุขภาพ",
    "การจัดตั้ง",
    "ใบอนุญาต",
    "สถานที่",
    "จำหน่าย",
    "อาหาร",
    "เครื่องดื่ม",
    "สะสมอาหาร",
    "ประกอบ",
    "ผลิต",
    "บริการ",
    "ต้อง",
    "ปฏิบัติตาม",
    "ร้าน",
    "และ",
    "ของ",
    "เพื่อ",
    "ห้างหุ้นส่วนจำกัด",
    "บริษัท ",
    " จำกัด (มหาชน)",
    " จำกัด",
    "หมู่ที่ ",
    "ซอย",
    "ถนน",
    "ตำบล",
    "อำเภอ",
    "จังหวัด",
    "แขวง",
    "เขต",
    "กรุงเทพมหานคร ",
    // URL and identifier parts.
    "urn:uuid:",
    "did:key:",
    ".co.th",
    ".or.th",
    "https://",
    "did:web:",
    "/status/",
    "/licences/",
    ".go.th",
];

/// The last part of the preset DEFLATE dictionary: the LC1 CBOR of this
/// skeleton of a signed elicence licence credential (`LicenceData::to_credential`
/// plus a Data Integrity proof), with empty strings where each licence has
/// its own text. Every licence repeats this member order and these codes, so
/// DEFLATE can copy whole runs of structure from it.
pub const TEMPLATE: &str = r#"{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/elicence/v1"],
  "id": "",
  "type": ["VerifiableCredential", "BusinessLicenceCredential"],
  "issuer": {"id": "", "name": [{"@value": "", "@language": "th"}, {"@value": "", "@language": "en"}]},
  "validFrom": "2000-01-01T00:00:00+07:00",
  "validUntil": "2000-12-31T23:59:59+07:00",
  "credentialSubject": {
    "id": "",
    "type": "LicensedBusiness",
    "licensee": {"juristicPersonId": "", "legalName": {"th": "", "en": ""}},
    "licenceNumber": "",
    "licenceType": {"code": "", "title": {"th": "", "en": ""}},
    "premises": {"address": {"th": "", "en": ""}},
    "permittedActivities": [""],
    "conditions": [""]
  },
  "credentialStatus": {
    "id": "",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "",
    "statusListCredential": ""
  },
  "proof": {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2000-01-01T00:00:00+07:00",
    "verificationMethod": "",
    "proofPurpose": "assertionMethod",
    "proofValue": ""
  }
}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_json_in_licence_order() {
        let template: serde_json::Value = serde_json::from_str(TEMPLATE).unwrap();
        let keys: Vec<&String> = template.as_object().unwrap().keys().collect();
        assert_eq!(keys[0], "@context");
        assert_eq!(keys[keys.len() - 1], "proof");
    }

    /// The tables are part of format version 1 (append-only): this pins
    /// every published entry. Update only by appending, never by editing.
    #[test]
    fn published_entries_never_change() {
        let keys = KEYS.join("\n");
        let values: Vec<String> = VALUES.iter().map(|(c, v)| format!("{c}={v}")).collect();
        assert_eq!(KEYS.len(), 75);
        assert_eq!(VALUES.len(), 45);
        assert!(keys.starts_with("@context\nid\ntype\nissuer\nvalidFrom"));
        assert_eq!(&KEYS[23], &"licenceType");
        assert_eq!(&KEYS[74], &"cnf");
        assert_eq!(values[0], "0=https://www.w3.org/ns/credentials/v2");
        assert_eq!(values[19], "19=VerifiablePresentation");
        assert_eq!(values[44], "56=refresh");
    }

    #[test]
    fn entries_are_unique_and_codes_valid() {
        for (i, k) in KEYS.iter().enumerate() {
            assert_eq!(key_code(k), Some(i as u64), "duplicate key {k}");
        }
        for (c, v) in VALUES {
            assert!(!(20..32).contains(c), "{c} is not a free simple value");
            assert_eq!(value_code(v), Some(*c), "duplicate value {v}");
            assert_eq!(value_text(*c), Some(*v), "duplicate code {c}");
        }
    }
}
