//! elicence-relying-party: third parties ask a business's wallet for a
//! licence with OpenID4VP 1.0 and DCQL, and receive only the claims they
//! asked for, verified against the trust bundle (docs/relying-parties.md).
//!
//! The modules, in the order an exchange travels:
//!
//! * [`dcql`]: the query language, validated, and the one matching rule
//!   holder and relying party share.
//! * [`client`]: client identifier prefixes (`x509_san_dns`, `redirect_uri`)
//!   and the X.509 certificate behind them.
//! * [`request`]: the signed request object (JAR), the `openid4vp://` link,
//!   and the holder's checks of both.
//! * [`holder`]: the business's side: choosing credentials and claims,
//!   building the `vp_token` and the `direct_post` body.
//! * [`jwe`]: encrypted responses (`direct_post.jwt`, ECDH-ES on P-256).
//! * [`response`]: the relying party's verification of the `vp_token`
//!   through elicence-verifier, judged against the query.
//! * [`config`], [`store`], [`service`], [`page`]: the axum service, its
//!   `rp.toml`, its SQLite store and its Thai/English result page.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod client;
pub mod config;
pub mod dcql;
pub mod holder;
pub mod jwe;
pub mod page;
pub mod request;
pub mod response;
pub mod service;
pub mod store;

pub use config::RpConfig;
pub use service::{serve, RelyingParty};
