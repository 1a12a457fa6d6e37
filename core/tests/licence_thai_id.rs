//! Thai ID validation: check digits, each kind of malformed input, serde.

use elicence_core::licence::thai_id::{ThaiId, ThaiIdError};

// Each valid vector with its hand computation: S = d1*13 + d2*12 + ... + d12*2,
// check = (11 - S mod 11) mod 10.
const VALID: &[(&str, bool)] = &[
    // 0*13+1*12+0*11+5*10+5*9+3*8+6*7+1*6+1*5+2*4+0*3+1*2 = 194; 194 mod 11 = 7; 11-7 = 4.
    ("0105536112014", true),
    // 12+50+45+48+7+0+5+8+9+8 = 192; 192 mod 11 = 5; 11-5 = 6.
    ("0105561012346", true),
    // 1*12 = 12; 12 mod 11 = 1; 11-1 = 10; 10 mod 10 = 0 (the "10 -> 0" case).
    ("0100000000000", true),
    // 13+24+33+40+45+48+49+48+45+0+3+4 = 352 = 32*11; 11-0 = 11; 11 mod 10 = 1 (the "11 -> 1" case).
    ("1234567890121", false),
    // 3*13+1*12+6*9 = 105; 105 mod 11 = 6; 11-6 = 5.
    ("3100600000005", false),
];

#[test]
fn hand_computed_ids_are_accepted() {
    for &(text, juristic) in VALID {
        let id = ThaiId::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(id.as_str(), text);
        assert_eq!(id.to_string(), text);
        assert_eq!(id.is_juristic(), juristic, "{text}");
    }
}

#[test]
fn every_other_last_digit_is_a_wrong_check_digit() {
    for &(text, _) in VALID {
        let expected = text.as_bytes()[12] - b'0';
        for found in (0..=9u8).filter(|&d| d != expected) {
            let altered = format!("{}{}", &text[..12], found);
            assert_eq!(
                ThaiId::parse(&altered),
                Err(ThaiIdError::WrongCheckDigit { expected, found }),
                "{altered}"
            );
        }
    }
}

#[test]
fn a_single_digit_typo_is_caught() {
    // Here S mod 11 = 7, the only residue that gives check digit 4. Changing
    // one of the first twelve digits changes S by w*delta (2 <= w <= 13,
    // 1 <= |delta| <= 9), a multiple of 11 only for weight 11 (position 3).
    let text = "0105536112014";
    for position in (0..12).filter(|&p| p != 2) {
        for digit in b'0'..=b'9' {
            let mut bytes = text.as_bytes().to_vec();
            if bytes[position] == digit {
                continue;
            }
            bytes[position] = digit;
            let typo = String::from_utf8(bytes).unwrap();
            assert!(
                matches!(
                    ThaiId::parse(&typo),
                    Err(ThaiIdError::WrongCheckDigit { .. })
                ),
                "typo {typo} accepted"
            );
        }
    }
}

#[test]
fn error_messages_name_the_problem() {
    assert_eq!(
        ThaiId::parse("0105536112015").unwrap_err().to_string(),
        "wrong check digit: expected 4, found 5"
    );
    assert_eq!(
        ThaiId::parse("010553611201").unwrap_err().to_string(),
        "wrong length: expected 13 digits, found 12 characters"
    );
    assert_eq!(
        ThaiId::parse("01055361120a4").unwrap_err().to_string(),
        "not a digit: 'a' at position 12"
    );
}

#[test]
fn wrong_lengths_are_counted_in_characters() {
    assert_eq!(
        ThaiId::parse(""),
        Err(ThaiIdError::WrongLength { found: 0 })
    );
    assert_eq!(
        ThaiId::parse("010553611201"),
        Err(ThaiIdError::WrongLength { found: 12 })
    );
    assert_eq!(
        ThaiId::parse("01055361120140"),
        Err(ThaiIdError::WrongLength { found: 14 })
    );
    assert_eq!(
        ThaiId::parse(" 0105536112014"),
        Err(ThaiIdError::WrongLength { found: 14 })
    );
    assert_eq!(
        ThaiId::parse("0-1055-36112-01-4"),
        Err(ThaiIdError::WrongLength { found: 17 })
    );
    // 14 Thai digits: 14 characters, 42 bytes.
    assert_eq!(
        ThaiId::parse("๐๑๐๕๕๓๖๑๑๒๐๑๔๔").unwrap_err(),
        ThaiIdError::WrongLength { found: 14 }
    );
}

#[test]
fn non_ascii_digits_are_not_digits() {
    assert_eq!(
        ThaiId::parse("๐๑๐๕๕๓๖๑๑๒๐๑๔"),
        Err(ThaiIdError::NotADigit {
            position: 1,
            character: '๐'
        })
    );
    assert_eq!(
        ThaiId::parse("010553611201\u{FF14}"),
        Err(ThaiIdError::NotADigit {
            position: 13,
            character: '\u{FF14}'
        })
    );
    assert_eq!(
        ThaiId::parse("0105536 12014"),
        Err(ThaiIdError::NotADigit {
            position: 8,
            character: ' '
        })
    );
    assert_eq!(
        ThaiId::parse("+105536112014"),
        Err(ThaiIdError::NotADigit {
            position: 1,
            character: '+'
        })
    );
}

#[test]
fn serde_uses_a_validated_string() {
    let id: ThaiId = serde_json::from_str("\"0105536112014\"").unwrap();
    assert_eq!(serde_json::to_string(&id).unwrap(), "\"0105536112014\"");
    let err = serde_json::from_str::<ThaiId>("\"0105536112015\"").unwrap_err();
    assert!(
        err.to_string()
            .contains("wrong check digit: expected 4, found 5"),
        "{err}"
    );
    assert!(serde_json::from_str::<ThaiId>("105536112014").is_err());
    assert_eq!("0105536112014".parse::<ThaiId>().unwrap(), id);
}
