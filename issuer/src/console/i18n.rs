//! Thai by default, English on request: `?lang=en` (or `th`) on any console
//! page, remembered in a cookie.

use axum::http::{HeaderMap, HeaderValue};

use super::session::cookie;

/// The language cookie's name.
pub const LANG_COOKIE: &str = "elicence_lang";

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Thai (the default).
    Th,
    /// English.
    En,
}

impl Lang {
    /// From a `lang` value: only `th` and `en` are known.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "th" => Some(Lang::Th),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The BCP 47 code for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }

    /// The other language (for the switch link).
    pub fn other(self) -> Lang {
        match self {
            Lang::Th => Lang::En,
            Lang::En => Lang::Th,
        }
    }

    /// Picks the text of this language.
    pub fn t<'a>(self, th: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Th => th,
            Lang::En => en,
        }
    }
}

/// The language of a request: the query's `lang` (returned second, to be
/// remembered), else the cookie, else Thai.
pub fn choose(query: Option<&str>, headers: &HeaderMap) -> (Lang, Option<Lang>) {
    let asked = query.and_then(|q| {
        q.split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Lang::parse(v))
    });
    if let Some(l) = asked {
        return (l, Some(l));
    }
    let remembered = cookie(headers, LANG_COOKIE).and_then(Lang::parse);
    (remembered.unwrap_or(Lang::Th), None)
}

/// The `Set-Cookie` value remembering a language for a year.
pub fn set_cookie(lang: Lang) -> HeaderValue {
    HeaderValue::from_static(match lang {
        Lang::Th => "elicence_lang=th; Path=/console; SameSite=Strict; Max-Age=31536000",
        Lang::En => "elicence_lang=en; Path=/console; SameSite=Strict; Max-Age=31536000",
    })
}
