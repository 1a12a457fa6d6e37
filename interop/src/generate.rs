//! Valid licence data for differential testing: a fixed reference licence
//! (for benchmarks) and proptest strategies producing random ones.
//!
//! Every generated [`LicenceData`] is valid by construction (correct Thai
//! juristic-ID check digit, licence numbers within the IRI rules, no control
//! characters except newlines in multi-line fields), so `to_credential`
//! succeeding is itself checked by the tests rather than filtered on.
//!
//! The text deliberately stresses what a canonicalizer can get wrong with
//! Thai: combining vowels and tone marks (also at the start of a string and
//! stacked), SARA AM `ำ` next to its decomposed look-alike `ํา`, Thai digits,
//! characters outside the BMP, and the N-Quads escapes `"` `\` and newline.

use elicence_core::licence::model::{
    Address, BilingualText, IssuerData, LicenceTypeData, LicenseeData, PremisesData,
};
use elicence_core::licence::LicenceData;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Thai consonants, vowels (incl. SARA AM U+0E33), digits, symbols.
const THAI_BASE: &[char] = &[
    'ก', 'ข', 'ค', 'ง', 'จ', 'ช', 'ซ', 'ญ', 'ด', 'ต', 'ท', 'น', 'บ', 'ป', 'พ', 'ม', 'ย', 'ร', 'ล',
    'ว', 'ส', 'ห', 'อ', 'ฮ', 'ฤ', 'ะ', 'า', 'ำ', 'เ', 'แ', 'โ', 'ใ', 'ไ', 'ๆ', 'ฯ', '฿', '๐', '๑',
    '๒', '๓', '๔', '๕', '๖', '๗', '๘', '๙',
];
/// Thai combining marks: MAI HAN-AKAT, SARA I..UU, PHINTHU, MAITAIKHU, tone
/// marks, THANTHAKHAT, NIKHAHIT (half of the decomposed SARA AM), YAMAKKAN.
const THAI_MARKS: &[char] = &[
    '\u{0E31}', '\u{0E34}', '\u{0E35}', '\u{0E36}', '\u{0E37}', '\u{0E38}', '\u{0E39}', '\u{0E3A}',
    '\u{0E47}', '\u{0E48}', '\u{0E49}', '\u{0E4A}', '\u{0E4B}', '\u{0E4C}', '\u{0E4D}', '\u{0E4E}',
];
/// ASCII and other characters with a meaning somewhere in the pipeline:
/// JSON and N-Quads escapes, IRI delimiters, a no-break space, zero-width
/// characters, a line separator, an astral-plane emoji and a lone combining
/// acute accent.
const OTHER: &[char] = &[
    'a', 'Z', 'k', '0', '7', ' ', ' ', '.', ',', '-', '/', '(', ')', '"', '\\', '\'', '<', '>',
    '#', '&', '@', ':', '_', '~', '\u{00A0}', '\u{200B}', '\u{200D}', '\u{2028}', '\u{FEFF}', '😀',
    '\u{0301}', 'é',
];

fn pick(set: &'static [char]) -> impl Strategy<Value = char> {
    proptest::sample::select(set)
}

/// One character of free text; `multiline` also allows `\n`.
fn text_char(multiline: bool) -> BoxedStrategy<char> {
    let newline = if multiline { 1 } else { 0 };
    prop_oneof![
        6 => pick(THAI_BASE),
        4 => pick(THAI_MARKS),
        3 => pick(OTHER),
        newline => Just('\n'),
    ]
    .boxed()
}

/// Free text valid for a licence field: non-empty, no whitespace at either
/// end, no control characters other than `\n` (multi-line fields only).
pub fn text(multiline: bool, max_chars: usize) -> BoxedStrategy<String> {
    proptest::collection::vec(text_char(multiline), 1..=max_chars)
        .prop_map(|chars| {
            let s: String = chars.into_iter().collect();
            let trimmed = s.trim();
            if trimmed.is_empty() {
                "ก".to_owned()
            } else {
                trimmed.to_owned()
            }
        })
        .boxed()
}

/// Characters a licence number may hold (see docs/licence-iri.md), with
/// combining marks over-represented.
const NUMBER_CHARS: &[char] = &[
    'ส', 'น', 'ก', 'ท', 'ฮ', 'ำ', 'ะ', 'เ', '\u{0E31}', '\u{0E34}', '\u{0E48}', '\u{0E49}',
    '\u{0E4A}', '\u{0E4B}', '\u{0E4C}', '\u{0E47}', '๐', '๕', '๙', '฿', 'ๆ', 'A', 'z', '0', '9',
    '-', '.', '(', ')', '/', ' ',
];

/// A licence number valid for a licence IRI: at least one letter or digit,
/// no space at the ends or doubled, at most 64 characters.
pub fn licence_number() -> BoxedStrategy<String> {
    proptest::collection::vec(pick(NUMBER_CHARS), 1..=24)
        .prop_map(|chars| {
            let mut s = String::new();
            for c in chars {
                if !(c == ' ' && s.ends_with(' ')) {
                    s.push(c);
                }
            }
            let s = s.trim().to_owned();
            let has_letter_or_digit = s.chars().any(|c| {
                c.is_ascii_alphanumeric() || ('ก'..='ฮ').contains(&c) || ('๐'..='๙').contains(&c)
            });
            if has_letter_or_digit {
                s
            } else {
                format!("ก{s}")
            }
        })
        .boxed()
}

/// A juristic person ID (leading 0) from twelve random digits, with the
/// correct check digit `(11 - Σ dᵢ·(14-i) mod 11) mod 10`.
pub fn juristic_id_from(digits: [u8; 11]) -> String {
    let mut all = [0u8; 12];
    all[1..].copy_from_slice(&digits);
    let sum: u32 = all
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(*d % 10) * (13 - i as u32))
        .sum();
    let check = (11 - sum % 11) % 10;
    let mut id: String = all.iter().map(|d| char::from(b'0' + d % 10)).collect();
    id.push(char::from(b'0' + check as u8));
    id
}

fn juristic_id() -> impl Strategy<Value = String> {
    proptest::array::uniform11(0u8..10).prop_map(juristic_id_from)
}

fn bilingual() -> impl Strategy<Value = BilingualText> {
    (text(false, 24), text(false, 24)).prop_map(|(th, en)| BilingualText { th, en })
}

fn did() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]{1,12}(\\.[a-z0-9]{1,8}){0,2}".prop_map(|h| format!("did:web:{h}.go.th")),
        "[1-9A-HJ-NP-Za-km-z]{8,20}".prop_map(|k| format!("did:example:z{k}")),
        "[a-z0-9]{1,10}".prop_map(|s| format!("did:web:licence.example.go.th:agency:{s}")),
    ]
}

fn type_code() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9._-]{0,15}"
}

fn date(year: i32, day_of_year: u32, offset_hours: i32) -> String {
    let month = day_of_year / 28 + 1;
    let day = day_of_year % 28 + 1;
    let offset = if offset_hours == 0 {
        "Z".to_owned()
    } else {
        format!("{:+03}:00", offset_hours)
    };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:00{offset}",
        day % 24,
        (day * 7) % 60
    )
}

/// A `BitstringStatusListEntry`, sometimes with extra members, to exercise
/// an object copied as is into the credential.
fn credential_status() -> impl Strategy<Value = Map<String, Value>> {
    (
        0u32..200_000,
        "[a-z]{1,8}",
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_map(|(index, list, suspension, with_id)| {
            let mut status = Map::new();
            if with_id {
                status.insert(
                    "id".into(),
                    json!(format!("https://status.example.go.th/{list}#{index}")),
                );
            }
            status.insert("type".into(), json!("BitstringStatusListEntry"));
            status.insert(
                "statusPurpose".into(),
                json!(if suspension {
                    "suspension"
                } else {
                    "revocation"
                }),
            );
            status.insert("statusListIndex".into(), json!(index.to_string()));
            status.insert(
                "statusListCredential".into(),
                json!(format!("https://status.example.go.th/{list}")),
            );
            status
        })
}

/// Random valid licence data: every optional part (business DID, English
/// address, conditions, credential status) present or absent.
pub fn licence_data() -> impl Strategy<Value = LicenceData> {
    let who = (
        did(),
        bilingual(),
        "[a-z]{1,10}(\\.[a-z]{1,6}){0,2}",
        type_code(),
        bilingual(),
        licence_number(),
        juristic_id(),
        bilingual(),
    );
    let what = (
        proptest::option::of(did()),
        text(true, 40),
        proptest::option::of(text(true, 40)),
        // A set: repeats are refused by `to_credential` (LicenceError::Duplicate).
        proptest::collection::vec(text(true, 30), 1..4).prop_map(|mut activities| {
            let mut seen = std::collections::HashSet::new();
            activities.retain(|a| seen.insert(a.clone()));
            activities
        }),
        proptest::collection::vec(text(true, 30), 0..4),
        (2000i32..2090, 0u32..300, -12i32..14, 1i32..10),
        proptest::option::of(credential_status()),
    );
    (who, what).prop_map(
        |(
            (issuer_id, issuer_name, host, code, type_name, number, jp_id, jp_name),
            (business_did, address_th, address_en, activities, conditions, dates, status),
        )| {
            let (year, day, offset, years) = dates;
            LicenceData {
                issuer: IssuerData {
                    id: issuer_id,
                    name: issuer_name,
                    base_url: format!("https://{host}.go.th"),
                },
                licence_type: LicenceTypeData {
                    code,
                    name: type_name,
                },
                licence_number: number,
                licensee: LicenseeData {
                    juristic_person_id: jp_id,
                    name: jp_name,
                },
                business_did,
                premises: PremisesData {
                    address: Address {
                        th: address_th,
                        en: address_en,
                    },
                },
                permitted_activities: activities,
                conditions,
                valid_from: date(year, day, offset),
                valid_until: date(year + years, day, offset),
                credential_status: status.map(serde_json::Value::Object),
            }
        },
    )
}

/// The reference licence of the benchmarks: `examples/licence.json` plus an
/// issuer DID, a business DID and a status entry, so every part of the
/// credential is exercised.
pub fn reference_licence() -> LicenceData {
    let status = json!({
        "id": "https://licence.bangrak.example.go.th/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://licence.bangrak.example.go.th/status/1"
    });
    LicenceData {
        issuer: IssuerData {
            id: "did:web:licence.bangrak.example.go.th".into(),
            name: BilingualText {
                th: "สำนักงานเขตบางรัก กรุงเทพมหานคร".into(),
                en: "Bang Rak District Office, Bangkok".into(),
            },
            base_url: "https://licence.bangrak.example.go.th".into(),
        },
        licence_type: LicenceTypeData {
            code: "food-sale".into(),
            name: BilingualText {
                th: "ใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหาร".into(),
                en: "Licence to operate a food sale establishment".into(),
            },
        },
        licence_number: "สน.1/2566".into(),
        licensee: LicenseeData {
            juristic_person_id: "0105536112014".into(),
            name: BilingualText {
                th: "บริษัท ครัวไทยตัวอย่าง จำกัด".into(),
                en: "Example Thai Kitchen Co., Ltd.".into(),
            },
        },
        business_did: Some("did:web:kitchen.example.co.th".into()),
        premises: PremisesData {
            address: Address {
                th: "เลขที่ ๑๒๓ ถนนสีลม แขวงสุริยวงศ์ เขตบางรัก กรุงเทพมหานคร ๑๐๕๐๐".into(),
                en: Some("123 Silom Road, Suriyawong, Bang Rak, Bangkok 10500".into()),
            },
        },
        permitted_activities: vec![
            "จำหน่ายอาหารและเครื่องดื่ม".into(),
            "ประกอบอาหารเพื่อจำหน่าย".into(),
        ],
        conditions: vec!["ต้องรักษาความสะอาดของสถานที่ตามกฎกระทรวง".into()],
        valid_from: "2026-01-01T00:00:00+07:00".into(),
        valid_until: "2026-12-31T23:59:59+07:00".into(),
        credential_status: Some(status),
    }
}
