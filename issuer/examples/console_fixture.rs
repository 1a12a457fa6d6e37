//! A throwaway issuer service for the console's browser tests
//! (`issuer/web-tests`): a temporary database with agency `bangrak`, an
//! issuer, a revoker and a viewer account. Prints one JSON line
//! `{"url", "users": [{"username", "password", "role", "totp"}]}` (TOTP keys in
//! base32), serves on 127.0.0.1 until its standard input closes, then removes
//! everything.
//!
//! `cargo run -p elicence-issuer --example console_fixture`

use std::io::Read;

use elicence_core::keys::KeyAlgorithm;
use elicence_issuer::admin::{self, NewAgency};
use elicence_issuer::console::accounts::{self, NewAccount, Role};
use elicence_issuer::console::totp;
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::server::{build_state, serve_on};
use elicence_issuer::{store, Config};
use serde_json::json;

const PASSWORD: &str = "รหัสผ่านทดสอบ-2569";

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    elicence_issuer::crypto::write_master_key_file(&dir.path().join("master.key")).expect("key");
    let path = dir.path().join("issuer.toml");
    std::fs::write(
        &path,
        format!(
            "listen = \"127.0.0.1:0\"\npublic_url = \"https://licence.example.go.th\"\ndatabase = \"{}\"\ndurability = \"normal\"\n[master_key]\nfile = \"{}\"\n",
            dir.path().join("issuer.db").display(),
            dir.path().join("master.key").display()
        ),
    )
    .expect("config");
    let config = Config::load(&path).expect("config");
    let master = MasterKey::load(&config.master_key).expect("master key");
    let mut conn = store::open(&config.database, config.durability).expect("db");
    admin::add_agency(
        &mut conn,
        &master,
        config.origin(),
        &NewAgency {
            code: "bangrak",
            name_th: "สำนักงานเขตบางรัก กรุงเทพมหานคร",
            name_en: "Bang Rak District Office, Bangkok",
            algorithm: KeyAlgorithm::Ed25519,
            did_method: Default::default(),
        },
        "admin:fixture",
    )
    .expect("agency");
    let mut users = Vec::new();
    for (username, name, role) in [
        ("wanna", "วรรณา ออกใบ", Role::Issuer),
        ("prasert", "ประเสริฐ เพิกถอน", Role::Revoker),
        ("malee", "มาลี ดูข้อมูล", Role::Viewer),
        ("boss", "สมชาย ผู้ดูแล", Role::Admin),
    ] {
        let created = accounts::add_account(
            &conn,
            &master,
            &NewAccount {
                agency: "bangrak",
                username,
                display_name: name,
                role,
                password: PASSWORD,
            },
            "admin:fixture",
        )
        .expect("account");
        users.push(json!({
            "username": username,
            "password": PASSWORD,
            "role": role.name(),
            "totp": created.totp_secret.map(|s| totp::secret_base32(&s)),
        }));
    }
    drop(conn);

    let state = build_state(config).expect("state");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(serve_on(listener, state, async {
        let _ = stopped.await;
    }));
    println!(
        "{}",
        json!({"url": format!("http://{addr}"), "users": users})
    );
    // Serve until the test closes our standard input.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    let _ = stop.send(());
    let _ = rt.block_on(server);
}
