//! Strict JSON parsing for everything we verify or sign.
//!
//! `serde_json::from_slice` keeps the last of two members with the same name. A
//! credential with two `validUntil` members could then verify under one reading
//! and be displayed under another, so duplicates are an error here (RFC 8785 §3.1
//! and I-JSON, RFC 7493 §2.3, require unique names). Input size and nesting depth
//! are bounded so that hostile input fails fast instead of exhausting memory or
//! stack. Everything else (UTF-8 validity, lone surrogate escapes, trailing bytes,
//! number syntax) is serde_json's own strict grammar.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};
use thiserror::Error;

/// Default deepest nesting of arrays/objects: credentials need about 5.
pub const MAX_DEPTH: usize = 64;

/// Default largest input in bytes: a credential is a few KB, a status list a few
/// hundred KB.
pub const MAX_BYTES: usize = 1 << 20;

/// Highest usable `max_depth`: serde_json stops at 128 levels by itself, and our
/// own check must fire first to give a [`JsonError::TooDeep`].
pub const DEPTH_CEILING: usize = 126;

/// Bounds applied by [`parse_strict_with_limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Inputs longer than this many bytes are refused before parsing.
    pub max_bytes: usize,
    /// Deepest nesting of arrays and objects; `[[1]]` has depth 2. Values above
    /// [`DEPTH_CEILING`] act as [`DEPTH_CEILING`].
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: MAX_BYTES,
            max_depth: MAX_DEPTH,
        }
    }
}

/// Why input was refused by [`parse_strict`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JsonError {
    /// The input is longer than [`Limits::max_bytes`].
    #[error("JSON input is {len} bytes, more than the limit of {max}")]
    TooLarge {
        /// Length of the input in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Arrays/objects nest deeper than [`Limits::max_depth`].
    #[error(
        "JSON nested deeper than {max} arrays/objects at {path} (line {line}, column {column})"
    )]
    TooDeep {
        /// The limit.
        max: usize,
        /// Where the limit was crossed, e.g. `$.a[0]`.
        path: String,
        /// 1-based line where parsing stopped.
        line: usize,
        /// 1-based column where parsing stopped.
        column: usize,
    },
    /// An object has two members with the same name.
    #[error("duplicate member name {key:?} at {path} (line {line}, column {column})")]
    DuplicateKey {
        /// The repeated member name.
        key: String,
        /// Path of the repeated member, e.g. `$.credentialSubject.licenceNumber`.
        path: String,
        /// 1-based line of the second occurrence.
        line: usize,
        /// 1-based column of the closing quote of the second occurrence's name.
        column: usize,
    },
    /// Not JSON: bad syntax, invalid UTF-8, lone surrogate escape, trailing bytes,
    /// number out of range, and so on.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// serde_json's description of the problem.
        message: String,
        /// 1-based line (0 if serde_json did not give one).
        line: usize,
        /// 1-based column (0 if serde_json did not give one).
        column: usize,
    },
}

/// Parses `input` like `serde_json::from_slice`, refusing duplicate member names and
/// applying the default [`Limits`] (1 MiB, depth 64).
pub fn parse_strict(input: &[u8]) -> Result<Value, JsonError> {
    parse_strict_with_limits(input, Limits::default())
}

/// [`parse_strict`] with caller-chosen bounds, e.g. larger for status lists.
pub fn parse_strict_with_limits(input: &[u8], limits: Limits) -> Result<Value, JsonError> {
    if input.len() > limits.max_bytes {
        return Err(JsonError::TooLarge {
            len: input.len(),
            max: limits.max_bytes,
        });
    }
    let mut state = State {
        max_depth: limits.max_depth.min(DEPTH_CEILING),
        depth: 0,
        failure: None,
    };
    let mut de = serde_json::Deserializer::from_slice(input);
    let parsed = ValueSeed { state: &mut state }
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value));
    parsed.map_err(|err| state.into_error(&err))
}

/// Parse-wide bookkeeping: current depth and, when one of our own checks fails,
/// the structured reason.
struct State {
    max_depth: usize,
    depth: usize,
    failure: Option<Failure>,
}

/// One of our own checks failed. The path is collected innermost first while the
/// error unwinds, so parsing valid input never pays for path bookkeeping.
struct Failure {
    kind: FailureKind,
    reversed_path: Vec<Segment>,
}

enum FailureKind {
    Duplicate { key: String },
    TooDeep,
}

enum Segment {
    Key(String),
    Index(usize),
}

impl State {
    fn fail<E: de::Error>(&mut self, kind: FailureKind, reversed_path: Vec<Segment>) -> E {
        let message = match kind {
            FailureKind::Duplicate { .. } => "duplicate member name",
            FailureKind::TooDeep => "nesting too deep",
        };
        self.failure = Some(Failure {
            kind,
            reversed_path,
        });
        E::custom(message)
    }

    /// Records that the failing value sits at `segment` of its parent.
    fn unwind_through(&mut self, segment: impl FnOnce() -> Segment) {
        if let Some(failure) = &mut self.failure {
            failure.reversed_path.push(segment());
        }
    }

    fn enter<E: de::Error>(&mut self) -> Result<(), E> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(self.fail(FailureKind::TooDeep, Vec::new()));
        }
        Ok(())
    }

    fn into_error(self, err: &serde_json::Error) -> JsonError {
        let (line, column) = (err.line(), err.column());
        let Some(failure) = self.failure else {
            let full = err.to_string();
            let suffix = format!(" at line {line} column {column}");
            let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
            return JsonError::Syntax {
                message,
                line,
                column,
            };
        };
        let path = path_string(&failure.reversed_path);
        match failure.kind {
            FailureKind::Duplicate { key } => JsonError::DuplicateKey {
                key,
                path,
                line,
                column,
            },
            FailureKind::TooDeep => JsonError::TooDeep {
                max: self.max_depth,
                path,
                line,
                column,
            },
        }
    }
}

fn path_string(reversed: &[Segment]) -> String {
    let mut path = String::from("$");
    for segment in reversed.iter().rev() {
        match segment {
            Segment::Key(key) => push_key(&mut path, key),
            Segment::Index(i) => {
                path.push('[');
                path.push_str(&i.to_string());
                path.push(']');
            }
        }
    }
    path
}

/// Writes `.key` for plain names and `["key"]` (JSON-quoted) for anything that
/// would make the path ambiguous.
fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && !".[]\"'\\".contains(c));
    if plain {
        path.push('.');
        path.push_str(key);
    } else {
        path.push('[');
        path.push_str(&Value::String(key.to_owned()).to_string());
        path.push(']');
    }
}

struct ValueSeed<'s> {
    state: &'s mut State,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.state.enter()?;
        let mut items = Vec::new();
        loop {
            let item = seq.next_element_seed(ValueSeed {
                state: &mut *self.state,
            });
            match item {
                Ok(Some(item)) => items.push(item),
                Ok(None) => break,
                Err(err) => {
                    let index = items.len();
                    self.state.unwind_through(|| Segment::Index(index));
                    return Err(err);
                }
            }
        }
        self.state.depth -= 1;
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        self.state.enter()?;
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            // One hash per member: reserve the slot, refusing a name already
            // present, then parse the value straight into it.
            let slot = match map.entry(key) {
                Entry::Vacant(vacant) => vacant.insert(Value::Null),
                Entry::Occupied(occupied) => {
                    let key = occupied.key().clone();
                    let path = vec![Segment::Key(key.clone())];
                    return Err(self.state.fail(FailureKind::Duplicate { key }, path));
                }
            };
            match access.next_value_seed(ValueSeed {
                state: &mut *self.state,
            }) {
                Ok(value) => *slot = value,
                Err(err) => {
                    // The failing member is the one just reserved: the last key.
                    let key = map.keys().next_back().cloned().unwrap_or_default();
                    self.state.unwind_through(|| Segment::Key(key));
                    return Err(err);
                }
            }
        }
        self.state.depth -= 1;
        Ok(Value::Object(map))
    }
}
