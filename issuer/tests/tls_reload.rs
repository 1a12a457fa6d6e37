//! TLS served by a real `elicence-issuer serve` process, and its certificate
//! replaced while it runs: a client trusting only the test CA sees
//! certificate A; the files are replaced (SIGHUP, or the periodic check);
//! the next connection sees certificate B while a connection opened under A
//! goes on working; a bad pair (B's key with another certificate) is
//! refused with a log line and B keeps serving. Clients issue licences over
//! TLS throughout: not one request fails.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use elicence_issuer::admin::Scope;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use rustls::pki_types::{CertificateDer, ServerName};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::asn1::Ia5String;
use x509_cert::der::{Encode, EncodePem};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{ExtendedKeyUsage, SubjectAltName};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::Validity;

/// Longest wait for something the service does by itself (start, reload).
const LIMIT: Duration = Duration::from_secs(60);

/// A test CA that issues `localhost` server certificates.
struct Ca {
    key: SigningKey,
    name: Name,
    pem: String,
}

/// A server certificate (DER and PEM) and its key (PKCS#8 PEM).
struct ServerCert {
    der: Vec<u8>,
    pem: String,
    key_pem: String,
}

fn validity() -> Validity {
    Validity::from_now(Duration::from_secs(30 * 86_400)).unwrap()
}

impl Ca {
    fn new() -> Ca {
        let key = SigningKey::random(&mut rand_core::OsRng);
        let name = Name::from_str("CN=elicence TLS test CA,O=elicence tests,C=TH").unwrap();
        let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).unwrap();
        let cert = CertificateBuilder::new(
            Profile::Root,
            SerialNumber::from(1u32),
            validity(),
            name.clone(),
            spki,
            &key,
        )
        .unwrap()
        .build::<DerSignature>()
        .unwrap();
        let pem = cert.to_pem(LineEnding::LF).unwrap();
        Ca { key, name, pem }
    }

    fn issue(&self, serial: u32) -> ServerCert {
        let key = SigningKey::random(&mut rand_core::OsRng);
        let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).unwrap();
        let mut builder = CertificateBuilder::new(
            Profile::Leaf {
                issuer: self.name.clone(),
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            SerialNumber::from(serial),
            validity(),
            Name::from_str(&format!("CN=localhost {serial},O=elicence tests,C=TH")).unwrap(),
            spki,
            &self.key,
        )
        .unwrap();
        builder
            .add_extension(&SubjectAltName(vec![GeneralName::DnsName(
                Ia5String::new("localhost").unwrap(),
            )]))
            .unwrap();
        builder
            .add_extension(&ExtendedKeyUsage(vec![
                x509_cert::der::oid::db::rfc5280::ID_KP_SERVER_AUTH,
            ]))
            .unwrap();
        let cert = builder.build::<DerSignature>().unwrap();
        ServerCert {
            der: cert.to_der().unwrap(),
            pem: cert.to_pem(LineEnding::LF).unwrap(),
            key_pem: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        }
    }
}

/// Replaces a file the way deployment tools should: write aside, rename.
fn replace(path: &Path, text: &str) {
    let aside = path.with_extension("new");
    std::fs::write(&aside, text).unwrap();
    std::fs::rename(&aside, path).unwrap();
}

/// Installs a certificate and key (key first, as a renewal tool might:
/// in between, the pair on disk does not match and must not be taken).
fn install(dir: &Path, cert_pem: &str, key_pem: &str) {
    replace(&dir.join("tls.key"), key_pem);
    replace(&dir.join("tls.cert"), cert_pem);
}

/// A service process and its address.
struct Serve {
    process: common::LoggedServe,
    addr: SocketAddr,
}

impl Serve {
    fn hangup(&self) {
        self.process.hangup();
    }

    fn log(&self) -> String {
        self.process.log()
    }
}

/// A service with TLS from `dir/tls.cert` and `dir/tls.key`, checking for
/// replaced files every `check` seconds (0: on SIGHUP only).
fn serve(dir: &Path, check: u64) -> (Serve, String) {
    let extra = format!(
        "[tls]\ncert = \"{}\"\nkey = \"{}\"\n",
        dir.join("tls.cert").display(),
        dir.join("tls.key").display()
    );
    let config = common::prepare(dir, &extra);
    let token = common::token(&config, "bangrak", &[Scope::Issue]);
    let port = common::free_port();
    let text = std::fs::read_to_string(dir.join("issuer.toml")).unwrap();
    let text = format!("reload_check_seconds = {check}\n{text}")
        .replace("127.0.0.1:0", &format!("127.0.0.1:{port}"));
    std::fs::write(dir.join("issuer.toml"), text).unwrap();
    let process = common::LoggedServe::spawn(&dir.join("issuer.toml"), dir.join("serve.log"));
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    (Serve { process, addr }, token)
}

/// A client trusting only the test CA, with session resumption off so
/// every connection shows the certificate the service presents now.
fn client_config(ca_pem: &str) -> Arc<rustls::ClientConfig> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(ca_pem.as_bytes()).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.resumption = rustls::client::Resumption::disabled();
    Arc::new(config)
}

type Tls = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

/// A new TLS connection; the DER of the certificate the service presented.
fn connect(
    config: &Arc<rustls::ClientConfig>,
    addr: SocketAddr,
) -> std::io::Result<(Tls, Vec<u8>)> {
    let name = ServerName::try_from("localhost").unwrap();
    let conn =
        rustls::ClientConnection::new(config.clone(), name).map_err(std::io::Error::other)?;
    let tcp = TcpStream::connect(addr)?;
    tcp.set_read_timeout(Some(LIMIT))?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock)?;
    }
    let leaf = tls
        .conn
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.as_ref().to_vec())
        .ok_or_else(|| std::io::Error::other("no certificate"))?;
    Ok((tls, leaf))
}

/// One HTTP/1.1 request on an open connection (kept alive); the status.
fn request(
    tls: &mut Tls,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> std::io::Result<u16> {
    let auth = if token.is_empty() {
        String::new()
    } else {
        format!("Authorization: Bearer {token}\r\n")
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    tls.write_all(head.as_bytes())?;
    tls.write_all(body.as_bytes())?;
    tls.flush()?;
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if tls.read(&mut byte)? == 0 {
            return Err(std::io::Error::other("connection closed mid-response"));
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let status: u16 = head
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line: {head}")))?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .ok_or_else(|| std::io::Error::other("no content-length"))?;
    let mut body = vec![0u8; length];
    tls.read_exact(&mut body)?;
    Ok(status)
}

/// Waits until the service answers `/healthz` over TLS.
fn wait_ready(config: &Arc<rustls::ClientConfig>, addr: SocketAddr) {
    wait_until("the service to start", || {
        connect(config, addr)
            .and_then(|(mut tls, _)| request(&mut tls, "GET", "/healthz", "", ""))
            .is_ok_and(|status| status == 200)
    });
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + LIMIT;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Clients issuing licences over fresh TLS connections until stopped:
/// every answer and the certificate each connection saw.
struct Load {
    stop: AtomicBool,
    issued: AtomicUsize,
    failures: Mutex<Vec<String>>,
    seen: Mutex<Vec<Vec<u8>>>,
}

impl Load {
    fn run(
        &self,
        config: &Arc<rustls::ClientConfig>,
        addr: SocketAddr,
        token: &str,
        client: usize,
    ) {
        let mut n = 0;
        while !self.stop.load(Ordering::Acquire) {
            n += 1;
            let body = common::licence(&format!("TLS-{client}-{n}/2569")).to_string();
            let result = connect(config, addr).and_then(|(mut tls, leaf)| {
                self.seen.lock().unwrap().push(leaf);
                request(&mut tls, "POST", "/licences", token, &body)
            });
            match result {
                Ok(201) => {
                    self.issued.fetch_add(1, Ordering::AcqRel);
                }
                Ok(status) => self
                    .failures
                    .lock()
                    .unwrap()
                    .push(format!("status {status}")),
                Err(e) => self.failures.lock().unwrap().push(e.to_string()),
            }
        }
    }

    fn last_seen(&self) -> Option<Vec<u8>> {
        self.seen.lock().unwrap().last().cloned()
    }
}

#[test]
fn a_replaced_certificate_reaches_new_connections_on_sighup_without_a_failed_request() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new();
    let (a, b, other) = (ca.issue(2), ca.issue(3), ca.issue(4));
    install(dir.path(), &a.pem, &a.key_pem);
    let (svc, token) = serve(dir.path(), 0);
    let config = client_config(&ca.pem);
    wait_ready(&config, svc.addr);

    // A connection opened under certificate A, kept alive throughout.
    let (mut kept, leaf) = connect(&config, svc.addr).unwrap();
    assert_eq!(leaf, a.der, "certificate A served at start");
    let body = common::licence("TLS-kept-1/2569").to_string();
    assert_eq!(
        request(&mut kept, "POST", "/licences", &token, &body).unwrap(),
        201
    );

    let load = Load {
        stop: AtomicBool::new(false),
        issued: AtomicUsize::new(0),
        failures: Mutex::new(Vec::new()),
        seen: Mutex::new(Vec::new()),
    };
    std::thread::scope(|s| {
        // However the test ends (a failed assertion too), the clients stop.
        let _stop = common::StopOnDrop(&load.stop);
        for client in 0..2 {
            let (load, config, token) = (&load, &config, &token);
            s.spawn(move || load.run(config, svc.addr, token, client));
        }
        wait_until("issuing under A", || {
            load.issued.load(Ordering::Acquire) >= 5
        });
        assert_eq!(load.last_seen().unwrap(), a.der);

        // B installed (key first, then certificate), then SIGHUP.
        install(dir.path(), &b.pem, &b.key_pem);
        svc.hangup();
        wait_until("certificate B on new connections", || {
            load.last_seen().as_ref() == Some(&b.der)
        });
        // The connection opened under A still works.
        let body = common::licence("TLS-kept-2/2569").to_string();
        assert_eq!(
            request(&mut kept, "POST", "/licences", &token, &body).unwrap(),
            201
        );

        // A bad pair: another certificate with B's key. Refused, logged,
        // and B goes on serving.
        replace(&dir.path().join("tls.cert"), &other.pem);
        svc.hangup();
        svc.process.wait_for_log("new TLS certificate/key refused");
        let issued = load.issued.load(Ordering::Acquire);
        wait_until("more issuing after the refusal", || {
            load.issued.load(Ordering::Acquire) >= issued + 5
        });
        load.stop.store(true, Ordering::Release);
    });
    let seen = load.seen.lock().unwrap();
    assert!(
        seen.iter().all(|c| *c == a.der || *c == b.der),
        "only A or B was ever served"
    );
    assert!(!seen.contains(&other.der));
    // After B was first seen, never A again, and after the refusal, still B.
    let first_b = seen.iter().position(|c| *c == b.der).unwrap();
    assert!(seen[first_b..].iter().all(|c| *c == b.der));
    assert_eq!(connect(&config, svc.addr).unwrap().1, b.der);
    let failures = load.failures.lock().unwrap();
    assert!(failures.is_empty(), "failed requests: {failures:?}");
    assert!(load.issued.load(Ordering::Acquire) >= 10);
    assert!(svc.log().contains("TLS certificate reloaded"));
}

#[test]
fn a_replaced_certificate_is_picked_up_by_the_periodic_check() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new();
    let (a, b) = (ca.issue(2), ca.issue(3));
    install(dir.path(), &a.pem, &a.key_pem);
    let (svc, _token) = serve(dir.path(), 1);
    let config = client_config(&ca.pem);
    wait_ready(&config, svc.addr);
    assert_eq!(connect(&config, svc.addr).unwrap().1, a.der);
    // An expired or mismatched pair never gets in; a good one does, with
    // no signal: B's key with A's certificate is refused first.
    replace(&dir.path().join("tls.key"), &b.key_pem);
    svc.process.wait_for_log("new TLS certificate/key refused");
    assert_eq!(connect(&config, svc.addr).unwrap().1, a.der);
    replace(&dir.path().join("tls.cert"), &b.pem);
    wait_until("certificate B by the periodic check", || {
        connect(&config, svc.addr).unwrap().1 == b.der
    });
}
