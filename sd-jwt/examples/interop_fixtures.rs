//! Writes the inputs of the JavaScript interop test (interop/js): SD-JWT VC
//! licences issued by elicence (ES256 and EdDSA, with and without a Key
//! Binding JWT), a Token Status List, and the keys an independent
//! implementation needs to check them and to issue its own.
//!
//! `cargo run -p elicence-sd-jwt --example interop_fixtures -- OUT_DIR`
//!
//! Keys are the published TEST keys of test-vectors/ (the Bang Rak and DIW
//! agencies of test-vectors/trust) and a holder key made here: never real ones.

use std::path::{Path, PathBuf};

use elicence_core::did;
use elicence_core::keys::{KeyAlgorithm, SigningKey};
use elicence_core::licence::{BusinessLicence, LicenceData};
use elicence_sd_jwt::licence::{is_selected, issue_licence, selector, LicenceVcOptions};
use elicence_sd_jwt::status_list::{StatusList, StatusListToken, TokenStatus};
use elicence_sd_jwt::type_metadata::VCT_BASE;
use elicence_sd_jwt::{present, KeyBindingRequest, StatusReference};
use rand_core::OsRng;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// The instant everything is judged at (inside the trust fixtures' validity).
const NOW: &str = "2026-06-01T00:00:00Z";
const NONCE: &str = "js-interop-nonce-3f9a";
const AUD: &str = "https://bank.example.co.th";
const DIW: &str = "did:web:licence.diw.example.go.th";
const TOKENS: &str = "https://licence.bangrak.example.go.th/status/tokens/1";

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

fn key(rel: &str) -> SigningKey {
    let pem = std::fs::read_to_string(repo(rel)).expect("a test key");
    SigningKey::from_pkcs8_pem(&pem, None).expect("a plaintext test key")
}

fn licence(issuer: &str, code: &str) -> BusinessLicence {
    let text =
        std::fs::read_to_string(repo("test-vectors/licence-data.json")).expect("licence data");
    let mut data: Value = serde_json::from_str(&text).expect("JSON");
    data["issuer"]["id"] = json!(issuer);
    data["licenceType"]["code"] = json!(code);
    let data: LicenceData = serde_json::from_value(data).expect("licence data");
    BusinessLicence::from_credential(&data.to_credential().expect("valid")).expect("valid")
}

fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: interop_fixtures OUT_DIR"),
    );
    std::fs::create_dir_all(&out).expect("output directory");
    let write = |name: &str, text: &str| std::fs::write(out.join(name), text).expect("write");
    let now = OffsetDateTime::parse(NOW, &Rfc3339).expect("NOW");

    let bangrak = key("test-vectors/keys/p256.pem");
    let diw = key("test-vectors/keys/ed25519.pem");
    let holder = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng);
    let bangrak_did = did::did_key(&bangrak.public_key());

    let mut manifest = json!({
        "now": now.unix_timestamp(),
        "nonce": NONCE,
        "aud": AUD,
        "vctBase": VCT_BASE,
        "holderJwk": holder.public_key().to_jwk(),
        "holderPrivateJwk": serde_json::from_str::<Value>(&holder.to_private_jwk()).expect("JWK"),
        "bangrak": {
            "iss": bangrak_did,
            "kid": did::did_key_verification_method(&bangrak.public_key()),
            "jwk": bangrak.public_key().to_jwk(),
            "privateJwk": serde_json::from_str::<Value>(&bangrak.to_private_jwk()).expect("JWK"),
        },
        "diw": {"jwk": diw.public_key().to_jwk()},
        "root": did::did_key(&key("test-vectors/trust/keys/root.pem").public_key()),
        "credentials": {},
    });

    let keep = selector(&["juristicPersonId", "permittedActivities[1]"]).expect("names");
    let kb = KeyBindingRequest {
        key: &holder,
        nonce: NONCE,
        audience: AUD,
        issued_at: now - Duration::minutes(1),
    };
    for (name, signer, kid, issuer, code) in [
        (
            "es256",
            &bangrak,
            did::did_key_verification_method(&bangrak.public_key()),
            bangrak_did.clone(),
            "food-sale",
        ),
        (
            "eddsa",
            &diw,
            format!("{DIW}#{}", diw.public_key().to_multikey()),
            DIW.to_owned(),
            "factory-op",
        ),
    ] {
        let options = LicenceVcOptions {
            vct_base: VCT_BASE.into(),
            vct_integrity: None,
            kid,
            issued_at: OffsetDateTime::parse("2026-01-01T00:00:00Z", &Rfc3339).expect("date"),
            holder_key: Some(holder.public_key()),
            status: Some(StatusReference {
                idx: 3,
                uri: TOKENS.into(),
            }),
            decoys: 2,
        };
        let issued = issue_licence(&licence(&issuer, code), &options, signer, &mut OsRng)
            .expect("issue")
            .serialize();
        let shown = present(&issued, &|p| is_selected(&keep, p), Some(&kb)).expect("present");
        let bare = present(&issued, &|p| is_selected(&keep, p), None).expect("present");
        write(&format!("{name}.sd-jwt"), &issued);
        write(&format!("{name}-kb.sd-jwt"), &shown);
        write(&format!("{name}-bare.sd-jwt"), &bare);
        manifest["credentials"][name] =
            json!({"alg": if name == "es256" { "ES256" } else { "EdDSA" }});
    }

    // Bang Rak's Token Status List, 2 bits: 7 revoked, 8 suspended, 9 = 3.
    let mut list = StatusList::new(2, 1000).expect("list");
    list.set(7, TokenStatus::Invalid).expect("set");
    list.set(8, TokenStatus::Suspended).expect("set");
    list.set(9, TokenStatus::Other(3)).expect("set");
    let token = StatusListToken {
        uri: TOKENS.into(),
        issuer: Some(bangrak_did.clone()),
        issued_at: now.unix_timestamp() - 3600,
        expires_at: Some(now.unix_timestamp() + 86_400),
        ttl: Some(3600),
        list,
    }
    .sign(
        &bangrak,
        &did::did_key_verification_method(&bangrak.public_key()),
    );
    write("status-list.jwt", &token);
    manifest["statusList"] =
        json!({"uri": TOKENS, "bits": 2, "expect": {"0": 0, "3": 0, "7": 1, "8": 2, "9": 3}});
    write(
        "manifest.json",
        &serde_json::to_string_pretty(&manifest).expect("JSON"),
    );
    println!("interop fixtures written to {}", out.display());
}
