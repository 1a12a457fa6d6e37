//! TLS to PostgreSQL against the machine's real server (127.0.0.1:5432,
//! which serves TLS with its own certificate for `localhost`): with
//! `sslmode=verify-full&sslrootcert=…` the service's connections are
//! encrypted, and a server that does not prove the expected name with a
//! certificate from the given roots is refused (no fallback to plain text).

mod common;

use elicence_issuer::admin::Scope;
use elicence_issuer::Config;

/// The server's certificate file, read as its administrator could.
fn server_certificate() -> String {
    let mut admin = postgres::Client::connect(&common::pg_admin_url(), postgres::NoTls).unwrap();
    let ssl: String = admin.query_one("SHOW ssl", &[]).unwrap().get(0);
    assert_eq!(
        ssl, "on",
        "this test needs the PostgreSQL server's TLS (ssl = on, as Debian configures it)"
    );
    admin.query_one("SHOW ssl_cert_file", &[]).unwrap().get(0)
}

fn with_database(config: &Config, url: String) -> Config {
    let mut config = config.clone();
    config.database = url.into();
    config
}

#[test]
fn connections_to_postgresql_are_verified_tls_with_verify_full() {
    let root = server_certificate();
    let dir = tempfile::tempdir().unwrap();
    let plain = common::create_test_database(dir.path());
    let _database = common::DatabaseGuard(dir.path());
    let config = common::prepare(dir.path(), "");
    let name = plain.rsplit('/').next().unwrap().to_string();
    let on_host = |host: &str, root: &str| {
        format!(
            "{}?sslmode=verify-full&sslrootcert={root}",
            plain.replace("127.0.0.1", host)
        )
    };

    let svc = common::start_with(
        tempfile::tempdir().unwrap(),
        with_database(&config, on_host("localhost", &root)),
    );
    let t = common::token(&svc.config, "bangrak", &[Scope::Issue]);
    let r = svc.post_json("/licences", Some(&t), &common::licence("TLS-PG/2569"));
    assert_eq!(r.status, 201, "{}", r.body);
    // Every connection the service holds to its database is encrypted.
    let mut admin = postgres::Client::connect(&common::pg_admin_url(), postgres::NoTls).unwrap();
    let row = admin
        .query_one(
            "SELECT COUNT(*) FILTER (WHERE s.ssl), COUNT(*) FILTER (WHERE NOT s.ssl)
             FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
             WHERE a.datname = $1 AND a.pid <> pg_backend_pid()",
            &[&name],
        )
        .unwrap();
    let (encrypted, plain_text): (i64, i64) = (row.get(0), row.get(1));
    assert!(encrypted >= 1, "the service's connections use TLS");
    assert_eq!(plain_text, 0, "no plain-text connection from the service");
    drop(svc);

    // Roots that did not sign the server's certificate: refused.
    let other =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/localhost.cert.pem");
    let e = elicence_issuer::server::build_state(with_database(
        &config,
        on_host("localhost", other.to_str().unwrap()),
    ))
    .unwrap_err();
    assert!(e.to_string().contains("invalid peer certificate"), "{e}");
    // The right roots, but the server's certificate does not name 127.0.0.1.
    let e =
        elicence_issuer::server::build_state(with_database(&config, on_host("127.0.0.1", &root)))
            .unwrap_err();
    assert!(e.to_string().contains("not valid for name"), "{e}");
}
