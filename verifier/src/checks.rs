//! The checks themselves, run in a fixed order; later checks that depend on
//! an earlier failure are reported as not run rather than silently dropped.

use std::collections::BTreeSet;

use elicence_core::did::{DidError, OfflineResolver};
use elicence_core::jsonld::JsonLdError;
use elicence_core::{jose, json, licence, proof};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::bundle::TrustBundle;
use crate::report::{Check, CheckCode, Outcome, Report, SecuredFormat, Text};
use crate::status::StatusSnapshot;
#[cfg(feature = "sd-jwt")]
use crate::status::TokenStatusSnapshot;

/// What the caller decides about how to verify without a trust bundle.
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
    /// What a presentation must answer (challenge, domain); none for credentials.
    pub presentation: Option<PresentationRequest>,
    /// How a credential's `credentialStatus` is checked: by default it must
    /// be, on [`StatusOptions::lists`] the caller fetched or holds, or the
    /// verdict is cannot-decide.
    pub status: StatusOptions,
}

impl Policy {
    /// Full verification at `now`, with no DID documents and no status lists
    /// (a credential with a status entry is then cannot-decide).
    pub fn at(now: OffsetDateTime) -> Self {
        Policy {
            now,
            proof_only: false,
            resolver: OfflineResolver::new(),
            presentation: None,
            status: StatusOptions::default(),
        }
    }
}

/// Status checking: a credential that names a status list is never judged
/// without one, unless the caller says so.
#[derive(Debug, Clone)]
pub struct StatusOptions {
    /// `false` only when the user opted out explicitly (`--no-status`): the
    /// status check is then reported as skipped, never as passed.
    pub check: bool,
    /// Status lists the caller fetched (`--online`) or holds (the issuer
    /// service's own), each accepted by
    /// [`crate::status::verify_list_credential`]; with a bundle, these are
    /// preferred over the bundle's snapshots of the same URL.
    pub lists: Vec<StatusSnapshot>,
    /// Token Status Lists the caller fetched or holds, each accepted by
    /// [`crate::status::verify_status_list_token`] (for SD-JWT VC licences).
    #[cfg(feature = "sd-jwt")]
    pub token_lists: Vec<TokenStatusSnapshot>,
    /// A list whose `validFrom` (Token Status List: `iat`) is older than
    /// this cannot show a recent revocation: the status is unknown.
    pub max_age: Duration,
}

impl Default for StatusOptions {
    /// Checked, no lists of the caller's own, lists up to 7 days old.
    fn default() -> Self {
        StatusOptions {
            check: true,
            lists: Vec::new(),
            #[cfg(feature = "sd-jwt")]
            token_lists: Vec::new(),
            max_age: Duration::days(7),
        }
    }
}

impl StatusOptions {
    /// The caller's list for `url`, if any.
    pub(crate) fn list(&self, url: &str) -> Option<&StatusSnapshot> {
        self.lists.iter().find(|s| s.list.url == url)
    }
}

/// What the caller decides about verifying with a trust bundle.
#[derive(Debug, Clone)]
pub struct TrustPolicy {
    /// Status lists whose `validFrom` is older than this (at `now`) cannot
    /// show a recent revocation, so the status is "unknown" and the verdict
    /// cannot-decide.
    pub max_status_age: Duration,
    /// What a presentation must answer (challenge, domain); none for credentials.
    pub presentation: Option<PresentationRequest>,
    /// `false` only when the user opted out explicitly (`--no-status`).
    pub check_status: bool,
    /// Status lists fetched by the caller (`--online`), each accepted by
    /// [`crate::status::verify_list_credential`] with the bundle's resolver;
    /// preferred over the bundle's snapshots of the same URL.
    pub status_lists: Vec<StatusSnapshot>,
    /// Token Status Lists fetched by the caller (`--online`), each accepted
    /// by [`crate::status::verify_status_list_token`] with the bundle's
    /// resolver; preferred over the bundle's snapshots of the same URI.
    #[cfg(feature = "sd-jwt")]
    pub token_status_lists: Vec<TokenStatusSnapshot>,
}

impl Default for TrustPolicy {
    /// Lists up to 7 days old, status checked; no presentation expected.
    fn default() -> Self {
        TrustPolicy {
            max_status_age: Duration::days(7),
            presentation: None,
            check_status: true,
            status_lists: Vec::new(),
            #[cfg(feature = "sd-jwt")]
            token_status_lists: Vec::new(),
        }
    }
}

/// The verifier's side of a presentation exchange. The verifier stays pure:
/// the caller keeps the set of challenges already used and records each
/// report's `consumed_challenge` into it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PresentationRequest {
    /// The challenge the verifier issued for this exchange.
    pub challenge: String,
    /// The verifier's domain the presentation must be bound to.
    pub domain: String,
    /// Challenges already used: a presentation answering one of them is a replay.
    pub seen_challenges: BTreeSet<String>,
}

/// Verifies a credential (JSON Data Integrity, compact `vc+jwt`, QR payload)
/// or a presentation without a trust bundle: proves integrity and the
/// issuer's key ownership, but not that the issuer is a real agency.
/// Never panics on any input.
pub fn verify(input: &[u8], policy: &Policy) -> Report {
    let ctx = Ctx {
        now: policy.now,
        resolver: &policy.resolver,
        mode: Mode::Basic {
            proof_only: policy.proof_only,
            status: &policy.status,
        },
        presentation: policy.presentation.as_ref(),
    };
    ctx.verify_input(input)
}

/// Verifies a credential or presentation against a trust bundle at `now`:
/// everything [`verify`] checks, plus a recognised agency, its key in force
/// when it signed, its authority for the licence type, revocation and
/// suspension, and the catalogue's requirements. The issuer's name in the
/// report comes from the trust list. Never panics on any input.
pub fn verify_with_bundle(
    input: &[u8],
    bundle: &TrustBundle,
    now: OffsetDateTime,
    policy: &TrustPolicy,
) -> Report {
    let ctx = Ctx {
        now,
        resolver: &bundle.resolver,
        mode: Mode::Bundle { bundle, policy },
        presentation: policy.presentation.as_ref(),
    };
    ctx.verify_input(input)
}

#[derive(Clone, Copy)]
pub(crate) enum Mode<'a> {
    Basic {
        proof_only: bool,
        status: &'a StatusOptions,
    },
    Bundle {
        bundle: &'a TrustBundle,
        policy: &'a TrustPolicy,
    },
}

#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub(crate) now: OffsetDateTime,
    pub(crate) resolver: &'a OfflineResolver,
    pub(crate) mode: Mode<'a>,
    pub(crate) presentation: Option<&'a PresentationRequest>,
}

pub(crate) enum Secured {
    Json(Value),
    Jwt(String),
    /// An SD-JWT VC, with or without a Key Binding JWT.
    SdJwt(String),
}

impl Ctx<'_> {
    fn credential_order(&self) -> &'static [CheckCode] {
        match self.mode {
            Mode::Basic { .. } => &CheckCode::WITHOUT_BUNDLE,
            Mode::Bundle { .. } => &CheckCode::WITH_BUNDLE,
        }
    }

    fn verify_input(&self, input: &[u8]) -> Report {
        let mut run = Run::default();
        if let Mode::Bundle { bundle, .. } = self.mode {
            run.trust_bundle(bundle, self.now);
        }
        match run.decode(input) {
            None => run.finish(None, self.credential_order()),
            Some(Secured::Json(doc)) if has_type(&doc, "VerifiablePresentation") => {
                crate::presentation::verify_presentation(self, doc)
            }
            Some(Secured::SdJwt(text)) => self.verify_sd_jwt(run, &text),
            Some(secured) => {
                let shaped = match secured {
                    Secured::Json(doc) => run.credential_shape(doc).map(Secured::Json),
                    jwt => Some(jwt),
                };
                match shaped {
                    Some(s) => self.verify_credential(run, s),
                    None => run.finish(None, self.credential_order()),
                }
            }
        }
    }

    /// An SD-JWT VC (docs/sd-jwt.md); refused by name in a build without it.
    fn verify_sd_jwt(&self, run: Run, text: &str) -> Report {
        #[cfg(feature = "sd-jwt")]
        return crate::sd_jwt::verify_sd_jwt(self, run, text);
        #[cfg(not(feature = "sd-jwt"))]
        {
            let _ = text;
            let mut run = run;
            run.push(
                CheckCode::Format,
                Outcome::NotRun,
                Text::new(
                    "An SD-JWT VC: this verifier was built without SD-JWT VC support (feature sd-jwt).",
                    "ใบรับรองแบบ SD-JWT VC: ตัวตรวจสอบนี้ไม่รองรับ SD-JWT VC",
                ),
            );
            run.finish(None, self.credential_order())
        }
    }

    /// Verifies one decoded credential; `run` may already hold the trust-bundle check.
    pub(crate) fn verify_credential(&self, mut run: Run, secured: Secured) -> Report {
        let (credential, spelled_as_signed) = match secured {
            Secured::Json(doc) => {
                let ok = run.contexts(&doc, self.mode);
                run.data_integrity(&doc, self.resolver, self.now);
                (doc, ok)
            }
            Secured::Jwt(jwt) => match run.jwt(&jwt, self.resolver) {
                Some(doc) => {
                    let ok = run.contexts(&doc, self.mode);
                    (doc, ok)
                }
                None => return run.finish(None, self.credential_order()),
            },
            Secured::SdJwt(text) => return self.verify_sd_jwt(run, &text),
        };
        // Only signed content is worth judging, and only when its JSON says
        // exactly what was signed: otherwise every later check would judge
        // a view the signer never vouched for, so they are left "not run".
        let signed = !run.signers.is_empty() && spelled_as_signed;
        match self.mode {
            Mode::Basic {
                proof_only: true, ..
            } => {
                let skipped = |code| Check {
                    code,
                    outcome: Outcome::Skipped,
                    reason: Text::new(
                        "Skipped: --proof-only checks the proof alone.",
                        "ข้าม: ตรวจเฉพาะลายมือชื่อ (--proof-only)",
                    ),
                };
                for code in [
                    CheckCode::IssuerKey,
                    CheckCode::Validity,
                    CheckCode::Status,
                    CheckCode::LicenceData,
                ] {
                    run.checks.push(skipped(code));
                }
            }
            Mode::Basic {
                proof_only: false,
                status,
            } => {
                if signed {
                    run.issuer_key();
                    run.validity(&credential, self.now);
                    if status.check {
                        let refresh = Text::new(
                            "Fetch it (--online) or verify with a trust bundle; --no-status skips the check explicitly.",
                            "ดึงรายการสถานะ (--online) หรือตรวจด้วยชุดข้อมูลความเชื่อถือ หรือใช้ --no-status เพื่อข้ามการตรวจโดยชัดแจ้ง",
                        );
                        run.status(
                            &|url| status.list(url),
                            status.max_age,
                            &credential,
                            self.now,
                            &refresh,
                            Outcome::Pass,
                        );
                    } else {
                        run.status_skipped(&credential);
                    }
                    run.licence_data(&credential);
                }
            }
            Mode::Bundle { bundle, policy } => {
                // An issuer that is not on the trust list is rejected whether
                // or not the signature held: failing on a claim is safe.
                let agency = run.issuer_trusted(bundle, signed);
                if signed {
                    run.issuer_key();
                    if let Some(agency) = agency {
                        run.key_window(bundle, agency, &credential, self.now);
                        run.issuer_authorised(bundle, agency, &credential);
                        if policy.check_status {
                            let lookup = |url: &str| {
                                policy
                                    .status_lists
                                    .iter()
                                    .find(|s| s.list.url == url)
                                    .or_else(|| bundle.status_list(url))
                            };
                            let refresh = Text::new(
                                "Refresh the bundle, or fetch the list (--online).",
                                "โปรดปรับปรุงชุดข้อมูล หรือดึงรายการสถานะ (--online)",
                            );
                            run.status(
                                &lookup,
                                policy.max_status_age,
                                &credential,
                                self.now,
                                &refresh,
                                Outcome::Warning,
                            );
                        } else {
                            run.status_skipped(&credential);
                        }
                    }
                    run.validity(&credential, self.now);
                    run.licence_data(&credential);
                    run.subject_schema(bundle, &credential);
                }
            }
        }
        let verified = signed.then_some(credential);
        run.finish(verified, self.credential_order())
    }
}

/// A signature that verified.
#[derive(Debug, Clone)]
pub(crate) struct Signer {
    pub(crate) verification_method: String,
    pub(crate) controller: String,
    /// When the signer says it signed (DI `created`, JWT `iat`).
    pub(crate) created: Option<String>,
}

#[derive(Default)]
pub(crate) struct Run {
    pub(crate) checks: Vec<Check>,
    pub(crate) format: Option<SecuredFormat>,
    pub(crate) issuer: Option<String>,
    pub(crate) issuer_name: Option<Text>,
    /// Every proof that verified.
    pub(crate) signers: Vec<Signer>,
}

impl Run {
    pub(crate) fn push(&mut self, code: CheckCode, outcome: Outcome, reason: Text) {
        self.checks.push(Check {
            code,
            outcome,
            reason,
        });
    }

    pub(crate) fn finish(mut self, credential: Option<Value>, order: &[CheckCode]) -> Report {
        for &code in order {
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
            .sort_by_key(|c| order.iter().position(|k| *k == c.code));
        Report {
            verdict: Report::decide(&self.checks),
            format: self.format,
            issuer: self.issuer,
            issuer_name: self.issuer_name,
            holder: None,
            verification_methods: self
                .signers
                .into_iter()
                .map(|s| s.verification_method)
                .collect(),
            checks: self.checks,
            credential,
            credentials: Vec::new(),
            consumed_challenge: None,
            disclosed: Vec::new(),
        }
    }

    pub(crate) fn decode(&mut self, input: &[u8]) -> Option<Secured> {
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
                Ok(doc) => Some(Secured::Json(doc)),
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
        } else if elicence_core::qr::is_elicence_payload(text) {
            self.qr(text)
        } else if looks_like_sd_jwt(text) {
            Some(Secured::SdJwt(text.to_owned()))
        } else if text.split('.').count() == 3 && !text.contains(char::is_whitespace) {
            Some(Secured::Jwt(text.to_owned()))
        } else {
            self.push(
                CheckCode::Format,
                Outcome::Fail,
                Text::new(
                    "The input is neither a JSON credential or presentation, a vc+jwt, an SD-JWT VC, nor an elicence QR payload.",
                    "ข้อมูลไม่ใช่ใบรับรองหรือการแสดงใบรับรองแบบ JSON, vc+jwt, SD-JWT VC หรือข้อมูล QR ของ elicence",
                ),
            );
            None
        }
    }

    /// A QR payload (`LC2:…`, or `LC1:…` on licences printed before LC2):
    /// the credential it carries, decoded exactly.
    fn qr(&mut self, payload: &str) -> Option<Secured> {
        match elicence_core::qr::decode(payload) {
            Ok(elicence_core::qr::Secured::Json(doc)) => Some(Secured::Json(doc)),
            Ok(elicence_core::qr::Secured::Jwt(jwt)) => Some(Secured::Jwt(jwt)),
            Err(e) => {
                self.push(
                    CheckCode::Format,
                    Outcome::Fail,
                    Text::new(
                        format!("Not a readable elicence QR payload: {e}"),
                        format!("ข้อมูล QR ของ elicence อ่านไม่ได้: {e}"),
                    ),
                );
                None
            }
        }
    }

    /// Checks the VCDM shape we need before any cryptography.
    pub(crate) fn credential_shape(&mut self, doc: Value) -> Option<Value> {
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

    /// Contexts pinned, and the JSON spelled exactly as its contexts define
    /// what it means (so the checks that read it by term names judge what
    /// was signed). Returns whether both hold.
    pub(crate) fn contexts(&mut self, doc: &Value, mode: Mode<'_>) -> bool {
        if let Err(e) = licence::check_contexts(doc) {
            self.push(
                CheckCode::Contexts,
                Outcome::Fail,
                Text::new(format!("{e}"), format!("บริบท JSON-LD ไม่ได้รับอนุญาต: {e}")),
            );
            return false;
        }
        if let Mode::Bundle { bundle, .. } = mode {
            if let Some(url) = context_urls(doc).into_iter().find(|u| !bundle.pins(u)) {
                self.push(
                    CheckCode::Contexts,
                    Outcome::Fail,
                    Text::new(
                        format!("The context {url} is not pinned by the trust bundle."),
                        format!("บริบท {url} ไม่อยู่ในรายการที่ชุดข้อมูลความเชื่อถือตรึงไว้"),
                    ),
                );
                return false;
            }
        }
        if let Err(e) = proof::check_spelling(doc) {
            self.push(CheckCode::Contexts, Outcome::Fail, respelled(&e));
            return false;
        }
        self.push(
            CheckCode::Contexts,
            Outcome::Pass,
            Text::new(
                "Every context is pinned and shipped with elicence (nothing was fetched), and the JSON is written exactly as its contexts define what was signed.",
                "บริบททั้งหมดฝังมากับโปรแกรมและตรึงค่าแฮชไว้ ไม่มีการดึงข้อมูลจากเครือข่าย และข้อมูล JSON เขียนตรงตามความหมายที่ลงนามไว้",
            ),
        );
        true
    }

    /// The status check when the user switched it off explicitly.
    pub(crate) fn status_skipped(&mut self, credential: &Value) {
        let reason = if credential.get("credentialStatus").is_some() {
            Text::new(
                "NOT CHECKED: the credential names a status list, but status checking was switched off (--no-status); it may have been revoked or suspended.",
                "ไม่ได้ตรวจ: ใบรับรองมีรายการสถานะ แต่ผู้ใช้ปิดการตรวจสถานะ (--no-status) ใบรับรองอาจถูกเพิกถอนหรือพักใช้แล้ว",
            )
        } else {
            Text::new(
                "Skipped (--no-status); the credential has no status entry anyway.",
                "ข้าม (--no-status) และใบรับรองไม่มีข้อมูลสถานะ",
            )
        };
        self.push(CheckCode::Status, Outcome::Skipped, reason);
    }

    pub(crate) fn data_integrity(
        &mut self,
        doc: &Value,
        resolver: &OfflineResolver,
        now: OffsetDateTime,
    ) {
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
                    .map(|p| Signer {
                        verification_method: p.verification_method,
                        controller: p.controller,
                        created: p.created,
                    })
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
            Err(proof::ProofError::JsonLd(e @ JsonLdError::Respelled { .. })) => {
                self.push(CheckCode::Proof, Outcome::Fail, respelled(&e))
            }
            Err(e) => self.proof_failed(e.to_string(), is_unresolved_proof(&e)),
        }
    }

    pub(crate) fn jwt(&mut self, jwt: &str, resolver: &OfflineResolver) -> Option<Value> {
        match jose::verify_vc_jwt(jwt, resolver) {
            Ok(verified) => {
                let alg = verified
                    .header
                    .get("alg")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                let created = jwt_issued_at(&verified.credential);
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
                self.signers = vec![Signer {
                    verification_method: verified.verification_method,
                    controller: verified.controller,
                    created,
                }];
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

    pub(crate) fn issuer_key(&mut self) {
        let Some(issuer) = self.issuer.clone() else {
            return;
        };
        if self.signers.is_empty() {
            return; // reported as not run by finish()
        }
        let foreign: Vec<&Signer> = self
            .signers
            .iter()
            .filter(|s| s.controller != issuer)
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
            let (vm, controller) = (&foreign[0].verification_method, &foreign[0].controller);
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

    pub(crate) fn validity(&mut self, doc: &Value, now: OffsetDateTime) {
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

    pub(crate) fn licence_data(&mut self, doc: &Value) {
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

/// Whether `text` is shaped like an SD-JWT: no whitespace, a `~`, and a
/// compact JWS before the first `~`.
pub(crate) fn looks_like_sd_jwt(text: &str) -> bool {
    !text.contains(char::is_whitespace)
        && text
            .split_once('~')
            .is_some_and(|(jwt, _)| jwt.split('.').count() == 3)
}

/// The reason given when a document's JSON is not the canonical spelling of
/// what it means.
fn respelled(e: &dyn std::fmt::Display) -> Text {
    Text::new(
        format!("The JSON does not say exactly what was signed: {e}. The same signed data written another way could hide a status entry or a date from these checks, so it is refused."),
        format!("ข้อมูล JSON ไม่ตรงกับสิ่งที่ลงนามไว้: {e} ข้อมูลที่ลงนามเดียวกันแต่เขียนต่างรูปแบบอาจซ่อนข้อมูลสถานะหรือวันที่จากการตรวจได้ จึงปฏิเสธ"),
    )
}

/// Every context URL of a document: top level and in its proofs.
pub(crate) fn context_urls(doc: &Value) -> Vec<&str> {
    fn urls(ctx: Option<&Value>) -> Vec<&str> {
        match ctx {
            Some(Value::String(s)) => vec![s],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
    let mut out = urls(doc.get("@context"));
    match doc.get("proof") {
        Some(Value::Array(ps)) => ps.iter().for_each(|p| out.extend(urls(p.get("@context")))),
        Some(p) => out.extend(urls(p.get("@context"))),
        None => {}
    }
    out
}

/// A vc+jwt's signing time: the JWT `iat` if present (RFC 7519 NumericDate),
/// else the credential's own `validFrom`.
fn jwt_issued_at(credential: &Value) -> Option<String> {
    if let Some(iat) = credential.get("iat").and_then(Value::as_i64) {
        return OffsetDateTime::from_unix_timestamp(iat)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok());
    }
    credential
        .get("validFrom")
        .or_else(|| credential.get("issuanceDate"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

pub(crate) fn has_type(doc: &Value, wanted: &str) -> bool {
    match doc.get("type") {
        Some(Value::String(t)) => t == wanted,
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

pub(crate) fn issuer_id(issuer: &Value) -> Option<&str> {
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
