//! Incremental updates (ISO 32000-1 §7.5.6): objects appended after the
//! last `%%EOF` with their own cross-reference section and a trailer whose
//! `/Prev` points to the previous one, so the signed bytes before stay
//! exactly as they were. Objects are serialised from lopdf's model.

use std::io::Write as _;

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

use crate::PadesError;

/// Writes one PDF object in its syntax.
pub(crate) fn write_object(out: &mut Vec<u8>, obj: &Object) {
    match obj {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Object::Real(r) => {
            let _ = write!(out, "{r}");
        }
        Object::Name(n) => write_name(out, n),
        Object::String(s, StringFormat::Hexadecimal) => {
            out.push(b'<');
            out.extend_from_slice(hex::encode_upper(s).as_bytes());
            out.push(b'>');
        }
        Object::String(s, StringFormat::Literal) => {
            out.push(b'(');
            for &b in s {
                match b {
                    b'(' | b')' | b'\\' => {
                        out.push(b'\\');
                        out.push(b);
                    }
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    _ => out.push(b),
                }
            }
            out.push(b')');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => write_dict(out, d),
        Object::Stream(s) => {
            let mut dict = s.dict.clone();
            dict.set("Length", Object::Integer(s.content.len() as i64));
            write_dict(out, &dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&s.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((n, g)) => {
            let _ = write!(out, "{n} {g} R");
        }
    }
}

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if b.is_ascii_alphanumeric() || b"-_.+*".contains(&b) {
            out.push(b);
        } else {
            let _ = write!(out, "#{b:02X}");
        }
    }
}

fn write_dict(out: &mut Vec<u8>, d: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (k, v) in d.iter() {
        write_name(out, k);
        out.push(b' ');
        write_object(out, v);
    }
    out.extend_from_slice(b">>");
}

/// Offset of the last cross-reference section (`startxref`).
pub(crate) fn last_startxref(pdf: &[u8]) -> Result<usize, PadesError> {
    let tail_start = pdf.len().saturating_sub(2048);
    let tail = &pdf[tail_start..];
    let at = find_last(tail, b"startxref")
        .ok_or_else(|| PadesError::Malformed("no startxref".into()))?;
    let rest = &tail[at + b"startxref".len()..];
    let digits: String = rest
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect();
    digits
        .parse()
        .map_err(|_| PadesError::Malformed("startxref is not a number".into()))
}

pub(crate) fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// An incremental update being written after `base`.
pub(crate) struct Update<'a> {
    base: &'a [u8],
    doc: &'a Document,
    objects: Vec<(ObjectId, Vec<u8>)>,
    next_id: u32,
}

impl<'a> Update<'a> {
    pub(crate) fn new(base: &'a [u8], doc: &'a Document) -> Self {
        let size = doc
            .trailer
            .get(b"Size")
            .and_then(Object::as_i64)
            .unwrap_or(0)
            .max(i64::from(doc.max_id) + 1);
        Update {
            base,
            doc,
            objects: Vec::new(),
            next_id: u32::try_from(size).unwrap_or(doc.max_id + 1),
        }
    }

    /// A new object number.
    pub(crate) fn allocate(&mut self) -> ObjectId {
        let id = (self.next_id, 0);
        self.next_id += 1;
        id
    }

    /// Adds (or replaces) object `id` with `obj`.
    pub(crate) fn put(&mut self, id: ObjectId, obj: &Object) {
        let mut body = Vec::new();
        write_object(&mut body, obj);
        self.objects.push((id, body));
    }

    /// Adds object `id` with already-serialised body bytes.
    pub(crate) fn put_raw(&mut self, id: ObjectId, body: Vec<u8>) {
        self.objects.push((id, body));
    }

    /// The whole file: base, objects, xref section, trailer.
    pub(crate) fn finish(mut self) -> Result<Vec<u8>, PadesError> {
        let prev = last_startxref(self.base)?;
        let mut out = self.base.to_vec();
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        self.objects.sort_by_key(|(id, _)| *id);
        let mut offsets = Vec::new();
        for (id, body) in &self.objects {
            offsets.push((*id, out.len()));
            let _ = writeln!(out, "{} {} obj", id.0, id.1);
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref_at = out.len();
        out.extend_from_slice(b"xref\n0 1\n0000000000 65535 f \n");
        for (id, offset) in &offsets {
            let _ = write!(out, "{} 1\n{:010} {:05} n \n", id.0, offset, id.1);
        }
        let mut trailer = Dictionary::new();
        trailer.set("Size", Object::Integer(i64::from(self.next_id)));
        for key in [b"Root".as_slice(), b"Info", b"ID"] {
            if let Ok(v) = self.doc.trailer.get(key) {
                trailer.set(key, v.clone());
            }
        }
        trailer.set("Prev", Object::Integer(prev as i64));
        out.extend_from_slice(b"trailer\n");
        write_dict(&mut out, &trailer);
        let _ = write!(out, "\nstartxref\n{xref_at}\n%%EOF\n");
        Ok(out)
    }
}
