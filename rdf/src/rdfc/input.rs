//! The canonicalizer's view of a dataset: borrowed terms and blank nodes
//! already numbered, valid by construction.
//!
//! Two producers feed it: [`from_quads`] (the public [`Quad`] API, which
//! checks every term and numbers blank nodes by their labels) and JSON-LD
//! toRdf, which emits it directly from the expanded document so that
//! signing and verifying copy no IRI or literal on the way to the canonical
//! N-Quads.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;

use super::{InvalidQuadReason, RdfcError};
use crate::model::{Quad, Term, XSD_STRING};
use crate::nquads::is_language_tag;

/// A quad component.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Node<'a> {
    /// A blank node, by number (`0..blank_nodes`).
    Blank(u32),
    /// An absolute IRI that can be written between `<` and `>`.
    Iri(&'a str),
    /// A literal; `datatype` is ignored when `language` is set.
    Literal {
        value: Cow<'a, str>,
        datatype: &'a str,
        language: Option<&'a str>,
    },
}

/// One statement; `graph` is `None` for the default graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct InQuad<'a> {
    pub subject: Node<'a>,
    pub predicate: &'a str,
    pub object: Node<'a>,
    pub graph: Option<Node<'a>>,
}

impl InQuad<'_> {
    /// Blank nodes mentioned, in subject, object, graph order.
    pub(crate) fn blank_nodes(&self) -> impl Iterator<Item = u32> + '_ {
        [Some(&self.subject), Some(&self.object), self.graph.as_ref()]
            .into_iter()
            .filter_map(|n| match n {
                Some(Node::Blank(b)) => Some(*b),
                _ => None,
            })
    }
}

/// The input labels of the blank nodes, which order otherwise equal related
/// nodes in Hash N-Degree Quads and make up the issued identifiers map.
pub(crate) enum Labels<'a> {
    /// Labels as given, by number.
    Given(Vec<&'a str>),
    /// `b0`, `b1`, ...: the labels JSON-LD toRdf gives, never materialized.
    Numbered,
}

impl Labels<'_> {
    /// Code point order of the labels of `a` and `b`.
    pub(crate) fn cmp(&self, a: u32, b: u32) -> Ordering {
        match self {
            Labels::Given(labels) => labels[a as usize].cmp(labels[b as usize]),
            // "b" + decimal: the order of the decimal strings.
            Labels::Numbered => {
                let (mut da, mut db) = ([0u8; 20], [0u8; 20]);
                decimal(a as usize, &mut da).cmp(decimal(b as usize, &mut db))
            }
        }
    }

    /// The label of `node`.
    pub(crate) fn label(&self, node: u32) -> String {
        match self {
            Labels::Given(labels) => labels
                .get(node as usize)
                .copied()
                .unwrap_or_default()
                .to_owned(),
            Labels::Numbered => format!("b{node}"),
        }
    }
}

/// Decimal digits of `n`, written at the end of `buf`.
pub(crate) fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
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
            .filter(|&id| id != u32::MAX)
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

/// Checks `quads` and numbers their blank nodes in order of first mention,
/// rejecting quads that cannot be serialized unambiguously.
/// Returns the quads and the label of each blank node number.
pub(crate) fn from_quads<'a>(
    quads: &'a [Quad],
) -> Result<(Vec<InQuad<'a>>, Vec<&'a str>), RdfcError> {
    let mut interner = Interner {
        labels: Vec::new(),
        index: HashMap::new(),
    };
    let mut out = Vec::with_capacity(quads.len());
    for (index, quad) in quads.iter().enumerate() {
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
        let mut node = |term: &'a Term| -> Result<Node<'a>, RdfcError> {
            Ok(match term {
                Term::BlankNode(label) => Node::Blank(interner.intern(label)?),
                Term::Iri(iri) => Node::Iri(iri),
                Term::Literal(lit) => Node::Literal {
                    value: Cow::Borrowed(&lit.value),
                    datatype: &lit.datatype,
                    language: lit.language.as_deref(),
                },
            })
        };
        let subject = node(&quad.subject)?;
        let object = node(&quad.object)?;
        let graph = quad.graph.as_ref().map(&mut node).transpose()?;
        out.push(InQuad {
            subject,
            predicate,
            object,
            graph,
        });
    }
    Ok((out, interner.labels))
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
    fn numbered_labels_order_like_their_strings() {
        let numbered = Labels::Numbered;
        let pairs = [(2u32, 10u32), (10, 2), (1, 10), (10, 11), (9, 100), (3, 3)];
        for (a, b) in pairs {
            let want = format!("b{a}").cmp(&format!("b{b}"));
            assert_eq!(numbered.cmp(a, b), want, "b{a} vs b{b}");
        }
        assert_eq!(numbered.label(12), "b12");
    }

    #[test]
    fn iri_validation() {
        assert!(valid_iri("urn:ex:\u{221e}"));
        assert!(!valid_iri("urn:ex:a> <urn:ex:b"));
        assert!(!valid_iri("urn:ex:\u{7}"));
        assert!(!valid_iri(""));
    }
}
