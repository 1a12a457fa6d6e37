//! Whole exchanges against a running relying party: a bank's backend asks
//! for a licence, the holder's side (the library `elicence wallet present`
//! uses) answers, and the result is verified with only the requested claims,
//! or refused with a reason and nothing recorded as verified.

mod common;

use std::time::SystemTime;

use common::*;
use elicence_relying_party::holder::{self, Candidate};
use elicence_relying_party::request::{parse_link, verify_request_object, VerifiedRequest};
use elicence_relying_party::store::Store;
use elicence_relying_party::{client, dcql::DcqlQuery};
use elicence_sd_jwt::licence::{is_selected, selector};
use elicence_sd_jwt::status_list::TokenStatus;
use elicence_sd_jwt::{present, KeyBindingRequest};
use serde_json::{json, Value};
use time::OffsetDateTime;

struct Created {
    id: String,
    uri: String,
}

fn create(rp: &Rp, query: Value) -> Created {
    let (status, body) = post(
        &format!("{}/requests", rp.base),
        "application/json",
        &json!({ "dcql_query": query }).to_string(),
    );
    assert_eq!(status, 201, "{body}");
    assert!(body["request_uri"].as_str().unwrap().starts_with(&rp.base));
    Created {
        id: body["id"].as_str().unwrap().into(),
        uri: body["uri"].as_str().unwrap().into(),
    }
}

/// The holder fetches and checks the request, trusting the RP's certificate.
fn fetch(rp: &Rp, created: &Created) -> VerifiedRequest {
    let link = parse_link(&created.uri).unwrap();
    let (status, jwt) = get(&link.request_uri);
    assert_eq!(status, 200);
    let anchors = client::read_pem_chain(&rp.certificate_pem).unwrap();
    verify_request_object(
        std::str::from_utf8(&jwt).unwrap(),
        &link,
        &anchors,
        SystemTime::now(),
    )
    .unwrap()
}

fn answer(
    req: &VerifiedRequest,
    credential: &str,
    key: &elicence_core::keys::SigningKey,
) -> String {
    let candidates = vec![Candidate::detect(credential).unwrap()];
    let choices = holder::select(&req.request.dcql_query, &candidates).unwrap();
    let token = holder::vp_token(
        &req.request,
        &candidates,
        &choices,
        key,
        OffsetDateTime::now_utc(),
    )
    .unwrap();
    holder::response_body(&req.request, &token).unwrap()
}

fn respond(req: &VerifiedRequest, body: &str) -> (u16, Value) {
    post(
        &req.request.response_uri,
        "application/x-www-form-urlencoded",
        body,
    )
}

fn result(rp: &Rp, id: &str) -> Value {
    let (status, body) = get_json(&format!("{}/requests/{id}", rp.base));
    assert_eq!(status, 200);
    body
}

fn failed_codes(result: &Value) -> Vec<String> {
    result["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "fail")
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect()
}

/// A presentation disclosing `names` with a KB-JWT for `nonce`/`aud`.
fn manual(
    credential: &str,
    key: &elicence_core::keys::SigningKey,
    names: &[&str],
    nonce: &str,
    aud: &str,
) -> String {
    let keep = selector(names).unwrap();
    let kb = KeyBindingRequest {
        key,
        nonce,
        audience: aud,
        issued_at: OffsetDateTime::now_utc(),
    };
    present(credential, &|p| is_selected(&keep, p), Some(&kb)).unwrap()
}

fn body_of(query_id: &str, presentation: &str, state: &str) -> String {
    holder::direct_post_body(&json!({ query_id: [presentation] }), state)
}

#[test]
fn a_licence_is_verified_with_only_the_requested_claims_then_refused_after_revocation() {
    let rp = Rp::start(300);
    let key = holder_key();
    let licence = diw_licence(&key);

    let created = create(&rp, query("factory-op"));
    assert_eq!(result(&rp, &created.id)["state"], "pending");
    // The QR code carries the wallet link.
    let (status, png) = get(&format!("{}/requests/{}/qr.png", rp.base, created.id));
    assert_eq!(status, 200);
    assert_eq!(
        elicence_qr_image::decode_image(&png).unwrap(),
        vec![created.uri.clone()]
    );

    let req = fetch(&rp, &created);
    assert_eq!(req.request.client_id, rp.client_id);
    let body = answer(&req, &licence, &key);
    let (status, reply) = respond(&req, &body);
    assert_eq!(status, 200, "{reply}");

    let r = result(&rp, &created.id);
    assert_eq!(r["state"], "verified", "{r:#}");
    let claims = &r["claims"]["licence"];
    assert_eq!(
        claims["licensee"],
        json!({"juristicPersonId": "0105536112014"})
    );
    assert!(claims.get("licenceNumber").is_none());
    assert_eq!(claims["vct"], "https://w3id.org/elicence/vct/factory-op");
    assert!(claims["valid_until"]
        .as_str()
        .unwrap()
        .starts_with("2030-12-31"));
    assert_eq!(
        claims["issuer"]["name"]["en"],
        "Department of Industrial Works (test data)"
    );
    assert!(failed_codes(&r).is_empty());
    assert_eq!(r["dropped"], json!([]));

    // The page, in Thai and English, names the agency from the trust list.
    let (status, html) = get(&format!("{}/requests/{}/result", rp.base, created.id));
    assert_eq!(status, 200);
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("ตรวจสอบแล้ว ถูกต้อง") && html.contains("VERIFIED"));
    assert!(html.contains("Department of Industrial Works (test data)"));
    assert!(html.contains("0105536112014"));

    // A replay of the same answer is refused and changes nothing.
    let (status, reply) = respond(&req, &body);
    assert_eq!(status, 400);
    assert_eq!(reply["error"], "invalid_request");
    assert_eq!(result(&rp, &created.id)["state"], "verified");
    // The request object is gone once answered.
    assert_eq!(
        get(&format!("{}/requests/{}/request.jwt", rp.base, created.id)).0,
        410
    );

    // The agency revokes the licence; the bank's bundle is refreshed.
    rp.replace_bundle(TokenStatus::Invalid);
    let created = create(&rp, query("factory-op"));
    let req = fetch(&rp, &created);
    let (status, _) = respond(&req, &answer(&req, &licence, &key));
    assert_eq!(status, 400);
    let r = result(&rp, &created.id);
    assert_eq!(r["state"], "refused");
    assert_eq!(r["claims"], json!({}));
    assert!(failed_codes(&r).contains(&"status".to_owned()), "{r:#}");
    let (_, html) = get(&format!("{}/requests/{}/result", rp.base, created.id));
    assert!(String::from_utf8(html).unwrap().contains("ไม่ผ่านการตรวจสอบ"));
}

#[test]
fn a_food_sale_licence_answers_type_validity_and_juristic_id() {
    let rp = Rp::start(300);
    let key = holder_key();
    let created = create(&rp, query("food-sale"));
    let req = fetch(&rp, &created);
    let (status, reply) = respond(&req, &answer(&req, &food_sale_licence(&key), &key));
    assert_eq!(status, 200, "{reply}");
    let r = result(&rp, &created.id);
    assert_eq!(r["state"], "verified", "{r:#}");
    assert_eq!(
        r["claims"]["licence"]["licensee"]["juristicPersonId"],
        "0105536112014"
    );
    assert_eq!(
        r["claims"]["licence"]["vct"],
        "https://w3id.org/elicence/vct/food-sale"
    );
}

#[test]
fn unrequested_claims_are_dropped_and_reported() {
    let rp = Rp::start(300);
    let key = holder_key();
    let licence = diw_licence(&key);
    let created = create(&rp, query("factory-op"));
    let req = fetch(&rp, &created);
    let p = manual(
        &licence,
        &key,
        &["juristicPersonId", "legalName"],
        &req.request.nonce,
        &rp.client_id,
    );
    let (status, _) = respond(&req, &body_of("licence", &p, &req.request.state));
    assert_eq!(status, 200);
    let r = result(&rp, &created.id);
    assert_eq!(r["state"], "verified");
    assert!(r["claims"]["licence"]["licensee"]
        .get("legalName")
        .is_none());
    let dropped: Vec<&str> = r["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        dropped.iter().any(|d| d.contains("licensee.legalName")),
        "{dropped:?}"
    );
    assert!(r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"] == "unrequested-claims" && c["outcome"] == "warning"));
}

#[test]
fn refusals_record_nothing_as_verified() {
    let rp = Rp::start(300);
    let key = holder_key();
    let licence = diw_licence(&key);

    // Wrong audience: the KB-JWT was made for another verifier.
    let c = create(&rp, query("factory-op"));
    let req = fetch(&rp, &c);
    let p = manual(
        &licence,
        &key,
        &["juristicPersonId"],
        &req.request.nonce,
        "x509_san_dns:evil.example",
    );
    assert_eq!(
        respond(&req, &body_of("licence", &p, &req.request.state)).0,
        400
    );
    let r = result(&rp, &c.id);
    assert_eq!(r["state"], "refused");
    assert!(failed_codes(&r).contains(&"domain".into()), "{r:#}");

    // An answer made for another request (its nonce), sent with this request's state.
    let a = create(&rp, query("factory-op"));
    let b = create(&rp, query("factory-op"));
    let req_a = fetch(&rp, &a);
    let req_b = fetch(&rp, &b);
    let p = manual(
        &licence,
        &key,
        &["juristicPersonId"],
        &req_a.request.nonce,
        &rp.client_id,
    );
    assert_eq!(
        respond(&req_b, &body_of("licence", &p, &req_b.request.state)).0,
        400
    );
    let r = result(&rp, &b.id);
    assert_eq!(r["state"], "refused");
    assert!(failed_codes(&r).contains(&"challenge".into()), "{r:#}");
    // With the other request's state: refused at the door, request A untouched.
    assert_eq!(
        respond(&req_b, &body_of("licence", &p, &req_a.request.state)).0,
        400
    );
    // A's own answer, now after its nonce was reused elsewhere, still works once.
    assert_eq!(
        respond(&req_a, &body_of("licence", &p, &req_a.request.state)).0,
        200
    );
    assert_eq!(result(&rp, &a.id)["state"], "verified");
    // Reusing A's (consumed) nonce for a new request's answer is refused.
    let c2 = create(&rp, query("factory-op"));
    let req_c2 = fetch(&rp, &c2);
    assert_eq!(
        respond(&req_c2, &body_of("licence", &p, &req_c2.request.state)).0,
        400
    );
    assert_eq!(result(&rp, &c2.id)["state"], "refused");

    // Credentials that do not satisfy the query: the juristic ID withheld.
    let c = create(&rp, query("factory-op"));
    let req = fetch(&rp, &c);
    let p = manual(
        &licence,
        &key,
        &["legalName"],
        &req.request.nonce,
        &rp.client_id,
    );
    assert_eq!(
        respond(&req, &body_of("licence", &p, &req.request.state)).0,
        400
    );
    let r = result(&rp, &c.id);
    assert_eq!(r["state"], "refused");
    assert!(failed_codes(&r).contains(&"query".into()), "{r:#}");
    assert_eq!(r["claims"], json!({}));

    // Another licence type than the one asked for.
    let c = create(&rp, query("food-sale"));
    let req = fetch(&rp, &c);
    let p = manual(
        &licence,
        &key,
        &["juristicPersonId"],
        &req.request.nonce,
        &rp.client_id,
    );
    assert_eq!(
        respond(&req, &body_of("licence", &p, &req.request.state)).0,
        400
    );
    assert!(failed_codes(&result(&rp, &c.id)).contains(&"query".into()));

    // Tampered disclosure: a Disclosure's value changed.
    let c = create(&rp, query("factory-op"));
    let req = fetch(&rp, &c);
    let p = manual(
        &licence,
        &key,
        &["juristicPersonId"],
        &req.request.nonce,
        &rp.client_id,
    );
    let mut parts: Vec<String> = p.split('~').map(str::to_owned).collect();
    let forged = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        json!(["c2FsdHNhbHRzYWx0", "juristicPersonId", "0994000000000"]).to_string(),
    );
    parts[1] = forged;
    let tampered = parts.join("~");
    assert_eq!(
        respond(&req, &body_of("licence", &tampered, &req.request.state)).0,
        400
    );
    let r = result(&rp, &c.id);
    assert_eq!(r["state"], "refused");
    assert!(!failed_codes(&r).is_empty());

    // A credential id that was not asked for, and garbage.
    let c = create(&rp, query("factory-op"));
    let req = fetch(&rp, &c);
    assert_eq!(
        respond(&req, &body_of("other", "x~", &req.request.state)).0,
        400
    );
    assert!(failed_codes(&result(&rp, &c.id)).contains(&"vp-token".into()));

    // Mixed holders: two licences bound to different keys in one answer.
    let other = holder_key();
    let both = json!({"credentials": [
        {"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["https://w3id.org/elicence/vct/factory-op"]}, "claims": [{"path": ["licensee", "juristicPersonId"]}]},
        {"id": "b", "format": "dc+sd-jwt", "meta": {"vct_values": ["https://w3id.org/elicence/vct/food-sale"]}, "claims": [{"path": ["licensee", "juristicPersonId"]}]}
    ]});
    let c = create(&rp, both);
    let req = fetch(&rp, &c);
    let pa = manual(
        &licence,
        &key,
        &["juristicPersonId"],
        &req.request.nonce,
        &rp.client_id,
    );
    let pb = manual(
        &food_sale_licence(&other),
        &other,
        &["juristicPersonId"],
        &req.request.nonce,
        &rp.client_id,
    );
    let body = holder::direct_post_body(&json!({"a": [pa], "b": [pb]}), &req.request.state);
    assert_eq!(respond(&req, &body).0, 400);
    let r = result(&rp, &c.id);
    assert_eq!(r["state"], "refused");
    assert!(failed_codes(&r).contains(&"holders".into()), "{r:#}");

    // Bad backend input: problem JSON with a 4xx, never a 500.
    let (status, body) = post(
        &format!("{}/requests", rp.base),
        "application/json",
        "{\"dcql_query\": {\"credentials\": []}}",
    );
    assert_eq!(status, 422);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("must not be empty"));
    assert_eq!(
        post(
            &format!("{}/requests", rp.base),
            "application/json",
            "not json"
        )
        .0,
        400
    );
    assert_eq!(get(&format!("{}/requests/nope", rp.base)).0, 404);
    assert_eq!(
        post(
            &format!("{}/requests/nope/response", rp.base),
            "application/x-www-form-urlencoded",
            "state=x"
        )
        .0,
        404
    );
}

#[test]
fn an_expired_request_is_refused() {
    let rp = Rp::start(0);
    let key = holder_key();
    let c = create(&rp, query("factory-op"));
    // Expired at once: the wallet cannot fetch it …
    assert_eq!(
        get(&format!("{}/requests/{}/request.jwt", rp.base, c.id)).0,
        410
    );
    // … and an answer built from the stored request is refused.
    let store = Store::open(&rp.dir.path().join("rp.sqlite3")).unwrap();
    let stored = store.get(&c.id).unwrap().unwrap();
    let p = manual(
        &diw_licence(&key),
        &key,
        &["juristicPersonId"],
        &stored.nonce,
        &rp.client_id,
    );
    let (status, _) = post(
        &format!("{}/requests/{}/response", rp.base, c.id),
        "application/x-www-form-urlencoded",
        &body_of("licence", &p, &stored.state),
    );
    assert_eq!(status, 400);
    let r = result(&rp, &c.id);
    assert_eq!(r["state"], "refused");
    assert!(failed_codes(&r).contains(&"request".into()));
    // The query itself is kept as sent.
    assert!(DcqlQuery::parse(&serde_json::from_str(&stored.dcql).unwrap()).is_ok());
}

#[test]
fn a_data_integrity_licence_is_presented_with_challenge_and_domain() {
    let rp = Rp::start(300);
    let business = key("trust/keys/business.pem");
    let credential = food_sale_ldp_vc();
    let query = json!({"credentials": [{
        "id": "licence", "format": "ldp_vc",
        "meta": {"type_values": [["VerifiableCredential", "BusinessLicenceCredential"]]},
        "claims": [{"path": ["credentialSubject", "licensee", "juristicPersonId"]}]
    }]});
    let c = create(&rp, query.clone());
    let req = fetch(&rp, &c);
    let (status, reply) = respond(&req, &answer(&req, &credential, &business));
    assert_eq!(status, 200, "{reply}");
    let r = result(&rp, &c.id);
    assert_eq!(r["state"], "verified", "{r:#}");
    let claims = &r["claims"]["licence"];
    assert_eq!(
        claims["credentialSubject"],
        json!({"licensee": {"juristicPersonId": "0105536112014"}})
    );
    assert_eq!(
        claims["issuer"]["name"]["en"],
        "Bang Rak District Office, Bangkok (test data)"
    );
    // The whole credential travelled; what was not asked for is dropped and said so.
    let dropped = r["dropped"].to_string();
    assert!(
        dropped.contains("credentialSubject.licenceNumber"),
        "{dropped}"
    );

    // A presentation for another verifier (domain) is refused.
    let c = create(&rp, query);
    let req = fetch(&rp, &c);
    let vp = elicence_verifier::presentation::present(
        &[elicence_verifier::presentation::Presented::Json(
            serde_json::from_str(&credential).unwrap(),
        )],
        &business,
        &req.request.nonce,
        "x509_san_dns:evil.example",
        &common::stamp(OffsetDateTime::now_utc()),
    )
    .unwrap();
    let body = holder::direct_post_body(&json!({"licence": [vp]}), &req.request.state);
    assert_eq!(respond(&req, &body).0, 400);
    let r = result(&rp, &c.id);
    assert_eq!(r["state"], "refused");
    assert!(failed_codes(&r).contains(&"domain".into()), "{r:#}");
}

#[test]
fn encrypted_responses_direct_post_jwt() {
    let rp = Rp::start_with(300, "response_mode = \"direct_post.jwt\"");
    let key = holder_key();
    let licence = diw_licence(&key);
    let c = create(&rp, query("factory-op"));
    let req = fetch(&rp, &c);
    assert_eq!(req.request.response_mode, "direct_post.jwt");
    let body = answer(&req, &licence, &key);
    assert!(body.starts_with("response=") && !body.contains("vp_token"));

    // A plain answer to an encrypted request is refused at the door.
    let p = manual(
        &licence,
        &key,
        &["juristicPersonId"],
        &req.request.nonce,
        &rp.client_id,
    );
    assert_eq!(
        respond(&req, &body_of("licence", &p, &req.request.state)).0,
        400
    );
    // So is an altered ciphertext.
    let jwe: String = form_urlencoded_value(&body);
    let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
    let flipped = if parts[3].starts_with('A') { 'B' } else { 'A' };
    parts[3] = format!("{flipped}{}", &parts[3][1..]);
    let altered = format!("response={}", parts.join("."));
    assert_eq!(respond(&req, &altered).0, 400);
    assert_eq!(result(&rp, &c.id)["state"], "pending");

    let (status, reply) = respond(&req, &body);
    assert_eq!(status, 200, "{reply}");
    let r = result(&rp, &c.id);
    assert_eq!(r["state"], "verified", "{r:#}");
    assert_eq!(
        r["claims"]["licence"]["licensee"]["juristicPersonId"],
        "0105536112014"
    );

    // Another request's key cannot open this answer.
    let c2 = create(&rp, query("factory-op"));
    let req2 = fetch(&rp, &c2);
    assert_eq!(
        post(
            &req2.request.response_uri,
            "application/x-www-form-urlencoded",
            &body
        )
        .0,
        400
    );
    assert_eq!(result(&rp, &c2.id)["state"], "pending");
}

fn form_urlencoded_value(body: &str) -> String {
    let raw = body.strip_prefix("response=").unwrap();
    raw.replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=")
}

/// A one-shot HTTP endpoint: the first request's head and body.
fn hook() -> (String, std::sync::mpsc::Receiver<(String, String)>) {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = String::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        stream
            .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            .unwrap();
        tx.send((head, String::from_utf8(body).unwrap())).unwrap();
    });
    (url, rx)
}

#[test]
fn the_webhook_receives_the_signed_result() {
    let (url, received) = hook();
    let rp = Rp::start_with(
        300,
        &format!("webhook = \"{url}\"\nwebhook_secret = \"s3cret\""),
    );
    let key = holder_key();
    let c = create(&rp, query("factory-op"));
    let req = fetch(&rp, &c);
    assert_eq!(
        respond(&req, &answer(&req, &diw_licence(&key), &key)).0,
        200
    );
    let (head, body) = received
        .recv_timeout(std::time::Duration::from_secs(60))
        .unwrap();
    let json: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["id"], c.id.as_str());
    assert_eq!(json["state"], "verified");
    assert_eq!(
        json["claims"]["licence"]["licensee"]["juristicPersonId"],
        "0105536112014"
    );
    let signature = elicence_relying_party::service::webhook_signature("s3cret", &body);
    assert!(
        head.to_ascii_lowercase()
            .contains(&format!("x-elicence-signature: {signature}")),
        "{head}"
    );
}

#[test]
fn status_older_than_the_policy_allows_is_refused() {
    // The bundle's status list is a minute old; this relying party allows none.
    let rp = Rp::start_with(300, "max_status_age_days = 0");
    let key = holder_key();
    let c = create(&rp, query("factory-op"));
    let req = fetch(&rp, &c);
    assert_eq!(
        respond(&req, &answer(&req, &diw_licence(&key), &key)).0,
        400
    );
    let r = result(&rp, &c.id);
    assert_eq!(r["state"], "refused");
    assert!(
        r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "status" && c["outcome"] == "not-run"),
        "{r:#}"
    );
    assert_eq!(r["claims"], json!({}));
}

#[test]
fn a_development_redirect_uri_client_is_answered_at_its_one_response_uri() {
    let rp = Rp::start_dev();
    let key = holder_key();
    let c = create(&rp, query("factory-op"));
    let link = parse_link(&c.uri).unwrap();
    assert_eq!(link.client_id, format!("redirect_uri:{}/response", rp.base));
    let (_, jwt) = get(&link.request_uri);
    let req = verify_request_object(
        std::str::from_utf8(&jwt).unwrap(),
        &link,
        &[],
        SystemTime::now(),
    )
    .unwrap();
    assert!(matches!(
        req.identity,
        elicence_relying_party::request::VerifierIdentity::Unverified { .. }
    ));
    assert_eq!(req.request.response_uri, format!("{}/response", rp.base));
    // An unknown state finds no request.
    let p = manual(
        &diw_licence(&key),
        &key,
        &["juristicPersonId"],
        &req.request.nonce,
        &req.request.client_id,
    );
    assert_eq!(
        respond(&req, &body_of("licence", &p, "no-such-state")).0,
        400
    );
    let (status, reply) = respond(&req, &answer(&req, &diw_licence(&key), &key));
    assert_eq!(status, 200, "{reply}");
    assert_eq!(result(&rp, &c.id)["state"], "verified");
}
