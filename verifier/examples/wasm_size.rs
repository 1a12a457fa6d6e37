//! A minimal wasm module over the verifier, for measuring what a browser must
//! download: `scripts/wasm-size.sh` builds it with the `wasm` profile and
//! prints its raw and gzip sizes. It exports both verification paths (with and
//! without a trust bundle) so the linker keeps everything an inspector needs
//! (JSON, JCS, RDFC, JSON-LD, proofs, JOSE, QR, bundle, status lists).
#![no_main]

use std::sync::Mutex;

use elicence_verifier::{
    verify, verify_with_bundle, Policy, TrustAnchor, TrustBundle, TrustPolicy, Verdict,
};
use time::OffsetDateTime;

static INPUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static BUNDLE: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static ROOT: Mutex<Vec<u8>> = Mutex::new(Vec::new());

fn buffer(m: &Mutex<Vec<u8>>, len: usize) -> *mut u8 {
    let mut buf = m.lock().unwrap_or_else(|e| e.into_inner());
    buf.resize(len, 0);
    buf.as_mut_ptr()
}

/// Grows the input buffer to `len` bytes and returns where to write them.
#[no_mangle]
pub extern "C" fn input_buffer(len: usize) -> *mut u8 {
    buffer(&INPUT, len)
}

/// Grows the bundle buffer to `len` bytes and returns where to write them.
#[no_mangle]
pub extern "C" fn bundle_buffer(len: usize) -> *mut u8 {
    buffer(&BUNDLE, len)
}

/// Grows the root-DID buffer to `len` bytes and returns where to write them.
#[no_mangle]
pub extern "C" fn root_buffer(len: usize) -> *mut u8 {
    buffer(&ROOT, len)
}

fn code(v: Verdict) -> u32 {
    match v {
        Verdict::Valid => 0,
        Verdict::Invalid => 1,
        Verdict::CannotDecide => 2,
    }
}

/// Verifies the buffer at `unix_seconds`: 0 valid, 1 invalid, 2 cannot decide.
#[no_mangle]
pub extern "C" fn verify_input(unix_seconds: i64) -> u32 {
    let buf = INPUT.lock().unwrap_or_else(|e| e.into_inner());
    let Ok(now) = OffsetDateTime::from_unix_timestamp(unix_seconds) else {
        return 2;
    };
    code(verify(&buf, &Policy::at(now)).verdict)
}

/// Verifies the input against the bundle (signed by the root in the root
/// buffer): 0 valid, 1 invalid, 2 cannot decide, 3 unusable bundle.
#[no_mangle]
pub extern "C" fn verify_input_with_bundle(unix_seconds: i64) -> u32 {
    let input = INPUT.lock().unwrap_or_else(|e| e.into_inner());
    let bundle = BUNDLE.lock().unwrap_or_else(|e| e.into_inner());
    let root = ROOT.lock().unwrap_or_else(|e| e.into_inner());
    let Ok(now) = OffsetDateTime::from_unix_timestamp(unix_seconds) else {
        return 2;
    };
    let anchor = TrustAnchor {
        root_did: String::from_utf8_lossy(&root).into_owned(),
        min_version: 1,
    };
    let Ok(bundle) = TrustBundle::open(&bundle, &anchor) else {
        return 3;
    };
    code(verify_with_bundle(&input, &bundle, now, &TrustPolicy::default()).verdict)
}
