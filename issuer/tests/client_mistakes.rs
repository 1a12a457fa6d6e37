//! Client mistakes are 4xx problems naming the field, never a 500: data that
//! cannot be signed as given is refused with the Data Integrity error name.

mod common;

use std::io::{Read, Write};

use common::{licence, start, token, Service};
use elicence_issuer::admin::Scope;
use serde_json::{json, Value};

const V1: &str = "https://www.w3.org/2018/credentials/v1";
const V2: &str = "https://www.w3.org/ns/credentials/v2";
const EXAMPLES: &str = "https://www.w3.org/ns/credentials/examples/v2";

fn credential(context: &[&str], subject: Value) -> Value {
    json!({"@context": context, "type": ["VerifiableCredential"], "credentialSubject": subject})
}

fn no_server_errors(svc: &Service) {
    let ops = token(&svc.config, "bangrak", &[Scope::Metrics]);
    let metrics = svc
        .get("/metrics", &[("authorization", &format!("Bearer {ops}"))])
        .body;
    assert!(
        metrics.contains("elicence_http_responses_total{class=\"5xx\"} 0"),
        "{metrics}"
    );
}

#[test]
fn vc_api_refuses_unsignable_credentials_with_the_spec_error_name() {
    let svc = start("");
    let t = token(&svc.config, "chiangmai", &[Scope::Issue]);
    let did = "did:web:licence.example.go.th:agencies:chiangmai";
    let mut with_base_url = credential(&[V2], json!({"id": "did:example:1"}));
    with_base_url["issuer"] =
        json!({"id": did, "baseUrl": "https://licence.example.go.th/agencies/chiangmai"});
    let cases = [
        (
            credential(&[V2], json!({"id": ["did:example:1"]})),
            "credential.credentialSubject.id",
            "MALFORMED_VALUE_ERROR",
        ),
        (
            credential(
                &[V2, EXAMPLES],
                json!({"id": "did:example:1", "name": {"@value": "x", "@language": "en", "extra": "y"}}),
            ),
            "credential.credentialSubject.name",
            "MALFORMED_VALUE_ERROR",
        ),
        (
            credential(&[V1], json!({"id": "did:example:1", "undefinedTerm": "x"})),
            "credential.credentialSubject.undefinedTerm",
            "DATA_LOSS_DETECTION_ERROR",
        ),
        (
            credential(&[V2], json!({"id": "did:example:1", "@unknownKeyword": 1})),
            "credential.credentialSubject.@unknownKeyword",
            "DATA_LOSS_DETECTION_ERROR",
        ),
        (
            with_base_url,
            "credential.issuer.baseUrl",
            "DATA_LOSS_DETECTION_ERROR",
        ),
        (
            credential(&[V2], json!({"id": "not-an-iri"})),
            "credential",
            "DATA_LOSS_DETECTION_ERROR",
        ),
    ];
    for (credential, field, code) in cases {
        let p = svc
            .post_json(
                "/credentials/issue",
                Some(&t),
                &json!({"credential": credential}),
            )
            .problem(400);
        assert_eq!(p["field"], field, "{p}");
        assert_eq!(p["code"], code, "{p}");
        assert_eq!(p["errors"][0]["name"], code, "{p}");
    }
    no_server_errors(&svc);
}

#[test]
fn verification_names_dropped_and_malformed_data() {
    let svc = start("");
    let t = token(&svc.config, "chiangmai", &[Scope::Issue]);
    let req = json!({"credential": credential(&[V1], json!({"id": "did:example:1"}))});
    let r = svc.post_json("/credentials/issue", Some(&t), &req);
    assert_eq!(r.status, 201, "{}", r.body);
    let vc = r.json()["verifiableCredential"].clone();
    // A member nobody signed, added after issuance.
    let mut added = vc.clone();
    added["credentialSubject"]["undefinedTerm"] = json!("forged");
    let p = svc
        .post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": added}),
        )
        .problem(400);
    assert_eq!(p["errors"][0]["name"], "DATA_LOSS_DETECTION_ERROR", "{p}");
    let mut malformed = vc.clone();
    malformed["credentialSubject"]["id"] = json!(["did:example:1"]);
    let p = svc
        .post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": malformed}),
        )
        .problem(400);
    assert_eq!(p["errors"][0]["name"], "MALFORMED_VALUE_ERROR", "{p}");
    no_server_errors(&svc);
}

#[test]
fn licence_mistakes_name_the_field() {
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue]);
    // 130 identical conditions: canonicalization would refuse the list as a
    // poison graph; the data is refused first, by name.
    let mut repeated = licence("m/1");
    repeated["conditions"] = json!(vec!["ห้ามจำหน่ายสุรา"; 130]);
    let p = svc.post_json("/licences", Some(&t), &repeated).problem(422);
    assert_eq!(p["field"], "conditions", "{p}");
    // Batch rows too.
    let r = svc.post(
        "/licences:batch",
        Some(&t),
        "application/x-ndjson",
        &format!("{repeated}\n"),
    );
    let row: Value = serde_json::from_str(r.body.lines().next().unwrap()).unwrap();
    assert_eq!(
        (row["status"].clone(), row["field"].clone()),
        (json!(422), json!("conditions"))
    );
    no_server_errors(&svc);
}

fn raw(svc: &Service, request: &[u8]) -> (String, String) {
    let mut s = std::net::TcpStream::connect(svc.addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (head.to_ascii_lowercase(), body.to_string())
}

#[test]
fn protocol_level_mistakes_are_problems_too() {
    let svc = start("");
    // A path that is not UTF-8 once percent-decoded.
    let (head, body) = raw(
        &svc,
        b"GET /agencies/%FF%FE/did.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(head.starts_with("http/1.1 400"), "{head}");
    assert!(
        head.contains("content-type: application/problem+json"),
        "{head}"
    );
    let p: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(p["status"], 400);
    // A request target over 8 KiB.
    let long = format!(
        "GET /agencies/{}/did.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(9000)
    );
    let (head, body) = raw(&svc, long.as_bytes());
    assert!(head.starts_with("http/1.1 414"), "{head}");
    assert!(
        head.contains("content-type: application/problem+json"),
        "{head}"
    );
    let p: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(p["status"], 414);
    // A Content-Length beyond the limit is refused before any body is read.
    let (head, body) = raw(
        &svc,
        b"POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 999999999999\r\n\r\n{}",
    );
    assert!(head.starts_with("http/1.1 413"), "{head}");
    let p: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(p["status"], 413);
    // Missing files of the inspector app would be plain 404s from the file
    // server: covered by the same conversion.
    svc.get("/agencies/bangrak/licences", &[]).problem(404);
    no_server_errors(&svc);
}

#[test]
fn the_documented_minimal_csv_issues_and_dates_are_strict() {
    use elicence_issuer::batch::CSV_REQUIRED_COLUMNS;
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue]);
    let cell = |column: &str, n: usize, from: &str| -> String {
        match column {
            "licenceType.code" => "food-sale".into(),
            "licenceType.name.th" => "ใบอนุญาตจำหน่ายอาหาร".into(),
            "licenceType.name.en" => "Food sale".into(),
            "licenceNumber" => format!("min/{n}"),
            "licensee.juristicPersonId" => "0105536112014".into(),
            "licensee.name.th" => "บริษัท ก จำกัด".into(),
            "licensee.name.en" => "Kor Co. Ltd.".into(),
            "premises.address.th" => "1 ถนนสีลม".into(),
            "permittedActivities" => "ขายอาหาร".into(),
            "validFrom" => from.into(),
            "validUntil" => "2027-01-01T00:00:00+07:00".into(),
            other => panic!("{other}"),
        }
    };
    let csv = |columns: &[&str], rows: &[(usize, &str)]| -> String {
        let mut out = columns.join(",") + "\n";
        for (n, from) in rows {
            let cells: Vec<String> = columns.iter().map(|c| cell(c, *n, from)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    };
    let ok = "2026-01-01T00:00:00+07:00";
    let r = svc.post(
        "/licences:batch",
        Some(&t),
        "text/csv",
        &csv(
            &CSV_REQUIRED_COLUMNS,
            &[
                (1, ok),
                (2, "2026-01-01t00:00:00z"),
                (3, "2026-06-30T23:59:60Z"),
            ],
        ),
    );
    let rows: Vec<Value> = r
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows[0]["status"], 201, "{}", r.body);
    for row in &rows[1..] {
        assert_eq!(
            (row["status"].clone(), row["field"].clone()),
            (json!(422), json!("validFrom")),
            "{row}"
        );
    }
    // Each documented required column is needed: without it, the header is refused by name.
    for missing in CSV_REQUIRED_COLUMNS {
        let columns: Vec<&str> = CSV_REQUIRED_COLUMNS
            .iter()
            .copied()
            .filter(|c| *c != missing)
            .collect();
        let p = svc
            .post(
                "/licences:batch",
                Some(&t),
                "text/csv",
                &csv(&columns, &[(9, ok)]),
            )
            .problem(422);
        assert!(p["detail"].as_str().unwrap().contains(missing), "{p}");
    }
    // The VC API is as strict.
    let vc = svc.post_json(
        "/credentials/issue",
        Some(&token(&svc.config, "chiangmai", &[Scope::Issue])),
        &json!({"credential": {
            "@context": [V2], "type": ["VerifiableCredential"],
            "validFrom": "2026-06-30T23:59:60Z",
            "credentialSubject": {"id": "did:example:1"}}}),
    );
    assert_eq!(vc.problem(400)["field"], "credential.validFrom");
    no_server_errors(&svc);
}

#[test]
fn batch_lines_are_bounded_while_reading() {
    let svc = start("[limits]\nmax_body_bytes = 65536\n");
    let t = token(&svc.config, "bangrak", &[Scope::Issue]);
    // One endless line (like a CR-only CSV read as LF lines, or /dev/zero):
    // the service refuses it after 64 KiB instead of holding it all.
    let mut s = std::net::TcpStream::connect(svc.addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    write!(
        s,
        "POST /licences:batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {t}\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .unwrap();
    let mut writer = s.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let chunk = format!("{:x}\r\n{}\r\n", 8192, "x".repeat(8192));
        // Sends until the service closes the connection (bounded: 1 GiB).
        for _ in 0..(1 << 17) {
            if writer.write_all(chunk.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("\"status\":413") {
        let n = s.read(&mut buf).expect("the refusal arrives");
        assert!(
            n > 0,
            "closed without a refusal: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
    drop(s);
    sender.join().unwrap();

    // CSV with old-style CR-only line endings is read line by line.
    let header = elicence_issuer::batch::CSV_COLUMNS.join(",");
    let row = |n: &str| {
        format!("food-sale,ใบอนุญาต,Food sale,{n},0105536112014,บริษัท ก จำกัด,Kor Co,,ที่อยู่,,ขายอาหาร,,2026-01-01T00:00:00+07:00,2026-12-31T23:59:59+07:00")
    };
    let csv = format!("{header}\r{}\r{}\r", row("cr/1"), row("cr/2"));
    let r = svc.post("/licences:batch", Some(&t), "text/csv", &csv);
    let statuses: Vec<u64> = r
        .body
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["status"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(statuses, [201, 201], "{}", r.body);
    no_server_errors(&svc);
}

#[test]
fn configuration_ranges_are_checked_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let base = common::config_text(dir.path(), "");
    assert!(elicence_issuer::Config::parse(&base).is_ok());
    for (from, to, why) in [
        ("ttl_seconds = 60", "ttl_seconds = 0", "status.ttl_seconds"),
        (
            "ttl_seconds = 60",
            "ttl_seconds = 18446744073709551615",
            "status.ttl_seconds",
        ),
        (
            "ttl_seconds = 60",
            "ttl_seconds = 86401",
            "status.ttl_seconds",
        ),
    ] {
        let err = elicence_issuer::Config::parse(&base.replace(from, to)).unwrap_err();
        assert!(err.contains(why), "{to}: {err}");
    }
    for (extra, why) in [
        ("[limits]\nmax_connections = 0\n", "max_connections"),
        (
            "[limits]\nheader_read_timeout_seconds = 0\n",
            "header_read_timeout",
        ),
    ] {
        let err = elicence_issuer::Config::parse(&format!("{base}{extra}")).unwrap_err();
        assert!(err.contains(why), "{extra}: {err}");
    }
}
