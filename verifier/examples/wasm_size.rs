//! A minimal wasm module over the verifier, for measuring what a browser must
//! download: `scripts/wasm-size.sh` builds it with the `wasm` profile and
//! prints its raw and gzip sizes. It exports one function so the linker keeps
//! everything verification needs (JSON, JCS, RDFC, JSON-LD, proofs, JOSE).
#![no_main]

use std::sync::Mutex;

use elicence_verifier::{verify, Policy, Verdict};
use time::OffsetDateTime;

static INPUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// Grows the input buffer to `len` bytes and returns where to write them.
#[no_mangle]
pub extern "C" fn input_buffer(len: usize) -> *mut u8 {
    let mut buf = INPUT.lock().unwrap_or_else(|e| e.into_inner());
    buf.resize(len, 0);
    buf.as_mut_ptr()
}

/// Verifies the buffer at `unix_seconds`: 0 valid, 1 invalid, 2 cannot decide.
#[no_mangle]
pub extern "C" fn verify_input(unix_seconds: i64) -> u32 {
    let buf = INPUT.lock().unwrap_or_else(|e| e.into_inner());
    let Ok(now) = OffsetDateTime::from_unix_timestamp(unix_seconds) else {
        return 2;
    };
    match verify(&buf, &Policy::at(now)).verdict {
        Verdict::Valid => 0,
        Verdict::Invalid => 1,
        Verdict::CannotDecide => 2,
    }
}
