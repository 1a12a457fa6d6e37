//! The RDFC-1.0 canonicalization algorithm (W3C Recommendation, section 4).
//!
//! The input is a slice of [`InQuad`]s (borrowed terms, blank nodes
//! numbered); the hot path allocates only a few reusable buffers.

use super::hash::{HashAlgorithm, Hasher, HexHash};
use super::input::{decimal, InQuad, Labels, Node};
use super::permute::Permuter;
use super::{ComplexityLimit, Limit, RdfcError};
use crate::model::{write_escaped_literal, XSD_STRING};

/// Marks a blank node without a canonical identifier yet.
const NONE: u32 = u32::MAX;

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

/// The canonicalization state plus the prepared input.
pub(crate) struct State<'a> {
    algorithm: HashAlgorithm,
    limits: ComplexityLimit,
    /// Input label of each blank node.
    pub(crate) labels: Labels<'a>,
    /// Distinct quads mentioning blank nodes.
    quads: Vec<&'a InQuad<'a>>,
    /// Quads without blank nodes (serialized as they are).
    ground: Vec<&'a InQuad<'a>>,
    /// The blank node to quads map: the quads mentioning node `n` are
    /// `mentions[mention_start[n]..mention_start[n + 1]]` (one allocation
    /// for all nodes).
    mention_start: Vec<u32>,
    mentions: Vec<u32>,
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
    /// Runs the whole algorithm (RDFC-1.0 section 4.4.3) over `input`, whose
    /// blank nodes are numbered `0..blank_nodes`, and returns the state with
    /// every blank node issued a canonical identifier.
    pub(crate) fn run(
        input: &'a [InQuad<'a>],
        blank_nodes: u32,
        labels: Labels<'a>,
        algorithm: HashAlgorithm,
        limits: ComplexityLimit,
    ) -> Result<Self, RdfcError> {
        let mut state = Self::prepare(input, blank_nodes, labels, algorithm, limits);
        let count = blank_nodes as usize;
        if count == 1 {
            // A lone blank node is issued c14n0 whatever its hash: the
            // hashes only order blank nodes among themselves.
            state.issue_canonical(0);
            return Ok(state);
        }
        let mut line_buf = String::with_capacity(1024);
        let mut ranges = Vec::with_capacity(16);

        // Step 3: first degree hashes.
        state.first_degree.reserve(count);
        for node in 0..blank_nodes {
            let h = state.hash_first_degree(node, &mut line_buf, &mut ranges);
            state.first_degree.push(h);
        }
        // Hash to blank nodes map, code point ordered by hash; the stable sort
        // keeps each identifier list in numbering order.
        let mut by_hash: Vec<(HexHash, u32)> = state
            .first_degree
            .iter()
            .copied()
            .zip(0..blank_nodes)
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

    /// Builds the blank node to quads map (step 2). Duplicate statements
    /// are dropped: a dataset is a set, and they must not count twice in
    /// the hashes.
    fn prepare(
        input: &'a [InQuad<'a>],
        blank_nodes: u32,
        labels: Labels<'a>,
        algorithm: HashAlgorithm,
        limits: ComplexityLimit,
    ) -> Self {
        let mut quads: Vec<&'a InQuad<'a>> = Vec::with_capacity(input.len());
        let mut ground = Vec::with_capacity(input.len());
        for quad in input {
            if quad.blank_nodes().next().is_some() {
                quads.push(quad);
            } else {
                ground.push(quad);
            }
        }
        quads.sort_unstable();
        quads.dedup();

        let count = blank_nodes as usize;
        // Counting pass, then fill: a quad mentioning the same node twice is
        // listed once.
        let mut mention_start = vec![0u32; count + 1];
        let mut last_quad = vec![u32::MAX; count];
        for (qi, q) in quads.iter().enumerate() {
            for node in q.blank_nodes() {
                if last_quad[node as usize] != qi as u32 {
                    last_quad[node as usize] = qi as u32;
                    mention_start[node as usize + 1] += 1;
                }
            }
        }
        for i in 0..count {
            mention_start[i + 1] += mention_start[i];
        }
        let mut fill: Vec<u32> = mention_start[..count].to_vec();
        let mut mentions = vec![0u32; mention_start[count] as usize];
        last_quad.fill(u32::MAX);
        for (qi, q) in quads.iter().enumerate() {
            for node in q.blank_nodes() {
                let n = node as usize;
                if last_quad[n] != qi as u32 {
                    last_quad[n] = qi as u32;
                    mentions[fill[n] as usize] = qi as u32;
                    fill[n] += 1;
                }
            }
        }
        State {
            algorithm,
            limits,
            labels,
            quads,
            ground,
            mention_start,
            mentions,
            first_degree: Vec::new(),
            canonical: vec![NONE; count],
            canonical_order: Vec::new(),
            ndegree_calls: 0,
            permutations: 0,
            related_hashes: 0,
        }
    }

    /// The quads mentioning `node`.
    fn mentions_of(&self, node: u32) -> &[u32] {
        let n = node as usize;
        &self.mentions[self.mention_start[n] as usize..self.mention_start[n + 1] as usize]
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
        for &qi in self.mentions_of(node) {
            let start = buf.len();
            write_line(buf, self.quads[qi as usize], |out, b| {
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
        let mentions = self.mentions_of(node).len() as u64;
        self.related_hashes = self.related_hashes.saturating_add(mentions * 3);
        if self.related_hashes > self.limits.max_related_hashes {
            return Err(RdfcError::TooComplex {
                limit: Limit::RelatedHashes,
                max: self.limits.max_related_hashes,
            });
        }
        let mut related: Vec<(HexHash, u32)> = Vec::new();
        for &qi in self.mentions_of(node) {
            let q = self.quads[qi as usize];
            let positions = [
                (Some(&q.subject), b's'),
                (Some(&q.object), b'o'),
                (q.graph.as_ref(), b'g'),
            ];
            for (slot, position) in positions {
                if let Some(&Node::Blank(r)) = slot {
                    if r != node {
                        let h = self.hash_related(r, q.predicate, position, issuer);
                        related.push((h, r));
                    }
                }
            }
        }
        let labels = &self.labels;
        related.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| labels.cmp(a.1, b.1)));

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
        let lines = self.quads.len() + self.ground.len();
        // Credentials average about 120 bytes a line.
        let mut buf = String::with_capacity(lines * 128);
        let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(lines);
        let mut digits = [0u8; 20];
        let quads = self.ground.iter().chain(&self.quads);
        for q in quads {
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

/// Writes one canonical N-Quads line, labelling blank nodes with `label`.
fn write_line(out: &mut String, q: &InQuad<'_>, mut label: impl FnMut(&mut String, u32)) {
    let mut node = |out: &mut String, n: &Node<'_>| match n {
        Node::Blank(b) => label(out, *b),
        Node::Iri(iri) => {
            out.push('<');
            out.push_str(iri);
            out.push('>');
        }
        Node::Literal {
            value,
            datatype,
            language,
        } => {
            out.push('"');
            write_escaped_literal(out, value);
            out.push('"');
            if let Some(lang) = language {
                out.push('@');
                out.push_str(lang);
            } else if *datatype != XSD_STRING {
                out.push_str("^^<");
                out.push_str(datatype);
                out.push('>');
            }
        }
    };
    node(out, &q.subject);
    out.push_str(" <");
    out.push_str(q.predicate);
    out.push_str("> ");
    node(out, &q.object);
    if let Some(g) = &q.graph {
        out.push(' ');
        node(out, g);
    }
    out.push_str(" .\n");
}

fn push_ascii(out: &mut String, ascii: &[u8]) {
    out.extend(ascii.iter().map(|&b| char::from(b)));
}

#[cfg(test)]
mod tests {
    use crate::model::write_escaped_literal;

    #[test]
    fn controls_are_escaped_with_upper_case_hex() {
        let mut s = String::new();
        write_escaped_literal(&mut s, "a\u{7f}");
        assert_eq!(s, "a\\u007F");
    }
}
