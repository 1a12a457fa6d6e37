//! The issue form: which fields a licence type asks for (from the licence
//! catalogue), dates in the Buddhist Era or Gregorian calendar, and the form
//! turned into the same licence data the API takes (`examples/licence.json`).

use std::sync::OnceLock;

use elicence_core::licence::thai_id::ThaiId;
use elicence_verifier::catalogue::{Catalogue, LicenceType};
use serde_json::{json, Value};
use time::{Date, Month};

/// The catalogue shipped with elicence (`catalogue/licence-catalogue.json`).
const CATALOGUE_JSON: &str = include_str!("../../../catalogue/licence-catalogue.json");

/// The licence catalogue the form is built from, read once.
pub fn catalogue() -> Option<&'static Catalogue> {
    static CATALOGUE: OnceLock<Option<Catalogue>> = OnceLock::new();
    CATALOGUE
        .get_or_init(|| {
            serde_json::from_str(CATALOGUE_JSON)
                .ok()
                .and_then(|v| Catalogue::from_json(&v).ok())
        })
        .as_ref()
}

/// Whether licence type `t` requires subject field `field` (catalogue names:
/// `conditions`, `premises.address.en`).
pub fn requires(t: &LicenceType, field: &str) -> bool {
    t.required_subject_fields.iter().any(|f| f == field)
}

/// Offset of Buddhist Era years from Gregorian ones.
pub const BE_OFFSET: i32 = 543;

/// A form field's value, with Thai digits (๐-๙) read as ASCII digits.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '๐'..='๙' => char::from(b'0' + (c as u32 - '๐' as u32) as u8),
            c => c,
        })
        .collect()
}

/// Reads a date written `YYYY-MM-DD` or `DD/MM/YYYY` (also with Thai
/// digits). A year of 2400 or more is Buddhist Era (2569 = 2026): no
/// Gregorian year a licence uses comes near it, so the calendar is never
/// ambiguous.
pub fn parse_date(input: &str) -> Result<Date, &'static str> {
    let s = ascii_digits(input.trim());
    let parts: Vec<&str> = if s.contains('-') {
        s.split('-').collect()
    } else {
        let mut p: Vec<&str> = s.split('/').collect();
        p.reverse();
        p
    };
    let [y, m, d] = parts.as_slice() else {
        return Err("date: use DD/MM/YYYY or YYYY-MM-DD");
    };
    let num = |t: &str| -> Result<i32, &'static str> {
        if t.is_empty() || t.len() > 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err("date: use DD/MM/YYYY or YYYY-MM-DD");
        }
        t.parse().map_err(|_| "date: use DD/MM/YYYY or YYYY-MM-DD")
    };
    let (mut year, month, day) = (num(y)?, num(m)?, num(d)?);
    if y.len() != 4 {
        return Err("date: the year has four digits");
    }
    if year >= 2400 {
        year -= BE_OFFSET;
    }
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or("date: no such month")?;
    let day = u8::try_from(day).map_err(|_| "date: no such day")?;
    Date::from_calendar_date(year, month, day).map_err(|_| "date: no such day")
}

/// A date as the form shows it: `DD/MM/YYYY` in the Buddhist Era for Thai,
/// `YYYY-MM-DD` for English.
pub fn show_date(date: Date, thai: bool) -> String {
    if thai {
        format!(
            "{:02}/{:02}/{}",
            date.day(),
            u8::from(date.month()),
            date.year() + BE_OFFSET
        )
    } else {
        format!(
            "{:04}-{:02}-{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        )
    }
}

/// The end of a typical validity (`P1Y`, `P6M`, `P10Y`, …) starting on
/// `from`: the day before the anniversary. `None` for licences without a term.
pub fn default_until(from: Date, typical: Option<&str>) -> Option<Date> {
    let d = typical?.strip_prefix('P')?;
    let (mut years, mut months, mut days) = (0i32, 0i32, 0i64);
    let mut n = String::new();
    for c in d.chars() {
        if c.is_ascii_digit() {
            n.push(c);
            continue;
        }
        let v: i32 = n.parse().ok()?;
        n.clear();
        match c {
            'Y' => years = v,
            'M' => months = v,
            'D' => days = i64::from(v),
            _ => return None,
        }
    }
    let total = from.year() * 12 + i32::from(u8::from(from.month())) - 1 + years * 12 + months;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let mut day = from.day();
    let end = loop {
        if let Ok(d) = Date::from_calendar_date(year, month, day) {
            break d;
        }
        day -= 1;
    };
    end.checked_add(time::Duration::days(days))?.previous_day()
}

/// The issue form as posted.
#[derive(Debug, Clone, Default)]
pub struct LicenceForm {
    /// Licence type code (from the catalogue).
    pub type_code: String,
    /// Licence number as the agency writes it.
    pub number: String,
    /// Juristic person ID, 13 digits.
    pub juristic_id: String,
    /// Licensee name in Thai.
    pub name_th: String,
    /// Licensee name in English.
    pub name_en: String,
    /// Premises address in Thai.
    pub address_th: String,
    /// Premises address in English (optional unless the type requires it).
    pub address_en: String,
    /// Permitted activities, one per line.
    pub activities: String,
    /// Conditions, one per line.
    pub conditions: String,
    /// Start of validity (either calendar).
    pub valid_from: String,
    /// End of validity (either calendar).
    pub valid_until: String,
}

impl LicenceForm {
    /// Reads the posted fields (unknown ones ignored).
    pub fn from_pairs(pairs: &[(String, String)]) -> LicenceForm {
        let mut f = LicenceForm::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "type" => &mut f.type_code,
                "number" => &mut f.number,
                "juristic_id" => &mut f.juristic_id,
                "name_th" => &mut f.name_th,
                "name_en" => &mut f.name_en,
                "address_th" => &mut f.address_th,
                "address_en" => &mut f.address_en,
                "activities" => &mut f.activities,
                "conditions" => &mut f.conditions,
                "valid_from" => &mut f.valid_from,
                "valid_until" => &mut f.valid_until,
                _ => continue,
            };
            *slot = v.clone();
        }
        f
    }
}

/// A form mistake: the form field it belongs to and what is wrong (English
/// and Thai).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field's name.
    pub field: String,
    /// What is wrong, in English.
    pub en: String,
    /// What is wrong, in Thai.
    pub th: String,
}

fn field_error(field: &str, en: impl Into<String>, th: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        en: en.into(),
        th: th.into(),
    }
}

/// The form field that a licence data path (from the issuance code's
/// errors) was filled from, so its mistake is shown beside it.
pub fn form_field_of(path: &str) -> &'static str {
    match path {
        p if p.starts_with("licenceNumber") => "number",
        p if p.starts_with("licensee.juristicPersonId") => "juristic_id",
        p if p.starts_with("licensee.name.en") => "name_en",
        p if p.starts_with("licensee.name") => "name_th",
        p if p.starts_with("premises.address.en") => "address_en",
        p if p.starts_with("premises") => "address_th",
        p if p.starts_with("permittedActivities") => "activities",
        p if p.starts_with("conditions") => "conditions",
        p if p.starts_with("validFrom") => "valid_from",
        p if p.starts_with("validUntil") => "valid_until",
        _ => "",
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks the form against its licence type and builds the licence data
/// for the issuance code (which checks everything again, as for the API).
pub fn licence_data(form: &LicenceForm) -> Result<Value, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(t) = catalogue().and_then(|c| c.get(&form.type_code)) else {
        return Err(vec![field_error(
            "type",
            "choose a licence type from the list",
            "เลือกประเภทใบอนุญาตจากรายการ",
        )]);
    };
    let jid = ascii_digits(form.juristic_id.trim());
    match ThaiId::parse(&jid) {
        Ok(id) if id.is_juristic() => {}
        Ok(_) => errors.push(field_error(
            "juristic_id",
            "a juristic person ID starts with 0 (this is a citizen ID)",
            "เลขทะเบียนนิติบุคคลขึ้นต้นด้วย 0 (เลขนี้เป็นเลขประจำตัวประชาชน)",
        )),
        Err(e) => errors.push(field_error(
            "juristic_id",
            format!("not a valid 13-digit ID: {e}"),
            "เลขทะเบียนนิติบุคคล 13 หลักไม่ถูกต้อง (ตรวจสอบหลักสุดท้าย)",
        )),
    }
    for (field, value) in [
        ("number", &form.number),
        ("name_th", &form.name_th),
        ("name_en", &form.name_en),
        ("address_th", &form.address_th),
    ] {
        if value.trim().is_empty() {
            errors.push(field_error(field, "required", "ต้องกรอก"));
        }
    }
    if requires(t, "premises.address.en") && form.address_en.trim().is_empty() {
        errors.push(field_error(
            "address_en",
            "this licence type requires the address in English",
            "ใบอนุญาตประเภทนี้ต้องมีที่อยู่ภาษาอังกฤษ",
        ));
    }
    let activities = lines(&form.activities);
    if activities.is_empty() {
        errors.push(field_error(
            "activities",
            "give at least one permitted activity",
            "ระบุกิจการที่อนุญาตอย่างน้อยหนึ่งรายการ",
        ));
    }
    let conditions = lines(&form.conditions);
    if requires(t, "conditions") && conditions.is_empty() {
        errors.push(field_error(
            "conditions",
            "this licence type requires conditions",
            "ใบอนุญาตประเภทนี้ต้องระบุเงื่อนไข",
        ));
    }
    let mut dates = Vec::new();
    for field in ["valid_from", "valid_until"] {
        let text = if field == "valid_from" {
            &form.valid_from
        } else {
            &form.valid_until
        };
        match parse_date(text) {
            Ok(d) => dates.push(d),
            Err(e) => errors.push(field_error(
                field,
                e,
                "วันที่: ใช้ วว/ดด/ปปปป (พ.ศ. หรือ ค.ศ.) หรือ ปปปป-ดด-วว",
            )),
        }
    }
    if let [from, until] = dates[..] {
        if until < from {
            errors.push(field_error(
                "valid_until",
                "ends before it starts",
                "วันสิ้นอายุอยู่ก่อนวันเริ่ม",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let [from, until] = dates[..] else {
        return Err(errors);
    };
    let mut address = json!({"th": form.address_th.trim()});
    if !form.address_en.trim().is_empty() {
        address["en"] = json!(form.address_en.trim());
    }
    let mut data = json!({
        "licenceType": {"code": t.code, "name": {"th": t.name.th, "en": t.name.en}},
        "licenceNumber": form.number.trim(),
        "licensee": {
            "juristicPersonId": jid,
            "name": {"th": form.name_th.trim(), "en": form.name_en.trim()},
        },
        "premises": {"address": address},
        "permittedActivities": activities,
        // Licences are dated in Thailand's time zone: a whole day there.
        "validFrom": format!("{}T00:00:00+07:00", show_date(from, false)),
        "validUntil": format!("{}T23:59:59+07:00", show_date(until, false)),
    });
    if !conditions.is_empty() {
        data["conditions"] = json!(conditions);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_in_either_calendar() {
        assert_eq!(parse_date("31/12/2569"), Ok(date!(2026 - 12 - 31)));
        assert_eq!(parse_date("2026-12-31"), Ok(date!(2026 - 12 - 31)));
        assert_eq!(parse_date("2569-12-31"), Ok(date!(2026 - 12 - 31)));
        assert_eq!(parse_date("๓๑/๑๒/๒๕๖๙"), Ok(date!(2026 - 12 - 31)));
        assert_eq!(parse_date("1/2/2026"), Ok(date!(2026 - 02 - 01)));
        assert!(parse_date("29/02/2569").is_err()); // 2026 is not a leap year
        assert_eq!(parse_date("29/02/2567"), Ok(date!(2024 - 02 - 29)));
        assert!(parse_date("31/12/69").is_err());
        assert!(parse_date("tomorrow").is_err());
        assert_eq!(show_date(date!(2026 - 01 - 05), true), "05/01/2569");
        assert_eq!(show_date(date!(2026 - 01 - 05), false), "2026-01-05");
    }

    #[test]
    fn typical_validity_ends_the_day_before_the_anniversary() {
        let from = date!(2026 - 01 - 01);
        assert_eq!(
            default_until(from, Some("P1Y")),
            Some(date!(2026 - 12 - 31))
        );
        assert_eq!(
            default_until(from, Some("P6M")),
            Some(date!(2026 - 06 - 30))
        );
        assert_eq!(
            default_until(date!(2024 - 02 - 29), Some("P1Y")),
            Some(date!(2025 - 02 - 27))
        );
        assert_eq!(default_until(from, None), None);
    }

    #[test]
    fn the_catalogue_drives_required_fields() {
        let c = catalogue().expect("shipped catalogue");
        let hotel = c.get("hotel").unwrap();
        assert!(requires(hotel, "premises.address.en"));
        let mut form = LicenceForm {
            type_code: "hotel".into(),
            number: "1/2569".into(),
            juristic_id: "0105536112014".into(),
            name_th: "บริษัท ก จำกัด".into(),
            name_en: "A Co., Ltd.".into(),
            address_th: "๑ ถนนสีลม".into(),
            activities: "โรงแรม".into(),
            valid_from: "01/01/2569".into(),
            valid_until: "31/12/2573".into(),
            ..Default::default()
        };
        let errors = licence_data(&form).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "address_en");
        form.address_en = "1 Silom Road".into();
        let data = licence_data(&form).unwrap();
        assert_eq!(data["validFrom"], "2026-01-01T00:00:00+07:00");
        assert_eq!(data["validUntil"], "2030-12-31T23:59:59+07:00");
        form.juristic_id = "0105536112015".into();
        assert_eq!(licence_data(&form).unwrap_err()[0].field, "juristic_id");
    }
}
