//! Several issuer instances on one PostgreSQL database, as behind a load
//! balancer: status indices never handed out twice (the database decides),
//! issuance idempotent whichever instance takes the retry, status lists the
//! same bytes and ETag from every instance, and agencies, keys and tokens
//! changed through one seen by all without a restart.
//!
//! These tests always use PostgreSQL (`ELICENCE_TEST_PG`, default the
//! machine's server), each on its own fresh database.

mod common;

use std::collections::HashSet;

use common::{iri_path, licence, start_with, token, Service};
use elicence_issuer::admin::{self, Scope};
use elicence_issuer::{store, Config};

/// Three instances on one fresh PostgreSQL database with `extra` config.
/// The first owns the database (dropped with it), so it is returned first
/// and must be dropped last.
fn three(extra: &str) -> Vec<Service> {
    let dir = tempfile::tempdir().unwrap();
    common::create_test_database(dir.path());
    let config = common::prepare(dir.path(), extra);
    assert!(config.database.to_str().unwrap().starts_with("postgres://"));
    let first = start_with(dir, config.clone());
    let mut all = vec![first];
    for _ in 0..2 {
        all.push(start_with(tempfile::tempdir().unwrap(), config.clone()));
    }
    all
}

fn count(config: &Config, sql: &str) -> i64 {
    let conn = store::open(&config.database, config.durability).unwrap();
    conn.query_one(sql, &[]).unwrap().get(0).unwrap()
}

#[test]
fn status_indices_are_never_handed_out_twice_across_instances() {
    // A list closes at 0.2% (262 entries), so the instances also race to
    // open new lists while they issue.
    let services = three("max_fill = 0.002\n");
    let t = token(&services[0].config, "bangrak", &[Scope::Issue]);
    let per_thread = 40;
    std::thread::scope(|s| {
        for (n, svc) in services.iter().enumerate() {
            for thread in 0..3 {
                let t = &t;
                s.spawn(move || {
                    for i in 0..per_thread {
                        let r = svc.post_json(
                            "/licences",
                            Some(t),
                            &licence(&format!("i/{n}/{thread}/{i}")),
                        );
                        assert_eq!(r.status, 201, "{}", r.body);
                    }
                });
            }
        }
    });
    let config = &services[0].config;
    let total = 3 * 3 * per_thread;
    assert_eq!(count(config, "SELECT COUNT(*) FROM credentials"), total);
    assert_eq!(
        count(
            config,
            "SELECT COUNT(*) FROM (SELECT DISTINCT status_list, status_index FROM credentials) x"
        ),
        total,
        "a status index was handed out twice"
    );
    // 360 entries at 262 per list: the instances agreed on opening list 2
    // (no instance opened a list of its own beyond it).
    assert_eq!(
        count(config, "SELECT MAX(status_list) FROM credentials"),
        2,
        "lists were opened per instance, not per database"
    );
}

#[test]
fn issuance_is_idempotent_whichever_instance_answers() {
    let services = three("");
    let t = token(&services[0].config, "bangrak", &[Scope::Issue]);
    let body = licence("idem/1");
    // The same request at the same moment on all three instances.
    let answers: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = services
            .iter()
            .map(|svc| {
                let (t, body) = (&t, &body);
                s.spawn(move || svc.post_json("/licences", Some(t), body))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let created = answers.iter().filter(|r| r.status == 201).count();
    assert_eq!(created, 1, "exactly one instance creates the licence");
    assert!(answers.iter().all(|r| r.status == 201 || r.status == 200));
    let first = answers[0].json();
    for a in &answers {
        assert_eq!(a.json(), first, "every instance returns the same licence");
    }
    assert_eq!(
        count(&services[0].config, "SELECT COUNT(*) FROM credentials"),
        1
    );
    // Different data under the same number is a conflict on every instance.
    let mut other = body.clone();
    other["licensee"]["name"]["th"] = "บริษัทอื่น จำกัด".into();
    for svc in &services {
        svc.post_json("/licences", Some(&t), &other).problem(409);
    }
}

#[test]
fn status_lists_are_the_same_from_every_instance_and_show_revocations() {
    let services = three("");
    let t = token(
        &services[0].config,
        "bangrak",
        &[Scope::Issue, Scope::Revoke],
    );
    let vc = services[0]
        .post_json("/licences", Some(&t), &licence("s/1"))
        .json();
    let path = "/agencies/bangrak/status/revocation/1";
    let lists: Vec<_> = services.iter().map(|s| s.get(path, &[])).collect();
    for l in &lists {
        assert_eq!(l.status, 200);
        assert_eq!(l.body, lists[0].body, "same signed bytes");
        assert_eq!(l.header("etag"), lists[0].header("etag"), "same ETag");
    }
    let old_etag = lists[0].header("etag").unwrap().to_string();
    // Revoked through instance 2 ...
    let r = services[1].post(
        &format!("{}/revoke", iri_path(vc["id"].as_str().unwrap())),
        Some(&t),
        "application/json",
        "",
    );
    assert!(r.status < 300, "{}", r.body);
    // ... instance 2 shows it at once, and so does the stored copy every
    // instance serves once its own short-lived copy expires: a new instance
    // (nothing cached) serves the revoked list, byte for byte the same.
    let after = services[1].get(path, &[]);
    assert_ne!(after.header("etag").unwrap(), old_etag);
    let index: usize = vc["credentialStatus"][0]["statusListIndex"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let encoded = after.json()["credentialSubject"]["encodedList"]
        .as_str()
        .unwrap()
        .to_string();
    let bits = elicence_core::status::Bitstring::decode(&encoded).unwrap();
    assert!(bits.get(index as u64).unwrap(), "revocation bit set");
    let fresh = start_with(tempfile::tempdir().unwrap(), services[0].config.clone());
    let seen = fresh.get(path, &[]);
    assert_eq!(seen.body, after.body);
    assert_eq!(seen.header("etag"), after.header("etag"));
    // The licence's own status answer is read from the database: the same
    // on every instance immediately.
    for svc in &services {
        let status = svc.get(
            &iri_path(vc["id"].as_str().unwrap()),
            &[("accept", "application/vc")],
        );
        assert_eq!(status.status, 200);
    }
}

#[test]
fn agencies_keys_and_tokens_changed_once_are_seen_by_all_instances() {
    let services = three("");
    let config = &services[0].config;
    // A token created by the admin CLI works on every instance at once.
    let mut conn = store::open(&config.database, config.durability).unwrap();
    let new =
        admin::create_token(&conn, "bangrak", &[Scope::Issue], Some("t"), "admin:test").unwrap();
    for (n, svc) in services.iter().enumerate() {
        let r = svc.post_json("/licences", Some(&new.token), &licence(&format!("k/{n}")));
        assert_eq!(r.status, 201, "{}", r.body);
    }
    // Revoked once: refused everywhere at once.
    admin::revoke_token(&conn, &new.id, "admin:test").unwrap();
    for svc in &services {
        svc.post_json("/licences", Some(&new.token), &licence("k/x"))
            .problem(401);
    }
    // A new agency and a rotated key show on every instance without restart.
    let master = elicence_issuer::crypto::MasterKey::load(&config.master_key).unwrap();
    let multikey = common::add_phuket_and_a_bangrak_key(&mut conn, &master, config.origin());
    let mut documents = HashSet::new();
    for svc in &services {
        assert_eq!(svc.get("/agencies/phuket/did.json", &[]).status, 200);
        let doc = svc.get("/agencies/bangrak/did.json", &[]);
        assert!(doc.body.contains(&multikey), "new key published");
        documents.insert(doc.body);
    }
    assert_eq!(documents.len(), 1, "one DID document whichever instance");
}
