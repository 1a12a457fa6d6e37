//! The checks that need the trust bundle: who the issuer is, whether its key
//! was in force, what it may issue, revocation and suspension, and the
//! catalogue's requirements. Each explains itself in Thai and English.

use elicence_core::did::KeyResolver;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::bundle::TrustBundle;
use crate::catalogue::has_field;
use crate::checks::{has_type, Run};
use crate::report::{CheckCode, Outcome, Text};
use crate::status::{StatusEntry, StatusSnapshot};
use crate::trust::Agency;

/// Signatures dated further in the future than this are not believed.
const CLOCK_SKEW: Duration = Duration::minutes(5);

pub(crate) fn stamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// "3 days", "5 hours": how old a snapshot is, for people.
pub(crate) fn age(d: Duration) -> (String, String) {
    if d.whole_days() >= 1 {
        let (days, hours) = (d.whole_days(), d.whole_hours() % 24);
        (
            format!("{days} days {hours} hours"),
            format!("{days} วัน {hours} ชั่วโมง"),
        )
    } else if d.whole_hours() >= 1 {
        (
            format!("{} hours", d.whole_hours()),
            format!("{} ชั่วโมง", d.whole_hours()),
        )
    } else {
        (
            format!("{} minutes", d.whole_minutes().max(0)),
            format!("{} นาที", d.whole_minutes().max(0)),
        )
    }
}

fn licence_type_code(credential: &Value) -> Option<&str> {
    credential
        .get("credentialSubject")?
        .get("licenceType")?
        .get("code")?
        .as_str()
}

impl Run {
    pub(crate) fn trust_bundle(&mut self, bundle: &TrustBundle, now: OffsetDateTime) {
        let v = bundle.version;
        if now < bundle.valid_from {
            return self.push(
                CheckCode::TrustBundle,
                Outcome::NotRun,
                Text::new(
                    format!(
                        "The trust bundle (version {v}) only applies from {}.",
                        stamp(bundle.valid_from)
                    ),
                    format!(
                        "ชุดข้อมูลความเชื่อถือ (รุ่น {v}) เริ่มใช้ได้ตั้งแต่ {}",
                        stamp(bundle.valid_from)
                    ),
                ),
            );
        }
        if let Some(until) = bundle.valid_until.filter(|u| now > *u) {
            return self.push(
                CheckCode::TrustBundle,
                Outcome::NotRun,
                Text::new(
                    format!("The trust bundle (version {v}) expired on {}: get a newer one before deciding.", stamp(until)),
                    format!("ชุดข้อมูลความเชื่อถือ (รุ่น {v}) หมดอายุเมื่อ {} โปรดปรับปรุงก่อนตัดสิน", stamp(until)),
                ),
            );
        }
        self.push(
            CheckCode::TrustBundle,
            Outcome::Pass,
            Text::new(
                format!("Trust bundle version {v}, signed by the root authority, is in force."),
                format!("ชุดข้อมูลความเชื่อถือรุ่น {v} ลงนามโดยหน่วยงานรับรองหลักและยังมีผล"),
            ),
        );
    }

    /// Looks the claimed issuer up in the trust list. Returns the agency only
    /// when the proof verified; an unknown issuer fails either way.
    pub(crate) fn issuer_trusted<'b>(
        &mut self,
        bundle: &'b TrustBundle,
        signed: bool,
    ) -> Option<&'b Agency> {
        let issuer = self.issuer.clone()?;
        match bundle.trust_list.agency_for_did(&issuer) {
            None => {
                self.push(
                    CheckCode::IssuerTrusted,
                    Outcome::Fail,
                    Text::new(
                        format!("The issuer {issuer} is not a recognised agency: it is not on the trust list. Anyone can create a DID and sign a licence with it."),
                        format!("ผู้ออก {issuer} ไม่ใช่หน่วยงานที่ได้รับการรับรอง (ไม่อยู่ในรายชื่อหน่วยงานที่เชื่อถือได้) ผู้ใดก็สร้าง DID และลงนามเองได้"),
                    ),
                );
                None
            }
            Some(_) if !signed => None,
            Some(agency) => {
                let name = Text::new(agency.name.en.clone(), agency.name.th.clone());
                self.push(
                    CheckCode::IssuerTrusted,
                    Outcome::Pass,
                    Text::new(
                        format!("Issued by {} ({}), a recognised agency. This name comes from the trust list, not from the licence.", name.en, agency.code),
                        format!("ออกโดย {} ({}) ซึ่งเป็นหน่วยงานที่ได้รับการรับรอง ชื่อนี้มาจากรายชื่อหน่วยงานที่เชื่อถือได้ ไม่ใช่จากใบอนุญาต", name.th, agency.code),
                    ),
                );
                self.issuer_name = Some(name);
                Some(agency)
            }
        }
    }

    pub(crate) fn key_window(
        &mut self,
        bundle: &TrustBundle,
        agency: &Agency,
        _credential: &Value,
        now: OffsetDateTime,
    ) {
        let windows = bundle.trust_list.windows_for(agency);
        let mut passes = Vec::new();
        for signer in self.signers.clone() {
            let vm = &signer.verification_method;
            let fail = |run: &mut Run, en: String, th: String| {
                run.push(CheckCode::KeyWindow, Outcome::Fail, Text::new(en, th));
            };
            let Ok(resolved) = bundle.resolver.resolve(vm) else {
                return fail(
                    self,
                    format!("The signing key {vm} cannot be resolved from the trust list."),
                    format!("ไม่พบกุญแจที่ใช้ลงนาม {vm} ในรายชื่อหน่วยงานที่เชื่อถือได้"),
                );
            };
            let Some(window) = windows
                .iter()
                .find(|w| w.did == signer.controller && w.public_key == resolved.public_key)
            else {
                return fail(
                    self,
                    format!(
                        "The signing key {vm} is not one of {}'s listed keys.",
                        agency.code
                    ),
                    format!("กุญแจที่ใช้ลงนาม {vm} ไม่ใช่กุญแจที่ขึ้นทะเบียนของ {}", agency.code),
                );
            };
            if window.compromised {
                return fail(
                    self,
                    format!("The signing key {} is marked compromised: nothing it signed can be trusted, whatever date it carries.", window.id),
                    format!("กุญแจ {} ถูกระบุว่ารั่วไหล สิ่งที่ลงนามด้วยกุญแจนี้เชื่อถือไม่ได้ ไม่ว่าจะระบุวันที่ใด", window.id),
                );
            }
            let Some(created) = signer.created.as_deref() else {
                return self.push(
                    CheckCode::KeyWindow,
                    Outcome::NotRun,
                    Text::new(
                        "The signature carries no creation time, so the key's validity window cannot be checked.",
                        "ลายมือชื่อไม่ระบุเวลาที่ลงนาม จึงตรวจช่วงเวลาที่กุญแจมีผลไม่ได้",
                    ),
                );
            };
            let Ok(at) = OffsetDateTime::parse(created, &Rfc3339) else {
                return fail(
                    self,
                    format!("The signature's creation time {created:?} is not a date-time with a time zone."),
                    format!("เวลาลงนาม {created:?} ไม่ใช่วันเวลาที่มีเขตเวลา"),
                );
            };
            if at > now + CLOCK_SKEW {
                return fail(
                    self,
                    format!(
                        "The signature claims to be made at {}, in the future.",
                        stamp(at)
                    ),
                    format!("ลายมือชื่อระบุเวลาลงนาม {} ซึ่งเป็นเวลาในอนาคต", stamp(at)),
                );
            }
            let window_text = match window.until {
                Some(u) => format!("{} – {}", stamp(window.from), stamp(u)),
                None => format!("{} –", stamp(window.from)),
            };
            if at < window.from || window.until.is_some_and(|u| at > u) {
                return fail(
                    self,
                    format!(
                        "Signed at {} with key {}, which was only in force {window_text}.",
                        stamp(at),
                        window.id
                    ),
                    format!(
                        "ลงนามเมื่อ {} ด้วยกุญแจ {} ซึ่งมีผลเฉพาะช่วง {window_text}",
                        stamp(at),
                        window.id
                    ),
                );
            }
            passes.push((stamp(at), window_text));
        }
        if let Some((at, window)) = passes.first() {
            self.push(
                CheckCode::KeyWindow,
                Outcome::Pass,
                Text::new(
                    format!(
                        "Signed at {at} with a key of {} in force {window}.",
                        agency.code
                    ),
                    format!("ลงนามเมื่อ {at} ด้วยกุญแจของ {} ที่มีผลช่วง {window}", agency.code),
                ),
            );
        }
    }

    pub(crate) fn issuer_authorised(
        &mut self,
        bundle: &TrustBundle,
        agency: &Agency,
        credential: &Value,
    ) {
        self.issuer_authorised_for(bundle, agency, licence_type_code(credential));
    }

    /// Whether `agency` may issue the licence type `code` (none: the
    /// credential names no type, so nobody may have issued it).
    pub(crate) fn issuer_authorised_for(
        &mut self,
        bundle: &TrustBundle,
        agency: &Agency,
        code: Option<&str>,
    ) {
        let Some(code) = code else {
            return self.push(
                CheckCode::IssuerAuthorised,
                Outcome::Fail,
                Text::new(
                    "The credential names no licence type (credentialSubject.licenceType.code), so no agency is authorised to issue it.",
                    "ใบรับรองไม่ระบุประเภทใบอนุญาต จึงไม่มีหน่วยงานใดมีอำนาจออก",
                ),
            );
        };
        let type_name = bundle
            .catalogue
            .get(code)
            .map(|t| (t.name.en.clone(), t.name.th.clone()))
            .unwrap_or_else(|| (code.to_owned(), code.to_owned()));
        if agency.licence_types.iter().any(|t| t == code) {
            self.push(
                CheckCode::IssuerAuthorised,
                Outcome::Pass,
                Text::new(
                    format!(
                        "{} is authorised to issue \"{}\" ({code}).",
                        agency.code, type_name.0
                    ),
                    format!("{} มีอำนาจออก \"{}\" ({code})", agency.code, type_name.1),
                ),
            );
        } else {
            let may = agency.licence_types.join(", ");
            self.push(
                CheckCode::IssuerAuthorised,
                Outcome::Fail,
                Text::new(
                    format!(
                        "{} ({}) is not authorised to issue \"{}\" ({code}); it may issue: {may}.",
                        agency.name.en, agency.code, type_name.0
                    ),
                    format!(
                        "{} ({}) ไม่มีอำนาจออก \"{}\" ({code}) หน่วยงานนี้ออกได้เฉพาะ: {may}",
                        agency.name.th, agency.code, type_name.1
                    ),
                ),
            );
        }
    }

    /// The status check, on whatever lists the caller supplied (`lookup`
    /// by URL: fetched lists first, then the bundle's snapshots). A
    /// credential with a `credentialStatus` whose lists are missing, stale,
    /// expired or not yet valid is "cannot decide": its status is unknown.
    /// `when_absent` is the outcome for a credential with no status entry
    /// (a warning for licences checked against a bundle).
    pub(crate) fn status<'l>(
        &mut self,
        lookup: &dyn Fn(&str) -> Option<&'l StatusSnapshot>,
        max_status_age: Duration,
        credential: &Value,
        now: OffsetDateTime,
        refresh: &Text,
        when_absent: Outcome,
    ) {
        let Some(status) = credential.get("credentialStatus") else {
            return self.push(
                CheckCode::Status,
                when_absent,
                Text::new(
                    "The credential carries no status entry: the issuer cannot revoke or suspend it online, so only its dates limit it.",
                    "ใบรับรองไม่มีข้อมูลสถานะ ผู้ออกจึงเพิกถอนหรือพักใช้ทางออนไลน์ไม่ได้ มีเพียงวันหมดอายุเป็นข้อจำกัด",
                ),
            );
        };
        let entries = match StatusEntry::all_from(status) {
            Ok(e) => e,
            Err(e) => {
                return self.push(
                    CheckCode::Status,
                    Outcome::Fail,
                    Text::new(
                        format!("The status entry is malformed: {e}."),
                        format!("ข้อมูลสถานะไม่ถูกต้อง: {e}"),
                    ),
                )
            }
        };
        let issuer = self.issuer.clone().unwrap_or_default();
        let mut unknown: Option<Text> = None;
        let mut clear = Vec::new();
        for entry in &entries {
            let url = &entry.list_url;
            let Some(snap) = lookup(url) else {
                unknown.get_or_insert(Text::new(
                    format!(
                        "Status unknown: there is no copy of the status list {url}. {}",
                        refresh.en
                    ),
                    format!("ไม่ทราบสถานะ: ไม่มีสำเนารายการสถานะ {url} {}", refresh.th),
                ));
                continue;
            };
            let fail = |run: &mut Run, en: String, th: String| {
                run.push(CheckCode::Status, Outcome::Fail, Text::new(en, th));
            };
            if snap.list.issuer != issuer {
                return fail(
                    self,
                    format!(
                        "The status list {url} belongs to {}, not to the credential's issuer.",
                        snap.list.issuer
                    ),
                    format!(
                        "รายการสถานะ {url} เป็นของ {} ไม่ใช่ของผู้ออกใบรับรอง",
                        snap.list.issuer
                    ),
                );
            }
            if snap.list.purpose != entry.purpose {
                return fail(
                    self,
                    format!(
                        "The status entry is for {}, but the list {url} is for {}.",
                        entry.purpose, snap.list.purpose
                    ),
                    format!(
                        "ข้อมูลสถานะมีวัตถุประสงค์ {} แต่รายการ {url} มีวัตถุประสงค์ {}",
                        entry.purpose, snap.list.purpose
                    ),
                );
            }
            let bit = match snap.list.bit(entry.index) {
                Ok(b) => b,
                Err(e) => {
                    return fail(
                        self,
                        format!("The status entry is unusable: {e}."),
                        format!("ข้อมูลสถานะใช้ไม่ได้: {e}"),
                    )
                }
            };
            // A set bit is believed whatever the list's age: an old list
            // that already says "revoked" can only be right.
            let as_of = snap
                .valid_from
                .map(stamp)
                .unwrap_or_else(|| stamp(snap.fetched_at));
            match (entry.purpose.as_str(), bit) {
                ("revocation", true) => {
                    return fail(
                        self,
                        format!("REVOKED: the issuer revoked this credential (status list as of {as_of})."),
                        format!("ถูกเพิกถอน: ผู้ออกได้เพิกถอนใบรับรองนี้แล้ว (ข้อมูลสถานะ ณ {as_of})"),
                    )
                }
                ("suspension", true) => {
                    return fail(
                        self,
                        format!("SUSPENDED: the issuer has suspended this credential (status list as of {as_of})."),
                        format!("ถูกพักใช้: ผู้ออกได้พักใช้ใบรับรองนี้ (ข้อมูลสถานะ ณ {as_of})"),
                    )
                }
                _ => {}
            }
            // A clear bit is only as good as the list is recent and in force.
            let Some(valid_from) = snap.valid_from else {
                unknown.get_or_insert(Text::new(
                    format!("Status unknown: the status list {url} does not say when it was made (no validFrom), so it cannot show a recent revocation."),
                    format!("ไม่ทราบสถานะ: รายการสถานะ {url} ไม่ระบุเวลาที่ออก (ไม่มี validFrom) จึงไม่อาจแสดงการเพิกถอนล่าสุด"),
                ));
                continue;
            };
            if now < valid_from {
                unknown.get_or_insert(Text::new(
                    format!("Status unknown: the status list {url} is not valid before {as_of}."),
                    format!("ไม่ทราบสถานะ: รายการสถานะ {url} ยังไม่มีผลก่อน {as_of}"),
                ));
                continue;
            }
            if let Some(until) = snap.valid_until.filter(|u| now > *u) {
                unknown.get_or_insert(Text::new(
                    format!(
                        "Status unknown: the status list {url} expired on {}; an expired list is never used. {}",
                        stamp(until), refresh.en
                    ),
                    format!(
                        "ไม่ทราบสถานะ: รายการสถานะ {url} หมดอายุเมื่อ {} รายการที่หมดอายุจะไม่ถูกใช้ {}",
                        stamp(until), refresh.th
                    ),
                ));
                continue;
            }
            let list_age = now - valid_from;
            if list_age > max_status_age {
                let (en, th) = age(list_age);
                let (max_en, max_th) = age(max_status_age);
                unknown.get_or_insert(Text::new(
                    format!("Status unknown: the status list is {en} old (as of {as_of}), more than the {max_en} allowed; a recent revocation would not show. {}", refresh.en),
                    format!("ไม่ทราบสถานะ: ข้อมูลสถานะมีอายุ {th} (ณ {as_of}) เกินกว่าที่กำหนด {max_th} การเพิกถอนล่าสุดอาจไม่ปรากฏ {}", refresh.th),
                ));
                continue;
            }
            clear.push((entry.purpose.clone(), as_of, age(list_age)));
        }
        if let Some(reason) = unknown {
            return self.push(CheckCode::Status, Outcome::NotRun, reason);
        }
        let en: Vec<String> = clear
            .iter()
            .map(|(p, f, (a, _))| format!("{p}: clear (list as of {f}, {a} ago)"))
            .collect();
        let th: Vec<String> = clear
            .iter()
            .map(|(p, f, (_, a))| {
                let p = match p.as_str() {
                    "revocation" => "การเพิกถอน",
                    "suspension" => "การพักใช้",
                    other => other,
                };
                format!("{p}: ไม่พบ (ข้อมูล ณ {f} เมื่อ {a} ที่แล้ว)")
            })
            .collect();
        self.push(
            CheckCode::Status,
            Outcome::Pass,
            Text::new(
                format!("Not revoked or suspended. {}.", en.join("; ")),
                format!("ไม่ถูกเพิกถอนหรือพักใช้ {}", th.join("; ")),
            ),
        );
    }

    pub(crate) fn subject_schema(&mut self, bundle: &TrustBundle, credential: &Value) {
        if !has_type(credential, "BusinessLicenceCredential") {
            return self.push(
                CheckCode::SubjectSchema,
                Outcome::Fail,
                Text::new(
                    "Not a business licence credential: the catalogue has nothing to say about it.",
                    "ไม่ใช่ใบอนุญาตประกอบธุรกิจ จึงไม่อยู่ในทะเบียนประเภทใบอนุญาต",
                ),
            );
        }
        let Some(code) = licence_type_code(credential) else {
            return self.push(
                CheckCode::SubjectSchema,
                Outcome::Fail,
                Text::new("The licence names no licence type.", "ใบอนุญาตไม่ระบุประเภท"),
            );
        };
        let Some(entry) = bundle.catalogue.get(code) else {
            return self.push(
                CheckCode::SubjectSchema,
                Outcome::Fail,
                Text::new(
                    format!("The licence type {code:?} is not in the licence catalogue."),
                    format!("ประเภทใบอนุญาต {code:?} ไม่อยู่ในทะเบียนประเภทใบอนุญาต"),
                ),
            );
        };
        let subject = credential.get("credentialSubject").unwrap_or(&Value::Null);
        let missing: Vec<&str> = entry
            .required_subject_fields
            .iter()
            .map(String::as_str)
            .filter(|f| !has_field(subject, f))
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|f| format!("credentialSubject.{f}"))
                .collect::<Vec<_>>()
                .join(", ");
            return self.push(
                CheckCode::SubjectSchema,
                Outcome::Fail,
                Text::new(
                    format!(
                        "The catalogue requires {list} for \"{}\", and the licence lacks it.",
                        entry.name.en
                    ),
                    format!(
                        "ทะเบียนประเภทใบอนุญาตกำหนดให้ \"{}\" ต้องมี {list} แต่ใบอนุญาตไม่มี",
                        entry.name.th
                    ),
                ),
            );
        }
        let title = subject.get("licenceType").and_then(|t| t.get("title"));
        let title_matches = title.and_then(|t| t.get("th")).and_then(Value::as_str)
            == Some(entry.name.th.as_str())
            && title.and_then(|t| t.get("en")).and_then(Value::as_str)
                == Some(entry.name.en.as_str());
        let basis = (&entry.legal_basis.en, &entry.legal_basis.th);
        if title_matches {
            self.push(
                CheckCode::SubjectSchema,
                Outcome::Pass,
                Text::new(
                    format!(
                        "\"{}\" under the {}; the licence has every field the catalogue requires.",
                        entry.name.en, basis.0
                    ),
                    format!(
                        "\"{}\" ตาม{} ใบอนุญาตมีข้อมูลครบตามที่ทะเบียนกำหนด",
                        entry.name.th, basis.1
                    ),
                ),
            );
        } else {
            self.push(
                CheckCode::SubjectSchema,
                Outcome::Warning,
                Text::new(
                    format!("The licence's own title differs from the catalogue's name \"{}\" ({}); the catalogue's name is authoritative.", entry.name.en, basis.0),
                    format!("ชื่อประเภทในใบอนุญาตต่างจากชื่อในทะเบียน \"{}\" ({}) ให้ถือชื่อในทะเบียนเป็นหลัก", entry.name.th, basis.1),
                ),
            );
        }
    }
}
