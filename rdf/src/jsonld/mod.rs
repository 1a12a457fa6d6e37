//! JSON-LD 1.1 expansion and toRdf for Verifiable Credentials, over pinned
//! contexts only.
//!
//! Data Integrity `*-rdfc-*` suites sign the RDF dataset a credential
//! denotes, so every verifier must derive exactly the triples the issuer
//! signed. This module implements the subset of JSON-LD 1.1 that pinned VC
//! contexts use, and rejects everything else with
//! [`JsonLdError::Unsupported`] instead of guessing (see
//! `docs/jsonld-subset.md`). Contexts come only from a [`ContextLoader`]:
//! nothing is ever fetched.
//!
//! A [`Processor`] parses and processes each context once and caches the
//! resulting active contexts (including type- and property-scoped ones), so
//! verifying many credentials costs only expansion and quad emission.

mod context;
mod error;
mod expand;
mod iri;
mod json;
mod object;
mod spelling;
mod text;
mod to_rdf;

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

pub use error::JsonLdError;

use crate::model::Quad;
use crate::rdfc::{self, RdfcError};
use context::{
    process_context, ActiveContext, ProcessFlags, RemoteContexts, ScopedContext, TermHasher,
};
use expand::{ContextSource, Expander, Path};

/// Source of pinned context documents.
///
/// Returns the JSON text of the context published at `url`, or `None` if the
/// URL is not pinned (which makes processing fail with
/// [`JsonLdError::UnknownContext`]). Implementations must never fetch.
pub trait ContextLoader {
    /// The JSON text of the pinned context document at `url`.
    fn load(&self, url: &str) -> Option<&str>;
}

impl<T: ContextLoader + ?Sized> ContextLoader for &T {
    fn load(&self, url: &str) -> Option<&str> {
        (**self).load(url)
    }
}

/// Bound on the number of cached processed contexts, so that hostile inputs
/// combining contexts in many ways cannot grow memory without limit.
const MAX_CACHED_CONTEXTS: usize = 4096;
/// Bound on nested remote context inclusion (JSON-LD `context overflow`).
const MAX_REMOTE_DEPTH: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SourceKey {
    Url(u64),
    Scoped {
        id: u64,
        override_protected: bool,
        propagate: bool,
    },
}

/// Keys of the caches are pinned URLs and internal ids, never chosen by a
/// document, so the fast term-table hash is safe here too.
type FastHash = BuildHasherDefault<TermHasher>;

#[derive(Default)]
struct Cache {
    /// Parsed `@context` values of loaded documents, with a stable id.
    documents: HashMap<String, (u64, Arc<Value>), FastHash>,
    /// (active context id, applied context) -> resulting active context.
    processed: HashMap<(u64, SourceKey), Arc<ActiveContext>, FastHash>,
}

/// Why [`Processor::canonicalize`] failed: the document does not denote a
/// dataset we can derive (JSON-LD), or the dataset cannot be canonicalized
/// within the work budget (RDFC-1.0).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalizeError {
    /// JSON-LD expansion or toRdf failed.
    #[error(transparent)]
    JsonLd(#[from] JsonLdError),
    /// RDFC-1.0 failed.
    #[error(transparent)]
    Rdfc(#[from] RdfcError),
}

/// A reusable JSON-LD processor: holds the context loader and the cache of
/// processed contexts. Share one per trust bundle; it is `Sync` when the
/// loader is.
pub struct Processor<L> {
    loader: L,
    safe_mode: bool,
    initial: Arc<ActiveContext>,
    cache: Mutex<Cache>,
    inverses: spelling::SharedInverses,
    audit_spelling: bool,
}

impl<L: ContextLoader> Processor<L> {
    /// A processor with no document base IRI and safe mode off (spec
    /// behaviour: undefined terms and relative IRIs are silently dropped).
    pub fn new(loader: L) -> Self {
        Processor {
            loader,
            safe_mode: false,
            initial: Arc::new(ActiveContext::initial(None)),
            cache: Mutex::new(Cache::default()),
            inverses: Default::default(),
            audit_spelling: false,
        }
    }

    /// Sets the document base IRI against which relative IRIs resolve
    /// (JSON-LD's `base` option). Resets the cache, whose entries depend on it.
    pub fn with_base(mut self, base: impl Into<String>) -> Self {
        self.initial = Arc::new(ActiveContext::initial(Some(base.into())));
        self.cache = Mutex::new(Cache::default());
        self
    }

    /// Safe mode fails with [`JsonLdError::Dropped`] wherever the spec would
    /// silently drop data (undefined terms, relative IRIs, malformed language
    /// tags, free-floating values): dropped data is unsigned data, so a
    /// verifier should turn this on.
    pub fn with_safe_mode(mut self, on: bool) -> Self {
        self.safe_mode = on;
        self
    }

    /// With the audit on, [`Processor::canonicalize`] and
    /// [`Processor::canonicalize_entries`] also refuse any document that
    /// fails [`Processor::check_spelling`], in the same expansion (and in
    /// safe mode): what a Data Integrity engine wants, so the signed dataset
    /// and the JSON a reader sees cannot disagree.
    pub fn with_spelling_audit(mut self, on: bool) -> Self {
        self.audit_spelling = on;
        self
    }

    /// JSON-LD 1.1 expansion; returns the expanded document (an array).
    pub fn expand(&self, document: &Value) -> Result<Value, JsonLdError> {
        let items = self.expander().expand_document(&self.initial, document)?;
        Ok(expand::to_json(&items))
    }

    /// JSON-LD 1.1 toRdf (produceGeneralizedRdf false, rdfDirection null):
    /// the dataset the document denotes, sorted, without duplicates, blank
    /// nodes labelled `b0`, `b1`, ... in document order.
    pub fn to_rdf(&self, document: &Value) -> Result<Vec<Quad>, JsonLdError> {
        let items = self.expander().expand_document(&self.initial, document)?;
        let dataset = to_rdf::RdfWriter::new(self.safe_mode).write_document(&items)?;
        Ok(dataset.to_quads())
    }

    /// toRdf then RDFC-1.0: the canonical N-Quads of the dataset the
    /// document denotes, byte for byte what [`Processor::to_rdf`] followed
    /// by [`rdfc::canonicalize_with`] gives, without building owned
    /// [`Quad`]s in between (every IRI and string is borrowed from the
    /// document or shared with the contexts on the way). This is what the
    /// Data Integrity `*-rdfc-*` suites sign and verify (with
    /// [`Processor::with_spelling_audit`] on, the document must also pass
    /// [`Processor::check_spelling`]).
    pub fn canonicalize(
        &self,
        document: &Value,
        options: &rdfc::Options,
    ) -> Result<String, CanonicalizeError> {
        let audit = spelling::Audit::new(&self.inverses);
        let items = self
            .for_canonical(&audit)
            .expand_document(&self.initial, document)?;
        if self.audit_spelling {
            spelling::nodes_described_once(&items)?;
        }
        self.canonicalize_expanded(&items, options)
    }

    /// [`Processor::canonicalize`] of the document whose top level is the
    /// JSON object made of `entries`, in that order. This is how a Data
    /// Integrity verifier canonicalizes a secured document without its
    /// `proof` (or with the proof's `@context`) without copying it. Keys must
    /// be distinct ([`JsonLdError::Syntax`] `duplicate entry` otherwise).
    pub fn canonicalize_entries(
        &self,
        entries: &[(&str, &Value)],
        options: &rdfc::Options,
    ) -> Result<String, CanonicalizeError> {
        if let Some(key) = duplicate_key(entries) {
            return Err(JsonLdError::syntax(
                "duplicate entry",
                expand::Path::Key(&expand::Path::Root, key).render(),
                "an object cannot have the same key twice",
            )
            .into());
        }
        let audit = spelling::Audit::new(&self.inverses);
        let items = self
            .for_canonical(&audit)
            .expand_document_entries(&self.initial, entries)?;
        if self.audit_spelling {
            spelling::nodes_described_once(&items)?;
        }
        self.canonicalize_expanded(&items, options)
    }

    fn canonicalize_expanded(
        &self,
        items: &[expand::Expanded<'_>],
        options: &rdfc::Options,
    ) -> Result<String, CanonicalizeError> {
        let safe = self.safe_mode || self.audit_spelling;
        let dataset = to_rdf::RdfWriter::new(safe).write_document(items)?;
        Ok(rdfc::canonicalize_numbered(
            &dataset.quads,
            dataset.blank_nodes,
            options,
        )?)
    }

    /// Checks that `document` is written in the one canonical form its
    /// contexts define for what it means (see `spelling.rs` for the rules):
    /// every key and type the preferred term of its IRI, IRIs written out,
    /// no wrapped values where the plain form means the same, every node
    /// described once, and (safe mode, whatever this processor's setting)
    /// nothing dropped. A program that reads the JSON by term names then sees
    /// exactly the dataset a signature over the RDF covers.
    pub fn check_spelling(&self, document: &Value) -> Result<(), JsonLdError> {
        // The dataset is written (safe mode refuses what it would drop) but
        // not turned into owned quads: the checkers never read it, and the
        // browser inspector then carries no `to_quads` code.
        let audit = spelling::Audit::new(&self.inverses);
        let items = self
            .audited(&audit)
            .expand_document(&self.initial, document)?;
        spelling::nodes_described_once(&items)?;
        to_rdf::RdfWriter::new(true).write_document(&items)?;
        Ok(())
    }

    /// toRdf (always in safe mode) of a document that passes
    /// [`Processor::check_spelling`], in one expansion: what a Data Integrity
    /// suite should sign and verify, so that the signed dataset and the JSON
    /// a reader sees cannot disagree.
    pub fn to_rdf_checked(&self, document: &Value) -> Result<Vec<Quad>, JsonLdError> {
        let audit = spelling::Audit::new(&self.inverses);
        let items = self
            .audited(&audit)
            .expand_document(&self.initial, document)?;
        spelling::nodes_described_once(&items)?;
        let dataset = to_rdf::RdfWriter::new(true).write_document(&items)?;
        Ok(dataset.to_quads())
    }

    /// The expander of the canonicalization entry points: audited (and in
    /// safe mode) when the processor audits spelling.
    fn for_canonical<'s>(&'s self, audit: &'s spelling::Audit<'s>) -> Expander<'s> {
        if self.audit_spelling {
            self.audited(audit)
        } else {
            self.expander()
        }
    }

    /// An expander that audits spelling, always in safe mode.
    fn audited<'s>(&'s self, audit: &'s spelling::Audit<'s>) -> Expander<'s> {
        Expander {
            contexts: self,
            safe_mode: true,
            audit: Some(audit),
        }
    }

    fn expander(&self) -> Expander<'_> {
        Expander {
            contexts: self,
            safe_mode: self.safe_mode,
            audit: None,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Cache> {
        // A poisoned lock only means another thread panicked mid-insert; the
        // map itself is still consistent.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn load(&self, url: &str) -> Result<(u64, Arc<Value>), JsonLdError> {
        if let Some((id, v)) = self.lock().documents.get(url) {
            return Ok((*id, v.clone()));
        }
        let text = self
            .loader
            .load(url)
            .ok_or_else(|| JsonLdError::UnknownContext(url.to_owned()))?;
        let invalid = |reason: String| JsonLdError::InvalidContextDocument {
            url: url.to_owned(),
            reason,
        };
        let doc: Value = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let ctx = match doc {
            Value::Object(mut m) => m
                .remove("@context")
                .ok_or_else(|| invalid("no @context entry".to_owned()))?,
            _ => return Err(invalid("not a JSON object".to_owned())),
        };
        let entry = (context::fresh_id(), Arc::new(ctx));
        self.lock().documents.insert(url.to_owned(), entry.clone());
        Ok(entry)
    }

    fn cached(&self, active: &ActiveContext, key: SourceKey) -> Option<Arc<ActiveContext>> {
        if !active.cacheable {
            return None;
        }
        self.lock().processed.get(&(active.id, key)).cloned()
    }

    fn remember(&self, active: &ActiveContext, key: SourceKey, result: &Arc<ActiveContext>) {
        if active.cacheable && result.cacheable {
            let mut cache = self.lock();
            if cache.processed.len() < MAX_CACHED_CONTEXTS {
                cache.processed.insert((active.id, key), result.clone());
            }
        }
    }
}

impl<L: ContextLoader> RemoteContexts for Processor<L> {
    fn apply_url(
        &self,
        active: &Arc<ActiveContext>,
        url: &str,
        stack: &mut Vec<String>,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        // Every document applies its context URLs: one lock for the lookup.
        if active.cacheable {
            let cache = self.lock();
            if let Some((doc_id, _)) = cache.documents.get(url) {
                if let Some(hit) = cache.processed.get(&(active.id, SourceKey::Url(*doc_id))) {
                    return Ok(hit.clone());
                }
            }
        }
        let (doc_id, ctx) = self.load(url)?;
        let key = SourceKey::Url(doc_id);
        if let Some(hit) = self.cached(active, key) {
            return Ok(hit);
        }
        if stack.len() >= MAX_REMOTE_DEPTH || stack.iter().any(|u| u == url) {
            return Err(JsonLdError::syntax(
                "context overflow",
                url,
                "remote contexts include each other recursively",
            ));
        }
        stack.push(url.to_owned());
        let flags = ProcessFlags {
            override_protected: false,
            propagate: true,
            source_cacheable: true,
        };
        let result = process_context(self, active, &ctx, Some(url), flags, stack, &|| {
            url.to_owned()
        });
        stack.pop();
        let result = result?;
        self.remember(active, key, &result);
        Ok(result)
    }
}

impl<L: ContextLoader> ContextSource for Processor<L> {
    fn apply_scoped(
        &self,
        active: &Arc<ActiveContext>,
        scoped: &ScopedContext,
        override_protected: bool,
        propagate: bool,
        at: &Path<'_>,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let key = SourceKey::Scoped {
            id: scoped.id,
            override_protected,
            propagate,
        };
        if scoped.cacheable {
            if let Some(hit) = self.cached(active, key) {
                return Ok(hit);
            }
        }
        let flags = ProcessFlags {
            override_protected,
            propagate,
            source_cacheable: scoped.cacheable,
        };
        let origin = || format!("scoped context applied at {}", at.render());
        let result = process_context(
            self,
            active,
            &scoped.value,
            scoped.base.as_deref(),
            flags,
            &mut Vec::new(),
            &origin,
        )?;
        if scoped.cacheable {
            self.remember(active, key, &result);
        }
        Ok(result)
    }

    fn apply_inline(
        &self,
        active: &Arc<ActiveContext>,
        local: &Value,
        at: &Path<'_>,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let flags = ProcessFlags {
            override_protected: false,
            propagate: true,
            source_cacheable: false,
        };
        process_context(
            self,
            active,
            local,
            self.initial.base.as_deref(),
            flags,
            &mut Vec::new(),
            &|| at.render(),
        )
    }
}

/// A key that `entries` holds twice, if any (in O(n log n): the entries may
/// come from a hostile document).
fn duplicate_key<'e>(entries: &[(&'e str, &Value)]) -> Option<&'e str> {
    if entries.len() <= 16 {
        let (i, _) = entries
            .iter()
            .enumerate()
            .find(|(i, (key, _))| entries[..*i].iter().any(|(k, _)| k == key))?;
        return Some(entries[i].0);
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
    keys.sort_unstable();
    keys.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

/// toRdf of one document with a throw-away processor. Prefer a long-lived
/// [`Processor`] when handling many documents: it caches processed contexts.
pub fn to_rdf(document: &Value, loader: &dyn ContextLoader) -> Result<Vec<Quad>, JsonLdError> {
    Processor::new(loader).to_rdf(document)
}

/// Expansion of one document with a throw-away processor (see [`to_rdf`]).
pub fn expand(document: &Value, loader: &dyn ContextLoader) -> Result<Value, JsonLdError> {
    Processor::new(loader).expand(document)
}
