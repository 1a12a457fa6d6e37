//! What a printed licence says, independent of how it is drawn: the fields in
//! order with Thai first, the dates in both calendars, the QR code's content
//! and the fixed explanatory texts. The printable HTML page and the PDF draw
//! this one description, and `elicence verify` compares a PDF's visible text
//! with it, so the three cannot drift apart.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use elicence_core::licence::{BusinessLicence, LicenceIri};
use elicence_core::qr::{self, Secured};
use elicence_qr_image::{EcLevel, QrImageError};
use serde_json::Value;

use crate::dates::{english_date, grouped_id, thai_date};
use crate::RenderError;

/// What the printed QR code holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrContent {
    /// The LC1 payload: the signed credential, verifiable offline.
    Credential,
    /// The License Access URL: needs the network.
    Link,
}

/// A field's value as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// A Thai line and, when it differs, an English line.
    Bilingual {
        /// Thai text, as signed.
        th: String,
        /// English text, absent when empty or equal to the Thai.
        en: Option<String>,
    },
    /// A number or identifier, printed as is.
    Number(String),
    /// A numbered list (activities, conditions), Thai text as signed.
    List(Vec<String>),
    /// The term, in the Buddhist Era (Thai) and the Gregorian calendar (English).
    Validity {
        /// First day, Thai ("๑ มกราคม พ.ศ. ๒๕๖๙").
        from_th: String,
        /// Last day, Thai.
        until_th: String,
        /// First day, English ("1 January 2026").
        from_en: String,
        /// Last day, English.
        until_en: String,
    },
}

/// One labelled row of the licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Thai label.
    pub label_th: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// The value.
    pub value: FieldValue,
}

/// A licence ready to be drawn on paper or in a PDF.
#[derive(Debug, Clone)]
pub struct PrintedLicence {
    /// The licence data read from the credential.
    pub licence: BusinessLicence,
    /// The License Access URL (licence IRI as URI with the `#d=` digest).
    pub access_link: String,
    /// The text the QR code encodes (an LC1 payload or the access link).
    pub qr_payload: String,
    /// What that text is.
    pub qr_content: QrContent,
    /// Error-correction level of the printed code.
    pub ec: EcLevel,
    /// "eddsa-rdfc-2022", "vc+jwt (EdDSA)" and the like.
    pub suite: String,
}

/// Why the printed QR code holds the link rather than the credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrFallback {
    /// The credential does not fit in one QR code at the chosen level.
    CredentialTooLong,
}

impl PrintedLicence {
    /// Describes the printed licence of a signed credential. With `link_qr`
    /// the QR code holds the access link; otherwise the credential itself,
    /// falling back to the link (and saying so) when it does not fit.
    pub fn new(
        credential: &Secured,
        ec: EcLevel,
        link_qr: bool,
    ) -> Result<(Self, Option<QrFallback>), RenderError> {
        let doc = credential_json(credential)?;
        let licence = BusinessLicence::from_credential(&doc)?;
        let access_link = access_link(credential, &doc)?;
        let mut fallback = None;
        let (qr_payload, qr_content) = if link_qr {
            (access_link.clone(), QrContent::Link)
        } else {
            let full = qr::encode(credential)?;
            match elicence_qr_image::qr_version(&full, ec) {
                Ok(_) => (full, QrContent::Credential),
                Err(QrImageError::PayloadTooLong { .. }) => {
                    fallback = Some(QrFallback::CredentialTooLong);
                    (access_link.clone(), QrContent::Link)
                }
                Err(e) => return Err(e.into()),
            }
        };
        let printed = PrintedLicence {
            licence,
            access_link,
            qr_payload,
            qr_content,
            ec,
            suite: suite_name(credential, &doc),
        };
        Ok((printed, fallback))
    }

    /// The QR code's version (1-40), which fixes its printed size.
    pub fn qr_version(&self) -> Result<u16, RenderError> {
        Ok(elicence_qr_image::qr_version(&self.qr_payload, self.ec)?)
    }

    /// Printed side of the QR code, quiet zone included, in millimetres:
    /// 0.42 mm per module, kept within 35-45 mm so phones read it at arm's length.
    pub fn qr_side_mm(&self) -> Result<f64, RenderError> {
        Ok(qr_side_mm(self.qr_version()?, QUIET_ZONE_MODULES))
    }

    /// The rows of the licence, in printed order.
    pub fn fields(&self) -> Vec<Field> {
        let l = &self.licence;
        let mut rows = vec![
            Field {
                label_th: "ผู้รับใบอนุญาต",
                label_en: "Licensee",
                value: bilingual(&l.licensee_name.th, Some(&l.licensee_name.en)),
            },
            Field {
                label_th: "เลขทะเบียนนิติบุคคล",
                label_en: "Juristic person ID",
                value: FieldValue::Number(grouped_id(l.licensee_id.as_str())),
            },
            Field {
                label_th: "สถานที่ประกอบกิจการ",
                label_en: "Premises",
                value: bilingual(&l.premises_address.th, l.premises_address.en.as_deref()),
            },
            Field {
                label_th: "กิจการที่ได้รับอนุญาต",
                label_en: "Permitted activities",
                value: FieldValue::List(l.permitted_activities.clone()),
            },
        ];
        if !l.conditions.is_empty() {
            rows.push(Field {
                label_th: "เงื่อนไข",
                label_en: "Conditions",
                value: FieldValue::List(l.conditions.clone()),
            });
        }
        rows.push(Field {
            label_th: "ระยะเวลาอนุญาต",
            label_en: "Valid",
            value: FieldValue::Validity {
                from_th: thai_date(l.valid_from),
                until_th: thai_date(l.valid_until),
                from_en: english_date(l.valid_from),
                until_en: english_date(l.valid_until),
            },
        });
        rows
    }

    /// The agency's name, Thai then English (when it differs).
    pub fn agency(&self) -> FieldValue {
        bilingual(
            &self.licence.issuer_name.th,
            Some(&self.licence.issuer_name.en),
        )
    }

    /// The licence type's name, Thai then English (when it differs).
    pub fn title(&self) -> FieldValue {
        bilingual(
            &self.licence.licence_type_name.th,
            Some(&self.licence.licence_type_name.en),
        )
    }

    /// "How to verify", Thai and English, for the paper (QR) licence.
    pub fn how_to_verify(&self) -> (&'static str, &'static str) {
        match self.qr_content {
            QrContent::Credential => (
                "วิธีตรวจสอบ: สแกนคิวอาร์โค้ดนี้ด้วยโปรแกรมตรวจสอบ elicence ซึ่งตรวจลายมือชื่อดิจิทัลของหน่วยงานได้โดยไม่ต้องใช้อินเทอร์เน็ต",
                "How to verify: scan this QR code with an elicence verifier; it checks the agency's digital signature offline.",
            ),
            QrContent::Link => (
                "วิธีตรวจสอบ: สแกนคิวอาร์โค้ดนี้เพื่อเปิดใบอนุญาตที่ลงลายมือชื่อดิจิทัลจากเว็บไซต์ของหน่วยงาน แล้วตรวจด้วยโปรแกรมตรวจสอบ elicence",
                "How to verify: scan this QR code to open the signed licence on the agency's site, then check it with an elicence verifier.",
            ),
        }
    }

    /// The caption under the QR code.
    pub fn qr_caption(&self) -> &'static str {
        match self.qr_content {
            QrContent::Credential => "ใบอนุญาตที่ลงลายมือชื่อดิจิทัล · signed licence",
            QrContent::Link => "ลิงก์ใบอนุญาต · licence link",
        }
    }
}

impl FieldValue {
    /// The Thai and English lines of a term: "ตั้งแต่วันที่ … ถึงวันที่ …", "From … to …".
    pub fn validity_lines(
        from_th: &str,
        until_th: &str,
        from_en: &str,
        until_en: &str,
    ) -> (String, String) {
        (
            format!("ตั้งแต่วันที่ {from_th} ถึงวันที่ {until_th}"),
            format!("From {from_en} to {until_en}"),
        )
    }
}

/// Light border of the printed code, in modules (the standard's minimum).
pub const QUIET_ZONE_MODULES: u32 = 4;

/// Printed side of a QR code of `version`, quiet zone included, in millimetres.
pub fn qr_side_mm(version: u16, quiet_zone: u32) -> f64 {
    let side = f64::from(17 + 4 * u32::from(version) + 2 * quiet_zone);
    (side * 0.42).clamp(35.0, 45.0)
}

fn bilingual(th: &str, en: Option<&str>) -> FieldValue {
    let en = en
        .filter(|en| !en.is_empty() && *en != th)
        .map(str::to_owned);
    FieldValue::Bilingual {
        th: th.to_owned(),
        en,
    }
}

/// The credential as JSON: itself, or the payload of a vc+jwt (not verified:
/// for display and links only; verification checks the signature).
pub fn credential_json(credential: &Secured) -> Result<Value, RenderError> {
    match credential {
        Secured::Json(doc) => Ok(doc.clone()),
        Secured::Jwt(jwt) => {
            let bad = |why: &str| RenderError::NotALicence(format!("the vc+jwt payload {why}"));
            let payload = jwt.split('.').nth(1).ok_or_else(|| bad("is missing"))?;
            let bytes = URL_SAFE_NO_PAD
                .decode(payload)
                .map_err(|_| bad("is not base64url"))?;
            elicence_core::json::parse_strict(&bytes).map_err(|e| bad(&format!("is not JSON: {e}")))
        }
    }
}

/// The License Access URL of a credential: its licence IRI in URI form with `#d=` digest.
fn access_link(credential: &Secured, doc: &Value) -> Result<String, RenderError> {
    let id = doc.get("id").and_then(Value::as_str).ok_or_else(|| {
        RenderError::NotALicence(
            "the credential has no \"id\": it is not an elicence licence".into(),
        )
    })?;
    let iri = LicenceIri::parse(id).map_err(|e| {
        RenderError::NotALicence(format!(
            "the credential id {id:?} is not a licence IRI: {e}"
        ))
    })?;
    Ok(qr::access_link(&iri.to_uri(), credential)?)
}

/// "eddsa-rdfc-2022" and the like, or "vc+jwt (EdDSA)".
pub fn suite_name(credential: &Secured, doc: &Value) -> String {
    match credential {
        Secured::Jwt(jwt) => {
            let alg = jwt
                .split('.')
                .next()
                .and_then(|h| URL_SAFE_NO_PAD.decode(h).ok())
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .and_then(|h| h.get("alg").and_then(|a| a.as_str()).map(str::to_owned));
            match alg {
                Some(alg) => format!("vc+jwt ({alg})"),
                None => "vc+jwt".into(),
            }
        }
        Secured::Json(_) => {
            let first = match doc.get("proof") {
                Some(Value::Array(list)) => list.first(),
                other => other,
            };
            first
                .and_then(|p| p.get("cryptosuite"))
                .and_then(|s| s.as_str())
                .unwrap_or("Data Integrity")
                .to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_prints_between_35_and_45_mm() {
        assert!((qr_side_mm(17, 4) - 39.06).abs() < 0.01);
        assert_eq!(qr_side_mm(3, 4), 35.0);
        assert_eq!(qr_side_mm(40, 4), 45.0);
    }
}
