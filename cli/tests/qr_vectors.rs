//! The QR test vectors in `test-vectors/qr/`: for every valid credential in
//! `test-vectors/`, its LC2 payload (`*.lc2.txt`) and PNG (`*.lc2.png`), what
//! `elicence qr encode` prints now, and its LC1 payload (`*.lc1.txt`) and PNG
//! (`*.png`), what licences printed before LC2 carry.
//!
//! The LC2 files are regenerated through the real `elicence qr encode` (and,
//! as a cross-check, through the libraries), the LC1 files through the LC1
//! encoder, and compared byte for byte with the files on disk; every payload
//! and every PNG of both formats is then decoded back through
//! `elicence qr decode` to the identical credential file, and verified
//! through `elicence verify --qr-image` at a fixed clock.
//!
//! To rewrite the files after an intended format change:
//! `ELICENCE_WRITE_VECTORS=1 cargo test -p elicence --test qr_vectors`.

mod support;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use elicence_core::qr::{self, Format, Secured};
use elicence_qr_image::RenderOptions;
use serde_json::Value;

/// Every vector is judged at this instant, so results never depend on the clock.
const NOW: &str = "2026-06-01T00:00:00Z";

/// (vector name, credential file under test-vectors/).
const VECTORS: [(&str, &str); 5] = [
    ("eddsa-rdfc-2022", "eddsa-rdfc-2022/valid.json"),
    ("ecdsa-rdfc-2019", "ecdsa-rdfc-2019/valid.json"),
    ("eddsa-jcs-2022", "eddsa-jcs-2022/valid.json"),
    ("ecdsa-jcs-2019", "ecdsa-jcs-2019/valid.json"),
    ("vc-jwt", "vc-jwt/valid.jwt"),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

fn qr_dir() -> PathBuf {
    root().join("qr")
}

fn elicence(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_elicence"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn tempdir() -> support::TestDir {
    support::scratch("qr-vectors")
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The credential a source file holds, as the QR codec sees it.
fn secured(source: &[u8]) -> Secured {
    let text = std::str::from_utf8(source).unwrap();
    if text.starts_with('{') {
        Secured::Json(serde_json::from_str(text).unwrap())
    } else {
        Secured::Jwt(text.trim_end().to_owned())
    }
}

/// Serialises the same way for both sides: compact JSON, or the JWT string.
fn canonical_bytes(s: &Secured) -> Vec<u8> {
    match s {
        Secured::Json(v) => serde_json::to_vec(v).unwrap(),
        Secured::Jwt(j) => j.as_bytes().to_vec(),
    }
}

#[test]
fn qr_vectors_match_what_elicence_emits_now() {
    let tmp = tempdir();
    let write = std::env::var_os("ELICENCE_WRITE_VECTORS").is_some();
    let mut stale = Vec::new();
    for (name, source) in VECTORS {
        let source_path = root().join(source);
        let png_tmp = tmp.join(format!("{name}.png"));
        let out = elicence(&[
            "qr",
            "encode",
            p(&source_path),
            "--text",
            "--png",
            p(&png_tmp),
        ]);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("error correction Q"),
            "{name}: the default level is Q: {stderr}"
        );
        let payload_file = out.stdout;
        let png = std::fs::read(&png_tmp).unwrap();

        // Same bytes as the libraries produce directly.
        let credential = secured(&std::fs::read(&source_path).unwrap());
        let payload = qr::encode(&credential).unwrap();
        assert!(payload.starts_with("LC2:"), "{name}");
        assert_eq!(payload_file, format!("{payload}\n").into_bytes(), "{name}");
        assert_eq!(
            png,
            elicence_qr_image::render_png(&payload, &RenderOptions::default()).unwrap(),
            "{name}"
        );
        // The LC1 encoder still gives the legacy files, byte for byte.
        let lc1 = qr::encode_as(&credential, Format::Lc1).unwrap();
        let lc1_png = elicence_qr_image::render_png(&lc1, &RenderOptions::default()).unwrap();

        for (file, content) in [
            (format!("{name}.lc2.txt"), payload_file),
            (format!("{name}.lc2.png"), png),
            (format!("{name}.lc1.txt"), format!("{lc1}\n").into_bytes()),
            (format!("{name}.png"), lc1_png),
        ] {
            let full = qr_dir().join(&file);
            if write {
                std::fs::create_dir_all(qr_dir()).unwrap();
                std::fs::write(&full, &content).unwrap();
            } else if std::fs::read(&full).ok().as_deref() != Some(content.as_slice()) {
                stale.push(file);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        stale.is_empty(),
        "QR vectors differ from what elicence emits now: {stale:?}\n\
         if the change is intended, run ELICENCE_WRITE_VECTORS=1 cargo test -p elicence --test qr_vectors"
    );
}

/// The payload files of a vector: (file name, prefix).
fn payload_files(name: &str) -> [(String, &'static str); 2] {
    [
        (format!("{name}.lc2.txt"), "LC2:"),
        (format!("{name}.lc1.txt"), "LC1:"),
    ]
}

/// The PNG files of a vector: LC2, and the legacy LC1 picture.
fn png_files(name: &str) -> [String; 2] {
    [format!("{name}.lc2.png"), format!("{name}.png")]
}

#[test]
fn every_payload_decodes_to_the_identical_credential() {
    for (name, source) in VECTORS {
        for (file, prefix) in payload_files(name) {
            let source_bytes = std::fs::read(root().join(source)).unwrap();
            let payload_path = qr_dir().join(&file);
            let payload = std::fs::read_to_string(&payload_path).unwrap();
            let payload = payload.strip_suffix('\n').unwrap();
            assert!(payload.starts_with(prefix), "{file}");

            // Library: the same value, serialised the same way (JSON), or the same JWT string.
            let decoded = qr::decode(payload).unwrap();
            let expected = secured(&source_bytes);
            assert_eq!(
                canonical_bytes(&decoded),
                canonical_bytes(&expected),
                "{name}: decoded credential differs"
            );
            assert_eq!(
                matches!(decoded, Secured::Jwt(_)),
                name == "vc-jwt",
                "{name}: wrong form"
            );

            // CLI: prints the credential file exactly (pretty JSON as issued, or the JWT).
            let out = elicence(&["qr", "decode", p(&payload_path)]);
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                out.stdout, source_bytes,
                "{file}: qr decode of the payload is not the credential file"
            );
        }
    }
}

#[test]
fn every_png_decodes_to_the_identical_credential_through_the_cli() {
    for (name, source) in VECTORS {
        for file in png_files(name) {
            let source_bytes = std::fs::read(root().join(source)).unwrap();
            let png = qr_dir().join(&file);
            let out = elicence(&["qr", "decode", p(&png)]);
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                out.stdout, source_bytes,
                "{file}: qr decode of the PNG is not the credential file"
            );
        }
    }
}

#[test]
fn every_png_verifies_as_valid_through_verify_qr_image() {
    for (name, _) in VECTORS {
        for file in png_files(name) {
            let png = qr_dir().join(&file);
            let out = elicence(&["verify", "--qr-image", p(&png), "--now", NOW, "--json"]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{name}: {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let report: Value = serde_json::from_str(&stdout).unwrap();
            assert_eq!(report["verdict"], "valid", "{file}: {stdout}");
        }
    }
}

#[test]
fn readme_lists_every_vector_and_its_credential() {
    let readme = std::fs::read_to_string(qr_dir().join("README.md")).unwrap();
    for (name, source) in VECTORS {
        for file in [
            format!("{name}.lc2.txt"),
            format!("{name}.lc2.png"),
            format!("{name}.lc1.txt"),
            format!("{name}.png"),
        ] {
            let row = format!("| `{file}` | `../{source}` |");
            assert!(readme.contains(&row), "README.md lacks the row {row}");
        }
    }
}
