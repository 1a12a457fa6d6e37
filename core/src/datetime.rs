//! Strict date-times for everything an agency or a VC API client sends.
//!
//! RFC 3339 allows forms that parsers then silently rewrite: a leap second
//! (`23:59:60Z` becomes `23:59:59.999…`), lowercase `t`/`z`, fractions beyond
//! nanoseconds (cut), year `0000`. A signed licence must say exactly what the
//! agency wrote and mean the same to every verifier, so these are refused:
//! the accepted form is `YYYY-MM-DDThh:mm:ss[.f{1,9}](Z|±hh:mm)` with year
//! 0001-9999, uppercase `T` and `Z`, seconds 00-59.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Why a date-time text is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateTimeError {
    /// Not `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`.
    #[error("must be YYYY-MM-DDThh:mm:ss[.fraction] with Z or ±hh:mm (uppercase T and Z)")]
    Shape,
    /// Year 0000: not a year of the Gregorian calendar as RFC 3339 uses it.
    #[error("year 0000 is not allowed")]
    YearZero,
    /// A leap second (`:60`), which parsers silently turn into `:59`.
    #[error("a leap second (:60) is not allowed")]
    LeapSecond,
    /// More than 9 fraction digits: precision no parser keeps.
    #[error("at most 9 fraction digits (nanoseconds) are allowed")]
    TooPrecise,
    /// The fields do not make a real date, time or offset (e.g. 02-30, 25:00).
    #[error("not a real date, time or offset")]
    OutOfRange,
}

/// Parses a strict RFC 3339 date-time (see the module documentation).
pub fn parse_strict(text: &str) -> Result<OffsetDateTime, DateTimeError> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range.clone())
            .is_some_and(|s| s.len() == range.len() && s.iter().all(u8::is_ascii_digit))
    };
    let fixed = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !fixed {
        return Err(DateTimeError::Shape);
    }
    let mut at = 19;
    if b[at] == b'.' {
        let count = b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if count == 0 {
            return Err(DateTimeError::Shape);
        }
        if count > 9 {
            return Err(DateTimeError::TooPrecise);
        }
        at += 1 + count;
    }
    let zone = &b[at..];
    let zone_ok = zone == b"Z"
        || (zone.len() == 6
            && matches!(zone[0], b'+' | b'-')
            && zone[1..3].iter().all(u8::is_ascii_digit)
            && zone[3] == b':'
            && zone[4..6].iter().all(u8::is_ascii_digit));
    if !zone_ok {
        return Err(DateTimeError::Shape);
    }
    if &b[0..4] == b"0000" {
        return Err(DateTimeError::YearZero);
    }
    if &b[17..19] == b"60" {
        return Err(DateTimeError::LeapSecond);
    }
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| DateTimeError::OutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_strict_form() {
        for ok in [
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00+07:00",
            "2026-12-31T23:59:59.123456789-03:30",
            "0001-01-01T00:00:00Z",
            "2024-02-29T12:00:00.5Z",
        ] {
            assert!(parse_strict(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_what_parsers_would_rewrite() {
        for (bad, why) in [
            ("2026-12-31T23:59:60Z", DateTimeError::LeapSecond),
            ("2026-01-01T00:00:00.1234567891Z", DateTimeError::TooPrecise),
            ("2026-01-01t00:00:00Z", DateTimeError::Shape),
            ("2026-01-01T00:00:00z", DateTimeError::Shape),
            ("0000-01-01T00:00:00Z", DateTimeError::YearZero),
            ("2026-02-30T00:00:00Z", DateTimeError::OutOfRange),
            ("2026-01-01T24:00:00Z", DateTimeError::OutOfRange),
            ("2026-01-01T00:00:00", DateTimeError::Shape),
            ("2026-01-01 00:00:00Z", DateTimeError::Shape),
            ("2026-01-01T00:00:00.Z", DateTimeError::Shape),
            ("2026-01-01T00:00:00+0700", DateTimeError::Shape),
            ("+2026-01-01T00:00:00Z", DateTimeError::Shape),
            ("2026-01-01T00:00:00+24:00", DateTimeError::OutOfRange),
            ("", DateTimeError::Shape),
        ] {
            assert_eq!(parse_strict(bad), Err(why), "{bad}");
        }
    }
}
