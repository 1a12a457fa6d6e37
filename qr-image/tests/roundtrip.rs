//! Render → read back: what we print must scan, at every EC level and size, and the
//! PNG and SVG must draw the same standard-conforming symbol.

mod common;

use elicence_qr_image::{
    decode_image, qr_version, render_png, render_svg, EcLevel, QrImageError, RenderOptions,
};

const LEVELS: [EcLevel; 4] = [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H];

fn opts(ec: EcLevel) -> RenderOptions {
    RenderOptions {
        ec,
        ..RenderOptions::default()
    }
}

#[test]
fn png_round_trip_every_size_and_level() {
    for len in [100, 400, 800] {
        for ec in LEVELS {
            let payload = common::payload(len, len as u64);
            let png = render_png(&payload, &opts(ec)).unwrap();
            let found = decode_image(&png).unwrap();
            assert_eq!(found, vec![payload.clone()], "len {len} ec {ec:?}");
        }
    }
}

#[test]
fn default_options_are_q_8px_4_modules() {
    let o = RenderOptions::default();
    assert_eq!(
        (o.ec, o.module_px, o.quiet_zone_modules),
        (EcLevel::Q, 8, 4)
    );
    assert_eq!(EcLevel::default(), EcLevel::Q);
}

/// ISO/IEC 18004:2015 table 7 capacities (characters) at versions 1, 9 and 40: a
/// payload exactly at capacity fits, one more character needs the next version.
/// Matching the alphanumeric column proves alphanumeric mode is used; matching the
/// byte column for lowercase proves byte mode is used there.
#[test]
fn versions_match_iso_capacity_table() {
    let alnum = |n: usize| "A1".repeat(n)[..n].to_string();
    let bytes = |n: usize| "a1".repeat(n)[..n].to_string();
    let v1 = [
        (EcLevel::L, 25, 17),
        (EcLevel::M, 20, 14),
        (EcLevel::Q, 16, 11),
        (EcLevel::H, 10, 7),
    ];
    for (ec, alnum_cap, byte_cap) in v1 {
        assert_eq!(qr_version(&alnum(alnum_cap), ec).unwrap(), 1, "{ec:?}");
        assert_eq!(qr_version(&alnum(alnum_cap + 1), ec).unwrap(), 2, "{ec:?}");
        assert_eq!(qr_version(&bytes(byte_cap), ec).unwrap(), 1, "{ec:?}");
        assert_eq!(qr_version(&bytes(byte_cap + 1), ec).unwrap(), 2, "{ec:?}");
    }
    let v9 = [
        (EcLevel::L, 335, 230),
        (EcLevel::M, 262, 180),
        (EcLevel::Q, 189, 130),
        (EcLevel::H, 143, 98),
    ];
    for (ec, alnum_cap, byte_cap) in v9 {
        assert_eq!(qr_version(&alnum(alnum_cap), ec).unwrap(), 9, "{ec:?}");
        assert_eq!(qr_version(&alnum(alnum_cap + 1), ec).unwrap(), 10, "{ec:?}");
        assert_eq!(qr_version(&bytes(byte_cap), ec).unwrap(), 9, "{ec:?}");
        assert_eq!(qr_version(&bytes(byte_cap + 1), ec).unwrap(), 10, "{ec:?}");
    }
    let v40 = [(EcLevel::L, 4296, 2953), (EcLevel::H, 1852, 1273)];
    for (ec, alnum_cap, byte_cap) in v40 {
        assert_eq!(qr_version(&alnum(alnum_cap), ec).unwrap(), 40);
        assert_eq!(qr_version(&bytes(byte_cap), ec).unwrap(), 40);
        assert_eq!(
            qr_version(&alnum(alnum_cap + 1), ec),
            Err(QrImageError::PayloadTooLong {
                len: alnum_cap + 1,
                ec
            })
        );
        assert!(matches!(
            render_png(&bytes(byte_cap + 1), &opts(ec)),
            Err(QrImageError::PayloadTooLong { .. })
        ));
    }
}

#[test]
fn typical_licence_payload_versions() {
    // Recorded in docs/qr-images.md: the printed size an agency should expect.
    let p800 = common::payload(800, 1);
    let got: Vec<u16> = LEVELS
        .iter()
        .map(|&ec| qr_version(&p800, ec).unwrap())
        .collect();
    assert_eq!(got, vec![16, 18, 22, 26]);
    // The same length outside the alphanumeric set needs byte mode: larger.
    let lower = p800.to_lowercase();
    assert!(qr_version(&lower, EcLevel::Q).unwrap() > 22);
}

#[test]
fn non_alphanumeric_payloads_round_trip_in_byte_mode() {
    for payload in [
        "lc1:mixed Case https://x.example/a?b=c",
        "ใบอนุญาต LC1:ABC 🚚",
    ] {
        let png = render_png(payload, &RenderOptions::default()).unwrap();
        assert_eq!(decode_image(&png).unwrap(), vec![payload.to_string()]);
    }
}

/// Module grid read from the PNG at module centres (including the quiet zone).
fn png_grid(png: &[u8], module_px: u32) -> Vec<Vec<bool>> {
    let img = common::grey_png(png);
    assert_eq!(img.width() % module_px, 0);
    let n = img.width() / module_px;
    (0..n)
        .map(|my| {
            (0..n)
                .map(|mx| {
                    let c = module_px / 2;
                    // Crisp: every pixel of the module has the centre's value.
                    let v = img.get_pixel(mx * module_px + c, my * module_px + c).0[0];
                    for dy in 0..module_px {
                        for dx in 0..module_px {
                            assert_eq!(
                                img.get_pixel(mx * module_px + dx, my * module_px + dy).0[0],
                                v
                            );
                        }
                    }
                    assert!(v == 0 || v == 255, "only pure black and white, got {v}");
                    v == 0
                })
                .collect()
        })
        .collect()
}

/// Minimal reader for our SVG: checks the XML shape and fills the module grid
/// from the `M x y h n v1 h-n z` runs.
fn svg_grid(svg: &str) -> (Vec<Vec<bool>>, u32) {
    assert!(svg.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches('<').count(), svg.matches('>').count());
    assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("shape-rendering=\"crispEdges\""));
    let attr = |name: &str| -> &str {
        let start = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        let len = svg[start..].find('"').unwrap();
        &svg[start..start + len]
    };
    let view: Vec<u32> = attr("viewBox")
        .split(' ')
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(view[..2], [0, 0]);
    assert_eq!(view[2], view[3]);
    let n = view[2] as usize;
    let width_px: u32 = attr("width").parse().unwrap();
    assert_eq!(attr("height"), attr("width"));
    assert!(svg.contains(&format!(
        "<rect x=\"0\" y=\"0\" width=\"{n}\" height=\"{n}\" fill=\"#ffffff\"/>"
    )));
    let d = attr("d");
    let mut grid = vec![vec![false; n]; n];
    for run in d.split('M').filter(|r| !r.is_empty()) {
        let (xy, rest) = run.split_once('h').unwrap();
        let (x, y) = xy.split_once(' ').unwrap();
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        let (len, tail) = rest.split_once('v').unwrap();
        let len: usize = len.parse().unwrap();
        assert_eq!(tail, format!("1h-{len}z"));
        for cell in &mut grid[y][x..x + len] {
            assert!(!*cell, "overlapping runs");
            *cell = true;
        }
    }
    (grid, width_px)
}

#[test]
fn svg_draws_the_same_modules_as_png() {
    for (len, ec) in [(100, EcLevel::L), (800, EcLevel::Q), (400, EcLevel::H)] {
        let payload = common::payload(len, 7 + len as u64);
        let o = RenderOptions {
            ec,
            module_px: 3,
            quiet_zone_modules: 4,
        };
        let version = qr_version(&payload, ec).unwrap() as usize;
        let svg = render_svg(&payload, &o).unwrap();
        let (grid, width_px) = svg_grid(&svg);
        // ISO/IEC 18004: 17 + 4·version modules, plus the quiet zone both sides.
        assert_eq!(grid.len(), 17 + 4 * version + 8);
        assert_eq!(width_px as usize, grid.len() * 3);
        assert_eq!(grid, png_grid(&render_png(&payload, &o).unwrap(), 3));
    }
}

#[test]
fn quiet_zone_is_four_white_modules_then_the_finder_pattern() {
    for quiet in [4u32, 6] {
        let o = RenderOptions {
            quiet_zone_modules: quiet,
            module_px: 5,
            ..RenderOptions::default()
        };
        let payload = common::payload(400, 3);
        let grid = png_grid(&render_png(&payload, &o).unwrap(), 5);
        let n = grid.len();
        let q = quiet as usize;
        for (y, row) in grid.iter().enumerate() {
            for (x, &dark) in row.iter().enumerate() {
                if x < q || y < q || x >= n - q || y >= n - q {
                    assert!(!dark, "module ({x},{y}) in the quiet zone is dark");
                }
            }
        }
        // The three finder patterns start right after the quiet zone.
        assert!(grid[q][q] && grid[q][n - q - 1] && grid[n - q - 1][q]);
    }
}

#[test]
fn invalid_options_are_refused() {
    let p = "LC1:ABC";
    let bad = [
        RenderOptions {
            module_px: 0,
            ..RenderOptions::default()
        },
        RenderOptions {
            quiet_zone_modules: 3,
            ..RenderOptions::default()
        },
        RenderOptions {
            quiet_zone_modules: 0,
            ..RenderOptions::default()
        },
    ];
    for o in bad {
        assert!(
            matches!(render_png(p, &o), Err(QrImageError::InvalidOptions(_))),
            "{o:?}"
        );
        assert!(
            matches!(render_svg(p, &o), Err(QrImageError::InvalidOptions(_))),
            "{o:?}"
        );
    }
    let huge = RenderOptions {
        module_px: 10_000,
        ..RenderOptions::default()
    };
    assert!(matches!(
        render_png(p, &huge),
        Err(QrImageError::RenderTooLarge { .. })
    ));
    assert!(matches!(
        render_png(
            p,
            &RenderOptions {
                quiet_zone_modules: u32::MAX,
                ..RenderOptions::default()
            }
        ),
        Err(QrImageError::RenderTooLarge { .. })
    ));
}

/// `scan_image` says what each code holds and where it is: two codes of
/// different versions and levels on one page, one rotated a quarter turn.
#[test]
fn scan_reports_text_corners_version_and_level_of_every_code() {
    use elicence_qr_image::scan_image;
    use image::{GrayImage, Luma};

    let licence = common::payload(300, 11);
    let url = "https://www.example.go.th/ใบอนุญาต?id=42";
    let draw = |text: &str, ec: EcLevel| {
        let png = render_png(
            text,
            &RenderOptions {
                ec,
                module_px: 6,
                ..RenderOptions::default()
            },
        )
        .unwrap();
        common::grey_png(&png)
    };
    let a = draw(&licence, EcLevel::Q);
    let b = image::imageops::rotate90(&draw(url, EcLevel::M));
    let (ax, ay, bx, by) = (40u32, 60u32, a.width() + 120, 30u32);
    let mut page = GrayImage::from_pixel(
        bx + b.width() + 40,
        a.height().max(b.height()) + 120,
        Luma([255]),
    );
    image::imageops::overlay(&mut page, &a, i64::from(ax), i64::from(ay));
    image::imageops::overlay(&mut page, &b, i64::from(bx), i64::from(by));
    let mut png = Vec::new();
    page.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();

    let found = scan_image(&png).unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    for (text, ec, left, top, picture) in [
        (licence.as_str(), EcLevel::Q, ax, ay, &a),
        (url, EcLevel::M, bx, by, &b),
    ] {
        let code = found
            .iter()
            .find(|c| c.text == text)
            .unwrap_or_else(|| panic!("{text} not found in {found:?}"));
        assert_eq!(code.ec_level, Some(ec), "{text}");
        assert_eq!(
            code.version,
            Some(qr_version(text, ec).unwrap() as u8),
            "{text}"
        );
        // The symbol lies inside the quiet zone of 4 modules of 6 px.
        let quiet = 4.0 * 6.0;
        let expected = [
            (left as f32 + quiet, top as f32 + quiet),
            ((left + picture.width()) as f32 - quiet, top as f32 + quiet),
            (
                (left + picture.width()) as f32 - quiet,
                (top + picture.height()) as f32 - quiet,
            ),
            (left as f32 + quiet, (top + picture.height()) as f32 - quiet),
        ];
        let corners = code.corners.unwrap_or_else(|| panic!("{text}: no corners"));
        for (got, want) in corners.iter().zip(expected) {
            assert!(
                (got.0 - want.0).abs() <= 7.0 && (got.1 - want.1).abs() <= 7.0,
                "{text}: corners {corners:?}, expected {expected:?}"
            );
        }
    }
    // The plain decoder agrees on the texts.
    let mut texts = decode_image(&png).unwrap();
    texts.sort();
    let mut expected = vec![licence.clone(), url.to_string()];
    expected.sort();
    assert_eq!(texts, expected);
}
