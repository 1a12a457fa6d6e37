//! OpenID4VCI over real HTTP: an agency offers a licence, the elicence
//! wallet receives it, the SD-JWT VC verifies with the keys of the JWT VC
//! Issuer Metadata, revocation shows in the Token Status List; and every
//! refusal (PIN, code reuse, expiry, proofs, scope, other agency).

mod common;

use common::{licence, token, Resp, Service};
use elicence_core::keys::{KeyAlgorithm, PublicKey, SigningKey};
use elicence_issuer::admin::Scope;
use elicence_issuer::http::oid4vci::OfferSubject;
use elicence_oid4vci::proof::make_proof;
use elicence_sd_jwt::status_list::{TokenStatus, UnverifiedStatusList};
use elicence_sd_jwt::{verify_vc, IssuerKeyResolver, SdJwtError, VerifyOptions};
use elicence_wallet::receive::resolve_offer;
use elicence_wallet::{receive, Format, ReceiveOptions, Wallet};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

const GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

/// Issues licence `number` for bangrak and returns (service path, IRI).
fn issue(svc: &Service, tok: &str, number: &str) -> (String, String) {
    let r = svc.post_json("/licences", Some(tok), &licence(number));
    assert_eq!(r.status, 201, "{}", r.body);
    let iri = r.json()["id"].as_str().unwrap().to_owned();
    let uri = elicence_core::licence::LicenceIri::parse(&iri)
        .unwrap()
        .to_uri();
    (
        svc.local(&uri)
            .split_once(&svc.addr.to_string())
            .unwrap()
            .1
            .to_owned(),
        iri,
    )
}

fn offer(svc: &Service, tok: &str, path: &str) -> Resp {
    svc.post(&format!("{path}/offer"), Some(tok), "application/json", "")
}

fn form(svc: &Service, fields: &[(&str, &str)]) -> Resp {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace('+', "%2B")))
        .collect();
    svc.post(
        "/oid4vci/token",
        None,
        "application/x-www-form-urlencoded",
        &body.join("&"),
    )
}

fn code_of(svc: &Service, offer: &Value) -> String {
    let r = svc.get(
        svc.local(offer["credential_offer_uri"].as_str().unwrap())
            .split_once(&svc.addr.to_string())
            .unwrap()
            .1,
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["grants"][GRANT]["pre-authorized_code"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn protocol_error(r: &Resp, status: u16, code: &str) -> String {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.json()["error"], code, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    r.json()["error_description"].as_str().unwrap().to_owned()
}

struct Jwks(Vec<Value>);

impl IssuerKeyResolver for Jwks {
    fn resolve(
        &self,
        header: &Map<String, Value>,
        _: &Map<String, Value>,
    ) -> Result<PublicKey, SdJwtError> {
        let kid = header
            .get("kid")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let jwk = self
            .0
            .iter()
            .find(|k| k["kid"] == kid)
            .expect("kid in the JWKS");
        Ok(PublicKey::from_jwk(jwk).unwrap())
    }
}

fn wrong_pin(pin: &str) -> String {
    if pin == "000000" {
        "111111".into()
    } else {
        "000000".into()
    }
}

#[test]
fn offer_to_wallet_to_verified_sd_jwt_vc_and_revocation_in_the_token_status_list() {
    let svc = common::start_loopback("");
    let origin = svc.config.origin().to_owned();
    let tok = token(&svc.config, "bangrak", &[Scope::Issue, Scope::Revoke]);
    let (path, iri) = issue(&svc, &tok, "OID-1");

    // Metadata documents.
    let meta = svc.get("/.well-known/openid-credential-issuer", &[]).json();
    assert_eq!(meta["credential_issuer"], origin.as_str());
    assert_eq!(
        meta["credential_endpoint"],
        format!("{origin}/oid4vci/credential")
    );
    let config_id = "food-sale.dc+sd-jwt";
    let config = &meta["credential_configurations_supported"][config_id];
    assert_eq!(config["format"], "dc+sd-jwt", "{meta}");
    assert_eq!(config["vct"], "https://w3id.org/elicence/vct/food-sale");
    assert_eq!(
        meta["credential_configurations_supported"]["licence.ldp_vc"]["format"],
        "ldp_vc"
    );
    let asm = svc
        .get("/.well-known/oauth-authorization-server", &[])
        .json();
    assert_eq!(asm["token_endpoint"], format!("{origin}/oid4vci/token"));
    let api = svc.get("/openapi.json", &[]).json();
    for path in [
        "/oid4vci/token",
        "/oid4vci/credential",
        "/.well-known/openid-credential-issuer",
    ] {
        assert!(
            api["paths"][path].is_object(),
            "{path} in the OpenAPI document"
        );
    }
    let vct = svc.get("/vct/food-sale", &[]);
    assert_eq!(vct.status, 200);
    assert_eq!(vct.json()["vct"], "https://w3id.org/elicence/vct/food-sale");

    // The agency's offer: exactly the four fields.
    let r = offer(&svc, &tok, &path);
    assert_eq!(r.status, 201, "{}", r.body);
    let o = r.json();
    let mut keys: Vec<&str> = o.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["credential_offer_uri", "expires_at", "offer", "tx_code"]
    );
    let pin = o["tx_code"].as_str().unwrap().to_owned();
    assert!(pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()));
    assert!(o["offer"]
        .as_str()
        .unwrap()
        .starts_with("openid-credential-offer://?credential_offer_uri="));
    let offer_path = o["credential_offer_uri"]
        .as_str()
        .unwrap()
        .strip_prefix(&origin)
        .unwrap()
        .to_owned();
    let png = svc.get(&offer_path, &[("accept", "image/png")]);
    assert_eq!(png.content_type, "image/png");
    let decoded = elicence_qr_image::decode_image(
        &svc.agent
            .get(&svc.url(&offer_path))
            .header("accept", "image/png")
            .call()
            .unwrap()
            .body_mut()
            .read_to_vec()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(decoded, vec![o["offer"].as_str().unwrap().to_owned()]);

    // The wallet receives both credentials (two SD-JWT VC instances: batch).
    let dir = tempfile::tempdir().unwrap();
    let wallet = Wallet::open(dir.path().join("wallet")).unwrap();
    let resolved = resolve_offer(o["offer"].as_str().unwrap()).unwrap();
    let options = ReceiveOptions {
        pin: Some(pin.clone()),
        batch: 2,
        only: Vec::new(),
    };
    let stored = receive(&wallet, &resolved, &options, b"holder pass").unwrap();
    assert_eq!(stored.len(), 4);
    assert_eq!(wallet.list().unwrap().len(), 4);
    let sd: Vec<_> = stored
        .iter()
        .filter(|c| c.format == Format::DcSdJwt)
        .collect();
    assert_eq!(sd.len(), 2);
    let ldp = stored.iter().find(|c| c.format == Format::LdpVc).unwrap();
    assert_eq!(ldp.credential["id"], iri.as_str());

    // The SD-JWT VC verifies with the JWT VC Issuer Metadata's keys and is
    // bound to the wallet's key; the two instances have different keys.
    let iss_meta = svc
        .get("/.well-known/jwt-vc-issuer/agencies/bangrak", &[])
        .json();
    let jwks = Jwks(iss_meta["jwks"]["keys"].as_array().unwrap().clone());
    let mut status_ref = None;
    let mut holders = Vec::new();
    for c in &sd {
        let v = verify_vc(
            &c.raw(),
            &jwks,
            &VerifyOptions::new(OffsetDateTime::now_utc()),
        )
        .unwrap();
        assert_eq!(v.iss, iss_meta["issuer"].as_str().unwrap());
        assert_eq!(v.vct, "https://w3id.org/elicence/vct/food-sale");
        let holder = wallet.holder_key(&c.id, b"holder pass").unwrap();
        assert_eq!(v.holder_key, Some(holder.public_key()));
        holders.push(holder.public_key());
        status_ref = v.status;
    }
    assert_ne!(holders[0], holders[1]);
    let status_ref = status_ref.expect("status.status_list");

    // The Token Status List says valid, then invalid after revocation.
    let list_path = status_ref
        .uri
        .split_once(&svc.addr.to_string())
        .unwrap()
        .1
        .to_owned();
    let read = |svc: &Service| {
        let r = svc.get(&list_path, &[]);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.content_type, "application/statuslist+jwt");
        assert!(
            r.header("etag").is_some()
                && r.header("cache-control")
                    .unwrap()
                    .starts_with("public, max-age=")
        );
        let token = UnverifiedStatusList::decode(&r.body).unwrap();
        let kid = token.kid().unwrap().to_owned();
        let jwk = jwks.0.iter().find(|k| k["kid"] == kid.as_str()).unwrap();
        let verified = token
            .verify(
                &PublicKey::from_jwk(jwk).unwrap(),
                &status_ref.uri,
                None,
                Some(OffsetDateTime::now_utc()),
            )
            .unwrap();
        (
            verified.list.get(status_ref.idx).unwrap(),
            r.header("etag").unwrap().to_owned(),
        )
    };
    let (before, etag) = read(&svc);
    assert_eq!(before, TokenStatus::Valid);
    let not_modified = svc.get(&list_path, &[("if-none-match", &etag)]);
    assert_eq!(not_modified.status, 304);
    let r = svc.post(
        &format!("{path}/revoke"),
        Some(&tok),
        "application/json",
        "",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let (after, etag_after) = read(&svc);
    assert_eq!(after, TokenStatus::Invalid);
    assert_ne!(etag, etag_after);

    // The audit log has the offer and the issuance.
    let conn = elicence_issuer::store::open(&svc.config.database, svc.config.durability).unwrap();
    let log = elicence_issuer::store::audit_log(&conn, Some("bangrak")).unwrap();
    assert!(log
        .iter()
        .any(|r| r.action == "oid4vci.offer" && r.subject.as_deref() == Some(iri.as_str())));
    assert_eq!(
        log.iter()
            .filter(|r| r.action == "oid4vci.credential")
            .count(),
        2
    );

    // A revoked licence can be neither offered nor issued.
    let r = offer(&svc, &tok, &path);
    r.problem(409);
}

#[test]
fn refusals_wrong_pin_guessing_reuse_expiry_scope_and_other_agency() {
    let svc = common::start_loopback("");
    let tok = token(&svc.config, "bangrak", &[Scope::Issue]);
    let (path, iri) = issue(&svc, &tok, "OID-2");

    // Offers: issue scope, owning agency only.
    let revoke_only = token(&svc.config, "bangrak", &[Scope::Revoke]);
    offer(&svc, &revoke_only, &path).problem(403);
    let other = token(&svc.config, "chiangmai", &[Scope::Issue]);
    offer(&svc, &other, &path).problem(403);
    svc.post(&format!("{path}/offer"), None, "application/json", "")
        .problem(401);
    svc.post(
        &format!("{path}/offer"),
        Some(&tok),
        "application/json",
        r#"{"credential_configuration_ids":["other.dc+sd-jwt"]}"#,
    )
    .problem(422);

    // Wrong PIN, then the right one works once; the code cannot be reused.
    let o = offer(&svc, &tok, &path).json();
    let pin = o["tx_code"].as_str().unwrap().to_owned();
    let code = code_of(&svc, &o);
    let d = protocol_error(
        &form(
            &svc,
            &[
                ("grant_type", GRANT),
                ("pre-authorized_code", &code),
                ("tx_code", &wrong_pin(&pin)),
            ],
        ),
        400,
        "invalid_grant",
    );
    assert!(d.contains("wrong tx_code"), "{d}");
    protocol_error(
        &form(
            &svc,
            &[("grant_type", GRANT), ("pre-authorized_code", &code)],
        ),
        400,
        "invalid_request",
    );
    protocol_error(
        &form(
            &svc,
            &[
                ("grant_type", "authorization_code"),
                ("pre-authorized_code", &code),
            ],
        ),
        400,
        "unsupported_grant_type",
    );
    let ok = form(
        &svc,
        &[
            ("grant_type", GRANT),
            ("pre-authorized_code", &code),
            ("tx_code", &pin),
        ],
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    let access = ok.json()["access_token"].as_str().unwrap().to_owned();
    let d = protocol_error(
        &form(
            &svc,
            &[
                ("grant_type", GRANT),
                ("pre-authorized_code", &code),
                ("tx_code", &pin),
            ],
        ),
        400,
        "invalid_grant",
    );
    assert!(d.contains("already used"), "{d}");
    // The used offer is no longer published.
    let r = svc.get(
        o["credential_offer_uri"]
            .as_str()
            .unwrap()
            .strip_prefix(svc.config.origin())
            .unwrap(),
        &[],
    );
    r.problem(404);

    // PIN guessing: five wrong PINs lock the code, even for the right PIN.
    let o2 = offer(&svc, &tok, &path).json();
    let pin2 = o2["tx_code"].as_str().unwrap().to_owned();
    let code2 = code_of(&svc, &o2);
    for _ in 0..5 {
        protocol_error(
            &form(
                &svc,
                &[
                    ("grant_type", GRANT),
                    ("pre-authorized_code", &code2),
                    ("tx_code", &wrong_pin(&pin2)),
                ],
            ),
            400,
            "invalid_grant",
        );
    }
    let d = protocol_error(
        &form(
            &svc,
            &[
                ("grant_type", GRANT),
                ("pre-authorized_code", &code2),
                ("tx_code", &pin2),
            ],
        ),
        400,
        "invalid_grant",
    );
    assert!(d.contains("locked"), "{d}");

    // An expired offer (created 11 minutes ago) is refused.
    let subject = OfferSubject {
        agency: "bangrak".into(),
        licence: iri.clone(),
        type_code: "food-sale".into(),
    };
    let old = svc
        .state
        .grants
        .create_offer(
            subject,
            vec!["food-sale.dc+sd-jwt".into()],
            OffsetDateTime::now_utc().unix_timestamp() - 660,
        )
        .unwrap();
    let d = protocol_error(
        &form(
            &svc,
            &[
                ("grant_type", GRANT),
                ("pre-authorized_code", &old.code),
                ("tx_code", &old.pin),
            ],
        ),
        400,
        "invalid_grant",
    );
    assert!(d.contains("expired"), "{d}");

    // Credential endpoint refusals; none of them issues or logs anything.
    let origin = svc.config.origin().to_owned();
    let holder = SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng);
    let nonce = || {
        svc.post("/oid4vci/nonce", None, "application/json", "")
            .json()["c_nonce"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let ask = |token: Option<&str>, body: Value| svc.post_json("/oid4vci/credential", token, &body);
    let request = |proof: String| json!({"credential_configuration_id": "food-sale.dc+sd-jwt", "proofs": {"jwt": [proof]}});

    let r = ask(
        None,
        request(make_proof(&holder, &origin, Some(&nonce()), now)),
    );
    protocol_error(&r, 401, "invalid_token");
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .contains("invalid_token"));
    protocol_error(
        &ask(
            Some("made-up"),
            request(make_proof(&holder, &origin, Some(&nonce()), now)),
        ),
        401,
        "invalid_token",
    );
    protocol_error(
        &ask(
            Some(&access),
            json!({"credential_configuration_id": "licence.nothing", "proofs": {"jwt": [make_proof(&holder, &origin, Some(&nonce()), now)]}}),
        ),
        400,
        "unknown_credential_configuration",
    );
    protocol_error(
        &ask(
            Some(&access),
            json!({"credential_configuration_id": "food-sale.dc+sd-jwt"}),
        ),
        400,
        "invalid_proof",
    );
    // Bad nonce: made up, and reused.
    protocol_error(
        &ask(
            Some(&access),
            request(make_proof(&holder, &origin, Some("made-up"), now)),
        ),
        400,
        "invalid_nonce",
    );
    protocol_error(
        &ask(
            Some(&access),
            request(make_proof(&holder, &origin, None, now)),
        ),
        400,
        "invalid_nonce",
    );
    // Wrong audience; stale; alg none.
    let d = protocol_error(
        &ask(
            Some(&access),
            request(make_proof(
                &holder,
                "https://other.example",
                Some(&nonce()),
                now,
            )),
        ),
        400,
        "invalid_proof",
    );
    assert!(d.contains("aud"), "{d}");
    let d = protocol_error(
        &ask(
            Some(&access),
            request(make_proof(&holder, &origin, Some(&nonce()), now - 3600)),
        ),
        400,
        "invalid_proof",
    );
    assert!(d.contains("stale"), "{d}");
    use base64::Engine as _;
    let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    // A non-empty signature segment, so `alg: none` itself is what is refused.
    let none = format!(
        "{}.{}.AAAA",
        b64(
            json!({"alg": "none", "typ": "openid4vci-proof+jwt", "jwk": holder.public_key().to_jwk()})
        ),
        b64(json!({"aud": origin, "iat": now, "nonce": nonce()}))
    );
    let d = protocol_error(&ask(Some(&access), request(none)), 400, "invalid_proof");
    assert!(d.contains("none"), "{d}");
    let conn = elicence_issuer::store::open(&svc.config.database, svc.config.durability).unwrap();
    let log = elicence_issuer::store::audit_log(&conn, Some("bangrak")).unwrap();
    assert_eq!(
        log.iter()
            .filter(|r| r.action == "oid4vci.credential")
            .count(),
        0
    );

    // A good proof works; its nonce then cannot be replayed.
    let n = nonce();
    let good = make_proof(&holder, &origin, Some(&n), now);
    let r = ask(Some(&access), request(good.clone()));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["credentials"].as_array().unwrap().len(), 1);
    protocol_error(&ask(Some(&access), request(good)), 400, "invalid_nonce");
}

#[test]
fn the_wallet_refuses_plain_http_to_other_machines_and_reports_a_wrong_pin() {
    let svc = common::start_loopback("");
    let tok = token(&svc.config, "bangrak", &[Scope::Issue]);
    let (path, _) = issue(&svc, &tok, "OID-3");
    let o = offer(&svc, &tok, &path).json();
    let dir = tempfile::tempdir().unwrap();
    let wallet = Wallet::open(dir.path()).unwrap();
    let mut offer = resolve_offer(o["credential_offer_uri"].as_str().unwrap()).unwrap();
    let pin = o["tx_code"].as_str().unwrap();
    let options = ReceiveOptions {
        pin: Some(wrong_pin(pin)),
        ..Default::default()
    };
    let e = receive(&wallet, &offer, &options, b"p")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("invalid_grant") && e.contains("wrong tx_code"),
        "{e}"
    );
    assert!(wallet.list().unwrap().is_empty());
    offer.credential_issuer = "http://licence.example.go.th".into();
    let e = receive(&wallet, &offer, &ReceiveOptions::default(), b"p")
        .unwrap_err()
        .to_string();
    assert!(e.contains("only https://"), "{e}");
}

/// POSTs with extra headers (DPoP, Authorization schemes).
fn post_with(svc: &Service, path: &str, headers: &[(&str, &str)], ct: &str, body: &str) -> Resp {
    let mut req = svc.agent.post(&svc.url(path)).header("content-type", ct);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    common::to_resp(req.send(body).unwrap())
}

#[test]
fn dpop_binds_the_access_token_to_the_wallets_key() {
    use elicence_oid4vci::dpop::make_dpop;
    let svc = common::start_loopback("");
    let origin = svc.config.origin().to_owned();
    let tok = token(&svc.config, "bangrak", &[Scope::Issue]);
    let (path, _) = issue(&svc, &tok, "OID-4");
    let asm = svc
        .get("/.well-known/oauth-authorization-server", &[])
        .json();
    assert!(asm["dpop_signing_alg_values_supported"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "ES256"));
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let dpop_key = SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng);
    let token_url = format!("{origin}/oid4vci/token");
    let credential_url = format!("{origin}/oid4vci/credential");
    let redeem = |svc: &Service, proof: &str| {
        let o = offer(svc, &tok, &path).json();
        let code = code_of(svc, &o);
        let body = format!(
            "grant_type={GRANT}&pre-authorized_code={code}&tx_code={}",
            o["tx_code"].as_str().unwrap()
        );
        post_with(
            svc,
            "/oid4vci/token",
            &[("dpop", proof)],
            "application/x-www-form-urlencoded",
            &body,
        )
    };

    // A proof for another URL is refused at the token endpoint (400).
    let wrong_htu = make_dpop(&dpop_key, "POST", &credential_url, None, now, "t0");
    protocol_error(&redeem(&svc, &wrong_htu), 400, "invalid_dpop_proof");

    let proof = make_dpop(&dpop_key, "POST", &token_url, None, now, "t1");
    let r = redeem(&svc, &proof);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["token_type"], "DPoP");
    let access = r.json()["access_token"].as_str().unwrap().to_owned();
    // The same DPoP proof again: a replay.
    let d = protocol_error(&redeem(&svc, &proof), 400, "invalid_dpop_proof");
    assert!(d.contains("already used"), "{d}");

    let holder = SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng);
    let nonce = || {
        svc.post("/oid4vci/nonce", None, "application/json", "")
            .json()["c_nonce"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let body = |n: &str| {
        json!({"credential_configuration_id": "food-sale.dc+sd-jwt",
               "proofs": {"jwt": [make_proof(&holder, &origin, Some(n), now)]}})
        .to_string()
    };
    let bearer = format!("Bearer {access}");
    let dpop_auth = format!("DPoP {access}");
    // As a Bearer token: refused.
    let r = post_with(
        &svc,
        "/oid4vci/credential",
        &[("authorization", &bearer)],
        "application/json",
        &body(&nonce()),
    );
    protocol_error(&r, 401, "invalid_token");
    // As DPoP without a proof, with a proof by another key, without `ath`: refused (401).
    let r = post_with(
        &svc,
        "/oid4vci/credential",
        &[("authorization", &dpop_auth)],
        "application/json",
        &body(&nonce()),
    );
    protocol_error(&r, 401, "invalid_dpop_proof");
    assert!(r.header("www-authenticate").unwrap().starts_with("DPoP"));
    let thief = SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng);
    let stolen = make_dpop(&thief, "POST", &credential_url, Some(&access), now, "c1");
    let r = post_with(
        &svc,
        "/oid4vci/credential",
        &[("authorization", &dpop_auth), ("dpop", &stolen)],
        "application/json",
        &body(&nonce()),
    );
    let d = protocol_error(&r, 401, "invalid_dpop_proof");
    assert!(d.contains("another key"), "{d}");
    let no_ath = make_dpop(&dpop_key, "POST", &credential_url, None, now, "c2");
    let r = post_with(
        &svc,
        "/oid4vci/credential",
        &[("authorization", &dpop_auth), ("dpop", &no_ath)],
        "application/json",
        &body(&nonce()),
    );
    protocol_error(&r, 401, "invalid_dpop_proof");
    // With a proper proof: issued.
    let good = make_dpop(&dpop_key, "POST", &credential_url, Some(&access), now, "c3");
    let r = post_with(
        &svc,
        "/oid4vci/credential",
        &[("authorization", &dpop_auth), ("dpop", &good)],
        "application/json",
        &body(&nonce()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}
