//! Active contexts and the JSON-LD 1.1 Context Processing and Create Term
//! Definition algorithms (API sections 4.1 and 4.2), restricted to the
//! supported subset. Processed contexts are immutable and shared (`Arc`), so
//! the processor can cache them by identity.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::error::JsonLdError;
use super::iri::{
    ends_with_gen_delim, has_keyword_form, is_absolute_iri, is_blank, is_keyword, resolve,
};
use super::text::Text;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A process-wide unique id: cache keys use it, never a pointer.
pub(crate) fn fresh_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// FxHash-style hasher for term tables. Term tables are built only from
/// pinned or document contexts and looked up with short keys, so a fast
/// non-cryptographic hash is appropriate (SipHash was a measurable cost).
/// Every key of a document is looked up several times during expansion, so
/// it consumes eight bytes per step rather than one.
#[derive(Default)]
pub(crate) struct TermHasher(u64);

impl TermHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for TermHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the best-mixed bits at the top; hash tables
        // index with the low ones.
        self.0.rotate_left(26)
    }
}

/// Map from term to its definition.
pub(crate) type TermMap = HashMap<String, Arc<TermDef>, BuildHasherDefault<TermHasher>>;

fn concat<'v>(a: &str, b: &str) -> Text<'v> {
    let mut s = String::with_capacity(a.len() + b.len());
    s.push_str(a);
    s.push_str(b);
    Text::Owned(s)
}

/// Container mapping flags of a term definition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Container {
    pub list: bool,
    pub set: bool,
    pub graph: bool,
    pub language: bool,
    pub index: bool,
    pub id: bool,
    pub type_: bool,
}

/// A context embedded in a term definition (type- or property-scoped).
#[derive(Debug, Clone)]
pub(crate) struct ScopedContext {
    /// Cache identity.
    pub id: u64,
    /// Whether results of applying it may be cached (it comes from a pinned context).
    pub cacheable: bool,
    pub value: Arc<Value>,
    pub base: Option<Arc<str>>,
}

/// A term definition. Equality (used for protected-term redefinition checks)
/// ignores `protected` and the scoped context's cache identity, like the
/// reference implementation's deep comparison.
#[derive(Debug, Clone, Default)]
pub(crate) struct TermDef {
    /// IRI mapping; `None` when the term is explicitly mapped to null.
    /// Shared, so expansion hands it to every use without copying.
    pub iri: Option<Arc<str>>,
    pub prefix: bool,
    pub protected: bool,
    pub reverse: bool,
    pub type_mapping: Option<Arc<str>>,
    pub container: Container,
    /// `Some(None)`: explicitly no language.
    pub language: Option<Option<Arc<str>>>,
    pub direction: Option<Option<&'static str>>,
    pub context: Option<ScopedContext>,
    pub nest: Option<String>,
    pub index: Option<String>,
    /// Defined by a pinned (remote) context, directly or through a scoped
    /// context of one; `false` for terms of contexts embedded in the document.
    pub pinned: bool,
    /// This definition replaced a different one that came from a pinned
    /// context: the document gave a pinned term a new meaning.
    pub shadows_pinned: bool,
}

impl TermDef {
    fn same_as(&self, other: &TermDef) -> bool {
        self.iri == other.iri
            && self.prefix == other.prefix
            && self.reverse == other.reverse
            && self.type_mapping == other.type_mapping
            && self.container == other.container
            && self.language == other.language
            && self.direction == other.direction
            && self.nest == other.nest
            && self.index == other.index
            && match (&self.context, &other.context) {
                (None, None) => true,
                (Some(a), Some(b)) => a.value == b.value,
                _ => false,
            }
    }
}

/// A processed (active) context.
#[derive(Debug, Clone)]
pub(crate) struct ActiveContext {
    pub id: u64,
    /// Derived only from pinned contexts: safe to key a cache on `id`.
    pub cacheable: bool,
    pub terms: TermMap,
    pub base: Option<String>,
    /// The document base the context started from (restored by `@context: null`).
    pub original_base: Option<String>,
    pub vocab: Option<String>,
    pub language: Option<Arc<str>>,
    pub direction: Option<&'static str>,
    /// Set by non-propagated (type-scoped) contexts: the context to revert to
    /// when entering a new node object.
    pub previous: Option<Arc<ActiveContext>>,
    /// The terms aliasing a keyword (`id` → `@id`), when there are few, so
    /// that [`ActiveContext::keyword_of`], asked of every key of a document,
    /// needs no hash lookup; `None`: too many, look them up.
    keyword_aliases: Option<Vec<(String, Arc<str>)>>,
}

/// Above this many keyword aliases, [`ActiveContext::keyword_of`] uses the
/// term table (a hostile context could define thousands).
const MAX_LISTED_ALIASES: usize = 8;

impl ActiveContext {
    /// The initial context for a document with the given base IRI.
    pub fn initial(base: Option<String>) -> Self {
        ActiveContext {
            id: fresh_id(),
            cacheable: true,
            terms: TermMap::default(),
            base: base.clone(),
            original_base: base,
            vocab: None,
            language: None,
            direction: None,
            previous: None,
            keyword_aliases: Some(Vec::new()),
        }
    }

    /// Recomputes the keyword alias list after the terms changed.
    fn refresh_keyword_aliases(&mut self) {
        let mut aliases = Vec::new();
        for (term, def) in &self.terms {
            if let Some(iri) = def.iri.as_ref().filter(|i| is_keyword(i)) {
                if aliases.len() == MAX_LISTED_ALIASES {
                    self.keyword_aliases = None;
                    return;
                }
                aliases.push((term.clone(), iri.clone()));
            }
        }
        self.keyword_aliases = Some(aliases);
    }

    pub fn term(&self, t: &str) -> Option<&Arc<TermDef>> {
        self.terms.get(t)
    }

    /// The keyword `key` expands to, if any, without allocating: a keyword
    /// itself or a keyword alias.
    pub fn keyword_of<'s>(&'s self, key: &'s str) -> Option<&'s str> {
        if is_keyword(key) {
            return Some(key);
        }
        match &self.keyword_aliases {
            Some(aliases) => aliases
                .iter()
                .find(|(term, _)| term == key)
                .map(|(_, keyword)| &**keyword),
            None => self
                .terms
                .get(key)
                .and_then(|d| d.iri.as_deref())
                .filter(|i| is_keyword(i)),
        }
    }

    /// IRI expansion (API section 5.2) once the context is fully processed.
    /// `None` means the value expands to nothing (null mapping or keyword form).
    /// The result borrows `value` or shares the term's IRI where it can.
    pub fn expand_iri<'v>(
        &self,
        value: &'v str,
        document_relative: bool,
        vocab: bool,
    ) -> Option<Text<'v>> {
        if is_keyword(value) {
            return Some(Text::Doc(value));
        }
        if has_keyword_form(value) {
            return None;
        }
        if let Some(def) = self.terms.get(value) {
            if let Some(iri) = &def.iri {
                if is_keyword(iri) {
                    return Some(Text::Shared(iri.clone()));
                }
            }
            if vocab {
                return def.iri.clone().map(Text::Shared);
            }
        }
        self.expand_iri_not_term(value, document_relative, vocab)
    }

    /// [`ActiveContext::expand_iri`] of a key (vocabulary-relative) and the
    /// key's term definition: expansion needs both for every key of a
    /// document, and one hash lookup instead of two is measurably faster.
    pub fn expand_key<'v>(&self, key: &'v str) -> (Option<Text<'v>>, Option<&Arc<TermDef>>) {
        if is_keyword(key) {
            return (Some(Text::Doc(key)), None);
        }
        if has_keyword_form(key) {
            return (None, None);
        }
        match self.terms.get(key) {
            // A keyword alias or a vocabulary mapping: the IRI mapping either way.
            Some(def) => (def.iri.clone().map(Text::Shared), Some(def)),
            None => (self.expand_iri_not_term(key, false, true), None),
        }
    }

    /// The rest of IRI expansion for a value that is neither a keyword nor
    /// a term of this context (or a term, when not vocabulary-relative).
    fn expand_iri_not_term<'v>(
        &self,
        value: &'v str,
        document_relative: bool,
        vocab: bool,
    ) -> Option<Text<'v>> {
        if let Some(i) = value.get(1..).and_then(|s| s.find(':')).map(|i| i + 1) {
            let (prefix, suffix) = (&value[..i], &value[i + 1..]);
            if prefix == "_" || suffix.starts_with("//") {
                return Some(Text::Doc(value));
            }
            if let Some(def) = self.terms.get(prefix) {
                if let (Some(iri), true) = (&def.iri, def.prefix) {
                    return Some(concat(iri, suffix));
                }
            }
            if is_absolute_iri(value) {
                return Some(Text::Doc(value));
            }
        }
        if vocab {
            if let Some(v) = &self.vocab {
                return Some(concat(v, value));
            }
        }
        if document_relative {
            if let Some(base) = &self.base {
                return Some(Text::Owned(resolve(base, value)));
            }
        }
        Some(Text::Doc(value))
    }

    fn has_protected_terms(&self) -> bool {
        self.terms.values().any(|d| d.protected)
    }
}

/// Flags of one Context Processing invocation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProcessFlags {
    pub override_protected: bool,
    pub propagate: bool,
    /// The local context comes from a pinned source (results may be cached).
    pub source_cacheable: bool,
}

/// Services the context processor needs from its caller: loading (and
/// caching) remote contexts.
pub(crate) trait RemoteContexts {
    fn apply_url(
        &self,
        active: &Arc<ActiveContext>,
        url: &str,
        stack: &mut Vec<String>,
    ) -> Result<Arc<ActiveContext>, JsonLdError>;
}

/// The Context Processing algorithm (API 4.1.2). `origin` names the context
/// for error messages; it is only called when one is needed (a document's
/// `@context` is processed for every document, and the common case, a list
/// of pinned URLs, needs no name).
pub(crate) fn process_context(
    remote: &dyn RemoteContexts,
    active: &Arc<ActiveContext>,
    local: &Value,
    base_url: Option<&str>,
    flags: ProcessFlags,
    stack: &mut Vec<String>,
    origin: &dyn Fn() -> String,
) -> Result<Arc<ActiveContext>, JsonLdError> {
    let mut propagate = flags.propagate;
    if let Some(p) = local.as_object().and_then(|m| m.get("@propagate")) {
        propagate = p.as_bool().ok_or_else(|| {
            JsonLdError::syntax(
                "invalid @propagate value",
                origin(),
                "@propagate must be a boolean",
            )
        })?;
    }
    let mut result: Arc<ActiveContext> = active.clone();
    if !propagate && result.previous.is_none() {
        let mut r = (*result).clone();
        r.id = fresh_id();
        r.cacheable = active.cacheable && flags.source_cacheable;
        r.previous = Some(active.clone());
        result = Arc::new(r);
    }
    let items: &[Value] = match local {
        Value::Array(a) => a,
        other => std::slice::from_ref(other),
    };
    for (idx, item) in items.iter().enumerate() {
        let item_origin = || {
            if items.len() > 1 {
                format!("{}/{idx}", origin())
            } else {
                origin()
            }
        };
        match item {
            Value::Null => {
                if !flags.override_protected && result.has_protected_terms() {
                    return Err(JsonLdError::syntax(
                        "invalid context nullification",
                        item_origin(),
                        "a null context would remove protected terms",
                    ));
                }
                let mut fresh = ActiveContext::initial(result.original_base.clone());
                fresh.cacheable = result.cacheable && flags.source_cacheable;
                if !propagate {
                    fresh.previous = Some(result.clone());
                }
                result = Arc::new(fresh);
            }
            Value::String(url) => {
                result = match base_url {
                    Some(b) if !is_absolute_iri(url) => {
                        remote.apply_url(&result, &resolve(b, url), stack)?
                    }
                    _ => remote.apply_url(&result, url, stack)?,
                };
            }
            Value::Object(map) => {
                let mut r = (*result).clone();
                r.id = fresh_id();
                r.cacheable = result.cacheable && flags.source_cacheable;
                process_map(&mut r, map, base_url, flags, stack, &item_origin())?;
                r.refresh_keyword_aliases();
                result = Arc::new(r);
            }
            _ => {
                return Err(JsonLdError::syntax(
                    "invalid local context",
                    item_origin(),
                    "a context must be null, a string or an object",
                ))
            }
        }
    }
    Ok(result)
}

fn process_map(
    result: &mut ActiveContext,
    map: &Map<String, Value>,
    base_url: Option<&str>,
    flags: ProcessFlags,
    stack: &[String],
    origin: &str,
) -> Result<(), JsonLdError> {
    if let Some(v) = map.get("@version") {
        if v.as_f64() != Some(1.1) {
            return Err(JsonLdError::syntax(
                "invalid @version value",
                origin,
                "@version must be the number 1.1",
            ));
        }
    }
    if map.contains_key("@import") {
        return Err(JsonLdError::unsupported("@import", origin));
    }
    if let Some(b) = map.get("@base") {
        // @base is ignored in remote contexts (remote contexts stack non-empty).
        if stack.is_empty() {
            match b {
                Value::Null => result.base = None,
                Value::String(s) if is_absolute_iri(s) => result.base = Some(s.clone()),
                Value::String(s) => match &result.base {
                    Some(cur) => result.base = Some(resolve(cur, s)),
                    None => {
                        return Err(JsonLdError::syntax(
                            "invalid base IRI",
                            origin,
                            "relative @base without a base IRI",
                        ))
                    }
                },
                _ => {
                    return Err(JsonLdError::syntax(
                        "invalid base IRI",
                        origin,
                        "@base must be a string or null",
                    ))
                }
            }
        }
    }
    if let Some(v) = map.get("@vocab") {
        match v {
            Value::Null => result.vocab = None,
            Value::String(s) => {
                if is_blank(s) {
                    return Err(JsonLdError::unsupported("blank node @vocab", origin));
                }
                let expanded = result.expand_iri(s, true, true);
                match expanded {
                    Some(iri) if is_absolute_iri(&iri) => result.vocab = Some(iri.into_string()),
                    _ => {
                        return Err(JsonLdError::syntax(
                            "invalid vocab mapping",
                            origin,
                            format!("@vocab `{s}` is not an absolute IRI"),
                        ))
                    }
                }
            }
            _ => {
                return Err(JsonLdError::syntax(
                    "invalid vocab mapping",
                    origin,
                    "@vocab must be a string or null",
                ))
            }
        }
    }
    if let Some(v) = map.get("@language") {
        result.language = match v {
            Value::Null => None,
            Value::String(s) => Some(Arc::from(s.to_lowercase())),
            _ => {
                return Err(JsonLdError::syntax(
                    "invalid default language",
                    origin,
                    "@language must be a string or null",
                ))
            }
        };
    }
    if let Some(v) = map.get("@direction") {
        result.direction = parse_direction(v, origin)?;
    }
    let protected = match map.get("@protected") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(JsonLdError::syntax(
                "invalid @protected value",
                origin,
                "@protected must be a boolean",
            ))
        }
    };
    let mut state = DefState {
        local: map,
        defined: HashMap::new(),
        base_url,
        protected,
        override_protected: flags.override_protected,
        source_cacheable: flags.source_cacheable,
        origin,
    };
    for key in map.keys() {
        if matches!(
            key.as_str(),
            "@base"
                | "@direction"
                | "@import"
                | "@language"
                | "@propagate"
                | "@protected"
                | "@version"
                | "@vocab"
        ) {
            continue;
        }
        create_term_def(result, &mut state, key)?;
    }
    Ok(())
}

fn parse_direction(v: &Value, origin: &str) -> Result<Option<&'static str>, JsonLdError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s == "ltr" => Ok(Some("ltr")),
        Value::String(s) if s == "rtl" => Ok(Some("rtl")),
        _ => Err(JsonLdError::syntax(
            "invalid base direction",
            origin,
            "@direction must be \"ltr\", \"rtl\" or null",
        )),
    }
}

struct DefState<'a> {
    local: &'a Map<String, Value>,
    /// `false` while a term is being defined (cycle detection), `true` once done.
    defined: HashMap<String, bool>,
    base_url: Option<&'a str>,
    protected: bool,
    override_protected: bool,
    source_cacheable: bool,
    origin: &'a str,
}

impl DefState<'_> {
    fn at(&self, term: &str) -> String {
        format!("{} (term `{term}`)", self.origin)
    }
}

/// IRI expansion while a local context is being processed: terms of the
/// local context are defined on demand (API 5.2 steps 3 and 6.3).
fn expand_iri_local(
    result: &mut ActiveContext,
    state: &mut DefState<'_>,
    value: &str,
    vocab: bool,
) -> Result<Option<Arc<str>>, JsonLdError> {
    if is_keyword(value) {
        return Ok(Some(Arc::from(value)));
    }
    if has_keyword_form(value) {
        return Ok(None);
    }
    if state.local.contains_key(value) && state.defined.get(value) != Some(&true) {
        create_term_def(result, state, value)?;
    }
    if let Some(i) = value.get(1..).and_then(|s| s.find(':')).map(|i| i + 1) {
        let prefix = &value[..i];
        let suffix = &value[i + 1..];
        if prefix != "_"
            && !suffix.starts_with("//")
            && state.local.contains_key(prefix)
            && state.defined.get(prefix) != Some(&true)
        {
            create_term_def(result, state, prefix)?;
        }
    }
    Ok(result
        .expand_iri(value, false, vocab)
        .map(Text::into_shared))
}

/// Create Term Definition (API 4.2.2).
fn create_term_def(
    result: &mut ActiveContext,
    state: &mut DefState<'_>,
    term: &str,
) -> Result<(), JsonLdError> {
    match state.defined.get(term) {
        Some(true) => return Ok(()),
        Some(false) => {
            return Err(JsonLdError::syntax(
                "cyclic IRI mapping",
                state.at(term),
                "the term's definition depends on itself",
            ))
        }
        None => {}
    }
    if term.is_empty() {
        return Err(JsonLdError::syntax(
            "invalid term definition",
            state.origin,
            "the empty string is not a term",
        ));
    }
    state.defined.insert(term.to_owned(), false);
    let raw = state.local.get(term).cloned().unwrap_or(Value::Null);
    if term == "@type" {
        return Err(JsonLdError::unsupported(
            "redefinition of @type",
            state.at(term),
        ));
    }
    if is_keyword(term) {
        return Err(JsonLdError::syntax(
            "keyword redefinition",
            state.at(term),
            "keywords cannot be redefined",
        ));
    }
    if has_keyword_form(term) {
        // Reserved for future keywords: ignored.
        state.defined.insert(term.to_owned(), true);
        return Ok(());
    }
    let previous = result.terms.remove(term);
    let (value, simple_term) = match &raw {
        Value::Null => {
            let mut m = Map::new();
            m.insert("@id".to_owned(), Value::Null);
            (m, false)
        }
        Value::String(s) => {
            let mut m = Map::new();
            m.insert("@id".to_owned(), Value::String(s.clone()));
            (m, true)
        }
        Value::Object(m) => (m.clone(), false),
        _ => {
            return Err(JsonLdError::syntax(
                "invalid term definition",
                state.at(term),
                "a term definition must be null, a string or an object",
            ))
        }
    };
    let mut def = TermDef {
        protected: state.protected,
        pinned: state.source_cacheable,
        ..TermDef::default()
    };
    if let Some(p) = value.get("@protected") {
        def.protected = p.as_bool().ok_or_else(|| {
            JsonLdError::syntax(
                "invalid @protected value",
                state.at(term),
                "must be a boolean",
            )
        })?;
    }
    if let Some(t) = value.get("@type") {
        let t = t.as_str().ok_or_else(|| {
            JsonLdError::syntax(
                "invalid type mapping",
                state.at(term),
                "@type must be a string",
            )
        })?;
        let expanded = expand_iri_local(result, state, t, true)?;
        match expanded {
            Some(e)
                if matches!(&*e, "@id" | "@json" | "@none" | "@vocab") || is_absolute_iri(&e) =>
            {
                def.type_mapping = Some(e)
            }
            _ => {
                return Err(JsonLdError::syntax(
                    "invalid type mapping",
                    state.at(term),
                    format!("`{t}` is not an absolute IRI, @id, @vocab, @json or @none"),
                ))
            }
        }
    }
    if let Some(r) = value.get("@reverse") {
        // Recorded so the term can be rejected precisely where it is used.
        let r = r.as_str().ok_or_else(|| {
            JsonLdError::syntax(
                "invalid IRI mapping",
                state.at(term),
                "@reverse must be a string",
            )
        })?;
        def.reverse = true;
        def.iri = expand_iri_local(result, state, r, true)?;
    } else if let Some(id) = value.get("@id").filter(|id| id.as_str() != Some(term)) {
        match id {
            Value::Null => def.iri = None,
            Value::String(s) => {
                if !is_keyword(s) && has_keyword_form(s) {
                    state.defined.insert(term.to_owned(), true);
                    return Ok(());
                }
                let iri = expand_iri_local(result, state, s, true)?;
                let iri = match iri {
                    Some(i) if is_keyword(&i) || is_absolute_iri(&i) || is_blank(&i) => i,
                    _ => {
                        return Err(JsonLdError::syntax(
                            "invalid IRI mapping",
                            state.at(term),
                            format!("`{s}` does not expand to an IRI"),
                        ))
                    }
                };
                if &*iri == "@context" {
                    return Err(JsonLdError::syntax(
                        "invalid keyword alias",
                        state.at(term),
                        "@context cannot be aliased",
                    ));
                }
                let inner_colon = term
                    .get(1..term.len().saturating_sub(1))
                    .is_some_and(|s| s.contains(':'));
                if inner_colon || term.contains('/') {
                    state.defined.insert(term.to_owned(), true);
                    let as_iri = expand_iri_local(result, state, term, true)?;
                    if as_iri.as_deref() != Some(&*iri) {
                        return Err(JsonLdError::syntax(
                            "invalid IRI mapping",
                            state.at(term),
                            "a term that looks like an IRI must expand to itself",
                        ));
                    }
                }
                if !term.contains(':')
                    && !term.contains('/')
                    && simple_term
                    && (ends_with_gen_delim(&iri) || is_blank(&iri))
                {
                    def.prefix = true;
                }
                def.iri = Some(iri);
            }
            _ => {
                return Err(JsonLdError::syntax(
                    "invalid IRI mapping",
                    state.at(term),
                    "@id must be a string or null",
                ))
            }
        }
    } else if let Some(i) = term.get(1..).and_then(|s| s.find(':')).map(|i| i + 1) {
        let prefix = &term[..i];
        let suffix = &term[i + 1..];
        let compact = prefix != "_" && !suffix.starts_with("//");
        if compact && state.local.contains_key(prefix) {
            create_term_def(result, state, prefix)?;
        }
        def.iri = match result.terms.get(prefix).and_then(|d| d.iri.as_ref()) {
            Some(p) if compact => Some(Arc::from(format!("{p}{suffix}"))),
            _ => Some(Arc::from(term)),
        };
    } else if term.contains('/') {
        match result.expand_iri(term, false, true) {
            Some(i) if is_absolute_iri(&i) => def.iri = Some(i.into_shared()),
            _ => {
                return Err(JsonLdError::syntax(
                    "invalid IRI mapping",
                    state.at(term),
                    "relative IRI term without a vocabulary mapping",
                ))
            }
        }
    } else if let Some(v) = &result.vocab {
        def.iri = Some(Arc::from(format!("{v}{term}")));
    } else {
        return Err(JsonLdError::syntax(
            "invalid IRI mapping",
            state.at(term),
            "the term has no @id and there is no @vocab",
        ));
    }
    if let Some(c) = value.get("@container") {
        def.container = parse_container(c, &state.at(term))?;
    }
    if let Some(ix) = value.get("@index") {
        let ix = ix.as_str().ok_or_else(|| {
            JsonLdError::syntax(
                "invalid term definition",
                state.at(term),
                "@index must be a string",
            )
        })?;
        def.index = Some(ix.to_owned());
    }
    if let Some(ctx) = value.get("@context") {
        def.context = Some(ScopedContext {
            id: fresh_id(),
            cacheable: state.source_cacheable,
            value: Arc::new(ctx.clone()),
            base: state.base_url.map(Arc::from),
        });
    }
    if !value.contains_key("@type") {
        if let Some(l) = value.get("@language") {
            def.language = Some(match l {
                Value::Null => None,
                Value::String(s) => Some(Arc::from(s.to_lowercase())),
                _ => {
                    return Err(JsonLdError::syntax(
                        "invalid language mapping",
                        state.at(term),
                        "@language must be a string or null",
                    ))
                }
            });
        }
        if let Some(d) = value.get("@direction") {
            def.direction = Some(parse_direction(d, &state.at(term))?);
        }
    }
    if let Some(n) = value.get("@nest") {
        let n = n.as_str().ok_or_else(|| {
            JsonLdError::syntax(
                "invalid @nest value",
                state.at(term),
                "@nest must be a string",
            )
        })?;
        def.nest = Some(n.to_owned());
    }
    if let Some(p) = value.get("@prefix") {
        if term.contains(':') || term.contains('/') {
            return Err(JsonLdError::syntax(
                "invalid term definition",
                state.at(term),
                "@prefix on a term containing ':' or '/'",
            ));
        }
        def.prefix = p.as_bool().ok_or_else(|| {
            JsonLdError::syntax(
                "invalid @prefix value",
                state.at(term),
                "@prefix must be a boolean",
            )
        })?;
        if def.prefix && def.iri.as_deref().is_some_and(is_keyword) {
            return Err(JsonLdError::syntax(
                "invalid term definition",
                state.at(term),
                "a keyword alias cannot be a prefix",
            ));
        }
    }
    if let Some(k) = value.keys().find(|k| {
        !matches!(
            k.as_str(),
            "@id"
                | "@reverse"
                | "@container"
                | "@context"
                | "@direction"
                | "@index"
                | "@language"
                | "@nest"
                | "@prefix"
                | "@protected"
                | "@type"
        )
    }) {
        return Err(JsonLdError::syntax(
            "invalid term definition",
            state.at(term),
            format!("unexpected entry `{k}`"),
        ));
    }
    if let Some(prev) = previous
        .as_ref()
        .filter(|p| p.protected && !state.override_protected)
    {
        if !def.same_as(prev) {
            return Err(JsonLdError::ProtectedTermRedefinition {
                term: term.to_owned(),
                path: state.origin.to_owned(),
            });
        }
        result.terms.insert(term.to_owned(), prev.clone());
    } else {
        def.shadows_pinned = !def.pinned
            && previous
                .as_ref()
                .is_some_and(|p| (p.pinned || p.shadows_pinned) && !def.same_as(p));
        result.terms.insert(term.to_owned(), Arc::new(def));
    }
    state.defined.insert(term.to_owned(), true);
    Ok(())
}

fn parse_container(c: &Value, at: &str) -> Result<Container, JsonLdError> {
    let invalid =
        || JsonLdError::syntax("invalid container mapping", at, "invalid @container value");
    let items: Vec<&str> = match c {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a
            .iter()
            .map(|v| v.as_str().ok_or_else(invalid))
            .collect::<Result<_, _>>()?,
        _ => return Err(invalid()),
    };
    let mut k = Container::default();
    for item in &items {
        let flag = match *item {
            "@list" => &mut k.list,
            "@set" => &mut k.set,
            "@graph" => &mut k.graph,
            "@language" => &mut k.language,
            "@index" => &mut k.index,
            "@id" => &mut k.id,
            "@type" => &mut k.type_,
            _ => return Err(invalid()),
        };
        if *flag {
            return Err(invalid());
        }
        *flag = true;
    }
    let others = [k.language, k.index, k.id, k.type_]
        .iter()
        .filter(|b| **b)
        .count();
    let valid = if items.len() == 1 {
        true
    } else if k.list {
        false
    } else if k.graph {
        !(k.language || k.type_ || (k.id && k.index))
    } else {
        others <= 1
    };
    if valid {
        Ok(k)
    } else {
        Err(invalid())
    }
}
