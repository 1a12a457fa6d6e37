//! N-Quads 1.1 parser (W3C RDF 1.1 N-Quads grammar).
//!
//! Canonicalized data (RDFC-1.0 output, the W3C test suites, proofs we are
//! given to check) arrives as N-Quads text; this turns it back into [`Quad`]s
//! so it can be re-canonicalized and compared byte for byte.
//!
//! Strictness choices, all fail-closed:
//! * IRIs must be absolute (have a scheme), as the N-Quads grammar requires.
//! * An IRI whose `\u`/`\U` escapes decode to a character that may not appear
//!   raw in an IRI (space, `<`, `>`, `"`, controls, ...) is rejected: written
//!   back in canonical form it would not parse, and it could make two
//!   different datasets serialize to the same bytes.
//! * Escapes that decode to a surrogate code point are rejected.
//!
//! Strings are kept exactly as written (after unescaping): no Unicode
//! normalisation, so Thai text round-trips byte for byte.

use crate::model::{Literal, Quad, Term, RDF_LANG_STRING, XSD_STRING};
use thiserror::Error;

/// Why a document is not valid N-Quads.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NQuadsErrorKind {
    /// The line ended where more input was required.
    #[error("unexpected end of line, expected {0}")]
    UnexpectedEnd(&'static str),
    /// A character that cannot start or continue the expected production.
    #[error("unexpected character {found:?}, expected {expected}")]
    Unexpected {
        /// What the grammar allows here.
        expected: &'static str,
        /// The character actually found.
        found: char,
    },
    /// A backslash not followed by a valid ECHAR or UCHAR escape.
    #[error("invalid escape sequence")]
    InvalidEscape,
    /// A `\u`/`\U` escape naming a surrogate or a value above U+10FFFF.
    #[error("escape names invalid code point U+{0:X}")]
    InvalidCodePoint(u32),
    /// A character that is not allowed inside an IRI (raw or escaped).
    #[error("character {0:?} is not allowed in an IRI")]
    InvalidIriChar(char),
    /// An IRI without a scheme; N-Quads only allows absolute IRIs.
    #[error("IRI <{0}> is not absolute")]
    RelativeIri(String),
    /// A blank node label not matching BLANK_NODE_LABEL.
    #[error("invalid blank node label")]
    InvalidBlankNode,
    /// A language tag not matching LANGTAG.
    #[error("invalid language tag")]
    InvalidLanguageTag,
    /// Content after the terminating `.` that is not whitespace or a comment.
    #[error("unexpected content after the end of the statement")]
    TrailingContent,
}

/// A syntax error, located by 1-based line and column (in characters), so a
/// person can find it in the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("N-Quads syntax error at line {line}, column {column}: {kind}")]
pub struct NQuadsError {
    /// 1-based line number (lines are separated by LF).
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values.
    pub column: usize,
    /// What went wrong.
    pub kind: NQuadsErrorKind,
}

/// Parses an N-Quads document into quads, in document order.
///
/// Duplicate statements are kept (an RDF dataset is a set, and the
/// canonicalizer removes duplicates itself).
pub fn parse(input: &str) -> Result<Vec<Quad>, NQuadsError> {
    let mut quads = Vec::new();
    for (line_index, line) in input.split('\n').enumerate() {
        // A lone CR is also an end of line; it only ever separates statements.
        let mut offset = 0;
        for segment in line.split('\r') {
            let mut parser = LineParser {
                text: segment,
                pos: 0,
                line: line_index + 1,
                column_base: offset,
            };
            if let Some(quad) = parser.statement()? {
                quads.push(quad);
            }
            offset += segment.chars().count() + 1;
        }
    }
    Ok(quads)
}

/// Cursor over one line (EOL-free segment) of the document.
struct LineParser<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    column_base: usize,
}

type PResult<T> = Result<T, NQuadsError>;

impl<'a> LineParser<'a> {
    fn error_at(&self, pos: usize, kind: NQuadsErrorKind) -> NQuadsError {
        let before = self.text.get(..pos).unwrap_or(self.text);
        NQuadsError {
            line: self.line,
            column: self.column_base + before.chars().count() + 1,
            kind,
        }
    }

    fn error(&self, kind: NQuadsErrorKind) -> NQuadsError {
        self.error_at(self.pos, kind)
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn unexpected(&self, expected: &'static str) -> NQuadsError {
        match self.peek() {
            Some(found) => self.error(NQuadsErrorKind::Unexpected { expected, found }),
            None => self.error(NQuadsErrorKind::UnexpectedEnd(expected)),
        }
    }

    fn expect(&mut self, wanted: char, expected: &'static str) -> PResult<()> {
        if self.peek() == Some(wanted) {
            self.pos += wanted.len_utf8();
            Ok(())
        } else {
            Err(self.unexpected(expected))
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    /// True at end of line or at the start of a comment.
    fn at_line_end(&self) -> bool {
        matches!(self.peek(), None | Some('#'))
    }

    fn statement(&mut self) -> PResult<Option<Quad>> {
        self.skip_ws();
        if self.at_line_end() {
            return Ok(None);
        }
        let subject = match self.peek() {
            Some('<') => Term::Iri(self.iri()?),
            Some('_') => Term::BlankNode(self.blank_node()?),
            _ => return Err(self.unexpected("subject (IRI or blank node)")),
        };
        self.skip_ws();
        let predicate = match self.peek() {
            Some('<') => Term::Iri(self.iri()?),
            _ => return Err(self.unexpected("predicate (IRI)")),
        };
        self.skip_ws();
        let object = match self.peek() {
            Some('<') => Term::Iri(self.iri()?),
            Some('_') => Term::BlankNode(self.blank_node()?),
            Some('"') => Term::Literal(self.literal()?),
            _ => return Err(self.unexpected("object (IRI, blank node or literal)")),
        };
        self.skip_ws();
        let graph = match self.peek() {
            Some('<') => Some(Term::Iri(self.iri()?)),
            Some('_') => Some(Term::BlankNode(self.blank_node()?)),
            Some('.') => None,
            _ => return Err(self.unexpected("graph label or '.'")),
        };
        self.skip_ws();
        self.expect('.', "'.'")?;
        self.skip_ws();
        if !self.at_line_end() {
            return Err(self.error(NQuadsErrorKind::TrailingContent));
        }
        Ok(Some(Quad {
            subject,
            predicate,
            object,
            graph,
        }))
    }

    /// IRIREF ::= '<' ([^#x00-#x20<>"{}|^`\] | UCHAR)* '>'
    fn iri(&mut self) -> PResult<String> {
        let start = self.pos;
        self.expect('<', "'<'")?;
        let mut value = String::new();
        loop {
            let here = self.pos;
            match self.bump() {
                None => return Err(self.error(NQuadsErrorKind::UnexpectedEnd("'>'"))),
                Some('>') => break,
                Some('\\') => {
                    let c = self.uchar(here)?;
                    if !is_iri_char(c) {
                        return Err(self.error_at(here, NQuadsErrorKind::InvalidIriChar(c)));
                    }
                    value.push(c);
                }
                Some(c) if is_iri_char(c) => value.push(c),
                Some(c) => return Err(self.error_at(here, NQuadsErrorKind::InvalidIriChar(c))),
            }
        }
        if !has_scheme(&value) {
            return Err(self.error_at(start, NQuadsErrorKind::RelativeIri(value)));
        }
        Ok(value)
    }

    /// Parses the rest of a UCHAR after its backslash (at `escape_start`).
    fn uchar(&mut self, escape_start: usize) -> PResult<char> {
        let digits = match self.bump() {
            Some('u') => 4,
            Some('U') => 8,
            _ => return Err(self.error_at(escape_start, NQuadsErrorKind::InvalidEscape)),
        };
        let hex = self
            .text
            .get(self.pos..self.pos + digits)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error_at(escape_start, NQuadsErrorKind::InvalidEscape))?;
        let value = u32::from_str_radix(hex, 16)
            .map_err(|_| self.error_at(escape_start, NQuadsErrorKind::InvalidEscape))?;
        self.pos += digits;
        char::from_u32(value)
            .ok_or_else(|| self.error_at(escape_start, NQuadsErrorKind::InvalidCodePoint(value)))
    }

    /// BLANK_NODE_LABEL ::= '_:' (PN_CHARS_U | [0-9]) ((PN_CHARS | '.')* PN_CHARS)?
    fn blank_node(&mut self) -> PResult<String> {
        let start = self.pos;
        self.expect('_', "'_:'")?;
        self.expect(':', "':' after '_'")?;
        let label_start = self.pos;
        match self.peek() {
            Some(c) if is_pn_chars_u(c) || c.is_ascii_digit() => {
                self.pos += c.len_utf8();
            }
            _ => return Err(self.error_at(start, NQuadsErrorKind::InvalidBlankNode)),
        }
        while let Some(c) = self.peek() {
            if is_pn_chars(c) || c == '.' {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        // A label cannot end with '.'; trailing dots belong to the statement.
        while self.pos > label_start + 1 && self.text.as_bytes().get(self.pos - 1) == Some(&b'.') {
            self.pos -= 1;
        }
        Ok(self.text[label_start..self.pos].to_owned())
    }

    /// literal ::= STRING_LITERAL_QUOTE ('^^' IRIREF | LANGTAG)?
    fn literal(&mut self) -> PResult<Literal> {
        self.expect('"', "'\"'")?;
        let mut value = String::new();
        loop {
            // Copy runs of plain characters in one go.
            let rest = self.text.get(self.pos..).unwrap_or("");
            let run = rest
                .bytes()
                .position(|b| matches!(b, b'"' | b'\\'))
                .unwrap_or(rest.len());
            value.push_str(&rest[..run]);
            self.pos += run;
            let here = self.pos;
            match self.bump() {
                None => return Err(self.error(NQuadsErrorKind::UnexpectedEnd("'\"'"))),
                Some('"') => break,
                Some(_) => {
                    // Backslash: ECHAR or UCHAR.
                    let c = match self.peek() {
                        Some('t') => '\t',
                        Some('b') => '\u{8}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('f') => '\u{c}',
                        Some('"') => '"',
                        Some('\'') => '\'',
                        Some('\\') => '\\',
                        Some('u' | 'U') => {
                            value.push(self.uchar(here)?);
                            continue;
                        }
                        _ => return Err(self.error_at(here, NQuadsErrorKind::InvalidEscape)),
                    };
                    self.pos += 1;
                    value.push(c);
                }
            }
        }
        match self.peek() {
            Some('@') => {
                let tag = self.language_tag()?;
                Ok(Literal {
                    value,
                    datatype: RDF_LANG_STRING.to_owned(),
                    language: Some(tag),
                })
            }
            Some('^') => {
                self.pos += 1;
                self.expect('^', "'^^'")?;
                let datatype = self.iri()?;
                Ok(Literal {
                    value,
                    datatype,
                    language: None,
                })
            }
            _ => Ok(Literal {
                value,
                datatype: XSD_STRING.to_owned(),
                language: None,
            }),
        }
    }

    /// LANGTAG ::= '@' [a-zA-Z]+ ('-' [a-zA-Z0-9]+)*
    fn language_tag(&mut self) -> PResult<String> {
        let start = self.pos;
        self.expect('@', "'@'")?;
        let tag_start = self.pos;
        let rest = self.text.get(tag_start..).unwrap_or("");
        let len = rest
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'-'))
            .unwrap_or(rest.len());
        let tag = &rest[..len];
        if !is_language_tag(tag) {
            return Err(self.error_at(start, NQuadsErrorKind::InvalidLanguageTag));
        }
        self.pos += len;
        Ok(tag.to_owned())
    }
}

/// True for characters allowed unescaped in IRIREF (and, by our rule, after
/// unescaping): not `#x00-#x20`, `<>"{}|^` backtick or backslash.
pub(crate) fn is_iri_char(c: char) -> bool {
    !matches!(
        c,
        '\u{0}'..='\u{20}' | '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\'
    )
}

/// RFC 3986 scheme followed by ':' (`[A-Za-z][A-Za-z0-9+.-]*:`).
fn has_scheme(iri: &str) -> bool {
    let mut bytes = iri.bytes();
    if !bytes.next().is_some_and(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    for b in bytes {
        match b {
            b':' => return true,
            b if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-') => {}
            _ => return false,
        }
    }
    false
}

/// `[a-zA-Z]+ ('-' [a-zA-Z0-9]+)*`, the N-Quads LANGTAG body.
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_pn_chars_base(c: char) -> bool {
    matches!(c,
        'A'..='Z' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_pn_chars_u(c: char) -> bool {
    is_pn_chars_base(c) || c == '_' || c == ':'
}

fn is_pn_chars(c: char) -> bool {
    is_pn_chars_u(c)
        || c == '-'
        || c.is_ascii_digit()
        || c == '\u{B7}'
        || ('\u{300}'..='\u{36F}').contains(&c)
        || ('\u{203F}'..='\u{2040}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_without_spaces_and_dotted_label() {
        let quads = parse("_:a.b<urn:p>_:c.").unwrap();
        assert_eq!(quads[0].subject, Term::BlankNode("a.b".into()));
        assert_eq!(quads[0].object, Term::BlankNode("c".into()));
    }

    #[test]
    fn scheme_detection() {
        assert!(has_scheme("urn:x"));
        assert!(has_scheme("did:key:z6"));
        assert!(!has_scheme("/relative"));
        assert!(!has_scheme("1http:x"));
        assert!(!has_scheme("noscheme"));
    }
}
