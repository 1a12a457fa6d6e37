//! Shared fixtures for the licence tests: one realistic licence as an agency
//! would write it.
#![allow(dead_code)]

use elicence_core::licence::LicenceData;
use serde_json::Value;

/// The licence data file of a food-sales licence, as an agency writes it.
pub const SAMPLE_JSON: &str = r#"{
  "issuer": {
    "id": "did:web:licence.example.go.th",
    "name": { "th": "กรมอนามัย", "en": "Department of Health" },
    "baseUrl": "https://licence.example.go.th/"
  },
  "licenceType": {
    "code": "food-sale",
    "name": { "th": "ใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหาร", "en": "Food sales establishment licence" }
  },
  "licenceNumber": "สน.1/2566",
  "licensee": {
    "juristicPersonId": "0105536112014",
    "name": { "th": "บริษัท ตัวอย่าง จำกัด", "en": "Example Company Limited" }
  },
  "businessDid": "did:web:example.co.th",
  "premises": {
    "address": {
      "th": "99/1 ถนนสุขุมวิท แขวงคลองเตย เขตคลองเตย กรุงเทพมหานคร 10110",
      "en": "99/1 Sukhumvit Road, Khlong Toei, Bangkok 10110"
    }
  },
  "permittedActivities": ["จำหน่ายอาหารและเครื่องดื่ม", "ประกอบอาหารเพื่อจำหน่าย"],
  "conditions": ["ต้องรักษาความสะอาดของสถานที่ตลอดเวลา"],
  "validFrom": "2026-01-01T00:00:00+07:00",
  "validUntil": "2026-12-31T23:59:59+07:00",
  "credentialStatus": {
    "id": "https://licence.example.go.th/status/1#94567",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "94567",
    "statusListCredential": "https://licence.example.go.th/status/1"
  }
}"#;

/// The sample licence data, parsed.
pub fn sample() -> LicenceData {
    serde_json::from_str(SAMPLE_JSON).unwrap()
}

/// The unsigned credential of the sample.
pub fn sample_credential() -> Value {
    sample().to_credential().unwrap()
}
