//! CMS SignedData for PAdES (ETSI EN 319 142-1 §6.3, CAdES detached): one
//! SignerInfo over the document's byte range with the signed attributes
//! content-type, message-digest and signing-certificate-v2 (no signing-time:
//! PAdES puts the claimed time in the signature dictionary's `/M`), signed
//! with ECDSA P-256 / SHA-256, and the certificates of the chain.

use cms::cert::IssuerAndSerialNumber;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{DerSignature, SigningKey};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::Certificate;

use crate::oids::*;
use crate::PadesError;

/// ESSCertIDv2 (RFC 5035): the hash of the signing certificate, binding it
/// to the signature so it cannot be swapped for another with the same key.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertIdV2 {
    /// Omitted when SHA-256 (the DEFAULT).
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    /// Hash of the certificate's DER.
    pub cert_hash: OctetString,
    /// The certificate's issuer and serial number.
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// IssuerSerial (RFC 5035).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct IssuerSerial {
    /// The issuer's name, as a GeneralNames.
    pub issuer: Vec<GeneralName>,
    /// Serial number.
    pub serial_number: SerialNumber,
}

/// SigningCertificateV2 (RFC 5035).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificateV2 {
    /// The signer's certificate first.
    pub certs: Vec<EssCertIdV2>,
}

/// SHA-256 algorithm identifier (parameters absent).
pub fn sha256_alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ID_SHA256,
        parameters: None,
    }
}

fn attribute(oid: der::oid::ObjectIdentifier, value: Any) -> Result<Attribute, PadesError> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(PadesError::der)?;
    Ok(Attribute { oid, values })
}

/// The signing-certificate-v2 attribute value for `cert`.
pub fn signing_certificate_v2(cert: &Certificate) -> Result<SigningCertificateV2, PadesError> {
    let der = cert.to_der().map_err(PadesError::der)?;
    Ok(SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(Sha256::digest(&der).to_vec()).map_err(PadesError::der)?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(
                    cert.tbs_certificate.issuer.clone(),
                )],
                serial_number: cert.tbs_certificate.serial_number.clone(),
            }),
        }],
    })
}

/// Gets the RFC 3161 token for a signature value, or `None` for no time-stamp.
pub type TimeStampHook<'a> = dyn FnMut(&[u8]) -> Result<Option<ContentInfo>, PadesError> + 'a;

/// The signer: an ECDSA P-256 key and its certificate chain (signer first).
pub struct CmsSigner<'a> {
    /// The private key.
    pub key: &'a SigningKey,
    /// The signer's certificate, then the intermediate CAs (the root may follow).
    pub chain: &'a [Certificate],
}

/// Builds the detached CMS SignedData over `message_digest` (SHA-256 of the
/// byte range); `time_stamp` gets the RFC 3161 token for the signature value
/// (PAdES B-T) or `None` (B-B).
pub fn sign_detached(
    signer: &CmsSigner<'_>,
    message_digest: &[u8],
    time_stamp: &mut TimeStampHook<'_>,
) -> Result<Vec<u8>, PadesError> {
    let ci = build_signed_data(signer, ID_DATA, None, message_digest, time_stamp)?;
    ci.to_der().map_err(PadesError::der)
}

/// SignedData of `econtent_type`, with the content inside (`econtent`, as a
/// time-stamp token holds its TSTInfo) or detached, one SignerInfo with
/// content-type, message-digest and signing-certificate-v2.
pub fn build_signed_data(
    signer: &CmsSigner<'_>,
    econtent_type: der::oid::ObjectIdentifier,
    econtent: Option<&[u8]>,
    message_digest: &[u8],
    time_stamp: &mut TimeStampHook<'_>,
) -> Result<ContentInfo, PadesError> {
    let cert = signer
        .chain
        .first()
        .ok_or_else(|| PadesError::Certificate("no signing certificate".into()))?;
    let mut signed_attrs = SetOfVec::new();
    signed_attrs
        .insert(attribute(
            ID_CONTENT_TYPE,
            Any::encode_from(&econtent_type).map_err(PadesError::der)?,
        )?)
        .map_err(PadesError::der)?;
    signed_attrs
        .insert(attribute(
            ID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(message_digest.to_vec()).map_err(PadesError::der)?)
                .map_err(PadesError::der)?,
        )?)
        .map_err(PadesError::der)?;
    signed_attrs
        .insert(attribute(
            ID_AA_SIGNING_CERTIFICATE_V2,
            Any::encode_from(&signing_certificate_v2(cert)?).map_err(PadesError::der)?,
        )?)
        .map_err(PadesError::der)?;
    // The signature covers the DER of the attributes as a SET OF.
    let to_sign = signed_attrs.to_der().map_err(PadesError::der)?;
    let signature: DerSignature = signer.key.sign(&to_sign);
    let signature_bytes = signature.as_bytes().to_vec();

    let unsigned_attrs = match time_stamp(&signature_bytes)? {
        Some(token) => {
            let mut set = SetOfVec::new();
            set.insert(attribute(
                ID_AA_SIGNATURE_TIME_STAMP_TOKEN,
                Any::encode_from(&token).map_err(PadesError::der)?,
            )?)
            .map_err(PadesError::der)?;
            Some(set)
        }
        None => None,
    };

    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256_alg(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: ECDSA_WITH_SHA256,
            parameters: None,
        },
        signature: OctetString::new(signature_bytes).map_err(PadesError::der)?,
        unsigned_attrs,
    };
    let mut certs = SetOfVec::new();
    for c in signer.chain {
        certs
            .insert(cms::cert::CertificateChoices::Certificate(c.clone()))
            .map_err(PadesError::der)?;
    }
    let mut digest_algorithms = SetOfVec::new();
    digest_algorithms
        .insert(sha256_alg())
        .map_err(PadesError::der)?;
    let mut signer_infos = SetOfVec::new();
    signer_infos.insert(signer_info).map_err(PadesError::der)?;
    let econtent = match econtent {
        Some(bytes) => Some(
            Any::encode_from(&OctetString::new(bytes.to_vec()).map_err(PadesError::der)?)
                .map_err(PadesError::der)?,
        ),
        None => None,
    };
    let signed_data = SignedData {
        version: if econtent_type == ID_DATA {
            CmsVersion::V1
        } else {
            CmsVersion::V3
        },
        digest_algorithms,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type,
            econtent,
        },
        certificates: Some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(signer_infos),
    };
    Ok(ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data).map_err(PadesError::der)?,
    })
}

/// Parses a CMS ContentInfo holding SignedData.
pub fn parse_signed_data(der_bytes: &[u8]) -> Result<SignedData, PadesError> {
    let ci = ContentInfo::from_der(der_bytes)
        .map_err(|e| PadesError::Malformed(format!("the signature is not CMS: {e}")))?;
    if ci.content_type != ID_SIGNED_DATA {
        return Err(PadesError::Malformed(
            "the CMS content is not SignedData".into(),
        ));
    }
    ci.content
        .decode_as::<SignedData>()
        .map_err(|e| PadesError::Malformed(format!("SignedData: {e}")))
}
