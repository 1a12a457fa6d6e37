//! `elicence bundle build|verify|refresh`: the signed offline trust bundle.
//! `refresh` is the only command that touches the network: it fetches status
//! lists from their issuers, checks them, and re-signs the bundle.

use std::path::Path;
use std::process::ExitCode;

use elicence_core::did;
use elicence_core::json::{self, Limits};
use elicence_core::keys::SigningKey;
use elicence_core::proof::{self, Canonicalization, Cryptosuite, ProofOptions};
use elicence_verifier::bundle::{unsigned_bundle, unsigned_trust_list, BundleParts};
use elicence_verifier::{TrustAnchor, TrustBundle};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::load_key;
use crate::cli::{BundleBuildArgs, BundleRefreshArgs, BundleVerifyArgs};
use crate::error::CliError;
use crate::io;

pub(crate) fn now_stamp() -> String {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&Rfc3339)
        .unwrap_or_default()
}

fn stamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

pub(crate) fn parse_time(flag: &str, s: &str) -> Result<OffsetDateTime, CliError> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
        CliError::Usage(format!(
            "{flag} {s:?} is not an RFC 3339 date-time with a time zone"
        ))
    })
}

/// Signs a root credential with the root's did:key (JCS suite by key type).
fn sign_root(doc: &Value, key: &SigningKey, created: &str) -> Result<Value, CliError> {
    let suite = Cryptosuite::for_key(key.algorithm(), Canonicalization::Jcs);
    let vm = did::did_key_verification_method(&key.public_key());
    Ok(proof::sign(
        doc,
        suite,
        key,
        &ProofOptions::new(vm, created),
    )?)
}

fn to_bytes(doc: &Value) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

/// Signs and re-opens a bundle, so nothing unusable is ever written: every
/// status list must be in force at `lists_at` (when the lists were fetched),
/// and a list that will expire before the bundle does is reported.
fn seal(
    parts: &BundleParts,
    key: &SigningKey,
    created: &str,
    lists_at: OffsetDateTime,
) -> Result<Vec<u8>, CliError> {
    let signed = sign_root(&unsigned_bundle(parts), key, created)?;
    let bytes = to_bytes(&signed);
    let anchor = TrustAnchor {
        root_did: parts.root_did.clone(),
        min_version: parts.version,
    };
    let bundle = TrustBundle::open(&bytes, &anchor)
        .map_err(|e| CliError::Usage(format!("the bundle would not open: {e}")))?;
    check_status_lists(&bundle, lists_at)?;
    Ok(bytes)
}

/// A bundle carries only status lists a verifier may use: each says when it
/// was made (`validFrom`, not in the future) and is not expired. Lists that
/// expire before the bundle, or are already older than the verifier's
/// default freshness limit, are reported: offline checks of licences on them
/// become "cannot decide" until the bundle is refreshed.
fn check_status_lists(bundle: &TrustBundle, at: OffsetDateTime) -> Result<(), CliError> {
    for snap in &bundle.token_status_lists {
        let uri = &snap.uri;
        match (snap.issued_at(), snap.expires_at()) {
            (Some(from), _) if from > at + time::Duration::minutes(5) => {
                return Err(CliError::Usage(format!(
                    "token status list {uri}: it is issued in the future ({}); refusing to bundle it",
                    stamp(from)
                )))
            }
            (_, Some(until)) if until <= at => {
                return Err(CliError::Usage(format!(
                    "token status list {uri}: it expired on {}; an expired list could hide a revocation, refusing to bundle it (fetch a fresh one)",
                    stamp(until)
                )))
            }
            (_, Some(until)) if bundle.valid_until.is_none_or(|b| until < b) => eprintln!(
                "warning: token status list {uri} expires on {}, before the bundle does: after that, licences on it are \"cannot decide\" offline until the bundle is refreshed",
                stamp(until)
            ),
            _ => {}
        }
    }
    for snap in &bundle.status_lists {
        let url = &snap.list.url;
        let Some(from) = snap.valid_from else {
            return Err(CliError::Usage(format!(
                "status list {url}: it has no validFrom, so no verifier can tell how recent it is; refusing to bundle it"
            )));
        };
        if from > at {
            return Err(CliError::Usage(format!(
                "status list {url}: it is not valid before {}; refusing to bundle it",
                stamp(from)
            )));
        }
        if let Some(until) = snap.valid_until {
            if until < at {
                return Err(CliError::Usage(format!(
                    "status list {url}: it expired on {}; an expired list could hide a revocation, refusing to bundle it (fetch a fresh one)",
                    stamp(until)
                )));
            }
            if bundle.valid_until.is_none_or(|b| until < b) {
                eprintln!(
                    "warning: status list {url} expires on {}, before the bundle does{}: after that, licences on it are \"cannot decide\" offline until the bundle is refreshed",
                    stamp(until),
                    bundle
                        .valid_until
                        .map(|b| format!(" ({})", stamp(b)))
                        .unwrap_or_default()
                );
            }
        }
        let age = at - from;
        if age > time::Duration::days(7) {
            eprintln!(
                "warning: status list {url} is already {} days old (as of {}): verifiers with the default --max-status-age (7 days) will call its licences \"cannot decide\"",
                age.whole_days(),
                stamp(from)
            );
        }
    }
    Ok(())
}

pub fn build(a: &BundleBuildArgs) -> Result<ExitCode, CliError> {
    let key = load_key(&a.root_key, &a.passphrase)?;
    let root_did = did::did_key(&key.public_key());
    let created = a.created.clone().unwrap_or_else(now_stamp);
    parse_time("--created", &created)?;
    let valid_from = a.valid_from.clone().unwrap_or_else(|| created.clone());
    parse_time("--valid-from", &valid_from)?;
    if let Some(u) = &a.valid_until {
        parse_time("--valid-until", u)?;
    }
    let fetched_at = a.fetched_at.clone().unwrap_or_else(now_stamp);
    let lists_at = parse_time("--fetched-at", &fetched_at)?;
    let agencies = io::read_json(&a.agencies)?;
    let catalogue = io::read_json(&a.catalogue)?;
    let trust_list = sign_root(
        &unsigned_trust_list(
            &root_did,
            &format!("urn:elicence:trust-list:{}", a.version),
            &valid_from,
            a.valid_until.as_deref(),
            &agencies,
        ),
        &key,
        &created,
    )?;
    let mut status_lists = Vec::new();
    for path in &a.status_list {
        let cred = io::read_json(path)?;
        let url = cred
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                CliError::Usage(format!("{}: the status list has no id", path.display()))
            })?
            .to_owned();
        status_lists.push((url, fetched_at.clone(), cred));
    }
    let mut token_status_lists = Vec::new();
    for path in &a.token_status_list {
        let token = String::from_utf8(io::read_input(path)?)
            .map_err(|_| CliError::Usage(format!("{}: not UTF-8 text", path.display())))?
            .trim()
            .to_owned();
        // The URI is the token's own `sub`; its signature, issuer and
        // subject are checked when the sealed bundle is re-opened.
        let uri = token_subject(&token).ok_or_else(|| {
            CliError::Usage(format!(
                "{}: not a Status List Token (statuslist+jwt) with a `sub`",
                path.display()
            ))
        })?;
        token_status_lists.push((uri, fetched_at.clone(), token));
    }
    let parts = BundleParts {
        root_did,
        version: a.version,
        valid_from,
        valid_until: a.valid_until.clone(),
        trust_list,
        catalogue,
        status_lists,
        token_status_lists,
    };
    let bytes = seal(&parts, &key, &created, lists_at)?;
    io::write_output(a.out.as_deref(), &bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// The `sub` of a Status List Token, read without verifying it.
fn token_subject(token: &str) -> Option<String> {
    elicence_sd_jwt::status_list::UnverifiedStatusList::decode(token).ok()?;
    let payload = elicence_sd_jwt::process::unverified_payload(token).ok()?;
    payload.get("sub")?.as_str().map(str::to_owned)
}

fn open(path: &Path, root: &str, min_version: u64) -> Result<(Vec<u8>, TrustBundle), CliError> {
    let bytes = io::read_input(path)?;
    let anchor = TrustAnchor {
        root_did: root.to_owned(),
        min_version,
    };
    let bundle = TrustBundle::open(&bytes, &anchor)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
    Ok((bytes, bundle))
}

/// Opens a bundle for `elicence verify --bundle`.
pub(crate) fn open_for_verify(
    path: &Path,
    root: &str,
    min_version: u64,
) -> Result<TrustBundle, CliError> {
    open(path, root, min_version).map(|(_, b)| b)
}

pub fn verify(a: &BundleVerifyArgs) -> Result<ExitCode, CliError> {
    let now = match &a.now {
        Some(s) => parse_time("--now", s)?,
        None => OffsetDateTime::now_utc(),
    };
    let bytes = io::read_input(&a.bundle)?;
    let anchor = TrustAnchor {
        root_did: a.root.clone(),
        min_version: a.min_version,
    };
    let bundle = match TrustBundle::open(&bytes, &anchor) {
        Ok(b) => b,
        Err(e) => {
            if a.json {
                let out = json!({"ok": false, "error": e.to_string()});
                io::write_output(None, &to_bytes(&out))?;
            } else {
                io::write_output(None, format!("INVALID BUNDLE: {e}\n").as_bytes())?;
            }
            return Ok(ExitCode::from(1));
        }
    };
    let in_force = now >= bundle.valid_from && bundle.valid_until.is_none_or(|u| now <= u);
    let lists: Vec<Value> = bundle
        .status_lists
        .iter()
        .map(|s| {
            json!({"url": s.list.url, "issuer": s.list.issuer, "purpose": s.list.purpose,
                   "fetchedAt": stamp(s.fetched_at),
                   "validFrom": s.valid_from.map(stamp), "validUntil": s.valid_until.map(stamp),
                   "ageHours": s.valid_from.map(|f| (now - f).whole_hours()),
                   "expired": s.valid_until.is_some_and(|u| now > u)})
        })
        .collect();
    let token_lists: Vec<Value> = bundle
        .token_status_lists
        .iter()
        .map(|s| {
            json!({"uri": s.uri, "issuer": s.issuer, "bits": s.token.list.bits(),
                   "entries": s.token.list.len(), "fetchedAt": stamp(s.fetched_at),
                   "issuedAt": s.issued_at().map(stamp), "expiresAt": s.expires_at().map(stamp),
                   "ttl": s.token.ttl,
                   "ageHours": s.issued_at().map(|f| (now - f).whole_hours()),
                   "expired": s.expires_at().is_some_and(|u| now >= u)})
        })
        .collect();
    let agencies: Vec<Value> = bundle
        .trust_list
        .agencies
        .iter()
        .map(|a| json!({"code": a.code, "name": a.name, "dids": a.dids, "keys": a.keys.len(), "licenceTypes": a.licence_types}))
        .collect();
    let summary = json!({
        "ok": in_force,
        "version": bundle.version,
        "root": bundle.root_did,
        "validFrom": stamp(bundle.valid_from),
        "validUntil": bundle.valid_until.map(stamp),
        "inForce": in_force,
        "catalogue": {"version": bundle.catalogue.catalogue_version, "sampleData": bundle.catalogue.sample_data,
                      "licenceTypes": bundle.catalogue.licence_types.len()},
        "agencies": agencies,
        "contexts": bundle.contexts.len(),
        "statusLists": lists,
        "tokenStatusLists": token_lists,
    });
    let text = if a.json {
        to_bytes(&summary)
    } else {
        let mut out = format!(
            "{} trust bundle version {} signed by {}\n  in force: {} – {}\n  catalogue {}{}: {} licence types\n",
            if in_force { "OK" } else { "NOT IN FORCE" },
            bundle.version,
            bundle.root_did,
            stamp(bundle.valid_from),
            bundle.valid_until.map(stamp).unwrap_or_default(),
            bundle.catalogue.catalogue_version,
            if bundle.catalogue.sample_data { " (SAMPLE DATA)" } else { "" },
            bundle.catalogue.licence_types.len(),
        );
        for a in &bundle.trust_list.agencies {
            out.push_str(&format!(
                "  agency {} {} / {}: {} key(s); may issue {}\n",
                a.code,
                a.name.en,
                a.name.th,
                a.keys.len(),
                a.licence_types.join(", ")
            ));
        }
        for s in &bundle.status_lists {
            let window = match (s.valid_from, s.valid_until) {
                (Some(f), Some(u)) => format!(
                    "as of {} ({} hours ago), valid until {}{}",
                    stamp(f),
                    (now - f).whole_hours(),
                    stamp(u),
                    if now > u { ": EXPIRED, not used" } else { "" }
                ),
                (Some(f), None) => {
                    format!("as of {} ({} hours ago)", stamp(f), (now - f).whole_hours())
                }
                (None, _) => "with no validFrom: not used".to_owned(),
            };
            out.push_str(&format!(
                "  status list {} ({}), {window}; fetched {}\n",
                s.list.url,
                s.list.purpose,
                stamp(s.fetched_at),
            ));
        }
        for s in &bundle.token_status_lists {
            let issued = s.issued_at().map(stamp).unwrap_or_default();
            let expiry = match s.expires_at() {
                Some(u) if now >= u => format!(", expired {}: not used", stamp(u)),
                Some(u) => format!(", valid until {}", stamp(u)),
                None => String::new(),
            };
            out.push_str(&format!(
                "  token status list {} ({} bits, {} entries), as of {issued}{expiry}; fetched {}\n",
                s.uri,
                s.token.list.bits(),
                s.token.list.len(),
                stamp(s.fetched_at),
            ));
        }
        out.into_bytes()
    };
    io::write_output(None, &text)?;
    Ok(if in_force {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn refresh(a: &BundleRefreshArgs) -> Result<ExitCode, CliError> {
    let key = load_key(&a.root_key, &a.passphrase)?;
    let root_did = did::did_key(&key.public_key());
    let (bytes, old) = open(&a.bundle, &root_did, 1)?;
    let doc = json::parse_strict_with_limits(
        &bytes,
        Limits {
            max_bytes: elicence_verifier::bundle::MAX_BUNDLE_BYTES,
            ..Limits::default()
        },
    )
    .map_err(|e| CliError::Usage(e.to_string()))?;
    let subject = &doc["credentialSubject"];
    let fetched_at = now_stamp();
    let mut status_lists = Vec::new();
    for snap in &old.status_lists {
        let url = snap.list.url.clone();
        let cred = super::online::fetch_json(&url, "status list")?;
        eprintln!("fetched {url}");
        status_lists.push((url, fetched_at.clone(), cred));
    }
    let mut token_status_lists = Vec::new();
    for snap in &old.token_status_lists {
        let token = super::online::fetch_status_list_token(&snap.uri)?;
        eprintln!("fetched {}", snap.uri);
        token_status_lists.push((snap.uri.clone(), fetched_at.clone(), token));
    }
    let valid_until = match &a.valid_until {
        Some(u) => {
            parse_time("--valid-until", u)?;
            Some(u.clone())
        }
        None => doc
            .get("validUntil")
            .and_then(Value::as_str)
            .map(str::to_owned),
    };
    let parts = BundleParts {
        root_did,
        version: a.version.unwrap_or(old.version + 1),
        valid_from: doc
            .get("validFrom")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        valid_until,
        trust_list: subject["trustList"].clone(),
        catalogue: subject["catalogue"].clone(),
        status_lists,
        token_status_lists,
    };
    if parts.version <= old.version {
        return Err(CliError::Usage(format!(
            "--bundle-version {} must be greater than the current {}",
            parts.version, old.version
        )));
    }
    // seal() re-opens the result: every fetched list must verify against the trust list.
    let out = seal(&parts, &key, &fetched_at, parse_time("now", &fetched_at)?)?;
    io::write_output(Some(&a.out), &out)?;
    Ok(ExitCode::SUCCESS)
}
