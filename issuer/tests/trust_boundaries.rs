//! What an API token, an anonymous client or a careless configuration must
//! never get from the service: a status list or an id only the service may
//! sign, a retired key that keeps signing, expensive unknown-agency requests,
//! secrets through the inspector folder, world-readable files. Real service,
//! real HTTP on 127.0.0.1, real SQLite file.

mod common;

use common::{iri_path, licence, start, token, Service, ORIGIN};
use elicence_core::did::OfflineResolver;
use elicence_core::keys::KeyAlgorithm;
use elicence_core::licence::LicenceData;
use elicence_core::proof;
use elicence_issuer::admin::{self, NewAgency, Scope};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::registry::DidMethod;
use elicence_issuer::store;
use serde_json::{json, Value};

const BANGRAK_DID: &str = "did:web:licence.example.go.th:agencies:bangrak";
const BANGRAK_BASE: &str = "https://licence.example.go.th/agencies/bangrak";

fn credentials_stored(svc: &Service) -> i64 {
    svc.state
        .pool
        .with(|c| c.query_one("SELECT COUNT(*) FROM credentials", &[])?.get(0))
        .unwrap()
}

fn issue(svc: &Service, t: &str, credential: Value, options: Value) -> common::Resp {
    svc.post_json(
        "/credentials/issue",
        Some(t),
        &json!({"credential": credential, "options": options}),
    )
}

fn v2(extra: Value) -> Value {
    let mut c = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:holder"}
    });
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn status_list_url(purpose: &str) -> String {
    format!("{BANGRAK_BASE}/status/{purpose}/1")
}

#[test]
fn an_issue_token_cannot_have_a_status_list_signed() {
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue, Scope::Revoke]);
    // A real licence with a real list, so the forged list would matter.
    let vc = svc
        .post_json("/licences", Some(&t), &licence("1/2567"))
        .json();
    svc.post(
        &format!("{}/revoke", iri_path(vc["id"].as_str().unwrap())),
        Some(&t),
        "application/json",
        "",
    );
    let before = credentials_stored(&svc);
    let url = status_list_url("revocation");
    // All clear, valid for a century: what an attacker would want signed.
    let all_clear = elicence_core::status::Bitstring::new(131_072)
        .unwrap()
        .encode();
    let subject = json!({"id": format!("{url}#list"), "type": "BitstringStatusList",
        "statusPurpose": "revocation", "encodedList": all_clear});
    let forgeries = [
        v2(
            json!({"id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "validUntil": "2126-01-01T00:00:00Z", "credentialSubject": subject}),
        ),
        // The same list with no id (the verifier may match on the URL it fetched).
        v2(
            json!({"type": ["VerifiableCredential", "BitstringStatusListCredential"], "credentialSubject": subject}),
        ),
        // Only the subject is a list.
        v2(json!({"credentialSubject": subject})),
        // Types spelled as full IRIs.
        v2(
            json!({"type": ["VerifiableCredential", "https://www.w3.org/ns/credentials/status#BitstringStatusListCredential"],
            "credentialSubject": {"id": "did:example:x", "https://www.w3.org/ns/credentials/status#encodedList": all_clear}}),
        ),
        // An aliased term the JSON does not show.
        v2(json!({"@context": ["https://www.w3.org/ns/credentials/v2",
                {"bits": "https://www.w3.org/ns/credentials/status#encodedList"}],
            "credentialSubject": {"id": "did:example:x", "bits": all_clear}})),
        // The IETF Token Status List shape.
        v2(
            json!({"credentialSubject": {"id": "did:example:x", "status_list": {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}}}),
        ),
    ];
    for forged in forgeries {
        let p = issue(&svc, &t, forged.clone(), json!({})).problem(403);
        assert!(
            p["type"].as_str().unwrap().ends_with("#reserved"),
            "{forged}: {p}"
        );
        assert!(p["field"].as_str().unwrap().starts_with("credential"));
    }
    assert_eq!(credentials_stored(&svc), before, "nothing was signed");
    // The published list still says revoked.
    let list = svc.get("/agencies/bangrak/status/revocation/1", &[]).json();
    assert_ne!(list["credentialSubject"]["encodedList"], all_clear);
}

#[test]
fn ids_in_the_services_namespaces_are_assigned_by_the_service() {
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue]);
    let before = credentials_stored(&svc);
    for id in [
        status_list_url("revocation"),
        status_list_url("suspension"),
        // Another agency's licence IRI, and one of this agency's own.
        "https://licence.example.go.th/agencies/chiangmai/licences/food-sale/1~2567".to_string(),
        format!("{BANGRAK_BASE}/licences/food-sale/9~2567"),
        // Same host, other spellings.
        "https://LICENCE.example.go.th/agencies/bangrak/status/revocation/1".to_string(),
        "http://licence.example.go.th/agencies/chiangmai/did.json".to_string(),
        // A licence IRI of an agency on its own host.
        "https://licence.bangrak.example.go.th/licences/food-sale/%E0%B8%AA%E0%B8%991~2566"
            .to_string(),
    ] {
        let p = issue(&svc, &t, v2(json!({"id": id})), json!({})).problem(403);
        assert_eq!(p["field"], "credential.id", "{id}: {p}");
    }
    // `@id` instead of `id`: no JSON id, but the signature would cover one.
    let aliased = v2(json!({"@id": status_list_url("revocation")}));
    issue(&svc, &t, aliased, json!({})).problem(403);
    assert_eq!(credentials_stored(&svc), before);

    // Ids outside: kept; no id: a urn:uuid.
    let r = issue(
        &svc,
        &t,
        v2(json!({"id": "https://university.example/degrees/42"})),
        json!({}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        r.json()["verifiableCredential"]["id"],
        "https://university.example/degrees/42"
    );
    // No id: none is invented in the caller's name (the row gets a urn:uuid).
    let r = issue(&svc, &t, v2(json!({})), json!({}));
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(r.json()["verifiableCredential"].get("id").is_none());
}

#[test]
fn a_callers_own_status_entry_is_validated_and_never_on_our_lists() {
    let svc = start("");
    let t = token(&svc.config, "chiangmai", &[Scope::Issue]);
    let entry = |url: &str, index: Value| {
        json!({"id": format!("{url}#7"), "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": index, "statusListCredential": url})
    };
    // Someone else's list: kept exactly, and the service adds none of its own.
    let theirs = entry("https://status.example.org/lists/3", json!("7"));
    let r = issue(
        &svc,
        &t,
        v2(
            json!({"id": "urn:uuid:6a1f4a52-8f1d-4c55-9d43-0b7f0c8f1a21", "credentialStatus": theirs.clone()}),
        ),
        json!({}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let vc = r.json()["verifiableCredential"].clone();
    assert_eq!(vc["credentialStatus"], theirs);
    let resolver =
        OfflineResolver::with_documents(vec![svc.get("/agencies/chiangmai/did.json", &[]).json()])
            .unwrap();
    proof::verify(&vc, &resolver, "assertionMethod", None).unwrap();
    // The service holds no bit for it: it cannot change its status.
    svc.post_json(
        "/credentials/status",
        Some(&token(&svc.config, "chiangmai", &[Scope::Revoke])),
        &json!({"credentialId": vc["id"], "credentialStatus": {"statusPurpose": "revocation"}, "status": true}),
    )
    .problem(409);

    // A list the service manages, this agency's or another's: refused.
    for url in [
        "https://licence.example.go.th/agencies/chiangmai/status/revocation/1",
        "https://licence.example.go.th/agencies/bangrak/status/revocation/1",
    ] {
        let p = issue(
            &svc,
            &t,
            v2(json!({"credentialStatus": entry(url, json!("7"))})),
            json!({}),
        )
        .problem(403);
        assert!(
            p["field"]
                .as_str()
                .unwrap()
                .starts_with("credential.credentialStatus"),
            "{p}"
        );
    }
    // Malformed entries are client mistakes, named precisely.
    let p = issue(
        &svc,
        &t,
        v2(json!({"credentialStatus": entry("https://status.example.org/lists/3", json!(7))})),
        json!({}),
    )
    .problem(400);
    assert_eq!(p["field"], "credential.credentialStatus.statusListIndex");
    issue(
        &svc,
        &t,
        v2(json!({"credentialStatus": {"type": "BitstringStatusListEntry"}})),
        json!({}),
    )
    .problem(400);
    // Both an entry of its own and a request for one of ours: ambiguous.
    let p = issue(
        &svc,
        &t,
        v2(json!({"credentialStatus": theirs})),
        json!({"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}}),
    )
    .problem(400);
    assert_eq!(p["field"], "options.credentialStatus");
    // Asking for one still works.
    let r = issue(
        &svc,
        &t,
        v2(json!({})),
        json!({"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        r.json()["verifiableCredential"]["credentialStatus"]["statusListCredential"],
        "https://licence.example.go.th/agencies/chiangmai/status/suspension/1"
    );
}

/// The unsigned licence credential `LicenceData` builds for bangrak.
fn licence_credential(number: &str) -> Value {
    let mut data = licence(number);
    data["issuer"] = json!({"id": BANGRAK_DID,
        "name": {"th": "สำนักงานเขตบางรัก กรุงเทพมหานคร", "en": "Bang Rak District Office, Bangkok"},
        "baseUrl": BANGRAK_BASE});
    let data: LicenceData = serde_json::from_value(data).unwrap();
    data.to_credential().unwrap()
}

#[test]
fn a_licence_through_the_vc_api_is_issued_as_post_licences_issues_it() {
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue, Scope::Revoke]);
    let mut credential = licence_credential("V/1");
    let iri = credential["id"].as_str().unwrap().to_string();
    credential.as_object_mut().unwrap().remove("id");
    credential.as_object_mut().unwrap().remove("issuer");
    let r = issue(&svc, &t, credential.clone(), json!({}));
    assert_eq!(r.status, 201, "{}", r.body);
    let vc = r.json()["verifiableCredential"].clone();
    // Same id, issuer block, status entries and suite as POST /licences.
    assert_eq!(vc["id"], iri.as_str());
    assert_eq!(vc["issuer"]["id"], BANGRAK_DID);
    let entries = vc["credentialStatus"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["statusPurpose"], "revocation");
    assert_eq!(entries[1]["statusPurpose"], "suspension");
    assert_eq!(vc["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    let via_licences = svc.post_json("/licences", Some(&t), &licence("V/2")).json();
    let shape = |v: &Value| {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(shape(&vc), shape(&via_licences));
    assert_eq!(vc["issuer"], via_licences["issuer"]);
    // It is a licence like any other: served at its IRI, revocable there.
    let path = iri_path(&iri);
    assert_eq!(svc.get(&path, &[]).json(), vc);
    assert_eq!(
        svc.post(&format!("{path}/revoke"), Some(&t), "application/json", "")
            .status,
        200
    );
    // Idempotent on (type, number): the same request is the stored licence,
    // other data under the same number is a conflict.
    let again = issue(&svc, &t, credential.clone(), json!({}));
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["verifiableCredential"], vc);
    let mut other = credential.clone();
    other["credentialSubject"]["conditions"] = json!(["อื่น"]);
    issue(&svc, &t, other, json!({})).problem(409);
    // The licence checks apply, named by credential path.
    let mut bad = licence_credential("V/3");
    bad.as_object_mut().unwrap().remove("id");
    bad["credentialSubject"]["licensee"]["juristicPersonId"] = json!("0105536112015");
    let p = issue(&svc, &t, bad, json!({})).problem(400);
    assert_eq!(
        p["field"],
        "credential.credentialSubject.licensee.juristicPersonId"
    );
    // Nothing is dropped silently, and the service assigns status and id.
    let mut extra = licence_credential("V/4");
    extra["evidence"] = json!([{"type": "Inspection"}]);
    assert_eq!(
        issue(&svc, &t, extra, json!({})).problem(400)["field"],
        "credential.evidence"
    );
    let mut with_status = licence_credential("V/5");
    with_status["credentialStatus"] = json!({"type": "BitstringStatusListEntry"});
    issue(&svc, &t, with_status, json!({})).problem(400);
    let mut wrong_id = licence_credential("V/6");
    wrong_id["id"] = json!(format!("{BANGRAK_BASE}/licences/food-sale/V~7"));
    assert_eq!(
        issue(&svc, &t, wrong_id, json!({})).problem(403)["field"],
        "credential.id"
    );
    // Its own IRI (what LicenceData builds) is accepted, under this agency only.
    let r = issue(&svc, &t, licence_credential("V/8"), json!({}));
    assert_eq!(r.status, 201, "{}", r.body);
    let other_agency = token(&svc.config, "chiangmai", &[Scope::Issue]);
    issue(&svc, &other_agency, licence_credential("V/9"), json!({})).problem(400);
    // Licences are signed with eddsa-rdfc-2022 only.
    let mut jcs = licence_credential("V/10");
    jcs.as_object_mut().unwrap().remove("id");
    issue(&svc, &t, jcs, json!({"cryptosuite": "eddsa-jcs-2022"})).problem(400);
}

fn add_key(svc: &Service, code: &str, algorithm: KeyAlgorithm, retire_others: bool) {
    let master = MasterKey::load(&svc.config.master_key).unwrap();
    let mut conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    let now = time::OffsetDateTime::now_utc();
    admin::add_key(
        &mut conn,
        &master,
        code,
        algorithm,
        now,
        retire_others.then_some(now),
        "admin:test",
    )
    .unwrap();
}

#[test]
fn a_retired_key_stops_signing_without_a_restart() {
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue]);
    let first = svc.post_json("/licences", Some(&t), &licence("k/1"));
    assert_eq!(first.status, 201);
    let list = svc.get("/agencies/bangrak/status/revocation/1", &[]).json();
    assert_eq!(list["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    // The admin replaces the Ed25519 key by a P-256 key, retiring the old
    // one now, while the service runs (`elicence agency add-key --p256
    // --retire-others` does exactly this).
    add_key(&svc, "bangrak", KeyAlgorithm::P256, true);
    // The retired key signs nothing more: licences need an Ed25519 key.
    let p = svc
        .post_json("/licences", Some(&t), &licence("k/2"))
        .problem(409);
    assert!(
        p["type"].as_str().unwrap().ends_with("#no-signing-key"),
        "{p}"
    );
    let r = issue(
        &svc,
        &t,
        v2(json!({})),
        json!({"cryptosuite": "eddsa-rdfc-2022"}),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    // The new key signs at once, and the status list is re-signed with it.
    let r = issue(
        &svc,
        &t,
        v2(json!({})),
        json!({"cryptosuite": "ecdsa-rdfc-2019"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let list = svc.get("/agencies/bangrak/status/revocation/1", &[]).json();
    assert_eq!(list["proof"]["cryptosuite"], "ecdsa-rdfc-2019");
    let doc = svc.get("/agencies/bangrak/did.json", &[]).json();
    assert_eq!(doc["verificationMethod"].as_array().unwrap().len(), 2);
    let resolver = OfflineResolver::with_documents(vec![doc]).unwrap();
    proof::verify(&list, &resolver, "assertionMethod", None).unwrap();
}

#[test]
fn unknown_agencies_are_answered_from_memory() {
    let svc = start("");
    let loads = || svc.state.registry.reload_count();
    let at_start = loads();
    for i in 0..60 {
        let code = format!("nobody-{i}");
        for path in [
            format!("/agencies/{code}/did.json"),
            format!("/agencies/{code}/status/revocation/1"),
            format!("/agencies/{code}/licences/food-sale/1~2567"),
        ] {
            svc.get(&path, &[]).problem(404);
        }
    }
    assert_eq!(loads(), at_start, "a miss must not reload the agencies");
    // A real change is picked up once, on the next request.
    let master = MasterKey::load(&svc.config.master_key).unwrap();
    let mut conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    admin::add_agency(
        &mut conn,
        &master,
        ORIGIN,
        &NewAgency {
            code: "lamphun",
            name_th: "เทศบาลเมืองลำพูน",
            name_en: "Lamphun Town Municipality",
            algorithm: KeyAlgorithm::Ed25519,
            did_method: DidMethod::Web,
        },
        "admin:test",
    )
    .unwrap();
    assert_eq!(svc.get("/agencies/lamphun/did.json", &[]).status, 200);
    assert_eq!(loads(), at_start + 1);
    for _ in 0..20 {
        assert_eq!(svc.get("/agencies/lamphun/did.json", &[]).status, 200);
        svc.get("/agencies/nobody/did.json", &[]).problem(404);
    }
    assert_eq!(loads(), at_start + 1);
    // Token changes need no reload at all: they are read per request.
    let t = token(&svc.config, "lamphun", &[Scope::Issue]);
    assert_eq!(
        svc.post_json("/licences", Some(&t), &licence("L/1")).status,
        201
    );
    assert_eq!(loads(), at_start + 1);
}

#[test]
fn did_key_agencies_issue_credentials_verifiable_without_a_did_document() {
    let svc = start("");
    let master = MasterKey::load(&svc.config.master_key).unwrap();
    let mut conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    let summary = admin::add_agency(
        &mut conn,
        &master,
        ORIGIN,
        &NewAgency {
            code: "keyed",
            name_th: "หน่วยงานทดสอบ",
            name_en: "Test Agency",
            algorithm: KeyAlgorithm::Ed25519,
            did_method: DidMethod::Key,
        },
        "admin:test",
    )
    .unwrap();
    assert!(summary.did.starts_with("did:key:z6Mk"), "{}", summary.did);
    assert_eq!(summary.did_document_url, None);
    // Its DID is its one key: no rotation.
    let e = admin::add_key(
        &mut conn,
        &master,
        "keyed",
        KeyAlgorithm::Ed25519,
        time::OffsetDateTime::now_utc(),
        None,
        "admin:test",
    )
    .unwrap_err();
    assert!(e.to_string().contains("did:key"), "{e}");

    let t = token(&svc.config, "keyed", &[Scope::Issue]);
    let no_documents = OfflineResolver::new();
    for suite in ["eddsa-rdfc-2022", "eddsa-jcs-2022"] {
        let r = issue(&svc, &t, v2(json!({})), json!({"cryptosuite": suite}));
        assert_eq!(r.status, 201, "{}", r.body);
        let vc = r.json()["verifiableCredential"].clone();
        assert_eq!(vc["issuer"], summary.did.as_str());
        let vm = vc["proof"]["verificationMethod"].as_str().unwrap();
        assert!(vm.starts_with(&format!("{}#z6Mk", summary.did)), "{vm}");
        proof::verify(&vc, &no_documents, "assertionMethod", None).unwrap();
        // The service's own verifier agrees.
        let v = svc.post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": vc}),
        );
        assert_eq!(v.status, 200, "{}", v.body);
    }
    // Licences and status lists too, with no did:web document anywhere.
    let lic = svc.post_json("/licences", Some(&t), &licence("K/1"));
    assert_eq!(lic.status, 201, "{}", lic.body);
    let lic = lic.json();
    assert_eq!(lic["issuer"]["id"], summary.did.as_str());
    proof::verify(&lic, &no_documents, "assertionMethod", None).unwrap();
    let list_url = lic["credentialStatus"][0]["statusListCredential"]
        .as_str()
        .unwrap();
    let list = svc.get(list_url.strip_prefix(ORIGIN).unwrap(), &[]).json();
    assert_eq!(list["issuer"], summary.did.as_str());
    proof::verify(&list, &no_documents, "assertionMethod", None).unwrap();
    svc.get("/agencies/keyed/did.json", &[]).problem(404);
    // did:web stays the default for everyone else.
    assert_eq!(svc.get("/agencies/bangrak/did.json", &[]).status, 200);
}

#[test]
fn status_lists_negotiate_and_follow_the_configured_windows() {
    let svc = start("validity_seconds = 3600");
    let t = token(&svc.config, "bangrak", &[Scope::Issue]);
    svc.post_json("/licences", Some(&t), &licence("n/1"));
    let path = "/agencies/bangrak/status/revocation/1";
    let vc = svc.get(path, &[]);
    assert_eq!(vc.content_type, "application/vc");
    let list = vc.json();
    let at = |k: &str| {
        time::OffsetDateTime::parse(
            list[k].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    assert_eq!((at("validUntil") - at("validFrom")).whole_seconds(), 3600);
    let mut etags = vec![vc.header("etag").unwrap().to_string()];
    for (accept, media) in [
        ("application/json", "application/json"),
        ("application/ld+json", "application/ld+json"),
        (
            "application/ld+json;q=0.5, application/vc",
            "application/vc",
        ),
        ("*/*", "application/vc"),
    ] {
        let r = svc.get(path, &[("accept", accept)]);
        assert_eq!(r.status, 200, "{accept}");
        assert_eq!(r.content_type, media, "{accept}");
        assert_eq!(r.json(), list, "{accept}: the same signed list");
        assert_eq!(r.header("vary"), Some("Accept"));
        etags.push(r.header("etag").unwrap().to_string());
        // Each representation revalidates with its own validator.
        let again = svc.get(
            path,
            &[("accept", accept), ("if-none-match", etags.last().unwrap())],
        );
        assert_eq!(again.status, 304, "{accept}");
    }
    etags.sort();
    etags.dedup();
    assert_eq!(etags.len(), 3, "one strong ETag per media type: {etags:?}");
    for accept in ["text/html", "application/vc+jwt", "image/png"] {
        svc.get(path, &[("accept", accept)]).problem(406);
    }
}

#[cfg(unix)]
#[test]
fn the_database_and_master_key_are_private_files() {
    use std::os::unix::fs::PermissionsExt;
    if common::on_postgres() {
        return; // file modes of the SQLite file; PostgreSQL keeps its own files
    }
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue]);
    svc.post_json("/licences", Some(&t), &licence("p/1"));
    for name in ["issuer.db", "issuer.db-wal", "issuer.db-shm", "master.key"] {
        let mode = std::fs::metadata(svc.dir.path().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name} is {:o}", mode & 0o777);
    }
}

#[cfg(unix)]
#[test]
fn the_inspector_folder_cannot_expose_secrets() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let web = dir.path().join("web");
    std::fs::create_dir_all(web.join("pkg")).unwrap();
    std::fs::write(web.join("index.html"), "<title>elicence inspector</title>").unwrap();
    std::fs::write(web.join("pkg/app.js"), "export {}").unwrap();
    std::fs::write(web.join(".env"), "SECRET=1").unwrap();
    let config = common::prepare(dir.path(), "");
    // Links planted in the folder, pointing at the secrets and out of it.
    symlink(dir.path().join("master.key"), web.join("master.key")).unwrap();
    symlink(dir.path().join("issuer.db"), web.join("db")).unwrap();
    symlink(dir.path(), web.join("up")).unwrap();
    symlink("/etc", web.join("etc")).unwrap();

    // A folder holding the database, configuration and key is refused at start.
    for bad in [dir.path().to_path_buf(), web.join("up")] {
        let mut unsafe_config = config.clone();
        unsafe_config.inspector_dir = Some(bad.clone());
        let e = elicence_issuer::server::build_state(unsafe_config).unwrap_err();
        assert!(
            e.to_string().contains("inspector_dir"),
            "{}: {e}",
            bad.display()
        );
    }

    let mut config = config;
    config.inspector_dir = Some(web.clone());
    let svc = common::start_with(dir, config);
    assert!(svc
        .get("/inspect/", &[])
        .body
        .contains("elicence inspector"));
    assert_eq!(svc.get("/inspect/pkg/app.js", &[]).status, 200);
    for path in [
        "/inspect/master.key",
        "/inspect/db",
        "/inspect/up/issuer.db",
        "/inspect/up/master.key",
        "/inspect/up/issuer.toml",
        "/inspect/etc/passwd",
        "/inspect/.env",
        "/inspect/pkg/../../master.key",
        "/inspect/%2e%2e/master.key",
        "/inspect/pkg/%2E%2E/%2E%2E/issuer.toml",
    ] {
        let r = svc.get(path, &[]);
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert!(!r.body.contains("SECRET") && !r.body.contains("master_key"));
    }
}

#[cfg(unix)]
#[test]
fn an_inspector_folder_built_after_start_is_served_where_it_was_configured() {
    let dir = tempfile::tempdir().unwrap();
    let web = dir.path().join("web");
    let mut config = common::prepare(dir.path(), "");
    config.inspector_dir = Some(web.clone());
    let root = dir.path().to_path_buf();
    let svc = common::start_with(dir, config);
    assert_eq!(svc.get("/inspect/", &[]).status, 404);
    // scripts/build-web.sh runs after the service started.
    std::fs::create_dir(&web).unwrap();
    std::fs::write(web.join("index.html"), "<title>elicence inspector</title>").unwrap();
    assert!(svc
        .get("/inspect/", &[])
        .body
        .contains("elicence inspector"));
    // Replaced by a link to the folder of secrets: nothing is served.
    std::fs::remove_dir_all(&web).unwrap();
    std::os::unix::fs::symlink(&root, &web).unwrap();
    for path in [
        "/inspect/master.key",
        "/inspect/issuer.toml",
        "/inspect/issuer.db",
    ] {
        assert_eq!(svc.get(path, &[]).status, 404, "{path}");
    }
}

/// Issue 16 on `POST /credentials/verify`: a revoked licence whose status
/// entry is re-spelled as its IRI (the eddsa-rdfc-2022 proof still holds) is
/// refused, and a credential naming a status list this service does not
/// publish is never "verified".
#[test]
fn vc_api_verify_judges_the_signed_data_and_never_skips_status() {
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue, Scope::Revoke]);
    let r = svc.post_json("/licences", Some(&t), &licence("สน.16/2569"));
    assert_eq!(r.status, 201, "{}", r.body);
    let vc = r.json();
    assert_eq!(vc["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    let path = iri_path(vc["id"].as_str().unwrap());
    let s = svc.post(&format!("{path}/revoke"), Some(&t), "application/json", "");
    assert_eq!(s.status, 200, "{}", s.body);
    let verify = |c: &Value| {
        svc.post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": c}),
        )
    };
    let p = verify(&vc).problem(400);
    assert_eq!(p["errors"][0]["name"], "STATUS", "{p}");
    // The re-spelled copy: same RDF, status entry hidden from a JSON reader.
    let mut attack = vc.clone();
    let entry = attack
        .as_object_mut()
        .unwrap()
        .remove("credentialStatus")
        .unwrap();
    attack["https://www.w3.org/2018/credentials#credentialStatus"] = entry;
    let p = verify(&attack).problem(400);
    assert_eq!(p["verified"], false);
    assert!(
        p.to_string()
            .contains("re-spells the term `credentialStatus`"),
        "{p}"
    );
    // A credential (self-issued, did:key) naming someone else's list.
    let key =
        elicence_core::keys::SigningKey::generate(KeyAlgorithm::Ed25519, &mut rand_core::OsRng);
    let did = elicence_core::did::did_key(&key.public_key());
    let foreign = proof::sign(
        &json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": did,
            "credentialSubject": {"id": "did:example:holder"},
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                "statusListIndex": "5", "statusListCredential": "https://status.example.org/lists/1"}
        }),
        proof::Cryptosuite::EddsaRdfc2022,
        &key,
        &proof::ProofOptions::new(
            elicence_core::did::did_key_verification_method(&key.public_key()),
            "2026-01-01T00:00:00Z",
        ),
    )
    .unwrap();
    let p = verify(&foreign).problem(400);
    assert_eq!(p["errors"][0]["name"], "STATUS_NOT_CHECKED", "{p}");
    // ... or pointing at one of this service's lists it did not issue.
    let mut borrowed = foreign.clone();
    borrowed.as_object_mut().unwrap().remove("proof");
    borrowed["credentialStatus"]["statusListCredential"] =
        vc["credentialStatus"][0]["statusListCredential"].clone();
    let borrowed = proof::sign(
        &borrowed,
        proof::Cryptosuite::EddsaRdfc2022,
        &key,
        &proof::ProofOptions::new(
            elicence_core::did::did_key_verification_method(&key.public_key()),
            "2026-01-01T00:00:00Z",
        ),
    )
    .unwrap();
    let p = verify(&borrowed).problem(400);
    assert!(
        p.to_string().contains("not to the credential's issuer"),
        "{p}"
    );
}

/// The VC API never signs a credential whose JSON re-spells what it means
/// (verifiers would refuse it), whatever the suite.
#[test]
fn vc_api_refuses_to_sign_a_re_spelled_credential() {
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue]);
    for suite in ["eddsa-rdfc-2022", "eddsa-jcs-2022"] {
        let credential = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:holder"},
            "https://www.w3.org/2018/credentials#validUntil":
                {"@value": "2030-01-01T00:00:00Z", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}
        });
        let p = issue(&svc, &t, credential, json!({"cryptosuite": suite})).problem(400);
        assert!(
            p.to_string().contains("re-spells the term `validUntil`"),
            "{suite}: {p}"
        );
    }
}

/// The inspector's precompressed copies (scripts/build-web.sh writes `.br`
/// and `.gz` beside each file) reach browsers that accept them, but a copy
/// that is a link out of the folder is never followed.
#[test]
fn the_inspector_serves_its_precompressed_copies_and_only_from_inside() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let web = dir.path().join("web");
    std::fs::create_dir_all(&web).unwrap();
    std::fs::write(web.join("index.html"), "<title>elicence inspector</title>").unwrap();
    std::fs::write(web.join("app.js"), "export {}").unwrap();
    std::fs::write(web.join("app.js.br"), "BROTLI COPY").unwrap();
    std::fs::write(web.join("app.js.gz"), "GZIP COPY").unwrap();
    std::fs::write(dir.path().join("outside.txt"), "OUTSIDE").unwrap();
    std::fs::write(web.join("sw.js"), "self").unwrap();
    symlink(dir.path().join("outside.txt"), web.join("sw.js.br")).unwrap();
    let mut config = common::prepare(dir.path(), "");
    config.inspector_dir = Some(web.clone());
    let svc = common::start_with(dir, config);
    let header = |r: &common::Resp, name: &str| {
        r.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let br = svc.get("/inspect/app.js", &[("accept-encoding", "br")]);
    assert_eq!(br.status, 200);
    assert_eq!(header(&br, "content-encoding").as_deref(), Some("br"));
    assert_eq!(br.body, "BROTLI COPY");
    let gz = svc.get("/inspect/app.js", &[("accept-encoding", "gzip")]);
    assert_eq!(header(&gz, "content-encoding").as_deref(), Some("gzip"));
    let plain = svc.get("/inspect/app.js", &[("accept-encoding", "identity")]);
    assert_eq!(plain.body, "export {}");
    assert_eq!(header(&plain, "content-encoding"), None);
    let linked = svc.get("/inspect/sw.js", &[("accept-encoding", "br")]);
    assert_eq!(
        linked.body, "self",
        "a .br link out of the folder is not followed"
    );
    assert_eq!(header(&linked, "content-encoding"), None);
}
