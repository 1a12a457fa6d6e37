//! The LC2 priming text (docs/qr-format.md §8.3): what the byte model reads
//! before the first byte of every payload, so it starts out knowing the
//! words and the shape of a service-issued licence.
//!
//! In order: the whole LC1 preset dictionary (provinces and districts, Thai
//! and English licence vocabulary, the LC1 template), then the licence types
//! and agencies of the licence catalogue as LC2 CBOR fragments, then two
//! sample service licences in LC2 CBOR, back to back (every fragment is one
//! CBOR item, so a payload starts at the top of a document). Part of format
//! version 2: never edit; a change needs a new format version.
//!
//! The text ships coded by the LC2 model itself (`priming.bin`): a fresh
//! model decodes it and, since decoding a bit is learning it, ends up primed;
//! the decoded text also gives LC1 its preset dictionary. So the browser
//! inspector carries neither the vocabulary tables nor an encoder, only
//! these few kilobytes. A unit test rebuilds the text from the tables
//! (`vocabulary`, `dictionary`, and the catalogue and samples below),
//! checks the shipped bytes code exactly it, and pins its hash.

use std::sync::OnceLock;

use super::arith::Decoder;
use super::model::Model;

/// The priming text coded by a fresh model (see the module documentation).
const PRIMING_CODED: &[u8] = include_bytes!("priming.bin");

/// Bytes of the LC1 preset dictionary, the first part of the text.
pub const DICTIONARY_LEN: usize = 13105;

/// Bytes of the whole priming text.
pub const PRIMING_LEN: usize = 18291;

/// The decoded priming text and the model that has read it.
pub struct Primed {
    /// The priming text.
    pub text: Vec<u8>,
    /// The model after reading it, at the start of a document.
    pub model: Model,
}

/// Decodes the priming text once; every payload starts from a copy of the model.
pub fn primed() -> &'static Primed {
    static PRIMED: OnceLock<Primed> = OnceLock::new();
    PRIMED.get_or_init(|| {
        let mut model = Model::new();
        let mut decoder = Decoder::new(PRIMING_CODED);
        let mut text = Vec::with_capacity(PRIMING_LEN);
        for position in 0..PRIMING_LEN {
            if position == DICTIONARY_LEN {
                // The LC2 part is CBOR: its structure is followed from its start.
                model.begin_document();
            }
            let mut byte = 0u8;
            for _ in 0..8 {
                let bit = decoder.decode(model.p());
                model.update(bit);
                byte = byte << 1 | u8::from(bit);
            }
            text.push(byte);
        }
        Primed { text, model }
    })
}

#[cfg(test)]
use serde_json::{json, Value};

#[cfg(test)]
use super::value::{write_value, Dialect};

/// The licence types of catalogue 2026.1 (code, Thai title, English title).
#[cfg(test)]
pub const LICENCE_TYPES: &[(&str, &str, &str)] = &[
    (
        "factory-op",
        "ใบอนุญาตประกอบกิจการโรงงาน (ร.ง.๔)",
        "Factory operation licence (Ror.Ngor.4)",
    ),
    (
        "factory-expand",
        "ใบอนุญาตขยายโรงงาน (ร.ง.๔ ขยาย)",
        "Factory expansion licence",
    ),
    (
        "food-production",
        "ใบอนุญาตผลิตอาหาร (อ.๒)",
        "Food production licence (Or.2)",
    ),
    (
        "food-import",
        "ใบอนุญาตนำหรือสั่งอาหารเข้ามาในราชอาณาจักร (อ.๗)",
        "Food import licence (Or.7)",
    ),
    (
        "drug-retail",
        "ใบอนุญาตขายยาแผนปัจจุบัน (ข.ย.๑)",
        "Licence to sell modern medicines (Khor.Yor.1)",
    ),
    ("hotel", "ใบอนุญาตประกอบธุรกิจโรงแรม", "Hotel business licence"),
    (
        "tourism-business",
        "ใบอนุญาตประกอบธุรกิจนำเที่ยว",
        "Tourism business licence",
    ),
    (
        "service-establishment",
        "ใบอนุญาตตั้งสถานบริการ",
        "Service (entertainment) establishment licence",
    ),
    ("liquor-sale", "ใบอนุญาตขายสุรา", "Liquor sale licence"),
    ("tobacco-sale", "ใบอนุญาตขายยาสูบ", "Tobacco sale licence"),
    (
        "company-registration",
        "หนังสือรับรองการจดทะเบียนนิติบุคคล",
        "Certificate of juristic person registration",
    ),
    (
        "foreign-business",
        "ใบอนุญาตประกอบธุรกิจของคนต่างด้าว",
        "Foreign business licence",
    ),
    (
        "commercial-registration",
        "ใบทะเบียนพาณิชย์",
        "Commercial registration certificate",
    ),
    (
        "food-sale",
        "ใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหาร",
        "Licence to operate a food sale establishment",
    ),
    (
        "food-storage",
        "ใบอนุญาตจัดตั้งสถานที่สะสมอาหาร",
        "Licence to operate a food storage establishment",
    ),
    (
        "health-hazard-business",
        "ใบอนุญาตประกอบกิจการที่เป็นอันตรายต่อสุขภาพ",
        "Licence for a business hazardous to health",
    ),
    (
        "signboard",
        "ใบอนุญาตก่อสร้างป้าย",
        "Signboard (structure) display permit",
    ),
    (
        "building-construction",
        "ใบอนุญาตก่อสร้างอาคาร (อ.๑)",
        "Building construction permit (Or.1)",
    ),
    (
        "fuel-station",
        "ใบอนุญาตประกอบกิจการสถานีบริการน้ำมันเชื้อเพลิง",
        "Fuel service station operation licence",
    ),
    (
        "groundwater-use",
        "ใบอนุญาตใช้น้ำบาดาล",
        "Groundwater use licence",
    ),
    (
        "healthcare-facility",
        "ใบอนุญาตให้ประกอบกิจการสถานพยาบาล",
        "Healthcare facility operation licence",
    ),
    (
        "telecom-type1",
        "ใบอนุญาตประกอบกิจการโทรคมนาคมแบบที่หนึ่ง",
        "Telecommunications business licence, type one",
    ),
    (
        "direct-sales",
        "ใบอนุญาตประกอบธุรกิจขายตรง",
        "Direct sales business licence",
    ),
];

/// The issuing agencies of catalogue 2026.1 (Thai name, English name).
#[cfg(test)]
pub const AGENCIES: &[(&str, &str)] = &[
    ("กรมโรงงานอุตสาหกรรม", "Department of Industrial Works"),
    ("สำนักงานอุตสาหกรรมจังหวัด", "Provincial Industry Office"),
    ("สำนักงานคณะกรรมการอาหารและยา", "Food and Drug Administration"),
    ("สำนักงานสาธารณสุขจังหวัด", "Provincial Public Health Office"),
    ("กรมการปกครอง", "Department of Provincial Administration"),
    ("ศาลากลางจังหวัด (ผู้ว่าราชการจังหวัด)", "Provincial Hall (Provincial Governor)"),
    ("กรมการท่องเที่ยว", "Department of Tourism"),
    ("กรมสรรพสามิต", "Excise Department"),
    ("สำนักงานสรรพสามิตพื้นที่", "Area Excise Office"),
    ("กรมพัฒนาธุรกิจการค้า", "Department of Business Development"),
    ("สำนักงานพัฒนาธุรกิจการค้าจังหวัด", "Provincial Business Development Office"),
    ("องค์กรปกครองส่วนท้องถิ่น (เทศบาล อบต. สำนักงานเขต)", "Local government (municipality, subdistrict administrative organisation, Bangkok district office)"),
    ("สำนักงานเขตบางรัก กรุงเทพมหานคร", "Bang Rak District Office, Bangkok"),
    ("กรมธุรกิจพลังงาน", "Department of Energy Business"),
    ("กรมทรัพยากรน้ำบาดาล", "Department of Groundwater Resources"),
    ("กรมสนับสนุนบริการสุขภาพ", "Department of Health Service Support"),
    ("สำนักงานคณะกรรมการกิจการกระจายเสียง กิจการโทรทัศน์ และกิจการโทรคมนาคมแห่งชาติ", "Office of the National Broadcasting and Telecommunications Commission"),
    ("สำนักงานคณะกรรมการคุ้มครองผู้บริโภค", "Office of the Consumer Protection Board"),
];

/// Two sample service licences (a Bangkok food shop, a provincial factory)
/// as `POST /licences` issues them: their LC2 CBOR shows the model every
/// member, tag and derived form in the order a real licence has them.
/// Their key and signature bytes are random.
#[cfg(test)]
pub const SAMPLE_LICENCES: &str = r#"[
{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/elicence/v1"],
  "id": "https://licence.example.go.th/agencies/wangthonglang/licences/food-sale/สน.12~2567",
  "type": ["VerifiableCredential", "BusinessLicenceCredential"],
  "issuer": {"id": "did:web:licence.example.go.th:agencies:wangthonglang", "name": [
    {"@value": "สำนักงานเขตวังทองหลาง กรุงเทพมหานคร", "@language": "th"},
    {"@value": "Wang Thonglang District Office, Bangkok", "@language": "en"}]},
  "validFrom": "2025-01-01T00:00:00+07:00",
  "validUntil": "2025-12-31T23:59:59+07:00",
  "credentialSubject": {
    "type": "LicensedBusiness",
    "licensee": {"juristicPersonId": "0105561234560", "legalName": {
      "th": "บริษัท ข้าวแกงบ้านเรา จำกัด", "en": "Khao Kaeng Ban Rao Co., Ltd."}},
    "licenceNumber": "สน.12/2567",
    "licenceType": {"code": "food-sale", "title": {
      "th": "ใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหาร", "en": "Licence to operate a food sale establishment"}},
    "premises": {"address": {
      "th": "เลขที่ 45/6 ซอยลาดพร้าว 87 ถนนลาดพร้าว แขวงวังทองหลาง เขตวังทองหลาง กรุงเทพมหานคร 10310",
      "en": "45/6 Soi Lat Phrao 87, Lat Phrao Road, Wang Thonglang, Wang Thonglang, Bangkok 10310"}},
    "permittedActivities": ["จำหน่ายอาหารและเครื่องดื่ม"],
    "conditions": ["ต้องดูแลความสะอาดของสถานที่และภาชนะตามหลักสุขาภิบาลอาหาร"]
  },
  "credentialStatus": [
    {"id": "https://licence.example.go.th/agencies/wangthonglang/status/revocation/1#4711",
     "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "4711",
     "statusListCredential": "https://licence.example.go.th/agencies/wangthonglang/status/revocation/1"},
    {"id": "https://licence.example.go.th/agencies/wangthonglang/status/suspension/1#4711",
     "type": "BitstringStatusListEntry", "statusPurpose": "suspension", "statusListIndex": "4711",
     "statusListCredential": "https://licence.example.go.th/agencies/wangthonglang/status/suspension/1"}
  ],
  "proof": {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2025-01-02T03:04:05Z",
    "verificationMethod": "did:web:licence.example.go.th:agencies:wangthonglang#z6Mkt49kiqAUsVADo6exoaVFdpw8c4APhkPdynv299KooDdy",
    "proofPurpose": "assertionMethod",
    "proofValue": "z4oYmCNS8aWZaCvW4QAXFYpacb8nkhVD8AbuKkyVdpmmYn9HhhaCXiUz5KC7bt411aa4BUFkPDX9TBQ3pqqRqy2EG"
  }
},
{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/elicence/v1"],
  "id": "https://licence.example.go.th/agencies/pio-chonburi/licences/factory-op/3-64(1)-77~2568",
  "type": ["VerifiableCredential", "BusinessLicenceCredential"],
  "issuer": {"id": "did:web:licence.example.go.th:agencies:pio-chonburi", "name": [
    {"@value": "สำนักงานอุตสาหกรรมจังหวัดชลบุรี", "@language": "th"},
    {"@value": "Chon Buri Provincial Industry Office", "@language": "en"}]},
  "validFrom": "2025-03-16T00:00:00+07:00",
  "validUntil": "2030-03-15T23:59:59+07:00",
  "credentialSubject": {
    "type": "LicensedBusiness",
    "licensee": {"juristicPersonId": "0205548001238", "legalName": {
      "th": "บริษัท ชลบุรีพลาสติกอุตสาหกรรม จำกัด (มหาชน)", "en": "Chonburi Plastic Industry Public Company Limited"}},
    "licenceNumber": "3-64(1)-77/2568",
    "licenceType": {"code": "factory-op", "title": {
      "th": "ใบอนุญาตประกอบกิจการโรงงาน (ร.ง.๔)", "en": "Factory operation licence (Ror.Ngor.4)"}},
    "premises": {"address": {
      "th": "เลขที่ ๗๐๐/๑๒๓ หมู่ที่ ๓ ถนนสุขุมวิท ตำบลหนองขาม อำเภอศรีราชา จังหวัดชลบุรี ๒๐๒๓๐",
      "en": "700/123 Moo 3, Sukhumvit Road, Nong Kham Subdistrict, Si Racha District, Chon Buri 20230"}},
    "permittedActivities": ["ผลิตชิ้นส่วนเครื่องใช้ไฟฟ้าจากพลาสติก (ลำดับที่ 64(1))", "บรรจุและเก็บรักษาผลิตภัณฑ์"],
    "conditions": ["ต้องจัดให้มีระบบบำบัดน้ำเสียและรายงานผลการตรวจวัดทุก 3 เดือน", "ต้องปฏิบัติตามมาตรการป้องกันอัคคีภัย"]
  },
  "credentialStatus": [
    {"id": "https://licence.example.go.th/agencies/pio-chonburi/status/revocation/2#105332",
     "type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "105332",
     "statusListCredential": "https://licence.example.go.th/agencies/pio-chonburi/status/revocation/2"},
    {"id": "https://licence.example.go.th/agencies/pio-chonburi/status/suspension/2#105332",
     "type": "BitstringStatusListEntry", "statusPurpose": "suspension", "statusListIndex": "105332",
     "statusListCredential": "https://licence.example.go.th/agencies/pio-chonburi/status/suspension/2"}
  ],
  "proof": {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2025-03-16T09:41:27Z",
    "verificationMethod": "did:web:licence.example.go.th:agencies:pio-chonburi#z6MkjDseUM926k8PwjXULb6LYy7xu6TaXeDL5C9zXZcL2Lzh",
    "proofPurpose": "assertionMethod",
    "proofValue": "z56rxVS1xrZZ7RCLCcRNa8mCatWpFEXFEXw5HTZAhdt9XCYGvnzsEidAiL93WfKGASUrcWcsgDUJUoAZmt1kJ3Xsy"
  }
}
]"#;

/// The priming text from its sources: the LC1 dictionary tables, then the
/// LC2 part from the tables and samples above.
#[cfg(test)]
pub fn build_text() -> Vec<u8> {
    let mut out = super::deflate::build_dictionary();
    // Write errors are impossible for these shallow documents; a failure
    // would only shorten the text, identically for encoder and decoder.
    for (code, th, en) in LICENCE_TYPES {
        let fragment = json!({"code": code, "title": {"th": th, "en": en}});
        let _ = write_value(&mut out, &fragment, Dialect::Lc2);
    }
    for (th, en) in AGENCIES {
        let fragment =
            json!([{"@value": th, "@language": "th"}, {"@value": en, "@language": "en"}]);
        let _ = write_value(&mut out, &fragment, Dialect::Lc2);
    }
    let samples: Value = serde_json::from_str(SAMPLE_LICENCES).unwrap_or_default();
    for sample in samples.as_array().into_iter().flatten() {
        let _ = write_value(&mut out, sample, Dialect::Lc2);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes the priming text as [`primed`] decodes it.
    fn code(text: &[u8]) -> Vec<u8> {
        let mut model = Model::new();
        let mut encoder = super::super::arith::Encoder::new();
        for (position, &byte) in text.iter().enumerate() {
            if position == DICTIONARY_LEN {
                model.begin_document();
            }
            for i in (0..8).rev() {
                let bit = byte >> i & 1 == 1;
                encoder.encode(bit, model.p());
                model.update(bit);
            }
        }
        encoder.finish()
    }

    /// The shipped bytes code exactly what the sources give, and never change.
    #[test]
    fn the_priming_text_is_built_from_its_sources_and_pinned() {
        use sha2::{Digest, Sha256};
        let built = build_text();
        let coded = code(&built);
        if std::env::var_os("ELICENCE_WRITE_PRIMING").is_some() {
            std::fs::write(
                concat!(env!("CARGO_MANIFEST_DIR"), "/src/qr/priming.bin"),
                &coded,
            )
            .unwrap();
        }
        assert_eq!(built.len(), PRIMING_LEN);
        assert!(
            coded == PRIMING_CODED,
            "priming.bin differs from the sources"
        );
        assert!(primed().text == built);
        assert!(primed().model.at_document_start());
        let hash = Sha256::digest(&built);
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, PINNED_SHA256);
    }

    const PINNED_SHA256: &str = "368f62d8f6ab90ca6a557f028c46d5efa79005e25e9fd0344dce63567373baf6";

    #[test]
    fn the_samples_are_service_licences() {
        let samples: Value = serde_json::from_str(SAMPLE_LICENCES).unwrap();
        assert_eq!(samples.as_array().unwrap().len(), 2);
        for sample in samples.as_array().unwrap() {
            let mut cbor = Vec::new();
            write_value(&mut cbor, sample, Dialect::Lc2).unwrap();
            // Every derived form applies: IRI, status, method (tags 15-17 = 0xCF-0xD1).
            for tag in [0xCF, 0xD0, 0xD1] {
                assert!(cbor.contains(&tag), "tag byte {tag:02X} missing");
            }
        }
    }
}
