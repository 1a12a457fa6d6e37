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
/// canonical N-Quads rules of RDFC-1.0 (only `"`, `\`, LF, CR, TAB, BS, FF and
/// other control characters are escaped; everything else is written as is).
pub fn write_escaped_literal(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
}

impl fmt::Display for Term {
    /// Canonical N-Quads form of the term.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Iri(iri) => write!(f, "<{iri}>"),
            Term::BlankNode(label) => write!(f, "_:{label}"),
            Term::Literal(lit) => {
                let mut body = String::with_capacity(lit.value.len() + 2);
                write_escaped_literal(&mut body, &lit.value);
                write!(f, "\"{body}\"")?;
                if let Some(lang) = &lit.language {
                    write!(f, "@{lang}")
                } else if lit.datatype != XSD_STRING {
                    write!(f, "^^<{}>", lit.datatype)
                } else {
                    Ok(())
                }
            }
        }
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
