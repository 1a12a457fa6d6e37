//! Strings of the expanded tree without copies: most IRIs, language tags and
//! values of an expanded credential are either spelled out in the document
//! itself or come whole from a term definition of a (cached) context, so
//! expansion borrows the first and shares the second instead of allocating a
//! `String` for each.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A string of the expanded tree: borrowed from the document (`'a`), shared
/// with a term definition, or built for this document (a compact IRI or
/// vocabulary-relative term joined to its prefix, a resolved relative IRI).
#[derive(Clone)]
pub(crate) enum Text<'a> {
    /// Spelled out in the input document.
    Doc(&'a str),
    /// Held by a processed context (an IRI mapping, type or language mapping).
    Shared(Arc<str>),
    /// Computed for this document.
    Owned(String),
}

impl Text<'_> {
    /// The text, owned (for the JSON form of the expanded document and for
    /// context processing, whose results outlive the document).
    pub(crate) fn into_string(self) -> String {
        match self {
            Text::Doc(s) => s.to_owned(),
            Text::Shared(s) => s.as_ref().to_owned(),
            Text::Owned(s) => s,
        }
    }

    /// The text as a shared string, for storing in a term definition.
    pub(crate) fn into_shared(self) -> Arc<str> {
        match self {
            Text::Doc(s) => Arc::from(s),
            Text::Shared(s) => s,
            Text::Owned(s) => Arc::from(s),
        }
    }
}

impl Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Text::Doc(s) => s,
            Text::Shared(s) => s,
            Text::Owned(s) => s,
        }
    }
}

impl PartialEq<str> for Text<'_> {
    fn eq(&self, other: &str) -> bool {
        **self == *other
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

/// A language tag in the lower case JSON-LD expansion gives it, borrowed
/// when it already is (the usual `th`, `en`).
pub(crate) fn lowercase(tag: &str) -> Text<'_> {
    if tag.bytes().any(|b| !b.is_ascii() || b.is_ascii_uppercase()) {
        Text::Owned(tag.to_lowercase())
    } else {
        Text::Doc(tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_borrows_only_what_is_already_lower_case() {
        assert!(matches!(lowercase("th"), Text::Doc("th")));
        assert!(matches!(lowercase("en-gb"), Text::Doc("en-gb")));
        assert_eq!(&*lowercase("EN-GB"), "en-gb");
        assert!(matches!(lowercase("EN"), Text::Owned(_)));
        // Non-ASCII goes through Unicode lower-casing, as before.
        assert_eq!(&*lowercase("ÅB"), "åb");
    }
}
