//! `elicence qr`: the signed credential inside a QR code (LC2 payload), and
//! back; and the raw text of any QR code in a picture (`qr scan`).

use std::path::Path;
use std::process::ExitCode;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use elicence_core::licence::LicenceIri;
use elicence_core::qr::{self, Secured};
use elicence_qr_image::{EcLevel, FoundCode, QrImageError, RenderOptions};
use serde_json::{json, Value};

use crate::cli::{QrDecodeArgs, QrEc, QrEncodeArgs, QrLinkArgs, QrScanArgs, QrStatsArgs};
use crate::error::CliError;
use crate::io;

/// The four levels, weakest first, as printed by `qr stats`.
const LEVELS: [(EcLevel, &str); 4] = [
    (EcLevel::L, "L"),
    (EcLevel::M, "M"),
    (EcLevel::Q, "Q"),
    (EcLevel::H, "H"),
];

impl QrEc {
    /// The image crate's level.
    pub fn level(self) -> EcLevel {
        match self {
            QrEc::L => EcLevel::L,
            QrEc::M => EcLevel::M,
            QrEc::Q => EcLevel::Q,
            QrEc::H => EcLevel::H,
        }
    }

    /// The letter users type and read.
    pub fn letter(self) -> &'static str {
        match self {
            QrEc::L => "L",
            QrEc::M => "M",
            QrEc::Q => "Q",
            QrEc::H => "H",
        }
    }
}

pub fn encode(a: &QrEncodeArgs) -> Result<ExitCode, CliError> {
    let credential = load_credential(&a.credential)?;
    let payload = qr::encode(&credential)?;
    let options = RenderOptions {
        ec: a.ec.level(),
        module_px: a.module_px,
        ..RenderOptions::default()
    };
    let version = elicence_qr_image::qr_version(&payload, options.ec)?;
    if let Some(path) = &a.png {
        let png = elicence_qr_image::render_png(&payload, &options)?;
        io::write_output(Some(path), &png)?;
    }
    if let Some(path) = &a.svg {
        let svg = elicence_qr_image::render_svg(&payload, &options)?;
        io::write_output(Some(path), svg.as_bytes())?;
    }
    if a.text || (a.png.is_none() && a.svg.is_none()) {
        io::write_output(None, format!("{payload}\n").as_bytes())?;
    }
    eprintln!(
        "QR version {version} ({side}×{side} modules), error correction {}, {} characters",
        a.ec.letter(),
        payload.len(),
        side = modules(version),
    );
    Ok(ExitCode::SUCCESS)
}

pub fn decode(a: &QrDecodeArgs) -> Result<ExitCode, CliError> {
    let bytes = io::read_input(&a.input)?;
    let payloads = if is_image(&bytes) {
        elicence_payloads_in_image(&a.input, &bytes)?
    } else {
        vec![payload_text(&a.input, &bytes)?]
    };
    if payloads.len() > 1 {
        eprintln!(
            "{}: {} elicence QR codes, printed in the order found",
            a.input.display(),
            payloads.len()
        );
    }
    let mut out = Vec::new();
    for payload in &payloads {
        out.extend_from_slice(&credential_text(&qr::decode(payload)?)?);
    }
    io::write_output(None, &out)?;
    Ok(ExitCode::SUCCESS)
}

pub fn stats(a: &QrStatsArgs) -> Result<ExitCode, CliError> {
    let credential = load_credential(&a.credential)?;
    let s = qr::stats(&credential)?;
    let payload = qr::encode(&credential)?;
    let mut versions = Vec::new();
    for (level, name) in LEVELS {
        let version = match elicence_qr_image::qr_version(&payload, level) {
            Ok(v) => Some(v),
            Err(QrImageError::PayloadTooLong { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        versions.push((name, version));
    }
    let text = if a.json {
        let mut by_level = serde_json::Map::new();
        for (name, version) in &versions {
            by_level.insert(
                (*name).to_owned(),
                match version {
                    Some(v) => json!({ "version": v, "modules": modules(*v) }),
                    None => Value::Null,
                },
            );
        }
        let report = json!({
            "format": match credential { Secured::Json(_) => "json", Secured::Jwt(_) => "vc+jwt" },
            "payloadFormat": format_name(s.format),
            "jsonBytes": s.json_bytes,
            "cborBytes": s.cbor_bytes,
            "compressedBytes": s.compressed_bytes,
            "base45Chars": s.base45_chars,
            "payloadChars": s.payload_chars,
            "lc1PayloadChars": s.lc1_payload_chars,
            "plainJsonPayloadChars": s.plain_json_payload_chars,
            "qrVersion": by_level,
        });
        let mut t = serde_json::to_string_pretty(&report).unwrap_or_default();
        t.push('\n');
        t
    } else {
        let mut t = String::new();
        let (what, unit) = match credential {
            Secured::Json(_) => ("compact JSON", "bytes"),
            Secured::Jwt(_) => ("vc+jwt", "characters"),
        };
        t.push_str(&format!("{what:<28}{:>6} {unit}\n", s.json_bytes));
        t.push_str(&format!("{:<28}{:>6} bytes\n", "LC2 CBOR", s.cbor_bytes));
        t.push_str(&format!(
            "{:<28}{:>6} bytes\n",
            "arithmetic coded (model)", s.compressed_bytes
        ));
        t.push_str(&format!(
            "{:<28}{:>6} characters ({} base45 + \"{}\")\n",
            "LC2 payload",
            s.payload_chars,
            s.base45_chars,
            qr::PREFIX
        ));
        t.push_str(&format!(
            "{:<28}{:>6} characters (format version 1, printed before LC2)\n",
            "for comparison, LC1", s.lc1_payload_chars
        ));
        t.push_str(&format!(
            "{:<28}{:>6} characters (DEFLATE of the JSON, no CBOR, no dictionary)\n",
            "and plain JSON", s.plain_json_payload_chars
        ));
        t.push_str("QR version (alphanumeric mode):\n");
        for (name, version) in &versions {
            match version {
                Some(v) => t.push_str(&format!(
                    "  {name}  version {v:>2} ({side}×{side} modules)\n",
                    side = modules(*v)
                )),
                None => t.push_str(&format!("  {name}  does not fit in one QR code\n")),
            }
        }
        t
    };
    io::write_output(None, text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn link(a: &QrLinkArgs) -> Result<ExitCode, CliError> {
    let credential = load_credential(&a.credential)?;
    let url = access_link(&credential)?;
    io::write_output(None, format!("{url}\n").as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Modules per side of a QR code of `version`, quiet zone excluded.
pub fn modules(version: u16) -> u32 {
    17 + 4 * u32::from(version)
}

/// The License Access URL of a credential: its licence IRI in URI form with `#d=` digest.
pub fn access_link(credential: &Secured) -> Result<String, CliError> {
    let doc = credential_json(credential)?;
    let id = doc.get("id").and_then(Value::as_str).ok_or_else(|| {
        CliError::Usage("the credential has no \"id\": it is not an elicence licence".into())
    })?;
    let iri = LicenceIri::parse(id).map_err(|e| {
        CliError::Usage(format!(
            "the credential id {id:?} is not a licence IRI: {e}"
        ))
    })?;
    Ok(qr::access_link(&iri.to_uri(), credential)?)
}

/// The credential as JSON: itself, or the payload of a vc+jwt (not verified:
/// for display and links only).
pub fn credential_json(credential: &Secured) -> Result<Value, CliError> {
    match credential {
        Secured::Json(doc) => Ok(doc.clone()),
        Secured::Jwt(jwt) => {
            let bad = |why: &str| CliError::Usage(format!("the vc+jwt payload {why}"));
            let payload = jwt.split('.').nth(1).ok_or_else(|| bad("is missing"))?;
            let bytes = URL_SAFE_NO_PAD
                .decode(payload)
                .map_err(|_| bad("is not base64url"))?;
            elicence_core::json::parse_strict(&bytes).map_err(|e| bad(&format!("is not JSON: {e}")))
        }
    }
}

/// Reads a signed credential: JSON (Data Integrity), a vc+jwt, or an LC2/LC1 payload.
pub fn load_credential(path: &Path) -> Result<Secured, CliError> {
    let bytes = io::read_input(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        CliError::Usage(format!(
            "{}: not a credential (expected JSON, a vc+jwt or an LC2: payload; the file is not UTF-8 text)",
            path.display()
        ))
    })?;
    // Only line ends are trimmed from a payload: a space is a base45 digit.
    let line = text.trim_end_matches(['\r', '\n']);
    let text = text.trim();
    if text.starts_with('{') {
        let doc =
            elicence_core::json::parse_strict(text.as_bytes()).map_err(|e| CliError::Json {
                path: path.to_owned(),
                message: e.to_string(),
            })?;
        Ok(Secured::Json(doc))
    } else if qr::is_elicence_payload(line) {
        Ok(qr::decode(line)?)
    } else if text.split('.').count() == 3 && !text.contains(char::is_whitespace) {
        Ok(Secured::Jwt(text.to_owned()))
    } else {
        Err(CliError::Usage(format!(
            "{}: not a credential (expected JSON with a proof, a vc+jwt or an LC2: payload)",
            path.display()
        )))
    }
}

/// The credential as `qr decode` prints it: pretty JSON (as `elicence issue`
/// writes it) or the JWT, each with a final newline.
pub fn credential_text(credential: &Secured) -> Result<Vec<u8>, CliError> {
    let mut text = match credential {
        Secured::Json(doc) => serde_json::to_string_pretty(doc)
            .map_err(|e| CliError::Usage(format!("cannot print the credential: {e}")))?,
        Secured::Jwt(jwt) => jwt.clone(),
    };
    text.push('\n');
    Ok(text.into_bytes())
}

/// PNG or JPEG, by magic bytes (as `decode_image` decides).
pub fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.starts_with(b"\xff\xd8\xff")
}

/// Every elicence payload among the QR codes in a photo, in the order found.
/// Codes of other kinds are ignored; none at all is an error, which names an
/// elicence code of an unsupported version if there is one.
pub fn elicence_payloads_in_image(path: &Path, bytes: &[u8]) -> Result<Vec<String>, CliError> {
    let texts = elicence_qr_image::decode_image(bytes).map_err(|e| image_error(path, e))?;
    let ours: Vec<String> = texts
        .iter()
        .filter(|t| qr::format_of(t).is_ok())
        .cloned()
        .collect();
    if ours.is_empty() {
        if let Some(other) = texts.iter().find(|t| qr::is_elicence_payload(t)) {
            // An elicence code of another format version: say so, not "none found".
            qr::decode(other)?;
        }
        let first: String = texts
            .first()
            .map(|t| t.chars().take(40).collect())
            .unwrap_or_default();
        return Err(CliError::Usage(format!(
            "{}: {} QR code(s) found, but none holds an elicence licence (LC2:...); the first starts {first:?} (elicence qr scan shows them all)",
            path.display(),
            texts.len()
        )));
    }
    Ok(ours)
}

/// A picture that could not be read, in words an inspector can act on.
fn image_error(path: &Path, e: QrImageError) -> CliError {
    match e {
        QrImageError::NoQrFound => CliError::Usage(format!(
            "{}: no readable QR code in the picture; take another photo, closer, flat and in good light",
            path.display()
        )),
        other => CliError::Usage(format!("{}: {other}", path.display())),
    }
}

/// `elicence qr scan`: the text of every QR code in a picture, whatever it
/// holds, with (`--json`) its corners, version and level. Exit 0 when codes
/// were found, 1 when the picture holds none, 2 when it cannot be read.
pub fn scan(a: &QrScanArgs) -> Result<ExitCode, CliError> {
    let bytes = io::read_input(&a.image)?;
    if !is_image(&bytes) {
        return Err(CliError::Usage(format!(
            "{}: not a PNG or JPEG picture",
            a.image.display()
        )));
    }
    let codes = match elicence_qr_image::scan_image(&bytes) {
        Ok(codes) => codes,
        Err(QrImageError::NoQrFound) => Vec::new(),
        Err(e) => return Err(image_error(&a.image, e)),
    };
    if a.json {
        let report = json!({
            "image": a.image.display().to_string(),
            "codes": codes.iter().map(code_json).collect::<Vec<_>>(),
        });
        let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
        text.push('\n');
        io::write_output(None, text.as_bytes())?;
    } else {
        let mut out = String::new();
        for code in &codes {
            out.push_str(&code.text);
            out.push('\n');
        }
        io::write_output(None, out.as_bytes())?;
        for (i, code) in codes.iter().enumerate() {
            eprintln!("code {} of {}: {}", i + 1, codes.len(), describe(code));
        }
    }
    if codes.is_empty() {
        eprintln!(
            "{}: no readable QR code in the picture; take another photo, closer, flat and in good light",
            a.image.display()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// One code as `qr scan --json` prints it; unknown facts are `null`.
fn code_json(code: &FoundCode) -> Value {
    let round = |v: f32| (f64::from(v) * 10.0).round() / 10.0;
    let corners = code.corners.map(|c| {
        c.iter()
            .map(|(x, y)| json!([round(*x), round(*y)]))
            .collect::<Vec<_>>()
    });
    json!({
        "text": code.text,
        "corners": corners,
        "version": code.version,
        "errorCorrection": code.ec_level.map(level_letter),
        "elicencePayload": elicence_version(&code.text),
    })
}

/// What a code is, for the line `qr scan` prints to stderr about it.
fn describe(code: &FoundCode) -> String {
    let mut facts = Vec::new();
    if let Some(v) = code.version {
        facts.push(format!("QR version {v}"));
    }
    if let Some(ec) = code.ec_level {
        facts.push(format!("error correction {}", level_letter(ec)));
    }
    facts.push(format!("{} characters", code.text.chars().count()));
    facts.push(match elicence_version(&code.text) {
        Some(v) if qr::format_of(&code.text).is_ok() => {
            format!("an elicence licence payload ({v}; elicence qr decode reads it)")
        }
        Some(v) => format!("an elicence payload of a format this build does not read ({v})"),
        None => "not an elicence payload".into(),
    });
    facts.join(", ")
}

/// `LC<n>` when the text starts like an elicence payload.
fn elicence_version(text: &str) -> Option<String> {
    if !qr::is_elicence_payload(text) {
        return None;
    }
    text.split_once(':').map(|(v, _)| v.to_owned())
}

fn level_letter(ec: EcLevel) -> &'static str {
    match ec {
        EcLevel::L => "L",
        EcLevel::M => "M",
        EcLevel::Q => "Q",
        EcLevel::H => "H",
    }
}

fn format_name(format: qr::Format) -> &'static str {
    match format {
        qr::Format::Lc1 => "LC1",
        qr::Format::Lc2 => "LC2",
    }
}

/// The payload in a text file, or why the file is neither a picture nor a payload.
fn payload_text(path: &Path, bytes: &[u8]) -> Result<String, CliError> {
    let looks_like_image = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg"));
    let neither = || {
        CliError::Usage(format!(
            "{}: {}neither a PNG or JPEG picture nor a text file with an LC1: payload",
            path.display(),
            if looks_like_image {
                "named like an image but its content is "
            } else {
                ""
            }
        ))
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|_| neither())?
        .trim_end_matches(['\r', '\n']);
    if text.trim().is_empty() {
        return Err(CliError::Usage(format!(
            "{}: empty; expected a QR photo or an LC1: payload",
            path.display()
        )));
    }
    if looks_like_image && !text.starts_with("LC") {
        return Err(neither());
    }
    Ok(text.to_owned())
}
