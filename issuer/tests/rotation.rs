//! Master-key rotation: every stored signing key re-encrypted in one
//! transaction, all or nothing, while a running service keeps issuing.
//! Runs on SQLite, or PostgreSQL with `ELICENCE_TEST_DATABASE=postgres`.

mod common;

use common::{licence, start, token};
use elicence_issuer::admin::{self, Scope};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::registry::load_agencies;
use elicence_issuer::{store, IssuerError};

fn new_master() -> MasterKey {
    MasterKey::parse(&MasterKey::generate_hex()).unwrap()
}

#[test]
fn rotation_re_encrypts_every_key_and_the_running_service_keeps_issuing() {
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue]);
    assert_eq!(
        svc.post_json("/licences", Some(&t), &licence("r/1")).status,
        201
    );
    let old = MasterKey::load(&svc.config.master_key).unwrap();
    let new = new_master();
    let mut conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    let before = load_agencies(&conn, svc.config.origin(), &old).unwrap();
    let n = admin::rotate_master_key(&mut conn, &old, &new, "admin:test").unwrap();
    assert_eq!(n, 2, "both agencies' keys");
    // Only the new key opens them now, and they are the same keys.
    assert!(matches!(
        load_agencies(&conn, svc.config.origin(), &old),
        Err(IssuerError::Decrypt)
    ));
    let after = load_agencies(&conn, svc.config.origin(), &new).unwrap();
    for (code, agency) in &before {
        assert_eq!(
            after[code].keys[0].public, agency.keys[0].public,
            "{code}: same key material"
        );
    }
    // The running instance (still on the old master key) keeps issuing.
    let r = svc.post_json("/licences", Some(&t), &licence("r/2"));
    assert_eq!(r.status, 201, "{}", r.body);
    let log = store::audit_log(&conn, None).unwrap();
    assert!(log.iter().any(|e| e.action == "master-key.rotate"));
}

#[test]
fn a_rotation_that_fails_midway_changes_nothing() {
    let svc = start("");
    let old = MasterKey::load(&svc.config.master_key).unwrap();
    let mut conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    // The last key (in rotation order) cannot be opened: the rotation stops
    // there, after re-encrypting the others inside its transaction, as a
    // kill at that moment would.
    let last: String = conn
        .query_one("SELECT MAX(id) FROM signing_keys", &[])
        .unwrap()
        .get(0)
        .unwrap();
    let sealed: Vec<u8> = conn
        .query_one(
            "SELECT sealed FROM signing_keys WHERE id = ?1",
            &[last.as_str().into()],
        )
        .unwrap()
        .get(0)
        .unwrap();
    let mut broken = sealed.clone();
    let end = broken.len() - 1;
    broken[end] ^= 1;
    conn.execute(
        "UPDATE signing_keys SET sealed = ?2 WHERE id = ?1",
        &[last.as_str().into(), broken.into()],
    )
    .unwrap();
    let err = admin::rotate_master_key(&mut conn, &old, &new_master(), "admin:test").unwrap_err();
    assert!(matches!(err, IssuerError::Decrypt), "{err}");
    // Put the key back: every key opens with the old master key again, so
    // nothing of the failed rotation was kept.
    conn.execute(
        "UPDATE signing_keys SET sealed = ?2 WHERE id = ?1",
        &[last.as_str().into(), sealed.into()],
    )
    .unwrap();
    let agencies = load_agencies(&conn, svc.config.origin(), &old).unwrap();
    assert_eq!(agencies.len(), 2);
    assert!(!store::audit_log(&conn, None)
        .unwrap()
        .iter()
        .any(|e| e.action == "master-key.rotate"));
}
