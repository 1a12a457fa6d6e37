//! Compact forms of string values that re-encode to the identical text:
//! RFC 3339 date-times, multibase base58btc (`z…`) and base64url (`u…`)
//! strings, and `did:key` identifiers and verification methods.
//!
//! Each `parse_*` returns a compact form only if formatting it back gives the
//! very same string, so the decoder can never change a signed value.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Largest byte string carried as base58btc: base58 conversion is quadratic,
/// so hostile payloads must not ask for megabytes of it. Keys and signatures
/// are under 150 bytes.
pub const MAX_BASE58_BYTES: usize = 512;

/// Base58 text longer than this cannot hold [`MAX_BASE58_BYTES`] bytes
/// (each character carries log2(58) > 5.85 bits; leading `1`s one byte each).
const MAX_BASE58_CHARS: usize = 700;

/// `did:key:` prefix of did:key identifiers.
pub const DID_KEY: &str = "did:key:z";

/// Bytes of base58btc `text` (without the `z`), if re-encoding them gives `text`.
pub fn base58_bytes(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() || text.len() > MAX_BASE58_CHARS {
        return None;
    }
    let bytes = bs58::decode(text).into_vec().ok()?;
    (bytes.len() <= MAX_BASE58_BYTES && bs58::encode(&bytes).into_string() == text).then_some(bytes)
}

/// Base58btc text of `bytes`.
pub fn base58_text(bytes: &[u8]) -> String {
    bs58::encode(bytes).into_string()
}

/// Bytes of base64url-no-padding `text` (without the `u`), if re-encoding gives `text`.
pub fn base64url_bytes(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    (URL_SAFE_NO_PAD.encode(&bytes) == text).then_some(bytes)
}

/// Base64url-no-padding text of `bytes`.
pub fn base64url_text(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The multikey bytes of `did:key:zX#zX` (same `X` twice) or of `did:key:zX`;
/// the flag says whether the fragment was there.
pub fn did_key(text: &str) -> Option<(Vec<u8>, bool)> {
    let rest = text.strip_prefix(DID_KEY)?;
    match rest.split_once('#') {
        Some((key, fragment)) => {
            if fragment.strip_prefix('z') != Some(key) {
                return None;
            }
            base58_bytes(key).map(|b| (b, true))
        }
        None => base58_bytes(rest).map(|b| (b, false)),
    }
}

/// The did:key identifier (or, with `fragment`, its verification method) of multikey `bytes`.
pub fn did_key_text(bytes: &[u8], fragment: bool) -> String {
    let key = base58_text(bytes);
    if fragment {
        format!("{DID_KEY}{key}#z{key}")
    } else {
        format!("{DID_KEY}{key}")
    }
}

/// First and last characters of the Thai block carried one byte each by
/// "Thai-8" (the TIS-620 / ISO 8859-11 byte values: U+0E01..U+0E5B as
/// 0xA1..0xFB).
const THAI_FIRST: u32 = 0x0E01;
const THAI_LAST: u32 = 0x0E5B;
const THAI_BYTE_OFFSET: u32 = 0x0E00 - 0xA0;

/// The Thai-8 bytes of `text` if it holds at least one Thai character and
/// nothing but ASCII and U+0E01..U+0E5B: one byte per character instead of
/// UTF-8's three. The mapping is one-to-one, so combining vowels and tone
/// marks keep their exact order (nothing is normalised).
pub fn thai8_bytes(text: &str) -> Option<Vec<u8>> {
    let mut thai = false;
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let cp = u32::from(c);
        if c.is_ascii() {
            out.push(cp as u8);
        } else if (THAI_FIRST..=THAI_LAST).contains(&cp) {
            thai = true;
            out.push((cp - THAI_BYTE_OFFSET) as u8);
        } else {
            return None;
        }
    }
    thai.then_some(out)
}

/// The text of Thai-8 `bytes`; `None` if a byte is neither ASCII nor 0xA1..0xFB.
pub fn thai8_text(bytes: &[u8]) -> Option<String> {
    bytes
        .iter()
        .map(|&b| match b {
            0..=0x7F => Some(char::from(b)),
            0xA1..=0xFB => char::from_u32(u32::from(b) + THAI_BYTE_OFFSET),
            _ => None,
        })
        .collect()
}

/// `prefix#z…` split into the prefix and the multikey bytes of a base58btc
/// fragment (a did:web verification method named after its key), if the
/// fragment re-encodes identically.
pub fn multibase_fragment(text: &str) -> Option<(&str, Vec<u8>)> {
    let (prefix, fragment) = text.rsplit_once("#z")?;
    base58_bytes(fragment).map(|bytes| (prefix, bytes))
}

/// The Thai ID check digit of twelve digits: `(11 - Σ dᵢ·(14-i) mod 11) mod 10`.
fn thai_id_check_digit(twelve: u64) -> u64 {
    let mut sum = 0;
    let mut rest = twelve;
    // Digit i (1-based, from the left) has weight 14 - i: the last has 2.
    for weight in 2..=13 {
        sum += rest % 10 * weight;
        rest /= 10;
    }
    (11 - sum % 11) % 10
}

/// The number of the first twelve digits of a Thai ID (13 ASCII digits
/// whose last is the check digit), the LC2 form of `juristicPersonId`.
pub fn thai_id_number(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() != 13 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let twelve = b[..12]
        .iter()
        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    (u64::from(b[12] - b'0') == thai_id_check_digit(twelve)).then_some(twelve)
}

/// The Thai ID whose first twelve digits are `number` (below 10^12).
pub fn thai_id_text(number: u64) -> Option<String> {
    (number < 1_000_000_000_000).then(|| format!("{number:012}{}", thai_id_check_digit(number)))
}

/// A date-time as seconds since 1970-01-01T00:00:00Z and, unless it was
/// written with `Z`, its UTC offset in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// Seconds since the Unix epoch (negative before 1970).
    pub seconds: i64,
    /// `None` for `Z`, else the offset in minutes east of UTC.
    pub offset_minutes: Option<i64>,
}

/// Largest offset magnitude, in minutes (`±23:59`).
pub const MAX_OFFSET_MINUTES: i64 = 23 * 60 + 59;

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// RFC 3339 text `YYYY-MM-DDTHH:MM:SS` + `Z` or `±HH:MM`; `None` if the year
/// falls outside 0000-9999 or the offset beyond ±23:59.
pub fn format_date_time(dt: DateTime) -> Option<String> {
    let offset = dt.offset_minutes.unwrap_or(0);
    if offset.abs() > MAX_OFFSET_MINUTES {
        return None;
    }
    // Years 0000-9999 span about ±2.5e11 seconds around 1970: far from overflow.
    const RANGE: i64 = 400_000_000_000;
    if dt.seconds.abs() > RANGE {
        return None;
    }
    let local = dt.seconds + offset * 60;
    let (year, month, day) = civil_from_days(local.div_euclid(86_400));
    if !(0..=9999).contains(&year) {
        return None;
    }
    let secs = local.rem_euclid(86_400);
    let mut text = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    match dt.offset_minutes {
        None => text.push('Z'),
        Some(minutes) => {
            let sign = if minutes < 0 { '-' } else { '+' };
            let m = minutes.abs();
            text.push_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60));
        }
    }
    Some(text)
}

fn digits(text: &[u8], range: std::ops::Range<usize>) -> Option<i64> {
    let part = text.get(range)?;
    if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

/// The compact form of `text` if it is a date-time that [`format_date_time`]
/// writes back identically (so no fractions, lower-case `t`/`z`, `-00:00`,
/// leap seconds or impossible dates).
pub fn parse_date_time(text: &str) -> Option<DateTime> {
    let b = text.as_bytes();
    if !(b.len() == 20 || b.len() == 25)
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || b.get(10) != Some(&b'T')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let year = digits(b, 0..4)?;
    let month = digits(b, 5..7)?;
    let day = digits(b, 8..10)?;
    let hour = digits(b, 11..13)?;
    let minute = digits(b, 14..16)?;
    let second = digits(b, 17..19)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let offset_minutes = match b.get(19..)? {
        b"Z" => None,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let minutes = digits(b, 20..22)? * 60 + digits(b, 23..25)?;
            Some(if *sign == b'-' { -minutes } else { minutes })
        }
        _ => return None,
    };
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let dt = DateTime {
        seconds: local - offset_minutes.unwrap_or(0) * 60,
        offset_minutes,
    };
    (format_date_time(dt).as_deref() == Some(text)).then_some(dt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_that_round_trip_are_compacted() {
        let dt = parse_date_time("2026-01-01T00:00:00+07:00").unwrap();
        assert_eq!(dt.seconds, 1_767_200_400);
        assert_eq!(dt.offset_minutes, Some(420));
        let z = parse_date_time("2023-02-24T23:36:38Z").unwrap();
        assert_eq!(z.seconds, 1_677_281_798);
        assert_eq!(z.offset_minutes, None);
        for text in [
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59-23:59",
            "1969-12-31T23:59:59Z",
            "2024-02-29T12:00:00+00:00",
            "2026-06-30T08:15:00-05:30",
        ] {
            let dt = parse_date_time(text).unwrap();
            assert_eq!(format_date_time(dt).unwrap(), text);
        }
    }

    #[test]
    fn date_times_that_would_change_stay_text() {
        for text in [
            "2026-01-01T00:00:00.000Z",
            "2026-01-01t00:00:00Z",
            "2026-01-01T00:00:00z",
            "2026-01-01T00:00:00-00:00",
            "2026-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2026-12-31T23:59:60Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00+24:00",
            "2026-01-01T00:00:00+07:60",
            "2026-01-01 00:00:00Z",
            "+026-01-01T00:00:00Z",
            "2026-01-01T00:00:00",
            "2026-1-01T00:00:00Z",
        ] {
            assert_eq!(parse_date_time(text), None, "{text}");
        }
    }

    #[test]
    fn thai8_is_one_to_one_and_keeps_mark_order() {
        for text in [
            "ก\u{0E48}\u{0E33}",
            "ก\u{0E33}\u{0E48}",
            "99/1 ถนน",
            "\u{0E5B}\u{0E01}",
        ] {
            let bytes = thai8_bytes(text).unwrap();
            assert_eq!(bytes.len(), text.chars().count());
            assert_eq!(thai8_text(&bytes).unwrap(), text);
        }
        assert_eq!(thai8_bytes("ascii only"), None);
        assert_eq!(thai8_bytes("ไทย – dash"), None);
        assert_eq!(thai8_bytes("\u{0E00}"), None);
        assert_eq!(thai8_bytes("\u{0E5C}"), None);
        assert_eq!(thai8_text(&[0xA0]), None);
        assert_eq!(thai8_text(&[0xFC]), None);
        assert_eq!(thai8_text(&[0x80]), None);
    }

    #[test]
    fn thai_ids_with_a_valid_check_digit_become_numbers() {
        // The sample licensee of docs/licence-credential.md.
        assert_eq!(thai_id_number("0105536112014"), Some(10_553_611_201));
        assert_eq!(thai_id_text(10_553_611_201).unwrap(), "0105536112014");
        assert_eq!(thai_id_number("0105536112015"), None);
        assert_eq!(thai_id_number("105536112014"), None);
        assert_eq!(thai_id_number("๐105536112014"), None);
        assert_eq!(thai_id_text(1_000_000_000_000), None);
        for n in [0u64, 1, 999_999_999_999, 123_456_789_012] {
            let text = thai_id_text(n).unwrap();
            assert_eq!(thai_id_number(&text), Some(n));
        }
    }

    #[test]
    fn multibase_only_when_canonical() {
        assert!(base58_bytes("6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2").is_some());
        // '0', 'O', 'I', 'l' are not base58 characters.
        assert_eq!(base58_bytes("0abc"), None);
        assert_eq!(base64url_bytes("abc="), None);
        // Non-zero trailing bits: decodes leniently elsewhere, but would not re-encode.
        assert_eq!(base64url_bytes("AB"), None);
        assert_eq!(base64url_bytes("AA").unwrap(), vec![0]);
        let vm = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
        let (bytes, fragment) = did_key(vm).unwrap();
        assert!(fragment);
        assert_eq!(bytes.len(), 34);
        assert_eq!(did_key_text(&bytes, true), vm);
        assert_eq!(did_key("did:key:z6Mkr#z6Mks"), None);
        assert_eq!(did_key("did:key:z6Mkr#key-1"), None);
    }
}
