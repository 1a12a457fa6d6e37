//! Dates and numbers as a Thai official document prints them: Buddhist Era
//! years (CE + 543) with Thai month names and Thai digits first, the
//! Gregorian date in English second, both in Thailand's time zone.

use std::fmt::Write as _;

use time::{OffsetDateTime, UtcOffset};

const THAI_MONTHS: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];

const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Thailand's time zone: licences are read as Thai civil dates.
fn thai_time(t: OffsetDateTime) -> OffsetDateTime {
    match UtcOffset::from_hms(7, 0, 0) {
        Ok(offset) => t.to_offset(offset),
        Err(_) => t,
    }
}

/// Hour and minute, when the instant is not the start or end of a day.
fn clock(t: OffsetDateTime) -> Option<(u8, u8)> {
    let (h, m, s) = t.to_hms();
    match (h, m, s) {
        (0, 0, 0) | (23, 59, 59) => None,
        _ => Some((h, m)),
    }
}

/// Arabic digits as Thai digits, as official Thai documents print them.
pub fn thai_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x0E50 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// "๑ มกราคม พ.ศ. ๒๕๖๙": Buddhist Era year (CE + 543), Thai month name, with
/// the time in Thailand when it is not a day boundary.
pub fn thai_date(t: OffsetDateTime) -> String {
    let t = thai_time(t);
    let month = THAI_MONTHS[usize::from(u8::from(t.month())) - 1];
    let mut s = format!("{} {month} พ.ศ. {}", t.day(), t.year() + 543);
    if let Some((h, m)) = clock(t) {
        let _ = write!(s, " เวลา {h:02}.{m:02} น.");
    }
    thai_digits(&s)
}

/// "1 January 2026" (Gregorian), with the time in Thailand when it is not a day boundary.
pub fn english_date(t: OffsetDateTime) -> String {
    let t = thai_time(t);
    let month = ENGLISH_MONTHS[usize::from(u8::from(t.month())) - 1];
    let mut s = format!("{} {month} {}", t.day(), t.year());
    if let Some((h, m)) = clock(t) {
        let _ = write!(s, ", {h:02}:{m:02} (UTC+7)");
    }
    s
}

/// 13-digit Thai ID in its printed grouping, 1-2345-67890-12-3; anything else as is.
pub fn grouped_id(id: &str) -> String {
    if id.len() == 13 && id.bytes().all(|b| b.is_ascii_digit()) {
        format!(
            "{}-{}-{}-{}-{}",
            &id[0..1],
            &id[1..5],
            &id[5..10],
            &id[10..12],
            &id[12..13]
        )
    } else {
        id.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn thai_dates_are_buddhist_era_in_thai_time() {
        assert_eq!(
            thai_date(datetime!(2026-01-01 00:00:00 +07:00)),
            "๑ มกราคม พ.ศ. ๒๕๖๙"
        );
        assert_eq!(
            thai_date(datetime!(2030-12-31 23:59:59 +07:00)),
            "๓๑ ธันวาคม พ.ศ. ๒๕๗๓"
        );
        // 2026-01-01T00:00:00Z is 07:00 in Bangkok, same day.
        assert_eq!(
            thai_date(datetime!(2026-01-01 00:00:00 UTC)),
            "๑ มกราคม พ.ศ. ๒๕๖๙ เวลา ๐๗.๐๐ น."
        );
        // 2025-12-31T20:00:00Z is already 1 January in Thailand.
        assert_eq!(
            english_date(datetime!(2025-12-31 20:00:00 UTC)),
            "1 January 2026, 03:00 (UTC+7)"
        );
    }

    #[test]
    fn ids_are_grouped_as_printed_in_thailand() {
        assert_eq!(grouped_id("0105536112014"), "0-1055-36112-01-4");
        assert_eq!(grouped_id("12345"), "12345");
    }
}
