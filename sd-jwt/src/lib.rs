//! elicence-sd-jwt: business licences for wallets.
//!
//! Selective Disclosure JWTs (RFC 9901), SD-JWT VCs
//! (draft-ietf-oauth-sd-jwt-vc, `typ: dc+sd-jwt`), a licence's claims and
//! types in that form, and IETF Token Status Lists
//! (draft-ietf-oauth-status-list). Pure functions: no I/O, no clock and no
//! randomness of its own (callers pass `now` and an RNG), so the same code
//! runs in the issuer service, the CLI wallet, the verifier and a phone
//! browser (`wasm32-unknown-unknown`). Keys are elicence-core's (ES256 on
//! P-256 as HAIP requires, and EdDSA on Ed25519). Formats: docs/sd-jwt.md.
//!
//! The modules, in the order a credential travels:
//!
//! * [`disclosure`]: Disclosures, digests, salts, claim paths and patterns.
//! * [`jws`]: the compact JWS beneath every token here (algorithm allow list,
//!   no `none`, no `crit`).
//! * [`issue`]: an issuer conceals claims behind digests and signs ([`SdJwt`]).
//! * [`present`]: a holder keeps chosen Disclosures and adds a Key Binding JWT.
//! * [`process`]: splitting the `~` serialization and rebuilding the claims
//!   from the Disclosures present (shared by holder and verifier).
//! * [`verify`]: a verifier's checks, refusing with one typed [`SdJwtError`].
//! * [`vc`]: the SD-JWT VC profile (`vct`, `iss`, `cnf`, `status`, protected claims).
//! * [`licence`]: a business licence's claims, issuance and disclosed view.
//! * [`type_metadata`]: `vct` per licence type and its Type Metadata document.
//! * [`status_list`]: Token Status Lists and Status List Tokens.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod disclosure;
pub mod error;
pub mod issue;
pub mod jws;
pub mod licence;
pub mod present;
pub mod process;
pub mod status_list;
pub mod type_metadata;
pub mod vc;
pub mod verify;

pub use disclosure::{ClaimPath, Disclosure, Pattern, Step};
pub use error::{Part, SdJwtError};
pub use issue::{issue, IssueOptions, SdJwt};
pub use jws::Alg;
pub use present::{present, KeyBindingRequest};
pub use vc::{issue_vc, verify_vc, StatusReference, VcClaims, VerifiedVc, VC_TYPE};
pub use verify::{verify, IssuerKeyResolver, KeyBinding, Verified, VerifyOptions};
