//! Hostile QR payloads: `decode` must return a value or a typed error, never
//! panic or run out of memory; whatever it accepts must re-encode to a form
//! that decodes to the identical credential.
//!
//! The first byte picks the layer: even = the input is a payload string (so
//! the prefix, base45, DEFLATE (LC1) and arithmetic-coding (LC2) layers are
//! exercised), 1 mod 4 = the rest is LC2 CBOR, 3 mod 4 = LC1 CBOR (so the
//! dictionary, tag and derived-form layers are reached often).
#![no_main]

use elicence_core::qr::{self, Format, Secured};
use libfuzzer_sys::fuzz_target;

fn same(a: &Secured, b: &Secured) -> bool {
    match (a, b) {
        (Secured::Json(a), Secured::Json(b)) => {
            serde_json::to_string(a).ok() == serde_json::to_string(b).ok()
        }
        (Secured::Jwt(a), Secured::Jwt(b)) => a == b,
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let decoded = if selector % 2 == 0 {
        match std::str::from_utf8(rest) {
            Ok(text) => qr::decode(text),
            Err(_) => return,
        }
    } else if selector % 4 == 1 {
        qr::decode_cbor_as(rest, Format::Lc2)
    } else {
        qr::decode_cbor_as(rest, Format::Lc1)
    };
    if let Ok(credential) = decoded {
        for format in [Format::Lc2, Format::Lc1] {
            let cbor =
                qr::encode_cbor_as(&credential, format).expect("a decoded credential re-encodes");
            let again = qr::decode_cbor_as(&cbor, format).expect("a re-encoded credential decodes");
            assert!(same(&credential, &again), "round trip changed {credential:?}");
        }
    }
});
