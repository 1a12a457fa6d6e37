//! Fixtures shared by the service tests: the trust bundle of
//! test-vectors/trust re-signed with a fresh Token Status List, DIW and
//! Bang Rak licences issued as SD-JWT VCs to a holder key, a self-signed
//! relying-party certificate, and a running service on port 0.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use elicence_core::did;
use elicence_core::keys::{KeyAlgorithm, SigningKey};
use elicence_core::licence::{BusinessLicence, LicenceData};
use elicence_core::proof::{self, Cryptosuite, ProofOptions};
use elicence_relying_party::{client, RelyingParty, RpConfig};
use elicence_sd_jwt::licence::{issue_licence, LicenceVcOptions};
use elicence_sd_jwt::status_list::{StatusList, StatusListToken, TokenStatus};
use elicence_sd_jwt::type_metadata::VCT_BASE;
use elicence_sd_jwt::StatusReference;
use rand_core::OsRng;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub const DIW: &str = "did:web:licence.diw.example.go.th";
pub const TOKENS: &str = "https://licence.diw.example.go.th/status/tokens/1";
pub const DNS: &str = "bank.example.co.th";
pub const STATUS_INDEX: u64 = 3;

pub fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

pub fn key(rel: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read_to_string(vectors().join(rel)).unwrap(), None)
        .unwrap()
}

pub fn stamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

pub fn root_did() -> String {
    did::did_key(&key("trust/keys/root.pem").public_key())
}

/// The fixture bundle with DIW's Token Status List (index 3 `status`), signed now.
pub fn bundle_bytes(status: TokenStatus) -> Vec<u8> {
    let now = OffsetDateTime::now_utc();
    let diw = key("keys/ed25519.pem");
    let kid = format!("{DIW}#{}", diw.public_key().to_multikey());
    let mut list = StatusList::new(2, 64).unwrap();
    list.set(STATUS_INDEX, status).unwrap();
    let token = StatusListToken {
        uri: TOKENS.into(),
        issuer: Some("https://licence.diw.example.go.th".into()),
        issued_at: now.unix_timestamp() - 60,
        expires_at: Some(now.unix_timestamp() + 86_400),
        ttl: Some(3600),
        list,
    }
    .sign(&diw, &kid);
    let mut b: Value =
        serde_json::from_slice(&std::fs::read(vectors().join("trust/bundle.json")).unwrap())
            .unwrap();
    b["credentialSubject"]["tokenStatusLists"] =
        json!([{"uri": TOKENS, "fetchedAt": stamp(now), "token": token}]);
    // The fixture's bundle and trust list end on 2027-01-01 and the RP judges
    // them on the real clock: give both a term around now, signed again by
    // the root, so the tests pass in any year.
    let list = &mut b["credentialSubject"]["trustList"];
    list["validFrom"] = json!(stamp(now - time::Duration::days(1)));
    list["validUntil"] = json!(stamp(now + time::Duration::days(365)));
    *list = root_signed(list.clone());
    b["validFrom"] = json!(stamp(now - time::Duration::days(1)));
    b["validUntil"] = json!(stamp(now + time::Duration::days(365)));
    serde_json::to_vec(&root_signed(b)).unwrap()
}

/// `doc` with its proof replaced by a new one from the fixture root key.
fn root_signed(mut doc: Value) -> Value {
    doc.as_object_mut().unwrap().remove("proof");
    let root = key("trust/keys/root.pem");
    let vm = did::did_key_verification_method(&root.public_key());
    let created = stamp(OffsetDateTime::now_utc() - time::Duration::days(1));
    proof::sign(
        &doc,
        Cryptosuite::EddsaJcs2022,
        &root,
        &ProofOptions::new(vm, &created),
    )
    .unwrap()
}

fn licence(issuer: &str, code: &str) -> BusinessLicence {
    let mut data: Value =
        serde_json::from_slice(&std::fs::read(vectors().join("licence-data.json")).unwrap())
            .unwrap();
    data["issuer"]["id"] = json!(issuer);
    data["licenceType"]["code"] = json!(code);
    let data: LicenceData = serde_json::from_value(data).unwrap();
    BusinessLicence::from_credential(&data.to_credential().unwrap()).unwrap()
}

/// A DIW factory-operation licence (status index 3) bound to `holder`.
pub fn diw_licence(holder: &SigningKey) -> String {
    let diw = key("keys/ed25519.pem");
    let options = LicenceVcOptions {
        vct_base: VCT_BASE.into(),
        vct_integrity: None,
        kid: format!("{DIW}#{}", diw.public_key().to_multikey()),
        issued_at: OffsetDateTime::parse("2026-01-01T00:00:00Z", &Rfc3339).unwrap(),
        holder_key: Some(holder.public_key()),
        status: Some(StatusReference {
            idx: STATUS_INDEX,
            uri: TOKENS.into(),
        }),
        decoys: 2,
    };
    issue_licence(&licence(DIW, "factory-op"), &options, &diw, &mut OsRng)
        .unwrap()
        .serialize()
}

/// A Bang Rak food-sale licence (did:key agency, no status) bound to `holder`.
pub fn food_sale_licence(holder: &SigningKey) -> String {
    let k = key("keys/p256.pem");
    let options = LicenceVcOptions {
        vct_base: VCT_BASE.into(),
        vct_integrity: None,
        kid: did::did_key_verification_method(&k.public_key()),
        issued_at: OffsetDateTime::parse("2026-01-01T00:00:00Z", &Rfc3339).unwrap(),
        holder_key: Some(holder.public_key()),
        status: None,
        decoys: 2,
    };
    issue_licence(
        &licence(&did::did_key(&k.public_key()), "food-sale"),
        &options,
        &k,
        &mut OsRng,
    )
    .unwrap()
    .serialize()
}

pub fn holder_key() -> SigningKey {
    SigningKey::generate(KeyAlgorithm::P256, &mut OsRng)
}

/// A running relying party; its folder and server go away on drop.
pub struct Rp {
    pub dir: tempfile::TempDir,
    pub base: String,
    pub client_id: String,
    pub certificate_pem: String,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Rp {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl Rp {
    /// Starts a relying party (`x509_san_dns:bank.example.co.th`, a fresh
    /// self-signed certificate) with requests living `ttl` seconds.
    pub fn start(ttl: i64) -> Rp {
        Rp::start_with(ttl, "")
    }

    /// As [`Rp::start`], with more `rp.toml` lines.
    pub fn start_with(ttl: i64, extra: &str) -> Rp {
        Rp::start_as(ttl, extra, DNS, "127.0.0.1")
    }

    /// A development relying party: `redirect_uri:<base>/response`, unsigned requests.
    pub fn start_dev() -> Rp {
        Rp::start_as(300, "redirect_uri", DNS, "127.0.0.1")
    }

    /// As [`Rp::start_with`], as `dns` (certificate and client id), its
    /// public URL on `host` (the server listens on 127.0.0.1).
    pub fn start_as(ttl: i64, extra: &str, dns: &str, host: &str) -> Rp {
        let dir = tempfile::tempdir().unwrap();
        let rp_key = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng);
        let cert = client::self_signed_certificate(&rp_key, dns, 30).unwrap();
        std::fs::write(
            dir.path().join("rp-key.pem"),
            rp_key.to_pkcs8_pem().as_bytes(),
        )
        .unwrap();
        std::fs::write(dir.path().join("rp-cert.pem"), &cert).unwrap();
        std::fs::write(
            dir.path().join("bundle.json"),
            bundle_bytes(TokenStatus::Valid),
        )
        .unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let base = format!("http://{host}:{}", listener.local_addr().unwrap().port());
        let dev = extra == "redirect_uri";
        let client_id = if dev {
            format!("redirect_uri:{base}/response")
        } else {
            format!("x509_san_dns:{dns}")
        };
        let extra = if dev { "" } else { extra };
        let toml = format!(
            "listen = \"127.0.0.1:0\"\npublic_url = \"{base}\"\nbundle = \"bundle.json\"\nroot = \"{}\"\nclient_id = \"{client_id}\"\nsigning_key = \"rp-key.pem\"\ncertificate = \"rp-cert.pem\"\nrequest_ttl_seconds = {ttl}\n{extra}\n",
            root_did()
        );
        std::fs::write(dir.path().join("rp.toml"), toml).unwrap();
        let config = RpConfig::load(&dir.path().join("rp.toml")).unwrap();
        let rp = Arc::new(RelyingParty::new(config).unwrap());
        runtime.spawn(elicence_relying_party::service::serve_listener(
            listener, rp,
        ));
        Rp {
            dir,
            base,
            client_id,
            certificate_pem: cert,
            runtime: Some(runtime),
        }
    }

    /// Replaces the trust bundle (as `elicence bundle refresh` would).
    pub fn replace_bundle(&self, status: TokenStatus) {
        let path = self.dir.path().join("bundle.json");
        let tmp = self.dir.path().join("bundle.json.new");
        std::fs::write(&tmp, bundle_bytes(status)).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// `(status, body)` of a request.
pub fn get(url: &str) -> (u16, Vec<u8>) {
    let mut r = agent().get(url).call().unwrap();
    (r.status().as_u16(), r.body_mut().read_to_vec().unwrap())
}

pub fn get_json(url: &str) -> (u16, Value) {
    let (s, b) = get(url);
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

pub fn post(url: &str, content_type: &str, body: &str) -> (u16, Value) {
    let mut r = agent()
        .post(url)
        .header("content-type", content_type)
        .send(body)
        .unwrap();
    let status = r.status().as_u16();
    let body = r.body_mut().read_to_vec().unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// The query "licence of type `code`: juristic person ID".
pub fn query(code: &str) -> Value {
    json!({"credentials": [{
        "id": "licence",
        "format": "dc+sd-jwt",
        "meta": {"vct_values": [format!("{VCT_BASE}/vct/{code}")]},
        "claims": [{"path": ["licensee", "juristicPersonId"]}]
    }]})
}

/// The trust vectors' Bang Rak food-sale licence (an `ldp_vc` by the P-256
/// did:key agency), its term moved to a day ago for a year and signed again:
/// the relying party judges it on the real clock, and the vector's own term
/// ends on 2026-12-31.
pub fn food_sale_ldp_vc() -> String {
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let mut vc: Value = serde_json::from_slice(
        &std::fs::read(vectors().join("trust/licences/food-sale.json")).unwrap(),
    )
    .unwrap();
    vc.as_object_mut().unwrap().remove("proof");
    vc["validFrom"] = json!(stamp(now - time::Duration::days(1)));
    vc["validUntil"] = json!(stamp(now + time::Duration::days(365)));
    let agency = key("keys/p256.pem");
    let vm = did::did_key_verification_method(&agency.public_key());
    let signed = proof::sign(
        &vc,
        Cryptosuite::EcdsaJcs2019,
        &agency,
        &ProofOptions::new(vm, stamp(now - time::Duration::days(1))),
    )
    .unwrap();
    signed.to_string()
}
