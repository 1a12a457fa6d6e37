//! A running relying party for the browser test (relying-party/web-tests):
//! starts the service on a free port with the test fixtures, creates one
//! request, writes a licence, a holder key and the relying party's
//! certificate into its folder, prints one JSON line with all of it, and
//! serves until its standard input closes (then the folder is removed).

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Read as _;

use common::*;
use serde_json::json;

fn main() {
    // FIXTURE_DNS=localhost: the certificate names the host answers go to,
    // as wallets without trust anchors require.
    let rp = match std::env::var("FIXTURE_DNS").ok().as_deref() {
        Some("localhost") => Rp::start_as(600, "", "localhost", "localhost"),
        _ => Rp::start(600),
    };
    let holder = holder_key();
    let credential = rp.dir.path().join("licence.sd-jwt");
    std::fs::write(&credential, diw_licence(&holder)).unwrap();
    let key = rp.dir.path().join("holder.pem");
    std::fs::write(&key, holder.to_pkcs8_pem().as_bytes()).unwrap();
    let ca = rp.dir.path().join("rp-ca.pem");
    std::fs::write(&ca, &rp.certificate_pem).unwrap();
    let (status, created) = post(
        &format!("{}/requests", rp.base),
        "application/json",
        &json!({ "dcql_query": query("factory-op") }).to_string(),
    );
    assert_eq!(status, 201);
    println!(
        "{}",
        json!({
            "base": rp.base, "id": created["id"], "uri": created["uri"],
            "credential": credential, "key": key, "ca": ca,
        })
    );
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}
