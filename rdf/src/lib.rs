//! elicence-rdf: the RDF engine behind Data Integrity's `*-rdfc-*` suites.
//!
//! It knows nothing about licences or credentials: it turns a JSON-LD
//! document into the RDF dataset it denotes and that dataset into canonical
//! N-Quads, exactly as the W3C Recommendations say, with every remote context
//! supplied by the caller (nothing is ever fetched). Pure functions, no I/O,
//! builds for `wasm32-unknown-unknown`.
//!
//! | module | what |
//! |---|---|
//! | [`jsonld`] | JSON-LD 1.1 expansion and toRdf over pinned contexts (the subset VC contexts use) |
//! | [`model`] | RDF terms and quads, the currency between the others |
//! | [`nquads`] | N-Quads 1.1 parsing and canonical serialization |
//! | [`rdfc`] | RDF Dataset Canonicalization (RDFC-1.0) with poison-graph limits |
//!
//! Format notes live beside the code: `docs/jsonld-subset.md` and `docs/rdfc.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod jsonld;
pub mod model;
pub mod nquads;
pub mod rdfc;
