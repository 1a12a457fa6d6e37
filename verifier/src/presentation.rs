//! Verifiable Presentations: a business shows its licences to a verifier (a
//! bank, another agency), signing with its own key over the verifier's
//! challenge and domain, so a copied presentation cannot be replayed
//! elsewhere or later.

use elicence_core::keys::SigningKey;
use elicence_core::licence::check_contexts;
use elicence_core::proof::{self, Canonicalization, Cryptosuite, ProofError, ProofOptions};
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;

use crate::checks::{Ctx, Run, Secured};
use crate::report::{CheckCode, Outcome, Report, Text, Verdict};

/// Proof purpose of a presentation: the holder authenticates.
pub const AUTHENTICATION: &str = "authentication";
/// Prefix of an enveloped `vc+jwt` inside a presentation (VC-JOSE-COSE).
pub const VC_JWT_DATA_URL: &str = "data:application/vc+jwt,";

/// Why a presentation could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PresentError {
    /// No credentials given.
    #[error("a presentation needs at least one credential")]
    Empty,
    /// A credential is neither a JSON credential nor a vc+jwt.
    #[error("credential {0}: neither a JSON credential nor a vc+jwt")]
    NotACredential(usize),
    /// A credential is about someone else than the signing key's DID.
    #[error("credential {index}: credentialSubject.id is {subject:?}, not the holder {holder}")]
    NotTheHolder {
        /// Its position.
        index: usize,
        /// Its subject id, if any.
        subject: Option<String>,
        /// The holder's DID.
        holder: String,
    },
    /// The challenge or domain is empty.
    #[error("the verifier's {0} must not be empty")]
    MissingBinding(&'static str),
    /// Signing failed.
    #[error("signing: {0}")]
    Proof(#[from] ProofError),
}

/// One credential to present: a Data Integrity credential (JSON) or a compact vc+jwt.
#[derive(Debug, Clone)]
pub enum Presented {
    /// A credential with an embedded proof.
    Json(Value),
    /// A compact vc+jwt.
    Jwt(String),
}

impl Presented {
    fn subject_id(&self) -> Option<String> {
        match self {
            Presented::Json(v) => subject_id(v),
            Presented::Jwt(jwt) => jwt_payload(jwt).and_then(|v| subject_id(&v)),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Presented::Json(v) => v.clone(),
            Presented::Jwt(jwt) => json!({
                "@context": elicence_core::licence::context::VC_V2_CONTEXT_URL,
                "type": "EnvelopedVerifiableCredential",
                "id": format!("{VC_JWT_DATA_URL}{jwt}"),
            }),
        }
    }
}

fn subject_id(credential: &Value) -> Option<String> {
    match credential.get("credentialSubject")? {
        Value::Array(items) => items.first()?.get("id")?.as_str().map(str::to_owned),
        s => s.get("id")?.as_str().map(str::to_owned),
    }
}

fn jwt_payload(jwt: &str) -> Option<Value> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    elicence_core::json::parse_strict(&bytes).ok()
}

/// Makes a presentation of `credentials`, signed by the holder's key
/// (`did:key`), bound to the verifier's `challenge` and `domain`. Refuses
/// credentials whose subject is not the holder: the verifier would reject them.
pub fn present(
    credentials: &[Presented],
    holder_key: &SigningKey,
    challenge: &str,
    domain: &str,
    created: &str,
) -> Result<Value, PresentError> {
    if credentials.is_empty() {
        return Err(PresentError::Empty);
    }
    if challenge.is_empty() {
        return Err(PresentError::MissingBinding("challenge"));
    }
    if domain.is_empty() {
        return Err(PresentError::MissingBinding("domain"));
    }
    let public = holder_key.public_key();
    let holder = elicence_core::did::did_key(&public);
    for (index, c) in credentials.iter().enumerate() {
        let subject = c.subject_id();
        if subject.as_deref() != Some(holder.as_str()) {
            return Err(PresentError::NotTheHolder {
                index,
                subject,
                holder,
            });
        }
    }
    let mut vp = Map::new();
    vp.insert(
        "@context".into(),
        json!([elicence_core::licence::context::VC_V2_CONTEXT_URL]),
    );
    vp.insert("type".into(), json!(["VerifiablePresentation"]));
    vp.insert("holder".into(), json!(holder));
    vp.insert(
        "verifiableCredential".into(),
        Value::Array(credentials.iter().map(Presented::to_value).collect()),
    );
    let suite = Cryptosuite::for_key(holder_key.algorithm(), Canonicalization::Jcs);
    let mut options = ProofOptions::new(
        elicence_core::did::did_key_verification_method(&public),
        created,
    );
    options.proof_purpose = AUTHENTICATION.into();
    options.challenge = Some(challenge.into());
    options.domain = Some(domain.into());
    Ok(proof::sign(
        &Value::Object(vp),
        suite,
        holder_key,
        &options,
    )?)
}

fn holder_of(vp: &Value) -> Option<&str> {
    match vp.get("holder")? {
        Value::String(s) => Some(s),
        o => o.get("id")?.as_str(),
    }
}

fn proofs(vp: &Value) -> Vec<&Value> {
    match vp.get("proof") {
        Some(Value::Array(ps)) => ps.iter().collect(),
        Some(p) => vec![p],
        None => Vec::new(),
    }
}

/// The credentials of a presentation as inputs for the credential checks.
fn presented(vp: &Value) -> Result<Vec<Secured>, String> {
    let items = match vp.get("verifiableCredential") {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => return Err("`verifiableCredential` is missing".into()),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let enveloped = item
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t == "EnvelopedVerifiableCredential");
            if enveloped {
                item.get("id")
                    .and_then(Value::as_str)
                    .and_then(|id| id.strip_prefix(VC_JWT_DATA_URL))
                    .map(|jwt| Secured::Jwt(jwt.to_owned()))
                    .ok_or_else(|| {
                        format!(
                            "credential {i}: only data:application/vc+jwt envelopes are supported"
                        )
                    })
            } else if item.is_object() {
                Ok(Secured::Json(item))
            } else {
                Err(format!("credential {i} is not an object"))
            }
        })
        .collect()
}

/// Verifies a presentation: its format and contexts, the holder's
/// `authentication` proof, challenge (and replay), domain, holder binding, and
/// each credential in full (nested reports).
pub(crate) fn verify_presentation(ctx: &Ctx<'_>, vp: Value) -> Report {
    let order = &CheckCode::PRESENTATION;
    let mut run = Run::default();
    let holder = holder_of(&vp).map(str::to_owned);
    let items = match (&holder, presented(&vp)) {
        (None, _) => Err("`holder` is missing".to_owned()),
        (_, Err(e)) => Err(e),
        (Some(_), Ok(items)) if items.is_empty() => Err("it presents no credential".to_owned()),
        (Some(_), Ok(items)) => Ok(items),
    };
    let items = match items {
        Ok(items) => items,
        Err(e) => {
            run.push(
                CheckCode::Format,
                Outcome::Fail,
                Text::new(
                    format!("Not a usable verifiable presentation: {e}."),
                    format!("ไม่ใช่การแสดงใบรับรองที่ใช้ได้: {e}"),
                ),
            );
            return finish(run, holder, Vec::new(), None, order);
        }
    };
    let holder = holder.unwrap_or_default();
    run.push(
        CheckCode::Format,
        Outcome::Pass,
        Text::new(
            format!(
                "A verifiable presentation of {} credential(s) by {holder}.",
                items.len()
            ),
            format!("การแสดงใบรับรอง {} ฉบับ โดย {holder}", items.len()),
        ),
    );

    // Contexts of the presentation itself (each credential is checked on its own).
    let mut outer = vp.clone();
    if let Some(o) = outer.as_object_mut() {
        o.remove("verifiableCredential");
    }
    let contexts = check_contexts(&outer)
        .map_err(|e| e.to_string())
        .and_then(|()| proof::check_spelling(&vp).map_err(|e| e.to_string()));
    let spelled_as_signed = contexts.is_ok();
    match contexts {
        Ok(()) => run.push(
            CheckCode::Contexts,
            Outcome::Pass,
            Text::new(
                "The presentation's contexts are pinned and shipped with elicence, and its JSON is written exactly as they define what was signed.",
                "บริบทของการแสดงใบรับรองฝังมากับโปรแกรมและตรึงค่าแฮชไว้ และข้อมูล JSON เขียนตรงตามความหมายที่ลงนามไว้",
            ),
        ),
        Err(e) => run.push(
            CheckCode::Contexts,
            Outcome::Fail,
            Text::new(
                format!("{e}: the presentation's JSON may not say what was signed, so it is refused."),
                format!("{e}: ข้อมูล JSON ของการแสดงใบรับรองอาจไม่ตรงกับสิ่งที่ลงนาม จึงปฏิเสธ"),
            ),
        ),
    }

    // The holder's proof. A presentation holder is a business: did:key, resolved offline.
    let now = ctx.now.format(&Rfc3339).ok();
    let resolver = elicence_core::did::OfflineResolver::new();
    let proof_ok = match proof::verify(&vp, &resolver, AUTHENTICATION, now.as_deref()) {
        Ok(verified) => {
            if let Some(p) = verified.iter().find(|p| p.controller != holder) {
                run.push(
                    CheckCode::PresentationProof,
                    Outcome::Fail,
                    Text::new(
                        format!(
                            "The presentation is signed by {}, not by its holder {holder}.",
                            p.controller
                        ),
                        format!("การแสดงใบรับรองลงนามโดย {} ไม่ใช่ผู้ถือ {holder}", p.controller),
                    ),
                );
                false
            } else {
                run.push(
                    CheckCode::PresentationProof,
                    Outcome::Pass,
                    Text::new(
                        format!("Signed by the holder {holder}: nothing was changed since."),
                        format!("ลงนามโดยผู้ถือ {holder} ข้อมูลไม่ถูกแก้ไขหลังการลงนาม"),
                    ),
                );
                true
            }
        }
        Err(e) => {
            run.push(
                CheckCode::PresentationProof,
                Outcome::Fail,
                Text::new(
                    format!("The presentation's signature is not valid: {e}."),
                    format!("ลายมือชื่อของการแสดงใบรับรองไม่ถูกต้อง: {e}"),
                ),
            );
            false
        }
    };

    let mut consumed = None;
    if proof_ok && spelled_as_signed {
        consumed = challenge_and_domain(&mut run, ctx, &vp);
        holder_binding(&mut run, &vp, &holder);
    }

    // Every credential in full, with the same mode (bundle or not).
    let reports: Vec<Report> = items
        .into_iter()
        .map(|item| {
            let mut inner = Run::default();
            if let crate::checks::Mode::Bundle { bundle, .. } = ctx.mode {
                inner.trust_bundle(bundle, ctx.now);
            }
            let shaped = match item {
                Secured::Json(doc) => inner.credential_shape(doc).map(Secured::Json),
                jwt => Some(jwt),
            };
            let inner_ctx = Ctx {
                presentation: None,
                ..*ctx
            };
            match shaped {
                Some(s) => inner_ctx.verify_credential(inner, s),
                None => inner.finish(None, inner_ctx_order(ctx)),
            }
        })
        .collect();
    let (outcome, en, th) = if reports.iter().any(|r| r.verdict == Verdict::Invalid) {
        (
            Outcome::Fail,
            "At least one presented credential is invalid (see its report).",
            "ใบรับรองที่แสดงอย่างน้อยหนึ่งฉบับไม่ถูกต้อง (ดูรายงานของฉบับนั้น)",
        )
    } else if reports.iter().any(|r| r.verdict == Verdict::CannotDecide) {
        (
            Outcome::NotRun,
            "At least one presented credential cannot be decided (see its report).",
            "ใบรับรองที่แสดงอย่างน้อยหนึ่งฉบับยังสรุปไม่ได้ (ดูรายงานของฉบับนั้น)",
        )
    } else {
        (
            Outcome::Pass,
            "Every presented credential is valid.",
            "ใบรับรองที่แสดงทุกฉบับถูกต้อง",
        )
    };
    run.push(CheckCode::Credentials, outcome, Text::new(en, th));
    finish(run, Some(holder), reports, consumed, order)
}

fn inner_ctx_order(ctx: &Ctx<'_>) -> &'static [CheckCode] {
    match ctx.mode {
        crate::checks::Mode::Basic { .. } => &CheckCode::WITHOUT_BUNDLE,
        crate::checks::Mode::Bundle { .. } => &CheckCode::WITH_BUNDLE,
    }
}

fn finish(
    run: Run,
    holder: Option<String>,
    credentials: Vec<Report>,
    consumed: Option<String>,
    order: &[CheckCode],
) -> Report {
    let mut report = run.finish(None, order);
    report.holder = holder;
    report.issuer = None;
    report.credentials = credentials;
    report.consumed_challenge = consumed;
    report
}

/// The proofs' `challenge` and `domain` against the request. Returns the
/// challenge to record as used when it matched.
fn challenge_and_domain(run: &mut Run, ctx: &Ctx<'_>, vp: &Value) -> Option<String> {
    let all = proofs(vp);
    let member = |name: &str| -> Vec<Option<&Value>> { all.iter().map(|p| p.get(name)).collect() };
    let Some(request) = ctx.presentation else {
        for code in [CheckCode::Challenge, CheckCode::Domain] {
            run.push(
                code,
                Outcome::NotRun,
                Text::new(
                    "No challenge and domain were expected, so a replayed presentation cannot be ruled out.",
                    "ไม่ได้ระบุรหัสท้าทายและโดเมนที่คาดหวัง จึงไม่อาจตัดความเป็นไปได้ของการนำมาใช้ซ้ำ",
                ),
            );
        }
        return None;
    };
    let challenges = member("challenge");
    let mut consumed = None;
    if challenges
        .iter()
        .any(|c| c.and_then(Value::as_str) != Some(request.challenge.as_str()))
    {
        run.push(
            CheckCode::Challenge,
            Outcome::Fail,
            Text::new(
                "The presentation does not answer this verifier's challenge: it was made for another exchange (a replay?).",
                "การแสดงใบรับรองไม่ได้ตอบรหัสท้าทายของผู้ตรวจสอบนี้ อาจเป็นการนำของเดิมมาใช้ซ้ำ",
            ),
        );
    } else if request.seen_challenges.contains(&request.challenge) {
        run.push(
            CheckCode::Challenge,
            Outcome::Fail,
            Text::new(
                "REPLAY: this challenge was already used by an earlier presentation.",
                "นำมาใช้ซ้ำ: รหัสท้าทายนี้ถูกใช้ไปแล้วในการแสดงครั้งก่อน",
            ),
        );
    } else {
        consumed = Some(request.challenge.clone());
        run.push(
            CheckCode::Challenge,
            Outcome::Pass,
            Text::new(
                "The presentation answers this verifier's fresh challenge.",
                "การแสดงใบรับรองตอบรหัสท้าทายใหม่ของผู้ตรวจสอบนี้",
            ),
        );
    }
    let domain_ok = member("domain").iter().all(|d| match d {
        Some(Value::String(s)) => *s == request.domain,
        Some(Value::Array(items)) => items
            .iter()
            .any(|i| i.as_str() == Some(request.domain.as_str())),
        _ => false,
    });
    if domain_ok {
        run.push(
            CheckCode::Domain,
            Outcome::Pass,
            Text::new(
                format!("Bound to this verifier ({}).", request.domain),
                format!("ผูกกับผู้ตรวจสอบนี้ ({})", request.domain),
            ),
        );
    } else {
        run.push(
            CheckCode::Domain,
            Outcome::Fail,
            Text::new(
                format!(
                    "The presentation was made for another verifier, not {}.",
                    request.domain
                ),
                format!("การแสดงใบรับรองนี้ทำขึ้นสำหรับผู้ตรวจสอบอื่น ไม่ใช่ {}", request.domain),
            ),
        );
    }
    consumed
}

fn holder_binding(run: &mut Run, vp: &Value, holder: &str) {
    let Ok(items) = presented(vp) else { return };
    for (i, item) in items.iter().enumerate() {
        let subject = match item {
            Secured::Json(v) => subject_id(v),
            Secured::Jwt(jwt) => jwt_payload(jwt).and_then(|v| subject_id(&v)),
            // Never embedded: an SD-JWT VC binds its holder with a KB-JWT.
            Secured::SdJwt(_) => None,
        };
        if subject.as_deref() != Some(holder) {
            let who = subject.unwrap_or_else(|| "nobody (no credentialSubject.id)".into());
            return run.push(
                CheckCode::HolderBinding,
                Outcome::Fail,
                Text::new(
                    format!("Credential {i} is about {who}, not about the presenter {holder}: a licence can only be presented by its holder."),
                    format!("ใบรับรองฉบับที่ {i} เป็นของ {who} ไม่ใช่ของผู้แสดง {holder} ใบอนุญาตแสดงได้โดยผู้ถือเท่านั้น"),
                ),
            );
        }
    }
    run.push(
        CheckCode::HolderBinding,
        Outcome::Pass,
        Text::new(
            format!("Every presented credential is about the presenter {holder}."),
            format!("ใบรับรองที่แสดงทุกฉบับเป็นของผู้แสดง {holder}"),
        ),
    );
}
