//! Deserialize JSON-LD to RDF (JSON-LD 1.1 API, with node-map generation
//! folded in): walks the expanded tree and emits
//! quads directly. Equivalent to building the node map because an RDF
//! dataset is a set: the result is sorted and de-duplicated at the end.

use std::collections::HashMap;

use serde_json::Value;

use super::error::JsonLdError;
use super::expand::{Expanded, NodeObj, ValueObj};
use super::iri::{is_blank, is_well_formed_iri};
use super::json::{canonical_double, canonical_integer, number_as_f64, write_canonical};
use crate::model::{Literal, Quad, Term, RDF_LANG_STRING, XSD_STRING};

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";

pub(crate) struct RdfWriter {
    quads: Vec<Quad>,
    labels: HashMap<String, String>,
    next: usize,
    safe_mode: bool,
}

impl RdfWriter {
    pub fn new(safe_mode: bool) -> Self {
        RdfWriter {
            quads: Vec::with_capacity(32),
            labels: HashMap::new(),
            next: 0,
            safe_mode,
        }
    }

    /// Converts the expanded top-level elements (default graph).
    pub fn write_document(mut self, items: Vec<Expanded>) -> Result<Vec<Quad>, JsonLdError> {
        for item in items {
            if let Expanded::Node(n) = item {
                self.write_node(*n, None)?;
            }
        }
        let mut quads = self.quads;
        quads.sort_unstable();
        quads.dedup();
        Ok(quads)
    }

    fn dropped(&self, what: impl FnOnce() -> String) -> Result<(), JsonLdError> {
        if self.safe_mode {
            Err(JsonLdError::Dropped {
                what: what(),
                path: "(expanded document)".to_owned(),
            })
        } else {
            Ok(())
        }
    }

    fn fresh(&mut self) -> Term {
        let label = format!("b{}", self.next);
        self.next += 1;
        Term::BlankNode(label)
    }

    /// Blank node identifiers of the document are relabelled (`_:b0`, ...)
    /// consistently, like the reference processors' node-map generation.
    fn blank(&mut self, id: &str) -> Term {
        if let Some(l) = self.labels.get(id) {
            return Term::BlankNode(l.clone());
        }
        let t = self.fresh();
        if let Term::BlankNode(l) = &t {
            self.labels.insert(id.to_owned(), l.clone());
        }
        t
    }

    fn resource(&mut self, id: String) -> Result<Option<Term>, JsonLdError> {
        if is_blank(&id) {
            Ok(Some(self.blank(&id)))
        } else if is_well_formed_iri(&id) {
            Ok(Some(Term::Iri(id)))
        } else {
            self.dropped(|| format!("relative or malformed IRI `{id}`"))?;
            Ok(None)
        }
    }

    fn push(&mut self, s: &Term, p: &str, o: Term, g: Option<&Term>) {
        self.quads.push(Quad {
            subject: s.clone(),
            predicate: Term::Iri(p.to_owned()),
            object: o,
            graph: g.cloned(),
        });
    }

    fn write_node(
        &mut self,
        node: NodeObj,
        graph: Option<&Term>,
    ) -> Result<Option<Term>, JsonLdError> {
        let subject = match node.id {
            Some(id) => self.resource(id)?,
            None => Some(self.fresh()),
        };
        for t in node.types {
            let obj = self.resource(t)?;
            if let (Some(s), Some(o)) = (&subject, obj) {
                self.push(s, RDF_TYPE, o, graph);
            }
        }
        for (p, items) in node.props {
            let predicate_ok = if is_blank(&p) {
                self.dropped(|| format!("blank node predicate `{p}`"))?;
                false
            } else if is_well_formed_iri(&p) {
                true
            } else {
                self.dropped(|| format!("malformed property IRI `{p}`"))?;
                false
            };
            for item in items {
                let obj = self.write_object(item, graph)?;
                if let (true, Some(s), Some(o)) = (predicate_ok, &subject, obj) {
                    self.push(s, &p, o, graph);
                }
            }
        }
        if let Some(g) = node.graph {
            // A named graph whose name is not well-formed is skipped entirely.
            if let Some(name) = &subject {
                for item in g {
                    if let Expanded::Node(n) = item {
                        self.write_node(*n, Some(name))?;
                    }
                }
            }
        }
        Ok(subject)
    }

    fn write_object(
        &mut self,
        item: Expanded,
        graph: Option<&Term>,
    ) -> Result<Option<Term>, JsonLdError> {
        match item {
            Expanded::Node(n) => self.write_node(*n, graph),
            Expanded::Value(v) => self.literal(*v),
            Expanded::List(items, _) => self.write_list(items, graph),
        }
    }

    fn write_list(
        &mut self,
        items: Vec<Expanded>,
        graph: Option<&Term>,
    ) -> Result<Option<Term>, JsonLdError> {
        if items.is_empty() {
            return Ok(Some(Term::Iri(RDF_NIL.to_owned())));
        }
        let nodes: Vec<Term> = (0..items.len()).map(|_| self.fresh()).collect();
        for (i, item) in items.into_iter().enumerate() {
            if let Some(o) = self.write_object(item, graph)? {
                self.push(&nodes[i], RDF_FIRST, o, graph);
            }
            let rest = nodes
                .get(i + 1)
                .cloned()
                .unwrap_or_else(|| Term::Iri(RDF_NIL.to_owned()));
            self.push(&nodes[i], RDF_REST, rest, graph);
        }
        Ok(nodes.into_iter().next())
    }

    fn literal(&self, v: ValueObj) -> Result<Option<Term>, JsonLdError> {
        let dt = v.type_.as_deref();
        if dt == Some("@json") {
            let mut lexical = String::new();
            write_canonical(&mut lexical, &v.value).ok_or_else(|| {
                JsonLdError::unsupported(
                    "integer beyond 2^53 in @json literal",
                    "(expanded document)",
                )
            })?;
            return Ok(Some(lit(lexical, RDF_JSON, None)));
        }
        if let Some(d) = dt {
            if !is_well_formed_iri(d) {
                self.dropped(|| format!("value with malformed datatype `{d}`"))?;
                return Ok(None);
            }
        }
        if let Some(l) = &v.language {
            if !is_well_formed_language(l) {
                self.dropped(|| format!("value with malformed language tag `{l}`"))?;
                return Ok(None);
            }
        }
        let term = match v.value {
            Value::Bool(b) => lit(b.to_string(), dt.unwrap_or(XSD_BOOLEAN), None),
            Value::Number(n) => {
                let f = number_as_f64(&n).ok_or_else(|| {
                    JsonLdError::unsupported(
                        format!("integer {n} beyond 2^53 (processors disagree on its form)"),
                        "(expanded document)",
                    )
                })?;
                if f.fract() != 0.0 || f.abs() >= 1e21 || dt == Some(XSD_DOUBLE) {
                    lit(canonical_double(f), dt.unwrap_or(XSD_DOUBLE), None)
                } else {
                    lit(canonical_integer(f), dt.unwrap_or(XSD_INTEGER), None)
                }
            }
            Value::String(s) => match v.language {
                Some(l) => lit(s, RDF_LANG_STRING, Some(l)),
                None => lit(s, dt.unwrap_or(XSD_STRING), None),
            },
            _ => return Ok(None),
        };
        Ok(Some(term))
    }
}

fn lit(value: String, datatype: &str, language: Option<String>) -> Term {
    Term::Literal(Literal {
        value,
        datatype: datatype.to_owned(),
        language,
    })
}

/// BCP 47 well-formedness at the level toRdf needs: alphanumeric subtags of
/// 1 to 8 characters, the first alphabetic.
fn is_well_formed_language(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let first_ok = subtags
        .next()
        .is_some_and(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}
