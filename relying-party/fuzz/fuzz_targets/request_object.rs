//! Hostile links, request objects and DCQL queries, as a wallet receives
//! them: `parse_link`, `verify_request_object` and `DcqlQuery::parse` must
//! return a value or a typed error, never panic; a query that parses
//! serialises to one that parses to the same query.
//!
//! The first byte picks the layer: 0 mod 3 = the rest is a link, 1 mod 3 =
//! a request object for a fixed link, 2 mod 3 = a DCQL query (JSON).
#![no_main]

use std::time::SystemTime;

use elicence_relying_party::dcql::DcqlQuery;
use elicence_relying_party::request::{parse_link, verify_request_object, WalletLink};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match selector % 3 {
        0 => {
            let _ = parse_link(text);
        }
        1 => {
            let link = WalletLink {
                client_id: "x509_san_dns:bank.example.co.th".into(),
                request_uri: "https://bank.example.co.th/requests/x/request.jwt".into(),
            };
            let _ = verify_request_object(text, &link, &[], SystemTime::now());
            let dev = WalletLink {
                client_id: "redirect_uri:http://localhost:8090/r".into(),
                request_uri: "http://localhost:8090/requests/x/request.jwt".into(),
            };
            let _ = verify_request_object(text, &dev, &[], SystemTime::now());
        }
        _ => {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
                return;
            };
            if let Ok(q) = DcqlQuery::parse(&value) {
                let again = DcqlQuery::parse(&serde_json::to_value(&q).unwrap()).unwrap();
                assert_eq!(again, q);
                for c in &q.credentials {
                    let _ = c.select(&value);
                }
            }
        }
    }
});
