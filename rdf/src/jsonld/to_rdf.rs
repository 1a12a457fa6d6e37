//! Deserialize JSON-LD to RDF (JSON-LD 1.1 API, with node-map generation
//! folded in): walks the expanded tree and emits
//! quads directly. Equivalent to building the node map because an RDF
//! dataset is a set: duplicates are removed by the consumer ([`to_quads`]
//! sorts and de-duplicates, RDFC-1.0 ignores them).
//!
//! The quads borrow every IRI and string from the expanded tree (and so from
//! the document and the contexts), in the canonicalizer's input form: blank
//! nodes are numbers, `b0`, `b1`, ... in document order.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use super::error::JsonLdError;
use super::expand::{Expanded, NodeObj, ValueObj};
use super::iri::{is_blank, is_well_formed_iri};
use super::json::{canonical_double, canonical_integer, number_as_f64, write_canonical};
use crate::model::{Literal, Quad, Term, RDF_LANG_STRING, XSD_STRING};
use crate::rdfc::input::{InQuad, Node};

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";

/// The dataset a document denotes, borrowing from its expanded form.
pub(crate) struct Dataset<'t> {
    /// The statements, in emission order, possibly with duplicates.
    pub quads: Vec<InQuad<'t>>,
    /// Blank nodes are numbered `0..blank_nodes`.
    pub blank_nodes: u32,
}

impl Dataset<'_> {
    /// The statements as owned quads, sorted, without duplicates, blank
    /// nodes labelled `b0`, `b1`, ...
    pub fn to_quads(&self) -> Vec<Quad> {
        let term = |n: &Node<'_>| match n {
            Node::Blank(b) => Term::BlankNode(format!("b{b}")),
            Node::Iri(iri) => Term::Iri((*iri).to_owned()),
            Node::Literal {
                value,
                datatype,
                language,
            } => Term::Literal(Literal {
                value: value.to_string(),
                datatype: (*datatype).to_owned(),
                language: language.map(str::to_owned),
            }),
        };
        let mut quads: Vec<Quad> = self
            .quads
            .iter()
            .map(|q| Quad {
                subject: term(&q.subject),
                predicate: Term::Iri(q.predicate.to_owned()),
                object: term(&q.object),
                graph: q.graph.as_ref().map(term),
            })
            .collect();
        quads.sort_unstable();
        quads.dedup();
        quads
    }
}

pub(crate) struct RdfWriter<'t> {
    quads: Vec<InQuad<'t>>,
    /// Blank node identifiers of the document, by number given.
    labels: HashMap<&'t str, u32>,
    next: u32,
    safe_mode: bool,
}

impl<'t> RdfWriter<'t> {
    pub fn new(safe_mode: bool) -> Self {
        RdfWriter {
            quads: Vec::with_capacity(64),
            labels: HashMap::new(),
            next: 0,
            safe_mode,
        }
    }

    /// Converts the expanded top-level elements (default graph).
    pub fn write_document(mut self, items: &'t [Expanded<'t>]) -> Result<Dataset<'t>, JsonLdError> {
        for item in items {
            if let Expanded::Node(n) = item {
                self.write_node(n, None)?;
            }
        }
        Ok(Dataset {
            quads: self.quads,
            blank_nodes: self.next,
        })
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

    fn fresh(&mut self) -> Node<'t> {
        let node = Node::Blank(self.next);
        self.next += 1;
        node
    }

    /// Blank node identifiers of the document are relabelled (`_:b0`, ...)
    /// consistently, like the reference processors' node-map generation.
    fn blank(&mut self, id: &'t str) -> Node<'t> {
        if let Some(&n) = self.labels.get(id) {
            return Node::Blank(n);
        }
        self.labels.insert(id, self.next);
        self.fresh()
    }

    fn resource(&mut self, id: &'t str) -> Result<Option<Node<'t>>, JsonLdError> {
        if is_blank(id) {
            Ok(Some(self.blank(id)))
        } else if is_well_formed_iri(id) {
            Ok(Some(Node::Iri(id)))
        } else {
            self.dropped(|| format!("relative or malformed IRI `{id}`"))?;
            Ok(None)
        }
    }

    fn push(&mut self, s: &Node<'t>, p: &'t str, o: Node<'t>, g: Option<&Node<'t>>) {
        self.quads.push(InQuad {
            subject: s.clone(),
            predicate: p,
            object: o,
            graph: g.cloned(),
        });
    }

    fn write_node(
        &mut self,
        node: &'t NodeObj<'t>,
        graph: Option<&Node<'t>>,
    ) -> Result<Option<Node<'t>>, JsonLdError> {
        let subject = match &node.id {
            Some(id) => self.resource(id)?,
            None => Some(self.fresh()),
        };
        for t in &node.types {
            let obj = self.resource(t)?;
            if let (Some(s), Some(o)) = (&subject, obj) {
                self.push(s, RDF_TYPE, o, graph);
            }
        }
        for (p, items) in &node.props {
            let p: &'t str = p;
            let predicate_ok = if is_blank(p) {
                self.dropped(|| format!("blank node predicate `{p}`"))?;
                false
            } else if is_well_formed_iri(p) {
                true
            } else {
                self.dropped(|| format!("malformed property IRI `{p}`"))?;
                false
            };
            for item in items {
                let obj = self.write_object(item, graph)?;
                if let (true, Some(s), Some(o)) = (predicate_ok, &subject, obj) {
                    self.push(s, p, o, graph);
                }
            }
        }
        if let Some(g) = &node.graph {
            // A named graph whose name is not well-formed is skipped entirely.
            if let Some(name) = &subject {
                for item in g {
                    if let Expanded::Node(n) = item {
                        self.write_node(n, Some(name))?;
                    }
                }
            }
        }
        Ok(subject)
    }

    fn write_object(
        &mut self,
        item: &'t Expanded<'t>,
        graph: Option<&Node<'t>>,
    ) -> Result<Option<Node<'t>>, JsonLdError> {
        match item {
            Expanded::Node(n) => self.write_node(n, graph),
            Expanded::Value(v) => self.literal(v),
            Expanded::List(items, _) => self.write_list(items, graph),
        }
    }

    fn write_list(
        &mut self,
        items: &'t [Expanded<'t>],
        graph: Option<&Node<'t>>,
    ) -> Result<Option<Node<'t>>, JsonLdError> {
        if items.is_empty() {
            return Ok(Some(Node::Iri(RDF_NIL)));
        }
        // Cells are numbered before their items, as the reference does.
        let first = self.next;
        for _ in items {
            self.fresh();
        }
        for (i, item) in items.iter().enumerate() {
            let cell = Node::Blank(first + i as u32);
            if let Some(o) = self.write_object(item, graph)? {
                self.push(&cell, RDF_FIRST, o, graph);
            }
            let rest = if i + 1 < items.len() {
                Node::Blank(first + i as u32 + 1)
            } else {
                Node::Iri(RDF_NIL)
            };
            self.push(&cell, RDF_REST, rest, graph);
        }
        Ok(Some(Node::Blank(first)))
    }

    fn literal(&self, v: &'t ValueObj<'t>) -> Result<Option<Node<'t>>, JsonLdError> {
        let dt: Option<&'t str> = v.type_.as_deref();
        if dt == Some("@json") {
            let mut lexical = String::new();
            write_canonical(&mut lexical, v.value).ok_or_else(|| {
                JsonLdError::unsupported(
                    "integer beyond 2^53 in @json literal",
                    "(expanded document)",
                )
            })?;
            return Ok(Some(lit(Cow::Owned(lexical), RDF_JSON, None)));
        }
        if let Some(d) = dt {
            if !is_well_formed_iri(d) {
                self.dropped(|| format!("value with malformed datatype `{d}`"))?;
                return Ok(None);
            }
        }
        let language: Option<&'t str> = v.language.as_deref();
        if let Some(l) = language {
            if !is_well_formed_language(l) {
                self.dropped(|| format!("value with malformed language tag `{l}`"))?;
                return Ok(None);
            }
        }
        let node = match v.value {
            Value::Bool(b) => lit(
                Cow::Borrowed(if *b { "true" } else { "false" }),
                dt.unwrap_or(XSD_BOOLEAN),
                None,
            ),
            Value::Number(n) => {
                let f = number_as_f64(n).ok_or_else(|| {
                    JsonLdError::unsupported(
                        format!("integer {n} beyond 2^53 (processors disagree on its form)"),
                        "(expanded document)",
                    )
                })?;
                if f.fract() != 0.0 || f.abs() >= 1e21 || dt == Some(XSD_DOUBLE) {
                    lit(
                        Cow::Owned(canonical_double(f)),
                        dt.unwrap_or(XSD_DOUBLE),
                        None,
                    )
                } else {
                    lit(
                        Cow::Owned(canonical_integer(f)),
                        dt.unwrap_or(XSD_INTEGER),
                        None,
                    )
                }
            }
            Value::String(s) => match language {
                Some(l) => lit(Cow::Borrowed(s), RDF_LANG_STRING, Some(l)),
                None => lit(Cow::Borrowed(s), dt.unwrap_or(XSD_STRING), None),
            },
            _ => return Ok(None),
        };
        Ok(Some(node))
    }
}

fn lit<'t>(value: Cow<'t, str>, datatype: &'t str, language: Option<&'t str>) -> Node<'t> {
    Node::Literal {
        value,
        datatype,
        language,
    }
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
