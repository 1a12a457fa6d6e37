//! Hostile QR payloads: `decode` must return a value or a typed error, never
//! panic or run out of memory; whatever it accepts must re-encode to a form
//! that decodes to the identical credential.
//!
//! The first byte picks the layer: even = the input is a payload string (so
//! the prefix, base45 and DEFLATE layers are exercised), odd = the rest is LC1
//! CBOR (so the dictionary and tag layers are reached often).
#![no_main]

use elicence_core::qr::{self, Secured};
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
    } else {
        qr::decode_cbor(rest)
    };
    if let Ok(credential) = decoded {
        let cbor = qr::encode_cbor(&credential).expect("a decoded credential re-encodes");
        let again = qr::decode_cbor(&cbor).expect("a re-encoded credential decodes");
        assert!(same(&credential, &again), "round trip changed {credential:?}");
    }
});
