//! IRI helpers: keyword tests, scheme detection and RFC 3986 reference
//! resolution (the "basic algorithm" of section 5.2 that JSON-LD requires).

/// All JSON-LD 1.1 keywords.
pub(crate) fn is_keyword(s: &str) -> bool {
    // Asked of every key and IRI of a document, most of which are not.
    s.starts_with('@')
        && matches!(
            s,
            "@base"
                | "@container"
                | "@context"
                | "@default"
                | "@direction"
                | "@embed"
                | "@explicit"
                | "@graph"
                | "@id"
                | "@import"
                | "@included"
                | "@index"
                | "@json"
                | "@language"
                | "@list"
                | "@nest"
                | "@none"
                | "@omitDefault"
                | "@prefix"
                | "@preserve"
                | "@protected"
                | "@propagate"
                | "@requireAll"
                | "@reverse"
                | "@set"
                | "@type"
                | "@value"
                | "@version"
                | "@vocab"
        )
}

/// `@` followed by one or more ASCII letters: reserved for future keywords,
/// ignored by processors.
pub(crate) fn has_keyword_form(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next() == Some('@') && {
        let rest = chars.as_str();
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphabetic())
    }
}

/// Length of the scheme (without the colon) if `s` starts with `scheme ":"`.
fn scheme_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        match b {
            b':' => return Some(i),
            b if b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.' => {}
            _ => return None,
        }
    }
    None
}

/// Has the form of an absolute IRI (a scheme followed by a colon).
pub(crate) fn is_absolute_iri(s: &str) -> bool {
    scheme_len(s).is_some()
}

/// An absolute IRI that can be written in N-Quads: no characters that an
/// `IRIREF` forbids. Anything else is "not well-formed" and toRdf drops it.
pub(crate) fn is_well_formed_iri(s: &str) -> bool {
    is_absolute_iri(s) && s.bytes().all(|b| IRI_BYTE_OK[usize::from(b)])
}

/// Bytes allowed in an N-Quads `IRIREF` (non-ASCII bytes are allowed).
const IRI_BYTE_OK: [bool; 256] = {
    let mut ok = [true; 256];
    let mut i = 0;
    while i <= 0x20 {
        ok[i] = false;
        i += 1;
    }
    let forbidden = *b"<>\"{}|^`\\";
    let mut j = 0;
    while j < forbidden.len() {
        ok[forbidden[j] as usize] = false;
        j += 1;
    }
    ok
};

/// A blank node identifier (`_:` prefix).
pub(crate) fn is_blank(s: &str) -> bool {
    s.starts_with("_:")
}

/// Ends with one of RFC 3986's gen-delims, the condition for a simple term to
/// be usable as a compact-IRI prefix.
pub(crate) fn ends_with_gen_delim(s: &str) -> bool {
    matches!(
        s.bytes().last(),
        Some(b':' | b'/' | b'?' | b'#' | b'[' | b']' | b'@')
    )
}

struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

fn parse(s: &str) -> Parts<'_> {
    let (rest, fragment) = match s.find('#') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (rest, query) = match rest.find('?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (scheme, rest) = match scheme_len(rest) {
        Some(i) => (Some(&rest[..i]), &rest[i + 1..]),
        None => (None, rest),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => match after.find('/') {
            Some(i) => (Some(&after[..i]), &after[i..]),
            None => (Some(after), ""),
        },
        None => (None, rest),
    };
    Parts {
        scheme,
        authority,
        path,
        query,
        fragment,
    }
}

/// RFC 3986 section 5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path;
    let mut out: Vec<&str> = Vec::new();
    while !input.is_empty() {
        if let Some(r) = input.strip_prefix("../") {
            input = r;
        } else if let Some(r) = input.strip_prefix("./") {
            input = r;
        } else if input.starts_with("/./") {
            input = &input[2..];
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") {
            input = &input[3..];
            out.pop();
        } else if input == "/.." {
            input = "/";
            out.pop();
        } else if input == "." || input == ".." {
            input = "";
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |i| i + start);
            out.push(&input[..end]);
            input = &input[end..];
        }
    }
    out.concat()
}

fn merge(base: &Parts<'_>, ref_path: &str) -> String {
    if base.authority.is_some() && base.path.is_empty() {
        format!("/{ref_path}")
    } else {
        match base.path.rfind('/') {
            Some(i) => format!("{}{}", &base.path[..=i], ref_path),
            None => ref_path.to_owned(),
        }
    }
}

/// Resolves `reference` against the absolute IRI `base` (RFC 3986 section 5.2).
pub(crate) fn resolve(base: &str, reference: &str) -> String {
    let r = parse(reference);
    let b = parse(base);
    let (scheme, authority, path, query);
    if r.scheme.is_some() {
        scheme = r.scheme;
        authority = r.authority;
        path = remove_dot_segments(r.path);
        query = r.query;
    } else {
        scheme = b.scheme;
        if r.authority.is_some() {
            authority = r.authority;
            path = remove_dot_segments(r.path);
            query = r.query;
        } else {
            authority = b.authority;
            if r.path.is_empty() {
                path = b.path.to_owned();
                query = r.query.or(b.query);
            } else {
                path = if r.path.starts_with('/') {
                    remove_dot_segments(r.path)
                } else {
                    remove_dot_segments(&merge(&b, r.path))
                };
                query = r.query;
            }
        }
    }
    let mut out = String::with_capacity(base.len() + reference.len());
    if let Some(s) = scheme {
        out.push_str(s);
        out.push(':');
    }
    if let Some(a) = authority {
        out.push_str("//");
        out.push_str(a);
    }
    out.push_str(&path);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = r.fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3986 section 5.4 reference resolution examples.
    #[test]
    fn rfc3986_examples() {
        let base = "http://a/b/c/d;p?q";
        let cases = [
            ("g:h", "g:h"),
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("g#s", "http://a/b/c/g#s"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/../y", "http://a/b/c/y"),
        ];
        for (r, want) in cases {
            assert_eq!(resolve(base, r), want, "resolving {r}");
        }
    }

    #[test]
    fn keyword_forms_and_schemes() {
        assert!(has_keyword_form("@foo"));
        assert!(!has_keyword_form("@"));
        assert!(!has_keyword_form("@foo1"));
        assert!(is_absolute_iri("did:example:1"));
        assert!(!is_absolute_iri("_:b0"));
        assert!(!is_absolute_iri("relative/path"));
        assert!(!is_well_formed_iri("http://a/b c"));
        assert!(is_well_formed_iri("urn:uuid:1"));
    }
}
