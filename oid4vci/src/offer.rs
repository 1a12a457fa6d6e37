//! Credential Offers (OID4VCI §4.1): what the agency hands the business, by
//! reference (`credential_offer_uri`) in an `openid-credential-offer://`
//! URI, with the pre-authorized code and a `tx_code` (PIN) description.

use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Oid4vciError;

/// The pre-authorized code grant type.
pub const PRE_AUTHORIZED_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

/// The URI scheme wallets register for offers.
pub const OFFER_SCHEME: &str = "openid-credential-offer://";

/// How a wallet must enter the transaction code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxCode {
    /// `numeric` (digits only) or `text`.
    #[serde(default = "numeric")]
    pub input_mode: String,
    /// How many characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    /// Where the user finds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

fn numeric() -> String {
    "numeric".into()
}

/// The pre-authorized code grant of an offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreAuthorizedGrant {
    /// The single-use code the wallet exchanges at the token endpoint.
    #[serde(rename = "pre-authorized_code")]
    pub pre_authorized_code: String,
    /// Present when a PIN is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_code: Option<TxCode>,
}

/// A Credential Offer object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialOffer {
    /// The Credential Issuer Identifier (an https URL, or loopback http).
    pub credential_issuer: String,
    /// Keys of `credential_configurations_supported` offered.
    pub credential_configuration_ids: Vec<String>,
    /// The grants, keyed by grant type.
    #[serde(default)]
    pub grants: serde_json::Map<String, Value>,
}

impl CredentialOffer {
    /// An offer with a pre-authorized code and, if `tx_code_length` is
    /// given, a numeric PIN of that length delivered by another channel.
    pub fn pre_authorized(
        credential_issuer: &str,
        configuration_ids: Vec<String>,
        code: &str,
        tx_code_length: Option<u32>,
    ) -> CredentialOffer {
        let grant = PreAuthorizedGrant {
            pre_authorized_code: code.to_owned(),
            tx_code: tx_code_length.map(|length| TxCode {
                input_mode: numeric(),
                length: Some(length),
                description: Some(
                    "รหัส PIN ที่หน่วยงานส่งให้ทางช่องทางอื่น / the PIN the agency sent you separately"
                        .into(),
                ),
            }),
        };
        let mut grants = serde_json::Map::new();
        grants.insert(
            PRE_AUTHORIZED_GRANT.into(),
            serde_json::to_value(grant).unwrap_or(Value::Null),
        );
        CredentialOffer {
            credential_issuer: credential_issuer.to_owned(),
            credential_configuration_ids: configuration_ids,
            grants,
        }
    }

    /// The pre-authorized code grant, if the offer has one.
    pub fn pre_authorized_grant(&self) -> Result<PreAuthorizedGrant, Oid4vciError> {
        let grant = self.grants.get(PRE_AUTHORIZED_GRANT).ok_or_else(|| {
            Oid4vciError::InvalidRequest("the offer has no pre-authorized code grant".into())
        })?;
        serde_json::from_value(grant.clone())
            .map_err(|e| Oid4vciError::InvalidRequest(format!("pre-authorized grant: {e}")))
    }
}

/// `openid-credential-offer://?credential_offer_uri=...` for an offer
/// published at `offer_url`.
pub fn offer_uri_by_reference(offer_url: &str) -> String {
    format!(
        "{OFFER_SCHEME}?credential_offer_uri={}",
        utf8_percent_encode(offer_url, NON_ALPHANUMERIC)
    )
}

/// Where a wallet finds the offer it was handed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferLocation {
    /// The offer itself (`credential_offer=`).
    ByValue(CredentialOffer),
    /// A URL to GET it from (`credential_offer_uri=`, or a bare URL).
    ByReference(String),
}

/// Reads what a business was given: an `openid-credential-offer://` URI
/// (by value or by reference), or the offer URL itself.
pub fn parse_offer(input: &str) -> Result<OfferLocation, Oid4vciError> {
    let input = input.trim();
    if input.starts_with("https://") || input.starts_with("http://") {
        return Ok(OfferLocation::ByReference(input.to_owned()));
    }
    let query = input
        .strip_prefix(OFFER_SCHEME)
        .or_else(|| input.strip_prefix("openid-credential-offer:"))
        .ok_or_else(|| {
            Oid4vciError::InvalidRequest(
                "not a credential offer: expected openid-credential-offer://... or an offer URL"
                    .into(),
            )
        })?;
    let query = query.trim_start_matches('/').trim_start_matches('?');
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode_str(&value.replace('+', " "))
            .decode_utf8()
            .map_err(|_| Oid4vciError::InvalidRequest("the offer is not UTF-8".into()))?
            .into_owned();
        match name {
            "credential_offer_uri" => return Ok(OfferLocation::ByReference(value)),
            "credential_offer" => {
                let offer = serde_json::from_str(&value)
                    .map_err(|e| Oid4vciError::InvalidRequest(format!("credential_offer: {e}")))?;
                return Ok(OfferLocation::ByValue(offer));
            }
            _ => {}
        }
    }
    Err(Oid4vciError::InvalidRequest(
        "the offer URI has neither credential_offer nor credential_offer_uri".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_reference_round_trips() {
        let url = "http://127.0.0.1:8080/oid4vci/offers/abc?x=1";
        let uri = offer_uri_by_reference(url);
        assert!(uri.starts_with("openid-credential-offer://?credential_offer_uri=http%3A%2F%2F"));
        assert_eq!(
            parse_offer(&uri).unwrap(),
            OfferLocation::ByReference(url.into())
        );
    }

    #[test]
    fn by_value_is_read_and_garbage_refused() {
        let offer =
            CredentialOffer::pre_authorized("https://i.example", vec!["a".into()], "c", Some(6));
        let json = serde_json::to_string(&offer).unwrap();
        let uri = format!(
            "openid-credential-offer://?credential_offer={}",
            utf8_percent_encode(&json, NON_ALPHANUMERIC)
        );
        let OfferLocation::ByValue(back) = parse_offer(&uri).unwrap() else {
            panic!("by value expected")
        };
        assert_eq!(
            back.pre_authorized_grant().unwrap().pre_authorized_code,
            "c"
        );
        assert!(parse_offer("mailto:x").is_err());
        assert!(parse_offer("openid-credential-offer://?foo=1").is_err());
    }
}
