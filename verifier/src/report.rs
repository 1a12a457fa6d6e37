//! The verification report: one entry per check, each with a stable machine
//! code and a plain-language reason in Thai and English, plus an overall verdict.
//!
//! Inspectors and auditors read the text; scripts and the browser app read the
//! codes. Codes never change meaning once published.

use serde::Serialize;

/// Overall answer to "can I trust this licence?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every required check ran and passed.
    Valid,
    /// At least one required check failed.
    Invalid,
    /// Nothing failed, but a required check could not run (e.g. the issuer's
    /// DID document is not available offline). Never treat this as valid.
    CannotDecide,
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The check ran and the credential satisfied it.
    Pass,
    /// The check ran and the credential violated it.
    Fail,
    /// Worth a human's attention, but not a reason to reject.
    Warning,
    /// The check could not run (missing input, or an earlier check failed).
    NotRun,
    /// The check was switched off by the caller's policy (e.g. `--proof-only`).
    Skipped,
}

/// Stable identifiers of the checks, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckCode {
    /// The input parses as a credential in one of our formats.
    Format,
    /// Every JSON-LD context is one we ship, pinned by hash (nothing fetched).
    Contexts,
    /// The cryptographic proof (Data Integrity or JOSE) verifies.
    Proof,
    /// The issuer is the controller of the key that signed.
    IssuerKey,
    /// `now` lies inside the credential's validity window.
    Validity,
    /// The licence fields are well formed (Thai ID check digit, licence IRI).
    LicenceData,
    /// The trust bundle is in force at `now` (bundle mode).
    TrustBundle,
    /// The issuer is an agency on the trust list (bundle mode).
    IssuerTrusted,
    /// The signing key is the agency's and was in its validity window when
    /// the proof was created (bundle mode).
    KeyWindow,
    /// The agency may issue this licence type (bundle mode).
    IssuerAuthorised,
    /// Not revoked or suspended per a status list in force and recent enough
    /// (the bundle's snapshot or a list the caller supplied).
    Status,
    /// The licence type is in the catalogue and the subject has the fields it requires (bundle mode).
    SubjectSchema,
    /// The presentation's own proof (`authentication`) verifies and was made by its holder.
    PresentationProof,
    /// The presentation answers the verifier's challenge, which was not used before.
    Challenge,
    /// The presentation is bound to the verifier's domain.
    Domain,
    /// Every presented credential is about the holder (`credentialSubject.id` = holder).
    HolderBinding,
    /// Every presented credential verifies on its own (see the nested reports).
    Credentials,
}

impl CheckCode {
    /// The checks of a credential verified without a trust bundle, in report order.
    pub const WITHOUT_BUNDLE: [CheckCode; 7] = [
        CheckCode::Format,
        CheckCode::Contexts,
        CheckCode::Proof,
        CheckCode::IssuerKey,
        CheckCode::Validity,
        CheckCode::Status,
        CheckCode::LicenceData,
    ];

    /// The checks of a credential verified with a trust bundle, in report order.
    pub const WITH_BUNDLE: [CheckCode; 12] = [
        CheckCode::TrustBundle,
        CheckCode::Format,
        CheckCode::Contexts,
        CheckCode::Proof,
        CheckCode::IssuerKey,
        CheckCode::IssuerTrusted,
        CheckCode::KeyWindow,
        CheckCode::IssuerAuthorised,
        CheckCode::Validity,
        CheckCode::Status,
        CheckCode::LicenceData,
        CheckCode::SubjectSchema,
    ];

    /// The checks of an SD-JWT VC verified without a trust bundle, in report
    /// order: the Key Binding JWT is judged by `holder-binding` (signed with
    /// the credential's `cnf` key over what was presented), `challenge`
    /// (its nonce) and `domain` (its audience).
    pub const SD_JWT_WITHOUT_BUNDLE: [CheckCode; 9] = [
        CheckCode::Format,
        CheckCode::Proof,
        CheckCode::HolderBinding,
        CheckCode::Challenge,
        CheckCode::Domain,
        CheckCode::IssuerKey,
        CheckCode::Validity,
        CheckCode::Status,
        CheckCode::LicenceData,
    ];

    /// The checks of an SD-JWT VC verified with a trust bundle, in report order.
    pub const SD_JWT_WITH_BUNDLE: [CheckCode; 14] = [
        CheckCode::TrustBundle,
        CheckCode::Format,
        CheckCode::Proof,
        CheckCode::HolderBinding,
        CheckCode::Challenge,
        CheckCode::Domain,
        CheckCode::IssuerKey,
        CheckCode::IssuerTrusted,
        CheckCode::KeyWindow,
        CheckCode::IssuerAuthorised,
        CheckCode::Validity,
        CheckCode::Status,
        CheckCode::LicenceData,
        CheckCode::SubjectSchema,
    ];

    /// The checks of a presentation itself (each credential in it gets its own report).
    pub const PRESENTATION: [CheckCode; 7] = [
        CheckCode::Format,
        CheckCode::Contexts,
        CheckCode::PresentationProof,
        CheckCode::Challenge,
        CheckCode::Domain,
        CheckCode::HolderBinding,
        CheckCode::Credentials,
    ];

    /// The stable machine code, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckCode::Format => "format",
            CheckCode::Contexts => "contexts",
            CheckCode::Proof => "proof",
            CheckCode::IssuerKey => "issuer-key",
            CheckCode::Validity => "validity",
            CheckCode::LicenceData => "licence-data",
            CheckCode::TrustBundle => "trust-bundle",
            CheckCode::IssuerTrusted => "issuer-trusted",
            CheckCode::KeyWindow => "key-window",
            CheckCode::IssuerAuthorised => "issuer-authorised",
            CheckCode::Status => "status",
            CheckCode::SubjectSchema => "subject-schema",
            CheckCode::PresentationProof => "presentation-proof",
            CheckCode::Challenge => "challenge",
            CheckCode::Domain => "domain",
            CheckCode::HolderBinding => "holder-binding",
            CheckCode::Credentials => "credentials",
        }
    }

    /// A short bilingual title for human reports.
    pub fn title(self) -> Text {
        match self {
            CheckCode::Format => Text::new("Format", "รูปแบบข้อมูล"),
            CheckCode::Contexts => Text::new("JSON-LD contexts", "บริบท JSON-LD"),
            CheckCode::Proof => Text::new("Signature", "ลายมือชื่อดิจิทัล"),
            CheckCode::IssuerKey => Text::new("Issuer owns the key", "ผู้ออกเป็นเจ้าของกุญแจ"),
            CheckCode::Validity => Text::new("Validity period", "ระยะเวลาที่มีผล"),
            CheckCode::LicenceData => Text::new("Licence data", "ข้อมูลใบอนุญาต"),
            CheckCode::TrustBundle => Text::new("Trust bundle", "ชุดข้อมูลความเชื่อถือ"),
            CheckCode::IssuerTrusted => Text::new("Recognised agency", "หน่วยงานที่ได้รับการรับรอง"),
            CheckCode::KeyWindow => Text::new("Key in force when signed", "กุญแจมีผลในวันที่ลงนาม"),
            CheckCode::IssuerAuthorised => Text::new(
                "Authorised for this licence type",
                "มีอำนาจออกใบอนุญาตประเภทนี้",
            ),
            CheckCode::Status => Text::new("Revocation and suspension", "การเพิกถอนและการพักใช้"),
            CheckCode::SubjectSchema => {
                Text::new("Catalogue requirements", "ข้อกำหนดตามทะเบียนประเภทใบอนุญาต")
            }
            CheckCode::PresentationProof => Text::new("Presenter's signature", "ลายมือชื่อของผู้แสดง"),
            CheckCode::Challenge => Text::new("Fresh challenge", "รหัสท้าทายใหม่"),
            CheckCode::Domain => Text::new("Intended verifier", "ผู้ตรวจสอบที่ระบุ"),
            CheckCode::HolderBinding => {
                Text::new("Presenter is the licence holder", "ผู้แสดงเป็นผู้ถือใบอนุญาต")
            }
            CheckCode::Credentials => Text::new("Presented licences", "ใบอนุญาตที่แสดง"),
        }
    }
}

/// A message in both languages the inspector may choose between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    /// English.
    pub en: String,
    /// Thai.
    pub th: String,
}

impl Text {
    /// Pairs an English and a Thai message.
    pub fn new(en: impl Into<String>, th: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            th: th.into(),
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Which check this is.
    pub code: CheckCode,
    /// What happened.
    pub outcome: Outcome,
    /// Why, in plain language.
    pub reason: Text,
}

/// Which securing mechanism the input used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum SecuredFormat {
    /// An embedded Data Integrity proof (or proof set) with these cryptosuites.
    DataIntegrity {
        /// Cryptosuite names, one per proof.
        cryptosuites: Vec<String>,
    },
    /// A VC-JOSE-COSE `vc+jwt` compact JWS.
    VcJwt {
        /// The JOSE `alg`.
        alg: String,
    },
    /// An SD-JWT VC (`dc+sd-jwt`), possibly with a Key Binding JWT.
    SdJwtVc {
        /// The JOSE `alg` of the Issuer-signed JWT.
        alg: String,
        /// The `vct` (credential type).
        vct: String,
        /// How many Disclosures the holder presented.
        disclosures: usize,
        /// Whether a Key Binding JWT was appended.
        key_binding: bool,
    },
}

/// One claim a holder disclosed from an SD-JWT VC, for the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisclosedClaim {
    /// Where it sits, e.g. `licensee.juristicPersonId` or `conditions[0]`.
    pub path: String,
    /// What it is, in both languages (from the licence type's claim metadata).
    pub label: Text,
    /// The value, exactly as disclosed.
    pub value: serde_json::Value,
}

/// The whole verification result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The overall answer.
    pub verdict: Verdict,
    /// The securing format, once recognised.
    pub format: Option<SecuredFormat>,
    /// The issuer's identifier as the credential states it.
    pub issuer: Option<String>,
    /// The issuer's official name from the trust list (never the credential's
    /// own claim); only in bundle mode, once the issuer is recognised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_name: Option<Text>,
    /// The presentation's holder (presentations only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// The verification methods whose signatures verified.
    pub verification_methods: Vec<String>,
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// The credential, only when its proof verified (the JWT payload for `vc+jwt`).
    pub credential: Option<serde_json::Value>,
    /// One report per presented credential (presentations only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<Report>,
    /// The challenge this presentation used up: the caller must add it to the
    /// set of seen challenges so the same presentation cannot be replayed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_challenge: Option<String>,
    /// SD-JWT VC only: the claims the holder disclosed, each labelled; the
    /// rest were withheld (and `credential` holds the same, as JSON).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub disclosed: Vec<DisclosedClaim>,
}

impl Report {
    /// Derives the verdict from the checks: fails closed, so anything that did
    /// not run counts against the credential.
    pub(crate) fn decide(checks: &[Check]) -> Verdict {
        // A presentation's nested reports are folded in through its
        // `credentials` check, so the checks alone decide.
        if checks.iter().any(|c| c.outcome == Outcome::Fail) {
            Verdict::Invalid
        } else if checks.iter().any(|c| c.outcome == Outcome::NotRun) {
            Verdict::CannotDecide
        } else {
            Verdict::Valid
        }
    }

    /// The outcome of one check, if it is in the report.
    pub fn outcome(&self, code: CheckCode) -> Option<Outcome> {
        self.checks
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.outcome)
    }
}
