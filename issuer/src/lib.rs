//! elicence-issuer: the agency-facing HTTP service.
//!
//! Many agencies share one service. Each has a `did:web` identity under the
//! service's host, signing keys encrypted at rest under a master key, and API
//! tokens scoped to that agency and to actions. The service issues licences
//! (and any VC Data Model credential through the W3C CCG VC API), allocates
//! Bitstring Status List indices at random, and publishes signed status lists.
//!
//! Storage is one SQLite file by default, or one PostgreSQL database shared
//! by several instances (`db`, `docs/deploy.md`). Every write goes through one writer thread that
//! commits requests in groups and acknowledges a request only after its group
//! committed, so a crash never loses an acknowledged licence and never reuses a
//! status index (see `docs/issuer.md`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod admin;
pub mod batch;
pub mod config;
pub mod conn;
pub mod console;
pub mod crypto;
pub mod db;
pub mod error;
pub mod hsm;
pub mod http;
pub mod issue;
pub mod metrics;
pub mod pg_tls;
pub mod registry;
pub mod reserved;
pub mod server;
pub mod status;
pub mod store;
pub mod tls;
pub mod vcdm;
pub mod writer;

pub use config::Config;
pub use error::IssuerError;
