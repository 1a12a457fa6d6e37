//! A JSON object as expansion reads it: a `serde_json` map, or a list of
//! entries borrowed from elsewhere. The list lets a caller expand an edited
//! copy of a document's top level without copying the document: a Data
//! Integrity verifier canonicalizes the credential without its `proof`
//! (and sometimes with another `@context`) for every proof it checks.

use serde_json::{Map, Value};

/// The entries of a JSON object, in document order.
#[derive(Clone, Copy)]
pub(crate) enum Object<'a> {
    /// A parsed object.
    Map(&'a Map<String, Value>),
    /// Entries with distinct keys.
    Entries(&'a [(&'a str, &'a Value)]),
}

impl<'a> Object<'a> {
    /// The number of entries.
    pub(crate) fn len(self) -> usize {
        match self {
            Object::Map(m) => m.len(),
            Object::Entries(e) => e.len(),
        }
    }

    /// The value of `key`.
    pub(crate) fn get(self, key: &str) -> Option<&'a Value> {
        match self {
            // Hashing the key (SipHash) costs more than a look at a few.
            Object::Map(m) if m.len() <= 8 => m.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
            Object::Map(m) => m.get(key),
            Object::Entries(e) => e.iter().find(|(k, _)| *k == key).map(|(_, v)| *v),
        }
    }

    /// The keys, in order.
    pub(crate) fn keys(self) -> impl Iterator<Item = &'a str> {
        self.iter().map(|(k, _)| k)
    }

    /// The entries, in order.
    pub(crate) fn iter(self) -> impl Iterator<Item = (&'a str, &'a Value)> {
        let (map, entries) = match self {
            Object::Map(m) => (Some(m.iter().map(|(k, v)| (k.as_str(), v))), None),
            Object::Entries(e) => (None, Some(e.iter().map(|&(k, v)| (k, v)))),
        };
        map.into_iter()
            .flatten()
            .chain(entries.into_iter().flatten())
    }
}
