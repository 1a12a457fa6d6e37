//! The checks themselves, run in a fixed order; later checks that depend on
//! an earlier failure are reported as not run rather than silently dropped.

use elicence_core::did::{DidError, OfflineResolver};
use elicence_core::{jose, json, licence, proof};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::report::{Check, CheckCode, Outcome, Report, SecuredFormat, Text};

/// What the caller decides about how to verify.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The instant to judge validity at (the caller's clock; core has none).
    pub now: OffsetDateTime,
    /// Check only the proof: no issuer-key binding, validity or licence checks.
    /// For test vectors and debugging; never for deciding trust.
    pub proof_only: bool,
    /// Resolves verification methods offline: did:key always, did:web from
    /// the DID documents the caller loaded into it.
    pub resolver: OfflineResolver,
}

impl Policy {
    /// Full verification at `now`, with no DID documents.
    pub fn at(now: OffsetDateTime) -> Self {
        Policy {
            now,
            proof_only: false,
            resolver: OfflineResolver::new(),
        }
    }
}

/// Verifies a credential given as JSON (Data Integrity) or as a compact
/// `vc+jwt`, and explains the result. Never panics on any input.
pub fn verify(input: &[u8], policy: &Policy) -> Report {
    let mut run = Run::default();
    let resolver = &policy.resolver;

    let Some(secured) = run.decode(input) else {
        return run.finish(None);
    };

    let credential = match secured {
        Secured::Json(doc) => {
            run.contexts(&doc);
            run.data_integrity(&doc, resolver, policy.now);
            doc
        }
        Secured::Jwt(jwt) => match run.jwt(&jwt, resolver) {
            Some(doc) => {
                run.contexts(&doc);
                doc
            }
            None => return run.finish(None),
        },
    };

    let skipped = |code| Check {
        code,
        outcome: Outcome::Skipped,
        reason: Text::new(
            "Skipped: --proof-only checks the proof alone.",
            "ข้าม: ตรวจเฉพาะลายมือชื่อ (--proof-only)",
        ),
    };
    if policy.proof_only {
        for code in [
            CheckCode::IssuerKey,
            CheckCode::Validity,
            CheckCode::LicenceData,
        ] {
            run.checks.push(skipped(code));
        }
    } else if !run.signers.is_empty() {
        // Only signed content is worth judging: an altered credential's dates
        // or licence fields mean nothing, so those checks are left "not run".
        run.issuer_key();
        run.validity(&credential, policy.now);
        run.licence_data(&credential);
    }
    let verified = (!run.signers.is_empty()).then_some(credential);
    run.finish(verified)
}

enum Secured {
    Json(Value),
    Jwt(String),
}

#[derive(Default)]
struct Run {
    checks: Vec<Check>,
    format: Option<SecuredFormat>,
    issuer: Option<String>,
    /// (verification method, controller) of every proof that verified.
    signers: Vec<(String, String)>,
}

impl Run {
    fn push(&mut self, code: CheckCode, outcome: Outcome, reason: Text) {
        self.checks.push(Check {
            code,
            outcome,
            reason,
        });
    }

    fn finish(mut self, credential: Option<Value>) -> Report {
        for code in CheckCode::ALL {
            if !self.checks.iter().any(|c| c.code == code) {
                self.push(
                    code,
                    Outcome::NotRun,
                    Text::new(
                        "Not checked: an earlier check failed, so this part cannot be trusted.",
                        "ไม่ได้ตรวจ: การตรวจก่อนหน้าไม่ผ่าน จึงเชื่อถือส่วนนี้ไม่ได้",
                    ),
                );
            }
        }
        self.checks
            .sort_by_key(|c| CheckCode::ALL.iter().position(|k| *k == c.code));
        Report {
            verdict: Report::decide(&self.checks),
            format: self.format,
            issuer: self.issuer,
            verification_methods: self.signers.into_iter().map(|(vm, _)| vm).collect(),
            checks: self.checks,
            credential,
        }
    }

    fn decode(&mut self, input: &[u8]) -> Option<Secured> {
        let text = match std::str::from_utf8(input) {
            Ok(t) => t.trim(),
            Err(_) => {
                self.push(
                    CheckCode::Format,
                    Outcome::Fail,
                    Text::new("The input is not UTF-8 text.", "ข้อมูลไม่ใช่ข้อความ UTF-8"),
                );
                return None;
            }
        };
        if text.starts_with('{') {
            match json::parse_strict(text.as_bytes()) {
                Ok(doc) => self.credential_shape(doc).map(Secured::Json),
                Err(e) => {
                    self.push(
                        CheckCode::Format,
                        Outcome::Fail,
                        Text::new(
                            format!("The credential is not valid JSON: {e}"),
                            format!("ข้อมูลไม่ใช่ JSON ที่ถูกต้อง: {e}"),
                        ),
                    );
                    None
                }
            }
        } else if text.split('.').count() == 3 && !text.contains(char::is_whitespace) {
            Some(Secured::Jwt(text.to_owned()))
        } else {
            self.push(
                CheckCode::Format,
                Outcome::Fail,
                Text::new(
                    "The input is neither a JSON credential nor a vc+jwt.",
                    "ข้อมูลไม่ใช่ใบรับรอง JSON หรือ vc+jwt",
                ),
            );
            None
        }
    }

    /// Checks the VCDM shape we need before any cryptography.
    fn credential_shape(&mut self, doc: Value) -> Option<Value> {
        let problem = if !doc.is_object() {
            Some("the credential is not a JSON object")
        } else if !has_type(&doc, "VerifiableCredential") {
            Some("`type` does not include VerifiableCredential")
        } else if doc.get("issuer").and_then(issuer_id).is_none() {
            Some("`issuer` is missing or has no id")
        } else if doc.get("credentialSubject").is_none() {
            Some("`credentialSubject` is missing")
        } else {
            None
        };
        match problem {
            Some(p) => {
                self.push(
                    CheckCode::Format,
                    Outcome::Fail,
                    Text::new(
                        format!("Not a verifiable credential: {p}."),
                        format!("ไม่ใช่ใบรับรองที่ตรวจสอบได้: {p}"),
                    ),
                );
                None
            }
            None => {
                self.issuer = doc.get("issuer").and_then(issuer_id).map(str::to_owned);
                Some(doc)
            }
        }
    }

    fn contexts(&mut self, doc: &Value) {
        match licence::check_contexts(doc) {
            Ok(()) => self.push(
                CheckCode::Contexts,
                Outcome::Pass,
                Text::new(
                    "Every context is pinned and shipped with elicence; nothing was fetched.",
                    "บริบททั้งหมดฝังมากับโปรแกรมและตรึงค่าแฮชไว้ ไม่มีการดึงข้อมูลจากเครือข่าย",
                ),
            ),
            Err(e) => self.push(
                CheckCode::Contexts,
                Outcome::Fail,
                Text::new(format!("{e}"), format!("บริบท JSON-LD ไม่ได้รับอนุญาต: {e}")),
            ),
        }
    }

    fn data_integrity(&mut self, doc: &Value, resolver: &OfflineResolver, now: OffsetDateTime) {
        self.push(
            CheckCode::Format,
            Outcome::Pass,
            Text::new(
                "A W3C verifiable credential with an embedded Data Integrity proof.",
                "ใบรับรองตามมาตรฐาน W3C พร้อมหลักฐานการลงนามแบบ Data Integrity",
            ),
        );
        self.format = Some(SecuredFormat::DataIntegrity {
            cryptosuites: cryptosuites(doc),
        });
        let now = now.format(&Rfc3339).ok();
        match proof::verify(doc, resolver, "assertionMethod", now.as_deref()) {
            Ok(verified) => {
                let suites: Vec<String> =
                    verified.iter().map(|p| p.suite.name().to_owned()).collect();
                self.signers = verified
                    .into_iter()
                    .map(|p| (p.verification_method, p.controller))
                    .collect();
                self.push(
                    CheckCode::Proof,
                    Outcome::Pass,
                    Text::new(
                        format!(
                            "The signature ({}) is valid: nothing was changed since signing.",
                            suites.join(", ")
                        ),
                        format!(
                            "ลายมือชื่อ ({}) ถูกต้อง: ข้อมูลไม่ถูกแก้ไขหลังการลงนาม",
                            suites.join(", ")
                        ),
                    ),
                );
            }
            Err(e) => self.proof_failed(e.to_string(), is_unresolved_proof(&e)),
        }
    }

    fn jwt(&mut self, jwt: &str, resolver: &OfflineResolver) -> Option<Value> {
        match jose::verify_vc_jwt(jwt, resolver) {
            Ok(verified) => {
                let alg = verified
                    .header
                    .get("alg")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                let doc = self.credential_shape(verified.credential)?;
                self.push(
                    CheckCode::Format,
                    Outcome::Pass,
                    Text::new(
                        "A W3C verifiable credential secured as vc+jwt.",
                        "ใบรับรองตามมาตรฐาน W3C ในรูปแบบ vc+jwt",
                    ),
                );
                self.format = Some(SecuredFormat::VcJwt { alg: alg.clone() });
                self.signers = vec![(verified.verification_method, verified.controller)];
                self.push(
                    CheckCode::Proof,
                    Outcome::Pass,
                    Text::new(
                        format!("The JWT signature ({alg}) is valid: nothing was changed since signing."),
                        format!("ลายมือชื่อ JWT ({alg}) ถูกต้อง: ข้อมูลไม่ถูกแก้ไขหลังการลงนาม"),
                    ),
                );
                Some(doc)
            }
            Err(e) => {
                if is_malformed_jwt(&e) {
                    self.push(
                        CheckCode::Format,
                        Outcome::Fail,
                        Text::new(
                            format!("Not a valid vc+jwt: {e}"),
                            format!("ไม่ใช่ vc+jwt ที่ถูกต้อง: {e}"),
                        ),
                    );
                } else {
                    self.push(
                        CheckCode::Format,
                        Outcome::Pass,
                        Text::new(
                            "A compact JWS claiming to be a vc+jwt.",
                            "ข้อมูลรูปแบบ JWS ที่อ้างว่าเป็น vc+jwt",
                        ),
                    );
                    let unresolved = matches!(&e, jose::JoseError::Resolve(d) if is_unavailable(d));
                    self.proof_failed(e.to_string(), unresolved);
                }
                None
            }
        }
    }

    fn proof_failed(&mut self, error: String, unresolved: bool) {
        if unresolved {
            self.push(
                CheckCode::Proof,
                Outcome::NotRun,
                Text::new(
                    format!("Cannot check the signature offline: {error}. Supply the issuer's DID document."),
                    format!("ไม่สามารถตรวจลายมือชื่อแบบออฟไลน์ได้: {error} โปรดระบุเอกสาร DID ของผู้ออก"),
                ),
            );
        } else {
            self.push(
                CheckCode::Proof,
                Outcome::Fail,
                Text::new(
                    format!("The signature is not valid: {error}. The credential may have been altered or forged."),
                    format!("ลายมือชื่อไม่ถูกต้อง: {error} ข้อมูลอาจถูกแก้ไขหรือปลอมแปลง"),
                ),
            );
        }
    }

    fn issuer_key(&mut self) {
        let Some(issuer) = self.issuer.clone() else {
            return;
        };
        if self.signers.is_empty() {
            return; // reported as not run by finish()
        }
        let foreign: Vec<&(String, String)> = self
            .signers
            .iter()
            .filter(|(_, controller)| *controller != issuer)
            .collect();
        if foreign.is_empty() {
            self.push(
                CheckCode::IssuerKey,
                Outcome::Pass,
                Text::new(
                    format!("The signing key belongs to the issuer {issuer}."),
                    format!("กุญแจที่ใช้ลงนามเป็นของผู้ออก {issuer}"),
                ),
            );
        } else {
            let (vm, controller) = foreign[0];
            self.push(
                CheckCode::IssuerKey,
                Outcome::Fail,
                Text::new(
                    format!(
                        "The credential names {issuer} as issuer, but it was signed with {vm}, a key controlled by {controller}: anyone could claim to be this issuer."
                    ),
                    format!(
                        "ใบรับรองระบุผู้ออกเป็น {issuer} แต่ลงนามด้วยกุญแจ {vm} ซึ่งเป็นของ {controller} จึงไม่อาจยืนยันว่าผู้ออกเป็นผู้ลงนามจริง"
                    ),
                ),
            );
        }
    }

    fn validity(&mut self, doc: &Value, now: OffsetDateTime) {
        let (from_key, until_key) =
            if doc.get("issuanceDate").is_some() && doc.get("validFrom").is_none() {
                ("issuanceDate", "expirationDate")
            } else {
                ("validFrom", "validUntil")
            };
        let from = match date_field(doc, from_key) {
            Ok(d) => d,
            Err(reason) => return self.push(CheckCode::Validity, Outcome::Fail, reason),
        };
        let until = match date_field(doc, until_key) {
            Ok(d) => d,
            Err(reason) => return self.push(CheckCode::Validity, Outcome::Fail, reason),
        };
        let stamp = |d: OffsetDateTime| d.format(&Rfc3339).unwrap_or_default();
        if let Some(from) = from.filter(|f| now < *f) {
            return self.push(
                CheckCode::Validity,
                Outcome::Fail,
                Text::new(
                    format!("Not yet valid: valid from {}.", stamp(from)),
                    format!("ยังไม่มีผล: เริ่มมีผล {}", stamp(from)),
                ),
            );
        }
        if let Some(until) = until.filter(|u| now > *u) {
            return self.push(
                CheckCode::Validity,
                Outcome::Fail,
                Text::new(
                    format!("Expired on {}.", stamp(until)),
                    format!("หมดอายุแล้วเมื่อ {}", stamp(until)),
                ),
            );
        }
        let window = match (from, until) {
            (Some(f), Some(u)) => format!("{} – {}", stamp(f), stamp(u)),
            (Some(f), None) => format!("{} –", stamp(f)),
            (None, Some(u)) => format!("– {}", stamp(u)),
            (None, None) => "no dates".to_owned(),
        };
        self.push(
            CheckCode::Validity,
            Outcome::Pass,
            Text::new(
                format!("In force now ({window})."),
                format!("มีผลอยู่ในขณะนี้ ({window})"),
            ),
        );
    }

    fn licence_data(&mut self, doc: &Value) {
        if !has_type(doc, "BusinessLicenceCredential") {
            return self.push(
                CheckCode::LicenceData,
                Outcome::Warning,
                Text::new(
                    "Not a business licence credential: licence fields were not checked.",
                    "ไม่ใช่ใบอนุญาตประกอบธุรกิจ จึงไม่ได้ตรวจข้อมูลใบอนุญาต",
                ),
            );
        }
        match licence::BusinessLicence::from_credential(doc) {
            Ok(_) => self.push(
                CheckCode::LicenceData,
                Outcome::Pass,
                Text::new(
                    "Licence number, licence IRI and holder ID are consistent and well formed.",
                    "เลขที่ใบอนุญาต IRI และเลขประจำตัวผู้ถือถูกต้องและสอดคล้องกัน",
                ),
            ),
            Err(e) => self.push(
                CheckCode::LicenceData,
                Outcome::Fail,
                Text::new(
                    format!("Licence data is malformed: {e}"),
                    format!("ข้อมูลใบอนุญาตไม่ถูกต้อง: {e}"),
                ),
            ),
        }
    }
}

fn has_type(doc: &Value, wanted: &str) -> bool {
    match doc.get("type") {
        Some(Value::String(t)) => t == wanted,
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

fn issuer_id(issuer: &Value) -> Option<&str> {
    match issuer {
        Value::String(id) => Some(id),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

fn cryptosuites(doc: &Value) -> Vec<String> {
    let one = |p: &Value| {
        p.get("cryptosuite")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    match doc.get("proof") {
        Some(Value::Array(ps)) => ps.iter().map(one).collect(),
        Some(p) => vec![one(p)],
        None => Vec::new(),
    }
}

fn date_field(doc: &Value, key: &str) -> Result<Option<OffsetDateTime>, Text> {
    match doc.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => OffsetDateTime::parse(s, &Rfc3339).map(Some).map_err(|_| {
            Text::new(
                format!("`{key}` is not a date-time with a time zone: {s:?}."),
                format!("`{key}` ไม่ใช่วันเวลาที่มีเขตเวลา: {s:?}"),
            )
        }),
        Some(_) => Err(Text::new(
            format!("`{key}` is not a string."),
            format!("`{key}` ไม่ใช่ข้อความ"),
        )),
    }
}

fn is_unresolved_proof(e: &proof::ProofError) -> bool {
    matches!(e, proof::ProofError::Resolve(d) if is_unavailable(d))
}

/// Missing trust material is "cannot decide", not "forged".
fn is_unavailable(e: &DidError) -> bool {
    matches!(e, DidError::DocumentNotFound(_))
}

/// Errors that mean "this is not a vc+jwt at all" rather than "bad signature".
fn is_malformed_jwt(e: &jose::JoseError) -> bool {
    use jose::JoseError as J;
    matches!(
        e,
        J::Malformed(_)
            | J::BadBase64(_)
            | J::BadJson { .. }
            | J::PayloadNotObject
            | J::WrongType(_)
            | J::WrongContentType(_)
    )
}
