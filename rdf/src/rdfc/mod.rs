//! RDF Dataset Canonicalization, RDFC-1.0 (W3C Recommendation, 21 May 2024).
//!
//! `eddsa-rdfc-2022` and `ecdsa-rdfc-2019` sign the canonical N-Quads of a
//! credential, so issuer and verifier must produce the very same bytes for
//! the same dataset whatever blank node labels or statement order they saw.
//! This module implements the Recommendation's algorithms exactly (checked
//! against the full W3C rdf-canon test suite) and adds the "poison graph"
//! protection the spec asks for: inputs whose blank nodes would need an
//! exponential amount of work are refused with [`RdfcError::TooComplex`]
//! instead of tying up a verifier for minutes.
//!
//! See `docs/rdfc.md` for the limits and why their defaults are what they are.

mod canon;
mod hash;
pub(crate) mod input;
mod permute;

pub use hash::HashAlgorithm;

use crate::model::Quad;
use canon::State;
use input::{InQuad, Labels};
use thiserror::Error;

/// Budget for the expensive part of RDFC-1.0 (Hash N-Degree Quads).
///
/// Real credentials have a handful of blank nodes with distinct neighbours and
/// never reach Hash N-Degree Quads at all; symmetric ("poison") graphs make
/// it explode factorially. Every limit is checked before the work it counts,
/// so exceeding one returns promptly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComplexityLimit {
    /// Total calls of Hash N-Degree Quads (including recursive ones).
    pub max_ndegree_calls: u64,
    /// Total work of those calls in quad-components examined (each call of
    /// Hash N-Degree Quads on a node costs 3 per quad mentioning the node, an
    /// upper bound of its Hash Related Blank Node calls); bounds the cost of
    /// graphs where a node is mentioned by very many quads.
    pub max_related_hashes: u64,
    /// Total permutations of related blank nodes examined (step 5.4).
    pub max_permutations: u64,
    /// Deepest recursion of Hash N-Degree Quads; bounds stack use, which
    /// matters in a browser (wasm) where the stack is small.
    pub max_depth: u32,
}

impl ComplexityLimit {
    /// The default budget: every dataset of the W3C test suite that the
    /// suite expects to be canonicalized passes with a wide margin, and the
    /// suite's 10-node clique poison graph is refused in milliseconds.
    pub const DEFAULT: ComplexityLimit = ComplexityLimit {
        max_ndegree_calls: 10_000,
        max_related_hashes: 300_000,
        max_permutations: 50_000,
        max_depth: 128,
    };
}

impl Default for ComplexityLimit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Settings for [`canonicalize_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Hash used inside the algorithm (SHA-256 unless a suite says otherwise).
    pub hash: HashAlgorithm,
    /// Work budget protecting against poison graphs.
    pub max_work: ComplexityLimit,
}

/// Which [`ComplexityLimit`] was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`ComplexityLimit::max_ndegree_calls`].
    NDegreeCalls,
    /// [`ComplexityLimit::max_related_hashes`].
    RelatedHashes,
    /// [`ComplexityLimit::max_permutations`].
    Permutations,
    /// [`ComplexityLimit::max_depth`].
    RecursionDepth,
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Limit::NDegreeCalls => "Hash N-Degree Quads calls",
            Limit::RelatedHashes => "related blank node hashes",
            Limit::Permutations => "blank node permutations",
            Limit::RecursionDepth => "Hash N-Degree Quads recursion depth",
        })
    }
}

/// Why a quad cannot be canonicalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum InvalidQuadReason {
    /// The predicate is a blank node or a literal.
    #[error("predicate is not an IRI")]
    PredicateNotIri,
    /// The subject is a literal.
    #[error("subject is a literal")]
    LiteralSubject,
    /// The graph name is a literal.
    #[error("graph name is a literal")]
    LiteralGraphName,
    /// An IRI (term or datatype) is empty or holds a character that cannot
    /// appear between `<` and `>` in N-Quads (space, `>`, controls, ...).
    #[error("IRI contains characters not allowed in N-Quads")]
    InvalidIri,
    /// A language tag not matching `[a-zA-Z]+(-[a-zA-Z0-9]+)*`.
    #[error("invalid language tag")]
    InvalidLanguageTag,
}

/// Errors of canonicalization.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RdfcError {
    /// The dataset needs more work than the configured budget allows
    /// (RDFC-1.0 section 4.8 / "dataset poisoning").
    #[error("dataset too complex to canonicalize: more than {max} {limit}")]
    TooComplex {
        /// The limit that was hit.
        limit: Limit,
        /// Its configured value.
        max: u64,
    },
    /// A quad that is not valid RDF or cannot be written as canonical N-Quads.
    #[error("quad #{index} cannot be canonicalized: {reason}")]
    InvalidQuad {
        /// Position of the quad in the input slice.
        index: usize,
        /// What is wrong with it.
        reason: InvalidQuadReason,
    },
    /// More than 2^32 - 1 distinct blank nodes.
    #[error("too many blank nodes")]
    TooManyBlankNodes,
}

/// A canonicalized dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonicalized {
    /// The canonical N-Quads document: sorted lines, each ending in `\n`.
    pub nquads: String,
    /// The issued identifiers map: input blank node label to canonical label
    /// (`c14n0`, `c14n1`, ...), in order of issuance. Selective disclosure
    /// suites need it to relate the input to the signed statements.
    pub issued: Vec<(String, String)>,
}

/// Canonicalizes `quads` with RDFC-1.0 (SHA-256, default limits) and returns
/// the canonical N-Quads document, ready to hash or sign.
pub fn canonicalize(quads: &[Quad]) -> Result<String, RdfcError> {
    canonicalize_with(quads, &Options::default()).map(|c| c.nquads)
}

/// Canonicalizes `quads` with explicit options, also returning the issued
/// identifiers map.
pub fn canonicalize_with(quads: &[Quad], options: &Options) -> Result<Canonicalized, RdfcError> {
    let (input, labels) = input::from_quads(quads)?;
    // The interner numbers at most u32::MAX - 1 nodes.
    let blank_nodes = labels.len() as u32;
    let labels = Labels::Given(labels);
    let state = State::run(&input, blank_nodes, labels, options.hash, options.max_work)?;
    let nquads = state.serialize();
    let issued = state
        .canonical_order
        .iter()
        .enumerate()
        .map(|(i, &node)| (state.labels.label(node), format!("c14n{i}")))
        .collect();
    Ok(Canonicalized { nquads, issued })
}

/// Canonical N-Quads of a dataset produced by JSON-LD toRdf, whose blank
/// nodes are `b0..b{blank_nodes - 1}` (numbers in `input`): the zero-copy
/// path of [`crate::jsonld::Processor::canonicalize`].
pub(crate) fn canonicalize_numbered(
    input: &[InQuad<'_>],
    blank_nodes: u32,
    options: &Options,
) -> Result<String, RdfcError> {
    let state = State::run(
        input,
        blank_nodes,
        Labels::Numbered,
        options.hash,
        options.max_work,
    )?;
    Ok(state.serialize())
}
