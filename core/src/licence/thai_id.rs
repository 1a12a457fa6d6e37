//! Thai 13-digit identification numbers (juristic persons and citizens).
//!
//! A licence names its holder by this number, so a typo must be caught before
//! it is signed: the 13th digit is a check digit over the first twelve.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How many digits a Thai ID has.
pub const THAI_ID_LENGTH: usize = 13;

/// Why a string is not a valid Thai ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThaiIdError {
    /// Not exactly 13 characters long.
    #[error("wrong length: expected 13 digits, found {found} characters")]
    WrongLength {
        /// The number of characters (not bytes) found.
        found: usize,
    },
    /// A character other than an ASCII digit (Thai digits ๐-๙ included).
    #[error("not a digit: {character:?} at position {position}")]
    NotADigit {
        /// 1-based position of the character.
        position: usize,
        /// The offending character.
        character: char,
    },
    /// The 13th digit does not match the first twelve.
    #[error("wrong check digit: expected {expected}, found {found}")]
    WrongCheckDigit {
        /// The check digit the first twelve digits require.
        expected: u8,
        /// The 13th digit as written.
        found: u8,
    },
}

/// A validated Thai ID: 13 ASCII digits with a correct check digit.
///
/// Only constructible through [`ThaiId::parse`], so holding one proves the
/// number is well formed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThaiId(String);

impl ThaiId {
    /// Validates `s`: exactly 13 ASCII digits whose last is the check digit
    /// `(11 - (sum of d1..d12 weighted 13..2) mod 11) mod 10`.
    pub fn parse(s: &str) -> Result<ThaiId, ThaiIdError> {
        let found = s.chars().count();
        if found != THAI_ID_LENGTH {
            return Err(ThaiIdError::WrongLength { found });
        }
        let mut digits = [0u8; THAI_ID_LENGTH];
        for (index, character) in s.chars().enumerate() {
            let digit = character
                .to_digit(10)
                .filter(|_| character.is_ascii_digit())
                .ok_or(ThaiIdError::NotADigit {
                    position: index + 1,
                    character,
                })?;
            // `to_digit(10)` is at most 9, so the narrowing is lossless.
            digits[index] = digit as u8;
        }
        let expected = check_digit(&digits);
        let found = digits[THAI_ID_LENGTH - 1];
        if expected != found {
            return Err(ThaiIdError::WrongCheckDigit { expected, found });
        }
        Ok(ThaiId(s.to_owned()))
    }

    /// True for juristic persons (companies, partnerships, ...): their IDs
    /// start with 0, citizens' never do.
    pub fn is_juristic(&self) -> bool {
        self.0.starts_with('0')
    }

    /// The 13 digits as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The check digit of the first twelve of `digits`.
fn check_digit(digits: &[u8; THAI_ID_LENGTH]) -> u8 {
    let sum: u32 = digits[..12]
        .iter()
        .zip((2..=13u32).rev())
        .map(|(&d, weight)| u32::from(d) * weight)
        .sum();
    // Both operands are below 12, so the result fits a u8.
    ((11 - sum % 11) % 10) as u8
}

impl fmt::Display for ThaiId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ThaiId {
    type Err = ThaiIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ThaiId::parse(s)
    }
}

impl AsRef<str> for ThaiId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for ThaiId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ThaiId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        ThaiId::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_of_known_juristic_id() {
        // 0105536112014: 0*13+1*12+0*11+5*10+5*9+3*8+6*7+1*6+1*5+2*4+0*3+1*2 = 194,
        // 194 mod 11 = 7, (11-7) mod 10 = 4.
        let digits = [0, 1, 0, 5, 5, 3, 6, 1, 1, 2, 0, 1, 4];
        assert_eq!(check_digit(&digits), 4);
    }
}
