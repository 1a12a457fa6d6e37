//! Verifying a PAdES signature on a PDF, offline: the byte range covers the
//! whole signed revision but the signature; nothing after it changes what
//! was signed (a later update may only add a `/DSS`); the CMS SignedData
//! signs that byte range with the certificate it names (signing-certificate-v2);
//! that certificate chains to a configured root and was valid when signed;
//! and a signature time-stamp, when present, is over the signature value,
//! from a TSA that chains to a configured root.
//!
//! Supported: ECDSA P-256 with SHA-256 (signer, CAs, TSA). Anything else is
//! reported as not verifiable, never accepted.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::OctetString;
use der::{Decode, Encode, SliceReader};
use lopdf::{Document, Object, ObjectId};
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{DerSignature, VerifyingKey};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage};
use x509_cert::Certificate;

use crate::cms::SigningCertificateV2;
use crate::oids::*;
use crate::update::write_object;
use crate::PadesError;

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOutcome {
    /// Satisfied.
    Pass,
    /// Violated: the document must be refused.
    Fail,
    /// Worth a person's attention, not a reason to refuse.
    Warning,
    /// Could not run because an earlier check failed.
    NotRun,
}

/// One check of the PDF's signature, explained in English and Thai.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfCheck {
    /// Stable identifier (`pdf-signature`, `pdf-byte-range`, ...).
    pub code: &'static str,
    /// English title.
    pub title_en: &'static str,
    /// Thai title.
    pub title_th: &'static str,
    /// What happened.
    pub outcome: CheckOutcome,
    /// Why, in English.
    pub reason_en: String,
    /// Why, in Thai.
    pub reason_th: String,
}

/// The PDF signature report.
#[derive(Debug, Clone, Default)]
pub struct PdfSignatureReport {
    /// Every check, in order.
    pub checks: Vec<PdfCheck>,
    /// The signer's certificate subject, once found.
    pub signer: Option<String>,
    /// The signer's certificate, once found (to match it to the credential's issuer).
    pub signer_certificate: Option<Certificate>,
    /// The time the time-stamp proves (B-T), RFC 3339.
    pub time_stamped_at: Option<OffsetDateTime>,
    /// The claimed signing time (`/M`), as written.
    pub claimed_time: Option<String>,
    /// "B-B" or "B-T" when the signature verified.
    pub level: Option<&'static str>,
    /// The bytes the signature covers (the signed revision), when found.
    pub signed_revision_len: Option<usize>,
}

impl PdfSignatureReport {
    /// True when no check failed or could not run.
    pub fn passed(&self) -> bool {
        !self.checks.is_empty()
            && self
                .checks
                .iter()
                .all(|c| matches!(c.outcome, CheckOutcome::Pass | CheckOutcome::Warning))
    }

    fn push(
        &mut self,
        code: &'static str,
        (title_en, title_th): (&'static str, &'static str),
        outcome: CheckOutcome,
        (reason_en, reason_th): (String, String),
    ) {
        self.checks.push(PdfCheck {
            code,
            title_en,
            title_th,
            outcome,
            reason_en,
            reason_th,
        });
    }

    fn not_run(&mut self, from: usize) {
        for (code, title) in &CHECKS[from..] {
            self.push(
                code,
                *title,
                CheckOutcome::NotRun,
                (
                    "not run: an earlier check failed".into(),
                    "ไม่ได้ตรวจ: การตรวจก่อนหน้าไม่ผ่าน".into(),
                ),
            );
        }
    }
}

const CHECKS: [(&str, (&str, &str)); 6] = [
    ("pdf-signature", ("PDF signature", "ลายมือชื่อดิจิทัลในไฟล์ PDF")),
    ("pdf-byte-range", ("Signed byte range", "ช่วงข้อมูลที่ลงลายมือชื่อ")),
    (
        "pdf-unchanged",
        ("Unchanged since signing", "ไม่ถูกแก้ไขหลังลงลายมือชื่อ"),
    ),
    ("pdf-cms", ("CMS signature (PAdES)", "ลายมือชื่อ CMS (PAdES)")),
    (
        "pdf-certificate",
        ("Signer's certificate chain", "สายใบรับรองของผู้ลงลายมือชื่อ"),
    ),
    (
        "pdf-time-stamp",
        ("Signature time-stamp", "การประทับรับรองเวลา"),
    ),
];

fn title(i: usize) -> (&'static str, &'static str) {
    CHECKS[i].1
}

fn s(en: impl Into<String>, th: impl Into<String>) -> (String, String) {
    (en.into(), th.into())
}

/// A signature found in the document.
struct FoundSignature {
    field: String,
    byte_range: Vec<i64>,
    contents: Vec<u8>,
    sub_filter: Vec<u8>,
    claimed_time: Option<String>,
}

/// Verifies the document's signature(s) against `roots`, judging
/// certificates at the time-stamp's time (B-T) or at `now` (B-B).
pub fn verify_pdf(pdf: &[u8], roots: &[Certificate], now: OffsetDateTime) -> PdfSignatureReport {
    let mut report = PdfSignatureReport::default();
    // 1. A signature.
    let doc = match Document::load_mem(pdf) {
        Ok(doc) => doc,
        Err(e) => {
            report.push(
                CHECKS[0].0,
                title(0),
                CheckOutcome::Fail,
                s(
                    format!("not a readable PDF: {e}"),
                    format!("อ่านไฟล์ PDF ไม่ได้: {e}"),
                ),
            );
            report.not_run(1);
            return report;
        }
    };
    let sig = match find_signature(&doc) {
        Ok(Some(sig)) => sig,
        Ok(None) => {
            report.push(
                CHECKS[0].0,
                title(0),
                CheckOutcome::Fail,
                s(
                    "the PDF is not signed: no signature field has a value (a stripped or never-made signature)",
                    "ไฟล์ PDF ไม่มีลายมือชื่อดิจิทัล (ถูกลบออกหรือไม่เคยลงลายมือชื่อ)",
                ),
            );
            report.not_run(1);
            return report;
        }
        Err(e) => {
            report.push(
                CHECKS[0].0,
                title(0),
                CheckOutcome::Fail,
                s(
                    format!("the signature cannot be read: {e}"),
                    format!("อ่านลายมือชื่อไม่ได้: {e}"),
                ),
            );
            report.not_run(1);
            return report;
        }
    };
    report.claimed_time = sig.claimed_time.clone();
    if sig.sub_filter != b"ETSI.CAdES.detached" {
        report.push(
            CHECKS[0].0,
            title(0),
            CheckOutcome::Fail,
            s(
                format!(
                    "the signature is {}, not a PAdES signature (ETSI.CAdES.detached)",
                    String::from_utf8_lossy(&sig.sub_filter)
                ),
                "ลายมือชื่อไม่ใช่แบบ PAdES (ETSI.CAdES.detached)",
            ),
        );
        report.not_run(1);
        return report;
    }
    report.push(
        CHECKS[0].0,
        title(0),
        CheckOutcome::Pass,
        s(
            format!("PAdES signature in field {:?}", sig.field),
            format!("ลายมือชื่อแบบ PAdES ในช่อง {:?}", sig.field),
        ),
    );

    // 2. Byte range.
    let (signed_len, digest) = match check_byte_range(pdf, &sig) {
        Ok(v) => v,
        Err(why) => {
            report.push(CHECKS[1].0, title(1), CheckOutcome::Fail, why);
            report.not_run(2);
            return report;
        }
    };
    report.signed_revision_len = Some(signed_len);
    report.push(
        CHECKS[1].0,
        title(1),
        CheckOutcome::Pass,
        s(
            format!(
                "covers all {signed_len} bytes of the signed revision except the signature itself"
            ),
            format!("ครอบคลุมข้อมูลทั้ง {signed_len} ไบต์ของฉบับที่ลงลายมือชื่อ ยกเว้นตัวลายมือชื่อ"),
        ),
    );

    // 3. Nothing changed after signing.
    match check_later_updates(pdf, signed_len, &doc) {
        Ok(None) => report.push(
            CHECKS[2].0,
            title(2),
            CheckOutcome::Pass,
            s(
                "nothing was added after signing",
                "ไม่มีการเพิ่มเติมหลังลงลายมือชื่อ",
            ),
        ),
        Ok(Some(what)) => report.push(
            CHECKS[2].0,
            title(2),
            CheckOutcome::Pass,
            s(
                format!("a later update only added {what}"),
                format!("การปรับปรุงภายหลังเพียงเพิ่ม {what}"),
            ),
        ),
        Err(why) => {
            report.push(CHECKS[2].0, title(2), CheckOutcome::Fail, why);
            report.not_run(3);
            return report;
        }
    }

    // 4. CMS.
    let signed = match check_cms(&sig.contents, &digest) {
        Ok(v) => v,
        Err(why) => {
            report.push(CHECKS[3].0, title(3), CheckOutcome::Fail, why);
            report.not_run(4);
            return report;
        }
    };
    report.signer = Some(signed.signer.tbs_certificate.subject.to_string());
    report.signer_certificate = Some(signed.signer.clone());
    report.push(
        CHECKS[3].0,
        title(3),
        CheckOutcome::Pass,
        s(
            format!(
                "signed by {} (ECDSA P-256, SHA-256, signing-certificate-v2)",
                signed.signer.tbs_certificate.subject
            ),
            format!("ลงลายมือชื่อโดย {}", signed.signer.tbs_certificate.subject),
        ),
    );

    // 6 before 5: the time-stamp fixes the time the chain is judged at.
    let stamp = signed
        .time_stamp
        .as_ref()
        .map(|token| check_time_stamp(token, &signed.signature_value, &signed.certificates, roots));
    let at = match &stamp {
        Some(Ok(t)) => *t,
        _ => now,
    };
    report.time_stamped_at = stamp.as_ref().and_then(|r| r.as_ref().ok().copied());

    // 5. Chain.
    match chain_to_root(&signed.signer, &signed.certificates, roots, at, None) {
        Ok(path) => report.push(
            CHECKS[4].0,
            title(4),
            CheckOutcome::Pass,
            s(
                format!("chains to a trusted root: {}", path.join(" → ")),
                format!("เชื่อมโยงถึงใบรับรองหลักที่เชื่อถือ: {}", path.join(" → ")),
            ),
        ),
        Err(why) => report.push(CHECKS[4].0, title(4), CheckOutcome::Fail, why),
    }

    // 6. Time-stamp.
    match stamp {
        None => report.push(
            CHECKS[5].0,
            title(5),
            CheckOutcome::Warning,
            s(
                "no signature time-stamp (PAdES B-B): the certificate is judged now, and the signature stops being verifiable when it expires",
                "ไม่มีการประทับรับรองเวลา (PAdES B-B): ตรวจใบรับรอง ณ ปัจจุบัน และจะตรวจไม่ได้เมื่อใบรับรองหมดอายุ",
            ),
        ),
        Some(Ok(t)) => {
            report.push(
                CHECKS[5].0,
                title(5),
                CheckOutcome::Pass,
                s(
                    format!("time-stamped at {t} by a trusted TSA (PAdES B-T)"),
                    format!("ประทับรับรองเวลา {t} โดยหน่วยงานประทับเวลาที่เชื่อถือ (PAdES B-T)"),
                ),
            );
        }
        Some(Err(why)) => report.push(CHECKS[5].0, title(5), CheckOutcome::Fail, why),
    }
    if report.passed() {
        report.level = Some(if report.time_stamped_at.is_some() {
            "B-T"
        } else {
            "B-B"
        });
    }
    report
}

fn find_signature(doc: &Document) -> Result<Option<FoundSignature>, PadesError> {
    let bad = |e: lopdf::Error| PadesError::Malformed(e.to_string());
    let catalog = doc.catalog().map_err(bad)?;
    let Ok(form) = catalog.get(b"AcroForm") else {
        return Ok(None);
    };
    let form = doc
        .dereference(form)
        .map_err(bad)?
        .1
        .as_dict()
        .map_err(bad)?;
    let Ok(fields) = form.get(b"Fields") else {
        return Ok(None);
    };
    let fields = doc
        .dereference(fields)
        .map_err(bad)?
        .1
        .as_array()
        .map_err(bad)?;
    let mut found = Vec::new();
    for f in fields {
        let field = doc.dereference(f).map_err(bad)?.1.as_dict().map_err(bad)?;
        if field.get(b"FT").and_then(Object::as_name).ok() != Some(b"Sig".as_slice()) {
            continue;
        }
        let Ok(v) = field.get(b"V") else { continue };
        let v = doc.dereference(v).map_err(bad)?.1.as_dict().map_err(bad)?;
        let byte_range = v
            .get(b"ByteRange")
            .and_then(Object::as_array)
            .map_err(bad)?
            .iter()
            .map(|o| o.as_i64().map_err(bad))
            .collect::<Result<Vec<_>, _>>()?;
        let contents = v
            .get(b"Contents")
            .and_then(Object::as_str)
            .map_err(bad)?
            .to_vec();
        let sub_filter = v
            .get(b"SubFilter")
            .and_then(Object::as_name)
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        let claimed_time = v
            .get(b"M")
            .and_then(Object::as_str)
            .ok()
            .map(|m| String::from_utf8_lossy(m).into_owned());
        let name = field
            .get(b"T")
            .and_then(Object::as_str)
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .unwrap_or_default();
        found.push(FoundSignature {
            field: name,
            byte_range,
            contents,
            sub_filter,
            claimed_time,
        });
    }
    // Document time-stamps (ETSI.RFC3161) may follow; the agency's signature is the approval one.
    Ok(found.into_iter().find(|s| s.sub_filter != b"ETSI.RFC3161"))
}

/// The byte range: `[0 a b c]`, the gap exactly the `/Contents` hex
/// string, `b + c` the end of a revision (`%%EOF`). Returns that length and
/// the SHA-256 of the covered bytes.
fn check_byte_range(
    pdf: &[u8],
    sig: &FoundSignature,
) -> Result<(usize, Vec<u8>), (String, String)> {
    let wrong = |en: String| (en.clone(), format!("ช่วงข้อมูลที่ลงลายมือชื่อไม่ถูกต้อง: {en}"));
    let r = &sig.byte_range;
    if r.len() != 4 || r.iter().any(|v| *v < 0) {
        return Err(wrong(format!("/ByteRange {r:?} is not four offsets")));
    }
    let [start, a, b, c] = [r[0], r[1], r[2], r[3]].map(|v| v as usize);
    let end = b.checked_add(c).filter(|e| *e <= pdf.len());
    let Some(end) = end else {
        return Err(wrong("the byte range runs past the end of the file".into()));
    };
    if start != 0 || a >= b || b > pdf.len() {
        return Err(wrong(format!(
            "/ByteRange {r:?} does not start at 0 with a gap"
        )));
    }
    if pdf[a] != b'<' || pdf[b - 1] != b'>' {
        return Err(wrong("the gap is not the signature's hex string".into()));
    }
    let hex_text: Vec<u8> = pdf[a + 1..b - 1]
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let gap = hex::decode(&hex_text).map_err(|_| wrong("the gap is not hex".into()))?;
    let mut want = sig.contents.clone();
    want.resize(gap.len(), 0);
    if gap != want {
        return Err(wrong("the gap does not hold this signature".into()));
    }
    let tail = &pdf[..end];
    let trimmed = tail.trim_ascii_end();
    if !trimmed.ends_with(b"%%EOF") {
        return Err(wrong(
            "the signed bytes do not end at the end of a revision".into(),
        ));
    }
    let mut h = Sha256::new();
    h.update(&pdf[..a]);
    h.update(&pdf[b..end]);
    Ok((end, h.finalize().to_vec()))
}

fn serialised(obj: &Object) -> Vec<u8> {
    let mut out = Vec::new();
    write_object(&mut out, obj);
    out
}

/// After the signed revision: nothing, or updates that only add a `/DSS`
/// (validation data) to the catalog. Returns what was added, if anything.
fn check_later_updates(
    pdf: &[u8],
    signed_len: usize,
    latest: &Document,
) -> Result<Option<String>, (String, String)> {
    let changed = |en: String| {
        (
            format!("the document was changed after it was signed: {en}"),
            format!("เอกสารถูกแก้ไขหลังลงลายมือชื่อ: {en}"),
        )
    };
    if pdf[signed_len..].iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let signed = Document::load_mem(&pdf[..signed_len])
        .map_err(|e| changed(format!("the signed revision cannot be read ({e})")))?;
    for key in [b"Root".as_slice(), b"Info"] {
        let before = signed.trailer.get(key).ok().map(serialised);
        let after = latest.trailer.get(key).ok().map(serialised);
        if before != after {
            return Err(changed(format!(
                "the trailer's /{} now points elsewhere",
                String::from_utf8_lossy(key)
            )));
        }
    }
    let root: Option<ObjectId> = signed
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .ok();
    let mut added_dss = false;
    for (id, before) in &signed.objects {
        let Ok(after) = latest.get_object(*id) else {
            return Err(changed(format!("object {} {} was removed", id.0, id.1)));
        };
        if serialised(before) == serialised(after) {
            continue;
        }
        if Some(*id) == root {
            if let (Ok(b), Ok(a)) = (before.as_dict(), after.as_dict()) {
                let mut a = a.clone();
                let had = b.get(b"DSS").is_ok();
                a.remove(b"DSS");
                let mut bb = b.clone();
                bb.remove(b"DSS");
                if serialised(&Object::Dictionary(a)) == serialised(&Object::Dictionary(bb)) {
                    added_dss |= !had;
                    continue;
                }
            }
            return Err(changed("the document catalog was altered".into()));
        }
        return Err(changed(format!(
            "object {} {} was altered{}",
            id.0,
            id.1,
            describe(before)
        )));
    }
    Ok(Some(if added_dss {
        "validation data (/DSS)".into()
    } else {
        "objects nothing signed refers to".into()
    }))
}

fn describe(obj: &Object) -> String {
    let dict = match obj {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    };
    dict.and_then(|d| d.get(b"Type").and_then(Object::as_name).ok())
        .map(|t| format!(" (a /{})", String::from_utf8_lossy(t)))
        .unwrap_or_default()
}

/// What a valid CMS signature yields.
struct SignedBy {
    signer: Certificate,
    certificates: Vec<Certificate>,
    signature_value: Vec<u8>,
    time_stamp: Option<ContentInfo>,
}

/// The DER value at the start of `bytes`, without trailing padding.
fn first_tlv(bytes: &[u8]) -> Result<&[u8], PadesError> {
    let mut reader = SliceReader::new(bytes).map_err(|e| PadesError::Malformed(e.to_string()))?;
    let header =
        der::Header::decode(&mut reader).map_err(|e| PadesError::Malformed(e.to_string()))?;
    let len = (header
        .encoded_len()
        .map_err(|e| PadesError::Malformed(e.to_string()))?
        + header.length)
        .map_err(|e| PadesError::Malformed(e.to_string()))?;
    let len = u32::from(len) as usize;
    bytes
        .get(..len)
        .ok_or_else(|| PadesError::Malformed("the signature is cut short".into()))
}

fn certificates(sd: &SignedData) -> Vec<Certificate> {
    sd.certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

fn signer_certificate<'a>(si: &SignerInfo, certs: &'a [Certificate]) -> Option<&'a Certificate> {
    match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => certs.iter().find(|c| {
            c.tbs_certificate.issuer == ias.issuer
                && c.tbs_certificate.serial_number == ias.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(_) => None,
    }
}

/// The P-256 key of a certificate.
/// The ECDSA P-256 public key of a certificate (the only kind we verify).
pub fn p256_key_of(cert: &Certificate) -> Result<VerifyingKey, PadesError> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok());
    if spki.algorithm.oid != ID_EC_PUBLIC_KEY || curve != Some(SECP256R1) {
        return Err(PadesError::Unsupported(
            "only ECDSA P-256 certificates are supported".into(),
        ));
    }
    VerifyingKey::from_sec1_bytes(spki.subject_public_key.raw_bytes())
        .map_err(|_| PadesError::Certificate("the certificate's public key is invalid".into()))
}

/// Checks a SignerInfo's signed attributes and signature; returns nothing
/// on success. `content_digest` is the SHA-256 the message-digest attribute must hold.
fn check_signer_info(
    si: &SignerInfo,
    cert: &Certificate,
    content_digest: &[u8],
    content_type: der::asn1::ObjectIdentifier,
) -> Result<(), String> {
    if si.digest_alg.oid != ID_SHA256 {
        return Err("the digest is not SHA-256 (unsupported)".into());
    }
    if si.signature_algorithm.oid != ECDSA_WITH_SHA256
        && si.signature_algorithm.oid != ID_EC_PUBLIC_KEY
    {
        return Err(format!(
            "signature algorithm {} is not supported (ECDSA with SHA-256 only)",
            si.signature_algorithm.oid
        ));
    }
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or("the signature has no signed attributes")?;
    let value_of = |oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    let ct = value_of(ID_CONTENT_TYPE)
        .and_then(|v| v.decode_as::<der::asn1::ObjectIdentifier>().ok())
        .ok_or("no content-type attribute")?;
    if ct != content_type {
        return Err("the content-type attribute is wrong".into());
    }
    let md = value_of(ID_MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or("no message-digest attribute")?;
    if md.as_bytes() != content_digest {
        return Err("the signed digest is not the digest of the signed bytes".into());
    }
    let key = p256_key_of(cert).map_err(|e| e.to_string())?;
    let to_verify = attrs.to_der().map_err(|e| e.to_string())?;
    let signature = DerSignature::from_bytes(si.signature.as_bytes())
        .map_err(|_| "the signature value is not an ECDSA signature")?;
    key.verify(&to_verify, &signature)
        .map_err(|_| "the signature does not verify with the signer's certificate".to_string())
}

fn check_cms(contents: &[u8], digest: &[u8]) -> Result<SignedBy, (String, String)> {
    let fail = |en: String| (en.clone(), format!("ลายมือชื่อ CMS ไม่ถูกต้อง: {en}"));
    let der_bytes = first_tlv(contents).map_err(|e| fail(e.to_string()))?;
    let sd = crate::cms::parse_signed_data(der_bytes).map_err(|e| fail(e.to_string()))?;
    if sd.encap_content_info.econtent.is_some() {
        return Err(fail("the signature is not detached".into()));
    }
    let infos: Vec<&SignerInfo> = sd.signer_infos.0.iter().collect();
    let [si] = infos.as_slice() else {
        return Err(fail(format!(
            "{} signers; PAdES has exactly one",
            infos.len()
        )));
    };
    let certs = certificates(&sd);
    let cert = signer_certificate(si, &certs)
        .ok_or_else(|| fail("the signer's certificate is not in the signature".into()))?
        .clone();
    check_signer_info(si, &cert, digest, ID_DATA).map_err(fail)?;
    // signing-certificate-v2 binds the certificate to the signature.
    let attrs = si
        .signed_attrs
        .as_ref()
        .map(|a| a.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    let scv2 = attrs
        .iter()
        .find(|a| a.oid == ID_AA_SIGNING_CERTIFICATE_V2)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<SigningCertificateV2>().ok())
        .ok_or_else(|| fail("no signing-certificate-v2 attribute (required by PAdES)".into()))?;
    let cert_der = cert.to_der().map_err(|e| fail(e.to_string()))?;
    let first = scv2
        .certs
        .first()
        .ok_or_else(|| fail("signing-certificate-v2 names no certificate".into()))?;
    let alg_ok = first
        .hash_algorithm
        .as_ref()
        .is_none_or(|a| a.oid == ID_SHA256);
    if !alg_ok || first.cert_hash.as_bytes() != Sha256::digest(&cert_der).as_slice() {
        return Err(fail(
            "signing-certificate-v2 names another certificate than the one given".into(),
        ));
    }
    let time_stamp = si
        .unsigned_attrs
        .as_ref()
        .and_then(|u| u.iter().find(|a| a.oid == ID_AA_SIGNATURE_TIME_STAMP_TOKEN))
        .and_then(|a| a.values.iter().next())
        .map(|v| v.decode_as::<ContentInfo>())
        .transpose()
        .map_err(|e| fail(format!("the time-stamp token is malformed: {e}")))?;
    Ok(SignedBy {
        signer: cert,
        certificates: certs,
        signature_value: si.signature.as_bytes().to_vec(),
        time_stamp,
    })
}

fn validity(cert: &Certificate) -> (OffsetDateTime, OffsetDateTime) {
    let v = &cert.tbs_certificate.validity;
    let from =
        OffsetDateTime::from_unix_timestamp(v.not_before.to_unix_duration().as_secs() as i64)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let until =
        OffsetDateTime::from_unix_timestamp(v.not_after.to_unix_duration().as_secs() as i64)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    (from, until)
}

fn is_ca(cert: &Certificate) -> bool {
    cert.tbs_certificate
        .extensions
        .as_ref()
        .and_then(|exts| exts.iter().find(|e| e.extn_id == ID_CE_BASIC_CONSTRAINTS))
        .and_then(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).ok())
        .is_some_and(|bc| bc.ca)
}

fn has_eku(cert: &Certificate, eku: der::asn1::ObjectIdentifier) -> bool {
    cert.tbs_certificate
        .extensions
        .as_ref()
        .and_then(|exts| exts.iter().find(|e| e.extn_id == ID_CE_EXT_KEY_USAGE))
        .and_then(|e| ExtendedKeyUsage::from_der(e.extn_value.as_bytes()).ok())
        .is_some_and(|list| list.0.contains(&eku))
}

/// True when `issuer` signed `cert` (ECDSA P-256 with SHA-256).
fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject
        || cert.signature_algorithm.oid != ECDSA_WITH_SHA256
    {
        return false;
    }
    let Ok(key) = p256_key_of(issuer) else {
        return false;
    };
    let Ok(tbs) = cert.tbs_certificate.to_der() else {
        return false;
    };
    let Some(sig) = cert.signature.as_bytes() else {
        return false;
    };
    DerSignature::from_bytes(sig)
        .ok()
        .is_some_and(|sig| key.verify(&tbs, &sig).is_ok())
}

/// A path from `cert` to one of `roots`, every certificate valid at `at`,
/// every issuer a CA. `eku`: an extended key usage the leaf must have.
fn chain_to_root(
    cert: &Certificate,
    pool: &[Certificate],
    roots: &[Certificate],
    at: OffsetDateTime,
    eku: Option<der::asn1::ObjectIdentifier>,
) -> Result<Vec<String>, (String, String)> {
    let fail = |en: String| (en.clone(), format!("สายใบรับรองไม่ถูกต้อง: {en}"));
    if roots.is_empty() {
        return Err((
            "no trusted roots configured for PDF signatures (--pdf-roots)".into(),
            "ไม่ได้กำหนดใบรับรองหลักที่เชื่อถือสำหรับลายมือชื่อใน PDF (--pdf-roots)".into(),
        ));
    }
    if let Some(eku) = eku {
        if !has_eku(cert, eku) {
            return Err(fail(format!(
                "{} lacks the extended key usage {eku}",
                cert.tbs_certificate.subject
            )));
        }
    }
    let mut path = Vec::new();
    let mut current = cert.clone();
    for _ in 0..8 {
        let (from, until) = validity(&current);
        if at < from || at > until {
            return Err(fail(format!(
                "{} was not valid at {at} (valid {from} to {until})",
                current.tbs_certificate.subject
            )));
        }
        path.push(current.tbs_certificate.subject.to_string());
        let current_der = current.to_der().unwrap_or_default();
        if roots
            .iter()
            .any(|r| r.to_der().ok().as_deref() == Some(current_der.as_slice()))
        {
            return Ok(path);
        }
        let issuer = roots
            .iter()
            .chain(pool)
            .find(|c| is_ca(c) && issued_by(&current, c));
        match issuer {
            Some(issuer) => current = issuer.clone(),
            None => {
                return Err(fail(format!(
                    "no trusted issuer found for {}",
                    current.tbs_certificate.subject
                )))
            }
        }
    }
    Err(fail("the certificate chain is too long".into()))
}

/// Checks a signature time-stamp token; returns the time it proves.
fn check_time_stamp(
    token: &ContentInfo,
    signature_value: &[u8],
    pool: &[Certificate],
    roots: &[Certificate],
) -> Result<OffsetDateTime, (String, String)> {
    let fail = |en: String| (en.clone(), format!("การประทับรับรองเวลาไม่ถูกต้อง: {en}"));
    let info = crate::tsp::tst_info(token).map_err(|e| fail(e.to_string()))?;
    if !crate::tsp::imprint_matches(&info, signature_value) {
        return Err(fail("the time-stamp is not over this signature".into()));
    }
    let sd = token
        .content
        .decode_as::<SignedData>()
        .map_err(|e| fail(e.to_string()))?;
    let infos: Vec<&SignerInfo> = sd.signer_infos.0.iter().collect();
    let [si] = infos.as_slice() else {
        return Err(fail("the token does not have exactly one signer".into()));
    };
    let mut certs = certificates(&sd);
    certs.extend(pool.iter().cloned());
    let tsa = signer_certificate(si, &certs)
        .ok_or_else(|| fail("the TSA's certificate is not in the token".into()))?
        .clone();
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .and_then(|c| c.decode_as::<OctetString>().ok())
        .ok_or_else(|| fail("the token has no TSTInfo".into()))?;
    let digest = Sha256::digest(econtent.as_bytes());
    check_signer_info(si, &tsa, &digest, ID_CT_TST_INFO)
        .map_err(|e| fail(format!("TSA signature: {e}")))?;
    let gen_time =
        OffsetDateTime::from_unix_timestamp(info.gen_time.to_unix_duration().as_secs() as i64)
            .map_err(|e| fail(e.to_string()))?;
    chain_to_root(&tsa, &certs, roots, gen_time, Some(ID_KP_TIME_STAMPING))
        .map_err(|(en, th)| (format!("TSA: {en}"), th))?;
    Ok(gen_time)
}
