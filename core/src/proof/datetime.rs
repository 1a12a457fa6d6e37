//! XML Schema 1.1 `dateTime` parsing, for `created` and `expires`.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

fn digits(s: &str, n: usize) -> Option<u32> {
    if s.len() == n && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Parses `[-]YYYY-MM-DDThh:mm:ss[.fff][Z|(+|-)hh:mm]`; a missing timezone is
/// read as UTC. `24:00:00` means the start of the next day (XSD §3.3.7).
pub(crate) fn parse(s: &str) -> Option<OffsetDateTime> {
    let (date, rest) = s.split_once('T')?;
    let (negative, date) = match date.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, date),
    };
    let mut dparts = date.splitn(3, '-');
    let year_str = dparts.next()?;
    if year_str.len() < 4 || (year_str.len() > 4 && year_str.starts_with('0')) {
        return None;
    }
    let year = i32::try_from(digits(year_str, year_str.len())?).ok()?;
    let year = if negative { -year } else { year };
    let month = Month::try_from(u8::try_from(digits(dparts.next()?, 2)?).ok()?).ok()?;
    let day = u8::try_from(digits(dparts.next()?, 2)?).ok()?;

    let (clock, offset) = if let Some(c) = rest.strip_suffix('Z') {
        (c, UtcOffset::UTC)
    } else if rest.len() > 6 && matches!(rest.as_bytes()[rest.len() - 6], b'+' | b'-') {
        let (c, tz) = rest.split_at(rest.len() - 6);
        let sign: i8 = if tz.starts_with('-') { -1 } else { 1 };
        let (h, m) = tz[1..].split_once(':')?;
        let (h, m) = (digits(h, 2)?, digits(m, 2)?);
        if h > 14 || m > 59 || (h == 14 && m != 0) {
            return None;
        }
        let offset = UtcOffset::from_hms(sign * h as i8, sign * m as i8, 0).ok()?;
        (c, offset)
    } else {
        (rest, UtcOffset::UTC)
    };

    let mut cparts = clock.splitn(3, ':');
    let hour = digits(cparts.next()?, 2)?;
    let minute = digits(cparts.next()?, 2)?;
    let sec_str = cparts.next()?;
    let (whole, frac) = match sec_str.split_once('.') {
        Some((w, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => (w, f),
        Some(_) => return None,
        None => (sec_str, ""),
    };
    let second = digits(whole, 2)?;
    let nanos: u32 = frac
        .chars()
        .chain(std::iter::repeat('0'))
        .take(9)
        .collect::<String>()
        .parse()
        .ok()?;

    let date = Date::from_calendar_date(year, month, day).ok()?;
    let (date, time) = if hour == 24 {
        if minute != 0 || second != 0 || nanos != 0 {
            return None;
        }
        (date.next_day()?, Time::MIDNIGHT)
    } else {
        let time = Time::from_hms_nano(
            u8::try_from(hour).ok()?,
            u8::try_from(minute).ok()?,
            u8::try_from(second).ok()?,
            nanos,
        )
        .ok()?;
        (date, time)
    };
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn accepts_xsd_forms_and_rejects_garbage() {
        for ok in [
            "2023-02-24T23:36:38Z",
            "2023-02-24T23:36:38.123Z",
            "2023-02-24T23:36:38+07:00",
            "2023-02-24T23:36:38",
            "2023-02-24T24:00:00Z",
        ] {
            assert!(parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "2023-02-24",
            "2023-02-30T00:00:00Z",
            "2023-2-24T00:00:00Z",
            "2023-02-24T25:00:00Z",
            "2023-02-24T23:36:38.Z",
            "2023-02-24T23:36:38+15:00",
            "yesterday",
            "",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
        assert_eq!(parse("2023-02-24T24:00:00Z"), parse("2023-02-25T00:00:00Z"));
        assert_eq!(
            parse("2023-02-25T06:00:00+07:00"),
            parse("2023-02-24T23:00:00Z")
        );
    }
}
