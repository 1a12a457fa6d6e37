//! Time-based one-time passwords (RFC 6238 over HOTP, RFC 4226), the second
//! factor of console accounts that can change licences.
//!
//! Six digits, 30-second steps, HMAC-SHA1: what every authenticator app
//! reads from an `otpauth://` URI. Written out here (a dozen lines over
//! `hmac`) so the step arithmetic and replay rule are ours to test.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per time step.
pub const STEP_SECONDS: u64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Steps accepted either side of now, for clocks a little off.
pub const WINDOW: u64 = 1;
/// Bytes of a new secret (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;

/// The HOTP value of `counter` under `secret` with `digits` digits (RFC 4226
/// section 5.3: dynamic truncation).
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        return u32::MAX;
    };
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let binary = (u32::from(hash[offset]) & 0x7f) << 24
        | u32::from(hash[offset + 1]) << 16
        | u32::from(hash[offset + 2]) << 8
        | u32::from(hash[offset + 3]);
    binary % 10u32.pow(digits)
}

/// The time step of Unix time `unix`.
pub fn step_at(unix: u64) -> u64 {
    unix / STEP_SECONDS
}

/// The six-digit code at Unix time `unix`, zero-padded.
pub fn code_at(secret: &[u8], unix: u64) -> String {
    format!(
        "{:0width$}",
        hotp(secret, step_at(unix), DIGITS),
        width = DIGITS as usize
    )
}

/// The step whose code `code` is, within [`WINDOW`] of `unix`, if any and if
/// later than `last_used` (a code once accepted is never accepted again:
/// that is what stops a shoulder-surfed code being replayed).
pub fn verify(secret: &[u8], code: &str, unix: u64, last_used: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix);
    let mut found = None;
    for step in now.saturating_sub(WINDOW)..=now + WINDOW {
        let expected = format!(
            "{:0width$}",
            hotp(secret, step, DIGITS),
            width = DIGITS as usize
        );
        // Constant time per comparison; every step is computed either way.
        let same: bool = subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), code.as_bytes()).into();
        if same && step > last_used && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// A secret as authenticator apps take it: base32 without padding.
pub fn secret_base32(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

/// The `otpauth://totp/…` URI an authenticator app reads (typed or from a QR
/// code): issuer and account label percent-encoded.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    fn enc(s: &str) -> String {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        secret_base32(secret),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8 digits, the 20-byte ASCII seed).
    #[test]
    fn rfc6238_sha1_vectors() {
        let seed = b"12345678901234567890";
        for (time, expected) in [
            (59u64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(hotp(seed, step_at(time), 8), expected, "T = {time}");
        }
    }

    /// RFC 4226 appendix D: HOTP values for counters 0..9.
    #[test]
    fn rfc4226_vectors() {
        let seed = b"12345678901234567890";
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, want) in expected.iter().enumerate() {
            assert_eq!(hotp(seed, counter as u64, 6), *want);
        }
    }

    #[test]
    fn verify_accepts_the_window_once_and_refuses_replay() {
        let seed = b"12345678901234567890";
        let now = 1_234_567_890;
        let code = code_at(seed, now);
        let step = verify(seed, &code, now, 0).expect("current code");
        assert_eq!(step, step_at(now));
        // The same code again (replay) is refused.
        assert_eq!(verify(seed, &code, now, step), None);
        // The previous step's code is still taken within the window, once.
        let earlier = code_at(seed, now - 30);
        assert_eq!(verify(seed, &earlier, now, 0), Some(step_at(now) - 1));
        // Two steps off is outside the window.
        let old = code_at(seed, now - 90);
        assert_ne!(old, code);
        assert_eq!(verify(seed, &old, now, 0), None);
        assert_eq!(verify(seed, "12345", now, 0), None);
        assert_eq!(verify(seed, "abcdef", now, 0), None);
    }

    #[test]
    fn otpauth_uri_is_what_apps_read() {
        let uri = otpauth_uri("elicence bangrak", "somchai", b"12345678901234567890");
        assert_eq!(
            uri,
            "otpauth://totp/elicence%20bangrak:somchai?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=elicence%20bangrak&algorithm=SHA1&digits=6&period=30"
        );
    }
}
