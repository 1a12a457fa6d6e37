//! The OpenID4VCI 1.0 client of the pre-authorized code flow: read the
//! offer, fetch the issuer's metadata, redeem the code (with the PIN) at the
//! token endpoint, then for each offered configuration the wallet
//! understands get a `c_nonce`, make fresh holder keys, prove possession
//! and store what the credential endpoint returns.

use elicence_core::keys::{KeyAlgorithm, PublicKey, SigningKey};
use elicence_oid4vci::dpop::make_dpop;
use elicence_oid4vci::offer::{parse_offer, CredentialOffer, OfferLocation};
use elicence_oid4vci::proof::make_proof;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::error::WalletError;
use crate::http::{self, Answer};
use crate::store::{Format, StoredCredential, Wallet};

/// How to receive.
#[derive(Debug, Clone)]
pub struct ReceiveOptions {
    /// The PIN (`tx_code`) the agency sent, if the offer asks for one.
    pub pin: Option<String>,
    /// Instances of each credential (batch issuance, each bound to its own
    /// key, for unlinkable presentations).
    pub batch: usize,
    /// Only these configurations (default: every offered one we understand).
    pub only: Vec<String>,
}

impl Default for ReceiveOptions {
    fn default() -> ReceiveOptions {
        ReceiveOptions {
            pin: None,
            batch: 1,
            only: Vec::new(),
        }
    }
}

fn refused(endpoint: &str, answer: &Answer) -> WalletError {
    match elicence_oid4vci::Oid4vciError::from_json(&answer.body) {
        Some((code, description)) => WalletError::Protocol {
            endpoint: endpoint.to_owned(),
            code,
            description,
        },
        None => WalletError::Protocol {
            endpoint: endpoint.to_owned(),
            code: format!("HTTP {}", answer.status),
            description: answer
                .body
                .get("detail")
                .and_then(Value::as_str)
                .unwrap_or("no error description")
                .to_owned(),
        },
    }
}

fn text<'a>(v: &'a Value, name: &str, what: &str) -> Result<&'a str, WalletError> {
    v.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| WalletError::BadResponse(format!("{what} has no `{name}`")))
}

/// Reads an offer: by value, or fetched from its `credential_offer_uri`.
pub fn resolve_offer(input: &str) -> Result<CredentialOffer, WalletError> {
    match parse_offer(input).map_err(|e| WalletError::Offer(e.description().to_owned()))? {
        OfferLocation::ByValue(offer) => Ok(offer),
        OfferLocation::ByReference(url) => {
            let answer = http::get_json(&url)?;
            if answer.status != 200 {
                return Err(WalletError::Offer(format!(
                    "{url}: HTTP {} (the offer was used, has expired or never existed)",
                    answer.status
                )));
            }
            serde_json::from_value(answer.body)
                .map_err(|e| WalletError::BadResponse(format!("the offer at {url}: {e}")))
        }
    }
}

/// Whether the offer asks for a PIN.
pub fn needs_pin(offer: &CredentialOffer) -> bool {
    offer
        .pre_authorized_grant()
        .is_ok_and(|g| g.tx_code.is_some())
}

/// Receives every credential `offer` grants into `wallet`, sealing holder
/// keys under `passphrase`; returns what was stored.
pub fn receive(
    wallet: &Wallet,
    offer: &CredentialOffer,
    options: &ReceiveOptions,
    passphrase: &[u8],
) -> Result<Vec<StoredCredential>, WalletError> {
    let issuer = offer.credential_issuer.trim_end_matches('/').to_owned();
    if !http::allowed(&issuer) {
        return Err(WalletError::Insecure(issuer));
    }
    let grant = offer
        .pre_authorized_grant()
        .map_err(|e| WalletError::Offer(e.description().to_owned()))?;
    if grant.tx_code.is_some() && options.pin.is_none() {
        return Err(WalletError::Offer(
            "this offer needs the PIN (tx_code) the agency sent you".into(),
        ));
    }

    let metadata_url = format!("{issuer}/.well-known/openid-credential-issuer");
    let metadata = http::get_json(&metadata_url)?;
    if metadata.status != 200 {
        return Err(refused(&metadata_url, &metadata));
    }
    let metadata = metadata.body;
    if text(&metadata, "credential_issuer", "the issuer metadata")?.trim_end_matches('/') != issuer
    {
        return Err(WalletError::BadResponse(
            "the metadata's credential_issuer is not the offer's".into(),
        ));
    }
    let credential_endpoint =
        text(&metadata, "credential_endpoint", "the issuer metadata")?.to_owned();
    let nonce_endpoint = metadata
        .get("nonce_endpoint")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let as_issuer = metadata
        .pointer("/authorization_servers/0")
        .and_then(Value::as_str)
        .unwrap_or(&issuer)
        .trim_end_matches('/')
        .to_owned();
    let as_url = format!("{as_issuer}/.well-known/oauth-authorization-server");
    let as_metadata = http::get_json(&as_url)?;
    if as_metadata.status != 200 {
        return Err(refused(&as_url, &as_metadata));
    }
    let token_endpoint = text(
        &as_metadata.body,
        "token_endpoint",
        "the authorization server metadata",
    )?
    .to_owned();

    let configurations = &metadata["credential_configurations_supported"];
    let wanted: Vec<(String, Format)> = offer
        .credential_configuration_ids
        .iter()
        .filter(|id| options.only.is_empty() || options.only.contains(id))
        .filter_map(|id| {
            let format = configurations.get(id)?.get("format")?.as_str()?;
            Format::from_name(format).map(|f| (id.clone(), f))
        })
        .collect();
    if wanted.is_empty() {
        return Err(WalletError::Offer(
            "the offer holds no credential this wallet understands (dc+sd-jwt, ldp_vc)".into(),
        ));
    }

    let mut form = vec![
        ("grant_type", elicence_oid4vci::PRE_AUTHORIZED_GRANT),
        ("pre-authorized_code", grant.pre_authorized_code.as_str()),
    ];
    if let Some(pin) = options.pin.as_deref() {
        form.push(("tx_code", pin));
    }
    // DPoP (RFC 9449) when the authorization server offers ES256 for it, as
    // HAIP asks: the access token is then useless without this key.
    let dpop_key = as_metadata
        .body
        .get("dpop_signing_alg_values_supported")
        .and_then(Value::as_array)
        .is_some_and(|algs| algs.iter().any(|a| a == "ES256"))
        .then(|| SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng));
    let dpop = |url: &str, token: Option<&str>| {
        dpop_key.as_ref().map(|key| {
            let mut jti = [0u8; 16];
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut jti);
            make_dpop(
                key,
                "POST",
                url,
                token,
                OffsetDateTime::now_utc().unix_timestamp(),
                &hex::encode(jti),
            )
        })
    };
    let token_proof = dpop(&token_endpoint, None);
    let token = http::post_form(&token_endpoint, &form, token_proof.as_deref())?;
    if token.status != 200 {
        return Err(refused("the token endpoint", &token));
    }
    let access_token = text(&token.body, "access_token", "the token response")?.to_owned();
    let scheme = match token.body.get("token_type").and_then(Value::as_str) {
        Some(t) if t.eq_ignore_ascii_case("dpop") && dpop_key.is_some() => "DPoP",
        Some(t) if t.eq_ignore_ascii_case("bearer") => "Bearer",
        other => {
            return Err(WalletError::BadResponse(format!(
                "unexpected token_type {other:?}"
            )))
        }
    };

    let batch = options.batch.max(1);
    let mut stored = Vec::new();
    for (configuration_id, format) in wanted {
        let nonce = match &nonce_endpoint {
            Some(url) => {
                let a = http::post_json(url, None, http::Auth::default())?;
                if a.status != 200 {
                    return Err(refused("the nonce endpoint", &a));
                }
                Some(text(&a.body, "c_nonce", "the nonce response")?.to_owned())
            }
            None => None,
        };
        let now = OffsetDateTime::now_utc();
        let keys: Vec<SigningKey> = (0..batch)
            .map(|_| SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng))
            .collect();
        let proofs: Vec<String> = keys
            .iter()
            .map(|k| make_proof(k, &issuer, nonce.as_deref(), now.unix_timestamp()))
            .collect();
        let request = json!({
            "credential_configuration_id": configuration_id,
            "proofs": {"jwt": proofs},
        });
        let proof = if scheme == "DPoP" {
            dpop(&credential_endpoint, Some(&access_token))
        } else {
            None
        };
        let auth = http::Auth {
            token: Some((scheme, &access_token)),
            dpop: proof.as_deref(),
        };
        let answer = http::post_json(&credential_endpoint, Some(&request), auth)?;
        if answer.status != 200 {
            return Err(refused("the credential endpoint", &answer));
        }
        let credentials = answer
            .body
            .get("credentials")
            .and_then(Value::as_array)
            .filter(|c| c.len() == keys.len())
            .ok_or_else(|| {
                WalletError::BadResponse(format!(
                    "expected {} credentials in `credentials`",
                    keys.len()
                ))
            })?;
        for (entry, key) in credentials.iter().zip(&keys) {
            let credential = entry
                .get("credential")
                .cloned()
                .ok_or_else(|| WalletError::BadResponse("an entry has no `credential`".into()))?;
            let credential_type = describe(format, &credential, &key.public_key())?;
            let record = StoredCredential {
                id: wallet.new_id(),
                format,
                configuration_id: configuration_id.clone(),
                issuer: issuer.clone(),
                credential_type,
                received_at: now
                    .replace_nanosecond(0)
                    .unwrap_or(now)
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                credential,
            };
            wallet.store(&record, key, passphrase)?;
            stored.push(record);
        }
    }
    Ok(stored)
}

/// The type of a received credential, after checking that an SD-JWT VC is
/// one and is bound to the key we proved (`cnf.jwk`). The issuer's
/// signature is checked by `elicence verify` against the trust bundle.
fn describe(format: Format, credential: &Value, holder: &PublicKey) -> Result<String, WalletError> {
    match format {
        Format::DcSdJwt => {
            let text = credential.as_str().ok_or_else(|| {
                WalletError::BadResponse("a dc+sd-jwt credential must be a string".into())
            })?;
            let jwt = text.split('~').next().unwrap_or_default();
            let payload = elicence_sd_jwt::process::unverified_payload(jwt)
                .map_err(|e| WalletError::BadResponse(format!("the SD-JWT VC: {e}")))?;
            let bound = elicence_sd_jwt::verify::holder_key(&payload)
                .map_err(|e| WalletError::BadResponse(format!("the SD-JWT VC's cnf: {e}")))?;
            if bound != *holder {
                return Err(WalletError::BadResponse(
                    "the SD-JWT VC is bound to another key than ours".into(),
                ));
            }
            Ok(payload
                .get("vct")
                .and_then(Value::as_str)
                .ok_or_else(|| WalletError::BadResponse("the SD-JWT VC has no vct".into()))?
                .to_owned())
        }
        Format::LdpVc => {
            let types = match credential.get("type") {
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" "),
                Some(Value::String(s)) => s.clone(),
                _ => {
                    return Err(WalletError::BadResponse(
                        "the ldp_vc credential has no type".into(),
                    ))
                }
            };
            Ok(types)
        }
    }
}
