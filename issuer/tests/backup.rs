//! Backup and restore on PostgreSQL, as docs/deploy.md tells operators to do
//! it: `pg_dump -Fc` of a live service's database, `pg_restore` into a fresh
//! database, a service started on the copy with the same master key serves
//! every licence byte for byte, with its status, and goes on issuing.

mod common;

use std::process::Command;

use common::{iri_path, licence, start_with, token};
use elicence_issuer::admin::Scope;

#[test]
fn a_restored_backup_serves_every_licence_and_keeps_issuing() {
    let dir = tempfile::tempdir().unwrap();
    let source_url = common::create_test_database(dir.path());
    let config = common::prepare(dir.path(), "");
    let svc = start_with(dir, config.clone());
    let t = token(&config, "bangrak", &[Scope::Issue, Scope::Revoke]);
    let issued: Vec<serde_json::Value> = (0..20)
        .map(|i| {
            let r = svc.post_json("/licences", Some(&t), &licence(&format!("b/{i}")));
            assert_eq!(r.status, 201, "{}", r.body);
            r.json()
        })
        .collect();
    let revoked = issued[3]["id"].as_str().unwrap().to_string();
    let r = svc.post(
        &format!("{}/revoke", iri_path(&revoked)),
        Some(&t),
        "application/json",
        "",
    );
    assert!(r.status < 300, "{}", r.body);

    // Back up the live database.
    let backup_dir = tempfile::tempdir().unwrap();
    let dump = backup_dir.path().join("issuer.dump");
    let out = Command::new("pg_dump")
        .args(["-Fc", "-f"])
        .arg(&dump)
        .arg(&source_url)
        .output()
        .expect("pg_dump (postgresql-client, installed by scripts/setup.sh)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Restore into a fresh database and serve it.
    let restored_dir = tempfile::tempdir().unwrap();
    let restored_url = common::create_test_database(restored_dir.path());
    let out = Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "-d", &restored_url])
        .arg(&dump)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut restored_config = config.clone();
    restored_config.database = restored_url.into();
    let copy = start_with(restored_dir, restored_config);
    for vc in &issued {
        let path = iri_path(vc["id"].as_str().unwrap());
        let a = svc.get(&path, &[("accept", "application/vc")]);
        let b = copy.get(&path, &[("accept", "application/vc")]);
        assert_eq!(b.status, 200, "{}", b.body);
        assert_eq!(a.body, b.body, "{path}: the same licence");
    }
    // The revocation came along: the licence's status bit is set in the
    // restored service's list.
    let index: u64 = issued[3]["credentialStatus"][0]["statusListIndex"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let list = copy
        .get("/agencies/bangrak/status/revocation/1", &[])
        .json();
    let bits = elicence_core::status::Bitstring::decode(
        list["credentialSubject"]["encodedList"].as_str().unwrap(),
    )
    .unwrap();
    assert!(bits.get(index).unwrap());
    // Tokens, keys and sequences came along too: the copy goes on issuing,
    // and a replay of an old request is recognised, not issued twice.
    assert_eq!(
        copy.post_json("/licences", Some(&t), &licence("b/new"))
            .status,
        201
    );
    assert_eq!(
        copy.post_json("/licences", Some(&t), &licence("b/0"))
            .status,
        200
    );
    drop(copy);
    drop(backup_dir);
}
