//! SD-JWT VC licences (`dc+sd-jwt`, with or without a Key Binding JWT):
//! the same questions as for a W3C licence, judged on the signed payload
//! and the Disclosures the holder chose, with the issuer's key resolved only
//! through the trust bundle (or the DID documents the caller loaded) and
//! status read from Token Status Lists checked like credentials.

use std::cell::RefCell;

use elicence_core::did::{DidError, KeyResolver, ASSERTION_METHOD};
use elicence_core::keys::PublicKey;
use elicence_sd_jwt::licence::{DisclosedLicence, LicenceClaim};
use elicence_sd_jwt::process;
use elicence_sd_jwt::status_list::TokenStatus;
use elicence_sd_jwt::type_metadata::{
    integrity_matches, licence_type_code, type_metadata, LicenceTypeInfo, VCT_BASE,
};
use elicence_sd_jwt::vc::{did_for_issuer, verify_vc, VerifiedVc};
use elicence_sd_jwt::verify::{check_key_binding, KeyBinding, VerifiedKeyBinding, VerifyOptions};
use elicence_sd_jwt::{ClaimPath, Part, SdJwtError, Step};
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use crate::bundle::TrustBundle;
use crate::checks::{Ctx, Mode, Run, Signer};
use crate::report::{CheckCode, DisclosedClaim, Outcome, Report, SecuredFormat, Text};
use crate::status::TokenStatusSnapshot;
use crate::trusted::{age, stamp};

/// A Key Binding JWT answering a verifier's challenge must be this recent.
pub const KEY_BINDING_MAX_AGE: Duration = Duration::minutes(10);

fn order(ctx: &Ctx<'_>) -> &'static [CheckCode] {
    match ctx.mode {
        Mode::Basic { .. } => &CheckCode::SD_JWT_WITHOUT_BUNDLE,
        Mode::Bundle { .. } => &CheckCode::SD_JWT_WITH_BUNDLE,
    }
}

fn rfc3339(seconds: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(seconds).ok().map(stamp)
}

/// Verifies an SD-JWT VC; `run` may already hold the trust-bundle check.
pub(crate) fn verify_sd_jwt(ctx: &Ctx<'_>, mut run: Run, text: &str) -> Report {
    let compact = match process::split(text) {
        Ok(c) => c,
        Err(e) => {
            run.push(CheckCode::Format, Outcome::Fail, not_sd_jwt(&e));
            return run.finish(None, order(ctx));
        }
    };
    let signer: RefCell<Option<Signer>> = RefCell::new(None);
    let unresolved = RefCell::new(false);
    let resolve = |header: &Map<String, Value>, payload: &Map<String, Value>| {
        let unknown = |reason: String| SdJwtError::KeyResolution {
            part: Part::IssuerJwt,
            reason,
        };
        let kid = header
            .get("kid")
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| unknown("the header has no `kid` naming the issuer's key".into()))?;
        let vm = match kid.strip_prefix('#') {
            Some(_) => {
                let did = payload
                    .get("iss")
                    .and_then(Value::as_str)
                    .and_then(did_for_issuer)
                    .ok_or_else(|| {
                        unknown(format!("a relative kid {kid} needs an agency `iss`"))
                    })?;
                format!("{did}{kid}")
            }
            None => kid.to_owned(),
        };
        let resolved = ctx.resolver.resolve(&vm).map_err(|e| {
            *unresolved.borrow_mut() = matches!(e, DidError::DocumentNotFound(_));
            unknown(e.to_string())
        })?;
        if !resolved.allows(ASSERTION_METHOD) {
            return Err(unknown(format!(
                "{vm} is not authorised by its controller to issue credentials (assertionMethod)"
            )));
        }
        let created = payload.get("iat").and_then(Value::as_i64).and_then(rfc3339);
        *signer.borrow_mut() = Some(Signer {
            verification_method: resolved.verification_method,
            controller: resolved.controller,
            created,
        });
        Ok::<PublicKey, SdJwtError>(resolved.public_key)
    };
    let mut options = VerifyOptions::new(ctx.now);
    options.check_validity = false; // reported as the validity check
    options.key_binding = KeyBinding::IfPresent;
    let vc = match verify_vc(compact.without_kb, &resolve, &options) {
        Ok(vc) => vc,
        Err(e) => {
            proof_failed(&mut run, &e, *unresolved.borrow());
            return run.finish(None, order(ctx));
        }
    };
    let Some(signer) = signer.into_inner() else {
        run.push(
            CheckCode::Proof,
            Outcome::Fail,
            Text::new("The issuer's key was never resolved.", "ไม่พบกุญแจของผู้ออก"),
        );
        return run.finish(None, order(ctx));
    };
    let disclosures = compact.disclosures.len();
    let alg = vc.sd_jwt.alg.name().to_owned();
    run.format = Some(SecuredFormat::SdJwtVc {
        alg: alg.clone(),
        vct: vc.vct.clone(),
        disclosures,
        key_binding: compact.kb_jwt.is_some(),
    });
    run.issuer = Some(did_for_issuer(&vc.iss).unwrap_or_else(|| vc.iss.clone()));
    let kb_en = if compact.kb_jwt.is_some() {
        "with a Key Binding JWT"
    } else {
        "without a Key Binding JWT"
    };
    let kb_th = if compact.kb_jwt.is_some() {
        "พร้อม Key Binding JWT"
    } else {
        "ไม่มี Key Binding JWT"
    };
    run.push(
        CheckCode::Format,
        Outcome::Pass,
        Text::new(
            format!("An SD-JWT VC (dc+sd-jwt) of type {} issued by {}, {disclosures} claim(s) disclosed, {kb_en}.", vc.vct, vc.iss),
            format!("ใบรับรองแบบ SD-JWT VC (dc+sd-jwt) ประเภท {} ออกโดย {} เปิดเผยข้อมูล {disclosures} รายการ {kb_th}", vc.vct, vc.iss),
        ),
    );
    run.push(
        CheckCode::Proof,
        Outcome::Pass,
        Text::new(
            format!("The issuer's signature ({alg}) is valid, and every disclosed claim matches a digest it signed: nothing was changed or added."),
            format!("ลายมือชื่อของผู้ออก ({alg}) ถูกต้อง และข้อมูลที่เปิดเผยทุกรายการตรงกับค่าแฮชที่ลงนามไว้ ไม่มีการแก้ไขหรือเพิ่มเติม"),
        ),
    );
    run.signers = vec![signer];

    let proof_only = matches!(
        ctx.mode,
        Mode::Basic {
            proof_only: true,
            ..
        }
    );
    let mut consumed = None;
    if proof_only {
        for code in order(ctx)
            .iter()
            .skip_while(|c| **c != CheckCode::HolderBinding)
        {
            run.push(
                *code,
                Outcome::Skipped,
                Text::new(
                    "Skipped: --proof-only checks the proof alone.",
                    "ข้าม: ตรวจเฉพาะลายมือชื่อ (--proof-only)",
                ),
            );
        }
    } else {
        consumed = key_binding(&mut run, ctx, &compact, &vc, &options);
        judge(&mut run, ctx, &vc);
    }
    let mut report = run.finish(Some(Value::Object(vc.sd_jwt.claims.clone())), order(ctx));
    report.disclosed = disclosed_claims(&vc);
    if report.verdict == crate::Verdict::Valid {
        report.consumed_challenge = consumed;
    }
    report
}

fn not_sd_jwt(e: &SdJwtError) -> Text {
    Text::new(
        format!("Not a valid SD-JWT VC: {e}"),
        format!("ไม่ใช่ SD-JWT VC ที่ถูกต้อง: {e}"),
    )
}

fn proof_failed(run: &mut Run, e: &SdJwtError, unresolved: bool) {
    let format_error = matches!(
        e,
        SdJwtError::Malformed(_)
            | SdJwtError::MalformedJws {
                part: Part::IssuerJwt,
                ..
            }
            | SdJwtError::WrongType {
                part: Part::IssuerJwt,
                ..
            }
    );
    if format_error {
        return run.push(CheckCode::Format, Outcome::Fail, not_sd_jwt(e));
    }
    run.push(
        CheckCode::Format,
        Outcome::Pass,
        Text::new(
            "A compact SD-JWT claiming to be an SD-JWT VC (dc+sd-jwt).",
            "ข้อมูลรูปแบบ SD-JWT ที่อ้างว่าเป็น SD-JWT VC (dc+sd-jwt)",
        ),
    );
    if unresolved {
        return run.push(
            CheckCode::Proof,
            Outcome::NotRun,
            Text::new(
                format!("Cannot check the signature offline: {e}. Supply the issuer's DID document or verify with a trust bundle."),
                format!("ไม่สามารถตรวจลายมือชื่อแบบออฟไลน์ได้: {e} โปรดระบุเอกสาร DID ของผู้ออก หรือตรวจด้วยชุดข้อมูลความเชื่อถือ"),
            ),
        );
    }
    run.push(
        CheckCode::Proof,
        Outcome::Fail,
        Text::new(
            format!("The SD-JWT VC is not valid: {e}. It may have been altered or forged."),
            format!("SD-JWT VC ไม่ถูกต้อง: {e} ข้อมูลอาจถูกแก้ไขหรือปลอมแปลง"),
        ),
    );
}

/// The Key Binding JWT: `holder-binding` (signature by `cnf`, `sd_hash`),
/// `challenge` (nonce, unused, fresh) and `domain` (audience). Returns the
/// nonce consumed when the verifier's challenge was answered.
fn key_binding(
    run: &mut Run,
    ctx: &Ctx<'_>,
    compact: &process::Compact<'_>,
    vc: &VerifiedVc,
    options: &VerifyOptions,
) -> Option<String> {
    let request = ctx.presentation;
    let skip = |run: &mut Run, code, en: String, th: String| {
        run.push(code, Outcome::Skipped, Text::new(en, th));
    };
    let Some(kb) = compact.kb_jwt else {
        match request {
            Some(_) => run.push(
                CheckCode::HolderBinding,
                Outcome::Fail,
                Text::new(
                    "A challenge was given, but the presentation has no Key Binding JWT: nothing shows the presenter holds the licence, and a copy could be replayed.",
                    "มีการกำหนดรหัสท้าทาย แต่การแสดงไม่มี Key Binding JWT จึงไม่มีสิ่งใดแสดงว่าผู้แสดงเป็นผู้ถือใบอนุญาต และอาจเป็นสำเนาที่นำมาใช้ซ้ำ",
                ),
            ),
            None => {
                skip(run, CheckCode::HolderBinding,
                    "No Key Binding JWT, and none was asked for: this shows the licence is genuine, not that the presenter holds it.".into(),
                    "ไม่มี Key Binding JWT และไม่ได้ร้องขอ ผลนี้แสดงว่าใบอนุญาตเป็นของจริง แต่ไม่ได้แสดงว่าผู้แสดงเป็นผู้ถือ".into());
                skip(run, CheckCode::Challenge, "No challenge was given.".into(), "ไม่ได้กำหนดรหัสท้าทาย".into());
                skip(run, CheckCode::Domain, "No verifier domain was given.".into(), "ไม่ได้กำหนดผู้ตรวจสอบ".into());
            }
        }
        return None;
    };
    let verified: VerifiedKeyBinding = match check_key_binding(
        kb,
        compact.without_kb,
        &vc.sd_jwt.signed_payload,
        &KeyBinding::IfPresent,
        options,
    ) {
        Ok(v) => v,
        Err(e) => {
            run.push(
                CheckCode::HolderBinding,
                Outcome::Fail,
                Text::new(
                    format!("The Key Binding JWT is not valid: {e}."),
                    format!("Key Binding JWT ไม่ถูกต้อง: {e}"),
                ),
            );
            return None;
        }
    };
    run.push(
        CheckCode::HolderBinding,
        Outcome::Pass,
        Text::new(
            "The presenter signed this presentation with the holder key the licence is bound to (cnf), over exactly these disclosures.",
            "ผู้แสดงลงนามการแสดงนี้ด้วยกุญแจของผู้ถือที่ผูกไว้กับใบอนุญาต (cnf) ครอบคลุมข้อมูลที่เปิดเผยนี้ทั้งหมด",
        ),
    );
    let Some(request) = request else {
        skip(
            run,
            CheckCode::Challenge,
            format!(
                "No challenge was given; the Key Binding JWT answers nonce {:?}.",
                verified.nonce
            ),
            format!(
                "ไม่ได้กำหนดรหัสท้าทาย Key Binding JWT ตอบรหัส {:?}",
                verified.nonce
            ),
        );
        skip(
            run,
            CheckCode::Domain,
            format!(
                "No verifier domain was given; the Key Binding JWT is for {:?}.",
                verified.audience
            ),
            format!(
                "ไม่ได้กำหนดผู้ตรวจสอบ Key Binding JWT ทำขึ้นสำหรับ {:?}",
                verified.audience
            ),
        );
        return None;
    };
    let mut consumed = None;
    let made = stamp_or(verified.iat);
    if verified.nonce != request.challenge {
        run.push(
            CheckCode::Challenge,
            Outcome::Fail,
            Text::new(
                "The Key Binding JWT answers another challenge (nonce): it was made for another exchange.",
                "Key Binding JWT ตอบรหัสท้าทายอื่น จึงทำขึ้นสำหรับการตรวจครั้งอื่น",
            ),
        );
    } else if request.seen_challenges.contains(&verified.nonce) {
        run.push(
            CheckCode::Challenge,
            Outcome::Fail,
            Text::new(
                "This challenge was already used: the presentation is a replay.",
                "รหัสท้าทายนี้ถูกใช้ไปแล้ว การแสดงนี้เป็นการนำมาใช้ซ้ำ",
            ),
        );
    } else if ctx.now.unix_timestamp() - verified.iat > KEY_BINDING_MAX_AGE.whole_seconds() {
        run.push(
            CheckCode::Challenge,
            Outcome::Fail,
            Text::new(
                format!("The Key Binding JWT was made at {made}, more than 10 minutes ago."),
                format!("Key Binding JWT ทำขึ้นเมื่อ {made} นานกว่า 10 นาที"),
            ),
        );
    } else {
        consumed = Some(verified.nonce.clone());
        run.push(
            CheckCode::Challenge,
            Outcome::Pass,
            Text::new(
                format!("The Key Binding JWT answers this verifier's challenge, not used before (made {made})."),
                format!("Key Binding JWT ตอบรหัสท้าทายของผู้ตรวจสอบนี้ ซึ่งยังไม่เคยใช้ (ทำขึ้นเมื่อ {made})"),
            ),
        );
    }
    if verified.audience == request.domain {
        run.push(
            CheckCode::Domain,
            Outcome::Pass,
            Text::new(
                format!("Made for {}.", request.domain),
                format!("ทำขึ้นสำหรับ {}", request.domain),
            ),
        );
    } else {
        run.push(
            CheckCode::Domain,
            Outcome::Fail,
            Text::new(
                format!(
                    "The Key Binding JWT is for {:?}, not for {}.",
                    verified.audience, request.domain
                ),
                format!(
                    "Key Binding JWT ทำขึ้นสำหรับ {:?} ไม่ใช่ {}",
                    verified.audience, request.domain
                ),
            ),
        );
    }
    consumed
}

fn stamp_or(seconds: i64) -> String {
    rfc3339(seconds).unwrap_or_else(|| seconds.to_string())
}

/// Issuer, trust, validity, status and licence checks on the signed claims.
fn judge(run: &mut Run, ctx: &Ctx<'_>, vc: &VerifiedVc) {
    let issuer_did = run.issuer.clone().unwrap_or_default();
    let code = licence_type_code(VCT_BASE, &vc.vct);
    match ctx.mode {
        Mode::Basic { status, .. } => {
            run.issuer_key();
            validity(run, vc, ctx.now);
            if status.check {
                let refresh = Text::new(
                    "Fetch it (--online) or verify with a trust bundle; --no-status skips the check explicitly.",
                    "ดึงรายการสถานะ (--online) หรือตรวจด้วยชุดข้อมูลความเชื่อถือ หรือใช้ --no-status เพื่อข้ามการตรวจโดยชัดแจ้ง",
                );
                let lookup = |uri: &str| status.token_lists.iter().find(|s| s.uri == uri);
                token_status(
                    run,
                    &lookup,
                    status.max_age,
                    vc,
                    &issuer_did,
                    ctx.now,
                    &refresh,
                    Outcome::Pass,
                );
            } else {
                status_skipped(run, vc);
            }
            licence_data(run, vc);
        }
        Mode::Bundle { bundle, policy } => {
            let agency = run.issuer_trusted(bundle, true);
            run.issuer_key();
            if let Some(agency) = agency {
                run.key_window(bundle, agency, &Value::Null, ctx.now);
                run.issuer_authorised_for(bundle, agency, code);
                if policy.check_status {
                    let lookup = |uri: &str| {
                        policy
                            .token_status_lists
                            .iter()
                            .find(|s| s.uri == uri)
                            .or_else(|| bundle.token_status_list(uri))
                    };
                    let refresh = Text::new(
                        "Refresh the bundle, or fetch the list (--online).",
                        "โปรดปรับปรุงชุดข้อมูล หรือดึงรายการสถานะ (--online)",
                    );
                    token_status(
                        run,
                        &lookup,
                        policy.max_status_age,
                        vc,
                        &issuer_did,
                        ctx.now,
                        &refresh,
                        Outcome::Warning,
                    );
                } else {
                    status_skipped(run, vc);
                }
            }
            validity(run, vc, ctx.now);
            licence_data(run, vc);
            subject_schema(run, bundle, vc, code);
        }
    }
}

/// `nbf` ≤ now < `exp` (RFC 7519: not accepted on or after `exp`).
fn validity(run: &mut Run, vc: &VerifiedVc, now: OffsetDateTime) {
    let at = now.unix_timestamp();
    if let Some(nbf) = vc.nbf.filter(|n| at < *n) {
        let from = stamp_or(nbf);
        return run.push(
            CheckCode::Validity,
            Outcome::Fail,
            Text::new(
                format!("Not yet valid: valid from {from}."),
                format!("ยังไม่มีผล: เริ่มมีผล {from}"),
            ),
        );
    }
    if let Some(exp) = vc.exp.filter(|e| at >= *e) {
        let until = stamp_or(exp);
        return run.push(
            CheckCode::Validity,
            Outcome::Fail,
            Text::new(
                format!("Expired on {until}."),
                format!("หมดอายุแล้วเมื่อ {until}"),
            ),
        );
    }
    let window = match (vc.nbf, vc.exp) {
        (Some(f), Some(u)) => format!("{} – {}", stamp_or(f), stamp_or(u)),
        (Some(f), None) => format!("{} –", stamp_or(f)),
        (None, Some(u)) => format!("– {}", stamp_or(u)),
        (None, None) => "no dates".to_owned(),
    };
    run.push(
        CheckCode::Validity,
        Outcome::Pass,
        Text::new(
            format!("In force now ({window})."),
            format!("มีผลอยู่ในขณะนี้ ({window})"),
        ),
    );
}

fn status_skipped(run: &mut Run, vc: &VerifiedVc) {
    let reason = if vc.status.is_some() {
        Text::new(
            "NOT CHECKED: the credential names a token status list, but status checking was switched off (--no-status); it may have been revoked or suspended.",
            "ไม่ได้ตรวจ: ใบรับรองมีรายการสถานะ แต่ผู้ใช้ปิดการตรวจสถานะ (--no-status) ใบรับรองอาจถูกเพิกถอนหรือพักใช้แล้ว",
        )
    } else {
        Text::new(
            "Skipped (--no-status); the credential has no status claim anyway.",
            "ข้าม (--no-status) และใบรับรองไม่มีข้อมูลสถานะ",
        )
    };
    run.push(CheckCode::Status, Outcome::Skipped, reason);
}

/// The `status.status_list` entry read from a Token Status List the caller
/// or the bundle holds. Revoked or suspended fails whatever the list's age;
/// "valid" counts only from a list in force and recent enough.
#[allow(clippy::too_many_arguments)]
fn token_status<'l>(
    run: &mut Run,
    lookup: &dyn Fn(&str) -> Option<&'l TokenStatusSnapshot>,
    max_age: Duration,
    vc: &VerifiedVc,
    issuer_did: &str,
    now: OffsetDateTime,
    refresh: &Text,
    when_absent: Outcome,
) {
    let Some(reference) = &vc.status else {
        return run.push(
            CheckCode::Status,
            when_absent,
            Text::new(
                "The credential carries no status claim: the issuer cannot revoke or suspend it online, so only its dates limit it.",
                "ใบรับรองไม่มีข้อมูลสถานะ ผู้ออกจึงเพิกถอนหรือพักใช้ทางออนไลน์ไม่ได้ มีเพียงวันหมดอายุเป็นข้อจำกัด",
            ),
        );
    };
    let uri = &reference.uri;
    let Some(snap) = lookup(uri) else {
        return run.push(
            CheckCode::Status,
            Outcome::NotRun,
            Text::new(
                format!(
                    "Status unknown: there is no copy of the token status list {uri}. {}",
                    refresh.en
                ),
                format!("ไม่ทราบสถานะ: ไม่มีสำเนารายการสถานะ {uri} {}", refresh.th),
            ),
        );
    };
    let fail = |run: &mut Run, en: String, th: String| {
        run.push(CheckCode::Status, Outcome::Fail, Text::new(en, th));
    };
    if snap.issuer != issuer_did {
        return fail(
            run,
            format!(
                "The token status list {uri} belongs to {}, not to the credential's issuer.",
                snap.issuer
            ),
            format!(
                "รายการสถานะ {uri} เป็นของ {} ไม่ใช่ของผู้ออกใบรับรอง",
                snap.issuer
            ),
        );
    }
    if let Some(iss) = snap.token.issuer.as_deref().filter(|i| *i != vc.iss) {
        return fail(
            run,
            format!(
                "The token status list {uri} names issuer {iss}, not {}.",
                vc.iss
            ),
            format!("รายการสถานะ {uri} ระบุผู้ออก {iss} ไม่ใช่ {}", vc.iss),
        );
    }
    let status = match snap.token.list.get(reference.idx) {
        Ok(s) => s,
        Err(e) => {
            return fail(
                run,
                format!("The status entry is unusable: {e}."),
                format!("ข้อมูลสถานะใช้ไม่ได้: {e}"),
            )
        }
    };
    let as_of = stamp_or(snap.token.issued_at);
    match status {
        TokenStatus::Valid => {}
        TokenStatus::Invalid => {
            return fail(
                run,
                format!("REVOKED: the issuer revoked this credential (token status list as of {as_of})."),
                format!("ถูกเพิกถอน: ผู้ออกได้เพิกถอนใบรับรองนี้แล้ว (ข้อมูลสถานะ ณ {as_of})"),
            )
        }
        TokenStatus::Suspended => {
            return fail(
                run,
                format!("SUSPENDED: the issuer has suspended this credential (token status list as of {as_of})."),
                format!("ถูกพักใช้: ผู้ออกได้พักใช้ใบรับรองนี้ (ข้อมูลสถานะ ณ {as_of})"),
            )
        }
        TokenStatus::Other(v) => {
            return fail(
                run,
                format!("The token status list gives status 0x{v:02X}, not VALID (as of {as_of})."),
                format!("รายการสถานะระบุสถานะ 0x{v:02X} ซึ่งไม่ใช่ VALID (ณ {as_of})"),
            )
        }
    }
    let unknown = |run: &mut Run, en: String, th: String| {
        run.push(CheckCode::Status, Outcome::NotRun, Text::new(en, th));
    };
    let Some(issued) = snap.issued_at() else {
        return unknown(
            run,
            format!("Status unknown: the token status list {uri} has an unreadable iat."),
            format!("ไม่ทราบสถานะ: รายการสถานะ {uri} ระบุเวลาที่ออกไม่ถูกต้อง"),
        );
    };
    if now < issued {
        return unknown(
            run,
            format!("Status unknown: the token status list {uri} is not valid before {as_of}."),
            format!("ไม่ทราบสถานะ: รายการสถานะ {uri} ยังไม่มีผลก่อน {as_of}"),
        );
    }
    if let Some(until) = snap.expires_at().filter(|u| now >= *u) {
        return unknown(
            run,
            format!("Status unknown: the token status list {uri} expired on {}; an expired list is never used. {}", stamp(until), refresh.en),
            format!("ไม่ทราบสถานะ: รายการสถานะ {uri} หมดอายุเมื่อ {} รายการที่หมดอายุจะไม่ถูกใช้ {}", stamp(until), refresh.th),
        );
    }
    let list_age = now - issued;
    if list_age > max_age {
        let (en, th) = age(list_age);
        let (max_en, max_th) = age(max_age);
        return unknown(
            run,
            format!("Status unknown: the token status list is {en} old (as of {as_of}), more than the {max_en} allowed; a recent revocation would not show. {}", refresh.en),
            format!("ไม่ทราบสถานะ: ข้อมูลสถานะมีอายุ {th} (ณ {as_of}) เกินกว่าที่กำหนด {max_th} การเพิกถอนล่าสุดอาจไม่ปรากฏ {}", refresh.th),
        );
    }
    let (en, th) = age(list_age);
    run.push(
        CheckCode::Status,
        Outcome::Pass,
        Text::new(
            format!("Not revoked or suspended (token status list as of {as_of}, {en} ago)."),
            format!("ไม่ถูกเพิกถอนหรือพักใช้ (ข้อมูลสถานะ ณ {as_of} เมื่อ {th} ที่แล้ว)"),
        ),
    );
}

fn licence_data(run: &mut Run, vc: &VerifiedVc) {
    if licence_type_code(VCT_BASE, &vc.vct).is_none() {
        return run.push(
            CheckCode::LicenceData,
            Outcome::Warning,
            Text::new(
                format!(
                    "{} is not an elicence licence type: licence fields were not checked.",
                    vc.vct
                ),
                format!(
                    "{} ไม่ใช่ประเภทใบอนุญาตของ elicence จึงไม่ได้ตรวจข้อมูลใบอนุญาต",
                    vc.vct
                ),
            ),
        );
    }
    let result = DisclosedLicence::from_vc(vc, VCT_BASE).and_then(|d| {
        if vc.nbf.is_none() || vc.exp.is_none() {
            return Err(SdJwtError::BadClaim {
                claim: "nbf/exp".into(),
                reason: "a licence has a validity period".into(),
            });
        }
        Ok(d)
    });
    match result {
        Ok(_) => run.push(
            CheckCode::LicenceData,
            Outcome::Pass,
            Text::new(
                format!(
                    "The {} disclosed licence claim(s) are well formed and consistent (juristic ID check digit, licence IRI against type and number); the holder withheld the rest.",
                    vc.sd_jwt.disclosed.len()
                ),
                format!(
                    "ข้อมูลใบอนุญาตที่เปิดเผย {} รายการถูกต้องและสอดคล้องกัน (เลขตรวจสอบของเลขนิติบุคคล IRI ตรงกับประเภทและเลขที่) ข้อมูลที่เหลือผู้ถือไม่ได้เปิดเผย",
                    vc.sd_jwt.disclosed.len()
                ),
            ),
        ),
        Err(e) => run.push(
            CheckCode::LicenceData,
            Outcome::Fail,
            Text::new(
                format!("Licence data is malformed: {e}"),
                format!("ข้อมูลใบอนุญาตไม่ถูกต้อง: {e}"),
            ),
        ),
    }
}

fn subject_schema(run: &mut Run, bundle: &TrustBundle, vc: &VerifiedVc, code: Option<&str>) {
    let Some(code) = code else {
        return run.push(
            CheckCode::SubjectSchema,
            Outcome::Fail,
            Text::new(
                format!("{} is not a licence type of the licence catalogue.", vc.vct),
                format!("{} ไม่ใช่ประเภทใบอนุญาตในทะเบียนประเภทใบอนุญาต", vc.vct),
            ),
        );
    };
    let Some(entry) = bundle.catalogue.get(code) else {
        return run.push(
            CheckCode::SubjectSchema,
            Outcome::Fail,
            Text::new(
                format!("The licence type {code:?} is not in the licence catalogue."),
                format!("ประเภทใบอนุญาต {code:?} ไม่อยู่ในทะเบียนประเภทใบอนุญาต"),
            ),
        );
    };
    let basis = (&entry.legal_basis.en, &entry.legal_basis.th);
    if let Some(integrity) = &vc.vct_integrity {
        let info: Option<LicenceTypeInfo> = serde_json::to_value(entry)
            .ok()
            .and_then(|v| serde_json::from_value(v).ok());
        let matches =
            info.is_some_and(|i| integrity_matches(integrity, &type_metadata(VCT_BASE, &i).bytes));
        if !matches {
            return run.push(
                CheckCode::SubjectSchema,
                Outcome::Warning,
                Text::new(
                    format!("\"{}\" under the {}; but its type metadata has changed since issue (vct#integrity differs from the catalogue edition {}): the catalogue's is authoritative.", entry.name.en, basis.0, bundle.catalogue.catalogue_version),
                    format!("\"{}\" ตาม{} แต่ข้อมูลกำกับประเภทเปลี่ยนไปหลังการออก (vct#integrity ต่างจากทะเบียนฉบับ {}) ให้ถือตามทะเบียน", entry.name.th, basis.1, bundle.catalogue.catalogue_version),
                ),
            );
        }
    }
    run.push(
        CheckCode::SubjectSchema,
        Outcome::Pass,
        Text::new(
            format!(
                "\"{}\" under the {}; claims the holder withheld cannot be checked here.",
                entry.name.en, basis.0
            ),
            format!(
                "\"{}\" ตาม{} ข้อมูลที่ผู้ถือไม่ได้เปิดเผยไม่อาจตรวจได้ในที่นี้",
                entry.name.th, basis.1
            ),
        ),
    );
}

fn value_at<'a>(claims: &'a Map<String, Value>, path: &ClaimPath) -> Option<&'a Value> {
    let mut steps = path.0.iter();
    let mut here = match steps.next()? {
        Step::Key(k) => claims.get(k)?,
        Step::Index(_) => return None,
    };
    for step in steps {
        here = match step {
            Step::Key(k) => here.get(k)?,
            Step::Index(i) => here.get(*i)?,
        };
    }
    Some(here)
}

fn disclosed_claims(vc: &VerifiedVc) -> Vec<DisclosedClaim> {
    vc.sd_jwt
        .disclosed
        .iter()
        .filter_map(|path| {
            let value = value_at(&vc.sd_jwt.claims, path)?.clone();
            let name = path.to_string();
            let label = match LicenceClaim::of(path) {
                Some(c) => Text::new(c.en, c.th),
                None => Text::new(name.clone(), name.clone()),
            };
            Some(DisclosedClaim {
                path: name,
                label,
                value,
            })
        })
        .collect()
}
