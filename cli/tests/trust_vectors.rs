//! The trust fixtures in `test-vectors/trust/`: a root-signed trust bundle
//! (two agencies, the sample catalogue, two status lists), licences that
//! exercise every trust check, and a presentation. Regenerated from the fixed
//! keys and compared byte for byte; the bundle and the presentation are also
//! rebuilt through `elicence bundle build` and `elicence present` and must
//! come out identical; then every vector is verified through
//! `elicence verify --bundle` and its verdict checked against the manifest.
//!
//! To rewrite after an intended change:
//! `ELICENCE_WRITE_VECTORS=1 cargo test -p elicence --test trust_vectors`.

mod support;
use std::path::{Path, PathBuf};
use std::process::Command;

use elicence_core::did;
use elicence_core::jose;
use elicence_core::keys::SigningKey;
use elicence_core::licence::LicenceData;
use elicence_core::proof::{self, Cryptosuite, ProofOptions};
use elicence_verifier::bundle::{unsigned_bundle, unsigned_trust_list, BundleParts};
use elicence_verifier::presentation::{present, Presented};
use elicence_verifier::status::encode_list;
use serde_json::{json, Value};

const NOW: &str = "2026-06-01T00:00:00Z";
const CREATED: &str = "2026-01-01T00:00:00Z";
const FETCHED: &str = "2026-05-31T00:00:00Z";
const DIW: &str = "did:web:licence.diw.example.go.th";
const REVOCATION_LIST: &str = "https://licence.diw.example.go.th/status/revocation/1";
const SUSPENSION_LIST: &str = "https://licence.diw.example.go.th/status/suspension/1";
const CHALLENGE: &str = "7c1f3a9e-elicence-test-challenge";
const DOMAIN: &str = "bank.example.co.th";

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

fn trust() -> PathBuf {
    vectors().join("trust")
}

fn key(path: &Path) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read_to_string(path).unwrap(), None).unwrap()
}

fn pretty(v: &Value) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).unwrap();
    s.push('\n');
    s.into_bytes()
}

struct Keys {
    root: SigningKey,
    other_root: SigningKey,
    business: SigningKey,
    diw: SigningKey,
    diw_old: SigningKey,
    bangrak: SigningKey,
    stranger: SigningKey,
}

fn keys() -> Keys {
    Keys {
        root: key(&trust().join("keys/root.pem")),
        other_root: key(&trust().join("keys/other-root.pem")),
        business: key(&trust().join("keys/business.pem")),
        diw: key(&vectors().join("keys/ed25519.pem")),
        diw_old: key(&vectors().join("keys/other-ed25519.pem")),
        bangrak: key(&vectors().join("keys/p256.pem")),
        stranger: key(&vectors().join("keys/other-p256.pem")),
    }
}

fn diw_vm(k: &SigningKey) -> String {
    format!("{DIW}#{}", k.public_key().to_multikey())
}

fn agencies(k: &Keys) -> Value {
    let bangrak = did::did_key(&k.bangrak.public_key());
    json!([
        {
            "code": "DIW",
            "name": {"th": "กรมโรงงานอุตสาหกรรม (ข้อมูลทดสอบ)", "en": "Department of Industrial Works (test data)"},
            "level": "central",
            "dids": [DIW],
            "keys": [
                {"id": diw_vm(&k.diw), "publicKeyMultibase": k.diw.public_key().to_multikey(),
                 "validFrom": "2025-06-01T00:00:00Z", "validUntil": "2027-12-31T23:59:59Z"},
                {"id": diw_vm(&k.diw_old), "publicKeyMultibase": k.diw_old.public_key().to_multikey(),
                 "validFrom": "2023-01-01T00:00:00Z", "validUntil": "2025-05-31T23:59:59Z"}
            ],
            "licenceTypes": ["factory-op", "factory-expand"]
        },
        {
            "code": "BKK-BANGRAK",
            "name": {"th": "สำนักงานเขตบางรัก กรุงเทพมหานคร (ข้อมูลทดสอบ)", "en": "Bang Rak District Office, Bangkok (test data)"},
            "level": "local",
            "dids": [bangrak],
            "keys": [
                {"id": did::did_key_verification_method(&k.bangrak.public_key()),
                 "publicKeyMultibase": k.bangrak.public_key().to_multikey(),
                 "validFrom": "2025-01-01T00:00:00Z"}
            ],
            "licenceTypes": ["food-sale", "signboard", "commercial-registration"]
        }
    ])
}

fn catalogue() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(vectors().join("../catalogue/licence-catalogue.json")).unwrap(),
    )
    .unwrap()
}

fn status_list(k: &Keys, url: &str, purpose: &str, set: usize) -> Value {
    let mut bits = vec![0u8; 131_072 / 8];
    bits[set / 8] |= 0x80 >> (set % 8);
    let unsigned = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DIW,
        "validFrom": "2026-05-30T00:00:00Z",
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_list(&bits),
        }
    });
    sign(&unsigned, &k.diw, &diw_vm(&k.diw), CREATED)
}

fn sign(doc: &Value, key: &SigningKey, vm: &str, created: &str) -> Value {
    let suite = Cryptosuite::for_key(key.algorithm(), elicence_core::proof::Canonicalization::Jcs);
    proof::sign(doc, suite, key, &ProofOptions::new(vm, created)).unwrap()
}

fn root_signed(doc: &Value, root: &SigningKey) -> Value {
    sign(
        doc,
        root,
        &did::did_key_verification_method(&root.public_key()),
        CREATED,
    )
}

fn bundle_for(k: &Keys, root: &SigningKey) -> Value {
    let root_did = did::did_key(&root.public_key());
    let trust_list = root_signed(
        &unsigned_trust_list(
            &root_did,
            "urn:elicence:trust-list:1",
            CREATED,
            Some("2027-01-01T00:00:00Z"),
            &agencies(k),
        ),
        root,
    );
    let parts = BundleParts {
        root_did,
        version: 1,
        valid_from: CREATED.into(),
        valid_until: Some("2027-01-01T00:00:00Z".into()),
        trust_list,
        catalogue: catalogue(),
        status_lists: vec![
            (
                REVOCATION_LIST.into(),
                FETCHED.into(),
                status_list(k, REVOCATION_LIST, "revocation", 7),
            ),
            (
                SUSPENSION_LIST.into(),
                FETCHED.into(),
                status_list(k, SUSPENSION_LIST, "suspension", 8),
            ),
        ],
        token_status_lists: Vec::new(),
    };
    root_signed(&unsigned_bundle(&parts), root)
}

/// A DIW factory licence held by the test business, with optional status entry.
fn factory_licence(
    k: &Keys,
    number: &str,
    issuer: &str,
    status: Option<(&str, &str, u32)>,
) -> Value {
    let mut data: Value = serde_json::from_str(
        &std::fs::read_to_string(vectors().join("licence-data.json")).unwrap(),
    )
    .unwrap();
    data["issuer"]["id"] = json!(issuer);
    data["licenceNumber"] = json!(number);
    data["businessDid"] = json!(did::did_key(&k.business.public_key()));
    if let Some((list, purpose, index)) = status {
        data["credentialStatus"] = json!({
            "id": format!("{list}#{index}"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": index.to_string(),
            "statusListCredential": list,
        });
    }
    let data: LicenceData = serde_json::from_value(data).unwrap();
    data.to_credential().unwrap()
}

fn food_sale(k: &Keys, issuer_key: &SigningKey) -> Value {
    let mut data: Value = serde_json::from_str(
        &std::fs::read_to_string(vectors().join("../examples/licence.json")).unwrap(),
    )
    .unwrap();
    data["issuer"]["id"] = json!(did::did_key(&issuer_key.public_key()));
    data["businessDid"] = json!(did::did_key(&k.business.public_key()));
    let data: LicenceData = serde_json::from_value(data).unwrap();
    data.to_credential().unwrap()
}

struct Vector {
    file: &'static str,
    content: Vec<u8>,
    expect: &'static str,
    /// The check that must fail (invalid) or not run (cannot-decide).
    check: Option<&'static str>,
    description: &'static str,
}

fn all() -> (Vec<(String, Vec<u8>)>, Vec<Vector>) {
    let k = keys();
    let diw = |k: &Keys, c: &Value| sign(c, &k.diw, &diw_vm(&k.diw), CREATED);
    let valid = diw(
        &k,
        &factory_licence(
            &k,
            "ข-12345/2565",
            DIW,
            Some((REVOCATION_LIST, "revocation", 1)),
        ),
    );
    let valid_jwt = {
        let c = factory_licence(
            &k,
            "ข-12345/2565",
            DIW,
            Some((REVOCATION_LIST, "revocation", 1)),
        );
        let mut jwt = jose::sign_vc_jwt(&c, &k.diw, &diw_vm(&k.diw)).unwrap();
        jwt.push('\n');
        jwt
    };
    let bangrak_vm = did::did_key_verification_method(&k.bangrak.public_key());
    let vp = present(
        &[
            Presented::Json(valid.clone()),
            Presented::Jwt(valid_jwt.trim().to_owned()),
        ],
        &k.business,
        CHALLENGE,
        DOMAIN,
        "2026-05-31T12:00:00Z",
    )
    .unwrap();
    let stranger = did::did_key(&k.stranger.public_key());
    let mut vectors = vec![
        Vector { file: "licences/valid.json", content: pretty(&valid), expect: "valid", check: None,
            description: "A DIW factory licence, signed with DIW's current key, status clear." },
        Vector { file: "licences/valid.jwt", content: valid_jwt.into_bytes(), expect: "valid", check: None,
            description: "The same licence as a vc+jwt." },
        Vector { file: "licences/food-sale.json", content: pretty(&sign(&food_sale(&k, &k.bangrak), &k.bangrak, &bangrak_vm, CREATED)),
            expect: "valid", check: None,
            description: "A Bang Rak district food-sale licence (P-256 did:key agency), no status entry: valid with a warning." },
        Vector { file: "licences/revoked.json",
            content: pretty(&diw(&k, &factory_licence(&k, "ข-12346/2565", DIW, Some((REVOCATION_LIST, "revocation", 7))))),
            expect: "invalid", check: Some("status"), description: "Revoked: bit 7 of DIW's revocation list is set." },
        Vector { file: "licences/suspended.json",
            content: pretty(&diw(&k, &factory_licence(&k, "ข-12347/2565", DIW, Some((SUSPENSION_LIST, "suspension", 8))))),
            expect: "invalid", check: Some("status"), description: "Suspended: bit 8 of DIW's suspension list is set." },
        Vector { file: "licences/untrusted-issuer.json",
            content: pretty(&sign(&factory_licence(&k, "ข-12348/2565", &stranger, None), &k.stranger,
                &did::did_key_verification_method(&k.stranger.public_key()), CREATED)),
            expect: "invalid", check: Some("issuer-trusted"),
            description: "Correctly signed by a did:key that is not on the trust list." },
        Vector { file: "licences/key-outside-window.json",
            content: pretty(&sign(&factory_licence(&k, "ข-12349/2565", DIW, Some((REVOCATION_LIST, "revocation", 2))),
                &k.diw_old, &diw_vm(&k.diw_old), CREATED)),
            expect: "invalid", check: Some("key-window"),
            description: "Signed on 2026-01-01 with DIW's retired key, in force only until 2025-05-31." },
        Vector { file: "licences/unknown-status-list.json",
            content: pretty(&diw(&k, &factory_licence(&k, "ข-12350/2565", DIW,
                Some(("https://licence.diw.example.go.th/status/revocation/2", "revocation", 3))))),
            expect: "cannot-decide", check: Some("status"),
            description: "Its status list is not in the bundle: status unknown." },
        Vector { file: "presentation.json", content: pretty(&vp), expect: "valid", check: None,
            description: "The business presents valid.json and valid.jwt to bank.example.co.th with the manifest's challenge." },
    ];
    // DIW authorised only for factory types: a DIW-signed food-sale licence under its did:web.
    let mut food_by_diw = food_sale(&k, &k.diw);
    food_by_diw["issuer"]["id"] = json!(DIW);
    vectors.push(Vector {
        file: "licences/not-authorised.json",
        content: pretty(&diw(&k, &food_by_diw)),
        expect: "invalid",
        check: Some("issuer-authorised"),
        description: "DIW (authorised for factory licences only) issues a food-sale licence.",
    });
    let files = vec![
        ("agencies.json".to_owned(), pretty(&agencies(&k))),
        (
            "status-revocation.json".to_owned(),
            pretty(&status_list(&k, REVOCATION_LIST, "revocation", 7)),
        ),
        (
            "status-suspension.json".to_owned(),
            pretty(&status_list(&k, SUSPENSION_LIST, "suspension", 8)),
        ),
        ("bundle.json".to_owned(), pretty(&bundle_for(&k, &k.root))),
        (
            "bundle-other-root.json".to_owned(),
            pretty(&bundle_for(&k, &k.other_root)),
        ),
    ];
    (files, vectors)
}

fn manifest(vectors: &[Vector]) -> Vec<u8> {
    let k = keys();
    pretty(&json!({
        "now": NOW,
        "root": did::did_key(&k.root.public_key()),
        "challenge": CHALLENGE,
        "domain": DOMAIN,
        "command": "elicence verify FILE --bundle bundle.json --root ROOT --now NOW --challenge CHALLENGE --domain DOMAIN --json",
        "vectors": vectors.iter().map(|v| json!({
            "file": v.file, "expect": v.expect, "check": v.check, "description": v.description,
        })).collect::<Vec<_>>(),
    }))
}

#[test]
fn trust_vectors_on_disk_are_what_we_emit() {
    let (mut files, vectors) = all();
    files.push(("manifest.json".into(), manifest(&vectors)));
    for v in &vectors {
        files.push((v.file.to_owned(), v.content.clone()));
    }
    let write = std::env::var_os("ELICENCE_WRITE_VECTORS").is_some();
    let mut stale = Vec::new();
    for (path, content) in &files {
        let full = trust().join(path);
        if write {
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, content).unwrap();
        } else if std::fs::read(&full).ok().as_deref() != Some(content.as_slice()) {
            stale.push(path.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "trust vectors differ from what elicence emits now: {stale:?}\n\
         if intended, run ELICENCE_WRITE_VECTORS=1 cargo test -p elicence --test trust_vectors"
    );
}

fn elicence(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_elicence"))
        .args(args)
        .output()
        .unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_cli_builds_the_same_bundle_and_presentation() {
    let dir = temp_dir("trust");
    let out = dir.join("bundle.json");
    let t = trust();
    let o = elicence(&[
        "bundle",
        "build",
        "--root-key",
        s(&t.join("keys/root.pem")),
        "--agencies",
        s(&t.join("agencies.json")),
        "--catalogue",
        s(&vectors().join("../catalogue/licence-catalogue.json")),
        "--status-list",
        s(&t.join("status-revocation.json")),
        "--status-list",
        s(&t.join("status-suspension.json")),
        "--fetched-at",
        FETCHED,
        "--bundle-version",
        "1",
        "--valid-until",
        "2027-01-01T00:00:00Z",
        "--created",
        CREATED,
        "--out",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(t.join("bundle.json")).unwrap()
    );

    let vp = dir.join("vp.json");
    let o = elicence(&[
        "present",
        s(&t.join("licences/valid.json")),
        s(&t.join("licences/valid.jwt")),
        "--key",
        s(&t.join("keys/business.pem")),
        "--challenge",
        CHALLENGE,
        "--domain",
        DOMAIN,
        "--created",
        "2026-05-31T12:00:00Z",
        "--out",
        s(&vp),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read(&vp).unwrap(),
        std::fs::read(t.join("presentation.json")).unwrap()
    );

    // someone else's licence cannot be presented
    let o = elicence(&[
        "present",
        s(&t.join("licences/valid.json")),
        "--key",
        s(&t.join("keys/root.pem")),
        "--challenge",
        CHALLENGE,
        "--domain",
        DOMAIN,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not the holder"));

    // bundle verify: OK with the right root, exit 1 with the wrong one
    let root = did::did_key(&keys().root.public_key());
    let o = elicence(&[
        "bundle",
        "verify",
        s(&t.join("bundle.json")),
        "--root",
        &root,
        "--now",
        NOW,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("version 1") && text.contains("SAMPLE DATA") && text.contains("DIW"),
        "{text}"
    );
    let o = elicence(&[
        "bundle",
        "verify",
        s(&t.join("bundle-other-root.json")),
        "--root",
        &root,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("not by the configured root"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_trust_vector_verifies_as_the_manifest_says_through_the_cli() {
    let m: Value =
        serde_json::from_slice(&std::fs::read(trust().join("manifest.json")).unwrap()).unwrap();
    let root = m["root"].as_str().unwrap();
    for v in m["vectors"].as_array().unwrap() {
        let file = v["file"].as_str().unwrap();
        let o = elicence(&[
            "verify",
            "--json",
            "--now",
            NOW,
            "--bundle",
            s(&trust().join("bundle.json")),
            "--root",
            root,
            "--challenge",
            m["challenge"].as_str().unwrap(),
            "--domain",
            m["domain"].as_str().unwrap(),
            s(&trust().join(file)),
        ]);
        let report: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{file}: {e}: {}", String::from_utf8_lossy(&o.stderr)));
        let expect = v["expect"].as_str().unwrap();
        assert_eq!(report["verdict"], expect, "{file}: {report:#}");
        assert_eq!(
            o.status.code(),
            Some(if expect == "valid" { 0 } else { 1 }),
            "{file}"
        );
        if let Some(check) = v["check"].as_str() {
            let outcome = report["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["code"] == check)
                .map(|c| c["outcome"].clone());
            let wanted = if expect == "invalid" {
                "fail"
            } else {
                "not-run"
            };
            assert_eq!(outcome, Some(json!(wanted)), "{file}: {check}: {report:#}");
        }
    }
}

#[test]
fn a_presentation_is_accepted_once_and_then_refused_as_a_replay() {
    let dir = temp_dir("replay");
    let seen = dir.join("seen.txt");
    let root = did::did_key(&keys().root.public_key());
    let run = || {
        elicence(&[
            "verify",
            "--json",
            "--now",
            NOW,
            "--bundle",
            s(&trust().join("bundle.json")),
            "--root",
            &root,
            "--challenge",
            CHALLENGE,
            "--domain",
            DOMAIN,
            "--seen-challenges",
            s(&seen),
            s(&trust().join("presentation.json")),
        ])
    };
    assert_eq!(run().status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&seen).unwrap(),
        format!("{CHALLENGE}\n")
    );
    let second = run();
    assert_eq!(second.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&second.stdout).unwrap();
    let challenge = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "challenge")
        .unwrap();
    assert_eq!(challenge["outcome"], "fail");
    assert!(challenge["reason"]["en"]
        .as_str()
        .unwrap()
        .contains("REPLAY"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bundle_refresh_fetches_status_lists_and_a_new_revocation_shows() {
    let k = keys();
    let dir = temp_dir("refresh");
    // a status list served locally, first all clear, then with bit 1 revoked
    let clear = vec![0u8; 131_072 / 8];
    let mut revoked = clear.clone();
    revoked[0] = 0x40; // index 1
                       // Lists made a minute ago and valid for a week, as the service signs
                       // them: freshness is judged by the list's own validFrom.
    let made = time::OffsetDateTime::now_utc() - time::Duration::minutes(1);
    let rfc = |t: time::OffsetDateTime| {
        t.replace_nanosecond(0)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let (valid_from, valid_until) = (rfc(made), rfc(made + time::Duration::days(7)));
    let list = |bits: &[u8], url: &str| {
        sign(
            &json!({
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": url,
                "type": ["VerifiableCredential", "BitstringStatusListCredential"],
                "issuer": DIW,
                "validFrom": valid_from,
                "validUntil": valid_until,
                "credentialSubject": {"id": format!("{url}#list"), "type": "BitstringStatusList",
                    "statusPurpose": "revocation", "encodedList": encode_list(bits)}
            }),
            &k.diw,
            &diw_vm(&k.diw),
            CREATED,
        )
    };
    // the served list's id must be its URL: bind first, then sign for that port
    let server_body = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/status/revocation/9");
    *server_body.lock().unwrap() = pretty(&list(&revoked, &url));
    {
        let body = server_body.clone();
        std::thread::spawn(move || {
            use std::io::{Read, Write};
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { continue };
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let b = body.lock().unwrap().clone();
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    b.len()
                );
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(&b);
            }
        });
    }
    let initial = dir.join("initial-list.json");
    std::fs::write(&initial, pretty(&list(&clear, &url))).unwrap();
    let t = trust();
    let b1 = dir.join("b1.json");
    let o = elicence(&[
        "bundle",
        "build",
        "--root-key",
        s(&t.join("keys/root.pem")),
        "--agencies",
        s(&t.join("agencies.json")),
        "--catalogue",
        s(&vectors().join("../catalogue/licence-catalogue.json")),
        "--status-list",
        s(&initial),
        "--bundle-version",
        "3",
        "--out",
        s(&b1),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // a licence pointing at the served list, index 1
    let licence = dir.join("licence.json");
    let c = factory_licence(&k, "ข-12399/2565", DIW, Some((&url, "revocation", 1)));
    let now = elicence_cli_now();
    std::fs::write(
        &licence,
        pretty(&sign(&c, &k.diw, &diw_vm(&k.diw), CREATED)),
    )
    .unwrap();
    let root = did::did_key(&k.root.public_key());
    let verdict = |bundle: &Path| {
        let o = elicence(&[
            "verify",
            "--json",
            "--now",
            &now,
            "--bundle",
            s(bundle),
            "--root",
            &root,
            s(&licence),
        ]);
        let r: Value = serde_json::from_slice(&o.stdout).unwrap();
        r["verdict"].as_str().unwrap().to_owned()
    };
    assert_eq!(verdict(&b1), "valid");
    let b2 = dir.join("b2.json");
    let o = elicence(&[
        "bundle",
        "refresh",
        s(&b1),
        "--root-key",
        s(&t.join("keys/root.pem")),
        "--out",
        s(&b2),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        verdict(&b2),
        "invalid",
        "the refreshed snapshot shows the revocation"
    );
    // version went up, so b1 can now be refused as a rollback
    let o = elicence(&[
        "bundle",
        "verify",
        s(&b1),
        "--root",
        &root,
        "--min-version",
        "4",
    ]);
    assert_eq!(o.status.code(), Some(1));
    // a tampered list from the issuer's server aborts the refresh
    let mut bad = list(&clear, &url);
    bad["validUntil"] = json!("2099-01-01T00:00:00Z");
    *server_body.lock().unwrap() = pretty(&bad);
    let o = elicence(&[
        "bundle",
        "refresh",
        s(&b2),
        "--root-key",
        s(&t.join("keys/root.pem")),
        "--out",
        s(&dir.join("b3.json")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.join("b3.json").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Now, to the second, as RFC 3339 (refresh stamps fetchedAt with the real clock).
fn elicence_cli_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// A tiny HTTP server on 127.0.0.1 answering each path with the body set
/// for it (404 otherwise): a mirror of an agency's did:web and status lists.
struct Mirror {
    origin: String,
    routes: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>>,
}

impl Mirror {
    fn start() -> Mirror {
        use std::io::{Read, Write};
        let routes: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>> =
            Default::default();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let served = routes.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { continue };
                let mut buf = [0u8; 8192];
                let n = s.read(&mut buf).unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let body = served.lock().unwrap().get(&path).cloned();
                let (status, body) = match body {
                    Some(b) => ("200 OK", b),
                    None => ("404 Not Found", Vec::new()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(&body);
            }
        });
        Mirror { origin, routes }
    }

    fn serve(&self, path: &str, body: &Value) {
        self.routes
            .lock()
            .unwrap()
            .insert(path.to_owned(), pretty(body));
    }
}

/// DIW's DID document, as its did:web would serve it.
fn diw_did_document(k: &Keys) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DIW,
        "verificationMethod": [{"id": diw_vm(&k.diw), "type": "Multikey", "controller": DIW,
            "publicKeyMultibase": k.diw.public_key().to_multikey()}],
        "assertionMethod": [diw_vm(&k.diw)]
    })
}

/// DIW's revocation list with bit `set` (if any), in force from `from` for
/// `days` days.
fn dated_list(k: &Keys, set: Option<usize>, from: time::OffsetDateTime, days: i64) -> Value {
    let rfc = |t: time::OffsetDateTime| {
        t.replace_nanosecond(0)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let mut bits = vec![0u8; 131_072 / 8];
    if let Some(i) = set {
        bits[i / 8] |= 0x80 >> (i % 8);
    }
    sign(
        &json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": REVOCATION_LIST,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": DIW,
            "validFrom": rfc(from),
            "validUntil": rfc(from + time::Duration::days(days)),
            "credentialSubject": {"id": format!("{REVOCATION_LIST}#list"), "type": "BitstringStatusList",
                "statusPurpose": "revocation", "encodedList": encode_list(&bits)}
        }),
        &k.diw,
        &diw_vm(&k.diw),
        CREATED,
    )
}

fn temp_dir(name: &str) -> support::TestDir {
    support::scratch(name)
}

fn verdict_of(o: &std::process::Output) -> (String, String) {
    let r: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let status = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "status")
        .map(|c| format!("{} {}", c["outcome"], c["reason"]["en"]))
        .unwrap_or_default();
    (r["verdict"].as_str().unwrap().to_owned(), status)
}

/// Issue 16: a credential that names a status list is never VALID without
/// that list; `--no-status` is explicit and the report says so.
#[test]
fn verify_without_status_information_cannot_decide_unless_told_not_to_check() {
    let k = keys();
    let dir = temp_dir("nostatus");
    let did_doc = dir.join("did.json");
    std::fs::write(&did_doc, pretty(&diw_did_document(&k))).unwrap();
    let revoked = trust().join("licences/revoked.json");
    let o = elicence(&[
        "verify",
        "--json",
        "--now",
        NOW,
        "--did-doc",
        s(&did_doc),
        s(&revoked),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let (verdict, status) = verdict_of(&o);
    assert_eq!(verdict, "cannot-decide");
    assert!(status.starts_with("\"not-run\""), "{status}");
    let o = elicence(&[
        "verify",
        "--json",
        "--now",
        NOW,
        "--did-doc",
        s(&did_doc),
        "--no-status",
        s(&revoked),
    ]);
    let (verdict, status) = verdict_of(&o);
    assert_eq!(verdict, "valid", "the user opted out explicitly");
    assert!(
        status.contains("skipped") && status.contains("NOT CHECKED"),
        "{status}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `verify --online` fetches the lists (here through a mirror) and checks
/// them like credentials: a fresh list shows the revocation, a replayed
/// expired one is never used.
#[test]
fn verify_online_uses_fresh_lists_and_never_an_expired_one() {
    let k = keys();
    let mirror = Mirror::start();
    mirror.serve("/.well-known/did.json", &diw_did_document(&k));
    let now = time::OffsetDateTime::now_utc();
    mirror.serve(
        "/status/revocation/1",
        &dated_list(&k, Some(7), now - time::Duration::minutes(5), 7),
    );
    let online = |file: &str| {
        elicence(&[
            "verify",
            "--json",
            "--online",
            "--via",
            &mirror.origin,
            s(&trust().join(file)),
        ])
    };
    let (verdict, status) = verdict_of(&online("licences/revoked.json"));
    assert_eq!(verdict, "invalid");
    assert!(status.contains("REVOKED"), "{status}");
    let (verdict, _) = verdict_of(&online("licences/valid.json"));
    assert_eq!(verdict, "valid");
    // The same licences as their printed QR codes (LC2 text): the lists the
    // payload names are fetched too, so the revocation shows.
    let dir = temp_dir("online-qr");
    for (file, expected) in [
        ("licences/revoked.json", "invalid"),
        ("licences/valid.json", "valid"),
    ] {
        let o = elicence(&["qr", "encode", s(&trust().join(file)), "--text"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let payload = dir.join("payload.txt");
        std::fs::write(&payload, &o.stdout).unwrap();
        assert!(String::from_utf8_lossy(&o.stdout).starts_with("LC2:"));
        let o = elicence(&[
            "verify",
            "--json",
            "--online",
            "--via",
            &mirror.origin,
            s(&payload),
        ]);
        let (verdict, status) = verdict_of(&o);
        assert_eq!(verdict, expected, "{file} from its QR code: {status}");
    }
    // A mirror replaying the list from before the revocation: expired.
    mirror.serve(
        "/status/revocation/1",
        &dated_list(&k, None, now - time::Duration::days(10), 3),
    );
    let o = online("licences/revoked.json");
    let (verdict, status) = verdict_of(&o);
    assert_eq!(verdict, "cannot-decide", "{status}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("expired"));
}

/// `status check` through a mirror: a list past its validUntil, signed by
/// someone else or for another URL is "unknown" (exit 1), never "not set";
/// a credential whose JSON re-spells its status entry is refused.
#[test]
fn status_check_through_a_mirror_trusts_nothing_the_mirror_says() {
    let k = keys();
    let mirror = Mirror::start();
    mirror.serve("/.well-known/did.json", &diw_did_document(&k));
    let now = time::OffsetDateTime::now_utc();
    let check = |file: &Path| elicence(&["status", "check", "--via", &mirror.origin, s(file)]);
    let revoked = trust().join("licences/revoked.json");
    mirror.serve(
        "/status/revocation/1",
        &dated_list(&k, Some(7), now - time::Duration::minutes(5), 7),
    );
    let o = check(&revoked);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("revocation: SET"));
    // replayed from before the revocation
    mirror.serve(
        "/status/revocation/1",
        &dated_list(&k, None, now - time::Duration::days(10), 3),
    );
    let o = check(&revoked);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(out.contains("UNKNOWN") && out.contains("expired"), "{out}");
    // a clear list signed by a stranger that claims to be DIW
    let mut forged = dated_list(&k, None, now - time::Duration::minutes(5), 7);
    forged.as_object_mut().unwrap().remove("proof");
    let forged = sign(
        &forged,
        &k.stranger,
        &did::did_key_verification_method(&k.stranger.public_key()),
        CREATED,
    );
    mirror.serve("/status/revocation/1", &forged);
    let o = check(&revoked);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("UNKNOWN"));
    // the entry re-spelled as its IRI: no "nothing to check"
    let dir = temp_dir("respelled");
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&revoked).unwrap()).unwrap();
    let entry = doc
        .as_object_mut()
        .unwrap()
        .remove("credentialStatus")
        .unwrap();
    doc["https://www.w3.org/2018/credentials#credentialStatus"] = entry;
    let file = dir.join("respelled.json");
    std::fs::write(&file, pretty(&doc)).unwrap();
    let o = check(&file);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("re-spells the term `credentialStatus`"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `bundle build` never carries an expired list (and records the list's own
/// validity, not the fetch time).
#[test]
fn bundle_build_refuses_an_expired_status_list() {
    let k = keys();
    let dir = temp_dir("expired-list");
    let expired = dir.join("expired.json");
    let from = time::OffsetDateTime::parse(
        "2026-05-01T00:00:00Z",
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    std::fs::write(&expired, pretty(&dated_list(&k, None, from, 7))).unwrap();
    let t = trust();
    let o = elicence(&[
        "bundle",
        "build",
        "--root-key",
        s(&t.join("keys/root.pem")),
        "--agencies",
        s(&t.join("agencies.json")),
        "--catalogue",
        s(&vectors().join("../catalogue/licence-catalogue.json")),
        "--status-list",
        s(&expired),
        "--fetched-at",
        FETCHED,
        "--bundle-version",
        "9",
        "--out",
        s(&dir.join("b.json")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("expired on 2026-05-08"));
    assert!(!dir.join("b.json").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
