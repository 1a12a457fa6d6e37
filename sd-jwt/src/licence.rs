//! A business licence as an SD-JWT VC: the claim names (the same terms as the
//! W3C licence's `credentialSubject`, docs/sd-jwt.md), which of them are
//! disclosable, issuance from [`LicenceData`]/[`BusinessLicence`], and the
//! typed, validated view of what a holder disclosed. Thai text is carried
//! byte for byte: never normalised.

use elicence_core::did::did_web_url;
use elicence_core::keys::{PublicKey, Signer};
use elicence_core::licence::model::{Address, BilingualText};
use elicence_core::licence::{BusinessLicence, LicenceData, LicenceError, LicenceIri, ThaiId};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use crate::disclosure::{ClaimPath, Pattern, Step};
use crate::error::{bad_claim, SdJwtError};
use crate::issue::SdJwt;
use crate::type_metadata::{licence_type_code, vct_for};
use crate::vc::{did_for_issuer, issue_vc, issuer_for_did, StatusReference, VcClaims, VerifiedVc};

/// One selectively disclosable licence claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LicenceClaim {
    /// The name a holder uses to disclose it (`elicence present --disclose`).
    pub name: &'static str,
    /// Its place in the credential; `None` = every element of the array.
    pub path: &'static [Option<&'static str>],
    /// English label (Type Metadata, reports).
    pub en: &'static str,
    /// Thai label.
    pub th: &'static str,
}

/// Every disclosable claim of a licence, each one its own Disclosure (array
/// claims: one per element).
pub const LICENCE_CLAIMS: [LicenceClaim; 8] = [
    LicenceClaim {
        name: "licenceNumber",
        path: &[Some("licenceNumber")],
        en: "Licence number",
        th: "เลขที่ใบอนุญาต",
    },
    LicenceClaim {
        name: "licenceIri",
        path: &[Some("licenceIri")],
        en: "Licence identifier (IRI)",
        th: "ตัวระบุใบอนุญาต (IRI)",
    },
    LicenceClaim {
        name: "businessDid",
        path: &[Some("sub")],
        en: "Business DID",
        th: "DID ของผู้ประกอบการ",
    },
    LicenceClaim {
        name: "juristicPersonId",
        path: &[Some("licensee"), Some("juristicPersonId")],
        en: "Juristic person ID",
        th: "เลขทะเบียนนิติบุคคล",
    },
    LicenceClaim {
        name: "legalName",
        path: &[Some("licensee"), Some("legalName")],
        en: "Licensee name",
        th: "ชื่อผู้รับใบอนุญาต",
    },
    LicenceClaim {
        name: "premisesAddress",
        path: &[Some("premises"), Some("address")],
        en: "Premises address",
        th: "ที่ตั้งสถานประกอบการ",
    },
    LicenceClaim {
        name: "permittedActivities",
        path: &[Some("permittedActivities"), None],
        en: "Permitted activity",
        th: "กิจการที่ได้รับอนุญาต",
    },
    LicenceClaim {
        name: "conditions",
        path: &[Some("conditions"), None],
        en: "Condition",
        th: "เงื่อนไข",
    },
];

/// Names a holder may pass to [`selector`] that are always visible anyway
/// (the type, dates, issuer, status, holder key): accepted, nothing to do.
pub const ALWAYS_VISIBLE: [&str; 6] = [
    "licenceType",
    "validity",
    "issuer",
    "status",
    "vct",
    "holderKey",
];

impl LicenceClaim {
    /// The issuance pattern of this claim.
    pub fn pattern(&self) -> Pattern {
        let mut p = Pattern(Vec::new());
        for step in self.path {
            p.0.push(match step {
                Some(k) => crate::disclosure::PatternStep::Key((*k).to_owned()),
                None => crate::disclosure::PatternStep::AnyElement,
            });
        }
        p
    }

    /// Whether a disclosed claim's path is (an element of) this claim.
    pub fn covers(&self, path: &ClaimPath) -> bool {
        path.0.len() == self.path.len()
            && path.0.iter().zip(self.path).all(|(s, p)| match (s, p) {
                (Step::Key(k), Some(want)) => k == want,
                (Step::Index(_), None) => true,
                _ => false,
            })
    }

    /// The claim a disclosed path belongs to.
    pub fn of(path: &ClaimPath) -> Option<&'static LicenceClaim> {
        LICENCE_CLAIMS.iter().find(|c| c.covers(path))
    }
}

/// The issuance patterns: every licence claim disclosable.
pub fn disclosable_patterns() -> Vec<Pattern> {
    LICENCE_CLAIMS.iter().map(LicenceClaim::pattern).collect()
}

/// The licence's own claims (without `iss`, `vct`, dates, `cnf`, `status`).
pub fn licence_claims(licence: &BusinessLicence) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("licenceIri".into(), json!(licence.iri.as_str()));
    claims.insert("licenceNumber".into(), json!(licence.licence_number));
    if let Some(did) = &licence.business_did {
        claims.insert("sub".into(), json!(did));
    }
    claims.insert(
        "licensee".into(),
        json!({
            "juristicPersonId": licence.licensee_id.as_str(),
            "legalName": {"th": licence.licensee_name.th, "en": licence.licensee_name.en},
        }),
    );
    let mut address = Map::new();
    address.insert("th".into(), json!(licence.premises_address.th));
    if let Some(en) = &licence.premises_address.en {
        address.insert("en".into(), json!(en));
    }
    claims.insert("premises".into(), json!({ "address": address }));
    claims.insert(
        "permittedActivities".into(),
        json!(licence.permitted_activities),
    );
    if !licence.conditions.is_empty() {
        claims.insert("conditions".into(), json!(licence.conditions));
    }
    claims
}

/// How the agency issues one licence as an SD-JWT VC.
#[derive(Debug, Clone)]
pub struct LicenceVcOptions {
    /// The catalogue base of `vct` (see [`crate::type_metadata::VCT_BASE`]).
    pub vct_base: String,
    /// `vct#integrity` of the type's metadata, when the issuer has it.
    pub vct_integrity: Option<String>,
    /// The signing key's id (the verification method the trust list names).
    pub kid: String,
    /// When the agency signs (`iat`).
    pub issued_at: OffsetDateTime,
    /// The holder's key (`cnf.jwk`): without one, no Key Binding is possible.
    pub holder_key: Option<PublicKey>,
    /// The Token Status List entry (`status.status_list`).
    pub status: Option<StatusReference>,
    /// Decoy digests per disclosable level.
    pub decoys: usize,
}

/// `nbf` never earlier than `validFrom`, `exp` never later than `validUntil`.
fn numeric_dates(licence: &BusinessLicence) -> (i64, i64) {
    let ceil = |t: OffsetDateTime| t.unix_timestamp() + i64::from(t.nanosecond() > 0);
    (
        ceil(licence.valid_from),
        licence.valid_until.unix_timestamp(),
    )
}

/// Issues a validated licence as an SD-JWT VC (every licence claim
/// disclosable, `iss` from the issuer's DID, `vct` from its type code).
pub fn issue_licence(
    licence: &BusinessLicence,
    options: &LicenceVcOptions,
    key: &(impl Signer + ?Sized),
    rng: &mut impl rand_core::CryptoRngCore,
) -> Result<SdJwt, SdJwtError> {
    let (nbf, exp) = numeric_dates(licence);
    let vc = VcClaims {
        iss: issuer_for_did(&licence.issuer_id)?,
        vct: vct_for(&options.vct_base, &licence.licence_type_code),
        vct_integrity: options.vct_integrity.clone(),
        iat: options.issued_at.unix_timestamp(),
        nbf: Some(nbf),
        exp: Some(exp),
        holder_key: options.holder_key,
        status: options.status.clone(),
        claims: licence_claims(licence),
    };
    issue_vc(
        &vc,
        disclosable_patterns(),
        options.decoys,
        &options.kid,
        key,
        rng,
    )
}

/// Validates agency input (as `LicenceData::to_credential` does) and issues it.
pub fn issue_licence_data(
    data: &LicenceData,
    options: &LicenceVcOptions,
    key: &(impl Signer + ?Sized),
    rng: &mut impl rand_core::CryptoRngCore,
) -> Result<SdJwt, SdJwtError> {
    let licence = BusinessLicence::from_credential(&data.to_credential()?)?;
    issue_licence(&licence, options, key, rng)
}

/// Which disclosed claims a holder keeps, from names such as
/// `juristicPersonId`, `permittedActivities` (every element) or
/// `conditions[1]`; `all` keeps everything, and [`ALWAYS_VISIBLE`] names are
/// accepted with nothing to do. Unknown names are refused with the list.
pub fn selector(names: &[&str]) -> Result<Vec<ClaimPath>, SdJwtError> {
    let mut keep = Vec::new();
    for raw in names {
        let name = raw.trim();
        if name.is_empty() || ALWAYS_VISIBLE.contains(&name) {
            continue;
        }
        if name == "all" {
            keep.push(ClaimPath::default());
            continue;
        }
        let (base, index) = match name.strip_suffix(']').and_then(|n| n.split_once('[')) {
            Some((base, i)) => (
                base,
                Some(i.parse::<usize>().map_err(|_| {
                    SdJwtError::Request(format!("{name:?}: the index must be a number"))
                })?),
            ),
            None => (name, None),
        };
        let base = match base {
            "licenseeName" => "legalName",
            "address" => "premisesAddress",
            other => other,
        };
        let claim = LICENCE_CLAIMS
            .iter()
            .find(|c| c.name == base)
            .ok_or_else(|| unknown_name(name))?;
        let mut path: Vec<Step> = claim
            .path
            .iter()
            .map_while(|s| s.map(|k| Step::Key(k.to_owned())))
            .collect();
        match (index, claim.path.last()) {
            (Some(i), Some(None)) => path.push(Step::Index(i)),
            (Some(_), _) => {
                return Err(SdJwtError::Request(format!(
                    "{name:?}: {base} is not a list"
                )))
            }
            _ => {}
        }
        keep.push(ClaimPath(path));
    }
    Ok(keep)
}

fn unknown_name(name: &str) -> SdJwtError {
    let known: Vec<&str> = LICENCE_CLAIMS.iter().map(|c| c.name).collect();
    SdJwtError::Request(format!(
        "unknown licence claim {name:?}; disclosable: {}, all (always shown: {})",
        known.join(", "),
        ALWAYS_VISIBLE.join(", ")
    ))
}

/// Whether `path` is kept by `selected` (each selects itself and below).
pub fn is_selected(selected: &[ClaimPath], path: &ClaimPath) -> bool {
    selected.iter().any(|s| path.starts_with(s))
}

/// What a holder disclosed of a licence, each field validated like the W3C
/// licence's; absent fields were withheld.
#[derive(Debug, Clone, PartialEq)]
pub struct DisclosedLicence {
    /// `iss`.
    pub issuer: String,
    /// The agency DID `iss` stands for.
    pub issuer_did: String,
    /// The licence type code (from `vct`).
    pub licence_type_code: String,
    /// `nbf`.
    pub valid_from: Option<OffsetDateTime>,
    /// `exp`.
    pub valid_until: Option<OffsetDateTime>,
    /// `licenceIri`.
    pub licence_iri: Option<LicenceIri>,
    /// `licenceNumber`.
    pub licence_number: Option<String>,
    /// `sub`: the business DID.
    pub business_did: Option<String>,
    /// `licensee.juristicPersonId`.
    pub licensee_id: Option<ThaiId>,
    /// `licensee.legalName`.
    pub licensee_name: Option<BilingualText>,
    /// `premises.address`.
    pub premises_address: Option<Address>,
    /// The disclosed `permittedActivities`, in order.
    pub permitted_activities: Vec<String>,
    /// The disclosed `conditions`, in order.
    pub conditions: Vec<String>,
}

/// Registered claims a licence SD-JWT VC may carry besides its own.
const REGISTERED: [&str; 9] = [
    "iss",
    "sub",
    "iat",
    "nbf",
    "exp",
    "vct",
    "vct#integrity",
    "cnf",
    "status",
];

fn text(value: &Value, field: &str, many_lines: bool) -> Result<String, SdJwtError> {
    let s = value.as_str().ok_or_else(|| LicenceError::WrongType {
        field: field.to_owned(),
        expected: "a string",
    })?;
    if s.is_empty() {
        return Err(LicenceError::Empty {
            field: field.to_owned(),
        }
        .into());
    }
    if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        return Err(LicenceError::SurroundingWhitespace {
            field: field.to_owned(),
        }
        .into());
    }
    if let Some(character) = s
        .chars()
        .find(|&c| c.is_control() && !(many_lines && c == '\n'))
    {
        return Err(LicenceError::ControlCharacter {
            field: field.to_owned(),
            character,
        }
        .into());
    }
    Ok(s.to_owned())
}

fn object<'a>(
    value: &'a Value,
    field: &str,
    allowed: &[&str],
) -> Result<&'a Map<String, Value>, SdJwtError> {
    let map = value.as_object().ok_or_else(|| LicenceError::WrongType {
        field: field.to_owned(),
        expected: "an object",
    })?;
    if let Some(extra) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(bad_claim(
            &format!("{field}.{extra}"),
            "not a licence claim",
        ));
    }
    Ok(map)
}

fn list(value: &Value, field: &str) -> Result<Vec<String>, SdJwtError> {
    let items = value.as_array().ok_or_else(|| LicenceError::WrongType {
        field: field.to_owned(),
        expected: "an array of strings",
    })?;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| text(v, &format!("{field}[{i}]"), false))
        .collect()
}

fn instant(seconds: Option<i64>, claim: &str) -> Result<Option<OffsetDateTime>, SdJwtError> {
    seconds
        .map(|s| {
            OffsetDateTime::from_unix_timestamp(s)
                .map_err(|_| bad_claim(claim, "outside the supported date range"))
        })
        .transpose()
}

impl DisclosedLicence {
    /// Reads and validates the licence claims of a verified SD-JWT VC whose
    /// `vct` is a licence type under `vct_base`. Refuses claims a licence
    /// does not have, a malformed juristic ID, IRI or text, and an IRI that
    /// disagrees with the `vct` or the disclosed licence number.
    pub fn from_vc(vc: &VerifiedVc, vct_base: &str) -> Result<DisclosedLicence, SdJwtError> {
        let code = licence_type_code(vct_base, &vc.vct).ok_or_else(|| {
            bad_claim(
                "vct",
                format!("{:?} is not a licence type of {vct_base}", vc.vct),
            )
        })?;
        let issuer_did = did_for_issuer(&vc.iss).ok_or_else(|| {
            bad_claim(
                "iss",
                "neither an agency DID nor the https form of a did:web",
            )
        })?;
        if issuer_did.starts_with("did:web:") {
            did_web_url(&issuer_did).map_err(|e| bad_claim("iss", e.to_string()))?;
        }
        let claims = &vc.sd_jwt.claims;
        for name in claims.keys() {
            let known = REGISTERED.contains(&name.as_str())
                || LICENCE_CLAIMS
                    .iter()
                    .any(|c| c.path[0] == Some(name.as_str()));
            if !known {
                return Err(bad_claim(name, "not a licence claim"));
            }
        }
        let mut out = DisclosedLicence {
            issuer: vc.iss.clone(),
            issuer_did,
            licence_type_code: code.to_owned(),
            valid_from: instant(vc.nbf, "nbf")?,
            valid_until: instant(vc.exp, "exp")?,
            licence_iri: None,
            licence_number: None,
            business_did: None,
            licensee_id: None,
            licensee_name: None,
            premises_address: None,
            permitted_activities: Vec::new(),
            conditions: Vec::new(),
        };
        if let Some(v) = claims.get("licenceNumber") {
            out.licence_number = Some(text(v, "licenceNumber", false)?);
        }
        if let Some(v) = claims.get("licenceIri") {
            let iri = LicenceIri::parse(&text(v, "licenceIri", false)?).map_err(|source| {
                LicenceError::Iri {
                    field: "licenceIri".into(),
                    source,
                }
            })?;
            if iri.type_code() != code {
                return Err(LicenceError::UnexpectedValue {
                    field: "licenceIri".into(),
                    expected: format!("an IRI of licence type {code:?} (from vct)"),
                    found: iri.as_str().to_owned(),
                }
                .into());
            }
            if let Some(number) = out.licence_number.as_deref().filter(|n| *n != iri.number()) {
                return Err(LicenceError::UnexpectedValue {
                    field: "licenceNumber".into(),
                    expected: format!("{:?} (from licenceIri)", iri.number()),
                    found: format!("{number:?}"),
                }
                .into());
            }
            out.licence_iri = Some(iri);
        }
        if let Some(v) = claims.get("sub") {
            let did = text(v, "sub", false)?;
            if !did.starts_with("did:") {
                return Err(LicenceError::NotADid {
                    field: "sub".into(),
                    value: did,
                    reason: "it does not start with `did:`",
                }
                .into());
            }
            out.business_did = Some(did);
        }
        if let Some(v) = claims.get("licensee") {
            let licensee = object(v, "licensee", &["juristicPersonId", "legalName"])?;
            if let Some(id) = licensee.get("juristicPersonId") {
                let field = "licensee.juristicPersonId";
                let id_text = text(id, field, false)?;
                let id = ThaiId::parse(&id_text).map_err(|source| LicenceError::ThaiId {
                    field: field.into(),
                    source,
                })?;
                if !id.is_juristic() {
                    return Err(LicenceError::NotJuristic {
                        field: field.into(),
                        id: id_text,
                    }
                    .into());
                }
                out.licensee_id = Some(id);
            }
            if let Some(name) = licensee.get("legalName") {
                let name = object(name, "licensee.legalName", &["th", "en"])?;
                let get = |lang: &str| {
                    let field = format!("licensee.legalName.{lang}");
                    name.get(lang)
                        .ok_or(LicenceError::Missing {
                            field: field.clone(),
                        })
                        .map_err(SdJwtError::from)
                        .and_then(|v| text(v, &field, false))
                };
                out.licensee_name = Some(BilingualText {
                    th: get("th")?,
                    en: get("en")?,
                });
            }
        }
        if let Some(v) = claims.get("premises") {
            let premises = object(v, "premises", &["address"])?;
            if let Some(address) = premises.get("address") {
                let address = object(address, "premises.address", &["th", "en"])?;
                let th = address.get("th").ok_or(LicenceError::Missing {
                    field: "premises.address.th".into(),
                })?;
                out.premises_address = Some(Address {
                    th: text(th, "premises.address.th", true)?,
                    en: address
                        .get("en")
                        .map(|en| text(en, "premises.address.en", true))
                        .transpose()?,
                });
            }
        }
        if let Some(v) = claims.get("permittedActivities") {
            out.permitted_activities = list(v, "permittedActivities")?;
        }
        if let Some(v) = claims.get("conditions") {
            out.conditions = list(v, "conditions")?;
        }
        Ok(out)
    }

    /// The whole licence, when every claim was disclosed: issuer and type
    /// names come from the trust list and the catalogue (never from the
    /// credential, which does not carry them). A missing claim is
    /// [`LicenceError::Missing`].
    pub fn into_business_licence(
        self,
        issuer_name: BilingualText,
        licence_type_name: BilingualText,
    ) -> Result<BusinessLicence, SdJwtError> {
        fn need<T>(v: Option<T>, field: &str) -> Result<T, SdJwtError> {
            v.ok_or_else(|| {
                LicenceError::Missing {
                    field: field.to_owned(),
                }
                .into()
            })
        }
        if self.permitted_activities.is_empty() {
            return Err(LicenceError::Empty {
                field: "permittedActivities".into(),
            }
            .into());
        }
        let iri = need(self.licence_iri, "licenceIri")?;
        Ok(BusinessLicence {
            licence_number: need(self.licence_number, "licenceNumber")?,
            issuer_id: self.issuer_did,
            issuer_name,
            valid_from: need(self.valid_from, "nbf")?,
            valid_until: need(self.valid_until, "exp")?,
            business_did: self.business_did,
            licensee_id: need(self.licensee_id, "licensee.juristicPersonId")?,
            licensee_name: need(self.licensee_name, "licensee.legalName")?,
            licence_type_code: self.licence_type_code,
            licence_type_name,
            premises_address: need(self.premises_address, "premises.address")?,
            permitted_activities: self.permitted_activities,
            conditions: self.conditions,
            credential_status: Vec::new(),
            iri,
        })
    }
}
