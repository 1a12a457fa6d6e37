//! RFC 3161 time-stamps: the request for the signature value's imprint, the
//! response checked against it (status, imprint, nonce), and, with feature
//! `tsa-client`, posting the request to a TSA over HTTP(S).

use cmpv2::status::PkiStatus;
use cms::content_info::ContentInfo;
use der::asn1::{Int, OctetString};
use der::{Any, Decode, Encode};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifier;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use crate::oids::{ID_CT_TST_INFO, ID_SHA256};
use crate::PadesError;

/// The media type of a time-stamp request (RFC 3161 §3.4).
pub const REQUEST_MEDIA_TYPE: &str = "application/timestamp-query";
/// The media type of a time-stamp response.
pub const RESPONSE_MEDIA_TYPE: &str = "application/timestamp-reply";

/// A time-stamp request for `data` (SHA-256 imprint), asking for the TSA's
/// certificate in the token so a verifier can check it offline.
pub fn request(data: &[u8], nonce: u64) -> Result<Vec<u8>, PadesError> {
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: imprint(data)?,
        req_policy: None,
        nonce: Some(int_from_u64(nonce)?),
        cert_req: true,
        extensions: None,
    };
    req.to_der().map_err(PadesError::der)
}

/// A non-negative INTEGER in its minimal (DER) encoding.
pub fn int_from_u64(n: u64) -> Result<Int, PadesError> {
    let bytes = n.to_be_bytes();
    let first = bytes
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(bytes.len() - 1);
    let mut minimal = bytes[first..].to_vec();
    if minimal[0] & 0x80 != 0 {
        minimal.insert(0, 0);
    }
    Int::new(&minimal).map_err(PadesError::der)
}

/// SHA-256 message imprint of `data`.
pub fn imprint(data: &[u8]) -> Result<MessageImprint, PadesError> {
    Ok(MessageImprint {
        hash_algorithm: AlgorithmIdentifier::<Any> {
            oid: ID_SHA256,
            parameters: Some(Any::null()),
        },
        hashed_message: OctetString::new(Sha256::digest(data).to_vec()).map_err(PadesError::der)?,
    })
}

/// The TSTInfo inside a time-stamp token.
pub fn tst_info(token: &ContentInfo) -> Result<TstInfo, PadesError> {
    let sd = token
        .content
        .decode_as::<cms::signed_data::SignedData>()
        .map_err(|e| PadesError::TimeStamp(format!("the token is not SignedData: {e}")))?;
    if sd.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(PadesError::TimeStamp(
            "the token does not hold a TSTInfo".into(),
        ));
    }
    let content = sd
        .encap_content_info
        .econtent
        .ok_or_else(|| PadesError::TimeStamp("the token has no TSTInfo".into()))?;
    let octets = content
        .decode_as::<OctetString>()
        .map_err(|e| PadesError::TimeStamp(format!("TSTInfo wrapper: {e}")))?;
    TstInfo::from_der(octets.as_bytes()).map_err(|e| PadesError::TimeStamp(format!("TSTInfo: {e}")))
}

/// True when the token's imprint is the SHA-256 of `data`.
pub fn imprint_matches(info: &TstInfo, data: &[u8]) -> bool {
    info.message_imprint.hash_algorithm.oid == ID_SHA256
        && info.message_imprint.hashed_message.as_bytes() == Sha256::digest(data).as_slice()
}

/// Reads a TSA's response to [`request`]`(data, nonce)`: granted, a token,
/// for our imprint and nonce.
pub fn parse_response(response: &[u8], data: &[u8], nonce: u64) -> Result<ContentInfo, PadesError> {
    let resp = TimeStampResp::from_der(response).map_err(|e| {
        PadesError::TimeStamp(format!("the TSA's answer is not a TimeStampResp: {e}"))
    })?;
    if !matches!(
        resp.status.status,
        PkiStatus::Accepted | PkiStatus::GrantedWithMods
    ) {
        return Err(PadesError::TimeStamp(format!(
            "the TSA refused the request ({:?})",
            resp.status.status
        )));
    }
    let token = resp
        .time_stamp_token
        .ok_or_else(|| PadesError::TimeStamp("the TSA granted no token".into()))?;
    let info = tst_info(&token)?;
    if !imprint_matches(&info, data) {
        return Err(PadesError::TimeStamp("the token is for other data".into()));
    }
    let expected = int_from_u64(nonce)?;
    if info.nonce.as_ref() != Some(&expected) {
        return Err(PadesError::TimeStamp(
            "the token's nonce is not ours".into(),
        ));
    }
    Ok(token)
}

/// Asks the TSA at `url` for a token over `data` (HTTP POST, RFC 3161 §3.4).
#[cfg(feature = "tsa-client")]
pub fn request_token(url: &str, data: &[u8]) -> Result<ContentInfo, PadesError> {
    use rand_core::RngCore as _;
    let nonce = rand_core::OsRng.next_u64() >> 1;
    let body = request(data, nonce)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .post(url)
        .header("Content-Type", REQUEST_MEDIA_TYPE)
        .send(&body[..])
        .map_err(|e| PadesError::TimeStamp(format!("{url}: {e}")))?;
    if response.status() != 200 {
        return Err(PadesError::TimeStamp(format!(
            "{url} answered HTTP {}",
            response.status()
        )));
    }
    let bytes = response
        .body_mut()
        .with_config()
        .limit(1024 * 1024)
        .read_to_vec()
        .map_err(|e| PadesError::TimeStamp(format!("{url}: {e}")))?;
    let _ = der::Tag::Sequence;
    parse_response(&bytes, data, nonce)
}

/// Re-encodes a token (for embedding).
pub fn token_der(token: &ContentInfo) -> Result<Vec<u8>, PadesError> {
    token.to_der().map_err(PadesError::der)
}
