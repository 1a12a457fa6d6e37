//! Helpers shared by the qr-image integration tests: deterministic payloads and
//! image degradations that imitate phone photos of a printed licence.
#![allow(dead_code)]

pub mod degrade;

/// SplitMix64: tiny, fixed-seed, good enough for test noise and payloads.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// The QR alphanumeric charset.
pub const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// A licence-like payload: `LC1:` then random alphanumeric characters, `len` in total.
pub fn payload(len: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut s = String::from("LC1:");
    while s.len() < len {
        s.push(ALNUM[(rng.next_u64() % ALNUM.len() as u64) as usize] as char);
    }
    s
}

/// Decodes PNG bytes to an 8-bit grey image.
pub fn grey_png(bytes: &[u8]) -> image::GrayImage {
    image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .unwrap()
        .into_luma8()
}
