//! rxing (our decoder) against rqrr (the other pure-Rust QR reader) on the same
//! degraded set as tests/robustness.rs, to justify the choice recorded in
//! docs/qr-images.md. An example rather than a test: rqrr is slow on the damaged
//! pictures and would double the test suite's time.
//!
//! Run: `cargo run -p elicence-qr-image --example compare_rqrr` Both get the
//! same help: the inverted picture, then a half-size copy, when the plain one
//! yields nothing.

#[path = "../tests/common/mod.rs"]
mod common;

use elicence_qr_image::decode_image;

fn rqrr_decode(bytes: &[u8]) -> Vec<String> {
    let full = image::load_from_memory(bytes).unwrap().into_luma8();
    let half = image::imageops::resize(
        &full,
        full.width() / 2,
        full.height() / 2,
        image::imageops::FilterType::Triangle,
    );
    for (grey, invert) in [(&full, false), (&full, true), (&half, false), (&half, true)] {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
            grey.width() as usize,
            grey.height() as usize,
            |x, y| {
                let p = grey.get_pixel(x as u32, y as u32).0[0];
                if invert {
                    255 - p
                } else {
                    p
                }
            },
        );
        let found: Vec<String> = prepared
            .detect_grids()
            .into_iter()
            .filter_map(|g| g.decode().ok().map(|(_, text)| text))
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

fn main() {
    let set = common::degraded_set();
    let (mut rx_total, mut rq_total, mut n) = (0, 0, 0);
    println!("{:<52} {:>6} {:>6}", "degradation", "rxing", "rqrr");
    for d in &set {
        let (mut rx, mut rq) = (0, 0);
        for (payload, bytes) in &d.cases {
            if decode_image(bytes).is_ok_and(|f| f.contains(payload)) {
                rx += 1;
            }
            if rqrr_decode(bytes).contains(payload) {
                rq += 1;
            }
        }
        println!(
            "{:<52} {:>4}/{} {:>4}/{}",
            d.name,
            rx,
            d.cases.len(),
            rq,
            d.cases.len()
        );
        rx_total += rx;
        rq_total += rq;
        n += d.cases.len();
    }
    println!("overall rxing {rx_total}/{n}, rqrr {rq_total}/{n}");
    assert!(
        rx_total >= rq_total,
        "rxing {rx_total} < rqrr {rq_total}: reconsider the decoder"
    );
}
