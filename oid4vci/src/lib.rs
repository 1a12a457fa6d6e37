//! elicence-oid4vci: OpenID for Verifiable Credential Issuance 1.0 (final).
//!
//! What the issuer service and the CLI wallet share of the protocol, without
//! HTTP or async: the service wires these into axum routes
//! (`issuer/src/http/oid4vci.rs`) and the wallet (`wallet/`) speaks them over
//! a blocking HTTP client. Flows and scope: docs/wallets.md.
//!
//! The modules, in the order a credential travels:
//!
//! * [`error`]: every refusal as the error JSON the specifications name
//!   (RFC 6749 §5.2 at the token endpoint, OID4VCI §8.3.1 at the credential
//!   endpoint, RFC 6750 for the access token), with its HTTP status.
//! * [`metadata`]: Credential Issuer Metadata and OAuth Authorization Server
//!   Metadata documents.
//! * [`offer`]: Credential Offers, `openid-credential-offer://` URIs, `tx_code`.
//! * [`grants`]: the issuer's state: single-use pre-authorized codes with
//!   expiry and a PIN-guess limit, access tokens, single-use `c_nonce`s.
//! * [`proof`]: `openid4vci-proof+jwt` proofs of possession (made by the
//!   wallet, checked by the issuer: `alg`, `typ`, `aud`, `nonce`, `iat`).
//! * [`dpop`]: DPoP (RFC 9449) proofs and sender-constrained access tokens.
//! * [`messages`]: token and credential request/response bodies.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod dpop;
pub mod error;
pub mod grants;
pub mod messages;
pub mod metadata;
pub mod offer;
pub mod proof;

pub use error::Oid4vciError;
pub use grants::{GrantStore, Limits};
pub use offer::{CredentialOffer, OfferLocation, PRE_AUTHORIZED_GRANT};
