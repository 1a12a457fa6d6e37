//! JSON-LD contexts shipped inside the binary and pinned by SHA-256, and the
//! check that a credential uses nothing else.
//!
//! Verification must never fetch a context: a context served by someone else
//! can silently change what a signed credential means. Every context a
//! licence may reference is compiled in here, and `check_contexts` rejects
//! any credential that references another one or embeds its own.

use serde_json::Value;

/// URL of the licence vocabulary context (core/contexts/licence-v1.jsonld).
pub const LICENCE_CONTEXT_URL: &str = "https://w3id.org/elicence/v1";
/// Base IRI of the licence vocabulary: every term is this plus its name.
pub const LICENCE_VOCAB: &str = "https://w3id.org/elicence#";
/// URL of the VC Data Model 2.0 base context.
pub const VC_V2_CONTEXT_URL: &str = "https://www.w3.org/ns/credentials/v2";
/// URL of the VC Data Model 1.1 base context (accepted on input only).
pub const VC_V1_CONTEXT_URL: &str = "https://www.w3.org/2018/credentials/v1";

/// A context compiled into the crate, with the SHA-256 of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShippedContext {
    /// The URL credentials use to reference it.
    pub url: &'static str,
    /// Lowercase hex SHA-256 of `body`, pinned so a changed file fails the tests.
    pub sha256_hex: &'static str,
    /// The context document, byte for byte as published.
    pub body: &'static str,
}

static SHIPPED: [ShippedContext; 11] = [
    ShippedContext {
        url: VC_V2_CONTEXT_URL,
        sha256_hex: "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
        body: include_str!("../../contexts/w3c/credentials-v2.jsonld"),
    },
    ShippedContext {
        url: "https://www.w3.org/ns/credentials/examples/v2",
        sha256_hex: "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
        body: include_str!("../../contexts/w3c/credentials-examples-v2.jsonld"),
    },
    ShippedContext {
        url: VC_V1_CONTEXT_URL,
        sha256_hex: "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc",
        body: include_str!("../../contexts/w3c/w3c-2018-credentials-v1.jsonld"),
    },
    ShippedContext {
        url: "https://www.w3.org/ns/did/v1",
        sha256_hex: "4f3eae5568c9c5f036a082088f9e192019ee06faa78973c87ff91d5421b88dad",
        body: include_str!("../../contexts/w3c/w3c-did-v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/security/data-integrity/v1",
        sha256_hex: "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
        body: include_str!("../../contexts/w3c/w3id-data-integrity-v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/security/data-integrity/v2",
        sha256_hex: "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
        body: include_str!("../../contexts/w3c/w3id-data-integrity-v2.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/security/suites/ed25519-2020/v1",
        sha256_hex: "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
        body: include_str!("../../contexts/w3c/w3id-ed25519-signature-2020-v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/security/multikey/v1",
        sha256_hex: "00e1592fd321ed9b843aee80f4f25e23a3fa53e514e73dc9d109fc4e0aaadf1c",
        body: include_str!("../../contexts/w3c/w3id-multikey-v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/security/v2",
        sha256_hex: "611bd81151d5efe53ec9aed78f5a813e577287bc9451ee26d6879b1b8b46bc3b",
        body: include_str!("../../contexts/w3c/w3id-security-v2.jsonld"),
    },
    // Not in the shared W3C files: the W3C CCG citizenship vocabulary, used by
    // the vc-di-eddsa/vc-di-ecdsa `employ` test vectors. Our copy reproduces
    // those vectors' canonical N-Quads byte for byte, which pins every term
    // they use (core/tests/w3c_rdfc_vectors.rs).
    ShippedContext {
        url: "https://w3id.org/citizenship/v4rc1",
        sha256_hex: "074777b31b9a6561674460374f4345361a525613c1326714bf758fd894889d37",
        body: include_str!("../../contexts/w3c/citizenship-v4rc1.jsonld"),
    },
    ShippedContext {
        url: LICENCE_CONTEXT_URL,
        sha256_hex: "907ac67d2e86feabe08843f82d292adfd19449c9ad468b5432e561ab076cd03c",
        body: include_str!("../../contexts/licence-v1.jsonld"),
    },
];

/// The licence vocabulary context document.
pub const LICENCE_CONTEXT: &str = include_str!("../../contexts/licence-v1.jsonld");

/// The shipped context for `url`, if any (exact string match: no
/// normalisation of scheme, case or trailing slash).
pub fn shipped_context(url: &str) -> Option<&'static ShippedContext> {
    SHIPPED.iter().find(|context| context.url == url)
}

/// Every shipped context, e.g. to build a JSON-LD document loader.
pub fn all_shipped_contexts() -> &'static [ShippedContext] {
    &SHIPPED
}

/// Why a credential's contexts are not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    /// The credential is not a JSON object.
    #[error("credential is not a JSON object")]
    NotAnObject,
    /// No top-level `@context`.
    #[error("@context is missing")]
    Missing,
    /// `@context` is empty.
    #[error("{location}: @context is empty")]
    Empty {
        /// Where: `@context` or `proof.@context`.
        location: String,
    },
    /// `@context` is neither a string nor an array (e.g. `null`, which resets it).
    #[error("{location}: must be a context URL or an array of contexts")]
    NotAStringOrArray {
        /// Where, e.g. `@context`.
        location: String,
    },
    /// An entry that is neither a string nor an object.
    #[error("{location}: context entries must be URL strings or context objects")]
    NotAString {
        /// Where, e.g. `@context[1]`.
        location: String,
    },
    /// A URL for which no context is shipped.
    #[error("{location}: unknown context {url}: only pinned contexts are accepted")]
    UnknownContext {
        /// The URL as written.
        url: String,
        /// Where, e.g. `proof.@context[0]`.
        location: String,
    },
    /// The first top-level context is not a VC base context.
    #[error("@context[0] must be {VC_V2_CONTEXT_URL} or {VC_V1_CONTEXT_URL}, found {found}")]
    FirstNotBaseContext {
        /// The first entry as written.
        found: String,
    },
}

/// Checks every `@context` of `credential`: the first top-level entry is
/// the VC 2.0 or 1.1 base context; every remote context, wherever it is
/// named (top level, proofs, nested objects, inside embedded context
/// objects and their scoped contexts or `@import`), is a shipped one, so
/// nothing is ever fetched. Context objects embedded in the document are
/// accepted (VC Data Model 2.0 §4.3): they are signed with the document, and
/// the JSON-LD processor keeps protected terms protected and, when it audits
/// spelling, refuses any embedded redefinition or alias of a pinned term.
pub fn check_contexts(credential: &Value) -> Result<(), ContextError> {
    let object = credential.as_object().ok_or(ContextError::NotAnObject)?;
    let context = object.get("@context").ok_or(ContextError::Missing)?;
    let first = check_context_list(context, "@context")?;
    match first {
        Some(first) if first == VC_V2_CONTEXT_URL || first == VC_V1_CONTEXT_URL => {}
        Some(first) => {
            return Err(ContextError::FirstNotBaseContext {
                found: first.to_owned(),
            })
        }
        None => {
            return Err(ContextError::FirstNotBaseContext {
                found: "an embedded context object".to_owned(),
            })
        }
    }
    for (key, value) in object {
        if key != "@context" {
            check_nested_contexts(value, key)?;
        }
    }
    Ok(())
}

/// Validates one `@context` value (a URL, or a non-empty array of URLs and
/// context objects) and returns its first entry if it is a URL.
fn check_context_list<'a>(
    context: &'a Value,
    location: &str,
) -> Result<Option<&'a str>, ContextError> {
    let entries: Vec<(&Value, String)> = match context {
        Value::String(_) => vec![(context, location.to_owned())],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| (item, format!("{location}[{index}]")))
            .collect(),
        _ => {
            return Err(ContextError::NotAStringOrArray {
                location: location.to_owned(),
            })
        }
    };
    if entries.is_empty() {
        return Err(ContextError::Empty {
            location: location.to_owned(),
        });
    }
    let first = entries[0].0.as_str();
    for (entry, here) in entries {
        check_context_entry(entry, &here)?;
    }
    Ok(first)
}

/// One context entry: a shipped URL, or a context object whose remote
/// references (nested `@context`, `@import`) are all shipped.
fn check_context_entry(entry: &Value, location: &str) -> Result<(), ContextError> {
    match entry {
        Value::String(url) if shipped_context(url).is_some() => Ok(()),
        Value::String(url) => Err(ContextError::UnknownContext {
            url: url.clone(),
            location: location.to_owned(),
        }),
        Value::Object(definitions) => {
            for (key, value) in definitions {
                let here = format!("{location}.{key}");
                match (key.as_str(), value) {
                    ("@import", Value::String(_)) => check_context_entry(value, &here)?,
                    ("@import", _) => return Err(ContextError::NotAString { location: here }),
                    (_, Value::Object(definition)) => {
                        if let Some(scoped) = definition.get("@context") {
                            check_any_context(scoped, &format!("{here}.@context"))?;
                        }
                    }
                    _ => {}
                }
            }
            Ok(())
        }
        _ => Err(ContextError::NotAString {
            location: location.to_owned(),
        }),
    }
}

/// A `@context` value that need not start with a base context (nested ones,
/// scoped ones); `null` is left to the JSON-LD processor, which refuses to
/// reset protected terms.
fn check_any_context(context: &Value, location: &str) -> Result<(), ContextError> {
    match context {
        Value::Null => Ok(()),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                if !item.is_null() {
                    check_context_entry(item, &format!("{location}[{index}]"))?;
                }
            }
            Ok(())
        }
        other => check_context_entry(other, location),
    }
}

/// Every `@context` below the top level (in proofs and in nested objects).
fn check_nested_contexts(value: &Value, location: &str) -> Result<(), ContextError> {
    match value {
        Value::Object(object) => {
            for (key, member) in object {
                let here = format!("{location}.{key}");
                if key == "@context" {
                    check_any_context(member, &here)?;
                } else {
                    check_nested_contexts(member, &here)?;
                }
            }
            Ok(())
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                check_nested_contexts(item, &format!("{location}[{index}]"))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
