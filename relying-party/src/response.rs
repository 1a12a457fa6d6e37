//! The wallet's answer (OpenID4VP 1.0 §8): a `vp_token` keyed by the DCQL
//! Credential Query ids, each presentation verified by elicence-verifier
//! against the trust bundle (SD-JWT VC with its Key Binding JWT over this
//! request's nonce and the client identifier; Data Integrity presentations
//! with the nonce as challenge and the client identifier as domain), then
//! judged against the query. Only the claims the relying party asked for
//! are kept; anything else disclosed is dropped and reported. Pure: the
//! caller supplies the clock, the bundle and the status lists it fetched.

use std::collections::BTreeSet;

use elicence_verifier::{
    verify_with_bundle, CheckCode, Outcome, PresentationRequest, Report, Text, TrustBundle,
    TrustPolicy, Verdict,
};
use serde::Serialize;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::dcql::{
    covered_by, display_path, prune, ConcretePath, CredentialQuery, DcqlQuery, PathElement,
    FORMAT_LDP, FORMAT_SD_JWT,
};

/// Longest `vp_token` accepted.
pub const MAX_VP_TOKEN: usize = 512 * 1024;

/// One line of the relying party's result: a verifier check (with the
/// Credential Query it belongs to) or a check of the exchange itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RpCheck {
    /// Stable machine code (`request`, `vp-token`, `query`, `holders`,
    /// `unrequested-claims`, or a verifier code such as `status`).
    pub code: String,
    /// What happened.
    pub outcome: Outcome,
    /// Why, in Thai and English.
    pub reason: Text,
    /// The Credential Query id, for checks of one presentation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

impl RpCheck {
    /// A check of the exchange itself.
    pub fn new(code: &str, outcome: Outcome, en: impl Into<String>, th: impl Into<String>) -> Self {
        RpCheck {
            code: code.into(),
            outcome,
            reason: Text::new(en, th),
            credential: None,
        }
    }
}

/// The relying party's decision on one answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// Whether every check passed: the claims may be relied on.
    pub verified: bool,
    /// Per Credential Query id, only the requested claims, with the type,
    /// validity and the issuing agency (its name from the trust list).
    pub claims: Map<String, Value>,
    /// Every check, in order.
    pub checks: Vec<RpCheck>,
    /// Disclosed claims that were not requested, dropped (`id: path`).
    pub dropped: Vec<String>,
    /// The nonces the verifier consumed (to refuse their reuse).
    #[serde(skip)]
    pub consumed: Vec<String>,
}

impl Decision {
    /// A refusal with one reason, nothing verified.
    pub fn refused(check: RpCheck) -> Decision {
        Decision {
            verified: false,
            claims: Map::new(),
            checks: vec![check],
            dropped: Vec::new(),
            consumed: Vec::new(),
        }
    }
}

/// What one answer is judged against.
pub struct Expectation<'a> {
    /// The request's query.
    pub query: &'a DcqlQuery,
    /// The request's nonce.
    pub nonce: &'a str,
    /// The relying party's client identifier (KB-JWT `aud`, DI `domain`).
    pub client_id: &'a str,
    /// Nonces already used by answered requests.
    pub seen_nonces: BTreeSet<String>,
}

fn stamp(seconds: Option<i64>) -> Value {
    seconds
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .map_or(Value::Null, Value::from)
}

fn path_from_display(path: &str) -> ConcretePath {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(PathElement::Key(key.into()));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(i) = idx.trim_end_matches(']').parse::<u64>() {
                out.push(PathElement::Index(i));
            }
        }
    }
    out
}

/// Verifies `vp_token` (the form field's JSON text) against `expect`.
/// `policy` carries the status options; its presentation request is set here.
pub fn verify_vp_token(
    vp_token: &str,
    expect: &Expectation<'_>,
    bundle: &TrustBundle,
    now: OffsetDateTime,
    policy: &TrustPolicy,
) -> Decision {
    if vp_token.len() > MAX_VP_TOKEN {
        return Decision::refused(RpCheck::new(
            "vp-token",
            Outcome::Fail,
            "The vp_token is larger than 512 KiB.",
            "vp_token มีขนาดเกิน 512 KiB",
        ));
    }
    let token = match elicence_core::json::parse_strict(vp_token.as_bytes()) {
        Ok(Value::Object(map)) => map,
        _ => {
            return Decision::refused(RpCheck::new(
                "vp-token",
                Outcome::Fail,
                "The vp_token is not a JSON object keyed by the query's credential ids.",
                "vp_token ไม่ใช่ออบเจกต์ JSON ตามรหัสใบรับรองที่ร้องขอ",
            ))
        }
    };
    let mut policy = policy.clone();
    policy.presentation = Some(PresentationRequest {
        challenge: expect.nonce.into(),
        domain: expect.client_id.into(),
        seen_challenges: expect.seen_nonces.clone(),
    });
    let mut decision = Decision {
        verified: false,
        claims: Map::new(),
        checks: Vec::new(),
        dropped: Vec::new(),
        consumed: Vec::new(),
    };
    let mut answered = BTreeSet::new();
    let mut holders = BTreeSet::new();
    let mut failed = false;
    for (id, presentations) in &token {
        let Some(query) = expect.query.credential(id) else {
            decision.checks.push(RpCheck::new(
                "vp-token",
                Outcome::Fail,
                format!("The answer holds a credential {id:?} that was not asked for."),
                format!("คำตอบมีใบรับรอง {id:?} ที่ไม่ได้ร้องขอ"),
            ));
            failed = true;
            continue;
        };
        let items: Vec<&Value> = match presentations {
            Value::Array(a) if !a.is_empty() => a.iter().collect(),
            _ => {
                decision.checks.push(RpCheck::new(
                    "vp-token",
                    Outcome::Fail,
                    format!("{id}: expected a non-empty array of presentations."),
                    format!("{id}: ต้องเป็นอาร์เรย์ของการแสดงที่ไม่ว่าง"),
                ));
                failed = true;
                continue;
            }
        };
        if items.len() > 1 && !query.multiple {
            decision.checks.push(RpCheck::new(
                "vp-token",
                Outcome::Fail,
                format!("{id}: several presentations, but only one was asked for."),
                format!("{id}: มีการแสดงหลายรายการ แต่ร้องขอเพียงรายการเดียว"),
            ));
            failed = true;
            continue;
        }
        let mut values = Vec::new();
        let mut ok = true;
        for item in items {
            match judge(
                item,
                query,
                bundle,
                now,
                &policy,
                &mut decision,
                &mut holders,
            ) {
                Some(v) => values.push(v),
                None => ok = false,
            }
        }
        if ok {
            answered.insert(id.as_str());
            let value = if query.multiple {
                Value::Array(values)
            } else {
                values.pop().unwrap_or(Value::Null)
            };
            decision.claims.insert(id.clone(), value);
        } else {
            failed = true;
        }
    }
    if holders.len() > 1 {
        failed = true;
        decision.checks.push(RpCheck::new(
            "holders",
            Outcome::Fail,
            "The presented credentials belong to different holders: they may not be combined.",
            "ใบรับรองที่แสดงเป็นของผู้ถือต่างกัน จึงนำมารวมกันไม่ได้",
        ));
    }
    if expect.query.satisfied_by(&answered) {
        decision.checks.push(RpCheck::new(
            "query",
            Outcome::Pass,
            "The answer satisfies the request.",
            "คำตอบครบตามที่ร้องขอ",
        ));
    } else {
        failed = true;
        decision.checks.push(RpCheck::new(
            "query",
            Outcome::Fail,
            "The answer does not provide the credentials and claims that were requested.",
            "คำตอบไม่มีใบรับรองหรือข้อมูลครบตามที่ร้องขอ",
        ));
    }
    if !decision.dropped.is_empty() {
        decision.checks.push(RpCheck::new(
            "unrequested-claims",
            Outcome::Warning,
            format!(
                "Claims disclosed without being asked for were dropped, not recorded: {}.",
                decision.dropped.join(", ")
            ),
            format!(
                "ข้อมูลที่เปิดเผยโดยไม่ได้ร้องขอถูกตัดทิ้ง ไม่ได้บันทึก: {}",
                decision.dropped.join(", ")
            ),
        ));
    }
    decision.verified = !failed && decision.checks.iter().all(|c| c.outcome != Outcome::Fail);
    if !decision.verified {
        decision.claims = Map::new();
    }
    decision
}

fn push_report(decision: &mut Decision, id: &str, report: &Report) {
    for c in &report.checks {
        decision.checks.push(RpCheck {
            code: c.code.as_str().into(),
            outcome: c.outcome,
            reason: c.reason.clone(),
            credential: Some(id.into()),
        });
    }
    for nested in &report.credentials {
        for c in &nested.checks {
            decision.checks.push(RpCheck {
                code: c.code.as_str().into(),
                outcome: c.outcome,
                reason: c.reason.clone(),
                credential: Some(id.into()),
            });
        }
    }
}

fn not_satisfied(decision: &mut Decision, id: &str, en: String, th: String) {
    decision.checks.push(RpCheck {
        code: "query".into(),
        outcome: Outcome::Fail,
        reason: Text::new(en, th),
        credential: Some(id.into()),
    });
}

fn issuer_value(report: &Report) -> Value {
    json!({
        "id": report.issuer,
        "name": report.issuer_name.as_ref().map(|t| json!({"en": t.en, "th": t.th})),
    })
}

/// Verifies one presentation and returns the recorded claims, or `None`.
fn judge(
    item: &Value,
    query: &CredentialQuery,
    bundle: &TrustBundle,
    now: OffsetDateTime,
    policy: &TrustPolicy,
    decision: &mut Decision,
    holders: &mut BTreeSet<String>,
) -> Option<Value> {
    let id = query.id.as_str();
    let wrong_shape = |decision: &mut Decision, want: &str| {
        decision.checks.push(RpCheck {
            code: "vp-token".into(),
            outcome: Outcome::Fail,
            reason: Text::new(
                format!("{id}: a {} presentation must be {want}.", query.format),
                format!("{id}: การแสดงแบบ {} ต้องเป็น{want}", query.format),
            ),
            credential: Some(id.into()),
        });
        None
    };
    match query.format.as_str() {
        FORMAT_SD_JWT => {
            let Some(text) = item.as_str() else {
                return wrong_shape(decision, "a string");
            };
            let report = verify_with_bundle(text.as_bytes(), bundle, now, policy);
            push_report(decision, id, &report);
            if report.verdict != Verdict::Valid {
                return None;
            }
            if report.outcome(CheckCode::HolderBinding) != Some(Outcome::Pass) {
                return None;
            }
            decision.consumed.extend(report.consumed_challenge.clone());
            let claims = report.credential.clone().unwrap_or(Value::Null);
            let vct = claims.get("vct").and_then(Value::as_str).unwrap_or("");
            if !query.vct_values().contains(&vct) {
                not_satisfied(
                    decision,
                    id,
                    format!(
                        "{id}: a credential of type {vct} was presented; the request asks for {}.",
                        query.vct_values().join(" or ")
                    ),
                    format!(
                        "{id}: แสดงใบรับรองประเภท {vct} แต่คำขอต้องการ {}",
                        query.vct_values().join(" หรือ ")
                    ),
                );
                return None;
            }
            let Some(keep) = query.select(&claims) else {
                not_satisfied(
                    decision,
                    id,
                    format!("{id}: the disclosed claims do not include what was requested."),
                    format!("{id}: ข้อมูลที่เปิดเผยไม่ครบตามที่ร้องขอ"),
                );
                return None;
            };
            if let Some(cnf) = claims.get("cnf") {
                holders.insert(cnf.to_string());
            }
            let requested = query.requested_paths();
            for d in &report.disclosed {
                let path = path_from_display(&d.path);
                if !requested.iter().any(|r| covered_by(&path, r)) {
                    decision
                        .dropped
                        .push(format!("{id}: {}", display_path(&path)));
                }
            }
            let mut out = match prune(&claims, &keep) {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            out.insert("vct".into(), json!(vct));
            out.insert(
                "valid_from".into(),
                stamp(claims.get("nbf").and_then(Value::as_i64)),
            );
            out.insert(
                "valid_until".into(),
                stamp(claims.get("exp").and_then(Value::as_i64)),
            );
            out.insert("issuer".into(), issuer_value(&report));
            Some(Value::Object(out))
        }
        FORMAT_LDP => {
            if !item.is_object() {
                return wrong_shape(decision, "a JSON object (a verifiable presentation)");
            }
            let bytes = serde_json::to_vec(item).unwrap_or_default();
            let report = verify_with_bundle(&bytes, bundle, now, policy);
            push_report(decision, id, &report);
            if report.verdict != Verdict::Valid || report.credentials.len() != 1 {
                if report.verdict == Verdict::Valid {
                    not_satisfied(
                        decision,
                        id,
                        format!("{id}: present exactly one credential per query."),
                        format!("{id}: ต้องแสดงใบรับรองหนึ่งรายการต่อคำขอ"),
                    );
                }
                return None;
            }
            decision.consumed.extend(report.consumed_challenge.clone());
            holders.extend(report.holder.clone());
            let nested = &report.credentials[0];
            let credential = nested.credential.clone().unwrap_or(Value::Null);
            let types: Vec<&str> = match credential.get("type") {
                Some(Value::Array(t)) => t.iter().filter_map(Value::as_str).collect(),
                Some(Value::String(t)) => vec![t.as_str()],
                _ => Vec::new(),
            };
            if !query.type_matches(&types) {
                not_satisfied(
                    decision,
                    id,
                    format!("{id}: the credential's types {types:?} are not those requested."),
                    format!("{id}: ประเภทของใบรับรอง {types:?} ไม่ตรงกับที่ร้องขอ"),
                );
                return None;
            }
            let Some(keep) = query.select(&credential) else {
                not_satisfied(
                    decision,
                    id,
                    format!("{id}: the credential does not hold what was requested."),
                    format!("{id}: ใบรับรองไม่มีข้อมูลตามที่ร้องขอ"),
                );
                return None;
            };
            let requested = query.requested_paths();
            if let Some(Value::Object(subject)) = credential.get("credentialSubject") {
                for key in subject.keys() {
                    let path = vec![
                        PathElement::Key("credentialSubject".into()),
                        PathElement::Key(key.clone()),
                    ];
                    if !requested.iter().any(|r| covered_by(&path, r)) {
                        decision
                            .dropped
                            .push(format!("{id}: {}", display_path(&path)));
                    }
                }
            }
            let mut out = match prune(&credential, &keep) {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            out.insert("type".into(), json!(types));
            for (from, to) in [("validFrom", "valid_from"), ("validUntil", "valid_until")] {
                out.insert(
                    to.into(),
                    credential.get(from).cloned().unwrap_or(Value::Null),
                );
            }
            out.insert("issuer".into(), issuer_value(nested));
            Some(Value::Object(out))
        }
        _ => wrong_shape(decision, "in a supported format"),
    }
}
