//! How big the QR code of a signed Thai licence is: sizes at each stage, and
//! a bound that keeps it scannable by a cheap phone camera from paper.

mod qr_support;

use elicence_core::qr::{self, Secured};
use qr_support::signed_licence;

/// Data codewords of QR version 17 at level M (ISO/IEC 18004:2015 table 9:
/// 10 blocks of (74, 46) and 1 of (75, 47), 815 codewords in all).
const V17_M_DATA_CODEWORDS: usize = 10 * 46 + 47;

/// Alphanumeric characters that fit in `data_codewords`: a 4-bit mode
/// indicator, an 11-bit character count (versions 10-26), then 11 bits per
/// pair of characters and 6 for an odd last one.
fn alphanumeric_capacity(data_codewords: usize) -> usize {
    let bits = data_codewords * 8 - 4 - 11;
    bits / 11 * 2 + usize::from(bits % 11 >= 6)
}

#[test]
fn version_17_m_holds_734_alphanumeric_characters() {
    // The figure printed in the ISO capacity table (not the 755 sometimes quoted).
    assert_eq!(alphanumeric_capacity(V17_M_DATA_CODEWORDS), 734);
    // Cross-checks against other entries of the table: v17-L (1 block of 107
    // data codewords, 5 of 108) holds 938, v10-M (4x43 + 1x44) holds 311.
    assert_eq!(alphanumeric_capacity(107 + 5 * 108), 938);
    assert_eq!(alphanumeric_capacity(4 * 43 + 44), 311);
}

#[test]
fn signed_thai_licence_fits_a_version_17_m_qr_code() {
    let credential = Secured::Json(signed_licence());
    let stats = qr::stats(&credential).unwrap();
    let payload = qr::encode(&credential).unwrap();
    println!("signed Thai licence credential, sizes per stage:");
    println!("  compact JSON            {:>5} bytes", stats.json_bytes);
    println!("  LC2 CBOR                {:>5} bytes", stats.cbor_bytes);
    println!(
        "  arithmetic coded        {:>5} bytes",
        stats.compressed_bytes
    );
    println!("  base45                  {:>5} chars", stats.base45_chars);
    println!("  payload (LC2: + base45) {:>5} chars", stats.payload_chars);
    println!(
        "  the same as LC1         {:>5} chars",
        stats.lc1_payload_chars
    );
    println!(
        "  for comparison, LC1: + base45(DEFLATE(JSON)): {} chars",
        stats.plain_json_payload_chars
    );
    assert_eq!(payload.len(), stats.payload_chars);
    assert_eq!(stats.payload_chars, stats.base45_chars + 4);
    assert_eq!(
        stats.base45_chars,
        stats.compressed_bytes.div_ceil(2) * 3 - stats.compressed_bytes % 2
    );
    assert!(
        stats.payload_chars <= alphanumeric_capacity(V17_M_DATA_CODEWORDS),
        "{} characters do not fit QR version 17-M",
        stats.payload_chars
    );
    // The dictionary and compact forms must beat compressing the JSON text,
    // and LC2 must beat LC1 by a clear margin.
    assert!(stats.payload_chars < stats.plain_json_payload_chars);
    assert!(stats.cbor_bytes < stats.json_bytes);
    assert!(
        stats.payload_chars * 10 < stats.lc1_payload_chars * 8,
        "{stats:?}"
    );
}

/// A different licence (another agency, licence type, province, no English
/// address, more conditions): the dictionary is not tuned to one sample.
#[test]
fn another_licence_gets_the_same_gains() {
    let mut credential = signed_licence();
    credential["id"] =
        serde_json::json!("https://permit.chiangmai.go.th/licences/factory/รง.4-12~2567");
    credential["issuer"]["id"] = serde_json::json!("did:web:permit.chiangmai.go.th");
    credential["issuer"]["name"][0]["@value"] = serde_json::json!("สำนักงานอุตสาหกรรมจังหวัดเชียงใหม่");
    credential["issuer"]["name"][1]["@value"] =
        serde_json::json!("Chiang Mai Provincial Industry Office");
    let subject = &mut credential["credentialSubject"];
    subject["licenceNumber"] = serde_json::json!("รง.4-12/2567");
    subject["licenceType"] = serde_json::json!({
        "code": "factory",
        "title": {"th": "ใบอนุญาตประกอบกิจการโรงงาน", "en": "Factory operation licence"}
    });
    subject["premises"] = serde_json::json!({"address": {
        "th": "88 หมู่ที่ 3 ตำบลสันทราย อำเภอสันทราย จังหวัดเชียงใหม่ 50210"
    }});
    subject["permittedActivities"] = serde_json::json!(["ผลิตน้ำดื่มบรรจุขวด"]);
    subject["conditions"] = serde_json::json!([
        "ต้องบำบัดน้ำเสียก่อนระบายออกนอกโรงงาน",
        "ต้องจัดให้มีเครื่องดับเพลิงตามกฎหมาย"
    ]);
    let stats = qr::stats(&Secured::Json(credential.clone())).unwrap();
    println!("factory licence: {stats:?}");
    assert!(
        stats.payload_chars * 10 < stats.plain_json_payload_chars * 7,
        "{stats:?}"
    );
    // More Thai text than the sample, and still within 17-M (LC1 needed
    // 18-M: 9 blocks of 43 data codewords and 4 of 44).
    assert!(stats.payload_chars <= alphanumeric_capacity(V17_M_DATA_CODEWORDS));
    assert!(stats.lc1_payload_chars <= alphanumeric_capacity(9 * 43 + 4 * 44));
    assert!(stats.payload_chars < stats.lc1_payload_chars, "{stats:?}");
}
