//! Deterministic image degradations written by hand (no imageproc): each takes a
//! clean grey render and returns the bytes a phone might hand the verifier.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::{ExtendedColorType, GrayImage, ImageEncoder, Luma};

use super::Rng;

pub fn png(img: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            ExtendedColorType::L8,
        )
        .unwrap();
    out
}

pub fn jpeg(img: &GrayImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            ExtendedColorType::L8,
        )
        .unwrap();
    out
}

/// Resize by a factor (Triangle filter, like a camera's downsampling).
pub fn scale(img: &GrayImage, factor: f64) -> GrayImage {
    let w = ((img.width() as f64 * factor).round() as u32).max(1);
    let h = ((img.height() as f64 * factor).round() as u32).max(1);
    image::imageops::resize(img, w, h, FilterType::Triangle)
}

fn sample_bilinear(img: &GrayImage, x: f64, y: f64, fill: f64) -> f64 {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let x0 = x.floor() as i64;
    let y0 = y.floor() as i64;
    let (fx, fy) = (x - x0 as f64, y - y0 as f64);
    let px = |xi: i64, yi: i64| -> f64 {
        if xi < 0 || yi < 0 || xi >= w || yi >= h {
            fill
        } else {
            img.get_pixel(xi as u32, yi as u32).0[0] as f64
        }
    };
    let top = px(x0, y0) * (1.0 - fx) + px(x0 + 1, y0) * fx;
    let bottom = px(x0, y0 + 1) * (1.0 - fx) + px(x0 + 1, y0 + 1) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// Rotation about the centre, canvas grown to fit, white outside.
pub fn rotate(img: &GrayImage, degrees: f64) -> GrayImage {
    let t = degrees.to_radians();
    let (s, c) = t.sin_cos();
    let (w, h) = (img.width() as f64, img.height() as f64);
    let nw = (w * c.abs() + h * s.abs()).ceil();
    let nh = (w * s.abs() + h * c.abs()).ceil();
    let (cx, cy, ncx, ncy) = (w / 2.0, h / 2.0, nw / 2.0, nh / 2.0);
    GrayImage::from_fn(nw as u32, nh as u32, |x, y| {
        let dx = x as f64 + 0.5 - ncx;
        let dy = y as f64 + 0.5 - ncy;
        // Inverse rotation maps output to source.
        let sx = c * dx + s * dy + cx - 0.5;
        let sy = -s * dx + c * dy + cy - 0.5;
        Luma([sample_bilinear(img, sx, sy, 255.0).round() as u8])
    })
}

/// Separable Gaussian blur with standard deviation `sigma` pixels.
pub fn blur(img: &GrayImage, sigma: f64) -> GrayImage {
    let r = (3.0 * sigma).ceil() as i64;
    let kernel: Vec<f64> = (-r..=r)
        .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f64 = kernel.iter().sum();
    let kernel: Vec<f64> = kernel.iter().map(|k| k / sum).collect();
    let (w, h) = (img.width() as i64, img.height() as i64);
    let src: Vec<f64> = img.as_raw().iter().map(|&p| p as f64).collect();
    let mut tmp = vec![0.0; src.len()];
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for (k, i) in kernel.iter().zip(-r..=r) {
                let xx = (x + i).clamp(0, w - 1);
                acc += k * src[(y * w + xx) as usize];
            }
            tmp[(y * w + x) as usize] = acc;
        }
    }
    let mut out = GrayImage::new(w as u32, h as u32);
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for (k, i) in kernel.iter().zip(-r..=r) {
                let yy = (y + i).clamp(0, h - 1);
                acc += k * tmp[(yy * w + x) as usize];
            }
            out.put_pixel(
                x as u32,
                y as u32,
                Luma([acc.round().clamp(0.0, 255.0) as u8]),
            );
        }
    }
    out
}

/// Projective warp of the whole image onto a trapezoid whose top edge is
/// `1 - 2*inset` of the width (camera tilted away at the top), white outside.
pub fn keystone(img: &GrayImage, inset: f64) -> GrayImage {
    let (w, h) = (img.width() as f64, img.height() as f64);
    // Destination corners of source (0,0), (1,0), (1,1), (0,1).
    let q = [
        (w * inset, h * inset * 0.5),
        (w * (1.0 - inset), h * inset * 0.5),
        (w, h),
        (0.0, h),
    ];
    let m = square_to_quad(q);
    let inv = invert3(m);
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
        let u = inv[0][0] * px + inv[0][1] * py + inv[0][2];
        let v = inv[1][0] * px + inv[1][1] * py + inv[1][2];
        let z = inv[2][0] * px + inv[2][1] * py + inv[2][2];
        let (u, v) = (u / z, v / z);
        if !(0.0..=1.0).contains(&u) || !(0.0..=1.0).contains(&v) {
            return Luma([255]);
        }
        Luma([sample_bilinear(img, u * w - 0.5, v * h - 0.5, 255.0).round() as u8])
    })
}

/// Heckbert's unit-square → quadrilateral homography.
fn square_to_quad(q: [(f64, f64); 4]) -> [[f64; 3]; 3] {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
    let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3);
    let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (dx3 * dy2 - dx2 * dy3) / den;
    let h = (dx1 * dy3 - dx3 * dy1) / den;
    [
        [x1 - x0 + g * x1, x3 - x0 + h * x3, x0],
        [y1 - y0 + g * y1, y3 - y0 + h * y3, y0],
        [g, h, 1.0],
    ]
}

fn invert3(m: [[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let [[a, b, c], [d, e, f], [g, h, i]] = m;
    let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    [
        [
            (e * i - f * h) / det,
            (c * h - b * i) / det,
            (b * f - c * e) / det,
        ],
        [
            (f * g - d * i) / det,
            (a * i - c * g) / det,
            (c * d - a * f) / det,
        ],
        [
            (d * h - e * g) / det,
            (b * g - a * h) / det,
            (a * e - b * d) / det,
        ],
    ]
}

/// Light falling off diagonally from full to `min_gain` (lamp on one side), plus
/// a dark offset so black stays black-ish but white becomes grey.
pub fn lighting(img: &GrayImage, min_gain: f64) -> GrayImage {
    let (w, h) = (img.width() as f64, img.height() as f64);
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let t = (x as f64 / w + y as f64 / h) / 2.0;
        let gain = 1.0 - (1.0 - min_gain) * t;
        let p = img.get_pixel(x, y).0[0] as f64;
        Luma([(p * gain + 20.0 * (1.0 - gain)).round().clamp(0.0, 255.0) as u8])
    })
}

pub fn invert(img: &GrayImage) -> GrayImage {
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        Luma([255 - img.get_pixel(x, y).0[0]])
    })
}

/// Additive Gaussian sensor noise with standard deviation `sigma` grey levels.
pub fn noise(img: &GrayImage, sigma: f64, rng: &mut Rng) -> GrayImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let v = p.0[0] as f64 + sigma * rng.normal();
        p.0[0] = v.round().clamp(0.0, 255.0) as u8;
    }
    out
}

/// The code pasted onto a large textured "desk" photo, as a phone camera sees a
/// licence lying on a table: `canvas` pixels wide (4:3), code at its centre.
pub fn on_desk(img: &GrayImage, canvas_w: u32, rng: &mut Rng) -> GrayImage {
    let canvas_h = canvas_w * 3 / 4;
    let mut out = GrayImage::from_fn(canvas_w, canvas_h, |x, y| {
        // Wood-ish stripes.
        Luma([(90.0 + 25.0 * ((x as f64 / 37.0) + (y as f64 / 211.0)).sin()) as u8])
    });
    // White paper larger than the code.
    let pw = (img.width() * 3 / 2).min(canvas_w - 2);
    let ph = (img.height() * 3 / 2).min(canvas_h - 2);
    let (px0, py0) = ((canvas_w - pw) / 2, (canvas_h - ph) / 2);
    for y in py0..py0 + ph {
        for x in px0..px0 + pw {
            out.put_pixel(x, y, Luma([240]));
        }
    }
    let (ox, oy) = ((canvas_w - img.width()) / 2, (canvas_h - img.height()) / 2);
    for (x, y, p) in img.enumerate_pixels() {
        out.put_pixel(ox + x, oy + y, Luma([p.0[0].min(240)]));
    }
    noise(&out, 6.0, rng)
}
