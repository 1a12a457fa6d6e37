//! The spelling audit: is a document written exactly as its contexts spell
//! what it means?
//!
//! JSON-LD lets one RDF dataset be written in many JSON forms: a property by
//! its term (`credentialStatus`), its full IRI, a compact IRI, an alias from
//! an embedded context; a value plain or as a value object; one node in one
//! object or split over two objects with the same `@id`. A signature over the
//! RDF (the `*-rdfc-*` suites) holds for every one of them, but a program that
//! reads the JSON by its term names sees only the canonical form: re-spell
//! `credentialStatus` as its IRI and a status check finds nothing to check.
//!
//! The audit refuses every spelling a reader by term name could miss, so that
//! for an accepted document the JSON view and the signed meaning agree:
//!
//! 1. **Keys** are the preferred term of their IRI in the active context (no
//!    IRI, compact IRI or alias where a term exists; no raw `@id`/`@type`
//!    where the context aliases them), and no key uses an embedded context's
//!    redefinition of a term a pinned context defines.
//! 2. **Node types** follow the same rule.
//! 3. **IRI values** (`@id`, and values of `@id`-typed terms) are written as
//!    the IRI they denote, not as compact IRIs.
//! 4. **Values** are not wrapped where the plain form means the same: a value
//!    object equal to what the plain value expands to, a language value
//!    object under a language-map term, a `@set` object. (A node reference
//!    `{"id": …}` where a plain IRI would do is allowed: it is how VCs write
//!    `credentialSubject` and `issuer`, and readers handle both forms.)
//! 5. **Nodes** are described once: two node objects with the same `@id`
//!    (IRI or blank node label) that both carry data are refused.
//!
//! Safe mode (nothing silently dropped) and the refusal of `@reverse`,
//! `@nest` and `@included` complete the picture (see `docs/verification.md`).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::context::{ActiveContext, TermDef};
use super::error::JsonLdError;
use super::expand::{Expanded, NodeObj, Path, ValueObj};
use super::object::Object;

/// The preferred term of each IRI (or keyword) in one active context.
#[derive(Default)]
pub(crate) struct Inverse {
    preferred: HashMap<String, String>,
}

impl Inverse {
    fn of(ac: &ActiveContext) -> Inverse {
        // Preference: protected before unprotected, pinned before embedded,
        // then shortest, then lexicographically least (JSON-LD compaction's
        // tie-break). Deterministic, and it picks the pinned vocabulary's
        // own term whenever one exists.
        let rank = |name: &str, d: &TermDef| (!d.protected, !d.pinned, name.len(), name.to_owned());
        let mut best: HashMap<String, (bool, bool, usize, String)> = HashMap::new();
        for (name, def) in ac.terms.iter() {
            let Some(iri) = def.iri.as_deref() else {
                continue;
            };
            if def.reverse || def.shadows_pinned {
                continue;
            }
            let r = rank(name, def);
            match best.get(iri) {
                Some(current) if *current <= r => {}
                _ => {
                    best.insert(iri.to_owned(), r);
                }
            }
        }
        Inverse {
            preferred: best.into_iter().map(|(iri, r)| (iri, r.3)).collect(),
        }
    }

    fn preferred(&self, iri: &str) -> Option<&str> {
        self.preferred.get(iri).map(String::as_str)
    }
}

/// Inverses of pinned active contexts, shared by every audit of one
/// processor (pinned contexts are immutable and identified by id).
pub(crate) type SharedInverses = Mutex<HashMap<u64, Arc<Inverse>>>;

/// Bound on shared inverses, like the processor's context cache.
const MAX_SHARED_INVERSES: usize = 4096;

/// One audit run: finds the inverse of each active context it meets, from
/// the processor's shared cache for pinned contexts and its own map for
/// contexts embedded in this document.
pub(crate) struct Audit<'p> {
    shared: &'p SharedInverses,
    local: RefCell<HashMap<u64, Arc<Inverse>>>,
}

fn respelled(at: &Path<'_>, detail: String) -> JsonLdError {
    JsonLdError::Respelled {
        path: at.render(),
        detail,
    }
}

impl<'p> Audit<'p> {
    pub(crate) fn new(shared: &'p SharedInverses) -> Self {
        Audit {
            shared,
            local: RefCell::new(HashMap::new()),
        }
    }

    fn inverse(&self, ac: &ActiveContext) -> Arc<Inverse> {
        if ac.cacheable {
            // A poisoned lock only means another thread panicked mid-insert.
            let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(hit) = shared.get(&ac.id) {
                return hit.clone();
            }
            let inv = Arc::new(Inverse::of(ac));
            if shared.len() < MAX_SHARED_INVERSES {
                shared.insert(ac.id, inv.clone());
            }
            return inv;
        }
        if let Some(hit) = self.local.borrow().get(&ac.id) {
            return hit.clone();
        }
        let inv = Arc::new(Inverse::of(ac));
        self.local.borrow_mut().insert(ac.id, inv.clone());
        inv
    }

    /// Rule 1, for a key that expands to `expanded` (an IRI or keyword).
    pub(crate) fn key(
        &self,
        ac: &ActiveContext,
        key: &str,
        expanded: &str,
        at: &Path<'_>,
    ) -> Result<(), JsonLdError> {
        self.term_spelling(ac, key, expanded, "key", at)
    }

    /// Rules 1 and 2: `spelled` must be the preferred term for `expanded`
    /// when the context has one, and never a shadowing redefinition.
    fn term_spelling(
        &self,
        ac: &ActiveContext,
        spelled: &str,
        expanded: &str,
        what: &str,
        at: &Path<'_>,
    ) -> Result<(), JsonLdError> {
        if let Some(def) = ac.term(spelled) {
            if def.shadows_pinned {
                return Err(respelled(
                    at,
                    format!(
                        "the {what} `{spelled}` uses a context embedded in the document that redefines a term of a pinned context"
                    ),
                ));
            }
        }
        match self.inverse(ac).preferred(expanded) {
            Some(term) if term != spelled => Err(respelled(
                at,
                format!("the {what} `{spelled}` re-spells the term `{term}` (<{expanded}>)"),
            )),
            _ => Ok(()),
        }
    }

    /// Rule 3 for a string value of a property whose term coerces it to an
    /// IRI (`@type: @id` or `@vocab`), before expansion.
    pub(crate) fn coerced_scalar(
        &self,
        ac: &ActiveContext,
        prop: &str,
        value: &Value,
        at: &Path<'_>,
    ) -> Result<(), JsonLdError> {
        let Value::String(s) = value else {
            return Ok(());
        };
        match ac.term(prop).and_then(|d| d.type_mapping.as_deref()) {
            Some("@id") => iri_value(ac, s, at),
            Some("@vocab") => match ac.expand_iri(s, true, true) {
                Some(e) => self.term_spelling(ac, s, &e, "value", at),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// Rules 2 to 4 for one JSON object once it is expanded into `b`.
    /// `ac` is the object's active context (after scoped contexts), `types`
    /// the one its type values are expanded with.
    pub(crate) fn object(
        &self,
        ac: &ActiveContext,
        types: &ActiveContext,
        prop: Option<&str>,
        map: Object<'_>,
        shape: ObjectShape,
        at: &Path<'_>,
    ) -> Result<(), JsonLdError> {
        let prop_def = prop.filter(|p| *p != "@graph").and_then(|p| ac.term(p));
        if shape.is_set {
            return Err(respelled(
                at,
                "a `@set` object: write the array itself".to_owned(),
            ));
        }
        for (key, value) in map.iter() {
            let kp = Path::Key(at, key);
            match ac.keyword_of(key) {
                Some("@id") if !shape.is_value => {
                    if let Value::String(s) = value {
                        iri_value(ac, s, &kp)?;
                    }
                }
                Some("@type") if !shape.is_value => {
                    let values: Vec<&str> = match value {
                        Value::String(s) => vec![s.as_str()],
                        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                        _ => Vec::new(),
                    };
                    for (i, v) in values.into_iter().enumerate() {
                        if let Some(t) = types.expand_iri(v, true, true) {
                            let vp = if value.is_array() {
                                Path::Index(&kp, i)
                            } else {
                                kp
                            };
                            self.term_spelling(types, v, &t, "type", &vp)?;
                        }
                    }
                }
                _ => {}
            }
        }
        if let (Some(value), Some(p)) = (shape.value, prop.filter(|p| *p != "@graph")) {
            if prop_def.is_some_and(|d| d.container.language) && value.language.is_some() {
                return Err(respelled(
                    at,
                    format!("a language value object under `{p}`: write it in the language map"),
                ));
            }
            if value.index.is_none() {
                let plain = super::expand::expand_scalar(ac, ac.term(p), value.value, at)?;
                if let Expanded::Value(plain) = plain {
                    let same = |a: &Option<super::text::Text<'_>>,
                                b: &Option<super::text::Text<'_>>| {
                        a.as_deref() == b.as_deref()
                    };
                    if plain.value == value.value
                        && same(&plain.type_, &value.type_)
                        && same(&plain.language, &value.language)
                        && plain.direction == value.direction
                    {
                        return Err(respelled(
                            at,
                            format!("a value object under `{p}` that means the same as its plain value: write the plain value"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// What one JSON object turned into, for [`Audit::object`].
#[derive(Clone, Copy, Default)]
pub(crate) struct ObjectShape<'b> {
    /// A value object (`@value`), with what it expanded to.
    pub value: Option<&'b ValueObj<'b>>,
    pub is_value: bool,
    /// A `@set` object.
    pub is_set: bool,
}

/// Rule 3: an IRI value must be written as the IRI it denotes (blank node
/// labels are themselves).
fn iri_value(ac: &ActiveContext, s: &str, at: &Path<'_>) -> Result<(), JsonLdError> {
    if s.starts_with("_:") {
        return Ok(());
    }
    match ac.expand_iri(s, true, false) {
        Some(e) if e != s => Err(respelled(
            at,
            format!("the IRI value `{s}` is an abbreviation of <{e}>: write the IRI itself"),
        )),
        _ => Ok(()),
    }
}

/// Rule 5 over the expanded document: no node described twice.
pub(crate) fn nodes_described_once(items: &[Expanded]) -> Result<(), JsonLdError> {
    fn walk<'e>(items: &'e [Expanded], seen: &mut HashSet<&'e str>) -> Result<(), JsonLdError> {
        for item in items {
            match item {
                Expanded::Node(n) => {
                    node(n, seen)?;
                }
                Expanded::List(items, _) => walk(items, seen)?,
                Expanded::Value(_) => {}
            }
        }
        Ok(())
    }
    fn node<'e>(n: &'e NodeObj, seen: &mut HashSet<&'e str>) -> Result<(), JsonLdError> {
        let describes = !n.types.is_empty() || !n.props.is_empty() || n.graph.is_some();
        if let (Some(id), true) = (n.id.as_deref(), describes) {
            if !seen.insert(id) {
                return Err(JsonLdError::Respelled {
                    path: format!("<{id}>"),
                    detail: format!(
                        "the node <{id}> is described by two objects: describe each node in one place"
                    ),
                });
            }
        }
        for (_, values) in &n.props {
            walk(values, seen)?;
        }
        if let Some(g) = &n.graph {
            walk(g, seen)?;
        }
        Ok(())
    }
    walk(items, &mut HashSet::new())
}
