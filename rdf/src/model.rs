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
    let mut i = 0;
    while let Some(at) = next_to_escape(bytes, i) {
        let b = bytes[at];
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            _ => "",
        };
        // Every escaped character is ASCII, so `at` is a char boundary.
        out.push_str(&s[start..at]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = at + 1;
        i = at + 1;
    }
    out.push_str(&s[start..]);
}

/// Position of the first byte at or after `from` that canonical N-Quads
/// escapes (`"`, `\`, U+0000..U+001F, U+007F). Literals are mostly long
/// runs of text with nothing to escape (Thai names and addresses), so eight
/// bytes are tested at a time.
fn next_to_escape(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let needs = |b: u8| b < 0x20 || b == b'"' || b == b'\\' || b == 0x7f;
    // A byte of `x` is zero <=> its lane in the result has the high bit set
    // (exact for the lowest such byte, which is all that is used).
    let zero_lanes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut i = from;
    while i + 8 <= bytes.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        let w = u64::from_le_bytes(word);
        // Bytes below 0x20 (ASCII only: the high bit must be clear).
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
        let hits = control
            | zero_lanes(w ^ (ONES * u64::from(b'"')))
            | zero_lanes(w ^ (ONES * u64::from(b'\\')))
            | zero_lanes(w ^ (ONES * 0x7f));
        if hits != 0 {
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes[i..].iter().position(|&b| needs(b)).map(|p| i + p)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaping rules, one character at a time.
    fn escaped_slowly(s: &str) -> String {
        let mut out = String::new();
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
                    out.push_str(&format!("\\u{:04X}", c as u32))
                }
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn every_ascii_character_at_every_offset_of_a_word_is_escaped_right() {
        // Thai text around the character, so multi-byte neighbours and
        // lanes holding bytes >= 0x80 are covered too.
        for c in (0u8..=0x7f).map(char::from) {
            for offset in 0..17 {
                let s: String = "ไทย"
                    .chars()
                    .cycle()
                    .take(offset)
                    .chain([c])
                    .chain("ab ไทย \u{1f600}".chars())
                    .collect();
                let mut out = String::new();
                write_escaped_literal(&mut out, &s);
                assert_eq!(out, escaped_slowly(&s), "{c:?} at {offset}");
            }
        }
        let mut out = String::new();
        write_escaped_literal(&mut out, "\u{0}\u{1f}\u{20}\u{7f}\u{80}\"\\x\u{b}");
        assert_eq!(out, "\\u0000\\u001F \\u007F\u{80}\\\"\\\\x\\u000B");
    }
}
