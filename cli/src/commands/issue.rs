//! `elicence issue`: licence data in, signed credential out.

use std::path::Path;
use std::process::ExitCode;

use elicence_core::did;
use elicence_core::jose;
use elicence_core::keys::{KeyAlgorithm, PublicKey, SigningKey};
use elicence_core::licence::{self, LicenceData};
use elicence_core::proof::{self, Cryptosuite, ProofOptions};
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::load_key;
use elicence_sd_jwt::licence::{issue_licence, LicenceVcOptions};
use elicence_sd_jwt::type_metadata::{catalogue_type_metadata, vct_for, VCT_BASE};
use elicence_sd_jwt::StatusReference;
use rand_core::OsRng;

use crate::cli::{IssueArgs, LicenceFlags, SdJwtIssueArgs, Suite};
use crate::error::CliError;
use crate::io;

pub fn issue(a: &IssueArgs) -> Result<ExitCode, CliError> {
    let key_path = a.key.as_deref().ok_or_else(|| {
        CliError::Usage("--key is required (or --server to issue through a service)".into())
    })?;
    let key = load_key(key_path, &a.passphrase)?;
    let public = key.public_key();
    let suite = a.suite.unwrap_or(match public.algorithm() {
        KeyAlgorithm::Ed25519 => Suite::EddsaRdfc2022,
        KeyAlgorithm::P256 | KeyAlgorithm::P384 => Suite::EcdsaRdfc2019,
    });

    let (issuer_did, verification_method) = match &a.issuer_did {
        None => (
            did::did_key(&public),
            did::did_key_verification_method(&public),
        ),
        Some(d) if d.starts_with("did:key:") => {
            if *d != did::did_key(&public) {
                return Err(CliError::Usage(format!(
                    "--issuer-did {d} is not the did:key of the signing key ({})",
                    did::did_key(&public)
                )));
            }
            (d.clone(), did::did_key_verification_method(&public))
        }
        Some(d) if d.starts_with("did:web:") => {
            did::did_web_url(d)?;
            (d.clone(), format!("{d}#{}", public.to_multikey()))
        }
        Some(d) => {
            return Err(CliError::Usage(format!(
                "--issuer-did {d}: only did:key and did:web issuers are supported"
            )))
        }
    };

    let created = match &a.created {
        Some(c) => Created {
            at: OffsetDateTime::parse(c, &Rfc3339).map_err(|_| {
                CliError::Usage(format!("--created {c:?} is not an RFC 3339 date-time"))
            })?,
            text: c.clone(),
        },
        None => Created::now(),
    };
    if suite == Suite::SdJwt {
        if a.credential.is_some() {
            return Err(CliError::Usage(
                "--suite sd-jwt issues licence data (LICENCE_JSON or the licence flags), not a whole --credential".into(),
            ));
        }
        let credential = licence_credential(a, &issuer_did)?;
        let output = sd_jwt(a, &credential, &key, &verification_method, created.at)?;
        io::write_output(a.out.as_deref(), output.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    if has_sd_jwt_flag(a) {
        return Err(CliError::Usage(
            "--holder-jwk, --holder-key, --status-uri, --catalogue and --decoys are for --suite sd-jwt".into(),
        ));
    }

    let credential = match &a.credential {
        Some(path) => {
            if has_any_flag(&a.licence) {
                return Err(CliError::Usage(
                    "give either --credential or the licence flags, not both".into(),
                ));
            }
            given_credential(path, &issuer_did)?
        }
        None => licence_credential(a, &issuer_did)?,
    };

    let output = sign(&credential, suite, &key, &verification_method, created)?;
    io::write_output(a.out.as_deref(), output.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The unsigned credential built from licence data (file or flags).
fn licence_credential(a: &IssueArgs, issuer_did: &str) -> Result<Value, CliError> {
    let mut data = match &a.input {
        Some(path) => {
            if has_any_flag(&a.licence) {
                return Err(CliError::Usage(
                    "give the licence either as LICENCE_JSON or with the licence flags, not both"
                        .into(),
                ));
            }
            io::read_json(path)?
        }
        None => from_flags(&a.licence)?,
    };
    set_issuer_id(&mut data, issuer_did, a.input.as_deref())?;
    let licence: LicenceData = serde_json::from_value(data).map_err(|e| CliError::Json {
        path: a.input.clone().unwrap_or_else(|| "licence flags".into()),
        message: e.to_string(),
    })?;
    Ok(licence.to_credential()?)
}

/// A credential given whole: checked, never silently rewritten.
fn given_credential(path: &Path, issuer_did: &str) -> Result<Value, CliError> {
    let credential = io::read_json(path)?;
    let where_ = path.display();
    let issuer = match credential.get("issuer") {
        Some(Value::String(id)) => Some(id.as_str()),
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str),
        _ => None,
    };
    match issuer {
        None => Err(CliError::Usage(format!("{where_}: the credential has no issuer id"))),
        Some(id) if id != issuer_did => Err(CliError::Usage(format!(
            "{where_}: issuer is {id}, but the signing key belongs to {issuer_did}; use --issuer-did or the right key"
        ))),
        Some(_) if credential.get("proof").is_some() => Err(CliError::Usage(format!(
            "{where_}: the credential is already signed (it has a proof)"
        ))),
        Some(_) => {
            licence::check_contexts(&credential)
                .map_err(|e| CliError::Usage(format!("{where_}: {e}")))?;
            Ok(credential)
        }
    }
}

fn has_sd_jwt_flag(a: &IssueArgs) -> bool {
    let s = &a.sd_jwt;
    s.holder_jwk.is_some()
        || s.holder_key.is_some()
        || s.status_uri.is_some()
        || s.catalogue.is_some()
        || s.decoys > 0
}

/// The holder's public key from `--holder-jwk` (a JWK) or `--holder-key` (PEM).
fn holder_key(a: &SdJwtIssueArgs) -> Result<Option<PublicKey>, CliError> {
    if let Some(path) = &a.holder_jwk {
        let jwk = io::read_json(path)?;
        let key = PublicKey::from_jwk(&jwk)
            .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
        return Ok(Some(key));
    }
    if let Some(path) = &a.holder_key {
        let pem = String::from_utf8(io::read_input(path)?)
            .map_err(|_| CliError::Usage(format!("{}: not a PEM text file", path.display())))?;
        if pem.contains("ENCRYPTED PRIVATE KEY") {
            return Err(CliError::Usage(format!(
                "{}: give the holder's public key (elicence key export --format pem, or --holder-jwk), not its encrypted private key",
                path.display()
            )));
        }
        let key = PublicKey::from_spki_pem(&pem)
            .or_else(|_| SigningKey::from_pkcs8_pem(&pem, None).map(|k| k.public_key()))
            .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
        return Ok(Some(key));
    }
    Ok(None)
}

/// The licence as an SD-JWT VC (docs/sd-jwt.md), ending with a newline.
fn sd_jwt(
    a: &IssueArgs,
    credential: &Value,
    key: &SigningKey,
    kid: &str,
    issued_at: OffsetDateTime,
) -> Result<String, CliError> {
    let licence = licence::BusinessLicence::from_credential(credential)?;
    let vct_integrity = match &a.sd_jwt.catalogue {
        Some(path) => {
            let catalogue = io::read_json(path)?;
            let all = catalogue_type_metadata(VCT_BASE, &catalogue)
                .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
            let vct = vct_for(VCT_BASE, &licence.licence_type_code);
            let found = all.into_iter().find(|m| m.vct == vct).ok_or_else(|| {
                CliError::Usage(format!(
                    "{}: the catalogue has no licence type {:?}",
                    path.display(),
                    licence.licence_type_code
                ))
            })?;
            Some(found.integrity)
        }
        None => None,
    };
    let options = LicenceVcOptions {
        vct_base: VCT_BASE.into(),
        vct_integrity,
        kid: kid.to_owned(),
        issued_at,
        holder_key: holder_key(&a.sd_jwt)?,
        status: match (&a.sd_jwt.status_uri, a.sd_jwt.status_index) {
            (Some(uri), Some(idx)) => Some(StatusReference {
                idx,
                uri: uri.clone(),
            }),
            _ => None,
        },
        decoys: a.sd_jwt.decoys,
    };
    if options.holder_key.is_none() {
        eprintln!(
            "warning: no --holder-jwk/--holder-key: the licence is bound to no holder key, so no presentation of it can prove who presents it"
        );
    }
    let issued = issue_licence(&licence, &options, key, &mut OsRng)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let mut text = issued.serialize();
    text.push('\n');
    Ok(text)
}

/// Signs with the requested securing format; JSON outputs end with a newline.
fn sign(
    credential: &Value,
    suite: Suite,
    key: &SigningKey,
    verification_method: &str,
    created: Created,
) -> Result<String, CliError> {
    let cryptosuite = match suite {
        Suite::Jwt => {
            let mut jwt = jose::sign_vc_jwt_at(credential, key, verification_method, created.at)?;
            jwt.push('\n');
            return Ok(jwt);
        }
        Suite::SdJwt => {
            return Err(CliError::Usage(
                "internal: SD-JWT VCs are issued by sd_jwt()".into(),
            ))
        }
        Suite::EddsaRdfc2022 => Cryptosuite::EddsaRdfc2022,
        Suite::EcdsaRdfc2019 => Cryptosuite::EcdsaRdfc2019,
        Suite::EddsaJcs2022 => Cryptosuite::EddsaJcs2022,
        Suite::EcdsaJcs2019 => Cryptosuite::EcdsaJcs2019,
    };
    if !cryptosuite.supports(key.algorithm()) {
        return Err(CliError::Usage(format!(
            "{} cannot sign with a {} key (use a {} key{})",
            cryptosuite.name(),
            key.algorithm(),
            cryptosuite.key_algorithm(),
            if cryptosuite.supports(KeyAlgorithm::P384) {
                " or a P-384 key"
            } else {
                ""
            }
        )));
    }
    let options = ProofOptions::new(verification_method, created.text);
    let secured = proof::sign(credential, cryptosuite, key, &options)?;
    let mut text = serde_json::to_string_pretty(&secured).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

/// The signing time: as written (a Data Integrity `created` keeps the
/// caller's offset) and as an instant (a vc+jwt `iat`).
struct Created {
    text: String,
    at: OffsetDateTime,
}

impl Created {
    /// The current time in UTC to the second.
    fn now() -> Created {
        let now = OffsetDateTime::now_utc();
        let at = now.replace_nanosecond(0).unwrap_or(now);
        Created {
            text: at.format(&Rfc3339).unwrap_or_default(),
            at,
        }
    }
}

/// Fills in `issuer.id` from the key, or checks an existing one agrees.
fn set_issuer_id(
    data: &mut Value,
    issuer_did: &str,
    source: Option<&Path>,
) -> Result<(), CliError> {
    let where_ = source
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "licence flags".into());
    let Some(issuer) = data.get_mut("issuer").and_then(Value::as_object_mut) else {
        return Err(CliError::Usage(format!(
            "{where_}: `issuer` must be an object with the agency's names and baseUrl"
        )));
    };
    match issuer.get("id").and_then(Value::as_str) {
        Some(id) if id != issuer_did => Err(CliError::Usage(format!(
            "{where_}: issuer.id is {id}, but the signing key belongs to {issuer_did}; use --issuer-did or the right key"
        ))),
        Some(_) => Ok(()),
        None => {
            issuer.insert("id".into(), Value::String(issuer_did.to_owned()));
            Ok(())
        }
    }
}

fn has_any_flag(f: &LicenceFlags) -> bool {
    [
        &f.base_url,
        &f.agency_th,
        &f.agency_en,
        &f.type_code,
        &f.type_th,
        &f.type_en,
        &f.number,
        &f.holder_id,
        &f.holder_th,
        &f.holder_en,
        &f.address_th,
        &f.valid_from,
        &f.valid_until,
    ]
    .iter()
    .any(|o| o.is_some())
        || !f.activity.is_empty()
        || !f.condition.is_empty()
}

/// Builds licence data JSON from flags, naming every missing flag at once.
fn from_flags(f: &LicenceFlags) -> Result<Value, CliError> {
    let required = [
        ("--base-url", &f.base_url),
        ("--agency-th", &f.agency_th),
        ("--agency-en", &f.agency_en),
        ("--type-code", &f.type_code),
        ("--type-th", &f.type_th),
        ("--type-en", &f.type_en),
        ("--number", &f.number),
        ("--holder-id", &f.holder_id),
        ("--holder-th", &f.holder_th),
        ("--holder-en", &f.holder_en),
        ("--address-th", &f.address_th),
        ("--valid-from", &f.valid_from),
        ("--valid-until", &f.valid_until),
    ];
    let mut missing: Vec<&str> = required
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(n, _)| *n)
        .collect();
    if f.activity.is_empty() {
        missing.push("--activity");
    }
    if !missing.is_empty() {
        return Err(CliError::Usage(format!(
            "give LICENCE_JSON, or all licence flags; missing: {}",
            missing.join(", ")
        )));
    }
    let s = |o: &Option<String>| Value::String(o.clone().unwrap_or_default());
    let mut data = Map::new();
    data.insert(
        "issuer".into(),
        json!({"name": {"th": s(&f.agency_th), "en": s(&f.agency_en)}, "baseUrl": s(&f.base_url)}),
    );
    data.insert(
        "licenceType".into(),
        json!({"code": s(&f.type_code), "name": {"th": s(&f.type_th), "en": s(&f.type_en)}}),
    );
    data.insert("licenceNumber".into(), s(&f.number));
    data.insert("licensee".into(), json!({"juristicPersonId": s(&f.holder_id), "name": {"th": s(&f.holder_th), "en": s(&f.holder_en)}}));
    data.insert(
        "premises".into(),
        json!({"address": {"th": s(&f.address_th)}}),
    );
    data.insert("permittedActivities".into(), json!(f.activity));
    if !f.condition.is_empty() {
        data.insert("conditions".into(), json!(f.condition));
    }
    data.insert("validFrom".into(), s(&f.valid_from));
    data.insert("validUntil".into(), s(&f.valid_until));
    Ok(Value::Object(data))
}
