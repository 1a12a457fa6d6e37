//! A throwaway PKI and a local RFC 3161 time-stamping authority, for tests
//! and the walk-through (feature `testing`). Nothing here is for production:
//! keys are generated in memory and the TSA answers anyone on 127.0.0.1.
//!
//! [`TestPki::generate`] makes a root CA, the agency's signing certificate
//! (ECDSA P-256, digitalSignature + nonRepudiation, its subject alternative
//! name the agency's DID when given) and a TSA certificate (extended key
//! usage id-kp-timeStamping, critical). [`LocalTsa::start`] serves RFC 3161
//! over HTTP on an ephemeral loopback port until dropped.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::str::FromStr as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cmpv2::status::{PkiStatus, PkiStatusInfo};
use der::asn1::GeneralizedTime;
use der::{Decode, Encode, EncodePem};
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use sha2::{Digest, Sha256};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{ExtendedKeyUsage, SubjectAltName};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;
use x509_cert::Certificate;
use x509_tsp::{TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use crate::cms::{build_signed_data, CmsSigner};
use crate::oids::{ID_CT_TST_INFO, ID_KP_TIME_STAMPING};
use crate::PadesError;

/// A key and its certificate.
pub struct Identity {
    /// The private key.
    pub key: SigningKey,
    /// Its certificate.
    pub certificate: Certificate,
}

impl Identity {
    /// The certificate as PEM.
    pub fn certificate_pem(&self) -> String {
        self.certificate.to_pem(LineEnding::LF).unwrap_or_default()
    }

    /// The private key as unencrypted PKCS#8 PEM (tests only).
    pub fn key_pem(&self) -> String {
        self.key
            .to_pkcs8_pem(LineEnding::LF)
            .map(|p| p.to_string())
            .unwrap_or_default()
    }
}

/// A root CA, an agency signing certificate and a TSA certificate.
pub struct TestPki {
    /// The root CA (self-signed).
    pub root: Identity,
    /// The agency's PDF signing certificate, issued by the root.
    pub agency: Identity,
    /// The time-stamping authority's certificate, issued by the root.
    pub tsa: Identity,
}

fn new_key() -> SigningKey {
    SigningKey::random(&mut rand_core::OsRng)
}

fn serial() -> Result<SerialNumber, PadesError> {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut bytes = [0u8; 9];
    bytes[1..].copy_from_slice(&n.to_be_bytes());
    bytes[0] = 0x01;
    SerialNumber::new(&bytes).map_err(PadesError::der)
}

fn name(s: &str) -> Result<Name, PadesError> {
    Name::from_str(s).map_err(PadesError::der)
}

fn spki(key: &SigningKey) -> Result<SubjectPublicKeyInfoOwned, PadesError> {
    SubjectPublicKeyInfoOwned::from_key(*key.verifying_key())
        .map_err(|e| PadesError::Certificate(e.to_string()))
}

fn built(b: CertificateBuilder<'_, SigningKey>) -> Result<Certificate, PadesError> {
    b.build::<DerSignature>()
        .map_err(|e| PadesError::Certificate(e.to_string()))
}

impl TestPki {
    /// A fresh PKI, certificates valid for `days` from now. `agency_did`
    /// goes in the agency certificate's subject alternative name (URI).
    pub fn generate(agency: &str, agency_did: Option<&str>, days: u64) -> Result<Self, PadesError> {
        let validity =
            Validity::from_now(Duration::from_secs(days * 86_400)).map_err(PadesError::der)?;
        let root_key = new_key();
        let root_name = name("CN=elicence Test Root CA,O=elicence tests,C=TH")?;
        let root_cert = built(
            CertificateBuilder::new(
                Profile::Root,
                serial()?,
                validity,
                root_name.clone(),
                spki(&root_key)?,
                &root_key,
            )
            .map_err(|e| PadesError::Certificate(e.to_string()))?,
        )?;

        let agency_key = new_key();
        let mut b = CertificateBuilder::new(
            Profile::Leaf {
                issuer: root_name.clone(),
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            serial()?,
            validity,
            name(&format!("CN={agency},O=elicence tests,C=TH"))?,
            spki(&agency_key)?,
            &root_key,
        )
        .map_err(|e| PadesError::Certificate(e.to_string()))?;
        if let Some(did) = agency_did {
            let uri = der::asn1::Ia5String::new(did).map_err(PadesError::der)?;
            b.add_extension(&SubjectAltName(vec![
                GeneralName::UniformResourceIdentifier(uri),
            ]))
            .map_err(|e| PadesError::Certificate(e.to_string()))?;
        }
        let agency_cert = built(b)?;

        let tsa_key = new_key();
        let mut b = CertificateBuilder::new(
            Profile::Leaf {
                issuer: root_name,
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            serial()?,
            validity,
            name("CN=elicence Test TSA,O=elicence tests,C=TH")?,
            spki(&tsa_key)?,
            &root_key,
        )
        .map_err(|e| PadesError::Certificate(e.to_string()))?;
        b.add_extension(&CriticalEku(ExtendedKeyUsage(vec![ID_KP_TIME_STAMPING])))
            .map_err(|e| PadesError::Certificate(e.to_string()))?;
        let tsa_cert = built(b)?;
        Ok(TestPki {
            root: Identity {
                key: root_key,
                certificate: root_cert,
            },
            agency: Identity {
                key: agency_key,
                certificate: agency_cert,
            },
            tsa: Identity {
                key: tsa_key,
                certificate: tsa_cert,
            },
        })
    }
}

/// Extended key usage marked critical, as RFC 3161 §2.3 requires of a TSA.
struct CriticalEku(ExtendedKeyUsage);

impl der::Encode for CriticalEku {
    fn encoded_len(&self) -> der::Result<der::Length> {
        self.0.encoded_len()
    }
    fn encode(&self, w: &mut impl der::Writer) -> der::Result<()> {
        self.0.encode(w)
    }
}

impl const_oid::AssociatedOid for CriticalEku {
    const OID: der::oid::ObjectIdentifier = crate::oids::ID_CE_EXT_KEY_USAGE;
}

impl x509_cert::ext::AsExtension for CriticalEku {
    fn critical(&self, _subject: &Name, _extensions: &[x509_cert::ext::Extension]) -> bool {
        true
    }
}

/// Answers one RFC 3161 request as the TSA `tsa` at time `now`.
pub fn respond(request: &[u8], tsa: &Identity, serial_number: u64) -> Result<Vec<u8>, PadesError> {
    let req = TimeStampReq::from_der(request)
        .map_err(|e| PadesError::TimeStamp(format!("bad request: {e}")))?;
    let now = std::time::SystemTime::now();
    let gen_time = GeneralizedTime::from_system_time(now).map_err(PadesError::der)?;
    let info = TstInfo {
        version: TspVersion::V1,
        policy: der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.99999.1.1"),
        message_imprint: req.message_imprint,
        serial_number: crate::tsp::int_from_u64(serial_number)?,
        gen_time,
        accuracy: None,
        ordering: false,
        nonce: req.nonce,
        tsa: None,
        extensions: None,
    };
    let info_der = info.to_der().map_err(PadesError::der)?;
    let digest = Sha256::digest(&info_der);
    let chain = [tsa.certificate.clone()];
    let signer = CmsSigner {
        key: &tsa.key,
        chain: if req.cert_req { &chain } else { &[] },
    };
    let signer_with_cert = CmsSigner {
        key: &tsa.key,
        chain: &chain,
    };
    let mut none = |_: &[u8]| Ok(None);
    let mut token = build_signed_data(
        &signer_with_cert,
        ID_CT_TST_INFO,
        Some(&info_der),
        &digest,
        &mut none,
    )?;
    if !req.cert_req {
        // Without certReq the TSA's certificate is left out of the token.
        let mut sd = token
            .content
            .decode_as::<cms::signed_data::SignedData>()
            .map_err(PadesError::der)?;
        sd.certificates = None;
        token.content = der::Any::encode_from(&sd).map_err(PadesError::der)?;
    }
    let _ = signer;
    let resp = TimeStampResp {
        status: PkiStatusInfo {
            status: PkiStatus::Accepted,
            status_string: None,
            fail_info: None,
        },
        time_stamp_token: Some(token),
    };
    resp.to_der().map_err(PadesError::der)
}

/// An RFC 3161 TSA over HTTP on 127.0.0.1, in a background thread.
pub struct LocalTsa {
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    stop: Arc<AtomicBool>,
    port: u16,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LocalTsa {
    /// Starts serving as `tsa`.
    pub fn start(tsa: Identity) -> Result<Self, PadesError> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .map_err(|e| PadesError::TimeStamp(format!("bind: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| PadesError::TimeStamp(e.to_string()))?
            .port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut serial = 1u64;
            for conn in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = conn {
                    let _ = serve_one(stream, &tsa, serial);
                    serial += 1;
                }
            }
        });
        Ok(LocalTsa {
            url: format!("http://127.0.0.1:{port}/"),
            stop,
            port,
            thread: Some(thread),
        })
    }
}

impl Drop for LocalTsa {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One HTTP/1.1 exchange: POST with a body of at most 64 KiB.
fn serve_one(mut stream: TcpStream, tsa: &Identity, serial: u64) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 16 * 1024 {
            return Ok(());
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
        .min(64 * 1024);
    while buf.len() < header_end + length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = &buf[header_end..(header_end + length).min(buf.len())];
    let (status, reply) = match respond(body, tsa, serial) {
        Ok(reply) => ("200 OK", reply),
        Err(_) => ("400 Bad Request", Vec::new()),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        crate::tsp::RESPONSE_MEDIA_TYPE,
        reply.len()
    )?;
    stream.write_all(&reply)?;
    stream.flush()
}
