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

/// One kind of damage applied to every test payload.
pub struct Degradation {
    pub name: &'static str,
    /// (payload, image bytes as the verifier would receive them)
    pub cases: Vec<(String, Vec<u8>)>,
}

/// Payloads of the robustness set: (length, EC level).
pub const ROBUST_PAYLOADS: [(usize, elicence_qr_image::EcLevel); 4] = [
    (100, elicence_qr_image::EcLevel::Q),
    (400, elicence_qr_image::EcLevel::Q),
    (800, elicence_qr_image::EcLevel::Q),
    (800, elicence_qr_image::EcLevel::M),
];

type Transform = fn(&image::GrayImage, &mut Rng) -> Vec<u8>;

/// Every degradation of the robustness test, applied to renders at 4 px/module
/// (what a phone photo of a printed licence typically gives), deterministically.
pub fn degraded_set() -> Vec<Degradation> {
    use degrade::*;
    let list: Vec<(&'static str, Transform)> = vec![
        ("clean 4px/module", |g, _| png(g)),
        ("downscale 2px/module", |g, _| png(&scale(g, 0.5))),
        ("downscale 1.5px/module", |g, _| png(&scale(g, 0.375))),
        ("rotate 5°", |g, _| png(&rotate(g, 5.0))),
        ("rotate 15°", |g, _| png(&rotate(g, 15.0))),
        ("rotate 45°", |g, _| png(&rotate(g, 45.0))),
        ("rotate 90°", |g, _| png(&rotate(g, 90.0))),
        ("blur σ=¼ module", |g, _| png(&blur(g, 1.0))),
        ("blur σ=½ module", |g, _| png(&blur(g, 2.0))),
        ("JPEG q30", |g, _| jpeg(g, 30)),
        ("JPEG q10", |g, _| jpeg(g, 10)),
        ("keystone 10%", |g, _| png(&keystone(g, 0.10))),
        ("keystone 20%", |g, _| png(&keystone(g, 0.20))),
        ("uneven light 100→30%", |g, _| png(&lighting(g, 0.3))),
        ("inverted", |g, _| png(&invert(g))),
        ("noise σ=40", |g, r| png(&noise(g, 40.0, r))),
        ("noise σ=80", |g, r| png(&noise(g, 80.0, r))),
        ("rot 15° + blur + JPEG q50", |g, _| {
            jpeg(&blur(&rotate(g, 15.0), 1.0), 50)
        }),
        ("keystone + light + noise", |g, r| {
            png(&noise(&lighting(&keystone(g, 0.12), 0.4), 25.0, r))
        }),
        ("2.5px/module + rot 5° + JPEG q40", |g, _| {
            jpeg(&rotate(&scale(g, 0.625), 5.0), 40)
        }),
        ("inverted + rot 15° + noise", |g, r| {
            png(&noise(&invert(&rotate(g, 15.0)), 30.0, r))
        }),
        (
            "phone photo 2400px: rot 8°, light, noise, JPEG q70",
            |g, r| {
                let desk = on_desk(g, 2400, r);
                jpeg(&noise(&lighting(&rotate(&desk, 8.0), 0.45), 8.0, r), 70)
            },
        ),
        ("phone photo 2400px, 6px/module, blur, JPEG q60", |g, r| {
            let big = scale(g, 1.5);
            let desk = on_desk(&big, 2400, r);
            jpeg(&blur(&rotate(&desk, 4.0), 3.0), 60)
        }),
    ];
    let renders: Vec<(String, image::GrayImage)> = ROBUST_PAYLOADS
        .iter()
        .enumerate()
        .map(|(i, &(len, ec))| {
            let p = payload(len, 1000 + i as u64);
            let opts = elicence_qr_image::RenderOptions {
                ec,
                module_px: 4,
                ..Default::default()
            };
            let g = grey_png(&elicence_qr_image::render_png(&p, &opts).unwrap());
            (p, g)
        })
        .collect();
    list.into_iter()
        .enumerate()
        .map(|(d, (name, transform))| {
            let cases = renders
                .iter()
                .enumerate()
                .map(|(i, (p, g))| {
                    let mut rng = Rng::new(0xE11C_E4CE ^ ((d as u64) << 8) ^ i as u64);
                    (p.clone(), transform(g, &mut rng))
                })
                .collect();
            Degradation { name, cases }
        })
        .collect()
}
