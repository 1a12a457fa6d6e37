//! RDF terms and quads: the shared currency between JSON-LD expansion and
//! RDF Dataset Canonicalization (RDFC-1.0).
//!
//! Strings are kept exactly as given (no Unicode normalisation): a signed Thai
//! name must hash the same everywhere.

use std::fmt;

/// The IRI of `xsd:string`, the datatype of plain literals (omitted in N-Quads).
pub const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
/// The IRI of `rdf:langString`, the datatype of language-tagged literals.
pub const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

/// A subject, predicate, object or graph name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// An absolute IRI, without angle brackets.
    Iri(String),
    /// A blank node label, without the leading `_:`.
    BlankNode(String),
    /// A literal value.
    Literal(Literal),
}

/// An RDF literal: lexical form plus datatype IRI, and a language tag when the
/// datatype is `rdf:langString`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Literal {
    /// The lexical form, unescaped.
    pub value: String,
    /// The datatype IRI (`xsd:string` for plain literals).
    pub datatype: String,
    /// The language tag, for `rdf:langString` literals only.
    pub language: Option<String>,
}

/// One statement of a dataset; `graph` is `None` for the default graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quad {
    /// Subject: an IRI or a blank node.
    pub subject: Term,
    /// Predicate: an IRI.
    pub predicate: Term,
    /// Object: any term.
    pub object: Term,
    /// Graph name: `None` for the default graph.
    pub graph: Option<Term>,
}

impl Literal {
    /// A plain `xsd:string` literal.
    pub fn string(value: impl Into<String>) -> Self {
        Literal {
            value: value.into(),
            datatype: XSD_STRING.to_owned(),
            language: None,
        }
    }
}

/// Writes `s` escaped as the body of an N-Quads string literal, following the
/// canonical N-Quads rules of RDFC-1.0 (section "Canonical N-Quads"): `"` and
/// `\` and the controls BS, TAB, LF, FF, CR use ECHAR (`\"`, `\\`, `\b`,
/// `\t`, `\n`, `\f`, `\r`); the other controls U+0000..U+001F and U+007F use
/// UCHAR with upper-case hex (`\u000B`); everything else, including all
/// non-ASCII text, is written as is.
pub fn write_escaped_literal(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f | 0x7f => "",
            _ => continue,
        };
        // Every escaped character is ASCII, so `i` is a char boundary.
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// Appends the canonical N-Quads form of `term` to `out`; the allocation-free
/// counterpart of `Display`, for hot serialization loops.
pub fn write_term(out: &mut String, term: &Term) {
    match term {
        Term::Iri(iri) => {
            out.push('<');
            out.push_str(iri);
            out.push('>');
        }
        Term::BlankNode(label) => {
            out.push_str("_:");
            out.push_str(label);
        }
        Term::Literal(lit) => {
            out.push('"');
            write_escaped_literal(out, &lit.value);
            out.push('"');
            if let Some(lang) = &lit.language {
                out.push('@');
                out.push_str(lang);
            } else if lit.datatype != XSD_STRING {
                out.push_str("^^<");
                out.push_str(&lit.datatype);
                out.push('>');
            }
        }
    }
}

impl fmt::Display for Term {
    /// Canonical N-Quads form of the term.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_term(&mut out, self);
        f.write_str(&out)
    }
}

impl fmt::Display for Quad {
    /// One canonical N-Quads line, including the trailing ` .` and newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.subject, self.predicate, self.object)?;
        if let Some(graph) = &self.graph {
            write!(f, " {graph}")?;
        }
        writeln!(f, " .")
    }
}
