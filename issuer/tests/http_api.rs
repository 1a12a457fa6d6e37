//! The service over real HTTP on 127.0.0.1 with a real SQLite file.

mod common;

use common::{iri_path, licence, start, token, Service};
use elicence_core::did::OfflineResolver;
use elicence_core::status::Bitstring;
use elicence_core::{jose, proof};
use elicence_issuer::admin::Scope;
use serde_json::{json, Value};

fn did_resolver(svc: &Service, codes: &[&str]) -> OfflineResolver {
    let docs = codes
        .iter()
        .map(|c| svc.get(&format!("/agencies/{c}/did.json"), &[]).json())
        .collect();
    OfflineResolver::with_documents(docs).unwrap()
}

/// The bit of a credential's status entry, read from the published list.
fn status_bit(svc: &Service, credential: &Value, purpose: &str) -> bool {
    let entry = credential["credentialStatus"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["statusPurpose"] == purpose)
        .unwrap()
        .clone();
    let list = svc
        .agent
        .get(&svc.local(entry["statusListCredential"].as_str().unwrap()));
    let mut resp = list.call().unwrap();
    assert_eq!(resp.status(), 200);
    let list: Value = serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
    // The list itself is signed by the agency.
    let resolver = did_resolver(svc, &["bangrak", "chiangmai"]);
    proof::verify(&list, &resolver, "assertionMethod", None).unwrap();
    assert_eq!(list["credentialSubject"]["statusPurpose"], purpose);
    assert_eq!(list["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    let bits =
        Bitstring::decode(list["credentialSubject"]["encodedList"].as_str().unwrap()).unwrap();
    let index: u64 = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
    bits.get(index).unwrap()
}

#[test]
fn issue_fetch_verify_revoke() {
    let svc = start("");
    let t = token(
        &svc.config,
        "bangrak",
        &[Scope::Issue, Scope::Revoke, Scope::Read],
    );

    let r = svc.post_json("/licences", Some(&t), &licence("สน.1/2566"));
    assert_eq!(r.status, 201, "{}", r.body);
    let vc = r.json();
    let iri = vc["id"].as_str().unwrap().to_string();
    assert_eq!(
        iri,
        "https://licence.example.go.th/agencies/bangrak/licences/food-sale/สน.1~2566"
    );
    assert_eq!(
        vc["issuer"]["id"],
        "did:web:licence.example.go.th:agencies:bangrak"
    );
    assert_eq!(
        r.header("location").unwrap(),
        elicence_core::licence::LicenceIri::parse(&iri)
            .unwrap()
            .to_uri()
    );
    assert_eq!(vc["credentialStatus"].as_array().unwrap().len(), 2);
    assert_eq!(vc["proof"]["cryptosuite"], "eddsa-rdfc-2022");

    // Offline verification with the DID document the service publishes.
    let resolver = did_resolver(&svc, &["bangrak"]);
    proof::verify(&vc, &resolver, "assertionMethod", None).unwrap();

    // Fetch by IRI: credential, page, JWT.
    let path = iri_path(&iri);
    let got = svc.get(&path, &[("accept", "application/vc")]);
    assert_eq!(got.status, 200);
    assert_eq!(got.content_type, "application/vc");
    assert_eq!(got.json(), vc);
    let html = svc.get(&path, &[("accept", "text/html,*/*;q=0.8")]);
    assert!(html.content_type.starts_with("text/html"));
    assert!(
        html.body.contains("บริษัท ครัวไทยตัวอย่าง จำกัด")
            && html.body.contains("Example Thai Kitchen Co., Ltd.")
    );
    assert!(html.body.contains("ใช้งานได้"));
    // the page carries the signed credential as a QR code (inline SVG)
    assert!(html.body.contains("<svg") && html.body.contains("Scan to verify offline"));
    let jwt = svc.get(&path, &[("accept", "application/vc+jwt")]);
    assert_eq!(jwt.content_type, "application/vc+jwt");
    let verified = jose::verify_vc_jwt(&jwt.body, &resolver).unwrap();
    assert_eq!(verified.credential["id"], iri.as_str());

    // VC API verify: valid and not revoked.
    let v = svc.post_json(
        "/credentials/verify",
        None,
        &json!({"verifiableCredential": vc}),
    );
    assert_eq!(v.status, 200, "{}", v.body);
    assert_eq!(v.json()["verified"], true);
    assert!(!status_bit(&svc, &vc, "revocation"));

    // Idempotent replay, then a conflicting request.
    let again = svc.post_json("/licences", Some(&t), &licence("สน.1/2566"));
    assert_eq!(again.status, 200);
    assert_eq!(again.json(), vc);
    let mut changed = licence("สน.1/2566");
    changed["conditions"] = json!(["อื่น"]);
    let p = svc.post_json("/licences", Some(&t), &changed).problem(409);
    assert_eq!(p["id"], iri.as_str());

    // Suspend, reinstate, revoke.
    let s = svc.post(&format!("{path}/suspend"), Some(&t), "application/json", "");
    assert_eq!(s.status, 200, "{}", s.body);
    assert_eq!(s.json()["suspended"], true);
    assert!(status_bit(&svc, &vc, "suspension"));
    assert!(svc
        .get(&path, &[("accept", "text/html")])
        .body
        .contains("ถูกพักใช้"));
    let s = svc.post(
        &format!("{path}/reinstate"),
        Some(&t),
        "application/json",
        "",
    );
    assert_eq!(s.json()["suspended"], false);
    assert!(!status_bit(&svc, &vc, "suspension"));
    let s = svc.post(&format!("{path}/revoke"), Some(&t), "application/json", "");
    assert_eq!(s.status, 200);
    assert_eq!(s.json()["revoked"], true);
    assert!(status_bit(&svc, &vc, "revocation"));
    let v = svc.post_json(
        "/credentials/verify",
        None,
        &json!({"verifiableCredential": vc}),
    );
    let p = v.problem(400);
    assert_eq!(p["verified"], false);
    assert_eq!(p["errors"][0]["name"], "STATUS");
    // Revocation is final.
    svc.post(
        &format!("{path}/reinstate"),
        Some(&t),
        "application/json",
        "",
    )
    .problem(409);
    assert!(svc
        .get(&path, &[("accept", "text/html")])
        .body
        .contains("ถูกเพิกถอน"));

    // Every action is in the audit log with the token as actor.
    let log = svc
        .state
        .pool
        .with(|c| elicence_issuer::store::audit_log(c, Some("bangrak")))
        .unwrap();
    let actions: Vec<&str> = log
        .iter()
        .filter(|r| r.actor.starts_with("token:"))
        .map(|r| r.action.as_str())
        .collect();
    assert_eq!(actions, ["issue", "suspend", "reinstate", "revoke"]);
    assert!(log
        .iter()
        .any(|r| r.action == "key.create" && r.actor == "admin:test"));
}

#[test]
fn status_lists_have_etag_and_ttl_and_random_indices() {
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue, Scope::Revoke]);
    let mut indices = Vec::new();
    for i in 0..20 {
        let vc = svc
            .post_json("/licences", Some(&t), &licence(&format!("{i}/2567")))
            .json();
        indices.push(
            vc["credentialStatus"][0]["statusListIndex"]
                .as_str()
                .unwrap()
                .parse::<u32>()
                .unwrap(),
        );
    }
    let mut sorted = indices.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), 20, "indices repeat");
    assert_ne!(indices, sorted, "indices follow issuance order");
    let first = svc.get("/agencies/bangrak/status/revocation/1", &[]);
    assert_eq!(first.status, 200);
    let etag = first.header("etag").unwrap().to_string();
    let cc = first.header("cache-control").unwrap();
    let max_age: u64 = cc
        .strip_prefix("public, max-age=")
        .unwrap()
        .parse()
        .unwrap();
    assert!(max_age <= 60 && max_age > 50, "{cc}");
    assert_eq!(first.header("vary"), Some("Accept"));
    let list = first.json();
    let from = time::OffsetDateTime::parse(
        list["validFrom"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let until = time::OffsetDateTime::parse(
        list["validUntil"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    // Re-signed every TTL (60 s here), each copy valid for the validity
    // window (default 7 days), so offline bundles stay decidable.
    assert_eq!((until - from).whole_seconds(), 7 * 86_400);
    let again = svc.get(
        "/agencies/bangrak/status/revocation/1",
        &[("if-none-match", &etag)],
    );
    assert_eq!(again.status, 304);
    // A revocation changes the list at once (the cache is dropped).
    let vc = svc.post_json("/licences", Some(&t), &licence("x/1")).json();
    svc.post(
        &format!("{}/revoke", iri_path(vc["id"].as_str().unwrap())),
        Some(&t),
        "application/json",
        "",
    );
    let changed = svc.get(
        "/agencies/bangrak/status/revocation/1",
        &[("if-none-match", &etag)],
    );
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag").unwrap(), etag);
    svc.get("/agencies/bangrak/status/revocation/2", &[])
        .problem(404);
    svc.get("/agencies/bangrak/status/other/1", &[])
        .problem(404);
}

#[test]
fn agencies_cannot_touch_each_other() {
    let svc = start("#private");
    let a = token(
        &svc.config,
        "bangrak",
        &[Scope::Issue, Scope::Revoke, Scope::Read],
    );
    let b = token(
        &svc.config,
        "chiangmai",
        &[Scope::Issue, Scope::Revoke, Scope::Read],
    );
    let vc = svc
        .post_json("/licences", Some(&a), &licence("1/2566"))
        .json();
    let iri = vc["id"].as_str().unwrap();
    let path = iri_path(iri);

    // Read: private licences need the owner's read token.
    svc.get(&path, &[]).problem(401);
    svc.get(&path, &[("authorization", &format!("Bearer {b}"))])
        .problem(403);
    let ok = svc.get(&path, &[("authorization", &format!("Bearer {a}"))]);
    assert_eq!(ok.status, 200);

    // Revoke / suspend through the licence path and through the VC API.
    for action in ["revoke", "suspend", "reinstate"] {
        svc.post(
            &format!("{path}/{action}"),
            Some(&b),
            "application/json",
            "",
        )
        .problem(403);
    }
    svc.post_json(
        "/credentials/status",
        Some(&b),
        &json!({"credentialId": iri, "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}, "status": true}),
    )
    .problem(404);

    // Issue under A's name with B's token.
    let mut data = licence("2/2566");
    data["issuer"] = json!({"id": "did:web:licence.example.go.th:agencies:bangrak"});
    let p = svc.post_json("/licences", Some(&b), &data).problem(422);
    assert_eq!(p["field"], "issuer.id");
    let cred = json!({"credential": {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:licence.example.go.th:agencies:bangrak",
        "credentialSubject": {"id": "did:example:x"}}});
    svc.post_json("/credentials/issue", Some(&b), &cred)
        .problem(400);

    // B issuing the same number gets its own licence, under its own IRI.
    let vb = svc.post_json("/licences", Some(&b), &licence("1/2566"));
    assert_eq!(vb.status, 201);
    assert_ne!(vb.json()["id"], vc["id"]);

    // Nothing changed for A.
    let stored = svc
        .state
        .pool
        .with(|c| elicence_issuer::store::credential_by_id(c, "bangrak", iri))
        .unwrap()
        .unwrap();
    assert!(!stored.revoked && !stored.suspended);

    // Scopes: a read-only token cannot issue or revoke; a revoked token is refused.
    let ro = token(&svc.config, "bangrak", &[Scope::Read]);
    svc.post_json("/licences", Some(&ro), &licence("3/2566"))
        .problem(403);
    svc.post(&format!("{path}/revoke"), Some(&ro), "application/json", "")
        .problem(403);
    let conn = elicence_issuer::store::open(&svc.config.database, svc.config.durability).unwrap();
    let new =
        elicence_issuer::admin::create_token(&conn, "bangrak", &[Scope::Issue], None, "admin:test")
            .unwrap();
    elicence_issuer::admin::revoke_token(&conn, &new.id, "admin:test").unwrap();
    svc.post_json("/licences", Some(&new.token), &licence("4/2566"))
        .problem(401);
}

#[test]
fn bad_inputs_get_the_right_problem() {
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue, Scope::Revoke]);
    let r = svc.post_json("/licences", None, &licence("1/1"));
    r.problem(401);
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    svc.post("/licences", Some("elic_nope"), "application/json", "{}")
        .problem(401);
    svc.post("/licences", Some(&t), "application/json", "{\"a\":")
        .problem(400);
    svc.post(
        "/licences",
        Some(&t),
        "application/json",
        "{\"a\":1,\"a\":2}",
    )
    .problem(400);
    svc.post("/licences", Some(&t), "text/plain", "{}")
        .problem(415);
    let big = format!("{{\"x\":\"{}\"}}", "a".repeat(300 * 1024));
    svc.post("/licences", Some(&t), "application/json", &big)
        .problem(413);
    let mut bad = licence("1/1");
    bad["licensee"]["juristicPersonId"] = json!("0105536112015");
    let p = svc.post_json("/licences", Some(&t), &bad).problem(422);
    assert_eq!(p["field"], "licensee.juristicPersonId");
    let mut bad = licence("1/1");
    bad.as_object_mut().unwrap().remove("validUntil");
    svc.post_json("/licences", Some(&t), &bad).problem(422);
    let p = svc
        .post_json("/licences", Some(&t), &licence("1_1"))
        .problem(422);
    assert_eq!(p["field"], "licenceNumber");
    let mut bad = licence("1/1");
    bad["credentialStatus"] = json!({"type": "BitstringStatusListEntry"});
    svc.post_json("/licences", Some(&t), &bad).problem(422);
    svc.post_json("/licences", Some(&t), &json!([1]))
        .problem(422);

    svc.get("/nope", &[]).problem(404);
    svc.get("/licences", &[]).problem(405);
    svc.get("/agencies/nobody/did.json", &[]).problem(404);
    svc.get("/agencies/bangrak/licences/food-sale/nothing", &[])
        .problem(404);
    svc.get("/agencies/bangrak/licences/food-sale/%2F..", &[])
        .problem(404);
    let vc = svc.post_json("/licences", Some(&t), &licence("5/1")).json();
    let path = iri_path(vc["id"].as_str().unwrap());
    svc.get(&path, &[("accept", "image/png")]).problem(406);
    svc.post(&format!("{path}/delete"), Some(&t), "application/json", "")
        .problem(404);

    // VC API input errors are 400.
    svc.post_json("/credentials/issue", Some(&t), &json!({"nope": 1}))
        .problem(400);
    svc.post_json(
        "/credentials/issue",
        Some(&t),
        &json!({"credential": {"type": ["VerifiableCredential"]}}),
    )
    .problem(400);
    svc.post_json("/credentials/verify", None, &json!({}))
        .problem(400);
    svc.post_json(
        "/presentations/verify",
        None,
        &json!({"verifiablePresentation": {"type": "X"}}),
    )
    .problem(400);
    // A tampered credential does not verify.
    let mut tampered = vc.clone();
    tampered["credentialSubject"]["licenceNumber"] = json!("6/1");
    let p = svc
        .post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": tampered}),
        )
        .problem(400);
    assert_eq!(p["errors"][0]["name"], "PROOF_VERIFICATION_ERROR");
    // No client mistake produced a 500.
    let ops = token(&svc.config, "bangrak", &[Scope::Metrics]);
    assert!(svc
        .get("/metrics", &[("authorization", &format!("Bearer {ops}"))])
        .body
        .contains("elicence_http_responses_total{class=\"5xx\"} 0"));
}

#[test]
fn batch_reports_each_row() {
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue]);
    let mut bad = licence("b/3");
    bad["licensee"]["juristicPersonId"] = json!("123");
    let jsonl = [licence("b/1"), licence("b/2"), bad, licence("b/1")]
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join("\n")
        + "\nnot json\n";
    let r = svc.post("/licences:batch", Some(&t), "application/x-ndjson", &jsonl);
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type, "application/x-ndjson");
    let rows: Vec<Value> = r
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let statuses: Vec<u64> = rows.iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [201, 201, 422, 200, 422]);
    assert_eq!(rows[2]["field"], "licensee.juristicPersonId");
    assert_eq!(rows[0]["id"], rows[3]["id"]);
    assert_eq!(rows[4]["row"], 5);

    let header = elicence_issuer::batch::CSV_COLUMNS.join(",");
    let row = |n: &str| {
        format!("food-sale,ใบอนุญาตจัดตั้งสถานที่จำหน่ายอาหาร,Food sale,{n},0105536112014,บริษัท ก จำกัด,\"A, Co. Ltd.\",,\"ที่อยู่\nบรรทัดสอง\",,ขายอาหาร|ทำอาหาร,,2026-01-01T00:00:00+07:00,2026-12-31T23:59:59+07:00")
    };
    let csv = format!("{header}\n{}\n{}\n", row("c/1"), row("c_2"));
    let r = svc.post("/licences:batch", Some(&t), "text/csv", &csv);
    let rows: Vec<Value> = r
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "{}", r.body);
    assert_eq!(rows[0]["status"], 201, "{}", r.body);
    assert_eq!(rows[1]["status"], 422);
    let vc = svc
        .get(&iri_path(rows[0]["id"].as_str().unwrap()), &[])
        .json();
    assert_eq!(
        vc["credentialSubject"]["premises"]["address"]["th"],
        "ที่อยู่\nบรรทัดสอง"
    );
    assert_eq!(
        vc["credentialSubject"]["licensee"]["legalName"]["en"],
        "A, Co. Ltd."
    );
    svc.post(
        "/licences:batch",
        Some(&t),
        "text/csv",
        "nope,licenceNumber\n",
    )
    .problem(422);
    svc.post("/licences:batch", Some(&t), "application/json", "{}")
        .problem(415);
}

#[test]
fn vc_api_issue_and_verify() {
    let svc = start("");
    let t = token(&svc.config, "chiangmai", &[Scope::Issue, Scope::Revoke]);
    let req = json!({
        "credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "id": "urn:uuid:2f0a3c0e-1b44-4f5c-9a7e-0d6c4b8f5a11",
            "type": ["VerifiableCredential", "ExampleCredential"],
            "credentialSubject": {"id": "did:example:abc", "name": "สมชาย"},
            "credentialSchema": {"id": "https://example.org/schema.json", "type": "JsonSchema"}
        },
        "options": {"cryptosuite": "eddsa-jcs-2022", "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}}
    });
    let r = svc.post_json("/credentials/issue", Some(&t), &req);
    assert_eq!(r.status, 201, "{}", r.body);
    let vc = r.json()["verifiableCredential"].clone();
    assert_eq!(
        vc["issuer"],
        "did:web:licence.example.go.th:agencies:chiangmai"
    );
    assert_eq!(vc["credentialStatus"]["statusPurpose"], "revocation");
    assert_eq!(vc["proof"]["cryptosuite"], "eddsa-jcs-2022");
    let v = svc.post_json(
        "/credentials/verify",
        None,
        &json!({"verifiableCredential": vc}),
    );
    assert_eq!(v.status, 200, "{}", v.body);
    assert_eq!(
        svc.post_json("/credentials/issue", Some(&t), &req)
            .problem(409)["status"],
        409
    );
    let s = svc.post_json("/credentials/status", Some(&t), &json!({"credentialId": vc["id"], "credentialStatus": {"statusPurpose": "revocation"}, "status": true}));
    assert_eq!(s.status, 200, "{}", s.body);
    svc.post_json(
        "/credentials/verify",
        None,
        &json!({"verifiableCredential": vc}),
    )
    .problem(400);

    // VC 1.1 input.
    let v1 = json!({"credential": {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abc"}}});
    let r = svc.post_json("/credentials/issue", Some(&t), &v1);
    assert_eq!(r.status, 201, "{}", r.body);
    let vc1 = r.json()["verifiableCredential"].clone();
    assert_eq!(
        vc1["@context"][1],
        "https://w3id.org/security/data-integrity/v2"
    );
    assert_eq!(
        svc.post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": vc1})
        )
        .status,
        200
    );

    // Presentations: a holder (did:key) presents the licence with a challenge.
    let holder = elicence_core::keys::SigningKey::generate(
        elicence_core::keys::KeyAlgorithm::Ed25519,
        &mut rand_core::OsRng,
    );
    let vm = elicence_core::did::did_key_verification_method(&holder.public_key());
    let vp = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [vc1],
    });
    let mut opts = proof::ProofOptions::new(vm, "2026-01-01T00:00:00Z");
    opts.proof_purpose = "authentication".into();
    opts.challenge = Some("c-123".into());
    opts.domain = Some("bank.example".into());
    let signed = proof::sign(&vp, proof::Cryptosuite::EddsaJcs2022, &holder, &opts).unwrap();
    let ok = svc.post_json("/presentations/verify", None, &json!({"verifiablePresentation": signed, "options": {"challenge": "c-123", "domain": "bank.example"}}));
    assert_eq!(ok.status, 200, "{}", ok.body);
    svc.post_json(
        "/presentations/verify",
        None,
        &json!({"verifiablePresentation": signed, "options": {"challenge": "other"}}),
    )
    .problem(400);
}

#[test]
fn ops_endpoints_and_key_rotation() {
    let svc = start("");
    assert_eq!(svc.get("/healthz", &[]).status, 200);
    let api = svc.get("/openapi.json", &[]).json();
    for p in [
        "/licences",
        "/licences:batch",
        "/credentials/issue",
        "/credentials/verify",
        "/presentations/verify",
        "/agencies/{code}/status/{purpose}/{list}",
    ] {
        assert!(api["paths"].get(p).is_some(), "{p} missing from OpenAPI");
    }
    let r = svc.get("/healthz", &[]);
    assert!(r.header("x-request-id").is_some_and(|v| v.len() >= 16));

    let t = token(&svc.config, "bangrak", &[Scope::Issue]);
    let old = svc.post_json("/licences", Some(&t), &licence("r/1")).json();
    // Rotate: a new key from now on; the old one stays in the DID document.
    let master = elicence_issuer::crypto::MasterKey::load(&svc.config.master_key).unwrap();
    let mut conn =
        elicence_issuer::store::open(&svc.config.database, svc.config.durability).unwrap();
    let now = time::OffsetDateTime::now_utc();
    elicence_issuer::admin::add_key(
        &mut conn,
        &master,
        "bangrak",
        elicence_core::keys::KeyAlgorithm::Ed25519,
        now,
        Some(now),
        "admin:test",
    )
    .unwrap();
    // No reload, no restart: the running service sees the new key at once.
    let new = svc.post_json("/licences", Some(&t), &licence("r/2")).json();
    assert_ne!(
        old["proof"]["verificationMethod"],
        new["proof"]["verificationMethod"]
    );
    let doc = svc.get("/agencies/bangrak/did.json", &[]).json();
    assert_eq!(doc["verificationMethod"].as_array().unwrap().len(), 2);
    let resolver = did_resolver(&svc, &["bangrak"]);
    proof::verify(&old, &resolver, "assertionMethod", None).unwrap();
    proof::verify(&new, &resolver, "assertionMethod", None).unwrap();
    // /metrics is closed by default: a token with the metrics scope reads it.
    svc.get("/metrics", &[]).problem(401);
    svc.get("/metrics", &[("authorization", &format!("Bearer {t}"))])
        .problem(403);
    let ops = token(&svc.config, "bangrak", &[Scope::Metrics]);
    let metrics = svc
        .get("/metrics", &[("authorization", &format!("Bearer {ops}"))])
        .body;
    assert!(
        metrics.contains("elicence_credentials_issued_total 2"),
        "{metrics}"
    );
    // The audit log refuses edits.
    assert!(conn.execute("DELETE FROM audit", &[]).is_err());
    assert!(conn.execute("UPDATE audit SET actor = 'x'", &[]).is_err());
}

#[test]
fn the_browser_inspector_is_served_under_inspect() {
    let dir = tempfile::tempdir().unwrap();
    let web = dir.path().join("web");
    std::fs::create_dir_all(&web).unwrap();
    std::fs::write(
        web.join("index.html"),
        "<!doctype html><title>elicence inspector</title>",
    )
    .unwrap();
    std::fs::write(web.join("verify.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let mut config = common::prepare(dir.path(), "");
    config.inspector_dir = Some(web);
    let svc = common::start_with(dir, config);
    // `/inspect` redirects to `/inspect/` (the app's URLs are relative)
    let page = svc.get("/inspect", &[]);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("elicence inspector"), "{}", page.body);
    let wasm = svc.get("/inspect/verify.wasm", &[]);
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.content_type, "application/wasm");
    assert_eq!(svc.get("/inspect/missing.js", &[]).status, 404);
    // without an inspector_dir there is no /inspect at all
    let plain = common::start("");
    assert_eq!(plain.get("/inspect/", &[]).status, 404);
}

/// `/credentials/verify` judges who issued, for what purpose and where:
/// a valid signature by a key the issuer does not control, a proof made for
/// another purpose, domain or challenge, or a context out of order is not
/// verified (400 with the spec's error name); nor is a presentation whose
/// `holder` did not sign it.
#[test]
fn credential_verification_checks_issuer_purpose_binding_and_context() {
    let svc = start("");
    let key = elicence_core::keys::SigningKey::generate(
        elicence_core::keys::KeyAlgorithm::Ed25519,
        &mut rand_core::OsRng,
    );
    let did = elicence_core::did::did_key(&key.public_key());
    let vm = elicence_core::did::did_key_verification_method(&key.public_key());
    let sign = |issuer: &str, context: Value, purpose: &str, domain: Option<&str>| {
        let vc = json!({
            "@context": context,
            "type": ["VerifiableCredential"],
            "issuer": issuer,
            "credentialSubject": {"id": "did:example:subject"},
        });
        let mut opts = proof::ProofOptions::new(vm.clone(), "2026-01-01T00:00:00Z");
        opts.proof_purpose = purpose.into();
        opts.domain = domain.map(str::to_string);
        opts.challenge = domain.map(|_| "c-1".to_string());
        proof::sign(&vc, proof::Cryptosuite::EddsaRdfc2022, &key, &opts).unwrap()
    };
    let v2 = json!(["https://www.w3.org/ns/credentials/v2"]);
    let verify = |vc: &Value, options: Value| {
        svc.post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": vc, "options": options}),
        )
    };
    let own = sign(&did, v2.clone(), "assertionMethod", None);
    assert_eq!(verify(&own, json!({})).status, 200);
    // The same key signing for someone else proves nothing about them.
    let forged = sign("did:example:bank", v2.clone(), "assertionMethod", None);
    let p = verify(&forged, json!({})).problem(400);
    assert_eq!(p["verified"], false);
    assert_eq!(p["errors"][0]["name"], "PROOF_VERIFICATION_ERROR");
    // Purpose: what the caller expects, assertionMethod by default.
    let auth = sign(&did, v2.clone(), "authentication", Some("bank.example"));
    verify(&auth, json!({})).problem(400);
    assert_eq!(
        verify(
            &auth,
            json!({"expectedProofPurpose": "authentication", "domain": "bank.example", "challenge": "c-1"})
        )
        .status,
        200
    );
    verify(&own, json!({"expectedProofPurpose": "authentication"})).problem(400);
    // Domain and challenge must be the ones the verifier asks for.
    for options in [
        json!({"expectedProofPurpose": "authentication", "domain": "other.example"}),
        json!({"expectedProofPurpose": "authentication", "challenge": "c-2"}),
        json!({"domain": "bank.example"}),
    ] {
        verify(&auth, options).problem(400);
    }
    verify(&own, json!({"domain": 7})).problem(400);
    // The base context comes first, in credentials and presentations.
    let late = sign(
        &did,
        json!([{"Example": "https://example.org/#Example"}, "https://www.w3.org/ns/credentials/v2"]),
        "assertionMethod",
        None,
    );
    let p = verify(&late, json!({})).problem(400);
    assert_eq!(p["errors"][0]["name"], "MALFORMED_VALUE_ERROR");
    let vp = json!({
        "@context": [{"Example": "https://example.org/#Example"}, "https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
    });
    let mut opts = proof::ProofOptions::new(vm.clone(), "2026-01-01T00:00:00Z");
    opts.proof_purpose = "authentication".into();
    let vp = proof::sign(&vp, proof::Cryptosuite::EddsaRdfc2022, &key, &opts).unwrap();
    svc.post_json(
        "/presentations/verify",
        None,
        &json!({"verifiablePresentation": vp}),
    )
    .problem(400);
    // A presentation's holder must have signed it, as an issuer its
    // credential: the key's owner presenting as did:example:acme is refused,
    // presenting as itself (URL or {id}) accepted, with the same credential.
    let present = |holder: Value| {
        let vp = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": holder,
            "verifiableCredential": [own.clone()],
        });
        let signed = proof::sign(&vp, proof::Cryptosuite::EddsaRdfc2022, &key, &opts).unwrap();
        svc.post_json(
            "/presentations/verify",
            None,
            &json!({"verifiablePresentation": signed}),
        )
    };
    assert_eq!(present(json!(did)).status, 200);
    assert_eq!(present(json!({"id": did})).status, 200);
    let p = present(json!("did:example:acme")).problem(400);
    assert_eq!(p["verified"], false);
    assert_eq!(p["errors"][0]["name"], "PROOF_VERIFICATION_ERROR");
    present(json!({"name": "no id"})).problem(400);
}
