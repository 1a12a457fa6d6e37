//! Accept-header negotiation (RFC 9110 §12.5.1) for licence representations.

use axum::http::{header, HeaderMap};

/// Representations of a licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    /// The bilingual HTML page.
    Html,
    /// The credential, `application/vc`.
    Vc,
    /// The credential, `application/json`.
    Json,
    /// The credential, `application/ld+json`.
    JsonLd,
    /// The credential secured as `application/vc+jwt`.
    Jwt,
    /// The PDF/A-3 licence signed by the agency (PAdES), the credential inside.
    Pdf,
}

impl Representation {
    /// Its media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Representation::Html => "text/html; charset=utf-8",
            Representation::Vc => "application/vc",
            Representation::Json => "application/json",
            Representation::JsonLd => "application/ld+json",
            Representation::Jwt => "application/vc+jwt",
            Representation::Pdf => "application/pdf",
        }
    }
}

const OFFERED: [(&str, Representation); 6] = [
    ("application/vc", Representation::Vc),
    ("application/json", Representation::Json),
    ("application/ld+json", Representation::JsonLd),
    ("application/vc+jwt", Representation::Jwt),
    ("text/html", Representation::Html),
    ("application/pdf", Representation::Pdf),
];

/// What a status list is offered as: the same signed JSON under each of the
/// media types the VC specifications use (the W3C status list test suite,
/// for one, cannot parse `application/vc`).
pub const STATUS_LIST_OFFERS: [(&str, Representation); 3] = [
    ("application/vc", Representation::Vc),
    ("application/ld+json", Representation::JsonLd),
    ("application/json", Representation::Json),
];

/// The best representation of a licence for the request's Accept header;
/// `None` means 406. No Accept header (or `*/*` alone) gives the credential
/// as `application/vc`.
pub fn choose(headers: &HeaderMap) -> Option<Representation> {
    choose_among(headers, &OFFERED)
}

/// The best of `offered` (the first is the default) for the request's Accept
/// header; `None` means 406.
pub fn choose_among(
    headers: &HeaderMap,
    offered: &[(&str, Representation)],
) -> Option<Representation> {
    let default = offered.first().map(|o| o.1);
    let Some(accept) = headers.get(header::ACCEPT) else {
        return default;
    };
    // A header that is not visible ASCII offers nothing acceptable.
    let accept = accept.to_str().ok()?;
    if accept.trim().is_empty() {
        return default;
    }
    let mut best: Option<(f32, u8, usize, Representation)> = None;
    for (order, range) in accept.split(',').enumerate() {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut q = 1.0f32;
        for p in parts {
            if let Some(v) = p.trim().strip_prefix("q=") {
                q = v.trim().parse().unwrap_or(0.0);
            }
        }
        if q <= 0.0 {
            continue;
        }
        for (offer_rank, (name, rep)) in offered.iter().enumerate() {
            let specificity = if media == *name {
                2
            } else if media == "*/*" && offer_rank == 0 {
                0
            } else if media.ends_with("/*") && name.starts_with(media.trim_end_matches('*')) {
                1
            } else {
                continue;
            };
            let candidate = (q, specificity, usize::MAX - order, *rep);
            let better = match best {
                None => true,
                Some((bq, bs, bo, _)) => (q, specificity, usize::MAX - order) > (bq, bs, bo),
            };
            if better {
                best = Some(candidate);
            }
        }
    }
    best.map(|b| b.3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn pick(accept: &str) -> Option<Representation> {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        choose(&h)
    }

    #[test]
    fn browsers_get_html_clients_get_json() {
        assert_eq!(
            pick("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            Some(Representation::Html)
        );
        assert_eq!(pick("application/json"), Some(Representation::Json));
        assert_eq!(pick("application/vc+jwt"), Some(Representation::Jwt));
        assert_eq!(pick("*/*"), Some(Representation::Vc));
        assert_eq!(
            pick("application/vc;q=0.5, text/html"),
            Some(Representation::Html)
        );
        assert_eq!(pick("image/png"), None);
        assert_eq!(choose(&HeaderMap::new()), Some(Representation::Vc));
    }

    #[test]
    fn status_lists_negotiate_json_media_types() {
        let pick_list = |accept: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
            choose_among(&h, &STATUS_LIST_OFFERS)
        };
        assert_eq!(
            choose_among(&HeaderMap::new(), &STATUS_LIST_OFFERS),
            Some(Representation::Vc)
        );
        assert_eq!(pick_list("*/*"), Some(Representation::Vc));
        assert_eq!(pick_list("application/json"), Some(Representation::Json));
        assert_eq!(
            pick_list("application/ld+json, application/json;q=0.5"),
            Some(Representation::JsonLd)
        );
        assert_eq!(pick_list("application/*"), Some(Representation::Vc));
        assert_eq!(pick_list("text/html"), None);
        assert_eq!(pick_list("application/vc+jwt"), None);
    }
}
