//! The RDFC-1.0 canonicalization algorithm (W3C Recommendation, section 4).
//!
//! Blank nodes are interned to dense `u32` indices; quads that mention blank
//! nodes are kept as [`PQuad`]s pointing into the caller's terms, so the hot
//! path allocates only a few reusable buffers.

use super::hash::{HashAlgorithm, Hasher, HexHash};
use super::permute::Permuter;
use super::{ComplexityLimit, InvalidQuadReason, Limit, RdfcError};
use crate::model::{write_term, Quad, Term, XSD_STRING};
use crate::nquads::is_language_tag;
use std::collections::HashMap;

/// Marks a blank node without a canonical identifier yet.
const NONE: u32 = u32::MAX;

/// A quad component that is either a blank node (by index) or a fixed term.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot<'a> {
    Blank(u32),
    Fixed(&'a Term),
}

/// A quad mentioning at least one blank node.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct PQuad<'a> {
    subject: Slot<'a>,
    predicate: &'a str,
    object: Slot<'a>,
    graph: Option<Slot<'a>>,
}

/// An identifier issuer: the position in `order` is the issued counter;
/// `sorted` is the same mapping sorted by node, for O(log n) lookups even
/// when an adversarial graph makes issuers large.
#[derive(Clone, Default)]
pub(crate) struct Issuer {
    order: Vec<u32>,
    sorted: Vec<(u32, u32)>,
}

impl Issuer {
    fn get(&self, node: u32) -> Option<usize> {
        self.sorted
            .binary_search_by_key(&node, |&(n, _)| n)
            .ok()
            .map(|i| self.sorted[i].1 as usize)
    }

    fn issue(&mut self, node: u32) -> usize {
        match self.sorted.binary_search_by_key(&node, |&(n, _)| n) {
            Ok(i) => self.sorted[i].1 as usize,
            Err(i) => {
                let id = self.order.len();
                // Node indices are below u32::MAX, so counters fit too.
                self.sorted.insert(i, (node, id as u32));
                self.order.push(node);
                id
            }
        }
    }
}

/// Blank node label interner: linear scan while small (the common case of a
/// credential with a handful of blank nodes), a hash map beyond that.
struct Interner<'a> {
    labels: Vec<&'a str>,
    index: HashMap<&'a str, u32>,
}

const LINEAR_LIMIT: usize = 16;

impl<'a> Interner<'a> {
    fn intern(&mut self, label: &'a str) -> Result<u32, RdfcError> {
        if self.labels.len() <= LINEAR_LIMIT {
            if let Some(i) = self.labels.iter().position(|&l| l == label) {
                return Ok(i as u32);
            }
        } else if let Some(&i) = self.index.get(label) {
            return Ok(i);
        }
        let id = u32::try_from(self.labels.len())
            .ok()
            .filter(|&id| id != NONE)
            .ok_or(RdfcError::TooManyBlankNodes)?;
        self.labels.push(label);
        if self.labels.len() > LINEAR_LIMIT {
            if self.index.is_empty() {
                self.index = self.labels.iter().copied().zip(0..).collect();
            } else {
                self.index.insert(label, id);
            }
        }
        Ok(id)
    }
}

/// The canonicalization state plus the prepared input.
pub(crate) struct State<'a> {
    algorithm: HashAlgorithm,
    limits: ComplexityLimit,
    /// Input label of each blank node, in order of first mention.
    pub(crate) labels: Vec<&'a str>,
    /// Distinct quads mentioning blank nodes.
    quads: Vec<PQuad<'a>>,
    /// Quads without blank nodes (serialized as they are).
    ground: Vec<&'a Quad>,
    /// The blank node to quads map, by blank node index.
    mentions: Vec<Vec<u32>>,
    first_degree: Vec<HexHash>,
    /// Canonical counter of each blank node, or `NONE`.
    canonical: Vec<u32>,
    /// Blank nodes in the order the canonical issuer issued them.
    pub(crate) canonical_order: Vec<u32>,
    ndegree_calls: u64,
    permutations: u64,
    related_hashes: u64,
}

impl<'a> State<'a> {
    /// Runs the whole algorithm (RDFC-1.0 section 4.4.3) and returns the state
    /// with every blank node issued a canonical identifier.
    pub(crate) fn run(
        input: &'a [Quad],
        algorithm: HashAlgorithm,
        limits: ComplexityLimit,
    ) -> Result<Self, RdfcError> {
        let mut state = Self::prepare(input, algorithm, limits)?;
        let mut line_buf = String::new();
        let mut ranges = Vec::new();

        // Step 3: first degree hashes.
        let count = state.labels.len();
        state.first_degree.reserve(count);
        for node in 0..count as u32 {
            let h = state.hash_first_degree(node, &mut line_buf, &mut ranges);
            state.first_degree.push(h);
        }
        // Hash to blank nodes map, code point ordered by hash; the stable sort
        // keeps each identifier list in first-mention order.
        let mut by_hash: Vec<(HexHash, u32)> = state
            .first_degree
            .iter()
            .copied()
            .zip(0..count as u32)
            .collect();
        by_hash.sort_by_key(|a| a.0);

        // Step 4: issue canonical identifiers for unique first degree hashes.
        let mut shared: Vec<&[(HexHash, u32)]> = Vec::new();
        for group in by_hash.chunk_by(|a, b| a.0 == b.0) {
            if let [(_, node)] = group {
                state.issue_canonical(*node);
            } else {
                shared.push(group);
            }
        }

        // Step 5: the rest, through Hash N-Degree Quads.
        for group in shared {
            let mut results: Vec<(HexHash, Issuer)> = Vec::new();
            for &(_, node) in group {
                if state.canonical[node as usize] != NONE {
                    continue;
                }
                let mut temporary = Issuer::default();
                temporary.issue(node);
                results.push(state.hash_n_degree(node, &temporary, 1)?);
            }
            results.sort_by_key(|a| a.0);
            for (_, issuer) in results {
                for node in issuer.order {
                    state.issue_canonical(node);
                }
            }
        }
        Ok(state)
    }

    /// Builds the blank node to quads map (step 2), interning labels and
    /// rejecting quads that cannot be serialized unambiguously.
    fn prepare(
        input: &'a [Quad],
        algorithm: HashAlgorithm,
        limits: ComplexityLimit,
    ) -> Result<Self, RdfcError> {
        let mut interner = Interner {
            labels: Vec::new(),
            index: HashMap::new(),
        };
        let mut quads = Vec::new();
        let mut ground = Vec::new();
        for (index, quad) in input.iter().enumerate() {
            let invalid = |reason| RdfcError::InvalidQuad { index, reason };
            let predicate = match &quad.predicate {
                Term::Iri(iri) => iri.as_str(),
                _ => return Err(invalid(InvalidQuadReason::PredicateNotIri)),
            };
            if matches!(quad.subject, Term::Literal(_)) {
                return Err(invalid(InvalidQuadReason::LiteralSubject));
            }
            if matches!(quad.graph, Some(Term::Literal(_))) {
                return Err(invalid(InvalidQuadReason::LiteralGraphName));
            }
            for term in [&quad.subject, &quad.predicate, &quad.object]
                .into_iter()
                .chain(quad.graph.as_ref())
            {
                check_term(term).map_err(invalid)?;
            }
            let mut slot = |term: &'a Term| -> Result<Slot<'a>, RdfcError> {
                Ok(match term {
                    Term::BlankNode(label) => Slot::Blank(interner.intern(label)?),
                    other => Slot::Fixed(other),
                })
            };
            let subject = slot(&quad.subject)?;
            let object = slot(&quad.object)?;
            let graph = quad.graph.as_ref().map(&mut slot).transpose()?;
            let p = PQuad {
                subject,
                predicate,
                object,
                graph,
            };
            if p.blank_nodes().next().is_some() {
                quads.push(p);
            } else {
                ground.push(quad);
            }
        }
        // A dataset is a set: duplicate statements must not count twice in
        // the hashes.
        quads.sort_unstable();
        quads.dedup();

        let count = interner.labels.len();
        let mut mentions: Vec<Vec<u32>> = vec![Vec::new(); count];
        for (qi, q) in quads.iter().enumerate() {
            for node in q.blank_nodes() {
                // A quad mentioning the same node twice is listed once.
                let list = &mut mentions[node as usize];
                if list.last() != Some(&(qi as u32)) {
                    list.push(qi as u32);
                }
            }
        }
        Ok(State {
            algorithm,
            limits,
            labels: interner.labels,
            quads,
            ground,
            mentions,
            first_degree: Vec::new(),
            canonical: vec![NONE; count],
            canonical_order: Vec::new(),
            ndegree_calls: 0,
            permutations: 0,
            related_hashes: 0,
        })
    }

    fn issue_canonical(&mut self, node: u32) {
        let slot = &mut self.canonical[node as usize];
        if *slot == NONE {
            *slot = self.canonical_order.len() as u32;
            self.canonical_order.push(node);
        }
    }

    /// The canonical counter issued to `node`, if any.
    pub(crate) fn canonical_of(&self, node: u32) -> Option<u32> {
        self.canonical
            .get(node as usize)
            .copied()
            .filter(|&c| c != NONE)
    }

    /// Hash First Degree Quads (section 4.6).
    fn hash_first_degree(
        &self,
        node: u32,
        buf: &mut String,
        ranges: &mut Vec<(usize, usize)>,
    ) -> HexHash {
        buf.clear();
        ranges.clear();
        for &qi in &self.mentions[node as usize] {
            let start = buf.len();
            write_line(buf, &self.quads[qi as usize], |out, b| {
                out.push_str(if b == node { "_:a" } else { "_:z" })
            });
            ranges.push((start, buf.len()));
        }
        let bytes = buf.as_bytes();
        ranges.sort_unstable_by(|a, b| bytes[a.0..a.1].cmp(&bytes[b.0..b.1]));
        let mut hasher = Hasher::new(self.algorithm);
        for &(start, end) in ranges.iter() {
            hasher.update(&bytes[start..end]);
        }
        hasher.finish()
    }

    /// Hash Related Blank Node (section 4.7).
    fn hash_related(
        &self,
        related: u32,
        predicate: &str,
        position: u8,
        issuer: &Issuer,
    ) -> HexHash {
        let mut hasher = Hasher::new(self.algorithm);
        hasher.update(&[position]);
        if position != b'g' {
            hasher.update(b"<");
            hasher.update(predicate.as_bytes());
            hasher.update(b">");
        }
        let mut digits = [0u8; 20];
        if let Some(c) = self.canonical_of(related) {
            hasher.update(b"_:c14n");
            hasher.update(decimal(c as usize, &mut digits));
        } else if let Some(b) = issuer.get(related) {
            hasher.update(b"_:b");
            hasher.update(decimal(b, &mut digits));
        } else {
            hasher.update(self.first_degree[related as usize].as_bytes());
        }
        hasher.finish()
    }

    /// Hash N-Degree Quads (section 4.8), with the complexity guard.
    fn hash_n_degree(
        &mut self,
        node: u32,
        issuer: &Issuer,
        depth: u32,
    ) -> Result<(HexHash, Issuer), RdfcError> {
        self.ndegree_calls += 1;
        if self.ndegree_calls > self.limits.max_ndegree_calls {
            return Err(RdfcError::TooComplex {
                limit: Limit::NDegreeCalls,
                max: self.limits.max_ndegree_calls,
            });
        }
        if depth > self.limits.max_depth {
            return Err(RdfcError::TooComplex {
                limit: Limit::RecursionDepth,
                max: u64::from(self.limits.max_depth),
            });
        }

        // Steps 1-3: hash to related blank nodes map, as (hash, node) pairs
        // sorted by hash, then by label (the order permutations start from).
        let mentions = self.mentions[node as usize].len() as u64;
        self.related_hashes = self.related_hashes.saturating_add(mentions * 3);
        if self.related_hashes > self.limits.max_related_hashes {
            return Err(RdfcError::TooComplex {
                limit: Limit::RelatedHashes,
                max: self.limits.max_related_hashes,
            });
        }
        let mut related: Vec<(HexHash, u32)> = Vec::new();
        for &qi in &self.mentions[node as usize] {
            let q = &self.quads[qi as usize];
            let positions = [
                (Some(q.subject), b's'),
                (Some(q.object), b'o'),
                (q.graph, b'g'),
            ];
            for (slot, position) in positions {
                if let Some(Slot::Blank(r)) = slot {
                    if r != node {
                        let h = self.hash_related(r, q.predicate, position, issuer);
                        related.push((h, r));
                    }
                }
            }
        }
        let labels = &self.labels;
        related.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| labels[a.1 as usize].cmp(labels[b.1 as usize]))
        });

        let mut issuer = issuer.clone();
        let mut data = Hasher::new(self.algorithm);
        let mut path: Vec<u8> = Vec::new();
        let mut chosen_path: Vec<u8> = Vec::new();
        let mut recursion: Vec<u32> = Vec::new();
        let mut nodes: Vec<u32> = Vec::new();
        let mut digits = [0u8; 20];

        // Step 5, per related hash in code point order.
        for group in related.chunk_by(|a, b| a.0 == b.0) {
            data.update(group[0].0.as_bytes());
            nodes.clear();
            nodes.extend(group.iter().map(|&(_, r)| r));
            let mut chosen_issuer: Option<Issuer> = None;
            chosen_path.clear();
            let mut permuter = Permuter::new(nodes.len());
            loop {
                self.permutations += 1;
                if self.permutations > self.limits.max_permutations {
                    return Err(RdfcError::TooComplex {
                        limit: Limit::Permutations,
                        max: self.limits.max_permutations,
                    });
                }
                let mut issuer_copy = issuer.clone();
                path.clear();
                recursion.clear();
                let worse = |path: &[u8], chosen: &Option<Issuer>, chosen_path: &[u8]| {
                    chosen.is_some() && path.len() >= chosen_path.len() && path > chosen_path
                };
                let mut skipped = false;
                for &i in permuter.current() {
                    let r = nodes[i];
                    if let Some(c) = self.canonical_of(r) {
                        path.extend_from_slice(b"_:c14n");
                        path.extend_from_slice(decimal(c as usize, &mut digits));
                    } else {
                        if issuer_copy.get(r).is_none() {
                            recursion.push(r);
                        }
                        let b = issuer_copy.issue(r);
                        path.extend_from_slice(b"_:b");
                        path.extend_from_slice(decimal(b, &mut digits));
                    }
                    if worse(&path, &chosen_issuer, &chosen_path) {
                        skipped = true;
                        break;
                    }
                }
                if !skipped {
                    for &r in &recursion {
                        let (h, next_issuer) = self.hash_n_degree(r, &issuer_copy, depth + 1)?;
                        let b = issuer_copy.issue(r);
                        path.extend_from_slice(b"_:b");
                        path.extend_from_slice(decimal(b, &mut digits));
                        path.push(b'<');
                        path.extend_from_slice(h.as_bytes());
                        path.push(b'>');
                        issuer_copy = next_issuer;
                        if worse(&path, &chosen_issuer, &chosen_path) {
                            skipped = true;
                            break;
                        }
                    }
                }
                if !skipped && (chosen_issuer.is_none() || path < chosen_path) {
                    std::mem::swap(&mut path, &mut chosen_path);
                    chosen_issuer = Some(issuer_copy);
                }
                if !permuter.advance() {
                    break;
                }
            }
            data.update(&chosen_path);
            if let Some(chosen) = chosen_issuer {
                issuer = chosen;
            }
        }
        Ok((data.finish(), issuer))
    }

    /// Serializes the canonicalized dataset: every quad with canonical labels,
    /// in code point order, duplicates removed.
    pub(crate) fn serialize(&self) -> String {
        let mut buf = String::new();
        let mut ranges: Vec<(usize, usize)> =
            Vec::with_capacity(self.quads.len() + self.ground.len());
        for quad in &self.ground {
            let start = buf.len();
            write_term(&mut buf, &quad.subject);
            buf.push(' ');
            write_term(&mut buf, &quad.predicate);
            buf.push(' ');
            write_term(&mut buf, &quad.object);
            if let Some(g) = &quad.graph {
                buf.push(' ');
                write_term(&mut buf, g);
            }
            buf.push_str(" .\n");
            ranges.push((start, buf.len()));
        }
        let mut digits = [0u8; 20];
        for q in &self.quads {
            let start = buf.len();
            write_line(&mut buf, q, |out, b| {
                out.push_str("_:c14n");
                let c = self.canonical_of(b).unwrap_or(NONE) as usize;
                push_ascii(out, decimal(c, &mut digits));
            });
            ranges.push((start, buf.len()));
        }
        let bytes = buf.as_bytes();
        ranges.sort_unstable_by(|a, b| bytes[a.0..a.1].cmp(&bytes[b.0..b.1]));
        ranges.dedup_by(|a, b| bytes[a.0..a.1] == bytes[b.0..b.1]);
        let mut out = String::with_capacity(buf.len());
        for &(start, end) in &ranges {
            out.push_str(&buf[start..end]);
        }
        out
    }
}

impl<'a> PQuad<'a> {
    /// Blank nodes mentioned, in subject, object, graph order.
    fn blank_nodes(&self) -> impl Iterator<Item = u32> + '_ {
        [Some(self.subject), Some(self.object), self.graph]
            .into_iter()
            .filter_map(|s| match s {
                Some(Slot::Blank(b)) => Some(b),
                _ => None,
            })
    }
}

/// Writes one canonical N-Quads line, labelling blank nodes with `label`.
fn write_line(out: &mut String, q: &PQuad<'_>, mut label: impl FnMut(&mut String, u32)) {
    let mut slot = |out: &mut String, s: Slot<'_>| match s {
        Slot::Blank(b) => label(out, b),
        Slot::Fixed(term) => write_term(out, term),
    };
    slot(out, q.subject);
    out.push_str(" <");
    out.push_str(q.predicate);
    out.push_str("> ");
    slot(out, q.object);
    if let Some(g) = q.graph {
        out.push(' ');
        slot(out, g);
    }
    out.push_str(" .\n");
}

/// Decimal digits of `n`, written at the end of `buf`.
fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

fn push_ascii(out: &mut String, ascii: &[u8]) {
    out.extend(ascii.iter().map(|&b| char::from(b)));
}

/// Bytes that may not appear in an IRI written between `<` and `>`.
const fn iri_forbidden_table() -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i <= 0x20 {
        table[i] = true;
        i += 1;
    }
    let others = b"<>\"{}|^`\\";
    let mut j = 0;
    while j < others.len() {
        table[others[j] as usize] = true;
        j += 1;
    }
    table
}
static IRI_FORBIDDEN: [bool; 256] = iri_forbidden_table();

fn valid_iri(iri: &str) -> bool {
    !iri.is_empty() && !iri.bytes().any(|b| IRI_FORBIDDEN[usize::from(b)])
}

/// Rejects terms whose canonical serialization would be ambiguous or not
/// N-Quads at all (an IRI containing `>` could forge extra quads).
fn check_term(term: &Term) -> Result<(), InvalidQuadReason> {
    match term {
        Term::Iri(iri) if !valid_iri(iri) => Err(InvalidQuadReason::InvalidIri),
        Term::Literal(lit) => {
            if let Some(lang) = &lit.language {
                if !is_language_tag(lang) {
                    return Err(InvalidQuadReason::InvalidLanguageTag);
                }
            } else if lit.datatype != XSD_STRING && !valid_iri(&lit.datatype) {
                return Err(InvalidQuadReason::InvalidIri);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::write_escaped_literal;

    #[test]
    fn decimal_digits() {
        let mut buf = [0u8; 20];
        assert_eq!(decimal(0, &mut buf), b"0");
        assert_eq!(decimal(1203, &mut buf), b"1203");
        assert_eq!(
            decimal(usize::MAX, &mut buf),
            usize::MAX.to_string().as_bytes()
        );
    }

    #[test]
    fn iri_validation() {
        assert!(valid_iri("urn:ex:\u{221e}"));
        assert!(!valid_iri("urn:ex:a> <urn:ex:b"));
        assert!(!valid_iri("urn:ex:\u{7}"));
        assert!(!valid_iri(""));
        let mut s = String::new();
        write_escaped_literal(&mut s, "a\u{7f}");
        assert_eq!(s, "a\\u007F");
    }
}
