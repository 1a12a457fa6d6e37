//! Who the relying party is (OpenID4VP 1.0 §5.9): the client identifier
//! prefixes we support, and the X.509 certificate behind `x509_san_dns`.
//! A bank signs its request objects with the key of a certificate whose
//! subject alternative name is its DNS name; the holder checks that
//! signature, that name and, when it has trust anchors, the chain, before
//! showing the bank's name and sending anything.

use std::str::FromStr as _;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use der::{Decode as _, Encode as _, EncodePem as _};
use elicence_core::keys::{KeyAlgorithm, PublicKey, SigningKey};
use p256::pkcs8::DecodePrivateKey as _;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;
use x509_cert::Certificate;

/// The `x509_san_dns:` prefix: a DNS name in the certificate's SAN.
pub const X509_SAN_DNS: &str = "x509_san_dns";
/// The `redirect_uri:` prefix: unsigned requests, for development only.
pub const REDIRECT_URI: &str = "redirect_uri";

/// ecdsa-with-SHA256.
const ECDSA_WITH_SHA256: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// Why a client identifier or certificate is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClientError {
    /// The client identifier has no supported prefix.
    #[error("client_id {0:?}: supported prefixes are x509_san_dns: and redirect_uri:")]
    UnsupportedPrefix(String),
    /// A certificate could not be read.
    #[error("certificate: {0}")]
    Certificate(String),
    /// The certificate does not name the client identifier's DNS name.
    #[error("the certificate's subject alternative names {found:?} do not include the DNS name {expected:?}")]
    NameMismatch {
        /// The DNS name of the client identifier.
        expected: String,
        /// The certificate's DNS names.
        found: Vec<String>,
    },
    /// The chain is broken or reaches no trust anchor.
    #[error("certificate chain: {0}")]
    Chain(String),
}

/// A parsed client identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientId {
    /// `x509_san_dns:<dns name>`: signed requests, certificate in `x5c`.
    X509SanDns(String),
    /// `redirect_uri:<uri>`: unsigned requests; the identity is not verified.
    RedirectUri(String),
}

impl ClientId {
    /// Parses `prefix:value`.
    pub fn parse(client_id: &str) -> Result<ClientId, ClientError> {
        match client_id.split_once(':') {
            Some((X509_SAN_DNS, dns)) if valid_dns(dns) => Ok(ClientId::X509SanDns(dns.into())),
            Some((REDIRECT_URI, uri))
                if uri.starts_with("https://") || uri.starts_with("http://") =>
            {
                Ok(ClientId::RedirectUri(uri.into()))
            }
            _ => Err(ClientError::UnsupportedPrefix(client_id.into())),
        }
    }
}

fn valid_dns(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn cert_err(e: impl std::fmt::Display) -> ClientError {
    ClientError::Certificate(e.to_string())
}

/// Reads PEM certificates (leaf first), as a relying party configures them.
pub fn read_pem_chain(pem: &str) -> Result<Vec<Certificate>, ClientError> {
    let chain = Certificate::load_pem_chain(pem.as_bytes()).map_err(cert_err)?;
    if chain.is_empty() {
        return Err(ClientError::Certificate("no certificate in the PEM".into()));
    }
    Ok(chain)
}

/// The `x5c` header value: standard base64 DER, leaf first (RFC 7515 §4.1.6).
pub fn x5c(chain: &[Certificate]) -> Result<Vec<String>, ClientError> {
    chain
        .iter()
        .map(|c| c.to_der().map(|d| STANDARD.encode(d)).map_err(cert_err))
        .collect()
}

/// Decodes an `x5c` header value.
pub fn from_x5c(x5c: &[String]) -> Result<Vec<Certificate>, ClientError> {
    if x5c.is_empty() {
        return Err(ClientError::Certificate("x5c is empty".into()));
    }
    x5c.iter()
        .map(|b64| {
            let der = STANDARD
                .decode(b64)
                .map_err(|_| ClientError::Certificate("x5c entry is not base64".into()))?;
            Certificate::from_der(&der).map_err(cert_err)
        })
        .collect()
}

/// The certificate's public key.
pub fn public_key(cert: &Certificate) -> Result<PublicKey, ClientError> {
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(cert_err)?;
    PublicKey::from_spki_der(&spki).map_err(cert_err)
}

/// The DNS names in the certificate's subject alternative name.
pub fn dns_names(cert: &Certificate) -> Vec<String> {
    let Ok(Some((_, san))) = cert.tbs_certificate.get::<SubjectAltName>() else {
        return Vec::new();
    };
    san.0
        .iter()
        .filter_map(|n| match n {
            GeneralName::DnsName(d) => Some(d.as_str().to_owned()),
            _ => None,
        })
        .collect()
}

/// The certificate's subject, as people read it.
pub fn subject(cert: &Certificate) -> String {
    cert.tbs_certificate.subject.to_string()
}

/// Checks that the leaf names `dns` and that its key matches `key`'s use:
/// the relying party's own start-up check and the holder's first check.
pub fn check_dns_name(leaf: &Certificate, dns: &str) -> Result<(), ClientError> {
    let found = dns_names(leaf);
    if found.iter().any(|n| n.eq_ignore_ascii_case(dns)) {
        Ok(())
    } else {
        Err(ClientError::NameMismatch {
            expected: dns.into(),
            found,
        })
    }
}

fn signed_by(cert: &Certificate, issuer: &Certificate) -> Result<(), ClientError> {
    if cert.signature_algorithm.oid != ECDSA_WITH_SHA256 {
        return Err(ClientError::Chain(format!(
            "{}: only ecdsa-with-SHA256 certificates are supported",
            subject(cert)
        )));
    }
    let key = public_key(issuer)?;
    if key.algorithm() != KeyAlgorithm::P256 {
        return Err(ClientError::Chain("the issuer's key is not P-256".into()));
    }
    let tbs = cert.tbs_certificate.to_der().map_err(cert_err)?;
    let sig = p256::ecdsa::Signature::from_der(cert.signature.raw_bytes())
        .map_err(|_| ClientError::Chain("malformed certificate signature".into()))?;
    key.verify(&tbs, &sig.to_bytes()).map_err(|_| {
        ClientError::Chain(format!(
            "{} is not signed by {}",
            subject(cert),
            subject(issuer)
        ))
    })
}

fn within_validity(cert: &Certificate, now: std::time::SystemTime) -> Result<(), ClientError> {
    let v = &cert.tbs_certificate.validity;
    if now < v.not_before.to_system_time() || now > v.not_after.to_system_time() {
        return Err(ClientError::Chain(format!(
            "{} is outside its validity period",
            subject(cert)
        )));
    }
    Ok(())
}

/// Verifies `chain` (leaf first): each certificate in its validity period
/// and signed by the next, ending at (or issued by) one of `anchors`.
/// Returns the anchor's subject.
pub fn verify_chain(
    chain: &[Certificate],
    anchors: &[Certificate],
    now: std::time::SystemTime,
) -> Result<String, ClientError> {
    for (i, cert) in chain.iter().enumerate() {
        within_validity(cert, now)?;
        if let Some(anchor) = anchors.iter().find(|a| *a == cert) {
            return Ok(subject(anchor));
        }
        if let Some(anchor) = anchors
            .iter()
            .find(|a| a.tbs_certificate.subject == cert.tbs_certificate.issuer)
        {
            if signed_by(cert, anchor).is_ok() {
                return Ok(subject(anchor));
            }
        }
        if let Some(next) = chain.get(i + 1) {
            signed_by(cert, next)?;
        }
    }
    Err(ClientError::Chain(
        "no certificate of the chain is, or is issued by, a trusted anchor".into(),
    ))
}

/// A self-signed certificate for `dns` (subject `CN=<dns>`, SAN dNSName)
/// with the P-256 `key`, valid `days` from now: for development and tests;
/// a bank uses a certificate from a CA its wallets trust.
pub fn self_signed_certificate(
    key: &SigningKey,
    dns: &str,
    days: u64,
) -> Result<String, ClientError> {
    if !valid_dns(dns) {
        return Err(ClientError::Certificate(format!(
            "{dns:?} is not a DNS name"
        )));
    }
    if key.algorithm() != KeyAlgorithm::P256 {
        return Err(ClientError::Certificate(
            "the request-signing key must be P-256 (ES256)".into(),
        ));
    }
    let der = key.to_pkcs8_der();
    let signer = p256::ecdsa::SigningKey::from_pkcs8_der(&der).map_err(cert_err)?;
    let validity = Validity::from_now(Duration::from_secs(days * 86_400)).map_err(cert_err)?;
    let mut serial = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut serial);
    serial[0] = (serial[0] & 0x7f) | 0x01;
    let name = Name::from_str(&format!("CN={dns}")).map_err(cert_err)?;
    let spki =
        spki::SubjectPublicKeyInfoOwned::from_key(*signer.verifying_key()).map_err(cert_err)?;
    let mut builder = CertificateBuilder::new(
        Profile::Root,
        SerialNumber::new(&serial).map_err(cert_err)?,
        validity,
        name,
        spki,
        &signer,
    )
    .map_err(cert_err)?;
    let san = der::asn1::Ia5String::new(dns).map_err(cert_err)?;
    builder
        .add_extension(&SubjectAltName(vec![GeneralName::DnsName(san)]))
        .map_err(cert_err)?;
    let cert = builder
        .build::<p256::ecdsa::DerSignature>()
        .map_err(cert_err)?;
    cert.to_pem(der::pem::LineEnding::LF).map_err(cert_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng)
    }

    #[test]
    fn a_self_signed_certificate_names_its_dns_and_is_its_own_anchor() {
        let k = key();
        let pem = self_signed_certificate(&k, "bank.example.co.th", 30).unwrap();
        let chain = read_pem_chain(&pem).unwrap();
        assert_eq!(dns_names(&chain[0]), vec!["bank.example.co.th"]);
        assert_eq!(public_key(&chain[0]).unwrap(), k.public_key());
        check_dns_name(&chain[0], "bank.example.co.th").unwrap();
        assert!(matches!(
            check_dns_name(&chain[0], "evil.example"),
            Err(ClientError::NameMismatch { .. })
        ));
        let back = from_x5c(&x5c(&chain).unwrap()).unwrap();
        assert_eq!(back, chain);
        let now = std::time::SystemTime::now();
        verify_chain(&chain, &chain, now).unwrap();
        let other =
            read_pem_chain(&self_signed_certificate(&key(), "bank.example.co.th", 30).unwrap())
                .unwrap();
        assert!(verify_chain(&chain, &other, now).is_err());
    }

    #[test]
    fn client_ids_need_a_supported_prefix() {
        assert_eq!(
            ClientId::parse("x509_san_dns:bank.example").unwrap(),
            ClientId::X509SanDns("bank.example".into())
        );
        assert!(ClientId::parse("redirect_uri:http://localhost:1/r").is_ok());
        for bad in [
            "bank.example",
            "x509_san_dns:",
            "did:web:x",
            "x509_san_dns:a..b",
        ] {
            assert!(ClientId::parse(bad).is_err(), "{bad}");
        }
    }
}
