//! Licence IRIs: the documented examples, round trips over generated numbers,
//! injectivity, and one specific error per malformed input.

use std::collections::HashMap;

use elicence_core::licence::iri::{
    BaseUrlError, LicenceIri, LicenceIriError, NumberError, TypeCodeError,
};

const BASE: &str = "https://licence.example.go.th";

fn iri(number: &str) -> LicenceIri {
    LicenceIri::new(BASE, "food-sale", number).unwrap_or_else(|e| panic!("{number:?}: {e}"))
}

fn number_error(number: &str) -> NumberError {
    match LicenceIri::new(BASE, "food-sale", number) {
        Err(LicenceIriError::Number(e)) => e,
        other => panic!("{number:?}: expected a number error, got {other:?}"),
    }
}

fn type_code_error(code: &str) -> TypeCodeError {
    match LicenceIri::new(BASE, code, "1") {
        Err(LicenceIriError::TypeCode(e)) => e,
        other => panic!("{code:?}: expected a type code error, got {other:?}"),
    }
}

fn base_error(base: &str) -> BaseUrlError {
    match LicenceIri::new(base, "food-sale", "1") {
        Err(LicenceIriError::BaseUrl(e)) => e,
        other => panic!("{base:?}: expected a base URL error, got {other:?}"),
    }
}

/// (number, IRI, URI); the URIs were computed independently with Python's
/// `urllib.parse.quote` and are the table in docs/licence-iri.md.
const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "สน.1/2566",
        "https://licence.example.go.th/licences/food-sale/สน.1~2566",
        "https://licence.example.go.th/licences/food-sale/%E0%B8%AA%E0%B8%99.1~2566",
    ),
    (
        "ข-12345/2565",
        "https://licence.example.go.th/licences/food-sale/ข-12345~2565",
        "https://licence.example.go.th/licences/food-sale/%E0%B8%82-12345~2565",
    ),
    (
        "๑๒๓/๒๕๖๖",
        "https://licence.example.go.th/licences/food-sale/๑๒๓~๒๕๖๖",
        "https://licence.example.go.th/licences/food-sale/%E0%B9%91%E0%B9%92%E0%B9%93~%E0%B9%92%E0%B9%95%E0%B9%96%E0%B9%96",
    ),
    (
        "123/2566",
        "https://licence.example.go.th/licences/food-sale/123~2566",
        "https://licence.example.go.th/licences/food-sale/123~2566",
    ),
    (
        "กท 12/2567 (ก)",
        "https://licence.example.go.th/licences/food-sale/กท_12~2567_(ก)",
        "https://licence.example.go.th/licences/food-sale/%E0%B8%81%E0%B8%97_12~2567_(%E0%B8%81)",
    ),
];

#[test]
fn documented_examples_map_both_ways() {
    for &(number, expected_iri, expected_uri) in EXAMPLES {
        let built = iri(number);
        assert_eq!(built.as_str(), expected_iri);
        assert_eq!(built.to_uri(), expected_uri);
        assert_eq!(built.base_url(), BASE);
        assert_eq!(built.type_code(), "food-sale");
        assert_eq!(built.number(), number);
        let parsed = LicenceIri::parse(expected_iri).unwrap();
        assert_eq!(parsed, built);
        assert_eq!(parsed.number(), number);
        assert_eq!(LicenceIri::from_uri(expected_uri).unwrap(), built);
    }
}

#[test]
fn thai_and_ascii_digits_are_different_numbers() {
    let thai = iri("๑๒๓/๒๕๖๖");
    let ascii = iri("123/2566");
    assert_ne!(thai, ascii);
    assert_ne!(thai.as_str(), ascii.as_str());
    assert_ne!(thai.to_uri(), ascii.to_uri());
    assert_eq!(
        LicenceIri::parse(thai.as_str()).unwrap().number(),
        "๑๒๓/๒๕๖๖"
    );
}

#[test]
fn trailing_slash_of_base_is_stripped_once() {
    assert_eq!(
        LicenceIri::new("https://licence.example.go.th/", "a", "1")
            .unwrap()
            .as_str(),
        "https://licence.example.go.th/licences/a/1"
    );
    let with_path = LicenceIri::new("https://example.go.th:8443/registry/v1/", "a", "1").unwrap();
    assert_eq!(
        with_path.base_url(),
        "https://example.go.th:8443/registry/v1"
    );
    assert_eq!(
        with_path.as_str(),
        "https://example.go.th:8443/registry/v1/licences/a/1"
    );
    assert_eq!(LicenceIri::parse(with_path.as_str()).unwrap(), with_path);
}

#[test]
fn a_base_path_containing_licences_still_round_trips() {
    let nested = LicenceIri::new("https://example.go.th/licences", "licences", "licences").unwrap();
    assert_eq!(
        nested.as_str(),
        "https://example.go.th/licences/licences/licences/licences"
    );
    let parsed = LicenceIri::parse(nested.as_str()).unwrap();
    assert_eq!(parsed.base_url(), "https://example.go.th/licences");
    assert_eq!(parsed.type_code(), "licences");
    assert_eq!(parsed.number(), "licences");
}

/// Small deterministic xorshift generator: reproducible, no extra crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Every character a licence number may contain.
fn number_alphabet() -> Vec<char> {
    let mut alphabet: Vec<char> = ('0'..='9').chain('A'..='Z').chain('a'..='z').collect();
    alphabet.extend('\u{0E01}'..='\u{0E3A}');
    alphabet.extend('\u{0E3F}'..='\u{0E5B}');
    alphabet.extend(['-', '.', '(', ')', '/', ' ']);
    alphabet
}

#[test]
fn generated_numbers_round_trip_and_never_collide() {
    let alphabet = number_alphabet();
    let mut rng = Rng(0x5EED_1CE0_CAFE_F00D);
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut accepted = 0;
    for _ in 0..20_000 {
        let length = 1 + rng.below(64);
        // Bias towards the separators so that spaces and slashes are common.
        let number: String = (0..length)
            .map(|_| match rng.below(8) {
                0 => '/',
                1 => ' ',
                _ => alphabet[rng.below(alphabet.len())],
            })
            .collect();
        let Ok(built) = LicenceIri::new(BASE, "t", &number) else {
            continue;
        };
        accepted += 1;
        assert_eq!(built.number(), number);
        let parsed = LicenceIri::parse(built.as_str()).unwrap();
        assert_eq!(parsed.number(), number);
        let uri = built.to_uri();
        assert!(uri.is_ascii(), "{uri}");
        assert_eq!(LicenceIri::from_uri(&uri).unwrap().number(), number);
        if let Some(previous) = seen.insert(built.as_str().to_owned(), number.clone()) {
            assert_eq!(
                previous,
                number,
                "two numbers share the IRI {}",
                built.as_str()
            );
        }
    }
    assert!(
        accepted > 5_000,
        "generator produced only {accepted} valid numbers"
    );
}

#[test]
fn all_short_numbers_over_a_tricky_alphabet_are_injective() {
    // Every string of length 1..=5 over separators, a Thai letter, a Thai
    // digit, an ASCII digit and a combining mark: exhaustive, not sampled.
    let alphabet = ['1', '๑', 'ก', '\u{0E48}', '/', ' ', '.'];
    let mut by_iri: HashMap<String, String> = HashMap::new();
    let mut by_uri: HashMap<String, String> = HashMap::new();
    let mut current = vec![String::new()];
    let mut valid = 0;
    for _ in 1..=5 {
        let mut next = Vec::with_capacity(current.len() * alphabet.len());
        for prefix in &current {
            for &c in &alphabet {
                let number = format!("{prefix}{c}");
                if let Ok(built) = LicenceIri::new(BASE, "t", &number) {
                    valid += 1;
                    assert_eq!(LicenceIri::parse(built.as_str()).unwrap().number(), number);
                    assert!(by_iri
                        .insert(built.as_str().to_owned(), number.clone())
                        .is_none());
                    assert!(by_uri.insert(built.to_uri(), number.clone()).is_none());
                }
                next.push(number);
            }
        }
        current = next;
    }
    assert!(valid > 5_000, "{valid}");
}

#[test]
fn number_length_limits() {
    let longest = "ก".repeat(64);
    assert_eq!(iri(&longest).number(), longest);
    assert_eq!(
        number_error(&"ก".repeat(65)),
        NumberError::TooLong { length: 65 }
    );
    assert_eq!(number_error(""), NumberError::Empty);
}

#[test]
fn disallowed_number_characters_are_named_with_their_position() {
    let cases = [
        ("1~2", '~', 2),
        ("a_b", '_', 2),
        ("12%20", '%', 3),
        ("1#2", '#', 2),
        ("1?2", '?', 2),
        ("1\\2", '\\', 2),
        ("1\t2", '\t', 2),
        ("สน.1/256\u{0E3B}", '\u{0E3B}', 9),
        ("café", 'é', 4),
        ("\u{FF11}23", '\u{FF11}', 1),
        ("12\u{200B}3", '\u{200B}', 3),
        ("ก\u{00A0}1", '\u{00A0}', 2),
        ("1+2", '+', 2),
        ("1,2", ',', 2),
    ];
    for (number, character, position) in cases {
        assert_eq!(
            number_error(number),
            NumberError::DisallowedCharacter {
                character,
                position
            },
            "{number:?}"
        );
    }
    let message = number_error("a_b").to_string();
    assert_eq!(
        message,
        "licence number: character '_' (U+005F) at position 2 is not allowed"
    );
}

#[test]
fn malformed_spacing_is_rejected() {
    assert_eq!(number_error(" 12"), NumberError::LeadingSpace);
    assert_eq!(number_error("12 "), NumberError::TrailingSpace);
    assert_eq!(
        number_error("1  2"),
        NumberError::ConsecutiveSpaces { position: 3 }
    );
    assert_eq!(number_error(" "), NumberError::LeadingSpace);
}

#[test]
fn numbers_need_a_letter_or_digit() {
    for number in [
        "-",
        "/",
        "./.",
        "()",
        "\u{0E31}\u{0E48}",
        "\u{0E4F}",
        "-- --",
    ] {
        assert_eq!(
            number_error(number),
            NumberError::NoLetterOrDigit,
            "{number:?}"
        );
    }
}

#[test]
fn type_code_rules() {
    for code in ["a", "food-sale", "F.1_2-x", &"x".repeat(32)] {
        assert_eq!(LicenceIri::new(BASE, code, "1").unwrap().type_code(), code);
    }
    assert_eq!(type_code_error(""), TypeCodeError::Empty);
    assert_eq!(
        type_code_error(&"x".repeat(33)),
        TypeCodeError::TooLong { length: 33 }
    );
    assert_eq!(
        type_code_error("-a"),
        TypeCodeError::BadFirstCharacter { character: '-' }
    );
    assert_eq!(
        type_code_error(".a"),
        TypeCodeError::BadFirstCharacter { character: '.' }
    );
    assert_eq!(
        type_code_error("_a"),
        TypeCodeError::BadFirstCharacter { character: '_' }
    );
    assert_eq!(
        type_code_error("food sale"),
        TypeCodeError::DisallowedCharacter {
            character: ' ',
            position: 5
        }
    );
    assert_eq!(
        type_code_error("a/b"),
        TypeCodeError::DisallowedCharacter {
            character: '/',
            position: 2
        }
    );
    assert_eq!(
        type_code_error("อาหาร"),
        TypeCodeError::DisallowedCharacter {
            character: 'อ',
            position: 1
        }
    );
}

#[test]
fn base_url_rules() {
    use BaseUrlError::*;
    assert_eq!(base_error("http://licence.example.go.th"), NotHttps);
    assert_eq!(base_error("HTTPS://licence.example.go.th"), NotHttps);
    assert_eq!(base_error("licence.example.go.th"), NotHttps);
    assert_eq!(base_error("https://"), EmptyHost);
    assert_eq!(base_error("https://:8443"), EmptyHost);
    assert_eq!(base_error("https://user@example.go.th"), Userinfo);
    assert_eq!(base_error("https://example.go.th/a?b=1"), Query);
    assert_eq!(base_error("https://example.go.th/#top"), Fragment);
    assert_eq!(
        base_error("https://Example.go.th"),
        HostCharacter {
            character: 'E',
            position: 9
        }
    );
    assert_eq!(
        base_error("https://ตัวอย่าง.go.th"),
        HostCharacter {
            character: 'ต',
            position: 9
        }
    );
    assert_eq!(
        base_error("https://[::1]"),
        HostCharacter {
            character: '[',
            position: 9
        }
    );
    assert_eq!(
        base_error("https://example..go.th"),
        HostLabel {
            label: String::new()
        }
    );
    assert_eq!(
        base_error("https://example.go.th."),
        HostLabel {
            label: String::new()
        }
    );
    assert_eq!(
        base_error("https://-example.go.th"),
        HostLabel {
            label: "-example".into()
        }
    );
    assert_eq!(
        base_error(&format!("https://{}.th", "a".repeat(64))),
        HostLabel {
            label: "a".repeat(64)
        }
    );
    assert_eq!(
        base_error(&format!("https://{}", vec!["a".repeat(60); 5].join("."))),
        HostTooLong
    );
    assert_eq!(base_error("https://example.go.th:443"), DefaultPort);
    for port in ["", "0", "08443", "65536", "99999", "123456", "84a3"] {
        assert_eq!(
            base_error(&format!("https://example.go.th:{port}")),
            Port { port: port.into() },
            "{port:?}"
        );
    }
    assert_eq!(base_error("https://example.go.th//"), EmptyPathSegment);
    assert_eq!(base_error("https://example.go.th/a//b"), EmptyPathSegment);
    assert_eq!(
        base_error("https://example.go.th/./a"),
        DotPathSegment {
            segment: ".".into()
        }
    );
    assert_eq!(
        base_error("https://example.go.th/a/.."),
        DotPathSegment {
            segment: "..".into()
        }
    );
    assert_eq!(
        base_error("https://example.go.th/a b"),
        PathCharacter {
            character: ' ',
            position: 24
        }
    );
    assert_eq!(
        base_error("https://example.go.th/%41"),
        PathCharacter {
            character: '%',
            position: 23
        }
    );
    assert_eq!(
        base_error("https://example.go.th/ใบอนุญาต"),
        PathCharacter {
            character: 'ใ',
            position: 23
        }
    );
    assert!(LicenceIri::new("https://127.0.0.1:8443", "a", "1").is_ok());
}

#[test]
fn parse_rejects_what_new_would_not_produce() {
    let not_licence = [
        "https://example.go.th/licence/a/1",
        "https://example.go.th/licences/a",
        "https://example.go.th/licences/food-sale/สน.1/2566",
        "/licences/a/1",
        "licences/a/1",
        "",
    ];
    for text in not_licence {
        assert_eq!(
            LicenceIri::parse(text),
            Err(LicenceIriError::NotALicenceIri),
            "{text:?}"
        );
    }
    assert_eq!(
        LicenceIri::parse("https://example.go.th/licences/a/a b"),
        Err(LicenceIriError::SegmentCharacter {
            character: ' ',
            position: 2
        })
    );
    assert_eq!(
        LicenceIri::parse("https://example.go.th/licences/a/%E0%B8%81"),
        Err(LicenceIriError::SegmentCharacter {
            character: '%',
            position: 1
        })
    );
    assert_eq!(
        LicenceIri::parse("https://example.go.th/licences/a/"),
        Err(LicenceIriError::Number(NumberError::Empty))
    );
    assert_eq!(
        LicenceIri::parse("https://example.go.th/licences/a/_1"),
        Err(LicenceIriError::Number(NumberError::LeadingSpace))
    );
    assert_eq!(
        LicenceIri::parse("https://example.go.th//licences/a/1"),
        Err(LicenceIriError::BaseUrl(BaseUrlError::EmptyPathSegment))
    );
    assert_eq!(
        LicenceIri::parse("http://example.go.th/licences/a/1"),
        Err(LicenceIriError::BaseUrl(BaseUrlError::NotHttps))
    );
    assert_eq!(
        LicenceIri::parse("https://example.go.th/licences/-a/1"),
        Err(LicenceIriError::TypeCode(
            TypeCodeError::BadFirstCharacter { character: '-' }
        ))
    );
}

#[test]
fn from_uri_accepts_only_non_ascii_percent_encoding() {
    let lower = "https://licence.example.go.th/licences/food-sale/%e0%b8%aa%e0%b8%99.1~2566";
    let parsed = LicenceIri::from_uri(lower).unwrap();
    assert_eq!(parsed.number(), "สน.1/2566");
    assert_eq!(parsed.to_uri(), EXAMPLES[0].2);
    // The IRI form is a valid input too: it has nothing to decode.
    assert_eq!(LicenceIri::from_uri(EXAMPLES[0].1).unwrap(), parsed);
    assert_eq!(
        LicenceIri::from_uri("https://example.go.th/licences/a/1%2F2"),
        Err(LicenceIriError::PercentEncodedAscii { position: 35 })
    );
    assert_eq!(
        LicenceIri::from_uri("https://example.go.th/licences/a/%31"),
        Err(LicenceIriError::PercentEncodedAscii { position: 34 })
    );
    assert_eq!(
        LicenceIri::from_uri("https://example.go.th/licences/a/1%G0"),
        Err(LicenceIriError::BadPercentEncoding { position: 35 })
    );
    assert_eq!(
        LicenceIri::from_uri("https://example.go.th/licences/a/1%E"),
        Err(LicenceIriError::BadPercentEncoding { position: 35 })
    );
    assert_eq!(
        LicenceIri::from_uri("https://example.go.th/licences/a/1%E0%B8"),
        Err(LicenceIriError::InvalidUtf8)
    );
    assert_eq!(
        LicenceIri::from_uri("https://example.go.th/licences/a/1%FF"),
        Err(LicenceIriError::InvalidUtf8)
    );
}

#[test]
fn serde_is_a_validated_string() {
    let built = iri("สน.1/2566");
    let json = serde_json::to_string(&built).unwrap();
    assert_eq!(json, format!("\"{}\"", EXAMPLES[0].1));
    let back: LicenceIri = serde_json::from_str(&json).unwrap();
    assert_eq!(back, built);
    let err =
        serde_json::from_str::<LicenceIri>("\"https://example.go.th/licences/a/a b\"").unwrap_err();
    assert!(err.to_string().contains("position 2"), "{err}");
    assert!(serde_json::from_str::<LicenceIri>("42").is_err());
}
