//! The JSON-LD 1.1 Expansion algorithm (API section 5.1), producing a typed
//! tree instead of JSON so toRdf can walk it without re-parsing keywords.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::context::{ActiveContext, ScopedContext, TermDef};
use super::error::JsonLdError;
use super::iri::{is_absolute_iri, is_keyword};
use super::object::Object;
use super::spelling::{Audit, ObjectShape};
use super::text::{lowercase, Text};

/// A location in the input document, kept as a borrowed chain so that it
/// costs nothing unless an error has to name it.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// JSON Pointer (RFC 6901) rendering.
    pub fn render(&self) -> String {
        fn go(p: &Path<'_>, out: &mut String) {
            match p {
                Path::Root => {}
                Path::Key(parent, k) => {
                    go(parent, out);
                    out.push('/');
                    out.push_str(&k.replace('~', "~0").replace('/', "~1"));
                }
                Path::Index(parent, i) => {
                    go(parent, out);
                    out.push('/');
                    out.push_str(&i.to_string());
                }
            }
        }
        let mut out = String::new();
        go(self, &mut out);
        if out.is_empty() {
            out.push('/');
        }
        out
    }
}

/// An expanded element. Its strings borrow from the document (`'a`) or
/// share the term definitions' (see [`Text`]), so expansion copies no text
/// it does not have to build.
#[derive(Debug, Clone)]
pub(crate) enum Expanded<'a> {
    Node(Box<NodeObj<'a>>),
    Value(ValueObj<'a>),
    List(Vec<Expanded<'a>>, Option<&'a str>),
}

/// A node object, node reference or graph object.
#[derive(Debug, Clone, Default)]
pub(crate) struct NodeObj<'a> {
    pub id: Option<Text<'a>>,
    pub types: Vec<Text<'a>>,
    pub props: Vec<(Text<'a>, Vec<Expanded<'a>>)>,
    pub graph: Option<Vec<Expanded<'a>>>,
    pub index: Option<&'a str>,
}

/// A value object. `value` is a scalar, or any JSON when `type_` is `@json`.
#[derive(Debug, Clone)]
pub(crate) struct ValueObj<'a> {
    pub value: &'a Value,
    pub type_: Option<Text<'a>>,
    pub language: Option<Text<'a>>,
    pub direction: Option<&'static str>,
    pub index: Option<&'a str>,
}

/// What expansion needs from the processor: applying (cached) contexts.
pub(crate) trait ContextSource {
    fn apply_scoped(
        &self,
        active: &Arc<ActiveContext>,
        scoped: &ScopedContext,
        override_protected: bool,
        propagate: bool,
        at: &Path<'_>,
    ) -> Result<Arc<ActiveContext>, JsonLdError>;

    fn apply_inline(
        &self,
        active: &Arc<ActiveContext>,
        local: &Value,
        at: &Path<'_>,
    ) -> Result<Arc<ActiveContext>, JsonLdError>;
}

pub(crate) struct Expander<'a> {
    pub contexts: &'a dyn ContextSource,
    pub safe_mode: bool,
    /// When set, every spelling is also audited (see `spelling.rs`).
    pub audit: Option<&'a Audit<'a>>,
}

fn unsupported(feature: &str, at: &Path<'_>) -> JsonLdError {
    JsonLdError::unsupported(feature, at.render())
}

fn syntax(code: &'static str, at: &Path<'_>, detail: impl Into<String>) -> JsonLdError {
    JsonLdError::syntax(code, at.render(), detail)
}

#[derive(Default)]
struct Builder<'a> {
    id: Option<Text<'a>>,
    types: Vec<Text<'a>>,
    has_type: bool,
    type_was_array: bool,
    value: Option<&'a Value>,
    language: Option<Text<'a>>,
    direction: Option<&'static str>,
    has_direction: bool,
    index: Option<&'a str>,
    list: Option<Vec<Expanded<'a>>>,
    set: Option<Vec<Expanded<'a>>>,
    graph: Option<Vec<Expanded<'a>>>,
    props: Vec<(Text<'a>, Vec<Expanded<'a>>)>,
}

impl<'a> Builder<'a> {
    /// Entries are not merged here (two keys may alias the same IRI, which
    /// is rare): toRdf does not care and [`to_json`] merges them.
    fn add_prop(&mut self, iri: Text<'a>, items: Vec<Expanded<'a>>) {
        self.props.push((iri, items));
    }

    fn is_empty_node(&self) -> bool {
        self.id.is_none()
            && !self.has_type
            && self.props.is_empty()
            && self.graph.is_none()
            && self.index.is_none()
            && self.language.is_none()
            && !self.has_direction
    }
}

impl Expander<'_> {
    /// Expands a whole document (including the top-level `@graph` unwrapping).
    pub fn expand_document<'a>(
        &self,
        active: &Arc<ActiveContext>,
        doc: &'a Value,
    ) -> Result<Vec<Expanded<'a>>, JsonLdError> {
        let mut out = Vec::new();
        self.expand_element(active, None, doc, &Path::Root, &mut out)?;
        if doc.is_array() {
            return Ok(out);
        }
        Ok(unwrap_top_level_graph(out))
    }

    /// Expands the document whose top level is the object made of `entries`
    /// (see [`Object::Entries`]).
    pub fn expand_document_entries<'a>(
        &self,
        active: &Arc<ActiveContext>,
        entries: &'a [(&'a str, &'a Value)],
    ) -> Result<Vec<Expanded<'a>>, JsonLdError> {
        let mut out = Vec::new();
        let top = Object::Entries(entries);
        self.expand_map(active, None, top, &Path::Root, &mut out)?;
        Ok(unwrap_top_level_graph(out))
    }

    fn dropped(&self, what: impl FnOnce() -> String, at: &Path<'_>) -> Result<(), JsonLdError> {
        if self.safe_mode {
            Err(JsonLdError::Dropped {
                what: what(),
                path: at.render(),
            })
        } else {
            Ok(())
        }
    }

    fn expand_element<'a>(
        &self,
        active: &Arc<ActiveContext>,
        prop: Option<&str>,
        elem: &'a Value,
        at: &Path<'_>,
        out: &mut Vec<Expanded<'a>>,
    ) -> Result<(), JsonLdError> {
        self.expand_element_with(active, prop, Lookup::Unknown, elem, at, out)
    }

    /// [`Expander::expand_element`] when the caller may already know the
    /// definition of `prop` in `active` (`def`).
    fn expand_element_with<'a>(
        &self,
        active: &Arc<ActiveContext>,
        prop: Option<&str>,
        def: Lookup<'_>,
        elem: &'a Value,
        at: &Path<'_>,
        out: &mut Vec<Expanded<'a>>,
    ) -> Result<(), JsonLdError> {
        match elem {
            Value::Null => Ok(()),
            Value::Array(items) => {
                let def = def.resolve(active, prop);
                let list_container = def.is_some_and(|d| d.container.list);
                for (i, item) in items.iter().enumerate() {
                    let p = Path::Index(at, i);
                    let before = out.len();
                    self.expand_element_with(active, prop, Lookup::Known(def), item, &p, out)?;
                    if list_container
                        && (item.is_array()
                            || out[before..]
                                .iter()
                                .any(|e| matches!(e, Expanded::List(..))))
                    {
                        return Err(unsupported("list of lists", &p));
                    }
                }
                Ok(())
            }
            Value::Object(map) => self.expand_map(active, prop, Object::Map(map), at, out),
            scalar => {
                let Some(prop) = prop.filter(|p| *p != "@graph") else {
                    return self.dropped(|| "free-floating scalar".to_owned(), at);
                };
                let def = def.resolve(active, Some(prop));
                match def.and_then(|d| d.context.as_ref()) {
                    Some(sc) => {
                        let ac = self.contexts.apply_scoped(active, sc, true, true, at)?;
                        if let Some(audit) = self.audit {
                            audit.coerced_scalar(&ac, prop, scalar, at)?;
                        }
                        out.push(expand_scalar(&ac, ac.term(prop), scalar, at)?);
                    }
                    None => {
                        if let Some(audit) = self.audit {
                            audit.coerced_scalar(active, prop, scalar, at)?;
                        }
                        out.push(expand_scalar(active, def, scalar, at)?)
                    }
                }
                Ok(())
            }
        }
    }

    fn expand_map<'a>(
        &self,
        active: &Arc<ActiveContext>,
        prop: Option<&str>,
        map: Object<'a>,
        at: &Path<'_>,
        out: &mut Vec<Expanded<'a>>,
    ) -> Result<(), JsonLdError> {
        // Borrowed until a context is applied: every node object would
        // otherwise pay atomic reference counting for nothing.
        let mut ac: Cow<'_, Arc<ActiveContext>> = Cow::Borrowed(active);
        let prop_scoped = prop
            .and_then(|p| active.term(p))
            .and_then(|d| d.context.as_ref());
        // Step 7: type-scoped contexts do not propagate into new node objects.
        if let Some(prev) = &active.previous {
            let mut revert = true;
            for k in map.keys() {
                match active.keyword_of(k) {
                    Some("@value") => revert = false,
                    Some("@id") if map.len() == 1 => revert = false,
                    _ => {}
                }
            }
            if revert {
                ac = Cow::Borrowed(prev);
            }
        }
        if let Some(sc) = prop_scoped {
            ac = Cow::Owned(self.contexts.apply_scoped(&ac, sc, true, true, at)?);
        }
        if let Some(local) = map.get("@context") {
            ac = Cow::Owned(
                self.contexts
                    .apply_inline(&ac, local, &Path::Key(at, "@context"))?,
            );
        }
        // Steps 10-12: type-scoped contexts and input type.
        let type_scoped = ac.clone();
        let mut type_keys: Vec<&str> = map
            .keys()
            .filter(|k| type_scoped.keyword_of(k) == Some("@type"))
            .collect();
        type_keys.sort();
        let mut json_input = false;
        for (n, key) in type_keys.iter().enumerate() {
            let mut terms: Vec<&str> = match map.get(key) {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if n == 0 {
                json_input = terms
                    .last()
                    .and_then(|t| type_scoped.expand_iri(t, false, true))
                    .as_deref()
                    == Some("@json");
            }
            terms.sort_unstable();
            for t in terms {
                if let Some(sc) = type_scoped.term(t).and_then(|d| d.context.as_ref()) {
                    let kp = Path::Key(at, key);
                    ac = Cow::Owned(self.contexts.apply_scoped(&ac, sc, false, false, &kp)?);
                }
            }
        }

        let mut b = Builder {
            props: Vec::with_capacity(map.len()),
            ..Builder::default()
        };
        let mut seen: u32 = 0;
        for (key, value) in map.iter() {
            if key == "@context" {
                continue;
            }
            let kp = Path::Key(at, key);
            let (expanded, def) = ac.expand_key(key);
            let Some(expanded) = expanded.filter(|e| is_keyword(e) || e.contains(':')) else {
                self.dropped(|| format!("undefined term `{key}`"), &kp)?;
                continue;
            };
            if let Some(audit) = self.audit {
                audit.key(&ac, key, &expanded, &kp)?;
            }
            if is_keyword(&expanded) {
                let bit = 1u32 << (keyword_slot(&expanded) % 32);
                if seen & bit != 0 && expanded != "@type" {
                    return Err(syntax(
                        "colliding keywords",
                        &kp,
                        format!("{expanded} appears more than once"),
                    ));
                }
                seen |= bit;
                self.expand_keyword(
                    &ac,
                    &type_scoped,
                    prop,
                    &expanded,
                    value,
                    json_input,
                    &kp,
                    &mut b,
                )?;
                continue;
            }
            let def: Option<&Arc<TermDef>> = def;
            if let Some(d) = def {
                if d.reverse {
                    return Err(unsupported("@reverse", &kp));
                }
                if d.nest.is_some() {
                    return Err(unsupported("@nest", &kp));
                }
                if d.index.is_some() {
                    return Err(unsupported("@index property mapping", &kp));
                }
            }
            let container = def.map(|d| d.container).unwrap_or_default();
            let was_array = value.is_array();
            let mut items = Vec::new();
            if def.and_then(|d| d.type_mapping.as_deref()) == Some("@json") {
                items.push(Expanded::Value(ValueObj {
                    value,
                    type_: Some(Text::Doc("@json")),
                    language: None,
                    direction: None,
                    index: None,
                }));
            } else if container.language && value.is_object() {
                expand_language_map(&ac, value, def, &kp, &mut items)?;
            } else if (container.index || container.id || container.type_) && value.is_object() {
                return Err(unsupported("@container @index/@id/@type map", &kp));
            } else {
                if value.is_null() {
                    continue;
                }
                self.expand_element_with(
                    &ac,
                    Some(key),
                    Lookup::Known(def),
                    value,
                    &kp,
                    &mut items,
                )?;
                if !was_array && items.is_empty() {
                    continue;
                }
            }
            if container.list {
                let already_list =
                    !was_array && items.len() == 1 && matches!(items[0], Expanded::List(..));
                if !already_list {
                    if items.iter().any(|e| matches!(e, Expanded::List(..))) {
                        return Err(unsupported("list of lists", &kp));
                    }
                    items = vec![Expanded::List(items, None)];
                }
            }
            if container.graph {
                if container.id || container.index {
                    return Err(unsupported("@container @graph with @id/@index", &kp));
                }
                items = items
                    .into_iter()
                    .map(|it| {
                        Expanded::Node(Box::new(NodeObj {
                            graph: Some(vec![it]),
                            ..NodeObj::default()
                        }))
                    })
                    .collect();
            }
            b.add_prop(expanded, items);
        }
        let Some(audit) = self.audit else {
            return self.finish(b, prop, at, out);
        };
        let is_value = b.value.is_some();
        let is_set = b.set.is_some();
        let start = out.len();
        self.finish(b, prop, at, out)?;
        let value = match out.get(start) {
            Some(Expanded::Value(v)) if is_value => Some(v),
            _ => None,
        };
        let shape = ObjectShape {
            value,
            is_value,
            is_set,
        };
        audit.object(&ac, &type_scoped, prop, map, shape, at)
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_keyword<'a>(
        &self,
        ac: &Arc<ActiveContext>,
        type_scoped: &Arc<ActiveContext>,
        prop: Option<&str>,
        keyword: &str,
        value: &'a Value,
        json_input: bool,
        kp: &Path<'_>,
        b: &mut Builder<'a>,
    ) -> Result<(), JsonLdError> {
        match keyword {
            "@id" => {
                let s = value
                    .as_str()
                    .ok_or_else(|| syntax("invalid @id value", kp, "@id must be a string"))?;
                let id = ac
                    .expand_iri(s, true, false)
                    .ok_or_else(|| unsupported("keyword-like @id value", kp))?;
                b.id = Some(id);
            }
            "@type" => {
                let values: Vec<&'a str> = match value {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => {
                        b.type_was_array = true;
                        a.iter()
                            .map(|v| {
                                v.as_str().ok_or_else(|| {
                                    syntax(
                                        "invalid type value",
                                        kp,
                                        "@type entries must be strings",
                                    )
                                })
                            })
                            .collect::<Result<_, _>>()?
                    }
                    _ => {
                        return Err(syntax(
                            "invalid type value",
                            kp,
                            "@type must be a string or array of strings",
                        ))
                    }
                };
                b.has_type = true;
                for v in values {
                    match type_scoped.expand_iri(v, true, true) {
                        Some(t) => b.types.push(t),
                        None => self.dropped(|| format!("type `{v}`"), kp)?,
                    }
                }
            }
            "@graph" => {
                let mut items = Vec::new();
                self.expand_element(ac, Some("@graph"), value, kp, &mut items)?;
                b.graph.get_or_insert_with(Vec::new).append(&mut items);
            }
            "@value" => {
                if !json_input && (value.is_array() || value.is_object()) {
                    return Err(syntax(
                        "invalid value object value",
                        kp,
                        "@value must be a scalar or null",
                    ));
                }
                b.value = Some(value);
            }
            "@language" => {
                let s = value.as_str().ok_or_else(|| {
                    syntax(
                        "invalid language-tagged string",
                        kp,
                        "@language must be a string",
                    )
                })?;
                b.language = Some(lowercase(s));
            }
            "@direction" => {
                b.has_direction = true;
                b.direction = match value {
                    Value::String(s) if s == "ltr" => Some("ltr"),
                    Value::String(s) if s == "rtl" => Some("rtl"),
                    Value::Null => None,
                    _ => {
                        return Err(syntax(
                            "invalid base direction",
                            kp,
                            "@direction must be \"ltr\" or \"rtl\"",
                        ))
                    }
                };
            }
            "@index" => {
                let s = value
                    .as_str()
                    .ok_or_else(|| syntax("invalid @index value", kp, "@index must be a string"))?;
                b.index = Some(s);
            }
            "@list" => {
                if matches!(prop, None | Some("@graph")) {
                    return self.dropped(|| "free-floating list".to_owned(), kp);
                }
                let mut items = Vec::new();
                self.expand_element(ac, prop, value, kp, &mut items)?;
                let nested = value
                    .as_array()
                    .is_some_and(|a| a.iter().any(Value::is_array))
                    || items.iter().any(|e| matches!(e, Expanded::List(..)));
                if nested {
                    return Err(unsupported("list of lists", kp));
                }
                b.list = Some(items);
            }
            "@set" => {
                let mut items = Vec::new();
                self.expand_element(ac, prop, value, kp, &mut items)?;
                b.set = Some(items);
            }
            other => return Err(unsupported(other, kp)),
        }
        Ok(())
    }

    fn finish<'a>(
        &self,
        b: Builder<'a>,
        prop: Option<&str>,
        at: &Path<'_>,
        out: &mut Vec<Expanded<'a>>,
    ) -> Result<(), JsonLdError> {
        let free_floating = matches!(prop, None | Some("@graph"));
        if let Some(value) = b.value {
            if b.id.is_some()
                || !b.props.is_empty()
                || b.graph.is_some()
                || b.list.is_some()
                || b.set.is_some()
            {
                return Err(syntax(
                    "invalid value object",
                    at,
                    "a value object has extra entries",
                ));
            }
            if b.has_type && (b.language.is_some() || b.has_direction) {
                return Err(syntax(
                    "invalid value object",
                    at,
                    "@type cannot be combined with @language or @direction",
                ));
            }
            let type_ = if b.has_type {
                if b.type_was_array || b.types.len() != 1 {
                    return Err(syntax(
                        "invalid typed value",
                        at,
                        "@type of a value must be one IRI",
                    ));
                }
                b.types.into_iter().next()
            } else {
                None
            };
            let is_json = type_.as_deref() == Some("@json");
            if !is_json {
                if value.is_null() {
                    return Ok(());
                }
                if b.language.is_some() && !value.is_string() {
                    return Err(syntax(
                        "invalid language-tagged value",
                        at,
                        "@language requires a string @value",
                    ));
                }
                if let Some(t) = &type_ {
                    if !is_absolute_iri(t) {
                        return Err(syntax(
                            "invalid typed value",
                            at,
                            format!("`{t}` is not an IRI"),
                        ));
                    }
                }
            }
            if free_floating {
                return self.dropped(|| "free-floating value".to_owned(), at);
            }
            out.push(Expanded::Value(ValueObj {
                value,
                type_,
                language: b.language,
                direction: b.direction,
                index: b.index,
            }));
            return Ok(());
        }
        let only_index = b.id.is_none()
            && !b.has_type
            && b.props.is_empty()
            && b.graph.is_none()
            && b.language.is_none()
            && !b.has_direction;
        if let Some(items) = b.list {
            if !only_index || b.set.is_some() {
                return Err(syntax(
                    "invalid set or list object",
                    at,
                    "@list with extra entries",
                ));
            }
            out.push(Expanded::List(items, b.index));
            return Ok(());
        }
        if let Some(items) = b.set {
            if !only_index {
                return Err(syntax(
                    "invalid set or list object",
                    at,
                    "@set with extra entries",
                ));
            }
            out.extend(items);
            return Ok(());
        }
        if b.language.is_some()
            && b.id.is_none()
            && !b.has_type
            && b.props.is_empty()
            && b.graph.is_none()
        {
            return Ok(());
        }
        if free_floating {
            if b.is_empty_node() {
                return Ok(());
            }
            let only_id = b.id.is_some()
                && !b.has_type
                && b.props.is_empty()
                && b.graph.is_none()
                && b.index.is_none();
            if only_id {
                return Ok(());
            }
        }
        out.push(Expanded::Node(Box::new(NodeObj {
            id: b.id,
            types: b.types,
            props: b.props,
            graph: b.graph,
            index: b.index,
        })));
        Ok(())
    }
}

/// The definition of the property an element is the value of, in the
/// context the element is expanded with, when the caller looked it up
/// already (each lookup of a document's keys is a hash and a compare).
#[derive(Clone, Copy)]
enum Lookup<'d> {
    Unknown,
    Known(Option<&'d Arc<TermDef>>),
}

impl<'d> Lookup<'d> {
    fn resolve(self, active: &'d ActiveContext, prop: Option<&str>) -> Option<&'d Arc<TermDef>> {
        match self {
            Lookup::Known(def) => def,
            Lookup::Unknown => prop.and_then(|p| active.term(p)),
        }
    }
}

/// A top-level object that is only `@graph` stands for its contents.
fn unwrap_top_level_graph(mut out: Vec<Expanded<'_>>) -> Vec<Expanded<'_>> {
    if out.len() == 1 {
        if let Some(Expanded::Node(n)) = out.first_mut() {
            if n.id.is_none() && n.types.is_empty() && n.props.is_empty() && n.index.is_none() {
                if let Some(g) = n.graph.take() {
                    return g;
                }
            }
        }
    }
    out
}

/// Slot of a keyword in the colliding-keywords bit set.
fn keyword_slot(k: &str) -> u32 {
    match k {
        "@id" => 0,
        "@type" => 1,
        "@graph" => 2,
        "@value" => 3,
        "@language" => 4,
        "@direction" => 5,
        "@index" => 6,
        "@list" => 7,
        "@set" => 8,
        "@reverse" => 9,
        "@included" => 10,
        "@nest" => 11,
        _ => 31,
    }
}

/// Value Expansion (API 5.3.2) of a scalar under a property whose
/// definition in `ac` is `def`.
pub(crate) fn expand_scalar<'a>(
    ac: &ActiveContext,
    def: Option<&Arc<TermDef>>,
    v: &'a Value,
    at: &Path<'_>,
) -> Result<Expanded<'a>, JsonLdError> {
    let tm = def.and_then(|d| d.type_mapping.as_deref());
    if let Value::String(s) = v {
        let id = match tm {
            Some("@id") => Some(ac.expand_iri(s, true, false)),
            Some("@vocab") => Some(ac.expand_iri(s, true, true)),
            _ => None,
        };
        if let Some(id) = id {
            let id = id.ok_or_else(|| unsupported("keyword-like IRI value", at))?;
            return Ok(Expanded::Node(Box::new(NodeObj {
                id: Some(id),
                ..NodeObj::default()
            })));
        }
    }
    let mut vo = ValueObj {
        value: v,
        type_: None,
        language: None,
        direction: None,
        index: None,
    };
    match def.and_then(|d| d.type_mapping.as_ref()) {
        Some(t) if !matches!(&**t, "@id" | "@vocab" | "@none") => {
            vo.type_ = Some(Text::Shared(t.clone()))
        }
        _ if v.is_string() => {
            vo.language = match def.and_then(|d| d.language.as_ref()) {
                Some(l) => l.clone(),
                None => ac.language.clone(),
            }
            .map(Text::Shared);
            vo.direction = match def.and_then(|d| d.direction) {
                Some(d) => d,
                None => ac.direction,
            };
        }
        _ => {}
    }
    Ok(Expanded::Value(vo))
}

fn expand_language_map<'a>(
    ac: &ActiveContext,
    value: &'a Value,
    def: Option<&Arc<TermDef>>,
    at: &Path<'_>,
    out: &mut Vec<Expanded<'a>>,
) -> Result<(), JsonLdError> {
    let Some(map) = value.as_object() else {
        return Ok(());
    };
    let direction = match def.and_then(|d| d.direction) {
        Some(d) => d,
        None => ac.direction,
    };
    for (lang, v) in map {
        let lp = Path::Key(at, lang);
        let language = if ac.expand_iri(lang, false, true).as_deref() == Some("@none") {
            None
        } else {
            Some(lowercase(lang))
        };
        let items: &[Value] = match v {
            Value::Array(a) => a,
            other => std::slice::from_ref(other),
        };
        for item in items {
            match item {
                Value::Null => {}
                Value::String(_) => out.push(Expanded::Value(ValueObj {
                    value: item,
                    type_: None,
                    language: language.clone(),
                    direction,
                    index: None,
                })),
                _ => {
                    return Err(syntax(
                        "invalid language map value",
                        &lp,
                        "language map values must be strings",
                    ))
                }
            }
        }
    }
    Ok(())
}

/// The expanded form as JSON (what the JSON-LD `expand()` API returns).
pub(crate) fn to_json(items: &[Expanded<'_>]) -> Value {
    Value::Array(items.iter().map(item_to_json).collect())
}

fn item_to_json(e: &Expanded<'_>) -> Value {
    let mut m = Map::new();
    match e {
        Expanded::Node(n) => {
            if let Some(id) = &n.id {
                m.insert("@id".into(), Value::from(&**id));
            }
            if !n.types.is_empty() {
                m.insert(
                    "@type".into(),
                    Value::Array(n.types.iter().map(|t| Value::from(&**t)).collect()),
                );
            }
            for (p, items) in &n.props {
                match m.get_mut(&**p) {
                    Some(Value::Array(existing)) => existing.extend(items.iter().map(item_to_json)),
                    _ => {
                        m.insert(p.to_string(), to_json(items));
                    }
                }
            }
            if let Some(g) = &n.graph {
                m.insert("@graph".into(), to_json(g));
            }
            if let Some(i) = n.index {
                m.insert("@index".into(), Value::from(i));
            }
        }
        Expanded::Value(v) => {
            m.insert("@value".into(), v.value.clone());
            if let Some(t) = &v.type_ {
                m.insert("@type".into(), Value::from(&**t));
            }
            if let Some(l) = &v.language {
                m.insert("@language".into(), Value::from(&**l));
            }
            if let Some(d) = v.direction {
                m.insert("@direction".into(), Value::from(d));
            }
            if let Some(i) = v.index {
                m.insert("@index".into(), Value::from(i));
            }
        }
        Expanded::List(items, index) => {
            m.insert("@list".into(), to_json(items));
            if let Some(i) = index {
                m.insert("@index".into(), Value::from(*i));
            }
        }
    }
    Value::Object(m)
}
