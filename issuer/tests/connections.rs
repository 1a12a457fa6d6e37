//! Connection handling under hostile or unlucky clients: early refusals with
//! a body still being sent, half-open connections (slowloris), TLS, and the
//! separate metrics listener. No assertion depends on timing: waits are only
//! safety bounds that turn a hang into a failure.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use common::{start, token};
use elicence_issuer::admin::Scope;
use serde_json::Value;

/// A generous bound for anything that should happen at once.
const SAFETY: Duration = Duration::from_secs(60);

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(SAFETY))
        .build()
        .into()
}

/// Posts `body` and returns (status, content type, body text); any transport
/// error (reset, "peer disconnected") is returned as Err.
fn post(
    agent: &ureq::Agent,
    url: &str,
    token: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> Result<(u16, String, String), String> {
    let mut req = agent.post(url).header("content-type", content_type);
    if let Some(t) = token {
        req = req.header("authorization", &format!("Bearer {t}"));
    }
    let mut resp = req.send(body).map_err(|e| format!("sending: {e}"))?;
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("reading: {e}"))?;
    Ok((status, ct, text))
}

/// URL, token, content type, expected status.
type Case = (String, Option<String>, &'static str, u16);

#[test]
fn early_refusals_deliver_the_whole_problem_to_every_parallel_client() {
    let svc = start("[limits]\nmax_body_bytes = 65536\n");
    let issue = token(&svc.config, "bangrak", &[Scope::Issue]);
    let read = token(&svc.config, "bangrak", &[Scope::Read]);
    // Larger than the socket buffers: the client is still sending when the
    // service has already decided.
    let body: Arc<Vec<u8>> = Arc::new({
        let mut b = b"{\"licenceNumber\":\"".to_vec();
        b.extend(std::iter::repeat_n(b'x', 1 << 20));
        b.extend(b"\"}");
        b
    });
    let cases: Arc<Vec<Case>> = Arc::new(vec![
        (svc.url("/licences"), None, "application/json", 401),
        (
            svc.url("/licences"),
            Some(read.clone()),
            "application/json",
            403,
        ),
        (svc.url("/licences"), Some(issue.clone()), "text/plain", 415),
        (
            svc.url("/licences"),
            Some(issue.clone()),
            "application/json",
            413,
        ),
        (
            svc.url("/licences:batch"),
            None,
            "application/x-ndjson",
            401,
        ),
        (
            svc.url("/credentials/issue"),
            Some(read),
            "application/json",
            403,
        ),
        (
            svc.url("/licences:batch"),
            Some(issue),
            "application/json",
            415,
        ),
    ]);
    let clients: Vec<_> = (0..16)
        .map(|client| {
            let (body, cases) = (body.clone(), cases.clone());
            std::thread::spawn(move || {
                // One keep-alive agent per client, as a real client pools.
                let agent = agent();
                let mut failures = Vec::new();
                for round in 0..3 {
                    for k in 0..cases.len() {
                        // Each client goes through the cases in its own order.
                        let (url, token, ct, want) = &cases[(k + client + round) % cases.len()];
                        match post(&agent, url, token.as_deref(), ct, &body) {
                            Ok((status, ct, text)) => {
                                let problem: Value = serde_json::from_str(&text)
                                    .unwrap_or_else(|e| panic!("{e}: {text}"));
                                if status != *want
                                    || ct != "application/problem+json"
                                    || problem["status"] != *want
                                {
                                    failures.push(format!("{url}: {status} {ct} {text}"));
                                }
                            }
                            Err(e) => failures.push(format!("{url} (want {want}): {e}")),
                        }
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
    // The service is still healthy and answers on a fresh connection.
    assert_eq!(svc.get("/healthz", &[]).status, 200);
}

#[test]
fn refusal_says_connection_close_when_the_body_was_not_read() {
    let svc = start("");
    let mut stream = TcpStream::connect(svc.addr).unwrap();
    stream.set_read_timeout(Some(SAFETY)).unwrap();
    // Head and only the first part of a 1 MiB body.
    write!(
        stream,
        "POST /licences HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n{{\"a\":"
    )
    .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).unwrap(), 1, "closed before the head");
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap().to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 401"), "{head}");
    assert!(head.contains("\r\nconnection: close\r\n"), "{head}");
    // The client may go on sending: the service reads and discards it, then
    // the connection ends with an orderly close, not a reset.
    stream.write_all(&vec![b' '; 256 * 1024]).unwrap();
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).unwrap();
    let text = String::from_utf8(rest).unwrap();
    assert!(text.contains("\"status\":401"), "{text}");
}

fn slowloris(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    // A request head that never ends.
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    s
}

/// Whether the service closed this connection (EOF or reset).
fn closed_by_service(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(SAFETY)).unwrap();
    let mut buf = [0u8; 64];
    match s.read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    }
}

#[test]
fn half_open_connections_cannot_lock_out_healthz_or_exhaust_descriptors() {
    // A header timeout far longer than the test: only the connection limit
    // (evicting the oldest idle connection) can let /healthz in.
    let svc = start("[limits]\nmax_connections = 16\nheader_read_timeout_seconds = 3600\n");
    let mut attackers: Vec<TcpStream> = (0..200).map(|_| slowloris(svc.addr)).collect();
    let health = agent().get(&svc.url("/healthz")).call().unwrap();
    assert_eq!(health.status(), 200);
    let metrics = &svc.state.metrics;
    assert!(
        metrics.open_connections() <= 16,
        "{} open",
        metrics.open_connections()
    );
    // Connections are admitted in order and the oldest idle one goes first:
    // all but the newest few attackers were closed by the service.
    for (i, s) in attackers.iter_mut().take(200 - 16 - 1).enumerate() {
        assert!(closed_by_service(s), "attacker {i} still open");
    }
    assert!(metrics.evicted_connections() >= 200 - 16);
}

#[test]
fn a_half_open_connection_is_closed_after_the_header_read_timeout() {
    let svc = start("[limits]\nheader_read_timeout_seconds = 1\n");
    let mut s = slowloris(svc.addr);
    assert!(closed_by_service(&mut s));
    // An idle keep-alive connection that never starts a request too.
    let mut idle = TcpStream::connect(svc.addr).unwrap();
    assert!(closed_by_service(&mut idle));
    assert_eq!(svc.get("/healthz", &[]).status, 200);
}

#[test]
fn tls_and_the_separate_metrics_listener() {
    let dir = tempfile::tempdir().unwrap();
    let config = common::prepare(dir.path(), "");
    let state = elicence_issuer::server::build_state(config.clone()).unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let tls = elicence_issuer::server::tls_acceptor(&elicence_issuer::config::TlsConfig {
        cert: data.join("localhost.cert.pem"),
        key: data.join("localhost.key.pem"),
    })
    .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (main_addr, metrics_addr, stop) = rt.block_on(async {
        let main = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let side = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addrs = (main.local_addr().unwrap(), side.local_addr().unwrap());
        let stop = tokio_util::sync::CancellationToken::new();
        tokio::spawn(elicence_issuer::server::serve_with(
            main,
            Some(tls),
            state.clone(),
            stop.clone().cancelled_owned(),
        ));
        tokio::spawn(elicence_issuer::server::serve_metrics_on(
            side,
            state.clone(),
            stop.clone().cancelled_owned(),
        ));
        (addrs.0, addrs.1, stop)
    });
    let pem = std::fs::read(data.join("localhost.cert.pem")).unwrap();
    let root = ureq::tls::Certificate::from_pem(&pem).unwrap();
    let tls_agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(SAFETY))
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::Specific(Arc::new(vec![root])))
                .build(),
        )
        .build()
        .into();
    let https = |path: &str| format!("https://localhost:{}{path}", main_addr.port());
    let r = tls_agent.get(&https("/healthz")).call().unwrap();
    assert_eq!(r.status(), 200);
    // Early refusal over TLS: the problem arrives whole.
    let body = vec![b'x'; 512 * 1024];
    let (status, ct, _) = post(
        &tls_agent,
        &https("/licences"),
        None,
        "application/json",
        &body,
    )
    .unwrap();
    assert_eq!((status, ct.as_str()), (401, "application/problem+json"));
    // /metrics is closed on the main listener...
    assert_eq!(
        tls_agent.get(&https("/metrics")).call().unwrap().status(),
        401
    );
    // ...and open on the separate one, which serves nothing else.
    let plain = agent();
    let side = |path: &str| format!("http://{metrics_addr}{path}");
    let mut m = plain.get(&side("/metrics")).call().unwrap();
    assert_eq!(m.status(), 200);
    let text = m.body_mut().read_to_string().unwrap();
    assert!(text.contains("elicence_connections_open "), "{text}");
    assert_eq!(plain.get(&side("/healthz")).call().unwrap().status(), 200);
    assert_eq!(plain.get(&side("/licences")).call().unwrap().status(), 404);
    stop.cancel();
    drop(rt);
}
